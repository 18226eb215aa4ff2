"""The claim verifier: each kind of wrong claim caught, paraphrases accepted, sampling error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from explainer_nlg.evidence import Attribution, Evidence
from explainer_nlg.narrate import template_sentences, verify_sentence, verify_text
from tests.narration_fixtures import LOAN, ev_simple, image

ROOT = Path(__file__).resolve().parents[2]


# ---- the verifier catches each kind of wrong claim ------------------------------------------------

@pytest.mark.parametrize("sentence,claim", [
    ("The model predicted “bad” for this case.", "label"),
    ("The requested amount raised the chance of “good”.", "direction"),
    ("Income pulled the decision toward “bad”.", "direction"),
    ("The applicant's credit score was the main reason.", "unknown"),
    ("An income of 500 helped.", "number"),
    ("Income added 30 percentage points toward “good”.", "number"),
    ("The model is 60% sure.", "number"),
    ("The decision was mainly down to the type of job.", "rank"),
    ("Income only slightly raised the chance of “good”.", "rank"),
    ("Prior default records on file lowered the chance of “good”.", "category"),
    ("The model is not confident about “good”.", "confidence"),
])
def test_verifier_rejects_each_wrong_claim_type(sentence, claim):
    v = verify_sentence(sentence, LOAN)
    assert not v.ok and v.reason.startswith(claim), v.reason


@pytest.mark.parametrize("sentence", [
    "The model predicted “good”, mainly because of the applicant's salary.",
    "Her savings of 16,500 also helped.",
    "The size of the loan counted against “good”.",
    "Income added 15 percentage points toward “good”.",
    "The model is very confident, at 97%.",
    "Having no prior default records helped a little.",
])
def test_verifier_accepts_paraphrases(sentence):
    v = verify_sentence(sentence, LOAN)
    assert v.ok, v.reason


def test_verifier_resolves_unlisted_paraphrases_with_minilm():
    v = verify_sentence("The home loan size counted against “good”.", LOAN)
    assert v.ok, v.reason
    assert any("similarity" in c.reason for c in v.claims)


def test_verifier_catches_invented_words_and_regions():
    rev = ev_simple([("stale", 0.3), ("crushed", 0.1)], kind="text", labels=("other", "great"))
    assert verify_sentence("The word “stale” raised the chance of “other”.", rev).ok
    assert verify_sentence("The word “delicious” raised it.", rev).reason.startswith("unknown")
    assert verify_sentence("The word “stale” raised the chance of “great”.", rev).reason.startswith("direction")
    img = image(1)
    assert verify_sentence("The sky above the cat was the main reason.", img).reason.startswith("unknown")


def test_labelled_set_every_wrong_one_rejected_and_95_percent_of_correct_accepted():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from narration import verifier_accuracy

    acc = verifier_accuracy()
    assert acc["wrong_rejected"] == acc["wrong"] >= 30, acc["misses"]
    assert acc["correct_accepted"] >= 0.95 * acc["correct"], acc["misses"]
    assert acc["correct"] >= 30 and len(acc["by_error"]) >= 5


def test_verify_text_splits_sentences():
    verdicts = verify_text("The model predicted “good”. Income helped. The moon helped.", LOAN)
    assert [v.ok for v in verdicts] == [True, True, False]


def _two_close_words(se: float | None) -> Evidence:
    return Evidence("text", "negative", {"negative": 0.9, "positive": 0.1}, "negative", 0.5,
                    [Attribution("stale", "stale", 0.21, (0, 5), se),
                     Attribution("late", "late", 0.19, (6, 10), se),
                     Attribution("box", "box", 0.0, (11, 14), se)],
                    "kernel-paired-stratified", 300, 1.0)


def test_the_biggest_needs_a_lead_beyond_sampling_error():
    sentence = "The word “stale” was the biggest reason for “negative”."
    assert verify_sentence(sentence, _two_close_words(0.0)).ok  # exact: 0.21 > 0.19 settles it
    assert verify_sentence(sentence, _two_close_words(0.002)).ok  # 2 points apart, SE of the gap 0.3
    tied = verify_sentence(sentence, _two_close_words(0.02))  # 2 points apart, SE of the gap 2.8
    assert not tied.ok and "standard error" in tied.reason
    # a claim that does not order them stays fine
    assert verify_sentence("The words “stale” and “late” raised the chance of “negative”.",
                           _two_close_words(0.02)).ok


def test_support_is_told_when_the_top_reasons_are_too_close_to_order():
    from dataclasses import replace

    from explainer_nlg.attribution.uncertainty import close_calls

    def with_calls(se):
        ev = _two_close_words(se)
        names = [a.name for a in ev.attributions]
        calls = close_calls(names, [a.contribution for a in ev.attributions],
                            [a.standard_error for a in ev.attributions], k=5)
        return replace(ev, extra={"close_calls": calls})

    tied = [s.text for s in template_sentences(with_calls(0.02), "support")]
    caution = [s for s in tied if "too close to put in order" in s]
    assert len(caution) == 1 and "“stale”" in caution[0] and "“late”" in caution[0]
    assert all(verify_sentence(s, with_calls(0.02)).ok for s in tied)
    assert not any("too close" in s.text for s in template_sentences(with_calls(0.0), "support"))
