"""RuleEvidence -> true sentences: a decision path, a local rule, or a surrogate tree.

A local rule with precision under 90% is never "the rule": it is stated as the closest rule found,
with its precision. A surrogate's fidelity on held-out rows is always said, and its rules are
called loose when that fidelity is under 90%.

>>> from explainer_nlg.evidence.rules import Condition, RuleEvidence
>>> r = RuleEvidence("local-rule", {"row_id": 17}, "good", [Condition("Income", ">", 120),
...                  Condition("Records", "==", "no")], "good", 0.962, 0.31, 1380, 4454, row_noun="applicants")
>>> print(" ".join(s.text for s in rule_sentences(r, "customer")))
The rule: when Income above 120 and Records no, the model predicts “good” for 96.2% of such applicants; 31.0% of applicants (1,380) meet it.
>>> weak = RuleEvidence("local-rule", {"row_id": 3}, "bad", [Condition("Amount", ">", 1500)], "bad", 0.71, 0.2, 890, 4454,
...                     row_noun="applicants")
>>> print(" ".join(s.text for s in rule_sentences(weak, "customer")))
No short rule holds well for this applicant: the closest one, when Amount above 1,500, gives “bad” for only 71.0% of such applicants (890 applicants, 20.0%).
"""

from __future__ import annotations

from ...evidence.rules import RuleEvidence
from ..templates import TemplateSentence, join_list
from .phrases import Filler, condition_words, count, label, pct, view_templates

MAX_LEAVES = 4


def conditions_text(conditions: list) -> str:
    return join_list([condition_words(c) for c in conditions]) if conditions else "always"


def rule_sentences(r: RuleEvidence, audience: str = "customer",
                   descriptions: dict[str, str] | None = None) -> list[TemplateSentence]:
    """The template narration of a RuleEvidence for ``audience``."""
    t = view_templates()["rules"]
    fill = {"conditions": conditions_text(r.conditions), "prediction": label(r.prediction),
            "precision_pct": pct(r.precision), "coverage_pct": pct(r.coverage), "rows": count(r.rows_matching)}
    if r.rule_kind == "decision-path":
        out = Filler(r, audience, t["path"])
        if r.paths:
            out.add("ensemble", trees=count(len(r.paths)), **fill)
        else:
            out.add("path", **fill)
        if audience != "customer" and r.precision is not None:
            out.add("count", **fill)
    elif r.rule_kind == "local-rule":
        out = Filler(r, audience, t["local"])
        out.add("rule" if r.is_rule else "weak", **fill)
    else:
        out = Filler(r, audience, t["surrogate"])
        ft = {"depth": r.depth, "fidelity_pct": pct(r.fidelity), "fidelity_rows": count(r.fidelity_rows)}
        out.add("fidelity" if (r.fidelity or 0) >= 0.9 else "low_fidelity", **ft)
        if r.input is not None and r.prediction != r.predicted_label:
            out.add("leaf_disagrees", predicted=label(r.predicted_label), **fill)
        elif r.input is not None and r.precision is not None:
            out.add("leaf" if r.is_rule else "leaf_weak", **fill)
        if audience != "customer" or r.input is None:
            leaves = [f"when {conditions_text(leaf.conditions)}, {label(leaf.prediction)} "
                      f"({count(leaf.rows)} {r.row_noun}, {pct(leaf.precision)} of them predicted so)"
                      for leaf in r.leaves[:MAX_LEAVES]]
            if leaves:
                out.add("leaves", leaf_list="; ".join(leaves))
    if audience == "developer":
        out.add("method", method=r.method, seconds=f"{r.seconds:.2f}")
    return out.out
