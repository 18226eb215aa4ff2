"""Cohort answers ("what matters most for applicants older than 60?", "which features interact?")
come from Shapley values: each checked against single explanations or a direct shap computation."""

import re

import numpy as np
import pandas as pd
import pytest

from explainer_nlg import Explainer
from explainer_nlg.attribution.cohort_shapley import COHORT_BUDGET
from explainer_nlg.chat import Assistant
from explainer_nlg.chat.operations import Context
from explainer_nlg.chat.registry import handlers
from explainer_nlg.chat.state import DialogueState

# "Income 8.1 points (on average toward “good”, mean +3.2)" in a cohort answer
ITEM = re.compile(r"(\w+) (\d+\.\d) points \(on average (toward|against) [^,]+, mean ([+-]\d+\.\d)\)")


@pytest.fixture(scope="module")
def forest():
    """A random forest (exact Tree SHAP path) on made-up applicants; region "south" counts against."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame({"Income": rng.normal(50, 15, n).round(1), "Debt": rng.normal(20, 8, n).round(1),
                       "Age": rng.integers(18, 80, n), "Region": rng.choice(["north", "south", "east"], n)})
    score = (0.08 * df.Income - 0.1 * df.Debt - 1.5 * (df.Region == "south")
             + 0.01 * (df.Income - 50) * (df.Debt - 20) + rng.normal(0, 0.3, n))
    df["Status"] = np.where(score > np.median(score), "yes", "no")
    prep = ColumnTransformer([("cat", OrdinalEncoder(), ["Region"])], remainder="passthrough",
                             verbose_feature_names_out=False)
    model = Pipeline([("prep", prep), ("trees", RandomForestClassifier(60, max_depth=5, random_state=0))])
    model.fit(df.drop(columns="Status"), df.Status)
    return Explainer.from_sklearn(model, df, target="Status")


@pytest.fixture(scope="module")
def loan_bot():
    return Assistant(Explainer.demo("loan"), budget=256)


def _toward_predicted(ev):
    return {a.name: a.contribution for a in ev.attributions}


def _check_listing(text, figures):
    """Every listed feature's numbers are the figures', and its direction word matches their sign."""
    items = ITEM.findall(text)
    assert items, text
    for name, pts, way, mean in items:
        assert pts == f"{figures['mean_abs'][name] * 100:.1f}"
        assert mean == f"{figures['mean_signed'][name] * 100:+.1f}"
        assert way == ("toward" if figures["mean_signed"][name] >= 0 else "against"), (name, way)
    return [i[0] for i in items]


def test_tree_cohort_importance_is_the_mean_of_single_explanations(forest):
    r = forest.ask("what matters most for applicants older than 60?", session="t")
    assert r.parsed["filters"] == [{"feature": "Age", "cmp": ">", "value": 60}]
    fig = r.parts[0].figures
    ids = fig["row_ids"]
    assert len(ids) == fig["rows_matching"] == int((forest.rows().Age > 60).sum()) > 20
    assert fig["method"].startswith("tree-shap (interventional, exact")
    evs = [forest.explain(i) for i in ids]  # each toward its own predicted class, computed on its own
    for f in forest.info["features"]:
        vals = np.array([_toward_predicted(e)[f] for e in evs])
        assert fig["mean_abs"][f] == pytest.approx(np.abs(vals).mean(), abs=1e-9)
        assert fig["mean_signed"][f] == pytest.approx(vals.mean(), abs=1e-9)
    listed = _check_listing(r.text, fig)
    assert listed == sorted(fig["mean_abs"], key=lambda f: -fig["mean_abs"][f])[:len(listed)]
    assert "percentage points of probability" in r.text and "rows where Age > 60" in r.text


def test_direction_wording_follows_the_sign(forest):
    """Among applicants from the south the model approves, Region still counts against "yes"."""
    a = forest.assistant()
    filters = [{"feature": "Region", "cmp": "==", "value": "south"},
               {"feature": "prediction", "cmp": "==", "value": "yes"}]
    r = handlers()["top_features"](Context(a, DialogueState(), {"op": "top_features", "k": 4}, filters, None))
    fig = r.figures
    assert fig["mean_signed"]["Region"] < 0 < fig["mean_signed"]["Income"]
    assert "Region" in _check_listing(r.text, fig)
    assert re.search(r"Region [\d.]+ points \(on average against “yes”", r.text)
    assert "the class the model predicts for every one of these rows" in r.text


def test_a_filter_changes_the_answer(forest):
    everyone = forest.ask("which features matter most overall?", session="f").parts[0].figures
    older = forest.ask("what matters most for applicants older than 60?", session="f").parts[0].figures
    assert everyone["rows_matching"] == len(forest.rows()) != older["rows_matching"]
    assert everyone["mean_abs"] != older["mean_abs"]


def test_loan_cohort_importance_matches_single_explanations(loan_bot):
    """The loan demo's boosted trees take the row-by-row estimator path: same numbers as explain."""
    r = loan_bot.ask("top features for applicants older than 65", session="l")
    fig = r.parts[0].figures
    assert fig["rows_matching"] == len(fig["row_ids"]) == 11
    assert "kernel" in fig["method"] or "exact" in fig["method"]
    ex = loan_bot.ex
    evs = [ex.explain(i, budget=256) for i in fig["row_ids"]]
    for f in ("Income", "Amount", "Records"):
        vals = np.array([_toward_predicted(e)[f] for e in evs])
        assert fig["mean_abs"][f] == pytest.approx(np.abs(vals).mean(), abs=1e-9)
        assert fig["mean_signed"][f] == pytest.approx(vals.mean(), abs=1e-9)
    _check_listing(r.text, fig)
    assert "all 11 matching applicants (applicants where Age > 65)" in r.text


