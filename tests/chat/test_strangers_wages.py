"""Stranger test of 2026-12-03 (a helper's, questions written before reading the parser) on
wooldridge::wage1 (a regressor of wage, "average hourly earnings", with 0/1 columns named for
their "yes": female, married, services) and AER::ResumeNames. Each test failed on main at 8983e41."""

import pytest

from explainer_nlg.chat import linking
from explainer_nlg.chat.parser import parse
from explainer_nlg.chat.schema import ChatSchema

from .tables import r_table


@pytest.fixture(scope="module")
def wages():
    df = r_table("wooldridge", "wage1", ("lwage", "expersq", "tenursq"))
    s = ChatSchema.from_frame(df.drop(columns=["wage"]), classes=[], target="wage", descriptions={
        "wage": "average hourly earnings", "educ": "years of education", "female": "=1 if female",
        "married": "=1 if married", "services": "=1 if in services indus."})
    s.has_labels, s.is_regression, s.row_noun = True, True, "workers"
    return s


def test_words_for_pay_name_a_wage_target(wages):
    assert {"earners", "earn", "pay", "paid", "salary"} <= linking.quantity_words(wages)
    p = parse("top 5 highest predicted earners", wages)
    assert p["ops"] == [{"op": "show", "rank": {"order": "descending"}, "k": 5}], p
    p = parse("average pay in services", wages)
    assert p["ops"][0] == {"op": "statistics", "of": "prediction"} and \
        p["filters"] == [{"feature": "services", "cmp": "==", "value": 1}], p


def test_an_amount_earned_an_hour_is_the_predictions(wages):
    p = parse("how many people earn over $10 an hour", wages)
    assert p["ops"][0]["op"] == "count" and p["filters"] == [{"feature": "prediction", "cmp": ">", "value": 10}], p


@pytest.mark.parametrize("question, value", [("whats the avg wage for women", 1), ("how many men", 0)])
def test_a_0_1_column_named_for_its_yes_reads_both_sides_of_a_pair(question, value, wages):
    assert {"feature": "female", "cmp": "==", "value": value} in parse(question, wages)["filters"]


def test_ones_is_a_word_for_rows_not_the_value_1():
    df = r_table("AER", "ResumeNames")
    s = ChatSchema.from_frame(df.drop(columns=["call"]), classes=["no", "yes"], target="call",
                              descriptions={"call": "factor. Was the applicant called back?"})
    p = parse("what share of afam applicants got a call vs cauc ones", s)
    assert "minimum" not in str(p["ops"]) + str(p["filters"]), p


def test_review_a_word_for_the_prediction_then_an_amount(wages):
    # (a review of a01e0c8: "income" of a model of wages, with no column of income, left the amount dangling)
    p = parse("how many with income over 5", wages)
    assert p["filters"] == [{"feature": "prediction", "cmp": ">", "value": 5}], p
    p = parse("how many have more than 12 years of education", wages)
    assert p["filters"] == [{"feature": "educ", "cmp": ">", "value": 12}], p


def test_a_follow_up_edit_with_more_adds_and_an_untagged_row_after_if(wages):
    from explainer_nlg import Explainer

    ex = Explainer.demo("loan")
    ex.ask("what if 17 had 2 more years of seniority", session="more")
    a = ex.ask("and 10 more years of seniority?", session="more")
    assert "from 15 to 25" in a.text, a.text
    assert "from 15 to 5" in ex.ask("and with 5 years of seniority?", session="more").text
    p = parse("what if 1 had 2 more years of education", wages)
    assert p["instance"] == 1 and p["ops"][0]["changes"] == [{"feature": "educ", "action": "increase", "value": 2}], p


@pytest.fixture(scope="module")
def votes():
    df = r_table("carData", "BEPS")
    s = ChatSchema.from_frame(df.drop(columns=["vote"]), classes=sorted(df.vote.unique()), target="vote",
                              descriptions={"vote": "Party choice: Conservative, Labour, or Liberal Democrat"})
    s.has_labels, s.row_noun = True, "voters"
    return s


def test_a_vote_cast_is_what_the_data_records_and_a_party_cut_short_is_its_class(votes):
    p = parse("how many voters went Labour", votes)
    assert p["filters"] == [{"feature": "label", "cmp": "==", "value": "Labour"}], p
    p = parse("how many does the model think will vote labour", votes)
    assert p["filters"] == [{"feature": "prediction", "cmp": "==", "value": "Labour"}], p
    assert parse("why did 12 vote lib dem", votes)["ops"][0].get("target") == "Liberal Democrat"
