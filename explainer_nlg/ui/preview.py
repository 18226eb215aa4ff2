"""The learned explainer's one-pass preview on the page, while a text's Shapley values are computed.

Issue 17: the head's values are never shown as Shapley values. They may be shown first, labelled
"approximate preview, being refined", and replaced by the verified answer. The page shows the
preview in place of the "…" of a text's answer (its worker process needs seconds) and the first
verified sentence replaces it; it is not streamed into the answer, not kept in the chat and not on
the record.

>>> from explainer_nlg.attribution.text_learned import Preview
>>> p = Preview(["stale", "cookies", "again"], {"other": [0.31, 0.02, -0.12], "great": [-0.31, -0.02, 0.12]}, "other")
>>> print(preview_text(p))
Approximate preview, being refined (not Shapley values): toward “other”, “stale” +31 points, “again” -12 points, “cookies” +2 points.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import Any

from ..errors import ExplainerInputError

TOP_WORDS = 3


@dataclass(frozen=True)
class PreviewLine:
    """What the page shows until the first verified sentence: already escaped HTML."""

    html: str


def preview_text(p: Any) -> str:
    """The preview as one plain line: its label, and the words with the largest values."""
    values = p.for_target()
    top = sorted(range(len(values)), key=lambda i: -abs(values[i]))[:TOP_WORDS]
    words = ", ".join(f"“{p.words[i]}” {values[i] * 100:+.0f} points" for i in top)
    notes = "".join(f" {n}" for n in p.notes)
    return f"{p.label[0].upper()}{p.label[1:]}: toward “{p.target_label}”, {words}.{notes}"


def preview_line(ex: Any, x: Any) -> PreviewLine | None:
    """The page's preview for text ``x``, or None: not a text model, no learned explainer, or a
    text it cannot preview (the answer says what is wrong with it)."""
    if getattr(ex, "kind", None) != "text" or not isinstance(x, str) or not x.strip():
        return None
    try:
        if not ex.has_preview():
            return None
        return PreviewLine(f"<em>{html.escape(preview_text(ex.preview(x)))}</em>")
    except ExplainerInputError:
        return None
    except Exception:  # noqa: BLE001 - a preview that fails never holds up the answer
        logging.getLogger(__name__).exception("the learned explainer's preview")
        return None
