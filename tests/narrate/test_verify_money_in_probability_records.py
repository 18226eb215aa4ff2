"""A dollar figure in a sentence about a record of probabilities (a classifier's) is read as a value.

The tokeniser marks "$1,500" as money, which only regressors' records (amounts) had figures for: the
verifier raised KeyError: 'money' and took the narration down with it. The local LLM writes dollars
for the loan demo's amounts ("a requested amount of $800"), so this ended whole answers.
"""

from explainer_nlg.narrate import verify_sentence
from tests.narration_fixtures import LOAN


def test_a_dollar_value_is_checked_like_the_bare_value():
    right = verify_sentence("Assets of $16,500 helped.", LOAN)
    wrong = verify_sentence("Assets of $9,000 helped.", LOAN)
    assert right.ok, right.reason
    assert not wrong.ok and "16,500" in wrong.reason


def test_a_dollar_figure_with_no_feature_beside_it_must_still_be_in_the_record():
    assert not verify_sentence("The model weighed $123,456 of evidence.", LOAN).ok
