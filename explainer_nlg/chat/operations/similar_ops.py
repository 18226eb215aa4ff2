"""The similar operation: the past applicants most like this one, and what happened to them."""

from __future__ import annotations

from ..reply import OpResult
from .context import Context

MAX_K = 20


def similar(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return OpResult("similar", "Similar cases are found among a table's labelled rows; there is none here.")
    x = ctx.need_x()
    k = max(1, min(int(ctx.slots.get("k") or 5), MAX_K))
    sc = ctx.ex.similar(x, k=k)
    if ctx.assistant.table().is_regression:
        return _regression_similar(ctx, sc, k)
    answer = ctx.narrate(sc)
    ctx.state.ids = [n.row_id for n in sc.neighbours]  # "why was the second one denied?" follows up on them
    figures = {"k": k, "same_prediction": sc.same_prediction, "correct": sc.correct, "labelled": sc.labelled,
               "outcomes": sc.outcomes, "ids": ctx.state.ids}
    return OpResult("similar", answer.text, narration=answer, evidence=sc, figures=figures,
                    table=sc.table())


def _regression_similar(ctx: Context, sc, k: int) -> OpResult:
    """A regressor's neighbours: their predicted and true values (numbers, not classes), from the
    table's computed columns."""
    from ...narrate.amounts import fmt_amount
    from ...narrate.views.phrases import singular

    noun = sc.row_noun
    table = ctx.assistant.table()
    unit = table.unit
    ids = [n.row_id for n in sc.neighbours]
    ctx.state.ids = ids
    frame = table.frame.loc[ids]
    has = table.has_labels and frame["label"].notna().any()
    own = ctx.assistant.evidence(ctx.x).output_value
    parts = []
    for i, r in frame.iterrows():
        truth = f", in fact {fmt_amount(float(r['label']), unit)}" if has and r["label"] == r["label"] else ""
        parts.append(f"{singular(noun)} {i} (predicted {fmt_amount(float(r['prediction']), unit)}{truth})")
    text = (f"The {len(ids)} {noun} most like this one: {'; '.join(parts)}. The model predicts "
            f"{fmt_amount(own, unit)} for this one.")
    figures = {"k": k, "ids": ids, "predictions": [float(v) for v in frame["prediction"]]}
    if has:
        err = (frame["prediction"] - frame["label"]).abs().dropna()
        figures["mae"] = float(err.mean())
        text += f" On those {len(err)} it was off by {fmt_amount(float(err.mean()), unit)} on average."
    return OpResult("similar", text, evidence=sc, figures=figures, table=sc.table())
