"""FeatureEffect -> true sentences, for customers, support staff and developers.

Customers get the shape (rising or falling, from what to what), where it flattens and, for one
input, where the decision flips; support staff add the spread between applicants and the SHAP
dependence view; developers add the method. A protected feature is never presented as something to
change: for a customer its flip point is left out and a sentence says why.

>>> from explainer_nlg.evidence.effects import FeatureEffect
>>> fe = FeatureEffect("global", "Income", "numeric", "good", [50, 100, 150, 200], [0.40, 0.60, 0.70, 0.705],
...                    band_low=[0.2, 0.3, 0.4, 0.4], band_high=[0.6, 0.8, 0.9, 0.9], flip_rows=41,
...                    data_share=[0.2, 0.6, 0.8, 0.9], rows_used=300, rows_total=4454, row_noun="applicants")
>>> for s in effect_sentences(fe, "customer"):
...     print(s.text)
Across 300 applicants, the higher the income, the higher the chance of “good”: on average from 40.0% at 50 to 70.5% at 200.
Above 150 it makes little further difference; 20.0% of applicants have more than that.
For 41 of the 300 applicants, some income between 50 and 200 would change the decision.
"""

from __future__ import annotations

from ...attribution.row_filters import describe
from ...evidence.effects import FeatureEffect
from ..amounts import fmt_amount
from ..templates import TemplateSentence, join_list
from .phrases import Filler, count, label, noun, pct, points, value, view_templates


def effect_sentences(fe: FeatureEffect, audience: str = "customer",
                     descriptions: dict[str, str] | None = None) -> list[TemplateSentence]:
    """The template narration of a FeatureEffect for ``audience``."""
    if fe.is_regression:
        return _value_effect(fe, audience, descriptions).out
    t = view_templates()["effect"]
    shape = fe.shape
    base = {"noun": noun(fe.feature, descriptions), "feature": fe.feature, "target": label(fe.target_label),
            "rows": count(fe.rows_used), "rows_total": count(fe.rows_total),
            "cohort": f" where {describe(fe.cohort)}" if fe.cohort else ""}
    if fe.feature_kind == "categorical":
        out = _categorical(fe, audience, t, base, shape)
    else:
        out = _numeric(fe, audience, t, base, shape)
    if audience != "customer" and fe.scope == "global" and fe.rows_used < fe.rows_total:
        out.add("sampled", t["global"], **base)
    if audience == "developer":
        out.add("method", t["local"], method=fe.method, seconds=f"{fe.seconds:.2f}")
    return out.out


def _numeric(fe: FeatureEffect, audience: str, t: dict, base: dict, shape: dict) -> Filler:
    section = t["global"] if fe.scope == "global" else t["local"]
    out = Filler(fe, audience, section)
    g = fe.grid
    fill = {**base, "first": value(g[0]), "last": value(g[-1]), "start_pct": pct(shape["start"]),
            "end_pct": pct(shape["end"]), "low_pct": pct(shape["low"]), "high_pct": pct(shape["high"]),
            "peak": value(shape["peak_at"]), "trough": value(shape["trough_at"])}
    if fe.current is not None:
        fill.update(now_pct=pct(fe.current["probability"]), current=value(fe.current["value"]))
    out.add(shape["direction"], **fill)
    _flattening(fe, out, t["global"], shape)
    if fe.scope == "global":
        if not (fe.protected and audience == "customer"):  # a protected feature is never a lever
            if fe.flip_rows:
                out.add("flip_rows", flip_rows=count(fe.flip_rows), **fill)
            elif fe.flip_rows == 0:
                out.add("no_flip_rows", **fill)
        if audience != "customer":
            _support_global(fe, out, t, fill)
    else:
        hide = fe.protected and audience == "customer"  # never a reason to change, for the person asked
        for flip in _nearest_flips(fe) if not hide else []:
            now = fe.current["value"] if fe.current else None
            if now is None:
                out.add("flip", noun=fill["noun"], from_label=label(flip["from"]), to_label=label(flip["to"]),
                        at=value(flip["at"]), low=value(flip["low"]), high=value(flip["high"]),
                        share_below=pct(flip["share_below"]))
            elif float(now) >= float(flip["at"]):  # the other decision lies below the input's value
                out.add("flip_below", noun=fill["noun"], at=value(flip["at"]), current=value(now),
                        label=label(flip["from"]), share_below=pct(flip["share_below"]))
            else:
                out.add("flip_above", noun=fill["noun"], at=value(flip["at"]), current=value(now),
                        label=label(flip["to"]), share_above=pct(1 - flip["share_below"]))
        if not fe.flips and fe.current is not None and not hide:
            out.add("no_flip", **fill)
    if fe.protected:
        out.add("protected", t["local"], feature=fe.feature)
    return out


