"""The one-row output cache of the tabular predictors: a row asked about again is not predicted
again, and a different row (or the same values with other types) never gets another row's output."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from explainer_nlg.models.tabular import SklearnPredictor, SklearnRegressor


class Counting:
    """A model that counts its calls."""

    def __init__(self, model):
        self.model, self.calls = model, []
        self.classes_ = getattr(model, "classes_", None)

    def predict_proba(self, X):
        self.calls.append(len(X))
        return self.model.predict_proba(X)

    def predict(self, X):
        self.calls.append(len(X))
        return self.model.predict(X)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    return X, (X["a"] + X["b"] > 0).astype(int)


def test_a_row_asked_again_is_not_predicted_again(data):
    X, y = data
    model = Counting(LogisticRegression().fit(X, y))
    pred = SklearnPredictor(model, ["a", "b"])
    first = pred.predict_proba(X.iloc[[3]])
    again = pred.predict_proba(X.iloc[[3]].copy())
    assert model.calls == [1]
    np.testing.assert_array_equal(first, again)
    other = pred.predict_proba(X.iloc[[4]])
    assert model.calls == [1, 1] and not np.allclose(other, first)
    pred.predict_proba(X.iloc[:5])  # a batch is never cached
    pred.predict_proba(X.iloc[:5])
    assert model.calls == [1, 1, 5, 5]


def test_a_cached_output_cannot_be_changed_by_its_caller(data):
    X, y = data
    pred = SklearnPredictor(LogisticRegression().fit(X, y), ["a", "b"])
    out = pred.predict_proba(X.iloc[[0]])
    kept = out.copy()
    out[:] = 0
    np.testing.assert_array_equal(pred.predict_proba(X.iloc[[0]]), kept)


def test_missing_values_and_types_are_part_of_the_key():
    pred = SklearnPredictor(Counting(_echo_first_cell()), ["k"], ["no", "yes"])
    row = lambda v: pd.DataFrame({"k": pd.Series([v], dtype=object)})  # noqa: E731
    assert pred.predict_proba(row(True))[0, 1] == 1.0
    assert pred.predict_proba(row(1))[0, 1] == 0.5  # True == 1 in Python, but not to this model
    pred.predict_proba(row(np.nan))
    pred.predict_proba(row(float("nan")))  # another NaN object: the same row
    assert pred.model.calls == [1, 1, 1]


def test_regressor_rows_are_cached_and_a_copy_starts_empty(data):
    X, _ = data
    model = Counting(LinearRegression().fit(X, X["a"] * 3))
    reg = SklearnRegressor(model, ["a", "b"], "score")
    reg.predict_proba(X.iloc[[1]])
    reg.predict_proba(X.iloc[[1]])
    assert model.calls == [1]
    copy = pickle.loads(pickle.dumps(reg))
    assert len(copy.one_rows.recent) == 0
    np.testing.assert_allclose(copy.predict_proba(X.iloc[[1]]), reg.predict_proba(X.iloc[[1]]))


def _echo_first_cell():
    class Echo:
        """1.0 for the value True itself, 0.5 for anything else (1 included)."""

        classes_ = np.array(["no", "yes"])

        def predict_proba(self, X):
            v = X.iloc[0, 0]
            p = 1.0 if v is True else 0.5
            return np.array([[1 - p, p]])

    return Echo()
