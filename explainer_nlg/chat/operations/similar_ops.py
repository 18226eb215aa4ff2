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
    answer = ctx.narrate(sc)
    ctx.state.ids = [n.row_id for n in sc.neighbours]  # "why was the second one denied?" follows up on them
    figures = {"k": k, "same_prediction": sc.same_prediction, "correct": sc.correct, "labelled": sc.labelled,
               "outcomes": sc.outcomes, "ids": ctx.state.ids}
    return OpResult("similar", answer.text, narration=answer, evidence=sc, figures=figures,
                    table=sc.table())
