"""The Evidence record: what was computed for one prediction, as plain JSON-able data.

Schema (``Evidence.to_dict()``; every key always present, ``null`` where unknown):

=================  ==========================================================================
key                meaning
=================  ==========================================================================
schema_version     "1"
kind               "tabular" | "text" | "image"
predicted_label    the class the model predicts (its highest probability)
probabilities      {class name: probability}, summing to 1
target_label       the class the contributions explain (default: the predicted one)
base_value         the model's probability of ``target_label`` with every player missing,
                   i.e. v(empty coalition) of the game
attributions       list of {"name", "value", "contribution", "span", "standard_error"}: the
                   feature or word, its input value (as shown to people), its signed
                   contribution toward ``target_label`` in probability units, its
                   [start, end) character span in the text (``null`` for tabular and
                   image), and the contribution's sampling standard error (0 for exact
                   methods, ``null`` where unknown). Ordered as the players of the game.
                   Contributions sum to p(target) - base_value.
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
                   twice their sampling standard error, ...)
heatmap            image only (else null): the class activation map for ``target_label`` as
                   a 2-D list at the model's input resolution, values in [0, 1]; stretch it
                   to the photo's size to overlay it
regions            image only (else null): what a sentence can name about the heatmap:
                   {"method", "layer", "grid": {cell name: share of heat, summing to 1},
                   "hottest": {"box": [x0, y0, x1, y1] in photo pixels, "area_share",
                   "heat_share", "cells"}, "foreground": {"heat_share", "area_share",
                   "on_object", "method"} or null, "agreement": {"grad_cam_top",
                   "shapley_top", "agree"}}
=================  ==========================================================================

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

from .serialise import Record, to_plain

SCHEMA_VERSION = "1"


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

    @property
    def target_probability(self) -> float:
        return float(self.probabilities[self.target_label])

    def top(self, k: int = 5) -> list[Attribution]:
        """The ``k`` attributions with the largest absolute contribution, largest first."""
        return sorted(self.attributions, key=lambda a: -abs(a.contribution))[:k]

    def efficiency_gap(self) -> float:
        """|sum of contributions - (p(target) - base_value)|: zero up to float error."""
        total = sum(a.contribution for a in self.attributions)
        return abs(total - (self.target_probability - self.base_value))


# Branches written before serialise.to_plain import this name; use to_plain.
_plain = to_plain
