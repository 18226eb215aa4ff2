"""Cohort operations on tabular models: what matters most for a group of rows, and which pairs interact.

Both answers are built only from figures computed here (mean Shapley values and SHAP interaction
values over the cohort's rows); every number in the text is in the OpResult's figures, which the
app shows in its evidence panel. They say what was measured, in which units, over how many rows
and under which filters, because a cohort figure read as a per-person one would be a false claim.
"""

from __future__ import annotations

import itertools

import numpy as np

from ...narrate.facts import fmt_number
from ..reply import OpResult
from .context import Context


def points(p: float) -> str:
    """A probability difference in percentage points, as the text shows it (one decimal)."""
    return f"{p * 100:.1f}"


def direction(signed: float, toward: str) -> str:
    """Which way a feature pushed on average, from the sign of its mean Shapley value.

    >>> direction(0.012, "“bad”"), direction(-0.004, "“bad”")
    ('on average toward “bad”, mean +1.2', 'on average against “bad”, mean -0.4')
    """
    return f"on average {'toward' if signed >= 0 else 'against'} {toward}, mean {signed * 100:+.1f}"


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 12 -> "12th", 23 -> "23rd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def named_ranks(named: list[str], ranked: list[str], said: dict[str, str]) -> str:
    """The sentence that answers "how important is X?" first: each feature asked about, its place
    among all of them and its figure (``said``), before the usual top listing.

    >>> named_ranks(["netw"], ["price", "obrat", "netw"], {"netw": "1.2 points"})
    'netw ranks 3rd of 3 features (1.2 points). '
    >>> named_ranks([], ["price"], {})
    ''
    """
    parts = [f"{f} ranks {ordinal(ranked.index(f) + 1)} of {len(ranked)} features ({said[f]})"
             for f in named if f in ranked and f in said]
    return "; ".join(parts) + ". " if parts else ""


def cohort_top_features(ctx: Context, k: int) -> OpResult:
    """Cohort importance: mean |Shapley value| per feature over the rows the filters select."""
    table = ctx.assistant.table()
    rows = table.filter(ctx.filters)
    where = ctx.where
    if len(rows) == 0:
        return OpResult("top_features", ctx.no_match(), figures={"rows": 0, "filters": ctx.filters})
    imp = ctx.assistant.cohort_importance(ctx.filters)
    if imp.output_kind == "regression":
        return _regression_top_features(imp, k, where, ctx.slots.get("features") or [], ctx.noun)
    if len(imp.predicted) == 1:
        label = next(iter(imp.predicted))
        toward, goal = f"“{label}”", f"“{label}”, the class the model predicts for every one of these rows"
    else:
        counts = ", ".join(f"“{c}” for {n} of them" for c, n in imp.predicted.items())
        toward, goal = "the model's decision", f"each row's own predicted class (the model predicts {counts})"
    ranked = imp.ranked()
    top = ranked[:k]
    listing = "; ".join(f"{f} {points(imp.mean_abs[f])} points ({direction(imp.mean_signed[f], toward)})"
                        for f in top)
    lead = named_ranks(ctx.slots.get("features") or [], ranked,
                       {f: f"{points(imp.mean_abs[f])} points on average" for f in ranked})
    sampled = (f"{imp.rows_used} randomly sampled {ctx.noun} of the {imp.rows_matching} that match"
               if imp.rows_used < imp.rows_matching else f"all {imp.rows_used} matching {ctx.noun}")
    text = lead + (f"Over {sampled} ({where}), the features with the largest mean absolute Shapley value toward "
            f"{goal}, in percentage points of probability: {listing}. Per row: {imp.method}. These are "
            f"averages over the group, not any one person's reasons.")
    figures = {**imp.to_dict(), "filters": ctx.filters, "top": top}
    return OpResult("top_features", text, figures=figures)


def _regression_top_features(imp, k: int, where: str, named: list[str], noun: str = "rows") -> OpResult:
    """Cohort importance of a regressor: mean |Shapley value| in the model's own unit."""
    from ...narrate.amounts import fmt_amount

    ranked = imp.ranked()
    top = ranked[:k]
    unit = imp.unit
    lead = named_ranks(named, ranked, {f: f"{fmt_amount(imp.mean_abs[f], unit)} on average" for f in ranked})
    listing = "; ".join(f"{f} {fmt_amount(imp.mean_abs[f], unit)} (on average "
                        f"{'raising' if imp.mean_signed[f] >= 0 else 'lowering'} the prediction, mean "
                        f"{fmt_amount(imp.mean_signed[f], unit, signed=True)})" for f in top)
    sampled = (f"{imp.rows_used} randomly sampled {noun} of the {imp.rows_matching} that match"
               if imp.rows_used < imp.rows_matching else f"all {imp.rows_used} matching {noun}")
    text = lead + (f"Over {sampled} ({where}), the features with the largest mean absolute Shapley value, in the "
            f"model's unit ({unit or 'unnamed'}): {listing}. Per row: {imp.method}. These are averages over "
            "the group, not any one case's reasons.")
    return OpResult("top_features", text, figures={**imp.to_dict(), "top": top})


