"""The Evidence record: what was computed for one prediction, as plain JSON-able data.

Schema (``Evidence.to_dict()``; every key always present, ``null`` where unknown):

=================  ==========================================================================
key                meaning
=================  ==========================================================================
schema_version     "2" (version "1" records are still read: they are classifications in
                   probability units)
kind               "tabular" | "text" | "image": what the input is
predicted_label    classification: the class the model predicts (its highest probability;
                   "" when the record does not say, as for log-odds from elsewhere without
                   classes); regression: the name of the predicted quantity ("price")
probabilities      classification: {class name: probability}, summing to 1 ({} where
                   unknown); regression: {}
target_label       classification: the class the contributions explain (default: the
                   predicted one); regression: the predicted quantity, as predicted_label
base_value         the model's output (in ``unit``) with every player missing, i.e.
                   v(empty coalition) of the game: p(target) for our classifiers, the
                   average prediction over the background rows for a regressor
attributions       list of {"name", "value", "contribution", "span", "standard_error"}: the
                   feature or word, its input value (as shown to people), its signed
                   contribution toward ``target_label`` in ``unit``, its
                   [start, end) character span in the text (``null`` for tabular and
                   image), and the contribution's sampling standard error (0 for exact
                   methods, ``null`` where unknown). Ordered as the players of the game.
                   Contributions sum to prediction - base_value (for evidence from
                   elsewhere that does not add up, ``extra["efficiency_gap"]`` and a note
                   give the gap).
method             e.g. "tree-shap (interventional)", "exact enumeration", "kernel-paired"
n_evaluations      model calls (rows/sequences/images evaluated) spent on the attributions
seconds            wall time spent on the attributions
faithfulness       {"k", "comprehensiveness", "sufficiency", ...}: ERASER figures for the
                   top-k players by |contribution|
input              the explained input: {"row": {...}} / {"text": "..."} / {"image": {...}}
notes              list of plain sentences about the input or computation that a reader
                   should know (truncation, convergence, contributions too close to order)
extra              method-specific plain data (estimator diagnostics, faithfulness curves,
                   ``close_calls``: neighbours in the top-k ranking whose order is within
                   twice their sampling standard error, ...). Tabular records may hold
                   ``percentiles``: {feature: p}, each numeric feature's standing among the
                   background rows (the share whose value is below the row's, ties counting
                   half; p in [0, 1]); features without one are absent. Our explainers fill it
                   from the data they hold; ``from_contributions`` and ``from_shap`` from
                   ``percentiles=`` or ``background=``. The verifier checks "a light car" or
                   "her low income" against it (decision 0023)
heatmap            image only (else null): the class activation map for ``target_label`` as
                   a 2-D list at the model's input resolution, values in [0, 1]; stretch it
                   to the photo's size to overlay it
regions            image only (else null): what a sentence can name about the heatmap:
                   {"method", "layer", "grid": {cell name: share of heat, summing to 1},
                   "hottest": {"box": [x0, y0, x1, y1] in photo pixels, "area_share",
                   "heat_share", "cells"}, "foreground": {"heat_share", "area_share",
                   "on_object", "method"} or null, "agreement": {"grad_cam_top",
                   "shapley_top", "agree"}}
output_kind        "classification" | "regression"
unit               the unit of base_value, prediction and every contribution: "probability"
                   for our classifiers; for a regressor the model's unit as the user named
                   it ("$", "points", "kg") or null when unnamed; for evidence from
                   elsewhere whatever it was computed in ("log-odds", ...). Plain text,
                   kept as given: a shell that renders HTML escapes it
prediction         the model's output explained, in ``unit``: the predicted value of a
                   regressor; p(target) for our classifiers; the raw output (log-odds,
                   margin) for evidence from elsewhere. ``null`` in version 1 records,
                   where it is p(target)
=================  ==========================================================================

A regression record (``Evidence.from_contributions`` builds one from plain numbers):

>>> house = Evidence.from_contributions([("Living area", 1698, 12757.84), ("Year built", 1963, -8000.0)],
...                                     prediction=186000.0, base_value=181242.16, unit="$", name="price")
>>> house.output_kind, house.predicted_label, house.output_value, house.efficiency_gap() < 1e-6
('regression', 'price', 186000.0, True)
>>> Evidence.from_dict(house.to_dict()) == house
True

>>> ev = Evidence(kind="tabular", predicted_label="good", probabilities={"good": 0.8, "bad": 0.2},
...               target_label="good", base_value=0.7,
...               attributions=[Attribution("Income", 150.0, 0.1)], method="exact enumeration",
...               n_evaluations=4, seconds=0.01)
>>> Evidence.from_dict(ev.to_dict()) == ev
True
>>> ev.top(1)[0].name
'Income'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .serialise import Record

SCHEMA_VERSION = "2"
OUTPUT_KINDS = ("classification", "regression")


@dataclass(frozen=True)
class Attribution(Record):
    """One player's share of the prediction."""

    name: str
    value: Any
    contribution: float
    span: tuple[int, int] | None = None
    standard_error: float | None = None  # of ``contribution``: 0 when exact, None when unknown


