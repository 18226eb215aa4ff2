"""Other forms of a word the record names: "insurance" for the class "insured", "arriving" for the
text's word "arrived", "flippers" for flipper_length_mm, "publish" for the predicted "articles
published". A word left over after the record's phrases is read through its stem (the word less a
common ending) when exactly one thing of the record has that stem; two or more, and it stays
unknown (a claim the record does not back).

>>> stem("insurance"), stem("insured"), stem("uninsured"), stem("arriving"), stem("arrived")
('insur', 'insur', 'uninsur', 'arriv', 'arriv')
>>> stem("flippers") == stem("flipper"), stem("income")
(True, 'incom')
"""

from __future__ import annotations

# Longest first; a stem keeps at least MIN_STEM letters, so short words are left whole.
ENDINGS = ("ances", "ences", "ings", "ions", "ance", "ence", "ies", "ing", "ion", "ers", "ed", "er", "es", "s",
           "e", "y")
MIN_STEM = 4


def stem(word: str) -> str:
    """The word less its common ending (lowercase; a possessive is dropped first)."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for end in ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= MIN_STEM:
            return w[:-len(end)]
    return w


def form_table(entries: list[tuple[str, object]]) -> dict[str, object]:
    """stem -> what it names, from (word, what) pairs; a stem naming two different things is left
    out (ambiguous: "bill" for bill_length and bill_depth).

    >>> form_table([("insured", "yes"), ("uninsured", "no"), ("bill", 1), ("bill", 2)])
    {'insur': 'yes', 'uninsur': 'no'}
    """
    seen: dict[str, object] = {}
    clash: set[str] = set()
    for word, what in entries:
        s = stem(word)
        if s in seen and seen[s] != what:
            clash.add(s)
        seen.setdefault(s, what)
    return {s: what for s, what in seen.items() if s not in clash}
