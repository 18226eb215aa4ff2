"""Narration and verification of the data-level records (feature effects, group comparisons,
similar cases, rules), one pair of modules per record kind: ``*_text`` (templates) and ``*_check``
(the claim verifier)."""
