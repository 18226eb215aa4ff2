"""The words a description gives a numeric code ("1=female or 0=male", "1 = very unhappy to 5 =
very happy"): read by the narration, to say a coded value in words, by the chat, to read those
words as the value, and by the facade, to name a coded target's classes."""

from __future__ import annotations

import re

CODING = re.compile(r"(?<![\w.])(\d+)\s*=\s*([a-z][a-z' -]*?)\s*(?=,|;|\.|\bto\s+\d|\bor\s+\d+\s*=|\d+\s*=|\(|\)|$)", re.I)


def codings(description: str) -> dict[str, int]:
    """The words a description gives for a numeric code ("1 = very unhappy to 5 = very happy"):
    {"very unhappy": 1, "very happy": 5}; {} where it gives none.

    >>> codings("self rating of marriage, 1 = very unhappy to 5 = very happy")
    {'very unhappy': 1, 'very happy': 5}
    >>> codings("1 = anti, 2 = not at all, 5 = very religious"), codings("=1 if married")
    ({'anti': 1, 'not at all': 2, 'very religious': 5}, {})
    >>> codings("1=patient survived to discharge or 0=patient died")
    {'patient survived to discharge': 1, 'patient died': 0}
    >>> codings("1= young (under 50), 2= middle (50-69), 3 = old (70+)")
    {'young': 1, 'middle': 2, 'old': 3}
    """
    return {m.group(2).strip().lower(): int(m.group(1)) for m in CODING.finditer(description or "")}


LEVELS = re.compile(r"\blevels?\b", re.I)
LETTER_CODE = re.compile(r"(?:^|[:;]|\blevels?\b)\s*[`'\"]?([A-Za-z][\w.+-]{0,11})[`'\"]?\s*,\s*([^;:]+?)\s*(?=;|\.?\s*$)")


def letter_codes(description: str) -> dict[str, str]:
    """The words a description gives each short code of a factor, R's documentation style
    ("A factor with levels: F, female; M, male."): {"F": "female", "M": "male"}; {} where it gives
    none. Parentheses are left out of the words.

    >>> letter_codes("A factor with levels: C, Central; M, Metropolitan Santiago area; SA, city of Santiago.")
    {'C': 'central', 'M': 'metropolitan santiago area', 'SA': 'city of santiago'}
    >>> letter_codes("a factor with levels: A, will abstain; N, will vote no (against Pinochet); U, undecided.")
    {'A': 'will abstain', 'N': 'will vote no', 'U': 'undecided'}
    >>> letter_codes("Monthly income, in Pesos.")
    {}
    """
    if not description or not LEVELS.search(description):
        return {}
    body = description[LEVELS.search(description).end():]
    out = {}
    for m in LETTER_CODE.finditer(body):
        words = re.sub(r"\s*\([^)]*\)", "", m.group(2)).strip().rstrip(".").lower()
        if words and len(words.split()) <= 6:
            out[m.group(1)] = words
    return out if len(out) >= 2 else {}
