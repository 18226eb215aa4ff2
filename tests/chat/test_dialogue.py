"""Dialogue: follow-ups after a list, filters that do not leak, corrections, a free-text applicant,
answering a question back, outcome words stated once, and a goal already reached.

On the loan demo and on a user-built model with other column names (tests/parser_schemas.py)."""

import pytest

from explainer_nlg import Explainer
from explainer_nlg.chat import Assistant
from tests.parser_schemas import explainer


@pytest.fixture(scope="module")
def loan():
    return Assistant(Explainer.demo("loan"), budget=256)


@pytest.fixture(scope="module")
def user():
    return Assistant(explainer("loanpred"), budget=256)


def test_why_after_a_listed_applicant_is_about_that_applicant(loan):
    r = loan.ask("show me an applicant the model denied", x=17, session="list")
    listed = r.parts[0].figures["ids"]
    assert len(listed) == 1 and r.parsed["resolved"]["filters"] == [{"feature": "prediction", "cmp": "==", "value": "bad"}]
    r = loan.ask("why?", x=17, session="list")  # the app sends the panel's row with every message
    assert r.parsed["resolved"]["instance"] == listed[0] and r.evidence.predicted_label == "bad"


def test_why_after_several_listed_rows_asks_which_and_takes_the_reply(loan):
    r = loan.ask("show me 3 applicants the model denied", session="several")
    listed = r.parts[0].figures["ids"]
    r = loan.ask("why?", session="several")
    assert r.choices and [c["instance"] for c in r.choices] == listed[:3]
    assert r.text.startswith("Which of the listed rows do you mean?")
    r = loan.ask("2", session="several")
    assert r.parsed["resolved"]["instance"] == listed[1] and r.parts[0].op == "why"
    r = loan.ask("and the third one?", session="several")
    assert r.parsed["resolved"]["instance"] == listed[2]


def test_filters_carry_into_follow_ups_only(loan):
    r = loan.ask("how many applicants are older than 60?", session="leak")
    assert r.parsed["resolved"]["filters"] == [{"feature": "Age", "cmp": ">", "value": 60}]
    r = loan.ask("and how many of them were denied?", session="leak")
    assert {"feature": "Age", "cmp": ">", "value": 60} in r.parsed["resolved"]["filters"]
    r = loan.ask("how many applicants have prior records?", session="leak")  # unrelated: no Age filter
    assert r.parsed["resolved"]["filters"] == [{"feature": "Records", "cmp": "==", "value": "yes"}]


def test_a_comparison_does_not_leak_into_the_next_question(loan):
    r = loan.ask("does the model treat married and single applicants differently?", x=17, session="cmp")
    assert r.parsed["resolved"]["ops"] in (["compare"], ["unsupported"]) and r.parsed["resolved"]["filters"] == []
    r = loan.ask("which applicants are most similar to this one?", x=17, session="cmp")
    assert r.parsed["resolved"]["filters"] == [] and r.parsed["ops"][0]["op"] == "similar"
    assert "0 of 4454 applicants match" not in r.text


def test_reaching_the_class_already_predicted_says_so(loan):
    r = loan.ask("what could they change to get approved?", x=17, session="already")
    assert r.text.startswith("Reading “approved” as “good”.")
    assert "Row 17 is already predicted “good” (97.2%), so nothing needs to change." in r.text
    assert r.parts[0].figures["already"] is True and r.parts[0].evidence is None


def test_an_outcome_word_is_stated_once(user):
    r = user.ask("why was 12 rejected?", session="words")
    assert r.text.count("Reading “rejected” as “N”.") == 1


def test_a_correction_is_a_what_if_on_the_current_input_and_stays(user):
    row = user.ex.rows().loc[5]
    r = user.ask("why?", x=5, session="fix")
    r = user.ask("no, she has 2 dependents", session="fix")
    assert r.parsed["resolved"]["ops"] == ["what_if"]
    assert r.parsed["resolved"]["changes"] == [{"feature": "Dependents", "action": "set", "value": "2"}] or \
        r.parsed["resolved"]["changes"][0]["feature"] == "Dependents"
    assert r.text.removeprefix("About row 5: ").startswith("Taking that as a correction to the current input.")
    assert f"from “{row['Dependents']}” to “2”" in r.text or row["Dependents"] == "2"
    r = user.ask("why?", session="fix")
    assert isinstance(user.sessions.get("fix").x, dict) and user.sessions.get("fix").x["Dependents"] == "2"


def test_a_free_text_applicant_becomes_a_new_row_with_typical_values(user):
    r = user.ask("a married graduate earning 5,800 a month, asking 130k over 30 years, no credit history: "
                 "would you approve?", session="new")
    res = r.parsed["resolved"]
    assert res["instance"] == "new" and res["row"]["ApplicantIncome"] == 5800
    # (the model names no row noun, so the new row is called a row)
    assert "A new row with" in r.text and "the rest take typical values from the data" in r.text
    assert "Gender Male" in r.text  # a field not mentioned, named with the value it took
    assert r.parts[0].op == "predict"


def test_an_ambiguous_feature_gets_a_question_back_and_the_reply_answers_it(user):
    r = user.ask("what's the average income?", session="amb")
    assert r.text.startswith("“income” could mean ApplicantIncome or CoapplicantIncome. Which one?")
    assert len(r.choices) == 2
    r = user.ask("1", session="amb")
    assert r.parts[0].op == "statistics" and r.text.startswith("ApplicantIncome over")
