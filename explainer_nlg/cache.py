"""Where trained demo models and other derived artefacts live between runs."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The user cache folder for explainer-nlg.

    ``EXPLAINER_NLG_CACHE`` wins, then ``$XDG_CACHE_HOME/explainer-nlg``, then
    ``~/.cache/explainer-nlg``.

    >>> cache_dir().name in {"explainer-nlg"} or "EXPLAINER_NLG_CACHE" in os.environ
    True
    """
    explicit = os.environ.get("EXPLAINER_NLG_CACHE")
    if explicit:
        path = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        path = Path(base) / "explainer-nlg"
    path.mkdir(parents=True, exist_ok=True)
    return path
