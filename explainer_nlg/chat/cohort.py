"""Rows of a tabular explainer, with the model's predictions, filtered by the parser's filters.

Pseudo-features a filter may name besides the data's columns: "prediction" (the class the model
predicts), "label" (the true class, where the data has it) and "correct" (prediction == label).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..attribution.row_filters import select
from ..errors import ExplainerInputError


class Table:
    """The explainer's rows plus prediction columns, computed once (one batched model call)."""

    def __init__(self, ex: Any):
        self.ex = ex
        data = ex.rows()
        self.features = list(ex.info.get("features") or ex.schema.features)
        self.target = ex.info.get("target")
        probs = ex.predictor.predict_proba(data[self.features])
        self.classes = list(ex.class_names)
        self.is_regression = bool(getattr(ex.predictor, "is_regression", False))
        self.unit = getattr(ex.predictor, "unit", None) if self.is_regression else None
        frame = data.copy()
        if self.is_regression:
            # a regressor's prediction and label are numbers: no class, no "correct", an error
            frame["prediction"] = probs[:, 0]
            if self.target and self.target in data.columns:
                frame["label"] = pd.to_numeric(data[self.target], errors="coerce")
                frame["error"] = frame["prediction"] - frame["label"]
            self.frame = frame
            return
        frame["prediction"] = [self.classes[i] for i in np.argmax(probs, axis=1)]
        for j, c in enumerate(self.classes):
            frame[f"p({c})"] = probs[:, j]
        if self.target and self.target in data.columns:
            label = data[self.target]
            names = getattr(ex.predictor, "label_names", None)
            frame["label"] = names(label) if names else label.astype(str)
            frame["correct"] = frame["label"] == frame["prediction"]
        self.frame = frame

    @property
    def has_labels(self) -> bool:
        return "label" in self.frame.columns

    def filter(self, filters: list[dict]) -> pd.DataFrame:
        """The rows meeting every filter (an unknown feature or a bad value raises a clear error);
        the same selection as the Python API's groups (``attribution.row_filters.select``)."""
        if not self.has_labels and any(f.get("feature") in ("label", "correct") for f in filters or []):
            raise ExplainerInputError("This data has no true labels, so I cannot tell which predictions "
                                      "were right or wrong.")
        if self.is_regression and any(f.get("feature") == "correct" for f in filters or []):
            raise ExplainerInputError("This model predicts a number, so no prediction is simply right or wrong; "
                                      "ask how far off it is (“how accurate is the model?”, “where is it most wrong?”).")
        return self.frame[select(self.frame, filters, schema=self.ex.schema, features=self.features)]


def describe_filters(filters: list[dict], noun: str = "rows") -> str:
    """'applicants where Age > 60 and Records = yes' style wording, from the filters themselves;
    ``noun`` is what a row is, as the model's owner named it.

    >>> describe_filters([{"feature": "Age", "cmp": ">", "value": 60}, {"feature": "prediction", "cmp": "==", "value": "bad"}])
    'rows where Age > 60 and the model predicts “bad”'
    >>> describe_filters([], "applicants")
    'all applicants'
    """
    where = conditions(filters)
    return f"{noun} where {where}" if where else f"all {noun}"


AMOUNT_WORDS = {">": "over", ">=": "at least", "<": "under", "<=": "at most"}


def conditions(filters: list[dict]) -> str:
    """The filters alone, joined ('' where there are none), for a sentence that names the rows itself.

    >>> conditions([{"feature": "label", "cmp": "==", "value": "yes"}, {"feature": "reports", "cmp": ">=", "value": 3}])
    'the true label is “yes” and reports >= 3'
    >>> conditions([{"feature": "prediction", "cmp": ">", "value": 60}])
    'the model predicts over 60'
    """
    from ..narrate.facts import fmt_number

    parts = []
    for f in filters:
        col, cmp, v = f["feature"], f.get("cmp", "=="), f.get("value")
        if col == "prediction" and cmp in AMOUNT_WORDS:  # a regressor's prediction over or under an amount
            parts.append(f"the model predicts {AMOUNT_WORDS[cmp]} {fmt_number(v)}")
        elif col == "prediction":
            parts.append(f"the model {'predicts' if cmp == '==' else 'does not predict'} “{v}”")
        elif col == "label" and cmp in AMOUNT_WORDS:
            parts.append(f"the true value is {AMOUNT_WORDS[cmp]} {fmt_number(v)}")
        elif col == "label":
            parts.append(f"the true label {'is' if cmp == '==' else 'is not'} “{v}”")
        elif col == "correct":
            parts.append("the model got it right" if bool(v) == (cmp == "==") else "the model got it wrong")
        else:
            parts.append(f"{col} {'=' if cmp == '==' else cmp} {v}")
    return " and ".join(parts)


def out_of_range(filters: list[dict], frame: pd.DataFrame) -> list[str]:
    """Notes for bounds no row can meet because they lie outside the data's range ("age > 50" where
    age is in decades, 2 to 6.2): said before the empty answer, so that the unit can be put right.

    >>> frame = pd.DataFrame({"age": [2.0, 4.5, 6.2]})
    >>> out_of_range([{"feature": "age", "cmp": ">", "value": 50}], frame)
    ['No row has age > 50: age runs from 2 to 6.2 in the data.']
    >>> out_of_range([{"feature": "age", "cmp": "<", "value": 5}], frame)
    []
    """
    from ..narrate.facts import fmt_number

    notes = []
    for f in filters:
        col, cmp, v = f.get("feature"), f.get("cmp"), f.get("value")
        if col not in frame.columns or cmp not in ("<", "<=", ">", ">=") or isinstance(v, bool) or \
                not isinstance(v, (int, float)) or not pd.api.types.is_numeric_dtype(frame[col]):
            continue
        lo, hi = float(frame[col].min()), float(frame[col].max())
        if cmp == ">" and v >= hi or cmp == ">=" and v > hi or cmp == "<" and v <= lo or cmp == "<=" and v < lo:
            notes.append(f"No row has {col} {cmp} {fmt_number(v)}: {col} runs from {fmt_number(lo)} to "
                         f"{fmt_number(hi)} in the data.")
    return notes
