"""The failure classes probe 4a showed (benchmarks/heldout/PROBE4.md), and the brief's known misses
of 2026-12-01 05:05, asked here in other words on tables of our own: column names that are the
user's words cut short (``afam``), a column's whole name among other words ("office visits" with
``visits``, ``nvisits`` and ``novisits``), class names of several words and the target's own name
beside a class word, "average" as a statistic where a class is called "average", a bare bound on
people, a value whose feature's effect is asked, a row named before a verb, and groups carried
into follow-ups. Each failed before the change (code at 41f722b with the retrained model), except
the why-without-negation and missing-apostrophe tests, which guard rules that dev and probe 3a
questions needed on the retrained model ("why was 100 denied", "is 3310s income verified").

The learned model is the cached full one (as in test_parser.py)."""

import numpy as np
import pandas as pd
import pytest

from explainer_nlg import Explainer
from explainer_nlg.chat import Assistant
from explainer_nlg.chat.parser import parse
from explainer_nlg.chat.schema import ChatSchema

from .parse_parts import changes, filters, ops


@pytest.fixture(scope="module")
def clinic():
    """A clinic survey with short source names (``afam``, ``hisp``, ``nvisits``, ``novisits``) and a
    three-class target ``health`` (poor / average / excellent)."""
    rng = np.random.default_rng(7)
    n = 300
    df = pd.DataFrame({"visits": rng.integers(0, 20, n), "nvisits": rng.integers(0, 10, n),
                       "novisits": rng.integers(0, 10, n), "age": rng.integers(60, 95, n),
                       "afam": rng.choice(["no", "yes"], n), "hisp": rng.choice(["no", "yes"], n),
                       "married": rng.choice(["no", "yes"], n), "gender": rng.choice(["female", "male"], n),
                       "debt": rng.integers(0, 5000, n)})
    return ChatSchema.from_frame(df, classes=["average", "excellent", "poor"], target="health")


@pytest.fixture(scope="module")
def risk():
    """Members in ALL CAPS dotted names, classes of two words ("low spend" / "high spend")."""
    rng = np.random.default_rng(8)
    n = 300
    df = pd.DataFrame({"AGE": rng.integers(18, 90, n), "ANNUAL.DEBT": rng.integers(0, 9000, n),
                       "NUM.LOANS": rng.integers(0, 6, n), "STUDENT": rng.choice(["No", "Yes"], n),
                       "MARRIED": rng.choice(["No", "Yes"], n)})
    return ChatSchema.from_frame(df, classes=["low spend", "high spend"], target="SPEND.BAND")


def test_words_a_short_column_name_was_cut_from_link_to_it(clinic):
    p = parse("list african american people over 70", clinic)
    assert ops(p) == ["show"], p
    assert filters(p) == [("afam", "==", "yes"), ("age", ">", "70")], p


def test_the_whole_name_among_the_words_beats_names_that_hold_it_after_a_prefix(clinic):
    p = parse("what if 12 made 3 more office visits", clinic)
    assert p["instance"] == 12 and not p.get("clarify"), p
    assert changes(p) == [("visits", "increase", 3)], p


def test_the_targets_own_name_beside_a_class_word_is_not_asked_about(clinic):
    p = parse("why is 30 in poor health", clinic)
    assert ops(p) == ["why"] and p["instance"] == 30 and not p.get("clarify"), p
    assert p["ops"][0].get("target") == "poor" and "unresolved" not in p["ops"][0], p


def test_average_before_a_feature_is_the_statistic_not_the_class_called_average(clinic):
    p = parse("average doctor visits of women", clinic)
    assert ops(p) == ["statistics"], p
    assert filters(p) == [("gender", "==", "female")], p


def test_a_class_name_of_two_words_is_the_class_not_a_feature(risk):
    p = parse("will 17 have a high spend", risk)
    assert ops(p) == ["predict"] and p["instance"] == 17, p
    assert p["ops"][0].get("target") == "high spend", p


