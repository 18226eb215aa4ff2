"""Narration of the data-level records and its verifier, on records frozen from the loan demo
(tests/data/view_records.json) and on fresh ones."""

import json
import sys
from pathlib import Path

import pytest

from explainer_nlg.demos.loan_model import DESCRIPTIONS
from explainer_nlg.evidence.effects import FeatureEffect
from explainer_nlg.evidence.groups import GroupComparison
from explainer_nlg.evidence.rules import RuleEvidence
from explainer_nlg.evidence.similar import SimilarCases
from explainer_nlg.narrate.verify import verify_sentence
from explainer_nlg.narrate.views import is_view_record, view_sentences

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATA = Path(__file__).resolve().parents[1] / "data"
KINDS = {"feature-effect": FeatureEffect, "group-comparison": GroupComparison, "similar-cases": SimilarCases,
         "rule": RuleEvidence}
ALIASES = {"bad": ["denied", "denial", "rejected"], "good": ["approved", "approval", "accepted"]}


def frozen() -> dict:
    raw = json.loads((DATA / "view_records.json").read_text())
    return {k: KINDS[d["kind"]].from_dict(d) for k, d in raw.items() if not k.startswith("_")}


RECORDS = frozen()
CASES = tomllib.loads((DATA / "view_verifier_labelled.toml").read_text())["case"]


@pytest.mark.parametrize("name", sorted(RECORDS))
@pytest.mark.parametrize("audience", ["customer", "support", "developer"])
def test_every_template_sentence_passes_the_verifier(name, audience):
    record = RECORDS[name]
    assert is_view_record(record)
    sentences = view_sentences(record, audience, DESCRIPTIONS)
    assert sentences, "every record gets at least one sentence"
    for s in sentences:
        v = verify_sentence(s.text, record, DESCRIPTIONS, ALIASES)
        assert v.ok, f"{s.slot}: {s.text} -> {v.reason}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['record']}:{c['sentence'][:40]}" for c in CASES])
def test_labelled_sentences(case):
    v = verify_sentence(case["sentence"], RECORDS[case["record"]], DESCRIPTIONS, ALIASES)
    assert v.ok == case["ok"], v.reason or "accepted"
    if not case["ok"]:
        assert v.reason.startswith(case["wrong"] + ":"), v.reason


def test_the_labelled_set_covers_the_three_required_rejections():
    wrong = {(c["record"], c["wrong"]) for c in CASES if not c["ok"]}
    assert ("income_global", "direction") in wrong          # "income lowers approval" when the curve rises
    assert ("marital", "number") in wrong and ("records", "number") in wrong   # a wrong group gap
    assert ("rule_17", "number") in wrong                   # a rule with a wrong precision


def test_protected_features_are_never_a_lever_for_customers():
    age = RECORDS["age_row3"]
    assert age.protected
    customer = " ".join(s.text for s in view_sentences(age, "customer", DESCRIPTIONS))
    assert "would change" not in customer and "protected feature" in customer
    support = " ".join(s.text for s in view_sentences(age, "support", DESCRIPTIONS))
    assert "protected feature" in support


def test_fairness_answers_say_a_gap_is_not_proof_and_small_groups_get_no_verdict():
    text = " ".join(s.text for s in view_sentences(RECORDS["marital"], "customer"))
    assert "not by itself proof of unfairness" in text and "larger than its uncertainty" in text
    assert "Marital is a protected feature" in text
    small = " ".join(s.text for s in view_sentences(RECORDS["old_vs_young"], "customer"))
    assert "no conclusion is drawn" in small and "larger than its uncertainty" not in small


def test_a_weak_rule_is_never_called_the_rule():
    r = RECORDS["surrogate_3"]
    text = " ".join(s.text for s in view_sentences(r, "support"))
    assert "the rule" not in text.lower() and "does not describe this decision" in text
    weak = RuleEvidence.from_dict({**RECORDS["rule_3"].to_dict(), "precision": 0.71})
    text = " ".join(s.text for s in view_sentences(weak, "customer"))
    assert text.startswith("No short rule holds well") and "71.0%" in text


def test_the_same_record_always_reads_the_same():
    r = RECORDS["income_global"]
    assert [s.text for s in view_sentences(r, "support")] == [s.text for s in view_sentences(r, "support")]


class Scripted:
    """A stand-in for the local LLM that returns the reworded lines it was given."""

    name = "scripted"

    def __init__(self, lines):
        self.lines = lines

    def stream(self, system, user):
        yield "\n".join(f"{i}. {line}" for i, line in enumerate(self.lines, 1))


def test_llm_rewordings_of_a_view_record_are_verified_and_wrong_ones_fall_back():
    from explainer_nlg.narrate import narrate

    rule = RECORDS["rule_17"]
    good = "When Seniority is above 14, the model predicts “good” for 95.5% of such applicants; 19.8% of applicants (881) meet it."
    a = narrate(rule, "customer", llm=Scripted([good]), descriptions=DESCRIPTIONS, aliases=ALIASES)
    assert [s.status for s in a.sentences] == ["rephrased"] and a.text == good
    wrong = "When Seniority is above 14, the model predicts “good” for 99.5% of such applicants."
    a = narrate(rule, "customer", llm=Scripted([wrong]), descriptions=DESCRIPTIONS, aliases=ALIASES)
    assert a.sentences[0].status == "fallback" and a.sentences[0].reason.startswith("number:")
    assert a.text.startswith("The rule: when Seniority above 14")
    income = RECORDS["income_global"]
    lines = [s.text for s in view_sentences(income, "customer", DESCRIPTIONS)]
    lines[0] = "Across 300 applicants, income lowers approval."
    a = narrate(income, "customer", llm=Scripted(lines), descriptions=DESCRIPTIONS, aliases=ALIASES)
    assert a.sentences[0].status == "fallback" and a.sentences[0].reason.startswith("direction:")


def test_many_groups_list_the_highest_and_lowest_rates_so_the_gap_named_is_shown():
    # (51 states: the first eight alphabetically were listed, then the gap between two others named)
    from explainer_nlg.evidence.groups import GroupComparison, GroupStats
    from explainer_nlg.narrate.views.group_text import MAX_LISTED, group_sentences

    rates = {f"state = S{i:02d}": 0.5 + 0.01 * i for i in range(20)}
    groups = [GroupStats(name, [{"feature": "state", "cmp": "==", "value": name[-3:]}], 100, 100, rate, rate)
              for name, rate in rates.items()]
    gc = GroupComparison(feature="state", positive_label="yes", groups=groups, gaps={"demographic_parity_difference": {
        "value": 0.19, "between": ["state = S19", "state = S00"], "exceeds_uncertainty": True, "ci": [0.1, 0.28]}},
        unavailable={}, bootstrap={})
    text = " ".join(s.text for s in group_sentences(gc, "customer"))
    assert "S19" in text.split("The largest gap")[0] and "S00" in text.split("The largest gap")[0], text
    assert sum(f"S{i:02d} (" in text for i in range(20)) == MAX_LISTED, text
