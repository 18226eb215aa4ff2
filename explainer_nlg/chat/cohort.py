"""Rows of a tabular explainer, with the model's predictions, filtered by the parser's filters.

Pseudo-features a filter may name besides the data's columns: "prediction" (the class the model
predicts), "label" (the true class, where the data has it) and "correct" (prediction == label).
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


class Table:
    """The explainer's rows plus prediction columns, computed once (one batched model call)."""

    def __init__(self, ex: Any):
        self.ex = ex
        data = ex.rows()
        self.features = list(ex.info.get("features") or ex.schema.features)
        self.target = ex.info.get("target")
        probs = ex.predictor.predict_proba(data[self.features])
        self.classes = list(ex.class_names)
        frame = data.copy()
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
        """The rows meeting every filter (an unknown feature or a bad value raises a clear error)."""
        df = self.frame
        for f in filters or []:
            col, cmp, value = f.get("feature"), f.get("cmp", "=="), f.get("value")
            if col in ("label", "correct") and not self.has_labels:
                raise ExplainerInputError("This data has no true labels, so I cannot tell which predictions "
                                          "were right or wrong.")
            if col not in df.columns:
                raise ExplainerInputError(f"There is no feature {col!r}. Features: {', '.join(self.features)}.")
            if cmp not in CMPS:
                raise ExplainerInputError(f"Unknown comparison {cmp!r}.")
            s = df[col]
            if pd.api.types.is_bool_dtype(s):
                value = bool(value)
            elif pd.api.types.is_numeric_dtype(s):
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    raise ExplainerInputError(f"{col} is numeric; {value!r} is not a number.") from None
                if col in self.features:  # "older than 1e308": named, not silently matched to nothing
                    check_number(self.ex.schema, col, value)
            else:
                s = s.astype(str).str.lower()
                value = str(value).lower()
            df = df[CMPS[cmp](s, value)]
        return df


def describe_filters(filters: list[dict]) -> str:
    """'applicants with Age > 60 and Records = yes' style wording, from the filters themselves.

    >>> describe_filters([{"feature": "Age", "cmp": ">", "value": 60}, {"feature": "prediction", "cmp": "==", "value": "bad"}])
    'rows where Age > 60 and the model predicts “bad”'
    >>> describe_filters([])
    'all rows'
    """
    if not filters:
        return "all rows"
    parts = []
    for f in filters:
        col, cmp, v = f["feature"], f.get("cmp", "=="), f.get("value")
        if col == "prediction":
            parts.append(f"the model {'predicts' if cmp == '==' else 'does not predict'} “{v}”")
        elif col == "label":
            parts.append(f"the true label {'is' if cmp == '==' else 'is not'} “{v}”")
        elif col == "correct":
            parts.append("the model got it right" if bool(v) == (cmp == "==") else "the model got it wrong")
        else:
            parts.append(f"{col} {'=' if cmp == '==' else cmp} {v}")
    return "rows where " + " and ".join(parts)
