"""The compare operation (groups and fairness) and cohort likelihood (predict over a group).

Groups come, in this order, from the parser's ``groups`` slot (a list of filter lists; the
question's other filters then restrict every group; one group of one filter is set against the
rest, as in "are students treated differently?"), from filters on one feature ("is it fair to
applicants over 60?": that group against the rest), or from a named feature ("does it treat the
marital statuses differently?": one group per category, or a split at the median of a number).
"""

from __future__ import annotations

from typing import Any

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


def _other_value(f: dict, table: Any) -> dict:
    """``f`` said plainly: "not X" of a column whose only values are X and Y is "Y"."""
    if f.get("cmp") != "!=" or f.get("feature") not in getattr(table.frame, "columns", ()):
        return f
    values = list(table.frame[f["feature"]].dropna().unique())
    if len(values) == 2 and any(str(v) == str(f["value"]) for v in values):
        other = next(v for v in values if str(v) != str(f["value"]))
        return {**f, "cmp": "==", "value": other.item() if hasattr(other, "item") else other}
    return f


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
    # "whitemom != not white" is "whitemom = white" where the column has two values; a group so
    # read twice ("smokers and nonsmokers", with "non smokers" read as "not smokers") is one group
    plain = [[_other_value(f, table) for f in g] for g in groups]
    groups = [g for i, g in enumerate(plain) if g not in plain[:i]]
    if groups:
        return {"groups": groups, "within": data_filters or None}, None
    if len(data_filters) == 1:
        f = data_filters[0]
        return {"groups": [[_other_value(f, table)], [_other_value(complement(f), table)]]}, None
    feats = [f for f in (slots.get("features") or []) if f in table.features]
    if feats and not data_filters:
        return {"by": feats[0], "within": data_filters or None}, None
    who = ctx.ex.info.get("row_noun") or "rows"
    return {}, (f"Which groups? Name a feature (for example “compare by {table.features[0]}”) or two groups, "
                f"such as “compare {who} with {table.features[0]} over a value and the rest”. The features are: "
                f"{', '.join(table.features)}.")


def compare(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return OpResult("compare", "Groups are compared for tabular models; here there is no table of rows.")
    if ctx.slots.get("reference") is not None:
        return compare_rows(ctx)
    kwargs, ask = _groups(ctx)
    lead = ""
    protected = [p for p in ctx.ex.info.get("protected") or [] if p in ctx.assistant.table().features]
    if ask and protected and not ctx.slots.get("groups") and not ctx.slots.get("features") and not ctx.filters:
        # "is this fair?" with no group named: by the features the model's owner marked protected
        kwargs, ask = {"by": protected[0]}, None
        others = ", ".join(f"“compare by {p}”" for p in protected[1:])
        lead = (f"By {protected[0]}, a protected feature" + (f" (for the others, ask {others})" if others else "") +
                ": ")
    if ask:
        return OpResult("compare", ask)
    if ctx.assistant.table().is_regression:
        return _regression_compare(ctx, kwargs)
    target = ctx.slots.get("target")
    if target is None and ctx.ex.positive_class is None and len(ctx.ex.class_names) > 2:
        return _shares_compare(ctx, kwargs)
    if target is not None and ctx.ex.positive_class is not None and target != ctx.ex.positive_class:
        # rates count the favourable decision; "denied" reads as its complement, said so up front
        lead += (f"Rates of “{ctx.ex.positive_class}”, the favourable class (the rate of “{target}” is the rest "
                 f"of each group): ") if len(ctx.ex.class_names) == 2 else ""
        target = ctx.ex.positive_class
    gc = ctx.ex.compare(positive=target, **kwargs)
    answer = ctx.narrate(gc)
    figures = {"groups": [{"name": g.name, "size": g.size, "positive_rate": g.positive_rate} for g in gc.groups],
               "gaps": gc.gaps, "unavailable": gc.unavailable}
    return OpResult("compare", lead + answer.text, narration=answer, evidence=gc, figures=figures)


def _shares_compare(ctx: Context, kwargs: dict) -> OpResult:
    """Groups compared on a model of three or more classes, none named: the share of each group
    the model puts in each class, from the table's computed predictions (a gap with its interval
    needs one class: the answer says how to ask for it)."""
    from ...attribution.row_filters import describe
    from ...narrate.facts import fmt_pct

    table = ctx.assistant.table()
    who = ctx.ex.info.get("row_noun") or "rows"
    within = list(kwargs.get("within") or [])
    named = ctx.ex.groups_by(kwargs["by"]) if "by" in kwargs else [(describe(g), list(g)) for g in kwargs["groups"]]
    groups = [(name, table.filter(filters + within)) for name, filters in named]
    groups = [(name, rows) for name, rows in groups if len(rows)]
    if len(groups) < 2:
        return OpResult("compare", "Fewer than two of these groups have any rows, so there is nothing to compare.")
    classes = [str(c) for c in ctx.ex.class_names]
    lines, figures = [], []
    for name, rows in groups:
        shares = rows["prediction"].astype(str).value_counts(normalize=True).reindex(classes, fill_value=0.0)
        lines.append(f"{name} ({len(rows):,} {who}): " + ", ".join(f"“{c}” {fmt_pct(shares[c])}" for c in classes))
        figures.append({"name": name, "size": len(rows), "shares": {c: float(shares[c]) for c in classes}})
    text = "What the model predicts, by group:\n" + "\n".join(lines)
    if any(len(r) < 20 for _, r in groups):
        text += f"\nA group has fewer than 20 {who}: too few to draw a conclusion."
    text += f"\nFor the gap in one outcome with its uncertainty, name it: for example “and for {classes[0]}?”."
    return OpResult("compare", text, figures={"groups": figures})


def _regression_compare(ctx: Context, kwargs: dict) -> OpResult:
    """A regressor's groups: each group's mean prediction (and true value), the largest gap between
    mean predictions with a bootstrap 95% interval, from the table's computed columns."""
    import numpy as np

    from ...attribution.row_filters import describe
    from ...narrate.amounts import fmt_amount

    table = ctx.assistant.table()
    unit, who = table.unit, ctx.ex.info.get("row_noun") or "rows"
    within = list(kwargs.get("within") or [])
    if "by" in kwargs:
        named = ctx.ex.groups_by(kwargs["by"])
    else:
        named = [(describe(g), list(g)) for g in kwargs["groups"]]
    groups = [(name, table.filter(filters + within)) for name, filters in named]
    groups = [(name, rows) for name, rows in groups if len(rows)]
    if len(groups) < 2:
        return OpResult("compare", "Fewer than two of these groups have any rows, so there is nothing to compare.")
    means = [float(rows["prediction"].mean()) for _, rows in groups]
    listing = " and ".join(f"{fmt_amount(m, unit)} for {name} ({len(rows):,} {who})"
                           for m, (name, rows) in zip(means, groups))
    text = f"The model's prediction averages {listing}."
    hi, lo = int(np.argmax(means)), int(np.argmin(means))
    rng = np.random.default_rng(0)
    a, b = groups[hi][1]["prediction"].to_numpy(float), groups[lo][1]["prediction"].to_numpy(float)
    boots = [rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean() for _ in range(1000)]
    ci = [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))]
    gap = means[hi] - means[lo]
    chance = ci[0] <= 0 <= ci[1]
    text += (f" The largest gap, {fmt_amount(gap, unit)} between {groups[hi][0]} and {groups[lo][0]}, is "
             f"{'within' if chance else 'larger than'} its uncertainty (95% interval {fmt_amount(ci[0], unit, signed=True)} to "
             f"{fmt_amount(ci[1], unit, signed=True)}){', so it may be chance' if chance else ''}.")
    figures: dict = {"groups": [{"name": n, "size": len(r), "mean_prediction": m} for (n, r), m in zip(groups, means)],
                     "gap": gap, "ci": ci}
    if table.has_labels:
        truths = [float(r["label"].mean()) for _, r in groups]
        errors = [float((r["prediction"] - r["label"]).abs().mean()) for _, r in groups]
        for g, t, e in zip(figures["groups"], truths, errors):
            g.update(mean_true=t, mae=e)
        text += (" Their true values average " + " and ".join(fmt_amount(t, unit) for t in truths) +
                 "; the model is off by " + " and ".join(fmt_amount(e, unit) for e in errors) + " on average.")
    if any(len(r) < 20 for _, r in groups):
        text += f" A group has fewer than 20 {who}: too few to draw a conclusion."
    text += " A gap is not by itself proof of unfairness: the groups can differ in other ways."
    return OpResult("compare", text, figures=figures)


