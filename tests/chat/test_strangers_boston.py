"""Stranger test of 2026-12-03 on MASS::Boston (a regressor of ``medv``, "median value of
owner-occupied homes in $1000s", with a column ``tax``, "full-value property-tax rate per $10,000"),
asked before any fix. Each test failed on main at 753ac1d."""

import pandas as pd
import pytest

from explainer_nlg.chat.parser import parse
from explainer_nlg.chat.schema import ChatSchema

from .tables import r_table

DESCRIPTIONS = {
    "crim": "per capita crime rate by town.", "chas": "Charles River dummy variable (= 1 if tract bounds river; 0 otherwise).",
    "rm": "average number of rooms per dwelling.", "tax": "full-value property-tax rate per $10,000.",
    "ptratio": "pupil-teacher ratio by town.", "lstat": "lower status of the population (percent).",
    "medv": "median value of owner-occupied homes in $1000s."}


def _boston() -> pd.DataFrame:
    return r_table("MASS", "Boston")


@pytest.fixture(scope="module")
def boston():
    s = ChatSchema.from_frame(_boston().drop(columns=["medv"]), classes=[], target="medv", descriptions=DESCRIPTIONS)
    s.has_labels = True
    s.is_regression = True
    return s


@pytest.fixture(scope="module")
def boston_ex():
    from sklearn.ensemble import HistGradientBoostingRegressor

    from explainer_nlg import Explainer

    df = _boston()
    model = HistGradientBoostingRegressor(max_iter=40, random_state=0).fit(df.drop(columns=["medv"]), df["medv"])
    return Explainer.from_sklearn(model, df, target="medv", descriptions=DESCRIPTIONS, row_noun="tracts")


@pytest.mark.parametrize("question", ["whats the average price", "avg value of homes with more than 7 rooms",
                                      "avg price near the river"])
def test_price_and_value_name_what_the_model_predicts_not_the_tax_column(question, boston):
    p = parse(question, boston)
    assert p["ops"][0]["op"] == "statistics" and p["ops"][0].get("of") == "prediction", p
    assert "tax" not in p["ops"][0].get("features", []), p


def test_a_word_for_the_amount_is_no_feature_of_a_why(boston):
    for q in ("why is 5 so expensive", "does crime lower prices"):
        p = parse(q, boston)
        assert "tax" not in p["ops"][0].get("features", []), (q, p)


def test_top_3_cheapest_are_the_lowest(boston):
    p = parse("top 3 cheapest", boston)
    assert p["ops"][0].get("rank") == {"order": "ascending"} and p["ops"][0].get("k") == 3, p


def test_a_number_after_in_or_of_before_was_and_a_value_is_the_row(boston):
    p = parse("what if the pupil teacher ratio in 12 was 15", boston)
    assert p["instance"] == 12, p
    assert p["ops"][0]["changes"] == [{"feature": "ptratio", "action": "set", "value": 15}], p


def test_the_amount_to_reach_is_no_feature_value(boston):
    p = parse("what would make 12 worth more than 30k", boston)
    assert p["ops"][0]["op"] == "counterfactual" and p["instance"] == 12 and not p.get("clarify"), p


def test_worth_an_amount_in_thousands_for_a_target_counted_in_thousands(boston_ex):
    answer = boston_ex.ask("what would it take for 12 to be worth 30k", session="worth")
    assert "medv over 30" in answer.text, answer.text
    assert answer.parts[0].figures["found"] >= 1


def test_a_description_cut_at_a_comma_but_not_inside_a_number():
    from explainer_nlg.narrate.facts import tabular_player

    player = tabular_player(0, "tax", 222, 2.4, DESCRIPTIONS)
    assert player.noun == "full-value property-tax rate per $10,000", player.noun
