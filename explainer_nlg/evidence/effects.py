"""The FeatureEffect record: how one feature moves the model's probability, as plain JSON-able data.

A global effect is partial dependence (the mean of the ICE curves of sampled rows) with the 10th
and 90th percentile of those curves at each grid point, beside the SHAP dependence view (the mean
Shapley value of the feature per value bin). A local effect is the ICE curve of one input, with
the grid points where its decision flips. The shape words a sentence may use (rising, falling,
where it flattens, where the decision flips, how much of the data lies beyond) are computed from
the curve itself by :func:`curve_shape`, so the narration and the verifier read the same thing.

Schema (``FeatureEffect.to_dict()``; every key always present, ``null`` where it does not apply):

================  ===============================================================================
key               meaning
================  ===============================================================================
schema_version    "1"
kind              "feature-effect"
scope             "global" (over the data) | "local" (one input's ICE curve)
feature           the feature's name
feature_kind      "numeric" | "categorical"
target_label      the class whose probability the curve gives
grid              numeric: increasing feature values; categorical: the categories
values            global: partial dependence, the mean p(target) over the sampled rows at each grid
                  point; local: the input's p(target) at each grid point
band_low          global: 10th percentile of the ICE curves at each grid point (else null)
band_high         global: 90th percentile of the ICE curves at each grid point (else null)
ice               global: up to 30 of the sampled rows' ICE curves (for the picture), else null
decisions         local: the class the model predicts at each grid point; global: null
flips             local: where the decision changes along the grid: list of {"at", "low", "high",
                  "from", "to", "share_below"}: the first value (found on a finer grid between
                  the grid points ``low`` and ``high``) where the model predicts ``to``, and the
                  share of the data's rows with the feature below ``at``
flip_rows         global: how many of the sampled rows' decisions change somewhere on the grid
data_share        numeric: share of the data's rows (with a value) at or below each grid value;
                  categorical: share of the rows in each category
current           local: {"value", "probability", "predicted_label", "row_id"} of the input
                  (value: its feature value; probability: p(target), for a regressor its predicted
                  value); global: null
shap_dependence   {"bins": [{"low", "high", "category", "mean", "standard_error", "rows"}], "unit",
                  "method", "rows"}: mean Shapley value of the feature toward target_label per
                  value bin of sampled rows (categorical: per category; missing values: a bin
                  with low = high = null), or null (local effects)
rows_used         rows whose curves were computed (global; 1 for local)
rows_total        rows the sample was drawn from (the data, or the cohort's rows)
protected         whether the feature is marked protected (never a reason to change)
method            how it was computed, in words
seconds           wall time
notes             plain sentences a reader should know
classes           every class of the model (so "the other class" of two is known)
cohort            global: the filters that chose the rows ([{"feature", "cmp", "value"}]; [] for all)
shape             derived from grid and values (not read back): see :func:`curve_shape`
output_kind       "classification" (values are probabilities of target_label) | "regression" (values
                  are the predicted quantity target_label, in ``unit``; decisions, flips and
                  flip_rows are null: a number has no decision to flip)
unit              regression: the prediction's unit as the user named it ("$", "points"), or null
output_spread     regression: the 10th-90th percentile spread of the sampled rows' own predictions,
                  the scale a "flat" curve is measured against (else null)
row_noun          what the rows are called, plural ("applicants", "stores"; default "rows"): the
                  sentences say it
================  ===============================================================================

>>> fe = FeatureEffect(scope="global", feature="Income", feature_kind="numeric", target_label="good",
...     grid=[50, 100, 150, 200], values=[0.40, 0.60, 0.70, 0.71], band_low=[0.2, 0.3, 0.4, 0.4],
...     band_high=[0.6, 0.8, 0.9, 0.9], data_share=[0.2, 0.6, 0.8, 0.9], rows_used=300, rows_total=4454,
...     method="partial dependence")
>>> FeatureEffect.from_dict(fe.to_dict()) == fe
True
>>> fe.shape["direction"], fe.shape["flat_above"]
('rising', 150)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .serialise import Record, to_plain

SCHEMA_VERSION = "1"
# Below this spread (in probability) a curve is called flat: 2 percentage points.
FLAT_SPAN = 0.02
# A rising curve may dip by at most this share of its rises (and a falling one rise as little).
MONOTONE_SLACK = 0.25
# A curve lowest at one end and highest at the other still rises (or falls) where it never turns
# back by more than this share of its spread (a tree model's steps wiggle on the way).
WIGGLE_SHARE = 0.25
STEP_SLACK = 0.4  # ... and its dips add up to at most this share of its rises (a sawtooth is mixed)
# A curve "flattens" where what is left of it moves less than this share of its whole spread.
FLAT_SHARE = 0.1


def curve_shape(grid: list, values: list[float], flat_span: float = FLAT_SPAN) -> dict:
    """The shape of a numeric curve in the terms a sentence uses, from the points alone.

    ``direction``: "flat" (spread under 2 points), "rising", "falling" (moves against the trend
    add up to at most a quarter of the moves with it) or "mixed" (then ``peak_at`` and
    ``trough_at``). ``flat_above``: the grid value after which the curve moves less than a tenth of
    its spread (null if it keeps moving to the end); ``flat_below`` likewise before it starts to
    move. ``steepest``: the grid interval [a, b] of the largest change. ``start``, ``end``,
    ``low``, ``high``, ``change`` (end - start) and ``span`` (high - low) in the values' units
    (probability, or a regressor's unit; ``flat_span`` is the spread below which a curve is flat).

    >>> s = curve_shape([1, 2, 3, 4, 5], [0.9, 0.7, 0.5, 0.5, 0.5])
    >>> s["direction"], s["flat_above"], s["steepest"], round(s["change"], 2)
    ('falling', 3, [1, 2], -0.4)
    >>> curve_shape([1, 2, 3], [0.5, 0.51, 0.5])["direction"]
    'flat'
    >>> curve_shape([1, 2, 3, 4], [0.2, 0.8, 0.8, 0.2])["direction"]
    'mixed'
    >>> curve_shape(list(range(10)), [.2, .3, .25, .35, .3, .4, .35, .45, .4, .6])["direction"]  # steps that wiggle up
    'rising'
    >>> curve_shape(list(range(5)), [0.2, 0.6, 0.3, 0.5, 0.4])["direction"]  # highest in the middle
    'mixed'
    >>> curve_shape(list(range(10)), [0, .25, 0, .25, 0, .25, 0, .25, 0, 1])["direction"]  # a sawtooth, then a jump
    'mixed'
    """
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return {"direction": "flat", "start": None, "end": None, "low": None, "high": None, "change": 0.0,
                "span": 0.0, "flat_above": None, "flat_below": None, "steepest": None, "peak_at": None,
                "trough_at": None}
    d = np.diff(v)
    span = float(v.max() - v.min())
    change = float(v[-1] - v[0])
    ups, downs = float(d[d > 0].sum()), float(-d[d < 0].sum())
    # the largest fall from a height already reached (and rise from a low): a tree model's steps
    # wiggle many small times without ever turning back
    drawdown = float((np.maximum.accumulate(v) - v).max())
    drawup = float((v - np.minimum.accumulate(v)).max())
    if span < flat_span:
        direction = "flat"
    elif change > 0 and (downs <= MONOTONE_SLACK * ups or change == span and drawdown <= WIGGLE_SHARE * span
                         and downs <= STEP_SLACK * ups):
        direction = "rising"  # (or lowest at the start, highest at the end, and never back by much)
    elif change < 0 and (ups <= MONOTONE_SLACK * downs or -change == span and drawup <= WIGGLE_SHARE * span
                         and ups <= STEP_SLACK * downs):
        direction = "falling"
    else:
        direction = "mixed"
    flat_above = flat_below = None
    steepest = None
    if direction != "flat" and len(v) > 1:
        tol = FLAT_SHARE * span
        i = len(v) - 1
        while i > 0 and np.ptp(v[i - 1:]) <= tol:
            i -= 1
        if i < len(v) - 1:
            flat_above = grid[i]
        j = 0
        while j < len(v) - 1 and np.ptp(v[: j + 2]) <= tol:
            j += 1
        if j > 0:
            flat_below = grid[j]
        k = int(np.argmax(np.abs(d)))
        steepest = [grid[k], grid[k + 1]]
    mixed = direction == "mixed"
    return {"direction": direction, "start": float(v[0]), "end": float(v[-1]), "low": float(v.min()),
            "high": float(v.max()), "change": change, "span": span, "flat_above": to_plain(flat_above),
            "flat_below": to_plain(flat_below), "steepest": to_plain(steepest),
            "peak_at": to_plain(grid[int(v.argmax())]) if mixed else None,
            "trough_at": to_plain(grid[int(v.argmin())]) if mixed else None}


@dataclass(frozen=True)
class FeatureEffect(Record):
    """How one feature moves the model's probability (see the module docstring for the schema)."""

    SCHEMA_VERSION: ClassVar[str] = SCHEMA_VERSION
    DERIVED: ClassVar[dict[str, str]] = {"shape": "cohort"}

    scope: str
    feature: str
    feature_kind: str
    target_label: str
    grid: list
    values: list[float]
    band_low: list[float] | None = None
    band_high: list[float] | None = None
    ice: list[list[float]] | None = None
    decisions: list[str] | None = None
    flips: list[dict] | None = None
    flip_rows: int | None = None
    data_share: list[float] | None = None
    current: dict | None = None
    shap_dependence: dict | None = None
    rows_used: int = 0
    rows_total: int = 0
    protected: bool = False
    method: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    cohort: list[dict] = field(default_factory=list)
    output_kind: str = "classification"
    unit: str | None = None
    output_spread: float | None = None
    row_noun: str = "rows"

    kind: ClassVar[str] = "feature-effect"

    @property
    def is_regression(self) -> bool:
        return self.output_kind == "regression"

    @property
    def shape(self) -> dict:
        """The curve's shape (numeric features), or for categories the highest and lowest."""
        if self.feature_kind == "categorical":
            if not self.values:
                return {"direction": "flat", "highest": None, "lowest": None, "span": 0.0}
            v = np.asarray(self.values, dtype=float)
            span = float(v.max() - v.min())
            return {"direction": "flat" if span < FLAT_SPAN else "varies", "span": span,
                    "highest": self.grid[int(v.argmax())], "lowest": self.grid[int(v.argmin())]}
        if self.is_regression:  # "flat" is relative to how much the predictions vary at all
            return curve_shape(self.grid, self.values, FLAT_SPAN * (self.output_spread or 0.0))
        return curve_shape(self.grid, self.values)

    def value_at(self, x: Any) -> float:
        """The curve's probability at ``x`` (numeric: linear between grid points; categorical: the
        category's bar)."""
        if self.feature_kind == "categorical":
            return float(self.values[list(self.grid).index(x)])
        return float(np.interp(float(x), np.asarray(self.grid, dtype=float), np.asarray(self.values, dtype=float)))
