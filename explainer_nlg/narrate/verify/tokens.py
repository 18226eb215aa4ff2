"""Reading a sentence into tokens (quotes, numbers, words, punctuation) and marking which phrases
the verifier recognises, with what they mean in the record.

>>> toks = tokenise("Income raised it by 12.5 points, to 97%.")
>>> [(t.kind, t.text, t.unit) for t in toks if t.kind == "num"]
[('num', '12.5', 'points'), ('num', '97', 'pct')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..vocabulary import WORD_RE

TOKEN_RE = re.compile(
    r"(?P<quote>“[^”]*”|\"[^\"]*\"|(?<![\w'’])'[^'\n]{1,40}?'(?![\w]))"
    r"|(?P<num>[+\-−]?(?P<cur>[$€£])?(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?P<k>(?<=\d)[kK])?(?![\w]))"
    r"(?P<pct>\s?%)?"
    r"|(?P<word>" + WORD_RE.pattern + ")"
    r"|(?P<punct>[,;:()\[\]—–]|\s-\s)",
    re.UNICODE,
)


@dataclass(frozen=True)
class Meaning:
    """One thing a phrase can mean in the record."""

    kind: str  # player | label | category | confidence | unchanged | quoted_value
    players: tuple[int, ...] = ()  # player, category: the players' indices
    label: str | None = None  # label: the class
    value: Any = None  # category: the category value; unchanged: the region; quoted_value: the text
    bands: tuple[int, ...] = ()  # confidence: the confidence bands the words fit


@dataclass(frozen=True)
class Reading:
    """What a token was read as: part of a fact of the record, a cue phrase, or something unknown."""

    tag: str  # fact | cue | unknown
    meanings: tuple[Meaning, ...] = ()  # fact: what the phrase may mean, first the likeliest
    cues: frozenset[str] = frozenset()  # cue: up, down, top, major, minor, plain, decision
    first: bool = True  # the phrase's first token (a claim counts once per phrase)
    text: str = ""  # the whole phrase as written

    def is_fact(self, kind: str) -> bool:
        """A fact whose first meaning is of ``kind`` ("player", "label", ...)."""
        return self.tag == "fact" and self.meanings[0].kind == kind


@dataclass
class Token:
    kind: str  # quote | num | word | punct
    text: str
    norm: str = ""
    value: float = 0.0
    decimals: int = 0
    signed: bool = False
    unit: str = ""  # pct | points | ""
    ref: Reading | None = None  # what the token was read as
    used: bool = False


def tokenise(sentence: str) -> list[Token]:
    toks: list[Token] = []
    for m in TOKEN_RE.finditer(sentence):
        if m.group("quote"):
            toks.append(Token("quote", m.group("quote")[1:-1]))
        elif m.group("num"):
            raw = m.group("num").replace("−", "-")
            digits = raw.lstrip("+-").lstrip("$€£").rstrip("kK").replace(",", "")
            scale = 1000.0 if m.group("k") else 1.0
            t = Token("num", m.group("num"), value=float(digits) * scale * (-1 if raw.startswith("-") else 1),
                      decimals=(len(digits.split(".")[1]) if "." in digits else 0) - (3 if m.group("k") else 0),
                      signed=raw[0] in "+-")
            if m.group("pct"):
                t.unit = "pct"
            elif m.group("cur"):
                t.unit = "money"  # an amount in the record's own unit ("$12,800"): amounts.py reads it
            toks.append(t)
        elif m.group("word"):
            toks.append(Token("word", m.group("word"), norm=m.group("word").lower().replace("’", "'")))
        else:
            toks.append(Token("punct", m.group("punct").strip()))
    toks = spelled_numbers(toks)
    for i, t in enumerate(toks):
        if t.kind == "num" and t.unit in ("", "money"):
            nxt = [x.norm for x in toks[i + 1:i + 3] if x.kind == "word"]
            if nxt[:1] in (["thousand"], ["million"]) and toks[i + 1].kind == "word":
                t.value *= 1000.0 if nxt[0] == "thousand" else 1e6
                t.decimals -= 3 if nxt[0] == "thousand" else 6
            if t.unit:
                continue
            if nxt[:1] == ["percent"]:
                t.unit = "pct"
            elif nxt[:1] in (["points"], ["point"], ["pp"]) or nxt[:2] == ["percentage", "points"]:
                t.unit = "points"
            elif t.signed:
                t.unit = "points"
    return toks


# Numbers people spell out ("about six articles", "three and a half years", "half a year").
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
FRACTION_WORDS = {"half": 0.5, "quarter": 0.25}
# A spelled number is an amount only after one of these, or before a fraction word or a unit ("a
# quarter of an article"); elsewhere "one" and "two" count things ("the two biggest factors").
AMOUNT_LEADS = frozenset({"about", "around", "roughly", "some", "nearly", "almost", "approximately", "by",
                          "another", "over", "under", "than", "just", "only", "of", "at", "to", "least", "most",
                          "extra", "further", "additional"})
# ... and these make it a count: "the two biggest", "two of them", "both ... the three factors".
COUNT_LEADS = frozenset({"the", "these", "those", "top", "first", "last", "its", "their", "all"})
COUNT_FOLLOWS = frozenset({"of", "biggest", "largest", "main", "most", "strongest", "top", "factors", "features",
                           "reasons", "words", "signals", "things", "drivers", "effects", "ways", "other", "others",
                           "or", "more"})


def spelled_numbers(toks: list[Token]) -> list[Token]:
    """Spelled-out amounts read as numbers, so that they are checked like figures: "about six
    articles" (6), "three and a half years" (3.5), "half a year" (0.5), "a quarter of an article"
    (0.25). A number word that counts things ("one of", "the two biggest") is left as a word.

    >>> [(t.text, t.value, t.decimals) for t in tokenise("some three and a half years, then half a point")
    ...  if t.kind == "num"]
    [('three and a half', 3.5, 1), ('half', 0.5, 1)]
    >>> [t.kind for t in tokenise("the two biggest factors")]
    ['word', 'word', 'word', 'word']
    """
    out: list[Token] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        w = t.norm if t.kind == "word" else ""
        nxt = [x.norm if x.kind == "word" else "" for x in toks[i + 1:i + 4]] + ["", "", ""]
        prev = out[-1].norm if out and out[-1].kind == "word" else ""
        if w in NUMBER_WORDS and nxt[:3] == ["and", "a", "half"]:
            out.append(Token("num", " ".join(x.text for x in toks[i:i + 4]), value=NUMBER_WORDS[w] + 0.5,
                             decimals=1))
            i += 4
            continue
        if w in FRACTION_WORDS and (nxt[0] in ("a", "an", "of") or prev in {"a", "by", "another"} | AMOUNT_LEADS):
            if prev == "a" and out:
                out.pop()  # "a quarter": the article is part of the figure
            out.append(Token("num", t.text, value=FRACTION_WORDS[w], decimals=1 if w == "half" else 2))
            i += 1
            continue
        counts = prev in COUNT_LEADS or nxt[0] in COUNT_FOLLOWS or (w == "one" and prev not in AMOUNT_LEADS)
        if w in NUMBER_WORDS and not counts:
            out.append(Token("num", t.text, value=float(NUMBER_WORDS[w]), decimals=0))
            i += 1
            continue
        out.append(t)
        i += 1
    return out


def match_phrases(toks: list[Token], table: dict, max_len: int, tag: str) -> None:
    """Longest-first matching of word sequences in ``table`` (phrase -> meanings, or cue tags);
    marks tokens with their reading."""
    i = 0
    while i < len(toks):
        if toks[i].kind != "word" or toks[i].used:
            i += 1
            continue
        for n in range(min(max_len, len(toks) - i), 0, -1):
            window = toks[i:i + n]
            if any(t.kind != "word" or t.used for t in window):
                continue
            key = tuple(norm_possessive(t.norm) for t in window)
            refs = table.get(key) or table.get(tuple(t.norm for t in window))
            if refs:
                text = " ".join(x.text for x in window)
                for j, t in enumerate(window):
                    t.used = True
                    t.ref = (Reading("cue", cues=frozenset(refs), first=j == 0, text=text) if tag == "cue"
                             else Reading(tag, meanings=tuple(refs), first=j == 0, text=text))
                i += n
                break
        else:
            i += 1


def norm_possessive(w: str) -> str:
    return w[:-2] if w.endswith("'s") else w


def prev_word(toks: list[Token], i: int) -> str:
    """The word before token ``i`` in its clause ("" after punctuation or at the start)."""
    for t in reversed(toks[:i]):
        if t.kind == "word":
            return t.norm
        if t.kind == "punct":
            return ""
    return ""
