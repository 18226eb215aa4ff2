"""The RuleEvidence record: a rule behind a prediction, as plain JSON-able data.

Three kinds of rule, one record:

- ``decision-path``: the actual path of an input through the model's tree (a single tree, or
  each tree of a shallow ensemble), stated as conditions on the features;
- ``local-rule``: a short conjunction of conditions on the input's own values, found by a greedy
  beam search as anchors do, with its precision (the share of the data's rows meeting the rule
  that the model gives the same prediction) and coverage (the share of rows meeting it);
- ``surrogate``: a global decision tree of depth at most 4 fitted to the model's predictions, with
  its fidelity (agreement with the model) on held-out rows, its leaves as rules, and the input's
  leaf when there is an input.

A rule with precision under ``min_precision`` (0.9) is a rule of thumb with that figure, never
"the rule" the model follows.

A **Condition**, as ``to_dict()``: {"feature", "op", "value", "or_missing"}; op is one of ``<=``,
``>``, ``between`` (value [low, high]: low < x <= high), ``==``, ``!=``, ``in``, ``not in``
(value: a list of categories), ``missing``, ``not missing`` (value null); ``or_missing``: a missing
value meets the condition too.

**RuleEvidence**:

================  =================================================================================
schema_version    "1"
kind              "rule"
rule_kind         "decision-path" | "local-rule" | "surrogate"
input             the input as in ``Evidence.input``, or null (a global surrogate)
predicted_label   the class the model predicts for the input, or null
conditions        list of Condition: the path (one tree), the local rule, or the input's
                  surrogate leaf; [] for a global surrogate without input
prediction        the class the rule leads to
precision         share of the data's rows meeting ``conditions`` that the model predicts
                  ``prediction`` for (counted on the rows), or null
coverage          share of the data's rows meeting ``conditions``
rows_matching     how many rows meet them
rows_total        rows counted
min_precision     below this precision a rule is not "the rule" (0.9)
is_rule           precision >= min_precision (derived; not read back)
paths             decision-path of an ensemble: [{"tree", "conditions", "leaf_value"}] per tree
                  (leaf_value: that tree's output at the leaf, in the model's own units); else []
leaves            surrogate: [{"conditions", "prediction", "precision", "coverage", "rows"}],
                  largest first; else []
fidelity          surrogate: share of held-out rows where the tree agrees with the model, else null
fidelity_rows     held-out rows that fidelity was measured on (0 if not a surrogate)
depth             surrogate: the tree's depth, else null
method            how it was found, in words
seconds           wall time
notes             plain sentences a reader should know
row_noun          what the rows are called, plural ("applicants", "stores"; default "rows"): the
                  sentences say it
================  =================================================================================

>>> r = RuleEvidence("local-rule", {"row_id": 17, "row": {}}, "good",
...                  [Condition("Income", ">", 120), Condition("Records", "==", "no")], "good",
...                  0.96, 0.31, 1380, 4454)
>>> RuleEvidence.from_dict(r.to_dict()) == r
True
>>> r.is_rule, r.conditions[0].text()
(True, 'Income > 120')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .serialise import Record

SCHEMA_VERSION = "1"
MIN_PRECISION = 0.9
OPS = ("<=", ">", "between", "==", "!=", "in", "not in", "missing", "not missing")


def _fmt(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{v:g}" if isinstance(v, float) else str(v)
    return str(v)


@dataclass(frozen=True)
class Condition(Record):
    """One condition of a rule: ``feature op value``; ``or_missing``: a missing value meets it too
    (trees that learned where missing values go send them down one side of a split)."""

    feature: str
    op: str
    value: Any = None
    or_missing: bool = False

    def __post_init__(self):
        if self.op not in OPS:
            raise ValueError(f"A condition's op must be one of {', '.join(OPS)}, not {self.op!r}.")

    def text(self) -> str:
        """The condition in compact notation ("Income > 120", "Home in {owner, parents}").

        >>> Condition("Age", "between", [30, 45]).text(), Condition("Home", "in", ["owner", "rent"]).text()
        ('30 < Age <= 45', 'Home in {owner, rent}')
        >>> Condition("Income", "<=", 120.0, or_missing=True).text()
        'Income <= 120 or missing'
        """
        if self.op == "between":
            out = f"{_fmt(self.value[0])} < {self.feature} <= {_fmt(self.value[1])}"
        elif self.op in ("in", "not in"):
            out = f"{self.feature} {self.op} {{{', '.join(_fmt(v) for v in self.value)}}}"
        elif self.op in ("missing", "not missing"):
            return f"{self.feature} is {self.op}"
        else:
            out = f"{self.feature} {self.op} {_fmt(self.value)}"
        return out + (" or missing" if self.or_missing else "")

    @classmethod
    def from_dict(cls, d: dict) -> Condition:
        c = super().from_dict(d)
        return c if not isinstance(c.value, tuple) else Condition(c.feature, c.op, list(c.value), c.or_missing)


@dataclass(frozen=True)
class RulePath(Record):
    """One tree's path of an ensemble: its number (from 1), its conditions, its leaf's output."""

    tree: int
    conditions: list[Condition]
    leaf_value: list[float]


@dataclass(frozen=True)
class RuleLeaf(Record):
    """One leaf of a surrogate tree as a rule: its conditions, the class it gives, the share of its
    rows the model predicts that class for (precision), its share of all rows, and its row count."""

    conditions: list[Condition]
    prediction: str
    precision: float | None
    coverage: float
    rows: int


@dataclass(frozen=True)
class RuleEvidence(Record):
    """A rule behind a prediction (see the module docstring for the schema)."""

    SCHEMA_VERSION: ClassVar[str] = SCHEMA_VERSION
    DERIVED: ClassVar[dict[str, str]] = {"is_rule": "min_precision"}

    rule_kind: str
    input: dict | None
    predicted_label: str | None
    conditions: list[Condition]
    prediction: str
    precision: float | None
    coverage: float
    rows_matching: int
    rows_total: int
    min_precision: float = MIN_PRECISION
    paths: list[RulePath] = field(default_factory=list)
    leaves: list[RuleLeaf] = field(default_factory=list)
    fidelity: float | None = None
    fidelity_rows: int = 0
    depth: int | None = None
    method: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    row_noun: str = "rows"

    kind: ClassVar[str] = "rule"

    @property
    def is_rule(self) -> bool:
        """Whether the rule is precise enough to be called "the rule" (precision >= min_precision)."""
        return self.precision is not None and self.precision >= self.min_precision
