"""Pictures of the data-level records, where people would rather look than read.

- ``effect_chart(FeatureEffect)``: partial dependence with its 10th-90th percentile band and a few
  faint ICE curves (or one input's ICE curve with its current value and decision flips marked),
  and beside it the SHAP dependence view; categories get bars.
- ``group_chart(GroupComparison)``: each group's positive-decision rate with its 95% interval and
  its size, small groups hatched.
- ``record_picture(record)``: whichever of the charts fits the record, or None.

Each chart is a PIL image (matplotlib, Agg backend: no display needed).

>>> from explainer_nlg.evidence.effects import FeatureEffect
>>> fe = FeatureEffect("global", "Income", "numeric", "good", [50, 100, 150], [0.4, 0.6, 0.7],
...                    band_low=[0.2, 0.4, 0.5], band_high=[0.6, 0.8, 0.9], rows_used=300)
>>> effect_chart(fe).size[0] > 0
True
"""

from __future__ import annotations

import io
from typing import Any

BLUE, RED, GREY, ORANGE = "#1f77b4", "#d62728", "#7f7f7f", "#ff7f0e"


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def figure_image(fig) -> Any:
    """The matplotlib figure ``fig`` as a PIL image (RGB), the figure closed."""
    from PIL import Image

    plt = pyplot()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def effect_chart(fe: Any):
    """The FeatureEffect as a line chart (numeric) or bars (categorical); a PIL image."""
    plt = pyplot()
    dep = fe.shap_dependence
    panels = 2 if dep and dep.get("bins") else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 3.6), dpi=100, squeeze=False)
    ax = axes[0][0]
    # a classifier's curve is a probability, drawn in %; a regressor's is its prediction, as it is
    k = 1.0 if getattr(fe, "is_regression", False) else 100.0
    unit = f" ({fe.unit})" if getattr(fe, "unit", None) else ""
    pct = [v * k for v in fe.values]
    label = f"predicted {fe.target_label}{unit}" if k == 1.0 else f"p({fe.target_label}), %"
    if fe.feature_kind == "categorical":
        xs = list(range(len(fe.grid)))
        colours = [BLUE] * len(xs)
        if fe.decisions:
            colours = [BLUE if d == fe.target_label else RED for d in fe.decisions]
        if fe.band_low is not None:
            err = [[(v - lo) * k for v, lo in zip(fe.values, fe.band_low)],
                   [(hi - v) * k for v, hi in zip(fe.values, fe.band_high)]]
            ax.bar(xs, pct, color=colours, yerr=err, capsize=4, ecolor=GREY)
        else:
            ax.bar(xs, pct, color=colours)
        ax.set_xticks(xs, [str(g)[:14] for g in fe.grid], rotation=30, ha="right")
        if fe.current and fe.current.get("value") in fe.grid:
            i = list(fe.grid).index(fe.current["value"])
            ax.bar([i], [pct[i]], fill=False, edgecolor="black", linewidth=2, label="this input")
            ax.legend(fontsize=8)
    else:
        xs = [float(g) for g in fe.grid]
        for curve in fe.ice or []:
            ax.plot(xs, [v * k for v in curve], color=GREY, alpha=0.15, linewidth=0.8)
        if fe.band_low is not None:
            ax.fill_between(xs, [v * k for v in fe.band_low], [v * k for v in fe.band_high], color=BLUE,
                            alpha=0.15, label="10th-90th percentile of rows")
        ax.plot(xs, pct, color=BLUE, linewidth=2, label="average (partial dependence)" if fe.scope == "global"
                else "this input (ICE)")
        if fe.current and fe.current.get("value") is not None:
            ax.axvline(float(fe.current["value"]), color="black", linestyle="--", linewidth=1)
            ax.plot([float(fe.current["value"])], [fe.current["probability"] * k], "o", color="black",
                    label=f"now: {fe.current['value']}")
        for flip in fe.flips or []:
            ax.axvline(float(flip["at"]), color=ORANGE, linewidth=1.5)
            ax.annotate(f"flips to {flip['to']}\nat {flip['at']}", (float(flip["at"]), 50), fontsize=8,
                        color=ORANGE, xytext=(4, 0), textcoords="offset points")
        if k == 100.0:
            ax.axhline(50, color=GREY, linewidth=0.6, linestyle=":")
        ax.legend(fontsize=7, loc="best")
    if k == 100.0:
        ax.set_ylim(0, 100)
    ax.set_xlabel(fe.feature)
    ax.set_ylabel(label)
    scope = f"over {fe.rows_used} rows" if fe.scope == "global" else "for this input"
    what = f"the predicted {fe.target_label}" if k == 1.0 else f"p({fe.target_label})"
    ax.set_title(f"How {fe.feature} moves {what} {scope}", fontsize=9)
    if panels == 2:
        _dependence(axes[0][1], fe)
    return figure_image(fig)


def _dependence(ax, fe: Any) -> None:
    bins = fe.shap_dependence["bins"]
    names = [b["category"] if b["category"] is not None else
             ("missing" if b["low"] is None else f"{b['low']:g}-{b['high']:g}") for b in bins]
    k = 1.0 if getattr(fe, "is_regression", False) else 100.0
    means = [b["mean"] * k for b in bins]
    errs = [2 * (b["standard_error"] or 0) * k for b in bins]
    ax.bar(range(len(bins)), means, color=[BLUE if m >= 0 else RED for m in means], yerr=errs, capsize=3,
           ecolor=GREY)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(bins)), [str(n)[:12] for n in names], rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("mean Shapley value, " + ((fe.unit or "model units") if k == 1.0 else "points"))
    what = fe.target_label if k == 1.0 else f"p({fe.target_label})"
    ax.set_title(f"SHAP dependence: {fe.feature}'s contribution to {what}\n"
                 f"by value bin, {fe.shap_dependence['rows']} rows (bars: ±2 standard errors)", fontsize=8)


def group_chart(gc: Any):
    """Each group's positive-decision rate with its 95% bootstrap interval; a PIL image."""
    plt = pyplot()
    groups = list(gc.groups)
    fig, ax = plt.subplots(figsize=(6, 0.5 * len(groups) + 1.6), dpi=100)
    ys = list(range(len(groups)))[::-1]
    for y, g in zip(ys, groups):
        rate = (g.positive_rate or 0) * 100
        ci = g.ci.get("positive_rate")
        err = None if ci is None else [[rate - ci[0] * 100], [ci[1] * 100 - rate]]
        ax.barh([y], [rate], color=BLUE, hatch="//" if g.small else None, xerr=err, capsize=4, ecolor=GREY,
                alpha=0.6 if g.small else 1.0)
        ax.text(1, y, f"n = {g.size}" + (" (too few)" if g.small else ""), va="center", fontsize=8, color="white"
                if rate > 15 else "black")
    ax.set_yticks(ys, [g.name[:30] for g in groups])
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"share predicted “{gc.positive_label}”, % (bars: 95% interval)")
    title = "Positive-decision rate by group"
    ratio = (gc.gaps or {}).get("demographic_parity_ratio")
    if ratio:
        title += f"\nratio lowest/highest {ratio['value']:.2f} (four-fifths rule: at least 0.80)"
    ax.set_title(title, fontsize=9)
    return figure_image(fig)


def record_picture(record: Any):
    """The picture for a data-level record (a PIL image), or None where a table or text serves better
    (similar cases: ``SimilarCases.table()``; rules)."""
    kind = getattr(record, "kind", None)
    if kind == "feature-effect":
        return effect_chart(record)
    if kind == "group-comparison" and len(record.groups) > 1:
        return group_chart(record)
    return None
