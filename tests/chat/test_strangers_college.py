"""Stranger test of 2026-12-03 (a helper's, questions written before reading the parser) on
ISLR::College (Private: No / Yes), MASS::birthwt (low: 0 / 1, race coded 1 = white, 2 = black)
and openintro::mariokart (a regressor of total_pr beside ship_pr and start_pr). Each test failed
on main at 3f4d77d."""

import pytest

from explainer_nlg.chat.parser import parse
from explainer_nlg.chat.schema import ChatSchema
from explainer_nlg.explainer import coded_class_names

from .tables import r_table


def _schema(pkg, name, target, descriptions, row_noun, classes=None, drop=()):
    df = r_table(pkg, name, drop)
    s = ChatSchema.from_frame(df.drop(columns=[target]), classes=classes or [], target=target, descriptions=descriptions)
    s.has_labels, s.row_noun, s.is_regression = True, row_noun, classes is None
    return s


@pytest.fixture(scope="module")
def college():
    return _schema("ISLR", "College", "Private", {
        "Private": "A factor with levels No and Yes indicating private or public university",
        "S.F.Ratio": "Student/faculty ratio"}, "colleges", classes=["No", "Yes"])


@pytest.fixture(scope="module")
def births():
    return _schema("MASS", "birthwt", "low", {
        "low": "indicator of birth weight less than 2.5 kg.", "lwt": "mother's weight in pounds at last menstrual period.",
        "race": "mother's race (1 = white, 2 = black, 3 = other).", "smoke": "smoking status during pregnancy."},
        "mothers", classes=["0", "1"], drop=["bwt"])


@pytest.fixture(scope="module")
def mariokart():
    return _schema("openintro", "mariokart", "total_pr", {
        "cond": "Game condition, either new or used.", "start_pr": "Start price of the auction.", "ship_pr": "Shipping price.",
        "total_pr": "Total price, which equals the auction price plus the shipping price.",
        "wheels": "Number of Wii wheels included in the auction."}, "auctions", drop=["id", "title"])


def test_the_words_after_no_and_yes_name_no_class():
    assert coded_class_names(["No", "Yes"], "A factor with levels No and Yes indicating private or public university") is None


@pytest.mark.parametrize("question", ["how many public colleges", "avg student faculty ratio of public colleges"])
def test_the_opposite_of_the_target_is_its_other_class(question, college):
    p = parse(question, college)
    assert [f["value"] for f in p["filters"] if f["feature"] in ("label", "prediction")] == ["No"], p


def test_the_target_with_its_description_then_a_word_for_the_rows(births):
    p = parse("what share of smokers have low birthweight babies", births)
    assert p["ops"][0].get("target") == "1" and p["filters"] == [{"feature": "smoke", "cmp": "==", "value": 1}], p
    p = parse("avg age of mothers with low birth weight babies", births)
    assert p["ops"][0].get("features") == ["age"] and {"feature": "prediction", "cmp": "==", "value": "1"} in p["filters"], p


def test_a_coded_value_then_a_word_for_the_rows(births):
    p = parse("average weight of black mothers", births)
    assert p["filters"] == [{"feature": "race", "cmp": "==", "value": 2}] and p["ops"][0].get("features") == ["lwt"], p


def test_the_targets_own_name_for_it_beside_other_prices(mariokart):
    p = parse("what drives the total price", mariokart)  # (the model's, asked of no row: since 2026-12-03)
    assert p["ops"] == [{"op": "top_features", "scope": "global"}], p
    assert parse("does shipping price matter", mariokart)["ops"][0].get("features") == ["ship_pr"]


@pytest.mark.parametrize("question, extra", [
    ("how many auctions predicted over $60", []),
    ("what share of auctions with no wheels sell for over 50 dollars", [{"feature": "wheels", "cmp": "==", "value": 0}])])
def test_an_amount_after_predicted_or_sell_for_is_the_predictions(question, extra, mariokart):
    p = parse(question, mariokart)
    amount = 60 if "60" in question else 50
    assert sorted(p["filters"], key=str) == sorted(extra + [{"feature": "prediction", "cmp": ">", "value": amount}], key=str), p


def test_a_value_after_was_is_no_edit_word(mariokart):
    p = parse("would 65 sell for more if it was new", mariokart)
    assert p["instance"] == 65 and p["ops"][0]["changes"] == [{"feature": "cond", "action": "set", "value": "new"}], p


@pytest.fixture(scope="module")
def carseats_sales():
    return _schema("ISLR", "Carseats", "Sales", {"Sales": "Unit sales (in thousands) at each location",
                                                 "Price": "Price company charges for car seats at each site"}, "stores")


def test_review_an_amount_after_costs_goes_to_the_money_column_said(mariokart, carseats_sales):
    p = parse("how many auctions where shipping costs over 5", mariokart)
    assert p["filters"] == [{"feature": "ship_pr", "cmp": ">", "value": 5}], p
    p = parse("how many stores priced over 120", carseats_sales)  # (sales are no money: the Price column)
    assert p["filters"] == [{"feature": "Price", "cmp": ">", "value": 120}], p


def test_review_an_amount_of_the_prediction_in_the_targets_units():
    s = _schema("MASS", "Cars93", "Price", {"Price": "Midrange Price (in $1,000): average of Min.Price and Max.Price."},
                "cars")
    p = parse("how many cars worth more than 20k", s)
    assert p["filters"] == [{"feature": "prediction", "cmp": ">", "value": 20}], p


def test_review_a_prediction_over_an_amount_is_said_so():
    from explainer_nlg.chat.cohort import conditions

    assert conditions([{"feature": "prediction", "cmp": ">", "value": 60}]) == "the model predicts over 60"


def test_review_two_classes_in_one_count_are_each_class_not_rows_of_both(college):
    p = parse("how many private and public colleges", college)
    assert not [f for f in p["filters"] if f["feature"] in ("label", "prediction")], p


def test_review_comparatives_people_use():
    from explainer_nlg.chat.lexicon import comparator

    assert [comparator(f"{w} than") for w in ("better", "newer", "safer", "colder")] == [">", ">", ">", "<"]