def test_a_bare_bound_on_people_is_their_age_and_a_feature_with_its_own_number_keeps_it(risk):
    p = parse("how many over 70 with debt under 500", risk)
    assert ops(p) == ["count"], p
    assert filters(p) == [("AGE", ">", "70"), ("ANNUAL.DEBT", "<", "500")], p


def test_the_effect_of_being_something_is_the_effect_of_that_feature(risk):
    p = parse("does being married make a difference", risk)
    assert ops(p) == ["effect"] and p["filters"] == [], p
    assert p["ops"][0].get("features") == ["MARRIED"], p


def test_a_number_before_a_verb_after_what_if_is_the_row(risk):
    p = parse("what if 3 became a student", risk)
    assert ops(p) == ["what_if"] and p["instance"] == 3, p
    assert changes(p) == [("STUDENT", "set", "Yes")], p


@pytest.fixture(scope="module")
def loan():
    return Assistant(Explainer.demo("loan"), budget=256)


def test_how_many_are_there_after_a_list_counts_that_group(loan):
    r = loan.ask("list renters older than 50", session="again")
    group = r.parsed["resolved"]["filters"]
    assert {"feature": "Age", "cmp": ">", "value": 50} in group, r.parsed
    r = loan.ask("how many are there", session="again")
    assert r.parsed["resolved"]["ops"] == ["count"] and r.parsed["resolved"]["filters"] == group, r.parsed


def test_another_group_by_ellipsis_keeps_the_rest_of_the_group(loan):
    loan.ask("how many renters older than 50", session="swap")
    r = loan.ask("and owners?", session="swap")
    got = r.parsed["resolved"]["filters"]
    assert {"feature": "Age", "cmp": ">", "value": 50} in got, got
    assert {"feature": "Home", "cmp": "==", "value": "owner"} in got, got
    assert not any(f["feature"] == "Home" and f["value"] == "rent" for f in got), got


def test_why_with_no_negation_is_a_why_not_a_why_not(risk):
    p = parse("why was 250 judged a high spend", risk)
    assert ops(p) == ["why"] and p["instance"] == 250 and not p.get("clarify"), p
    p = parse("why wasnt 250 a low spend", risk)
    assert ops(p) == ["why_not"] and p["instance"] == 250, p


def test_a_row_with_its_possessive_apostrophe_left_out(clinic):
    p = parse("what is patient 14s age", clinic)
    assert p["instance"] == 14 and p["ops"][0].get("features") == ["age"], p
    p = parse("how many are in their 70s", clinic)
    assert p["instance"] is None, p


def test_a_row_after_lend_to_is_the_row(risk):
    p = parse("would you lend to 12", risk)
    assert ops(p) == ["predict"] and p["instance"] == 12 and not p.get("clarify"), p


def test_a_value_after_a_what_if_is_the_next_edit_not_a_filter(loan):
    loan.ask("what if 17 had no records", session="edit")
    r = loan.ask("and with an income of 300?", session="edit")
    res = r.parsed["resolved"]
    assert res["ops"] == ["what_if"] and res["instance"] == 17 and res["filters"] == [], res
    assert [(c["feature"], c["value"]) for c in res["changes"]] == [("Income", 300)], res


def test_n_year_olds_is_the_age_where_the_data_has_a_year_column():
    rng = np.random.default_rng(9)
    n = 200
    df = pd.DataFrame({"year": rng.integers(1997, 2003, n), "age": rng.integers(12, 60, n),
                       "sex": rng.choice(["female", "male"], n), "checks": rng.integers(0, 6, n)})
    s = ChatSchema.from_frame(df, classes=["released", "held"], target="outcome")
    p = parse("how many 19 year olds were held", s)
    assert ("age", "==", "19") in filters(p) and not any(f[0] == "year" for f in filters(p)), p
