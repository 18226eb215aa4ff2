"""Rows of a table selected by filters ({"feature", "cmp", "value"}), and how a filter reads.

The chat's filters have this shape too (see the contracts: cmp in > >= < <= == !=), so a group a
question names is the same rows whether the chat or the Python API asks.

>>> import pandas as pd
>>> df = pd.DataFrame({"Age": [25, 61, 70], "Home": ["rent", "owner", "Owner"]})
>>> select(df, [{"feature": "Age", "cmp": ">", "value": 60}, {"feature": "Home", "value": "owner"}]).tolist()
[False, True, True]
>>> describe([{"feature": "Age", "cmp": ">", "value": 60}, {"feature": "Home", "value": "owner"}])
'Age > 60 and Home = owner'
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError

CMPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq,
        "!=": operator.ne}


def select(data: pd.DataFrame, filters: list[dict] | None) -> pd.Series:
    """A boolean mask of the rows meeting every filter (text compares without case), or an
    ExplainerInputError naming an unknown column, comparison or value."""
    mask = pd.Series(True, index=data.index)
    for f in filters or []:
        col, cmp, value = f.get("feature"), f.get("cmp", "=="), f.get("value")
        if col not in data.columns:
            raise ExplainerInputError(f"There is no feature {col!r}. Features: {', '.join(map(str, data.columns))}.")
        if cmp not in CMPS:
            raise ExplainerInputError(f"Unknown comparison {cmp!r}; use one of {' '.join(CMPS)}.")
        s = data[col]
        if pd.api.types.is_bool_dtype(s):
            value = bool(value)
        elif pd.api.types.is_numeric_dtype(s):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ExplainerInputError(f"{col} is numeric; {value!r} is not a number.") from None
        else:
            if cmp not in ("==", "!="):
                raise ExplainerInputError(f"{col} is a category; compare it with == or !=, not {cmp}.")
            s = s.astype(str).str.lower().where(s.notna(), None)
            value = str(value).lower()
        hit = CMPS[cmp](s, value)
        mask &= np.asarray(hit.fillna(False) if hasattr(hit, "fillna") else hit, dtype=bool)
    return mask


def describe(filters: list[dict] | None) -> str:
    """The filters as compact conditions ("Age > 60 and Home = owner"); "all rows" when none."""
    if not filters:
        return "all rows"
    parts = []
    for f in filters:
        cmp = f.get("cmp", "==")
        v = f.get("value")
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        parts.append(f"{f['feature']} {'=' if cmp == '==' else cmp} {v}")
    return " and ".join(parts)
