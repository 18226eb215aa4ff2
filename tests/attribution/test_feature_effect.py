"""Feature effects against independent computations: scikit-learn's partial_dependence, exact
Shapley values, and the model's own predictions."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.inspection import partial_dependence
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.attribution.tabular_estimators import per_reference_exact_shapley
from explainer_nlg.attribution.tabular_sampled_estimators import (
    feature_shapley,
    permutation_shapley,
)
from explainer_nlg.evidence.effects import FeatureEffect, curve_shape


def frame(n=240, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"income": rng.integers(10, 200, n).astype(float), "debt": rng.normal(50, 20, n).round(1),
                       "home": rng.choice(["own", "rent", "parents"], n), "flat": [7.0] * n})
    score = df.income / 40 - df.debt / 25 + (df.home == "own") * 1.5 + rng.normal(0, 0.7, n)
    df["ok"] = np.where(score > 1.5, "yes", "no")
    return df


def pipeline(final):
    prep = make_column_transformer((OrdinalEncoder(), ["home"]), remainder="passthrough",
                                   verbose_feature_names_out=False)
    return make_pipeline(prep, final)


@pytest.fixture(scope="module")
def data():
    return frame()


@pytest.fixture(scope="module")
def hgb(data):
    X = data.drop(columns="ok")
    model = pipeline(HistGradientBoostingClassifier(max_iter=60, random_state=0)).fit(X, data.ok)
    return Explainer.from_sklearn(model, data, target="ok", protected=["home"])


@pytest.fixture(scope="module")
def forest(data):
    X = data.drop(columns="ok")
    model = pipeline(RandomForestClassifier(n_estimators=30, max_depth=5, random_state=0)).fit(X, data.ok)
    return Explainer.from_sklearn(model, data, target="ok")


@pytest.mark.parametrize("feature", ["income", "debt"])
def test_partial_dependence_matches_scikit_learn(hgb, data, feature):
    fe = hgb.effect(feature)                        # 240 rows: every row is used, none sampled
    assert fe.rows_used == len(data) and fe.target_label == "yes"
    X = data.drop(columns="ok")
    ref = partial_dependence(hgb.predictor.model, X, [feature], kind="both", method="brute",
                             response_method="predict_proba", custom_values={feature: np.array(fe.grid, float)})
    np.testing.assert_allclose(fe.values, ref["average"][0], atol=1e-12)
    ice = ref["individual"][0]
    np.testing.assert_allclose(fe.band_low, np.percentile(ice, 10, axis=0), atol=1e-12)
    np.testing.assert_allclose(fe.band_high, np.percentile(ice, 90, axis=0), atol=1e-12)
    np.testing.assert_allclose(fe.ice[0], ice[0], atol=1e-12)


def test_categorical_bars_match_scikit_learn(hgb, data):
    fe = hgb.effect("home")
    assert fe.feature_kind == "categorical" and fe.grid == ["own", "parents", "rent"]
    X = data.drop(columns="ok")
    ref = partial_dependence(hgb.predictor.model, X, ["home"], kind="average", method="brute",
                             categorical_features=["home"], response_method="predict_proba",
                             custom_values={"home": np.array(fe.grid, dtype=object)})
    np.testing.assert_allclose(fe.values, ref["average"][0], atol=1e-12)
    assert fe.shape["highest"] == "own"            # the data were made so
    assert fe.data_share == pytest.approx([(data.home == c).mean() for c in fe.grid])
    assert fe.protected is True


def test_income_effect_rises_and_debt_falls(hgb):
    assert hgb.effect("income").shape["direction"] == "rising"
    assert hgb.effect("debt").shape["direction"] == "falling"


def test_shap_dependence_is_exact_for_forests(forest, data):
    fe = forest.effect("income")
    dep = fe.shap_dependence
    assert dep["method"].startswith("tree-shap") and dep["rows"] == 150
    # independent: the Explainer's own exact Evidence, row by row, averaged per bin
    from explainer_nlg.attribution.cohort_shapley import sample_ids
    from explainer_nlg.attribution.feature_effect import sample_ids as used_ids

    assert used_ids is sample_ids
    ids = sample_ids(sample_ids(list(data.index), 300, 0), 150, 0)
    phi = {i: next(a.contribution for a in forest.explain(i, target="yes").attributions if a.name == "income")
           for i in ids}
    for b in dep["bins"]:
        rows = [i for i in ids if b["low"] <= data.income[i] <= b["high"]]
        inside = [i for i in rows if data.income[i] < b["high"]] if b is not dep["bins"][-1] else rows
        assert b["rows"] == len(inside)
        assert b["mean"] == pytest.approx(np.mean([phi[i] for i in inside]), abs=1e-9)


def test_sampled_shapley_agrees_with_exact_shapley(hgb, data):
    att = hgb._attributor
    rows = data.drop(columns="ok").iloc[:6]
    bg = att.background.iloc[:12]
    exact = np.array([per_reference_exact_shapley(hgb.predictor, rows.iloc[[i]], bg, 1, 10**6).values
                      for i in range(len(rows))])
    one, se = feature_shapley(hgb.predictor, rows, bg, "income", [1] * 6, draws=3000, seed=1)
    assert np.abs(one - exact[:, 0]).max() < 4 * se.max() + 1e-3
    allf, se_all = permutation_shapley(hgb.predictor, rows, bg, [1] * 6, permutations=600, seed=2)
    assert np.abs(allf - exact).max() < 4 * np.nanmax(se_all) + 1e-3


def test_local_curve_is_the_models_own_predictions(hgb, data):
    row_id = int(data.index[(data.home == "rent") & (data.ok == "no")][0])
    fe = hgb.effect("income", x=row_id)
    assert fe.scope == "local" and fe.current["row_id"] == row_id
    assert fe.current["value"] in fe.grid            # the curve passes through the input's own value
    row = data.loc[row_id].drop("ok").to_dict()
    for g, v, d in list(zip(fe.grid, fe.values, fe.decisions))[::5]:
        p = hgb.predict({**row, "income": g})
        assert v == pytest.approx(p["yes"], abs=1e-12) and d == max(p, key=p.get)
    assert fe.value_at(fe.current["value"]) == pytest.approx(fe.current["probability"], abs=1e-12)
    for flip in fe.flips:
        p_at = hgb.predict({**row, "income": flip["at"]})
        assert max(p_at, key=p_at.get) == flip["to"]
        assert flip["low"] < flip["at"] <= flip["high"]
        assert flip["share_below"] == pytest.approx((data.income < flip["at"]).mean())


def test_local_curve_finds_the_flip_of_a_denied_applicant(hgb, data):
    denied = [i for i in data.index if hgb.predict(int(i))["yes"] < 0.5]
    flipped = [fe for fe in (hgb.effect("income", x=int(i)) for i in denied[:15]) if fe.flips]
    assert flipped, "raising income should approve some denied applicant"
    assert any(f["from"] == "no" and f["to"] == "yes" for fe in flipped for f in fe.flips)


def test_bad_input_is_named(hgb):
    with pytest.raises(ExplainerInputError, match=r"flat has one value in the data \(7.0\)"):
        hgb.effect("flat")
    with pytest.raises(ExplainerInputError, match="There is no feature 'wealth'. Features: income"):
        hgb.effect("wealth")
    text = Explainer.demo("text")
    with pytest.raises(ExplainerInputError, match="needs a table of rows; this explainer is text"):
        text.effect("income")


def test_record_round_trips_through_json(hgb):
    for fe in (hgb.effect("income"), hgb.effect("income", x=3), hgb.effect("home", x=3)):
        back = FeatureEffect.from_json(json.dumps(fe.to_dict()))
        assert back == fe and back.shape == fe.shape
        assert set(fe.to_dict()) >= {"scope", "grid", "values", "band_low", "shap_dependence", "flips", "shape"}
    d = hgb.effect("debt").to_dict()
    d["schema_version"] = "9"
    with pytest.raises(ValueError, match="schema version"):
        FeatureEffect.from_dict(d)


@pytest.mark.parametrize("values, direction", [
    ([0.1, 0.2, 0.4, 0.45], "rising"), ([0.9, 0.5, 0.52, 0.1], "falling"), ([0.5, 0.505, 0.51], "flat"),
    ([0.1, 0.9, 0.1], "mixed")])
def test_curve_shape_words(values, direction):
    assert curve_shape(list(range(len(values))), values)["direction"] == direction


def test_curve_flattening_and_steepest_interval():
    s = curve_shape([10, 20, 30, 40, 50, 60], [0.1, 0.1, 0.1, 0.5, 0.8, 0.81])
    assert (s["flat_below"], s["flat_above"], s["steepest"]) == (30, 50, [30, 40])
