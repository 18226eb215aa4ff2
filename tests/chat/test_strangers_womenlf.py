"""Stranger test of 2026-12-03 on carData::Womenlf (partic: fulltime / not.work / parttime, with R's
"a factor with levels: fulltime, Working full-time; ..." description), asked before any fix. Each
test failed on main at e79e53a."""

import pandas as pd
import pytest

from explainer_nlg.chat.parser import parse
from explainer_nlg.chat.schema import ChatSchema
from explainer_nlg.explainer import coded_class_names

from .tables import r_table

DESCRIPTIONS = {
    "partic": "Labor-Force Participation, a factor with levels: fulltime, Working full-time; not.work, Not working "
              "outside the home; parttime, Working part-time.",
    "hincome": "Husband's income, $1000s.",
    "children": "Presence of children in the household, a factor with levels: absent, present.",
    "region": "A factor with levels: Atlantic, Atlantic Canada; BC, British Columbia; Ontario; Prairie, Prairie "
              "provinces; Quebec."}
FULL, HOME, PART = "working full-time", "not working outside the home", "working part-time"


def _women() -> pd.DataFrame:
    return r_table("carData", "Womenlf")


@pytest.fixture(scope="module")
def women():
    df = _women()
    classes = coded_class_names(sorted(df.partic.unique()), DESCRIPTIONS["partic"], "women")
    s = ChatSchema.from_frame(df.drop(columns=["partic"]), classes=classes, target="partic", descriptions=DESCRIPTIONS)
    s.has_labels = True
    return s


def test_r_codes_longer_than_six_letters_are_named_by_their_description():
    assert coded_class_names(["fulltime", "not.work", "parttime"], DESCRIPTIONS["partic"], "women") == [FULL, HOME, PART]


@pytest.mark.parametrize("question, cls", [("how many women work part time", PART), ("how many dont work", HOME),
                                           ("how many women arent working", HOME), ("how many stay at home moms", HOME)])
def test_a_class_said_in_its_own_words_in_other_forms(question, cls, women):
    p = parse(question, women)
    assert p["ops"][0]["op"] == "count" and {"feature": "prediction", "cmp": "==", "value": cls} in p["filters"], p


def test_a_negated_verb_and_a_phrase_for_it_name_the_class_of_not_working(women):
    p = parse("what share of women in quebec dont work", women)
    assert p["ops"][0].get("target") == HOME and p["ops"][0].get("scope") == "cohort", p
    p = parse("who is most likely to stay home", women)
    assert p["ops"][0].get("rank") == {"class": HOME, "order": "descending"}, p


def test_no_kids_is_the_absent_value_of_a_presence_column(women):
    p = parse("would 12 work if she had no kids", women)
    assert p["instance"] == 12 and p["ops"][0]["changes"] == [{"feature": "children", "action": "set", "value": "absent"}], p
    p = parse("how many women with kids", women)
    assert {"feature": "children", "cmp": "==", "value": "present"} in p["filters"], p


@pytest.fixture(scope="module")
def women_ex():
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from explainer_nlg import Explainer

    df = _women()
    x = df.drop(columns=["partic"])
    pipe = make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["children", "region"]),
                                                 remainder="passthrough"),
                         HistGradientBoostingClassifier(max_iter=30, random_state=0)).fit(x, df["partic"])
    return Explainer.from_sklearn(pipe, df, target="partic", descriptions=DESCRIPTIONS, row_noun="women"), df


def test_groups_compared_on_three_classes_none_named_are_shares_of_each(women_ex):
    ex, df = women_ex
    answer = ex.ask("compare women with and without children", session="shares")
    groups = answer.parts[0].figures["groups"]
    assert [g["size"] for g in groups] == [int((df.children == "absent").sum()), int((df.children == "present").sum())]
    assert all(abs(sum(g["shares"].values()) - 1) < 1e-9 for g in groups), groups
    assert "Name the class" not in answer.text and FULL in answer.text, answer.text
    follow = ex.ask("and for working full time?", session="shares")
    assert "largest gap" in follow.text and follow.parts[0].figures["groups"][0]["positive_rate"] is not None, follow.text
