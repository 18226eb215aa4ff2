"""Answers as data any JSON encoder can write (its own module: the Service and its record
requests both use it, and neither may import the other's module for it)."""

from __future__ import annotations

import math
from typing import Any

from ..input_text import displayable


def json_safe(v: Any) -> Any:
    """``v`` with every value a JSON encoder can write: integers past 64 bits (a 27-digit row id
    in a parsed question) become their text, non-finite floats None, lone surrogates U+FFFD.

    >>> json_safe({"instance": 10**27, "p": float("nan"), "ok": [1, 2.5]})
    {'instance': '1000000000000000000000000000', 'p': None, 'ok': [1, 2.5]}
    """
    if isinstance(v, str):
        return displayable(v)
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v if -(2**63) <= v < 2**63 else str(v)
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_safe(x) for x in v]
    if hasattr(v, "item") and getattr(v, "ndim", 1) == 0:
        return json_safe(v.item())
    return v