def interactions(ctx: Context) -> OpResult:
    """Which feature pairs interact over a cohort: SHAP interaction values for tree models, a
    labelled shuffle test for others."""
    if ctx.kind != "tabular":
        return OpResult("interactions", "Interactions are measured for tabular models only.")
    table = ctx.assistant.table()
    rows = table.filter(ctx.filters)
    if len(rows) < 10:
        return OpResult("interactions", f"Too few rows ({len(rows)}) to measure interactions.")
    named = [f for f in (ctx.slots.get("features") or []) if f in table.features]
    # "interactions for applicants older than 60" names Age only as the cohort, not as a focus.
    if len(named) == 1 and named[0] in {f.get("feature") for f in ctx.filters}:
        named = []
    ci = ctx.assistant.cohort_interactions(ctx.filters)
    if ci is None:
        return _shuffle_interactions(ctx, rows, named)
    pairs = _chosen(ci.ranked(), named)
    value = {p: ci.pairs.get(p, ci.pairs.get(p[::-1])) for p in pairs}
    if ci.unit == "probability":
        unit, shown = "percentage points of probability", {p: f"{points(v)} points" for p, v in value.items()}
    elif ci.unit != "log-odds":  # a regressor: its own unit
        unit, shown = f"the model's unit ({ci.unit})", {p: f"{v:,.4g}" for p, v in value.items()}
    else:
        unit = "log-odds (this boosted model's raw score; its interaction values are not in probability units)"
        shown = {p: f"{v:.3f} log-odds" for p, v in value.items()}
    listing = "; ".join(f"{a} × {b} {shown[(a, b)]}" for a, b in pairs[:3])
    sampled = (f"{len(ci.row_ids)} randomly sampled {ctx.noun} of the {ci.rows_matching} that match"
               if len(ci.row_ids) < ci.rows_matching else f"all {len(ci.row_ids)} matching {ctx.noun}")
    text = (f"SHAP interaction values over {sampled} ({ctx.where}): the mean absolute "
            f"interaction of each pair toward each row's predicted class, in {unit}: {listing}. Computed by "
            f"shap's TreeExplainer (tree_path_dependent), which weighs the trees' own training splits rather "
            f"than the background rows a single explanation uses.")
    figures = {**ci.to_dict(), "filters": ctx.filters, "listed": {f"{a} × {b}": value[(a, b)] for a, b in pairs[:3]}}
    return OpResult("interactions", text, figures=figures)


def _chosen(ranked: list[tuple[str, str]], named: list[str]) -> list[tuple[str, str]]:
    """The pairs to report: the one named ("do income and amount interact"), the ones with the
    feature named ("does age interact with anything"), else all, strongest first."""
    if len(named) >= 2:
        return [(named[0], named[1])]
    if named:
        return [p for p in ranked if named[0] in p]
    return ranked


def _shuffle_interactions(ctx: Context, rows, named: list[str]) -> OpResult:
    """No SHAP interaction values exist for this model; measure a shuffle interaction instead,
    among the cohort's five most important features by mean |Shapley value|, and say so."""
    features = ctx.assistant.table().features
    sample = rows.sample(min(len(rows), 200), random_state=0)
    if len(named) >= 2:
        pairs = [(named[0], named[1])]
    else:
        top = ctx.assistant.cohort_importance(ctx.filters).ranked()[:5]
        pairs = [p for p in itertools.combinations(top, 2) if not named or named[0] in p]
    strength = {p: pair_interaction(ctx.ex, sample, features, *p) for p in pairs}
    ranked = sorted(strength.items(), key=lambda kv: -kv[1])
    listing = "; ".join(f"{a} × {b} {points(v)} points" for (a, b), v in ranked[:3])
    text = (f"This is not a tree model, so shap's interaction values do not apply; instead a shuffle test, "
            f"not a Shapley value, over {fmt_number(len(sample))} {ctx.noun} ({ctx.where}): the mean "
            f"absolute change in p(predicted class) when two features are shuffled together, beyond the sum "
            f"of shuffling each alone, in percentage points: {listing}.")
    return OpResult("interactions", text, figures={"method": "shuffle interaction (not Shapley)", "rows_used": len(sample),
                                                   "pairs": {f"{a} × {b}": v for (a, b), v in ranked},
                                                   "filters": ctx.filters})


def pair_interaction(ex, rows, features, a: str, b: str, seed: int = 0) -> float:
    """Mean |p(a, b shuffled) - p(a shuffled) - p(b shuffled) + p| of the predicted class."""
    rng = np.random.default_rng(seed)
    X = rows[features]
    perm = rng.permutation(len(X))
    base = ex.predictor.predict_proba(X)
    k = base.argmax(axis=1)
    idx = np.arange(len(X))

    def p(cols):
        Xs = X.copy()
        for c in cols:
            Xs[c] = X[c].to_numpy()[perm]
        return ex.predictor.predict_proba(Xs)[idx, k]

    p0 = base[idx, k]
    return float(np.mean(np.abs(p([a, b]) - p([a]) - p([b]) + p0)))
