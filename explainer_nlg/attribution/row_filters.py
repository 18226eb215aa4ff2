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
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError
from ..models.value_checks import check_number

CMPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq,
        "!=": operator.ne}


def select(data: pd.DataFrame, filters: list[dict] | None, schema: Any = None,
           features: list[str] | None = None) -> pd.Series:
    """A boolean mask of the rows meeting every filter (text compares without case), or an
    ExplainerInputError naming an unknown column, comparison or value.

    ``schema`` (a tabular schema): a number far outside a feature's range is named, not silently
    matched to nothing. ``features``: the names an unknown-column error lists (default: every
    column).

    >>> select(pd.DataFrame({"Age": [25, 61]}), [{"feature": "Agee", "value": 3}], features=["Age"])
    Traceback (most recent call last):
    ...
    explainer_nlg.errors.ExplainerInputError: There is no feature 'Agee'. Features: Age.
    """
    mask = pd.Series(True, index=data.index)
    for f in filters or []:
        col, cmp, value = f.get("feature"), f.get("cmp", "=="), f.get("value")
        if col not in data.columns:
            known = features if features is not None else list(data.columns)
            raise ExplainerInputError(f"There is no feature {col!r}. Features: {', '.join(map(str, known))}.")
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
            if schema is not None and col in schema.features:
                check_number(schema, col, value)
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
