"""The compare operation (groups and fairness) and cohort likelihood (predict over a group).

Groups come, in this order, from the parser's ``groups`` slot (a list of filter lists; the
question's other filters then restrict every group; one group of one filter is set against the
rest, as in "are students treated differently?"), from filters on one feature ("is it fair to
applicants over 60?": that group against the rest), or from a named feature ("does it treat the
marital statuses differently?": one group per category, or a split at the median of a number).
"""

from __future__ import annotations

from ...errors import ExplainerInputError
from ..reply import OpResult
from .context import Context

PSEUDO = ("prediction", "label", "correct")
OPPOSITE = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}


def complement(f: dict) -> dict:
    """The filter that selects every other row (with a value).

    >>> complement({"feature": "Age", "cmp": ">", "value": 60})
    {'feature': 'Age', 'cmp': '<=', 'value': 60}
    """
    return {**f, "cmp": OPPOSITE[f.get("cmp", "==")]}


def _groups(ctx: Context) -> tuple[dict, str | None]:
    """Keyword arguments for ``Explainer.compare``, or a question back to the user."""
    table = ctx.assistant.table()
    slots = ctx.slots
    data_filters = [f for f in ctx.filters if f.get("feature") not in PSEUDO]
    if len(data_filters) < len(ctx.filters):
        return {}, ("Groups are compared on the data's features; filters on the model's own decisions or the true "
                    "labels are what the comparison measures, so leave them out of the groups.")
    groups = [list(g) for g in slots.get("groups") or []]
    if len(groups) == 1 and len(groups[0]) == 1:
        # "are students treated differently?": one group named, so it is compared with the rest
        groups.append([complement(groups[0][0])])
    if groups:
        return {"groups": groups, "within": data_filters or None}, None
    if len(data_filters) == 1:
        f = data_filters[0]
        return {"groups": [[f], [complement(f)]]}, None
    feats = [f for f in (slots.get("features") or []) if f in table.features]
    if feats and not data_filters:
        return {"by": feats[0], "within": data_filters or None}, None
    return {}, (f"Which groups? Name a feature (for example “compare by {table.features[0]}”) or two groups, "
                f"such as “compare applicants over 60 and the rest”. The features are: {', '.join(table.features)}.")


def compare(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return OpResult("compare", "Groups are compared for tabular models; here there is no table of rows.")
    kwargs, ask = _groups(ctx)
    if ask:
        return OpResult("compare", ask)
    target = ctx.slots.get("target")
    if target is not None and ctx.ex.positive_class is not None and target != ctx.ex.positive_class:
        target = ctx.ex.positive_class  # rates count the favourable decision; "denied" reads as its complement
    gc = ctx.ex.compare(positive=target, **kwargs)
    answer = ctx.narrate(gc)
    figures = {"groups": [{"name": g.name, "size": g.size, "positive_rate": g.positive_rate} for g in gc.groups],
               "gaps": gc.gaps, "unavailable": gc.unavailable}
    return OpResult("compare", answer.text, narration=answer, evidence=gc, figures=figures)


def cohort_likelihood(ctx: Context) -> OpResult:
    """"How likely are people over 60 to be approved?": predict with filters and no input."""
    data_filters = [f for f in ctx.filters if f.get("feature") not in PSEUDO]
    if len(data_filters) < len(ctx.filters):
        raise ExplainerInputError("A likelihood is asked of a group of applicants: filter on the data's features, "
                                  "not on the model's decisions.")
    gc = ctx.ex.cohort(data_filters, positive=ctx.ex.positive_class)
    answer = ctx.narrate(gc)
    g = gc.groups[0]
    figures = {"rows": g.size, "positive_rate": g.positive_rate, "mean_probability": g.mean_probability,
               "ci": g.ci, "positive_label": gc.positive_label, "filters": data_filters}
    return OpResult("predict", answer.text, narration=answer, evidence=gc, figures=figures)
