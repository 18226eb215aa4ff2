"""Boosted trees walked, not predicted: the same exact Shapley values as enumerating every hybrid
row, for each link scikit-learn's histogram boosting uses, and a clean fallback elsewhere."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from explainer_nlg import Explainer
from explainer_nlg.attribution.boosted_tree_shapley import BoostedTreeShapley
from explainer_nlg.attribution.tabular_estimators import per_reference_exact_shapley
from explainer_nlg.models.tabular import SklearnPredictor, SklearnRegressor


def _same_as_enumeration(walker, predictor, rows, targets):
    for i in range(len(rows)):
        row = rows.iloc[[i]]
        for target in targets:
            ours = walker.explain(row, target)
            generic = per_reference_exact_shapley(predictor, row, walker.background, target, 10**7)
            assert ours is not None and generic is not None
            assert np.allclose(ours.values, generic.values, atol=1e-10)
            assert ours.empty_value == pytest.approx(generic.empty_value, abs=1e-10)
            assert ours.full_value == pytest.approx(generic.full_value, abs=1e-10)


@pytest.fixture(scope="module")
def loan():
    return Explainer.demo("loan")


def test_the_loan_demo_is_explained_by_walking_its_trees_exactly(loan):
    att = loan._attributor
    assert att.boosted is not None
    data = att.data[att.predictor.features]
    with_missing = data[data.isna().any(axis=1)].head(3)  # the booster's own route for NaN
    rows = pd.concat([data.loc[[17, 101, 303]], with_missing])
    _same_as_enumeration(att.boosted.with_background(att.background.iloc[:40]), att.predictor, rows, (0, 1))
    ev = loan.explain(17)
    assert ev.method == "exact (boosted-tree paths)"
    assert ev.efficiency_gap() < 1e-9


def _frame(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 5)), columns=["age", "income", "debt", "rate", "years"])
    X.loc[rng.random(n) < 0.1, "debt"] = np.nan
    return X, rng


def test_multiclass_boosting_takes_the_softmax_of_every_class():
    X, rng = _frame()
    y = np.select([X.age + X.income > 1, X.rate > 0], ["high", "mid"], "low")
    model = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=8).fit(X, y)
    predictor = SklearnPredictor(model, list(X.columns))
    walker = BoostedTreeShapley.try_build(predictor, X.iloc[:30])
    assert walker is not None
    _same_as_enumeration(walker, predictor, X.iloc[100:104], (0, 1, 2))


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressors_with_identity_and_log_links(loss):
    X, rng = _frame()
    target = np.exp(0.3 * X.age - 0.2 * X.income.clip(-2, 2)) + rng.random(len(X))
    model = HistGradientBoostingRegressor(max_iter=40, loss=loss).fit(X, target)
    predictor = SklearnRegressor(model, list(X.columns), "amount")
    walker = BoostedTreeShapley.try_build(predictor, X.iloc[:30])
    assert walker is not None
    _same_as_enumeration(walker, predictor, X.iloc[200:203], (0,))


def test_models_it_cannot_walk_fall_back_to_enumeration():
    X, rng = _frame()
    X["job"] = rng.choice(["a", "b", "c"], size=len(X))
    y = (X.age > 0).map({True: "yes", False: "no"})
    one_hot = make_pipeline(make_column_transformer((OneHotEncoder(), ["job"]), remainder="passthrough"),
                            HistGradientBoostingClassifier(max_iter=10)).fit(X, y)
    assert BoostedTreeShapley.try_build(SklearnPredictor(one_hot, list(X.columns)), X.iloc[:20]) is None
    native = X.assign(job=X.job.astype("category"))
    categorical = HistGradientBoostingClassifier(max_iter=10, categorical_features="from_dtype").fit(native, y)
    assert BoostedTreeShapley.try_build(SklearnPredictor(categorical, list(X.columns)), native.iloc[:20]) is None
    ex = Explainer.from_sklearn(categorical, native.assign(y=y), target="y")
    assert ex.explain(3).method == "exact (per-reference enumeration)"


def test_a_row_unlike_every_reference_is_left_to_the_caller():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(300, 24)), columns=[f"f{i}" for i in range(24)])
    model = HistGradientBoostingClassifier(max_iter=5).fit(X, X.f0 > 0)
    walker = BoostedTreeShapley.try_build(SklearnPredictor(model, list(X.columns)), X.iloc[:10])
    assert walker is not None
    assert walker.explain(X.iloc[[200]], 1) is None  # 24 differing features: 2^24 coalitions each


def test_coalition_values_read_from_the_trees_equal_the_predicted_ones(loan):
    from explainer_nlg.attribution.tabular_game import TabularGame

    att = loan._attributor
    data = att.data[att.predictor.features]
    masks = np.random.default_rng(3).random((6, len(att.predictor.features))) < 0.5
    masks[0], masks[1] = False, True  # the empty and the full coalition
    for rid in [17, data[data.isna().any(axis=1)].index[0]]:
        row = data.loc[[rid]]
        for target in (0, 1):
            predicted = TabularGame(att.predictor, row, att.background, target).value(masks)
            read = att.boosted.coalition_values(row, masks, target)
            assert np.allclose(read, predicted, atol=1e-10)
    game = loan.game(17)
    assert game.coalition_values is not None  # the faithfulness checks read the trees too
