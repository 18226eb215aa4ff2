"""The SimilarCases record: the labelled rows most like one input, and what happened to them.

Distance: over the features, a weighted sum of per-feature differences, each numeric difference in
units of the feature's spread (scaled MAD) and capped at 3, a category 0 when it matches and 1 when
not, a missing value 0 against a missing value and 1 against any other; the weights are the
features' mean |Shapley value| over sampled rows, so the features that matter to the model count
most. Rows are labelled rows of the data the explainer was given (the input itself excluded).

A **Neighbour**, as ``to_dict()``:

================  =================================================================================
row_id            the row's id in the data
row               its feature values
distance          its weighted distance to the input (0: identical on every weighted feature)
predicted_label   the class the model predicts for it
probability       p(predicted_label)
true_label        its label in the data, or null
correct           predicted_label == true_label, or null without a label
differences       the features whose values differ from the input's, most weighted first
================  =================================================================================

**SimilarCases**:

================  =================================================================================
schema_version    "1"
kind              "similar-cases"
input             the input, as in ``Evidence.input`` ({"row_id", "row"})
predicted_label   the class the model predicts for the input
probabilities     {class: probability} for the input
k                 how many neighbours were asked for
neighbours        list of Neighbour, nearest first
same_prediction   how many neighbours the model predicts the input's class for
labelled          how many neighbours have a true label
correct           how many of the labelled neighbours the model got right
outcomes          {true label: count} over the neighbours
weights           {feature: weight}: each feature's share of the distance weights (summing to 1)
rows_searched     rows compared
method            how distances and weights were computed, in words
seconds           wall time
notes             plain sentences a reader should know
row_noun          what the rows are called, plural ("applicants", "stores"; default "rows"): the
                  sentences say it
================  =================================================================================

>>> n = Neighbour(12, {"Income": 300}, 0.4, "good", 0.9, "good", True, ["Income"])
>>> sc = SimilarCases({"row_id": 17, "row": {"Income": 330}}, "good", {"good": 0.97, "bad": 0.03}, 1,
...                   [n], {"Income": 1.0}, 4453, "weighted distance")
>>> SimilarCases.from_dict(sc.to_dict()) == sc
True
>>> sc.correct, sc.outcomes
(1, {'good': 1})
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .serialise import Record

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Neighbour(Record):
    """One similar row (see the module docstring)."""

    row_id: Any
    row: dict
    distance: float
    predicted_label: str
    probability: float
    true_label: str | None = None
    correct: bool | None = None
    differences: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SimilarCases(Record):
    """The k nearest labelled rows to one input (see the module docstring for the schema)."""

    SCHEMA_VERSION: ClassVar[str] = SCHEMA_VERSION
    DERIVED: ClassVar[dict[str, str]] = {"same_prediction": "neighbours", "labelled": "neighbours",
                                         "correct": "neighbours", "outcomes": "neighbours"}

    input: dict
    predicted_label: str
    probabilities: dict[str, float]
    k: int
    neighbours: list[Neighbour]
    weights: dict[str, float]
    rows_searched: int
    method: str
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    row_noun: str = "rows"

    kind: ClassVar[str] = "similar-cases"

    @property
    def same_prediction(self) -> int:
        return sum(1 for n in self.neighbours if n.predicted_label == self.predicted_label)

    @property
    def labelled(self) -> int:
        return sum(1 for n in self.neighbours if n.true_label is not None)

    @property
    def correct(self) -> int:
        return sum(1 for n in self.neighbours if n.correct)

    @property
    def outcomes(self) -> dict[str, int]:
        return dict(Counter(n.true_label for n in self.neighbours if n.true_label is not None))

    def table(self, features: int = 6) -> list[dict]:
        """The neighbours as table rows: id, distance, prediction, truth, whether the model was
        right, and the values of the ``features`` most weighted features."""
        top = sorted(self.weights, key=lambda f: -self.weights[f])[:features]
        return [{"id": n.row_id, "distance": round(n.distance, 3), "predicted": n.predicted_label,
                 "true": n.true_label, "model right": n.correct, **{f: n.row.get(f) for f in top}}
                for n in self.neighbours]
