"""Claim-scoped unknown words in outside text (decision 0024): a word the evidence does not hold
rejects a sentence only where it is what a claim is about. Each test pairs words that own no claim
(passed now, rejected before) with the same words owning one (rejected, before and now)."""

from __future__ import annotations

import pytest

from explainer_nlg import Evidence, verify
from explainer_nlg.narrate import verify_sentence


@pytest.fixture(scope="module")
def house():
    return Evidence.from_contributions(
        [("lotsize", 2145, -19538.0), ("bathrooms", 2, 6720.0), ("prefer", "yes", 5012.0), ("stories", 1, -3038.0),
         ("garage", 0, -2090.0)], prediction=55231.0, base_value=68145.0, unit="$", name="price")


@pytest.fixture(scope="module")
def icu():
    return Evidence.from_contributions(
        [("systolic_bp", 80, 0.21), ("age", 75, 0.08), ("pulse", 96, 0.01)], prediction=0.60, base_value=0.20,
        unit="probability", kind="classification", label="dies", probabilities={"dies": 0.60, "survives": 0.40})


@pytest.mark.parametrize("text", [
    "Thank you. I'd like to understand what we could change.",
    "The bathrooms added about $6,700, which honestly surprised me.",
    "The lot size took nearly $20,000 off the estimate, a worse outcome overall.",
])
def test_words_that_own_no_claim_pass(house, text):
    assert verify(text, house).verdict == "accepted", verify(text, house).reason


@pytest.mark.parametrize("text", [
    "The pool added about $6,700.",  # subject of a direction and an amount
    "The pool near the bathrooms added about $6,700.",  # a feature after it only modifies it
    "The pool's effect was about $6,700.",  # owner of what follows it
    "Its 2 fireplaces added about $6,700.",
    "The pool, the garage and the bathrooms added about $6,700.",  # an item of the subject's list
    "The bathrooms and the pool added about $6,700.",
    "The bathrooms added $6,700 and the pool about $2,000.",
    "The price rose by about $6,700 because of the pool.",  # after the claim, tied by a marker
    "The price was held up by the pool, which added about $6,700.",
    "The price rose with the pool.",
    "The estimate rose on the strength of the pool.",
    "The bathrooms mattered more than the pool.",  # a comparison's other side
    "The lot size mattered most, followed by the pool.",
    "The main reason for the low price was the fireplace.",  # a rank's complement
    "The top factor was its pool.",
    "Having a pool added about $6,700.",
    "The pool factor mattered most.",  # what the factor is
    "The bathrooms added about $6,700 alongside the pool.",
    "The bathrooms added about $6,700, and so did the pool.",
])
def test_an_unknown_word_that_owns_a_claim_is_rejected(house, text):
    r = verify(text, house)
    assert r.verdict == "rejected" and r.reason.startswith("unknown:"), (text, r.reason)


def test_the_class_a_probability_is_claimed_for_owns_it(icu):
    # 60% is the chance of "dies": "survival" names the class the figure is claimed for.
    assert verify("The model puts this patient's chance of survival at about 60%.", icu).verdict == "rejected"
    assert verify("The systolic pressure mattered most, pointing towards a worse outcome.", icu).verdict \
        == "accepted"


def test_the_narrations_own_checks_stay_strict(house):
    # The templates and the LLM's rewording of them are read with every unknown word rejecting: a
    # rewording has its template to fall back on and no reason to add words the template did not hold.
    text = "The bathrooms added about $6,700, which honestly surprised me."
    assert not verify_sentence(text, house).ok
    assert not verify_sentence(text, house, stop_at_first=True).ok
    assert verify(text, house, claim_scoped=False).verdict == "rejected"
    assert verify(text, house).verdict == "accepted"
