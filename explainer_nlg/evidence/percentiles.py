"""Where a row's values stand among other rows: each numeric feature's percentile in a background.

A record of contributions holds the row's values, not how they compare with other rows, so "a light
car" or "her low income" cannot be checked against it (decision 0022). This module computes the
comparison once, when the record is made: for each numeric feature, the fraction of background rows
whose value is below the row's, ties counting half (a mid-rank percentile in [0, 1]). The record
keeps it as ``extra["percentiles"]`` = {feature: p}; the verifier reads it (decision 0023).

>>> import pandas as pd
>>> bg = pd.DataFrame({"weight": [1800, 2200, 2600, 3000, 3400], "origin": ["US", "JP", "US", "EU", "JP"]})
>>> percentiles_among({"weight": 2200, "origin": "JP", "horsepower": 90}, bg)
{'weight': 0.3}
>>> Standings.of_frame(bg).of({"weight": 5000})
{'weight': 1.0}
>>> check_percentiles({"weight": 1.2})
Traceback (most recent call last):
...
explainer_nlg.errors.ExplainerInputError: The percentile of weight must be a number from 0 to 1 (the share of other rows below its value); got 1.2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import ExplainerInputError

# Percentiles are kept to this many decimals: finer than any threshold the verifier reads.
PLACES = 4


class Standings:
    """The numeric columns of a background, sorted once, so that each row's percentiles cost one
    binary search per feature (the tabular attributor explains many rows against the same data)."""

    def __init__(self, columns: Mapping[str, np.ndarray]):
        self.columns = dict(columns)

    @classmethod
    def of_frame(cls, background: Any, names: Sequence[str] | None = None) -> Standings:
        """The numeric columns of ``background``: a pandas DataFrame, a dict of columns, or a 2-D
        array whose columns are ``names``. Columns that are not numbers (text, categories,
        booleans) and values that are missing are left out: they have no order to stand in."""
        return cls({name: col for name, col in _columns(background, names).items() if col is not None})

    def of(self, row: Mapping[str, Any]) -> dict[str, float]:
        """{feature: share of background rows below the row's value, ties counting half}, for the
        row's numeric values that the background has a column for."""
        out = {}
        for name, value in row.items():
            col = self.columns.get(str(name))
            x = _number_or_none(value)
            if col is None or x is None:
                continue
            below = np.searchsorted(col, x, side="left")
            ties = np.searchsorted(col, x, side="right") - below
            out[str(name)] = round(float((below + 0.5 * ties) / len(col)), PLACES)
        return out


def percentiles_among(row: Mapping[str, Any], background: Any, names: Sequence[str] | None = None) -> dict[str, float]:
    """Each numeric value's percentile among the background rows (see ``Standings.of``).

    >>> percentiles_among({"age": 30}, {"age": [20, 30, 30, 40]})
    {'age': 0.5}
    >>> percentiles_among({"a": 2.0, "b": 7}, [[1.0, 5], [3.0, 9]], names=["a", "b"])
    {'a': 0.5, 'b': 0.5}
    """
    return Standings.of_frame(background, names).of(row)


def check_percentiles(percentiles: Mapping[str, Any] | None) -> dict[str, float]:
    """Percentiles given by a caller, checked: each a number from 0 to 1, named by its feature.

    >>> check_percentiles({"income": 0.25}), check_percentiles(None)
    ({'income': 0.25}, {})
    """
    if percentiles is None:
        return {}
    if not isinstance(percentiles, Mapping):
        raise ExplainerInputError(f"percentiles must be a dict {{feature: share of rows below}}, not "
                                  f"{type(percentiles).__name__}.")
    out = {}
    for name, p in percentiles.items():
        x = None if isinstance(p, bool) else _number_or_none(p, keep_nan=True)
        if x is None or math.isnan(x) or not 0.0 <= x <= 1.0:
            raise ExplainerInputError(f"The percentile of {name} must be a number from 0 to 1 (the share of "
                                      f"other rows below its value); got {p!r}.")
        out[str(name)] = round(x, PLACES)
    return out


def record_percentiles(names: Sequence[str], values: Sequence[Any], percentiles: Mapping[str, Any] | None = None,
                       background: Any = None) -> dict[str, float]:
    """The percentiles a record keeps, in the order of ``names``: those given (checked: each names a
    feature whose value is a number), and those ``background`` gives for the other numeric features.
    A feature the background lacks, or holds as text, is left out: the verifier then rejects a
    description of its value as before, rather than the record failing to build.

    >>> record_percentiles(["income", "job"], [1200, "fixed"], background={"income": [800, 1000, 1500, 2000]})
    {'income': 0.5}
    >>> record_percentiles(["income"], [1200], percentiles={"incme": 0.5})
    Traceback (most recent call last):
    ...
    explainer_nlg.errors.ExplainerInputError: percentiles names incme, which is not a feature of the contributions (income).
    """
    given = check_percentiles(percentiles)
    names = [str(n) for n in names]
    row = dict(zip(names, values))
    unknown = [n for n in given if n not in row]
    if unknown:
        raise ExplainerInputError(f"percentiles names {', '.join(unknown)}, which is not a feature of the "
                                  f"contributions ({', '.join(names[:12])}{', ...' if len(names) > 12 else ''}).")
    text = [n for n in given if _number_or_none(row[n]) is None]
    if text:
        raise ExplainerInputError(f"A percentile is a numeric feature's standing; {text[0]} has the value "
                                  f"{row[text[0]]!r}.")
    found = percentiles_among(row, background, names) if background is not None else {}
    found.update(given)
    return {n: found[n] for n in names if n in found}


def _columns(background: Any, names: Sequence[str] | None) -> dict[str, np.ndarray | None]:
    """{name: its sorted finite numbers, or None where the column is not numeric}."""
    if hasattr(background, "columns") and hasattr(background, "__getitem__"):  # a pandas DataFrame
        raw = {str(c): background[c] for c in background.columns}
    elif isinstance(background, Mapping):
        raw = {str(k): v for k, v in background.items()}
    else:
        arr = np.asarray(background, dtype=object)
        if arr.ndim != 2:
            raise ExplainerInputError("background must be a table: a pandas DataFrame, a dict of columns, or a "
                                      f"2-D array with one column per feature; got {arr.ndim} dimension(s).")
        if names is None or len(names) != arr.shape[1]:
            raise ExplainerInputError(f"background has {arr.shape[1]} columns but there are "
                                      f"{'no' if names is None else len(names)} feature names to give them.")
        raw = {str(n): arr[:, j] for j, n in enumerate(names)}
    return {name: _sorted_numbers(col) for name, col in raw.items()}


def _sorted_numbers(col: Any) -> np.ndarray | None:
    dtype = getattr(col, "dtype", None)
    if dtype is not None and (dtype.kind == "b" or str(dtype) == "category"):
        return None  # booleans and categories have no percentile, even when coded as numbers
    if dtype is not None and dtype.kind in "iuf":  # a numeric column: no Python loop over its rows
        arr = np.asarray(col, dtype=float)
        arr = arr[np.isfinite(arr)]
        return np.sort(arr) if arr.size else None
    values = list(col.tolist() if hasattr(col, "tolist") else col)
    numbers = []
    for v in values:
        if v is None or (isinstance(v, (float, np.floating)) and not math.isfinite(v)):
            continue  # a missing (or infinite) value is no row to stand against
        x = _number_or_none(v)
        if x is None:
            return None  # text in the column: not a numeric feature
        numbers.append(x)
    return np.sort(np.asarray(numbers, dtype=float)) if numbers else None


def _number_or_none(v: Any, keep_nan: bool = False) -> float | None:
    if isinstance(v, (bool, np.bool_)) or isinstance(v, str):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    if math.isnan(x):
        return x if keep_nan else None
    return x if math.isfinite(x) else None
