"""The verified narration of a data-level record (feature effect, groups, similar cases, rule) for
the chat handlers of those operations.

The template sentences come from ``narrate/views`` and each is checked by its verifier; a sentence
the verifier rejects is a bug, recorded in the sentence's reason as the Evidence narration does.
"""

from __future__ import annotations

import time
from typing import Any

from ...narrate import Answer, SentenceRecord
from ...narrate.views import check_view_sentence, view_sentences
from .context import Context


def narrate_view(ctx: Context, record: Any) -> Answer:
    """An Answer for ``record`` in the audience of ``ctx``, streamed through ``ctx.on_sentence``."""
    t0 = time.perf_counter()
    descriptions = ctx.ex.info.get("descriptions") or None
    aliases = ctx.ex.info.get("class_aliases") or None
    out = []
    for t in view_sentences(record, ctx.audience, descriptions):
        v = check_view_sentence(t.text, record, descriptions, aliases)
        out.append(SentenceRecord(t.text, t.text, "template", "" if v.ok else f"verifier disagrees: {v.reason}",
                                  t.slot))
        if ctx.on_sentence is not None:
            ctx.on_sentence(out[-1])
    return Answer(" ".join(s.text for s in out), tuple(out), record, ctx.audience, "why", None,
                  time.perf_counter() - t0)
