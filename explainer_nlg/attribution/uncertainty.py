"""Which contributions a sampled estimate cannot put in order.

A sampling estimator gives each value a standard error. Two neighbours in the ranking whose
difference is within twice the standard error of that difference may swap with more model
calls, so nothing said about the prediction may rest on their order ("the biggest reason").

>>> close_calls(["a", "b", "c"], [0.30, 0.29, 0.01], [0.01, 0.01, 0.001], k=2)
[{'players': ['a', 'b'], 'ranks': [1, 2], 'difference': 0.01, 'standard_error': 0.0141}]
>>> close_calls(["a", "b"], [0.30, 0.29], [0.0, 0.0], k=2)
[]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z = 2.0  # about a 95% interval for the difference of two estimates


def close_calls(names: Sequence[str], values: Sequence[float], errors: Sequence[float | None],
                k: int) -> list[dict]:
    """Neighbours among the top ``k`` + 1 by |value| whose order is within sampling error.

    Only the ranking by size matters here: the top-k listing and "the biggest" claims.
    Exact methods (standard error 0 or unknown) have no close calls.
    """
    order = sorted(range(len(values)), key=lambda i: -abs(values[i]))[: k + 1]
    out = []
    for r, (i, j) in enumerate(zip(order, order[1:]), start=1):
        if errors[i] is None or errors[j] is None:
            continue
        se = math.hypot(errors[i], errors[j])
        diff = abs(values[i]) - abs(values[j])
        if se > 0 and diff < Z * se:
            out.append({"players": [names[i], names[j]], "ranks": [r, r + 1],
                        "difference": round(float(diff), 4), "standard_error": round(float(se), 4)})
    return out


def ties_note(ties: list[dict]) -> str:
    """One plain sentence for Evidence.notes.

    >>> ties_note([{"players": ["late", "refund"], "ranks": [2, 3], "difference": 0.004,
    ...             "standard_error": 0.006}])
    'Too close to order with this many model calls: “late” and “refund” (ranks 2 and 3 by size, 0.4 points apart, within twice the standard error of 0.6 points).'
    """
    parts = [f"“{t['players'][0]}” and “{t['players'][1]}” (ranks {t['ranks'][0]} and {t['ranks'][1]} by size, "
             f"{t['difference'] * 100:.1f} points apart, within twice the standard error of "
             f"{t['standard_error'] * 100:.1f} points)" for t in ties[:3]]
    more = f"; and {len(ties) - 3} more" if len(ties) > 3 else ""
    return "Too close to order with this many model calls: " + "; ".join(parts) + more + "."
