"""Adapter for scikit-learn estimators and pipelines on pandas DataFrames.

The schema (feature names, numeric ranges, categorical values) is read from the
user's data, so sentences and validation use the data's own vocabulary.

>>> import pandas as pd
>>> from sklearn.tree import DecisionTreeClassifier
>>> df = pd.DataFrame({"age": [20, 30, 40, 50], "job": ["a", "b", "a", "b"]})
>>> schema = TabularSchema.from_frame(df)
>>> schema.categorical
{'job': ['a', 'b']}
>>> schema.validate_row({"age": 33, "job": "c"})
Traceback (most recent call last):
...
explainer_nlg.errors.ExplainerInputError: job 'c' is not a value this model has seen. Known values: 'a', 'b'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError
from ..recent import Recent
from .base import Predictor


@dataclass
class TabularSchema:
    """What a valid row looks like, learned from the data the user handed over."""

    features: list[str]
    categorical: dict[str, list[str]]
    numeric_range: dict[str, tuple[float, float]]
    allows_missing: dict[str, bool]
    # Per categorical column, each category as text -> the value the data holds (True, 1, "a"):
    # the model gets back the value it was fitted on, not its text (a True/False column is shown as
    # "True"/"False", but the model must get the booleans back, or it fails to convert "False").
    originals: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> TabularSchema:
        """The schema of ``df``. Categories are told apart by their text, so an object column that
        holds True, 1 and "1.0" has three categories (pandas' ``unique`` would merge True and 1).

        >>> TabularSchema.from_frame(pd.DataFrame({"k": pd.Series([True, 1, "a"], dtype=object)})).categorical
        {'k': ['1', 'True', 'a']}
        """
        categorical, ranges, missing, originals = {}, {}, {}, {}
        for col in df.columns:
            s = df[col]
            missing[col] = bool(s.isna().any())
            if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                ranges[col] = (float(s.min()), float(s.max()))
            else:
                values = s.dropna()
                texts = values.astype(object).map(str)
                first = ~texts.duplicated()
                originals[str(col)] = dict(zip(texts[first], values[first]))
                categorical[col] = sorted(originals[str(col)])
        return cls(list(map(str, df.columns)), categorical, ranges, missing, originals)

    def validate_row(self, row: Any) -> pd.DataFrame:
        """A one-row DataFrame in the model's column order, or a clear error naming the problem."""
        if isinstance(row, pd.DataFrame):
            if len(row) != 1:
                raise ExplainerInputError(f"Expected one row, got {len(row)}.")
            values = row.iloc[0].to_dict()
        elif isinstance(row, pd.Series):
            values = row.to_dict()
        elif isinstance(row, dict):
            values = dict(row)
        else:
            raise ExplainerInputError(
                f"A row must be a dict, a pandas Series or a one-row DataFrame, not {type(row).__name__}."
            )
        values = {str(k): v for k, v in values.items()}
        unknown = [k for k in values if k not in self.features]
        absent = [f for f in self.features if f not in values]
        if unknown:
            raise ExplainerInputError(
                f"Unknown column(s): {', '.join(unknown)}. The model's features are: {', '.join(self.features)}."
            )
        if absent:
            raise ExplainerInputError(f"Missing column(s): {', '.join(absent)}. Give a value for each.")
        clean: dict[str, Any] = {}
        for f in self.features:
            v = values[f]
            if _is_missing(v):
                if not self.allows_missing[f]:
                    raise ExplainerInputError(
                        f"{f} is missing (empty or NaN), and the model never saw {f} missing: give a value."
                    )
                clean[f] = np.nan
            elif f in self.categorical:
                text = str(v).strip()
                match = {c.lower(): c for c in self.categorical[f]}.get(text.lower())
                if match is None:
                    known = ", ".join(repr(c) for c in self.categorical[f])
                    raise ExplainerInputError(f"{f} {text!r} is not a value this model has seen. Known values: {known}.")
                clean[f] = _python_value(self.originals.get(f, {}).get(match, match))
            else:
                try:
                    clean[f] = float(v)
                except (TypeError, ValueError):
                    raise ExplainerInputError(f"{f} must be a number, not {v!r}.") from None
                if not np.isfinite(clean[f]):
                    raise ExplainerInputError(f"{f} must be a finite number, not {v!r}.")
        # Categorical columns stay object even when the value is missing: a lone NaN would make the
        # column float, and encoders fitted on strings then fail (row 30 of the loan demo did).
        return pd.DataFrame([clean], columns=self.features).astype({f: object for f in self.categorical})

    def out_of_range(self, row: pd.DataFrame) -> list[str]:
        """Plain notes for numeric values outside the range seen in the data (extrapolation)."""
        notes = []
        for f, (lo, hi) in self.numeric_range.items():
            v = row.iloc[0][f]
            if pd.notna(v) and not lo <= v <= hi:
                notes.append(f"{f} = {v:g} is outside the range seen in the data ({lo:g} to {hi:g}); "
                             "the model is extrapolating.")
        return notes


def _python_value(v: Any) -> Any:
    """A numpy scalar as its Python value. Not ``to_plain``: a category keeps its type (a date stays a
    date), because the value goes into the model, not out as JSON."""
    return v.item() if isinstance(v, np.generic) else v


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


class OneRowOutputs:
    """The model's outputs for the last ``size`` single rows it was asked about.

    Why: a conversation asks about one row several times ("why?", "how sure?", "what if ...?"),
    and a scikit-learn pipeline costs tens of milliseconds per call on one row (its column
    transformer's pandas work), most of a quick answer's CPU. Only one-row batches are kept; a
    value's type is part of the key, so True and 1 in an object column stay apart. A copy is
    empty (pickling, deep copies): the cache belongs to one live model.

    >>> cache, calls = OneRowOutputs(), []
    >>> row = pd.DataFrame({"a": [1.0], "b": ["x"]})
    >>> def model(batch):
    ...     calls.append(len(batch))
    ...     return np.array([[0.25, 0.75]])
    >>> cache.outputs(row, ["a", "b"], model)[0, 1], cache.outputs(row.copy(), ["a", "b"], model)[0, 1], calls
    (np.float64(0.75), np.float64(0.75), [1])
    """

    def __init__(self, size: int = 1024):
        self.recent = Recent(size)

    @staticmethod
    def _key(batch: pd.DataFrame, features: list[str]) -> tuple | None:
        if len(batch) != 1:
            return None
        # NaN is never equal to itself: missing values get one stand-in so their rows are found again.
        key = tuple((type(v).__name__, "NaN" if v != v else v) for v in batch[features].iloc[0].tolist())
        try:
            hash(key)
        except TypeError:  # a value that cannot be a key (a list in a cell): not cached
            return None
        return key

    def outputs(self, batch: pd.DataFrame, features: list[str], model: Any) -> np.ndarray:
        """``model(batch[features])``, from the cache for a one-row batch seen before (a copy)."""
        key = self._key(batch, features)
        hit = self.recent.get(key) if key is not None else None
        if hit is not None:
            return hit.copy()
        out = model(batch[features])
        if key is not None:
            self.recent.put(key, out.copy())
        return out


class SklearnPredictor(Predictor):
    """A fitted scikit-learn classifier (or pipeline) that takes a DataFrame."""

    kind = "tabular"

    def __init__(self, model: Any, features: list[str], class_names: list[str] | None = None):
        if not hasattr(model, "predict_proba"):
            raise ExplainerInputError(
                f"{type(model).__name__} has no predict_proba: explanations need class probabilities."
            )
        self.model = model
        self.features = list(features)
        model_classes = [str(c) for c in getattr(model, "classes_", [])]
        if class_names is not None:
            class_names = [str(c) for c in class_names]
            if model_classes and len(class_names) != len(model_classes):
                raise ExplainerInputError(
                    f"class_names has {len(class_names)} names but the model has {len(model_classes)} classes "
                    f"({', '.join(model_classes)})."
                )
        self.class_names = class_names or model_classes
        if not self.class_names:
            raise ExplainerInputError("The model has no classes_; pass class_names.")
        self.one_rows = OneRowOutputs()

    def predict_proba(self, batch: pd.DataFrame) -> np.ndarray:
        return self.one_rows.outputs(batch, self.features, self._probabilities)

    def _probabilities(self, batch: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.model.predict_proba(batch), dtype=float)

    def label_names(self, labels: Any) -> list[str]:
        """True labels as this predictor's class names. The data holds the values the model was
        fitted on (``model.classes_``, e.g. "yes"/"no" or 0/1); ``class_names`` may rename them
        ("credit worthy"), and predictions are reported under those names, so labels must be too.

        >>> from sklearn.dummy import DummyClassifier
        >>> m = DummyClassifier().fit([[0], [1]], ["no", "yes"])
        >>> SklearnPredictor(m, ["x"], ["bad", "good"]).label_names(["yes", "no", "maybe"])
        ['good', 'bad', 'maybe']
        """
        names = dict(zip((str(c) for c in getattr(self.model, "classes_", [])), self.class_names))
        return [names.get(str(v), str(v)) for v in labels]


def is_regressor(model: Any) -> bool:
    """Whether a scikit-learn model (or pipeline) predicts a number rather than a class.

    >>> from sklearn.linear_model import LinearRegression, LogisticRegression
    >>> is_regressor(LinearRegression()), is_regressor(LogisticRegression())
    (True, False)
    """
    from sklearn.base import is_classifier
    from sklearn.base import is_regressor as sk_is_regressor

    try:
        if sk_is_regressor(model):
            return True
        if is_classifier(model):
            return False
    except Exception:  # noqa: BLE001 - a model scikit-learn cannot tag: judge by its methods
        pass
    return hasattr(model, "predict") and not hasattr(model, "predict_proba")


class SklearnRegressor(Predictor):
    """A fitted scikit-learn regressor (or pipeline) that takes a DataFrame: one output, the
    predicted value of ``output_name``, in ``unit`` ("$", "points", or None when unnamed).

    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> df = pd.DataFrame({"area": [50.0, 80.0, 120.0]})
    >>> r = SklearnRegressor(LinearRegression().fit(df, [100.0, 160.0, 240.0]), ["area"], "price", "$")
    >>> r.class_names, r.predict_proba(df).shape, round(float(r.predict_proba(df)[2, 0]))
    (['price'], (3, 1), 240)
    """

    kind = "tabular"
    output_kind = "regression"

    def __init__(self, model: Any, features: list[str], output_name: str = "prediction", unit: str | None = None):
        from ..evidence.outside import check_unit

        if not hasattr(model, "predict"):
            raise ExplainerInputError(f"{type(model).__name__} has no predict method.")
        self.model = model
        self.features = list(features)
        self.class_names = [str(output_name).strip() or "prediction"]
        self.unit = check_unit(unit)
        self.one_rows = OneRowOutputs()

    def predict_proba(self, batch: pd.DataFrame) -> np.ndarray:
        return self.one_rows.outputs(batch, self.features, self._predictions)

    def _predictions(self, batch: pd.DataFrame) -> np.ndarray:
        out = np.asarray(self.model.predict(batch), dtype=float)
        if out.ndim > 1 and out.shape[1] != 1:
            raise ExplainerInputError(f"The model predicts {out.shape[1]} numbers per row; explanations take a "
                                      "regressor with one output.")
        return out.reshape(-1, 1)

    def label_names(self, labels: Any) -> list[str]:
        """A regressor's labels are numbers: they are kept as they are."""
        return list(labels)
