"""The parser's closed-class English, read from ``prompts/parser_lexicon.toml``, and number reading.

>>> comparator("older than"), comparator("60 or more"), comparator("under")
('>', '>=', '<')
>>> action("went up by"), action("doubled"), action("changed to")
('increase', 'double', 'set')
>>> read_number("5,800"), read_number("130k"), read_number("2.5 thousand"), read_number("five")
(5800, 130000, 2500, 5)
>>> concept_keys("earning")
['income', 'salary', 'wage', 'wages', 'earnings', 'earn', 'pay']
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..prompt_files import load_prompt_file

NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
                "hundred": 100, "a hundred": 100, "a thousand": 1000, "a dozen": 12, "dozen": 12}
SCALES = {"k": 1000, "thousand": 1000, "m": 1_000_000, "mil": 1_000_000, "million": 1_000_000, "grand": 1000,
          "bn": 1_000_000_000, "billion": 1_000_000_000, "hundred": 100}

# Units of measure written on a number ("220mm", "5kg"): the number as written; a column's own
# unit is put right by the parser (``assemble._units``).
MEASURES = {"mm", "cm", "km", "kg", "g", "mg", "lb", "lbs", "ml", "cl", "ft", "kph", "mph", "kmh",
            "kb", "mb", "gb", "tb", "hz", "khz", "mhz", "ghz", "px", "sqft"}  # ("500mb", "66mhz")


def lexicon() -> dict:
    return load_prompt_file("parser_lexicon.toml")


@functools.lru_cache(maxsize=1)
def _comparators() -> list[tuple[str, str]]:
    pairs = [(phrase, op) for op, phrases in lexicon()["comparators"].items() for phrase in phrases]
    return sorted(pairs, key=lambda p: -len(p[0]))  # the longest phrase that fits wins


def comparator(text: str) -> str | None:
    """The comparison a phrase means (">", ">=", "<", "<=", "==", "!=", "between"), or None."""
    t = " " + re.sub(r"\s+", " ", text.lower().strip()) + " "
    for phrase, op in _comparators():
        if re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", t):
            return op
    # any comparative the lexicon lacks: "thicker than 5 mm" is over 5, "thinner than 2" under it
    m = re.search(r"(?<![a-z])([a-z]{2,}(?:er|ier))\s+th[ae]n(?![a-z])", t)
    if m and m.group(1) in MORE_COMPARATIVES | LESS_COMPARATIVES:
        return "<" if m.group(1) in LESS_COMPARATIVES else ">"
    return None


# Comparatives the lexicon may lack, of more and of less (a known list: "water", "fiber", "partner"
# and "cylinder" end in -er too)
MORE_COMPARATIVES = frozenset({"thicker", "bigger", "larger", "higher", "taller", "heavier", "older", "longer", "wider",
                               "greater", "richer", "faster", "stronger", "deeper", "warmer", "hotter", "louder",
                               "fatter", "steeper", "brighter", "darker", "denser", "harder", "riskier", "pricier",
                               "costlier", "wealthier", "busier", "healthier", "sicker", "bolder", "broader", "better",
                               "newer", "quicker", "windier", "sunnier", "wetter", "drier", "tighter", "fresher",
                               "safer", "smarter", "happier"})
LESS_COMPARATIVES = frozenset({"thinner", "smaller", "lower", "younger", "shorter", "lighter", "cheaper", "fewer",
                               "narrower", "poorer", "slower", "weaker", "earlier", "shallower", "tinier", "slimmer",
                               "leaner", "closer", "nearer", "milder", "lesser", "colder", "cooler", "softer",
                               "quieter", "smoother"})


@functools.lru_cache(maxsize=1)
def _actions() -> list[tuple[str, str]]:
    pairs = [(phrase, act) for act, phrases in lexicon()["actions"].items() for phrase in phrases]
    return sorted(pairs, key=lambda p: -len(p[0]))


def action(text: str) -> str | None:
    """The edit a phrase means ("increase", "decrease", "double", "halve", "set"), or None."""
    t = re.sub(r"\s+", " ", text.lower().strip())
    for phrase, act in _actions():
        if re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", t):
            return act
    return None


@functools.lru_cache(maxsize=1)
def negators() -> frozenset:
    return frozenset(lexicon()["negators"]["words"])


# Negated modals ("the model says wont work"): kept here, not in the lexicon file, whose changes
# retrain the parser; they negate the verb after them as "doesn't" does.
MODAL_NEGATIONS = frozenset({"wont", "won't", "wouldnt", "wouldn't", "cant", "can't", "cannot", "couldnt", "couldn't"})


def is_negated(before: str) -> bool:
    """Whether the last word or two of ``before`` negate what follows ("non-", "not a", "without").

    >>> is_negated("people without "), is_negated("the model says wont "), is_negated("the model says ")
    (True, True, False)
    >>> is_negated("make 8 not get "), is_negated("make 8 get ")
    (True, False)
    """
    words = re.findall(r"[a-z']+", before.lower())[-2:]
    if before.rstrip().lower().endswith(("non-", "non", "un")):
        return True
    if words and (words[-1] in negators() or words[-1] in MODAL_NEGATIONS):
        return True
    # ("not a", "never been", "not get": a verb of getting or being between is no second clause)
    return len(words) == 2 and words[0] in negators() and words[1] in ("a", "an", "any", "the", "been", "be", "get",
                                                                       "getting", "got", "receive", "have")


@functools.lru_cache(maxsize=1)
def _concepts() -> list[tuple[list[str], set[str]]]:
    return [(list(c["keys"]), set(c["words"])) for c in lexicon()["concepts"]]


def concept_keys(word: str) -> list[str]:
    """The column words an everyday word stands for ("older" -> ["age", ...]); [] when none."""
    w = word.lower().strip()
    out: list[str] = []
    for keys, words in _concepts():
        if w in words:
            out += [k for k in keys if k not in out]
    return out


@functools.lru_cache(maxsize=1)
def value_words() -> list[tuple[set[str], set[str]]]:
    """(ways a value is written in data, what people say for it) pairs ("female" / "women").

    >>> next(says for vals, says in value_words() if "female" in vals) >= {"girl", "women"}
    True
    """
    return [(set(v["value"]), set(v["words"]) | MORE_VALUE_WORDS.get(v["value"][0], set()))
            for v in lexicon()["values"]]


# Words the lexicon file lacks, kept in code (its edits retrain the parser): one girl or boy
# ("a 5 year old girl") as well as many.
MORE_VALUE_WORDS = {"female": {"girl", "lady", "gal"}, "male": {"boy", "guy", "gentleman", "gentlemen"}}


# A currency said after the amount ("50 dollars", "20 bucks"): the amount itself
CURRENCY_WORDS = frozenset({"dollars", "dollar", "usd", "bucks", "euros", "euro", "eur", "gbp", "quid"})


def read_number(text: str) -> int | float | None:
    """A number as people type it: "5,800", "$2k", "130k", "2.5 thousand", "five", "1e9", "10%",
    "50 dollars"."""
    t = text.lower().strip().replace("$", "").replace("£", "").replace("€", "").replace("%", "")
    t = re.sub(r"(?<=\d)\s*(?:percent|per cent|pct)$", "", t)  # "50 percent" as one span: 50 (in the column's units)
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    t = re.sub(r"(?<=\d)'?s$", "", t)  # "18s", "1990's"
    if t in NUMBER_WORDS:
        return NUMBER_WORDS[t]
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z]+)?", t)
    if m is None:
        m2 = re.fullmatch(r"([a-z]+)\s+([a-z]+)", t)
        if m2 and m2.group(1) in NUMBER_WORDS and m2.group(2) in SCALES:
            return NUMBER_WORDS[m2.group(1)] * SCALES[m2.group(2)]
        return None
    try:
        v: Any = float(m.group(1))
    except ValueError:
        return None
    if m.group(2):
        if m.group(2) not in SCALES and m.group(2) not in MEASURES and m.group(2) not in CURRENCY_WORDS:
            return None
        v *= SCALES.get(m.group(2), 1)
    return int(v) if float(v).is_integer() and abs(v) < 1e15 else v


# Thanks and goodbyes, said on their own: answered briefly, never asked back (a rule of form, kept in
# code: the lexicon file's edits retrain the parser).
THANKS = re.compile(r"(?:ok(?:ay)?|cool|great|nice|perfect|got it|i see|alright|all right|awesome)?[\s,.!]*"
                    r"(?:thanks?(?: you)?(?: (?:so|very) much)?|thx|ty|cheers|bye|goodbye|that'?s all|that helps?)?[\s.!]*")


# Words for people that name a group by sex, and by race or ethnicity (the tagger may pass these
# over: "how many asian applicants"). Where the data has no column for them, the parser says they
# were not applied and the refusal says the data cannot compare them.
SEXED = re.compile(r"\b(women|woman|men|man|females?|males?|ladies|lady|girls?|boys?|guys?)\b")
RACED = re.compile(r"\b(white|black|asian|hispanic|latino|latina|latinx|caucasian|african[- ]americans?|"
                   r"native[- ]americans?)\b")
GROUP_NOUNS = {"gender", "sex", "race", "ethnicity"}


def names_group(word: str) -> bool:
    """Whether ``word`` is a word for a group of people by sex, race or ethnicity, or the name of one
    of those attributes.

    >>> names_group("women"), names_group("Hispanic"), names_group("gender"), names_group("income")
    (True, True, True, False)
    """
    w = word.lower().strip()
    return bool(SEXED.fullmatch(w) or RACED.fullmatch(w)) or w in GROUP_NOUNS


# Words of the questions themselves, never a column's: a misspelling of one ("importnt", "featur")
# is that word, not a feature the data lacks.
QUESTION_WORDS = frozenset({
    "important", "importance", "feature", "features", "factor", "factors", "matter", "matters", "mattered",
    "predict", "prediction", "predictions", "predicted", "model", "accuracy", "accurate", "influence",
    "influential", "variable", "variables", "decision", "reason", "reasons", "significant", "relevant",
    "impact", "affect", "affects", "effect", "driver", "drivers", "probability", "likely", "chance",
    "explain", "explanation", "difference", "different", "compare", "average", "confidence", "confident"})


def question_word_misspelt(word: str) -> bool:
    """Whether ``word`` is a question word misspelt: one letter dropped, added, changed or two
    swapped (two in a word of 9 letters or more).

    >>> question_word_misspelt("importnt"), question_word_misspelt("imprtance"), question_word_misspelt("featrues")
    (True, True, True)
    >>> question_word_misspelt("importer"), question_word_misspelt("weight"), question_word_misspelt("feature")
    (False, False, False)
    """
    w = word.lower().strip()
    if len(w) < 5 or w in QUESTION_WORDS:
        return False
    return any(_edits(w, q) <= (2 if len(q) >= 9 else 1) for q in QUESTION_WORDS if abs(len(q) - len(w)) <= 2)


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]
