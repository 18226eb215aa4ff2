"""Group comparisons against fairlearn, counts by hand and exact Shapley values."""

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
)
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.attribution.group_comparison import CONTRIBUTION_ROWS
from explainer_nlg.evidence.groups import GroupComparison


@pytest.fixture(scope="module")
def loan():
    return Explainer.demo("loan")


def synthetic(n=600, seed=0, labels=True):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.normal(size=n), "group": rng.choice(["a", "b", "c"], n, p=[0.5, 0.4, 0.1])})
    df["x"] += (df.group == "a") * 0.8                  # group a gets approved more often
    df["ok"] = np.where(df.x + rng.normal(0, 0.8, n) > 0.3, "yes", "no")
    model = RandomForestClassifier(n_estimators=20, max_depth=4, random_state=0)
    X = pd.get_dummies(df[["x", "group"]]).astype(float)

    class OnFrame:  # a model that takes the raw frame (one-hot inside), like a user's pipeline
        classes_ = None

        def fit(self, d, y):
            model.fit(pd.get_dummies(d).reindex(columns=X.columns, fill_value=0).astype(float), y)
            self.classes_ = model.classes_
            return self

        def predict_proba(self, d):
            return model.predict_proba(pd.get_dummies(d).reindex(columns=X.columns, fill_value=0).astype(float))

    m = OnFrame().fit(df[["x", "group"]], df.ok)
    data = df if labels else df.drop(columns="ok")
    return Explainer.from_sklearn(m, data, target="ok" if labels else None, protected=["group"]), df


def test_figures_match_fairlearn_on_the_loan_demo(loan):
    gc = loan.compare(by="Marital", resamples=200)
    data = loan.rows()
    known = data.Marital.notna()
    y_true = (data.Status[known] == "good").astype(int)
    y_pred = (loan.predictor.predict_proba(data.loc[known, loan.info["features"]]).argmax(1)
              == loan.class_names.index("good")).astype(int)
    sens = data.Marital[known]
    g = gc.gaps
    assert g["demographic_parity_difference"]["value"] == pytest.approx(
        demographic_parity_difference(y_true, y_pred, sensitive_features=sens), abs=1e-12)
    assert g["demographic_parity_ratio"]["value"] == pytest.approx(
        demographic_parity_ratio(y_true, y_pred, sensitive_features=sens), abs=1e-12)
    assert g["equalized_odds_difference"]["value"] == pytest.approx(
        equalized_odds_difference(y_true, y_pred, sensitive_features=sens), abs=1e-12)
    mf = MetricFrame(metrics={"sel": selection_rate, "acc": accuracy_score, "fpr": false_positive_rate,
                              "fnr": false_negative_rate}, y_true=y_true, y_pred=y_pred, sensitive_features=sens)
    for stats in gc.groups:
        cat = stats.filters[0]["value"]
        row = mf.by_group.loc[cat]
        assert stats.size == int((sens == cat).sum())
        assert stats.positive_rate == pytest.approx(row.sel, abs=1e-12)
        assert stats.accuracy == pytest.approx(row.acc, abs=1e-12)
        assert stats.fpr == pytest.approx(row.fpr, abs=1e-12)
        assert stats.fnr == pytest.approx(row.fnr, abs=1e-12)
    assert gc.protected and gc.positive_label == "good"
    assert sum(s.size for s in gc.groups) == int(known.sum())


def test_mean_probability_and_interval_by_hand(loan):
    gc = loan.cohort([{"feature": "Age", "cmp": ">", "value": 60}])
    g = gc.groups[0]
    rows = loan.rows()[loan.rows().Age > 60]
    p = loan.predictor.predict_proba(rows[loan.info["features"]])[:, loan.class_names.index("good")]
    assert (g.size, g.name) == (len(rows), "Age > 60")
    assert g.mean_probability == pytest.approx(p.mean(), abs=1e-12)
    assert g.positive_rate == pytest.approx((p > 0.5).mean(), abs=1e-12)
    lo, hi = g.ci["positive_rate"]
    assert lo <= g.positive_rate <= hi and hi - lo < 0.2
    assert gc.gaps == {} and gc.feature == "Age"
    # bootstrap by hand with the same seed and resampling within the group
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(rows), size=(1000, len(rows)), dtype=np.int32)
    boots = (p[idx] > 0.5).mean(1)
    assert [lo, hi] == pytest.approx(list(np.percentile(boots, [2.5, 97.5])), abs=1e-12)