@dataclass(frozen=True)
class Evidence(Record):
    """Everything computed to explain one prediction. See the module docstring for the schema."""

    SCHEMA_VERSION = SCHEMA_VERSION
    READS = ("1",)  # version 1: a classification in probability units, without the three last keys

    kind: str
    predicted_label: str
    probabilities: dict[str, float]
    target_label: str
    base_value: float
    attributions: list[Attribution]
    method: str
    n_evaluations: int
    seconds: float
    faithfulness: dict[str, Any] = field(default_factory=dict)
    input: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    heatmap: list[list[float]] | None = None
    regions: dict[str, Any] | None = None
    output_kind: str = "classification"
    unit: str | None = "probability"
    prediction: float | None = None

    def __post_init__(self):
        if self.output_kind not in OUTPUT_KINDS:
            raise ValueError(f"output_kind must be one of {', '.join(OUTPUT_KINDS)}, not {self.output_kind!r}.")

    @property
    def is_regression(self) -> bool:
        return self.output_kind == "regression"

    @property
    def output_value(self) -> float:
        """The model's output the contributions explain, in ``unit``: the predicted value of a
        regressor, p(target) for our classifiers, the raw output for evidence from elsewhere."""
        if self.prediction is not None:
            return float(self.prediction)
        return self.target_probability

    @property
    def target_probability(self) -> float:
        """p(target_label). A regression record has no probabilities: use ``output_value``."""
        if self.target_label not in self.probabilities:
            raise KeyError(f"This {self.output_kind} record has no probability for {self.target_label!r}; "
                           "use output_value.")
        return float(self.probabilities[self.target_label])

    def top(self, k: int = 5) -> list[Attribution]:
        """The ``k`` attributions with the largest absolute contribution, largest first."""
        return sorted(self.attributions, key=lambda a: -abs(a.contribution))[:k]

    def efficiency_gap(self) -> float:
        """|sum of contributions - (output_value - base_value)|: zero up to float error for our
        evidence; evidence from elsewhere may not add up (``from_contributions`` notes the gap)."""
        total = sum(a.contribution for a in self.attributions)
        return abs(total - (self.output_value - self.base_value))

    @classmethod
    def from_dict(cls, d: dict) -> Evidence:
        if str(d.get("schema_version", SCHEMA_VERSION)) in cls.READS:
            d = {**d, "schema_version": SCHEMA_VERSION, "output_kind": "classification", "unit": "probability",
                 "prediction": None}
        return super().from_dict(d)

    @classmethod
    def from_contributions(cls, contributions: Any, prediction: float | None = None,
                           base_value: float | None = None, unit: str | None = None,
                           kind: str = "regression", **options: Any) -> Evidence:
        """Evidence from plain numbers computed anywhere: ``[(name, value, contribution), ...]``
        (or ``(name, contribution)`` pairs, or dicts with those keys). See
        ``outside.contribution_fields`` for the options (``label``, ``classes``,
        ``probabilities``, ``name``, ``input_kind``, ``text``, ``percentiles``, ``background``,
        ...) and the checks.

        ``background=`` (the rows the model was trained or explained against: a DataFrame, a dict
        of columns, or a 2-D array with one column per contribution) or ``percentiles=`` gives
        each numeric feature's standing among other rows, so that a text may say "a heavy car":

        >>> import pandas as pd
        >>> cars = pd.DataFrame({"weight": [1800, 2200, 2600, 3000, 3400, 3900, 4400], "origin": ["US"] * 7})
        >>> ev = Evidence.from_contributions([("weight", 3900, -4.1), ("origin", "US", -0.8)], prediction=18.5,
        ...                                  base_value=23.4, unit="mpg", name="fuel economy", background=cars)
        >>> ev.extra["percentiles"]
        {'weight': 0.7857}
        >>> Evidence.from_contributions([("weight", 3900, -4.1)], prediction=19.3, base_value=23.4,
        ...                             percentiles={"weight": float("nan")})
        Traceback (most recent call last):
        ...
        explainer_nlg.errors.ExplainerInputError: The percentile of weight must be a number from 0 to 1 (the share of other rows below its value); got nan.
        """
        from .outside import contribution_fields

        return cls._from_fields(contribution_fields(contributions, prediction=prediction, base_value=base_value,
                                                    unit=unit, kind=kind, **options))

    @classmethod
    def from_shap(cls, explanation: Any, **options: Any) -> Evidence:
        """Evidence from a ``shap.Explanation`` of one prediction, in whatever unit it was computed
        (see ``outside.shap_fields``); ``background=`` (the explainer's data or the training table)
        or ``percentiles=`` as for ``from_contributions``."""
        from .outside import shap_fields

        return cls._from_fields(shap_fields(explanation, **options))

    @classmethod
    def _from_fields(cls, fields: dict) -> Evidence:
        return cls(**{**fields, "attributions": [Attribution(**a) for a in fields["attributions"]]})

