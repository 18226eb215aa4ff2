"""The GroupComparison record: how the model treats two or more groups, as plain JSON-able data.

One record answers "does the model treat married and single applicants differently?", "is it fair
to older applicants?" and, with a single group, "how likely are people over 60 to be approved?"
(cohort likelihood). Rates are per group; gaps are the standard fairness gaps between the groups
(fairlearn's definitions: the largest minus the smallest rate, the smallest over the largest, and
for equalized odds the larger of the true- and false-positive-rate differences). Every figure comes
with a percentile bootstrap interval (resampling rows within each group), so a sentence can say
whether a gap is larger than its uncertainty.

A **GroupStats** (one group), as ``to_dict()``:

===================  ==========================================================================
name                 how the group reads ("Marital = married", "Age > 60")
filters              the rows it holds: [{"feature", "cmp", "value"}] (cmp: > >= < <= == !=)
size                 rows in the group
labelled             rows with a true label
positive_rate        share the model predicts ``positive_label`` for (selection rate)
mean_probability     mean predicted p(positive_label)
accuracy             share predicted right, over labelled rows (null without labels)
fpr                  false-positive rate of positive_label over labelled rows (null without
                     labels, or without labelled rows of the other class)
fnr                  false-negative rate, likewise (null without labelled positive rows)
tpr                  true-positive rate (1 - fnr), likewise
ci                   {figure: [low, high]}: 95% bootstrap interval of each figure above
mean_contribution    mean Shapley value of the group feature toward positive_label over the
                     group's sampled rows (probability units), or null (no single group feature)
contribution_rows    rows that mean was taken over
small                size < 20: figures shown, no verdict drawn (derived; not read back)
===================  ==========================================================================

**GroupComparison**:

==================  ===========================================================================
schema_version      "1"
kind                "group-comparison"
feature             the feature that defines the groups, or null (groups from mixed filters)
positive_label      the favourable class the rates count (e.g. "good": approved)
groups              list of GroupStats, in the order asked
gaps                {"demographic_parity_difference", "demographic_parity_ratio",
                    "equalized_odds_difference"}: each {"value", "ci": [low, high], "between":
                    [group with the higher figure, group with the lower], "exceeds_uncertainty":
                    true | false | null}, or null where it cannot be computed; the ratio also has
                    "four_fifths": whether it is at least 0.8. Empty for one group.
unavailable         {figure: why it could not be computed} (no labels, too few rows, ...)
bootstrap           {"resamples", "level", "seed"}
min_group_size      groups smaller than this get no verdict (20)
protected           whether ``feature`` is marked protected
method              how it was computed, in words
seconds             wall time
notes               plain sentences a reader should know
row_noun            what the rows are called, plural ("applicants", "stores"; default "rows"): the
                    sentences say it
==================  ===========================================================================

``exceeds_uncertainty``: a difference whose interval excludes 0 (a ratio: excludes 1); null when a
group is smaller than ``min_group_size``. A gap larger than its uncertainty is still not by itself
proof of unfairness: groups can differ in what the model legitimately uses.

>>> g = GroupStats("Marital = married", [{"feature": "Marital", "cmp": "==", "value": "married"}], 3241,
...                3241, 0.75, 0.71, 0.82, 0.45, 0.10, 0.90, {"positive_rate": [0.73, 0.76]})
>>> gc = GroupComparison("Marital", "good", [g], {}, {}, {"resamples": 200, "level": 0.95, "seed": 0})
>>> GroupComparison.from_dict(gc.to_dict()) == gc
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .serialise import Record

SCHEMA_VERSION = "1"
MIN_GROUP_SIZE = 20
FIGURES = ("positive_rate", "mean_probability", "accuracy", "fpr", "fnr", "tpr")
GAPS = ("demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference")


@dataclass(frozen=True)
class GroupStats(Record):
    """One group's figures (see the module docstring)."""

    DERIVED: ClassVar[dict[str, str]] = {"small": "contribution_rows"}

    name: str
    filters: list[dict]
    size: int
    labelled: int
    positive_rate: float | None
    mean_probability: float | None
    accuracy: float | None = None
    fpr: float | None = None
    fnr: float | None = None
    tpr: float | None = None
    ci: dict[str, list[float]] = field(default_factory=dict)
    mean_contribution: float | None = None
    contribution_rows: int = 0

    @property
    def small(self) -> bool:
        return self.size < MIN_GROUP_SIZE

    def figure(self, name: str) -> float | None:
        return getattr(self, name)


@dataclass(frozen=True)
class GroupComparison(Record):
    """Groups compared (see the module docstring for the schema)."""

    SCHEMA_VERSION: ClassVar[str] = SCHEMA_VERSION

    feature: str | None
    positive_label: str
    groups: list[GroupStats]
    gaps: dict[str, Any]
    unavailable: dict[str, str]
    bootstrap: dict[str, Any]
    min_group_size: int = MIN_GROUP_SIZE
    protected: bool = False
    method: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    row_noun: str = "rows"

    kind: ClassVar[str] = "group-comparison"

    def group(self, name: str) -> GroupStats:
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)

    @property
    def any_small(self) -> bool:
        return any(g.small for g in self.groups)
