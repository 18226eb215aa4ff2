"""The claim verifier: is every claim in a sentence backed by the record it talks about?

A sentence is read into claims: the class it names as the decision, each feature, word or region
it mentions, the direction it gives them ("raised", "against"), their rank ("mainly",
"slightly"), every number, the confidence it states. Each claim is checked against the Evidence
(or counterfactual record). Words that are neither a known claim nor ordinary connecting words
are claims about something the evidence does not hold, and fail: a wrong explanation is worse
than none. Feature paraphrases resolve through the names, descriptions and synonyms in
``prompts/vocabulary.toml`` and, for wordings none of those cover, MiniLM sentence similarity.

How a sentence is read, one file per step: ``tokens.py`` (quotes, numbers, words; the phrases
recognised and what they mean), ``context.py`` (the phrases of one record), ``phrases.py`` and
``encoder.py`` (the words and the MiniLM similarity every record shares), ``clauses.py`` (the
clause grammar). Then one file per kind of claim: ``check_label.py``, ``check_direction.py``,
``check_rank.py``, ``check_number.py``, ``check_confidence.py``, ``check_category.py``,
``check_changes.py``, ``check_value.py`` (a value described against other rows, checked against
the feature's percentile); ``readings.py`` reads the claims a sentence makes across its words (the
prediction's level, likelihoods, "cancel out", where a reason points); ``sentence.py`` runs them all.
Everyday English (claim-free words, row nouns, units' long forms, synonyms) is data in
``prompts/verifier_words.toml``.

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> ev = Evidence("tabular", "good", {"good": 0.93, "bad": 0.07}, "good", 0.7,
...               [Attribution("Income", 1200.0, 0.15), Attribution("Job", "fixed", 0.01),
...                Attribution("Amount", 900.0, -0.06)], "exact enumeration", 16, 0.1)
>>> verify_sentence("The model predicted “good”, mainly because of the applicant's income.", ev).ok
True
>>> v = verify_sentence("The model predicted “good”, mainly because of the type of job.", ev)
>>> v.ok, v.reason
(False, 'rank: “mainly” does not fit type of job (rank 2 of 2 toward “good”)')
>>> verify_sentence("The loan amount raised the chance of “good”.", ev).reason
'direction: amount requested pushed away from “good”, not toward it'
"""

from .context import context
from .report import Report, verify
from .sentence import covers, split_sentences, verify_sentence, verify_text
from .verdict import Claim, Verdict

__all__ = ["verify", "Report", "verify_sentence", "verify_text", "split_sentences", "covers", "context", "Claim",
           "Verdict"]
