"""The effect operation: how a feature moves the model's decision, over the data or for one input.

"How does income affect approval?" is global (partial dependence over sampled rows, restricted to a
cohort when the question has filters); "what if income rose step by step for her?" is local (the
input's ICE curve) when the parser marks the scope local. Several features get one answer each.
"""

from __future__ import annotations

from ...errors import ExplainerInputError
from ..reply import OpResult
from .context import Context

MAX_FEATURES = 3
PSEUDO = ("prediction", "label", "correct")


def effect(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return OpResult("effect", "Feature effects are measured for tabular models: here every input is a "
                                  f"{'message' if ctx.kind == 'text' else 'photo'}, so ask “why?” about this one.")
    table = ctx.assistant.table()
    named = [f for f in (ctx.slots.get("features") or []) if f in table.features]
    cohort = {f.get("feature") for f in ctx.filters}
    # "how does income affect approval for applicants over 60?": Age names the cohort, not the effect
    feats = [f for f in named if f not in cohort] or named or list(ctx.state.features or [])
    feats = [f for f in feats if f in table.features]
    if not feats:
        return OpResult("effect", f"Which feature? The features are: {', '.join(table.features)}.")
    local = ctx.slots.get("scope") == "local"
    x = ctx.need_x() if local else None
    within = [f for f in ctx.filters if f.get("feature") not in PSEUDO] if not local else []
    notes = []
    if not local and len(within) < len(ctx.filters):
        notes.append("(The effect is over the data's rows; filters on the model's own predictions or the true "
                     "labels are left out of it.)")
    target = ctx.slots.get("target")
    texts, records, answers = [], [], []
    for f in feats[:MAX_FEATURES]:
        try:
            fe = ctx.ex.effect(f, x=x, target=target, within=within or None)
        except ExplainerInputError as err:
            texts.append(str(err))
            continue
        answer = ctx.narrate(fe)
        records.append(fe)
        answers.append(answer)
        texts.append(answer.text)
    if len(feats) > MAX_FEATURES:
        notes.append(f"(I showed the first {MAX_FEATURES} features you named.)")
    figures = {"features": [fe.feature for fe in records], "scope": "local" if local else "global",
               "rows_used": [fe.rows_used for fe in records], "shape": [fe.shape for fe in records]}
    return OpResult("effect", "\n\n".join(texts + notes),
                    narration=answers[0] if len(answers) == 1 else (_joined(answers) if answers else None),
                    evidence=records[0] if len(records) == 1 else (records or None), figures=figures)


def _joined(answers: list):
    from ...narrate import Answer

    first = answers[0]
    return Answer(" ".join(a.text for a in answers), tuple(s for a in answers for s in a.sentences),
                  [a.evidence for a in answers], first.audience, first.focus, None, sum(a.seconds for a in answers))