def _flattening(fe: FeatureEffect, out: Filler, section: dict, shape: dict) -> None:
    """Where a one-way curve flattens, and the share of rows beyond that point."""
    if shape["direction"] not in ("rising", "falling"):
        return
    g, share = list(fe.grid), fe.data_share or []
    if shape["flat_above"] is not None:
        i = g.index(shape["flat_above"])
        out.add("flat_above", section, flat_above=value(shape["flat_above"]),
                share_above=pct(1 - share[i]) if share else "")
    if shape["flat_below"] is not None:
        i = g.index(shape["flat_below"])
        out.add("flat_below", section, flat_below=value(shape["flat_below"]),
                share_below=pct(share[i]) if share else "")


def _nearest_flips(fe: FeatureEffect) -> list[dict]:
    """The flips a reader can act on: the nearest one below the input's value and the nearest
    above it (all of them, at most two, when the value is unknown)."""
    flips = fe.flips or []
    now = (fe.current or {}).get("value")
    if now is None:
        return flips[:2]
    below = [f for f in flips if float(f["at"]) <= float(now)]
    above = [f for f in flips if float(f["at"]) > float(now)]
    return below[-1:] + above[:1]


def _support_global(fe: FeatureEffect, out: Filler, t: dict, fill: dict) -> None:
    if fe.band_low is not None:
        out.add("band", t["global"], band_first_low=pct(fe.band_low[0]), band_first_high=pct(fe.band_high[0]),
                band_last_low=pct(fe.band_low[-1]), band_last_high=pct(fe.band_high[-1]), **fill)
    _shap(fe, out)


def _shap(fe: FeatureEffect, out: Filler, section: dict | None = None, fmt=points) -> None:
    """The SHAP dependence view: the bins with the lowest and the highest mean Shapley value
    (``fmt``: percentage points, or a regressor's amounts)."""
    bins = [b for b in ((fe.shap_dependence or {}).get("bins") or []) if b["low"] is not None or b["category"]]
    if len(bins) >= 2:
        lo, hi = min(bins, key=lambda b: b["mean"]), max(bins, key=lambda b: b["mean"])
        out.add("shap", section or view_templates()["effect"]["global"], shap_low_points=fmt(lo["mean"]),
                shap_high_points=fmt(hi["mean"]), shap_low_bin=_bin_words(lo), shap_high_bin=_bin_words(hi),
                shap_rows=count(fe.shap_dependence["rows"]))


def _bin_words(b: dict) -> str:
    if b["category"] is not None:
        return str(b["category"])
    if b["low"] == b["high"]:
        return f"values of {value(b['low'])}"
    return f"values from {value(b['low'])} to {value(b['high'])}"


def _categorical(fe: FeatureEffect, audience: str, t: dict, base: dict, shape: dict) -> Filler:
    v = fe.values
    hi, lo = max(range(len(v)), key=lambda i: v[i]), min(range(len(v)), key=lambda i: v[i])
    fill = {**base, "highest": str(fe.grid[hi]), "lowest": str(fe.grid[lo]), "high_pct": pct(v[hi]),
            "low_pct": pct(v[lo])}
    if fe.scope == "global":
        out = Filler(fe, audience, t["global_categorical"])
        out.add("varies" if shape["direction"] == "varies" else "flat", **fill)
        if fe.protected and audience == "customer":
            pass
        elif fe.flip_rows:
            out.add("flip_rows", flip_rows=count(fe.flip_rows), **fill)
        elif fe.flip_rows == 0:
            out.add("no_flip_rows", **fill)
        if audience != "customer":
            _shap(fe, out)
    else:
        out = Filler(fe, audience, t["local_categorical"])
        hide = fe.protected and audience == "customer"
        if not hide:
            by: dict[str, list[str]] = {}
            for g, d in zip(fe.grid, fe.decisions or []):
                by.setdefault(d, []).append(str(g))
            parts = [f"{label(d)} with {join_list(gs).replace(' and ', ' or ')}" for d, gs in by.items()]
            out.add("decisions", decisions=join_list(parts))
        out.add("now", now_pct=pct(fe.current["probability"]), current=str(fe.current["value"]), **fill)
    if fe.protected:
        out.add("protected", t["local"], feature=fe.feature)
    return out


