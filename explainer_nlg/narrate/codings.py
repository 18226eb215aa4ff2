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