def test_logistic_regression_cohort_and_interaction_fallback():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.normal(size=(120, 4)), columns=["Income", "Debt", "Age", "Assets"])
    df["Status"] = np.where(df.Income - df.Debt + 0.3 * df.Assets > 0, "good", "bad")
    ex = Explainer.from_sklearn(make_pipeline(StandardScaler(), LogisticRegression()).fit(
        df.drop(columns="Status"), df.Status), df, target="Status")
    r = ex.ask("which features matter most overall?", session="lr")
    fig = r.parts[0].figures
    assert fig["rows_matching"] == 120 and len(fig["row_ids"]) == 40
    assert "40 randomly sampled rows of the 120 that match" in r.text
    evs = [ex.explain(i, budget=COHORT_BUDGET) for i in fig["row_ids"]]
    vals = np.array([_toward_predicted(e)["Income"] for e in evs])
    assert fig["mean_abs"]["Income"] == pytest.approx(np.abs(vals).mean(), abs=1e-9)
    assert _check_listing(r.text, fig)[0] in ("Income", "Debt")
    r = ex.ask("which features interact?", session="lr")
    assert "not a tree model" in r.text and "not a Shapley value" in r.text
    assert r.parts[0].figures["method"] == "shuffle interaction (not Shapley)"


def _direct_pairs(ex, ids, proba_class_slice):
    """Mean |phi_ab + phi_ba| per pair from shap itself, on the model's own columns."""
    import shap

    pipe, feats = ex.predictor.model, ex.info["features"]
    X = pipe[:-1].transform(ex.rows().loc[ids, feats])
    names = list(pipe[:-1].get_feature_names_out())
    iv = np.asarray(shap.TreeExplainer(pipe[-1], feature_perturbation="tree_path_dependent")
                    .shap_interaction_values(np.asarray(X, dtype=float)))
    if iv.ndim == 4:
        iv = iv[np.arange(len(ids)), :, :, proba_class_slice]
    out = {}
    for i, a in enumerate(feats):
        for b in feats[i + 1:]:
            ia, ib = names.index(a), names.index(b)
            out[(a, b)] = float(np.abs(iv[:, ia, ib] + iv[:, ib, ia]).mean())
    return out


def test_loan_interactions_top_pair_matches_shap(loan_bot):
    r = loan_bot.ask("which features interact?", session="i")
    fig = r.parts[0].figures
    assert fig["unit"] == "log-odds" and "log-odds" in r.text and len(fig["row_ids"]) == 500
    direct = _direct_pairs(loan_bot.ex, fig["row_ids"], None)
    best = max(direct, key=direct.get)
    first = next(iter(fig["listed"]))
    assert first == f"{best[0]} × {best[1]}" and r.text.count(first) == 1
    assert fig["listed"][first] == pytest.approx(direct[best], rel=1e-9)
    assert f"{first} {direct[best]:.3f} log-odds" in r.text


def test_forest_interactions_are_in_points_and_match_shap(forest):
    r = forest.ask("do income and debt interact", session="i")
    fig = r.parts[0].figures
    assert fig["unit"] == "probability" and "percentage points of probability" in r.text
    ids = fig["row_ids"]
    pred = forest.predictor.predict_proba(forest.rows().loc[ids, forest.info["features"]]).argmax(1)
    direct = _direct_pairs(forest, ids, pred)
    assert f"Income × Debt {direct[('Income', 'Debt')] * 100:.1f} points" in r.text
    assert max(direct, key=direct.get) == tuple(max(fig["pairs"], key=fig["pairs"].get).split(" × "))


def test_cohort_chart_draws_one_bar_per_listed_feature(forest):
    from explainer_nlg.ui.visuals import cohort_chart

    fig = forest.ask("what matters most for applicants older than 60?", session="chart").parts[0].figures
    few = cohort_chart(fig, k=2)
    many = cohort_chart(fig, k=len(fig["mean_abs"]))
    assert few is not None and many is not None and many.size[1] > few.size[1]  # taller: more bars
    assert cohort_chart({"rows": 0}) is None