def _value_effect(fe: FeatureEffect, audience: str, descriptions: dict[str, str] | None) -> Filler:
    """A regressor's effect: the predicted quantity, in its unit, along the feature (no decision,
    so no flips).

    >>> fe = FeatureEffect("global", "Price", "numeric", "sales", [55, 100, 166], [11.2, 7.9, 3.8],
    ...                    band_low=[9, 6, 2], band_high=[13, 10, 5.5], rows_used=300, rows_total=400,
    ...                    output_kind="regression", unit="$", output_spread=5.0, classes=["sales"])
    >>> for s in effect_sentences(fe, "customer"):
    ...     print(s.text)
    On average over 300 rows, the prediction of sales falls with higher price of the purchase, from $11 at 55 to $3.8 at 166.
    """
    t = view_templates()["effect_value"]
    shape = fe.shape

    def amount(x: float | None) -> str:
        return "unknown" if x is None else fmt_amount(x, fe.unit, about=True)

    base = {"noun": noun(fe.feature, descriptions), "feature": fe.feature, "target": fe.target_label.lower()
            if fe.target_label[:1].isupper() and fe.target_label[1:].islower() else fe.target_label,
            "rows": count(fe.rows_used), "rows_total": count(fe.rows_total),
            "cohort": f" where {describe(fe.cohort)}" if fe.cohort else ""}
    now = fe.current or {}
    if fe.feature_kind == "categorical":
        v = fe.values
        hi, lo = max(range(len(v)), key=lambda i: v[i]), min(range(len(v)), key=lambda i: v[i])
        fill = {**base, "highest": str(fe.grid[hi]), "lowest": str(fe.grid[lo]), "high": amount(v[hi]),
                "low": amount(v[lo])}
        if fe.scope == "global":
            out = Filler(fe, audience, t["global_categorical"])
            out.add("varies" if shape["direction"] == "varies" else "flat", **fill)
            if audience != "customer":
                _shap(fe, out, t["global"], lambda x: fmt_amount(x, fe.unit, about=True, signed=True))
        else:
            out = Filler(fe, audience, t["local_categorical"])
            out.add("now", now=amount(now.get("probability")), current=str(now.get("value")), **fill)
    else:
        g = fe.grid
        fill = {**base, "first": value(g[0]), "last": value(g[-1]), "start": amount(shape["start"]),
                "end": amount(shape["end"]), "low": amount(shape["low"]), "high": amount(shape["high"]),
                "peak": value(shape["peak_at"]), "trough": value(shape["trough_at"]),
                "now": amount(now.get("probability")), "current": value(now.get("value"))}
        out = Filler(fe, audience, t["global"] if fe.scope == "global" else t["local"])
        out.add(shape["direction"], **fill)
        _flattening(fe, out, t["global"], shape)
        if fe.scope == "global" and audience != "customer":
            if fe.band_low is not None:
                out.add("band", t["global"], band_first_low=amount(fe.band_low[0]),
                        band_first_high=amount(fe.band_high[0]), band_last_low=amount(fe.band_low[-1]),
                        band_last_high=amount(fe.band_high[-1]), **fill)
            _shap(fe, out, t["global"], lambda x: fmt_amount(x, fe.unit, about=True, signed=True))
    if audience != "customer" and fe.scope == "global" and fe.rows_used < fe.rows_total:
        out.add("sampled", t["global"], **base)
    if audience == "developer":
        out.add("method", t["local"], method=fe.method, seconds=f"{fe.seconds:.2f}")
    if fe.protected and fe.scope == "local":
        out.add("protected", t["local"], feature=fe.feature)
    return out
