"""Numbers checked where they meet a column: readable, and within reach of what the data holds.

A value outside the range seen in the data is allowed with a warning (the model extrapolates,
and the answer says so). A value *far* outside it (1e308 for an income of 6 to 959, an age of
1e12) is no value anyone means; models that compute in float32 overflow on it. It is refused
with a message that names the number, the column and its range.

>>> from explainer_nlg.models.tabular import TabularSchema
>>> s = TabularSchema(["Income"], {}, {"Income": (6.0, 959.0)}, {"Income": False})
>>> check_number(s, "Income", "500"), outside_note(s, "Income", 500.0) is None
(500.0, True)
>>> outside_note(s, "Income", -5.0)
'Income -5 is outside the range seen in the data (6 to 959): the model never saw such a value, so its answer is a guess.'
>>> check_number(s, "Income", 1e308)
Traceback (most recent call last):
...
explainer_nlg.errors.ExplainerInputError: 1e+308 is far outside Income's range of 6 to 959; use a value the model can read.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ExplainerInputError

# "Far": beyond this many times the column's scale (its width or its largest magnitude) from its range.
FAR = 1000.0


def shown(v: Any) -> str:
    """A number as a person would read it back: 17, 2.5, 1e+308 (never 309 digits)."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v) if abs(v) < 10**15 else f"{float(v):.6g}"
    if isinstance(v, float):
        return f"{v:.6g}" if (not v.is_integer() or abs(v) >= 1e15) else str(int(v))
    return str(v)


def _float(feature: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ExplainerInputError(f"{feature} must be a number, not {value!r}.")
    try:
        v = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        raise ExplainerInputError(f"{feature} must be a number, not {shown(value)!r}.") from None
    if not math.isfinite(v):
        raise ExplainerInputError(f"{feature} must be a finite number, not {shown(value)!r}.")
    return v


def far_outside(lo: float, hi: float, v: float) -> bool:
    scale = max(hi - lo, abs(lo), abs(hi), 1.0)
    return v < lo - FAR * scale or v > hi + FAR * scale


def check_number(schema: Any, feature: str, value: Any) -> float:
    """``value`` as a float for the numeric column ``feature``, or an ExplainerInputError when it
    is not a number, not finite, or far outside the column's range."""
    v = _float(feature, value)
    if feature in schema.numeric_range:
        lo, hi = schema.numeric_range[feature]
        if far_outside(lo, hi, v):
            raise ExplainerInputError(f"{shown(value if not isinstance(value, str) else v)} is far outside "
                                      f"{feature}'s range of {shown(lo)} to {shown(hi)}; use a value the model can read.")
    return v


def outside_note(schema: Any, feature: str, v: float) -> str | None:
    """A warning when ``v`` lies outside the range of ``feature`` seen in the data."""
    if feature not in schema.numeric_range or v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    lo, hi = schema.numeric_range[feature]
    if lo <= v <= hi:
        return None
    return (f"{feature} {shown(v)} is outside the range seen in the data ({shown(lo)} to {shown(hi)}): the model never "
            "saw such a value, so its answer is a guess.")