def test_gap_larger_than_uncertainty_is_said_and_no_gap_is_not():
    ex, df = synthetic()
    gc = ex.compare(groups=[[{"feature": "group", "cmp": "==", "value": "a"}],
                            [{"feature": "group", "cmp": "==", "value": "b"}]])
    dpd = gc.gaps["demographic_parity_difference"]
    assert dpd["between"] == ["group = a", "group = b"] and dpd["exceeds_uncertainty"] is True
    assert dpd["ci"][0] > 0 and gc.gaps["demographic_parity_ratio"]["exceeds_uncertainty"] is True
    same = ex.compare(groups=[[{"feature": "x", "cmp": "<=", "value": 0.3}, {"feature": "group", "cmp": "==", "value": "a"}],
                              [{"feature": "x", "cmp": "<=", "value": 0.3}, {"feature": "group", "cmp": "==", "value": "a"}]])
    assert same.gaps["demographic_parity_difference"]["value"] == 0
    assert same.gaps["demographic_parity_difference"]["exceeds_uncertainty"] is False


def test_small_group_gets_no_verdict():
    ex, df = synthetic()
    gc = ex.compare(groups=[[{"feature": "group", "cmp": "==", "value": "a"}],
                            [{"feature": "x", "cmp": ">", "value": 2.9}]])
    small = gc.groups[1]
    assert small.size < 20 and small.small
    assert all(g is None or g["exceeds_uncertainty"] is None for g in gc.gaps.values())
    assert any("only" in n and str(small.size) in n for n in gc.notes)


def test_without_labels_the_record_says_which_figures_are_missing():
    ex, _ = synthetic(labels=False)
    gc = ex.compare(by="group")
    assert {"accuracy", "false-positive rate", "false-negative rate", "equalized odds difference"} <= set(gc.unavailable)
    assert all(g.accuracy is None and g.fpr is None for g in gc.groups)
    assert gc.gaps["equalized_odds_difference"] is None
    assert gc.gaps["demographic_parity_difference"]["value"] > 0


def test_mean_contribution_is_the_exact_shapley_mean():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200)})
    df["ok"] = np.where(df.x + df.y > 0, "yes", "no")
    model = RandomForestClassifier(n_estimators=10, max_depth=3, random_state=0).fit(df[["x", "y"]], df.ok)
    ex = Explainer.from_sklearn(model, df, target="ok")
    gc = ex.compare(by="x", split=0.0)
    for g in gc.groups:
        ids = df.index[df.x <= 0] if g.filters[0]["cmp"] == "<=" else df.index[df.x > 0]
        from explainer_nlg.attribution.cohort_shapley import sample_ids

        used = sample_ids(list(ids), CONTRIBUTION_ROWS, 0)
        exact = np.mean([ex.explain(int(i), target="yes").attributions[0].contribution for i in used])
        assert g.contribution_rows == len(used) and g.mean_contribution == pytest.approx(exact, abs=1e-9)
    assert gc.groups[0].mean_contribution < 0 < gc.groups[1].mean_contribution


def test_numeric_groups_split_at_the_median_and_bad_input(loan):
    gc = loan.compare(by="Age", resamples=100)
    median = loan.rows().Age.median()
    assert [g.name for g in gc.groups] == [f"Age <= {median:g}", f"Age > {median:g}"]
    assert sum(g.size for g in gc.groups) == len(loan.rows())
    with pytest.raises(ExplainerInputError, match="There is no feature 'Gender'"):
        loan.compare(by="Gender")
    with pytest.raises(ExplainerInputError, match="No rows match the group Age > 100"):
        loan.cohort([{"feature": "Age", "cmp": ">", "value": 100}])
    with pytest.raises(ExplainerInputError, match="Say which groups"):
        loan.compare()
    df = pd.DataFrame({"a": [1.0, 2, 3, 4] * 10, "c": ["x"] * 40, "ok": ["n", "y"] * 20})
    one = Explainer.from_sklearn(LogisticRegression().fit(df[["a"]], df.ok), df[["a", "ok"]].assign(c="x"),
                                 target="ok")
    with pytest.raises(ExplainerInputError, match="There is no feature 'c'"):
        one.compare(by="c")


def test_record_round_trips_through_json(loan):
    gc = loan.compare(by="Records", resamples=100)
    back = GroupComparison.from_json(json.dumps(gc.to_dict()))
    assert back == gc
    d = gc.to_dict()
    assert set(d["groups"][0]) >= {"name", "size", "positive_rate", "accuracy", "fpr", "fnr", "ci", "small",
                                   "mean_contribution"}
    assert set(d["gaps"]) == {"demographic_parity_difference", "demographic_parity_ratio",
                              "equalized_odds_difference"}
