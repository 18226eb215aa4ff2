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


# Words never compared by spelling: under this length a letter more or less is another word
# ("hop"/"hip", "store"/"story"); a British spelling of a short word is listed as data instead.
MIN_FUZZY = 8


def variants(word: str, spellings: dict[str, str] | None = None) -> list[str]:
    """Other spellings of a word to look its stem up by: the American spelling (``[spellings]`` in
    prompts/verifier_words.toml), the singular of a short plural ("hips" for "hip"), and a verb's
    doubled last consonant undone ("preferred" for "prefer").

    >>> variants("hips"), variants("preferred"), variants("storey", {"storey": "story"})
    (['hips', 'hip'], ['preferred', 'preferr', 'prefer'], ['storey', 'story'])
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    out = [w]
    if spellings and w in spellings:
        out.append(spellings[w])
    for v in list(out):
        if v.endswith("s") and not v.endswith("ss") and len(v) >= 4:
            out.append(v[:-1])
        for end in ("ed", "ing"):
            base = v[:-len(end)] if v.endswith(end) else ""
            if len(base) >= 4:
                out.append(base)
                if base[-1] == base[-2] and base[-1] not in "aeiouls":
                    out.append(base[:-1])
    return list(dict.fromkeys(out))


def one_edit(a: str, b: str) -> bool:
    """Whether two long words differ by one letter added, dropped or changed ("neighbourhood",
    "neighborhood"); short words never match (MIN_FUZZY).

    >>> one_edit("neighbourhood", "neighborhood"), one_edit("expenditure", "expenditures"), one_edit("hip", "hop")
    (True, True, False)
    """
    if min(len(a), len(b)) < MIN_FUZZY or abs(len(a) - len(b)) > 1 or a == b:
        return a == b and len(a) >= MIN_FUZZY
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]
