"""One row measured against another (``Explainer.contrast``, baseline Shapley): checked against
brute force on the game where a missing feature takes the other row's value."""

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from explainer_nlg import Explainer
from explainer_nlg.errors import ExplainerInputError


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(20, 70, 300), "income": rng.normal(50, 15, 300).round(1),
                       "debt": rng.normal(10, 5, 300).round(1), "owner": rng.choice(["yes", "no"], 300),
                       "kids": rng.integers(0, 4, 300)})
    df["status"] = np.where(df.income - df.debt + rng.normal(0, 8, 300) > 40, "good", "bad")
    df.index = pd.RangeIndex(1, 301)
    return df


@pytest.fixture(scope="module")
def ex(table):
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    X = table.drop(columns=["status"])
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["owner"]), remainder="passthrough"),
                         RandomForestClassifier(50, random_state=0)).fit(X, table.status)
    return Explainer.from_sklearn(pipe, table, target="status", row_noun="applicants")


def brute_force(ex, a, b, target):
    """Baseline Shapley of row a against row b, by the formula, over every coalition."""
    feats = list(ex.predictor.features)
    rows = ex.rows()
    xa, xb = rows.loc[[a], feats], rows.loc[[b], feats]
    t = ex.class_names.index(target)

    def v(coalition):
        r = xb.copy()
        for j in coalition:
            r.iloc[0, j] = xa.iloc[0, j]
        return ex.predictor.predict_proba(r.astype(xa.dtypes.to_dict()))[0, t]

    n = len(feats)
    phi = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for k in range(n):
            for s in combinations(others, k):
                w = factorial(k) * factorial(n - k - 1) / factorial(n)
                phi[i] += w * (v(s + (i,)) - v(s))
    return phi


def test_contrast_is_exact_baseline_shapley_and_shares_out_the_gap(ex):
    a, b = 3, 10
    ev = ex.contrast(a, b)
    expected = brute_force(ex, a, b, ev.target_label)
    got = np.array([at.contribution for at in ev.attributions])
    assert np.allclose(got, expected, atol=1e-9), (got, expected)
    ref = ev.extra["reference"]
    assert ref["row_id"] == b and ref["predicted_label"] in ex.class_names
    assert ev.base_value == pytest.approx(ex.predict(b)[ev.target_label])
    assert sum(got) == pytest.approx(ex.predict(a)[ev.target_label] - ex.predict(b)[ev.target_label])
    rows = ex.rows()
    for at in ev.attributions:  # a value both rows share is worth nothing
        if rows.loc[a, at.name] == rows.loc[b, at.name]:
            assert at.contribution == 0.0, at


def test_contrast_within_a_budget_is_sampled_and_still_shares_out_the_whole_gap(ex):
    ev = ex.contrast(3, 10, budget=12)
    assert "exact" not in ev.method and ev.n_evaluations <= 12
    gap = ex.predict(3)[ev.target_label] - ex.predict(10)[ev.target_label]
    assert sum(at.contribution for at in ev.attributions) == pytest.approx(gap, abs=1e-6)


def test_contrast_of_a_regressor_and_of_one_row_with_itself(table):
    X = table.drop(columns=["status", "owner"])
    model = RandomForestRegressor(30, random_state=0).fit(X.drop(columns=["income"]), X.income)
    reg = Explainer.from_sklearn(model, X, target="income", row_noun="applicants")
    ev = reg.contrast(5, 6)
    assert ev.is_regression and ev.base_value == pytest.approx(ev.extra["reference"]["prediction"])
    assert sum(at.contribution for at in ev.attributions) == pytest.approx(ev.prediction - ev.base_value)
    with pytest.raises(ExplainerInputError, match="two different rows"):
        reg.contrast(5, 5)
    with pytest.raises(ExplainerInputError):
        reg.contrast(5, 99999)  # no such row: said, not a KeyError