def cohort_likelihood(ctx: Context) -> OpResult:
    """"How likely are people over 60 to be approved?": predict with filters and no input."""
    data_filters = [f for f in ctx.filters if f.get("feature") not in PSEUDO]
    if len(data_filters) < len(ctx.filters):
        raise ExplainerInputError("A likelihood is asked of a group of applicants: filter on the data's features, "
                                  "not on the model's decisions.")
    if ctx.assistant.table().is_regression:
        from .data_ops import count

        return count(ctx)  # a number has no likelihood: what the model predicts for the group
    # the outcome asked about ("what share of women will vote no", "how many self-employed are
    # rejected"), else the favourable class
    gc = ctx.ex.cohort(data_filters, positive=ctx.slots.get("target") or ctx.ex.positive_class)
    answer = ctx.narrate(gc)
    g = gc.groups[0]
    figures = {"rows": g.size, "positive_rate": g.positive_rate, "mean_probability": g.mean_probability,
               "ci": g.ci, "positive_label": gc.positive_label, "filters": data_filters}
    return OpResult("predict", answer.text, narration=answer, evidence=gc, figures=figures)


def compare_rows(ctx: Context) -> OpResult:
    """Two rows ("compare row 3 and row 7", "why did 3 get bad but 7 good?"): the first measured
    against the second (``Explainer.contrast``), narrated with both predictions and each detail that
    differs with its share of the gap, and a table of the values that differ."""
    x = ctx.need_x()
    other = ctx.slots["reference"]
    target = ctx.slots.get("target")
    ev = ctx.ex.contrast(x, other, target=target if target in ctx.ex.class_names else None)
    ref = ev.extra["reference"]
    ctx.state.ids = [x, other]  # "why was the second one denied?" follows up on them
    answer = ctx.narrate(ev, focus="contrast")
    a, b = f"row {x}", f"row {other}"  # as the narration names them
    mine, theirs = ev.input.get("row") or {}, ref.get("row") or {}
    table = [{"feature": at.name, a: mine.get(at.name), b: theirs.get(at.name), "share of the gap": at.contribution}
             for at in sorted(ev.attributions, key=lambda t: -abs(t.contribution))
             if str(mine.get(at.name)) != str(theirs.get(at.name))]
    figures = {"rows": [x, other], "target": ev.target_label, "prediction": ev.prediction,
               "reference_prediction": ref["prediction"], "differing": len(table)}
    return OpResult("compare", answer.text, narration=answer, evidence=ev, figures=figures, table=table)
