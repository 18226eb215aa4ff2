"""The issue-12 questions asked in chat words, end to end: the parser picks effect, compare,
similar, rules or a cohort likelihood, the registry routes them to their handlers, and the answers
are the handlers' verified narration about the right thing."""

import pytest

from explainer_nlg import Explainer
from explainer_nlg.evidence.effects import FeatureEffect
from explainer_nlg.evidence.groups import GroupComparison
from explainer_nlg.evidence.rules import RuleEvidence
from explainer_nlg.evidence.similar import SimilarCases


@pytest.fixture(scope="module")
def bot():
    return Explainer.demo("loan").assistant(budget=256)


def test_how_a_feature_affects_the_decision(bot):
    r = bot.ask("how does income affect the decision?", session="effect")
    assert [p.op for p in r.parts] == ["effect"]
    assert isinstance(r.parts[0].evidence, FeatureEffect) and r.parts[0].evidence.feature == "Income"
    assert r.parts[0].evidence.scope == "global" and "income" in r.text


def test_two_groups_are_compared_not_filtered_together(bot):
    r = bot.ask("does the model treat married and single applicants differently?", session="compare")
    assert [p.op for p in r.parts] == ["compare"] and r.parsed["resolved"]["filters"] == []
    gc = r.parts[0].evidence
    assert isinstance(gc, GroupComparison)
    assert [g.name for g in gc.groups] == ["Marital = married", "Marital = single"]
    assert "0 of 4454 applicants match" not in r.text and "not by itself proof of unfairness" in r.text


def test_similar_cases_and_a_follow_up_about_one_of_them(bot):
    bot.ask("why was 17 denied?", session="similar")
    r = bot.ask("what happened to applicants like this one?", session="similar")
    assert [p.op for p in r.parts] == ["similar"] and r.parsed["resolved"]["instance"] == 17
    sc = r.parts[0].evidence
    assert isinstance(sc, SimilarCases) and len(r.parts[0].table) == len(sc.neighbours) >= 2
    second = sc.neighbours[1].row_id
    r = bot.ask("why the second one?", session="similar")
    assert r.parsed["resolved"]["instance"] == second and r.parts[0].op == "why"


def test_the_rule_the_model_followed_for_a_row(bot):
    r = bot.ask("what rule did the model follow for row 17?", session="rules")
    assert [p.op for p in r.parts] == ["rules"] and r.parsed["resolved"]["instance"] == 17
    assert isinstance(r.parts[0].evidence, RuleEvidence) and "local rule" in r.text


def test_a_likelihood_for_a_group_is_predict_over_the_group(bot):
    bot.ask("why was 17 denied?", session="cohort")  # a current row must not turn it into that row's prediction
    r = bot.ask("how likely are people over 60 to be approved?", session="cohort")
    assert r.parsed["ops"][0] == {"op": "predict", "target": "good", "scope": "cohort"}
    assert r.parsed["filters"] == [{"feature": "Age", "cmp": ">", "value": 60}]
    assert r.parts[0].figures["rows"] == 106 and "About row" not in r.text
    assert "Of the 106 applicants where Age > 60, the model predicts “good” for 84.9%" in r.text
