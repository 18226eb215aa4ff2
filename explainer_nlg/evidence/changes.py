"""Records for "what if?" and "what would change the decision?": plain JSON-able data.

Two records, in the style of :class:`~explainer_nlg.evidence.Evidence`: frozen dataclasses with a
``to_dict`` / ``from_dict`` round-trip (``serialise.Record``) and every key always present. They hold facts only; the
narration layer turns them into sentences.

A **Change** (one edited feature, word or image region), as ``to_dict()``:

=========  ===================================================================================
key        meaning
=========  ===================================================================================
feature    the feature name (tabular), the word as written (text), the region name (image)
from       the value before (``null`` if it was missing; the word for text; ``null`` for image)
to         the value after (``null`` for a removed word or a covered region)
action     "set" | "increase" | "decrease" | "remove" | "replace" | "cover"
amount     for increase/decrease: the amount asked for; otherwise ``null``
span       text: the word's [start, end) character span in the original text; else ``null``
=========  ===================================================================================

**WhatIf** (``Explainer.what_if``):

======================  ==========================================================================
schema_version          "1"
kind                    "tabular" | "text" | "image"
input                   the original input, as in ``Evidence.input``
changes                 list of Change
new_input               the changed input: {"row": {...}} / {"text": "..."} / {"image": {...}}
target_label            the class whose probability change is reported (default: the original
                        prediction)
original_label          the class predicted before the change
original_probabilities  {class: probability} before
new_label               the class predicted after the change
new_probabilities       {class: probability} after (re-predicted by the model)
probability_change      new p(target_label) - original p(target_label)
decision_changed        new_label != original_label
evidence                the Evidence for the changed input (toward target_label), or ``null``
seconds                 wall time, evidence included
notes                   plain sentences a reader should know (extrapolation, ...)
======================  ==========================================================================

**CounterfactualSet** (``Explainer.counterfactuals``), with a list of **Counterfactual**:

=====================  ===========================================================================
schema_version         "1"
kind                   "tabular" | "text"
input                  the query input, as in ``Evidence.input``
original_label         the class the model predicts for it
original_probabilities {class: probability}
target_label           the class the counterfactuals reach (the desired class)
found                  true if at least one counterfactual was found within the limits
counterfactuals        list of Counterfactual, best first: fewest features changed, then the
                       smallest distance. Each is {"changes": [Change], "new_input",
                       "predicted_label", "probabilities", "target_probability", "n_changed",
                       "distance"}. Every one was re-predicted and predicts target_label.
                       ``distance``: tabular: sum over changed features of |to - from| in units
                       of the feature's spread (see ``constraints["spread"]``), 1 per category
                       change or filled-in missing value; text: the number of word edits.
candidates_searched    candidate inputs the model scored during the search
seconds                wall time of the search
method                 e.g. "sparsity-first beam search"
constraints            the limits that held: {"immutable", "monotone", "ranges", "max_changes",
                       "max_candidates", "k", ...}: a "none found" outcome is true only within
                       these
notes                  plain sentences a reader should know
=====================  ===========================================================================

>>> c = Change("Amount", 2400, 1000, "set")
>>> cs = CounterfactualSet(kind="tabular", input={"row": {"Amount": 2400}}, original_label="bad",
...     original_probabilities={"bad": 0.7, "good": 0.3}, target_label="good", found=True,
...     counterfactuals=[Counterfactual([c], {"row": {"Amount": 1000}}, "good",
...                                     {"bad": 0.39, "good": 0.61}, 0.61, 1, 2.9)],
...     candidates_searched=250, seconds=0.2, method="sparsity-first beam search")
>>> CounterfactualSet.from_dict(cs.to_dict()) == cs
True
>>> cs.counterfactuals[0].to_dict()["changes"][0]["from"]
2400
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .attributions import Evidence
from .serialise import Record

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Change(Record):
    """One edit: ``feature`` went ``from_value`` -> ``to_value`` (see the module schema)."""

    KEYS = {"from_value": "from", "to_value": "to"}

    feature: str
    from_value: Any
    to_value: Any
    action: str = "set"
    amount: Any = None
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class WhatIf(Record):
    """A re-prediction after the changes a user asked for. See the module docstring for the schema."""

    SCHEMA_VERSION = SCHEMA_VERSION
    DERIVED = {"probability_change": "new_probabilities", "decision_changed": "new_probabilities"}

    kind: str
    input: dict[str, Any]
    changes: list[Change]
    new_input: dict[str, Any]
    target_label: str
    original_label: str
    original_probabilities: dict[str, float]
    new_label: str
    new_probabilities: dict[str, float]
    evidence: Evidence | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def probability_change(self) -> float:
        return float(self.new_probabilities[self.target_label] - self.original_probabilities[self.target_label])

    @property
    def decision_changed(self) -> bool:
        return self.new_label != self.original_label


@dataclass(frozen=True)
class Counterfactual(Record):
    """One set of changes that makes the model predict the desired class (re-predicted)."""

    changes: list[Change]
    new_input: dict[str, Any]
    predicted_label: str
    probabilities: dict[str, float]
    target_probability: float
    n_changed: int
    distance: float


@dataclass(frozen=True)
class CounterfactualSet(Record):
    """The outcome of one counterfactual search. See the module docstring for the schema."""

    SCHEMA_VERSION = SCHEMA_VERSION

    kind: str
    input: dict[str, Any]
    original_label: str
    original_probabilities: dict[str, float]
    target_label: str
    found: bool
    counterfactuals: list[Counterfactual]
    candidates_searched: int
    seconds: float
    method: str
    constraints: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
