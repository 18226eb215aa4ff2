"""Pictures for the app: words highlighted by contribution, a signed bar chart, the heatmap.

Every piece of user text is HTML-escaped before it is placed in markup.

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> ev = Evidence("text", "other", {"great": 0.1, "other": 0.9}, "other", 0.5,
...               [Attribution("<script>", "<script>", 0.3, (0, 8)), Attribution("ok", "ok", -0.1, (9, 11))],
...               "exact", 4, 0.01, input={"text": "<script> ok"})
>>> html = highlighted_words_html(ev)
>>> "<script>" in html, "&lt;script&gt;" in html
(False, True)
"""

from __future__ import annotations

import html
from typing import Any

POS, NEG = (31, 119, 180), (214, 39, 40)


def highlighted_words_html(ev: Any) -> str:
    """The message with each word shaded by its contribution (blue: toward the class explained,
    red: against), escaped; a legend says which is which."""
    if ev is None or getattr(ev, "kind", None) != "text":
        return ""
    text = str(ev.input.get("text", ""))
    spans = sorted((a for a in ev.attributions if a.span), key=lambda a: a.span[0])
    peak = max((abs(a.contribution) for a in spans), default=0.0) or 1.0
    out, pos = [], 0
    for a in spans:
        s, e = a.span
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        rgb = POS if a.contribution >= 0 else NEG
        alpha = min(1.0, abs(a.contribution) / peak) * 0.75
        title = html.escape(f"{a.contribution * 100:+.1f} points toward {ev.target_label}")
        out.append(f'<span title="{title}" style="background: rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha:.2f}); '
                   f'padding: 1px 2px; border-radius: 3px">{html.escape(text[s:e])}</span>')
        pos = e
    out.append(html.escape(text[pos:]))
    label = html.escape(str(ev.target_label))
    return (f'<div style="line-height: 2; font-size: 1.05em">{"".join(out)}</div>'
            f'<div style="font-size: 0.85em; opacity: 0.8">blue: toward “{label}”, red: against it; '
            f'darker = larger contribution</div>')


BLUE, RED = "#1f77b4", "#d62728"


def _bar_chart(names: list[str], values: list[float], colours: list[str], xlabel: str, title: str,
               zero_line: bool, title_size: int):
    """Horizontal bars, first name at the bottom, as a PIL image."""
    from ..effect_pictures import figure_image, pyplot

    fig, ax = pyplot().subplots(figsize=(6, 0.35 * len(names) + 1.2), dpi=100)
    ax.barh(names, values, color=colours)
    if zero_line:
        ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=title_size)
    return figure_image(fig)


def contribution_chart(ev: Any, k: int = 10):
    """A signed horizontal bar chart of the ``k`` largest contributions (a PIL image), or None."""
    if ev is None or not getattr(ev, "attributions", None):
        return None
    top = list(reversed(ev.top(k)))
    if ev.is_regression or ev.unit != "probability":
        # a number in the model's own unit (a regressor's dollars, log-odds from elsewhere)
        from ..narrate.amounts import fmt_amount

        values = [a.contribution for a in top]
        unit = ev.unit or "model units"
        return _bar_chart([_label(a) for a in top], values, [BLUE if v >= 0 else RED for v in values],
                          f"contribution to {ev.predicted_label}, {unit}",
                          f"Why {ev.predicted_label} = {fmt_amount(ev.output_value, ev.unit)}", zero_line=True,
                          title_size=10)
    values = [a.contribution * 100 for a in top]
    return _bar_chart([_label(a) for a in top], values, [BLUE if v >= 0 else RED for v in values],
                      f"contribution to p({ev.target_label}), percentage points",
                      f"Why “{ev.predicted_label}” ({ev.probabilities[ev.predicted_label] * 100:.1f}%)",
                      zero_line=True, title_size=10)


def cohort_chart(figures: dict, k: int = 10):
    """Mean |Shapley value| per feature over a cohort (``CohortImportance.to_dict()`` figures), as
    horizontal bars coloured by the mean signed value's direction; a PIL image, or None."""
    mean_abs, signed = figures.get("mean_abs") or {}, figures.get("mean_signed") or {}
    if not mean_abs:
        return None
    top = sorted(mean_abs, key=lambda f: -mean_abs[f])[:k][::-1]
    return _bar_chart([str(f)[:30] for f in top], [mean_abs[f] * 100 for f in top],
                      [BLUE if signed.get(f, 0.0) >= 0 else RED for f in top],
                      "mean |contribution| to each row's predicted class,\npercentage points",
                      f"What matters over {figures.get('rows_used', '?')} rows\n"
                      "blue: on average toward the decision; red: against it", zero_line=False, title_size=9)


def _label(a) -> str:
    if a.value is None or a.span is not None:
        return str(a.name)[:30]
    v = a.value
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{a.name} = {v}"[:30]


def heatmap_overlay(ev: Any, image: Any):
    """The Grad-CAM overlay for image evidence (a PIL image), or None."""
    if ev is None or getattr(ev, "heatmap", None) is None or image is None:
        return None
    from ..pictures import evidence_pictures

    return evidence_pictures(ev, image)["overlay"]


def record_picture(record: Any) -> tuple[str, Any] | None:
    """(label, picture) for a data-level record the page shows as a chart (a feature's effect, a
    group comparison), or None.

    >>> from explainer_nlg.evidence.effects import FeatureEffect
    >>> fe = FeatureEffect("global", "Income", "numeric", "good", [50, 100, 150], [0.4, 0.6, 0.7], rows_used=300,
    ...                    classes=["bad", "good"])
    >>> record_picture(fe)[0]
    'How the chance of “good” moves with Income'
    >>> record_picture("not a record") is None
    True
    """
    from ..effect_pictures import record_picture as picture

    image = picture(record)
    if image is None:
        return None
    if record.kind == "feature-effect":
        what = f"the chance of “{record.target_label}”" if len(record.classes) > 1 else "the prediction"
        return f"How {what} moves with {record.feature}", image
    return "Groups compared", image

