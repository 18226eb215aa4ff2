"""The rules operation: the rule or decision path behind a prediction, or the model's rules overall.

For an input: the path through the tree when the model is a single tree or a shallow ensemble,
else (saying why) a local rule on the input's own values. Without an input, or when the question
asks for the model's rules overall (scope "global"): a surrogate tree of depth 4 with its fidelity.
"""

from __future__ import annotations

from ...errors import ExplainerInputError
from ..reply import OpResult
from .context import Context


def rules(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return OpResult("rules", "Rules are stated on a table's features; for this input ask “why?” instead.")
    if ctx.assistant.table().is_regression:
        # a rule's precision counts rows given the same class; a number has no class to count
        return OpResult("rules", "This model predicts a number, so there is no decision rule with a precision to "
                                 "state. Ask how a feature moves the prediction (“how does "
                                 f"{ctx.assistant.table().features[0]} affect it?”) or why it predicts what it "
                                 "does for a row (“why row 3?”).")
    if ctx.x is None or ctx.slots.get("scope") == "global":
        r = ctx.ex.surrogate()
        note = ""
    else:
        note = ""
        try:
            r = ctx.ex.decision_path(ctx.x)
        except ExplainerInputError as err:
            note = str(err).split(" Ask for the local rule")[0] + " Here is a local rule instead. "
            r = ctx.ex.local_rule(ctx.x)
    answer = ctx.narrate(r)
    figures = {"rule_kind": r.rule_kind, "precision": r.precision, "coverage": r.coverage,
               "rows_matching": r.rows_matching, "fidelity": r.fidelity,
               "conditions": [c.text() for c in r.conditions]}
    return OpResult("rules", note + answer.text, narration=answer, evidence=r, figures=figures)
