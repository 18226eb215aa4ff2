"""A regressor's answers speak in its unit: the prediction is an amount (never a class with a
percentage), a named feature's contribution is an amount, and neighbours are called what the
rows are."""

import re

import pytest

from explainer_nlg import Explainer


@pytest.fixture(scope="module")
def house():
    return Explainer.demo("house")


def test_the_prediction_is_an_amount_with_the_true_value(house):
    text = house.assistant().ask("wats the predicted price for 12", session="p").text
    predicted = house.predict(12)["price"]
    assert "%" not in text and "“price”" not in text
    assert f"${predicted:,.0f}" in text
    truth = float(house.assistant().table().frame.loc[12, "label"])
    gap = abs(predicted - truth)
    assert f"${truth:,.0f}" in text and f"${gap:,.0f} {'above' if predicted > truth else 'below'}" in text


def test_a_named_features_contribution_is_an_amount(house):
    text = house.assistant().ask("why did Gr_Liv_Area matter for house 12?", session="n").text
    ev = house.explain(12)
    contribution = next(a.contribution for a in ev.attributions if a.name == "Gr_Liv_Area")
    sentence = next(s for s in re.split(r"(?<=\.) ", text) if s.startswith("“Gr_Liv_Area” contributed"))
    assert "percentage points" not in sentence
    assert f"{'+' if contribution > 0 else '-'}${abs(contribution):,.0f}" in sentence


def test_neighbours_are_called_what_the_rows_are(house):
    text = house.assistant().ask("which houses are most like this one? house 12", session="s").text
    assert text.startswith("The 5 houses most like this one: house ")
    assert " row " not in text


def test_the_predicted_quantity_named_is_never_a_filter(house):
    a = house.assistant()
    p = a.parse("avg price for houses with central air vs without")
    # before: a filter "label == price" (or "prediction == price"): no house's value is "price"
    assert p["filters"] and all(str(f["value"]).lower() != "price" for f in p["filters"]), p
    text = a.ask("avg price for houses with central air vs without", session="f").text
    assert "is not a number" not in text


def test_the_average_of_the_quantity_predicted_over_a_group(house):
    """"average price of houses built after 2000": the predicted (and true) price over those houses,
    not "which feature?", and "average" is the statistic, not the Overall_Cond value "Average"."""
    p = house.parse("average price of houses built after 2000")
    assert p["filters"] == [{"feature": "Year_Built", "cmp": ">", "value": 2000}], p
    text = house.assistant().ask("average price of houses built after 2000", session="a").text
    frame = house.assistant().table().frame
    rows = frame[frame["Year_Built"] > 2000]
    assert f"The model's predicted price over {len(rows)} houses" in text, text
    assert f"mean ${rows['prediction'].mean():,.0f}" in text and f"mean ${rows['label'].mean():,.0f}" in text, text
