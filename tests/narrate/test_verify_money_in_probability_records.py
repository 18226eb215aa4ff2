"""A dollar figure in a sentence about a record of probabilities (a classifier's) is rejected, not a crash.

The tokeniser marks "$1,500" as money, which only regressors' records (amounts) had figures for: the
verifier raised KeyError: 'money' and took the narration down with it. The local LLM writes dollars
for the loan demo's values ("expenses of $90"), whose record names no currency: an unbacked claim.
"""

from explainer_nlg.narrate import verify_sentence
from tests.narration_fixtures import LOAN


def test_a_dollar_figure_is_rejected_because_the_record_names_no_currency():
    for sentence in ("Assets of $16,500 helped.", "Assets of $9,000 helped.",
                     "An income of $330 helped."):
        verdict = verify_sentence(sentence, LOAN)
        assert not verdict.ok and "currency" in verdict.reason, (sentence, verdict.reason)


def test_the_same_figure_without_a_currency_is_checked_as_a_value():
    assert verify_sentence("Assets of 16,500 helped.", LOAN).ok
    assert not verify_sentence("Assets of 9,000 helped.", LOAN).ok
