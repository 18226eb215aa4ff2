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


YES_NO_CODES = {"yes", "no", "y", "n", "t", "f", "true", "false"}
FUNCTION_WORDS = {"did", "does", "do", "not", "no", "the", "and", "was", "were", "are", "has", "had", "have", "for", "with"}


def class_words(description: str, classes: list[str]) -> dict[str, str]:
    """The words a description gives each of a target's short codes where it names them in the
    running text, not as a list of levels: '"A" (alive) or "D" (dead) at end of observation', "1
    died from melanoma, 2 alive, 3 dead from other causes". {} unless every class is named, each
    differently ("1 if yes, 0 otherwise" names none: a condition, not a name).

    >>> class_words('"A" (alive) or "D" (dead) at end of observation.', ["A", "D"])
    {'A': 'alive', 'D': 'dead'}
    >>> class_words("1 died from melanoma, 2 alive, 3 dead from other causes.", ["1", "2", "3"])
    {'1': 'died from melanoma', '2': 'alive', '3': 'dead from other causes'}
    >>> class_words("1 if yes, 0 otherwise", ["0", "1"]), class_words("number of visits in 2 weeks", ["0", "1", "2"])
    ({}, {})
    >>> class_words("A factor with levels No and Yes indicating private or public university", ["No", "Yes"])
    {}
    >>> class_words("Planned vote: A will abstain, N will vote no (against Pinochet), U undecided, Y will vote yes.",
    ...             ["A", "N", "U", "Y"])["U"]
    'undecided'

    """
    codes = [str(c) for c in classes]
    if not description or not 2 <= len(codes) <= 8 or any(len(c) > 3 or not c.isalnum() for c in codes) or \
            {c.lower() for c in codes} <= YES_NO_CODES:
        return {}  # (the words after "No and Yes" say what the column records, not names for them)
    return _named_codes(description, codes)


def described_values(description: str, values: list) -> dict[str, str]:
    """The words a column's description gives each of its coded values in running text, as
    people write a data dictionary: "AsstProf (assistant professor), ... Prof (full professor)",
    "A 'theoretical' departments or B 'applied' departments", "C Central, M Metropolitan Santiago
    area, N North". Codes of up to 12 letters; a "N" beside "C" and "S" is North, where a column
    of yes/no codes says nothing. {} unless every value is named, each differently.

    >>> described_values("Academic rank: AsstProf (assistant professor), AssocProf (associate professor), "
    ...             "Prof (full professor).", ["AsstProf", "AssocProf", "Prof"])["Prof"]
    'full professor'
    >>> described_values("Department type: A 'theoretical' departments or B 'applied' departments.", ["A", "B"])
    {'A': 'theoretical departments', 'B': 'applied departments'}
    >>> described_values("Region: C Central, M Metropolitan Santiago area, N North, S South, SA city of Santiago.",
    ...             ["C", "M", "N", "S", "SA"])["N"]
    'north'
    >>> described_values("Female or Male.", ["Female", "Male"]), described_values("N no, Y yes", ["N", "Y"])
    ({}, {})
    >>> described_values("Placebo group vs Treated group", ["Placebo", "Treated"])
    {}
    >>> described_values("Grade given by a teacher, A top, B middle, C bottom", ["A", "B", "C"])["A"]
    'top'

    """
    codes = [str(v) for v in values]
    if not description or not 2 <= len(codes) <= 12 or any(not re.fullmatch(r"[A-Za-z0-9]{1,12}", c) for c in codes) \
            or {c.lower() for c in codes} <= YES_NO_CODES:
        return {}
    text = re.sub(r"[\"'`‘’“”]", "", description)
    out = _named_codes(text, codes, exact_case=True)
    # A code longer than a few letters is a word of its own ("Placebo group vs Treated group"): its
    # words count only in parentheses or after "=" / ":" right after it ("Prof (full professor)",
    # "basic = cheapest plan").
    if any(len(c) > 3 and not re.search(r"(?<![\w.-])" + re.escape(c) + r"\s*[(=:]", text) for c in out) or \
            any(re.search(r"\b(?:vs|versus)\b", w) for w in out.values()):
        return {}
    return out if all(w != c.lower() for c, w in out.items()) else {}


def _named_codes(description: str, codes: list[str], exact_case: bool = False) -> dict[str, str]:
    """Each code's words in running text (see ``class_words``), or {} unless every code has some.
    With ``exact_case``, a code is found only as written ("A top", never the article of "a teacher")."""
    other = "|".join(re.escape(c) for c in codes)
    out = {}
    for c in codes:
        q = r"[\"'`‘’“”]?"
        # (never the first letter of a word, "u" of "underlying", nor the end of a range, "a 1-5 scale")
        code = r"(?<![\w.-])" + q + (f"(?-i:{re.escape(c)})" if exact_case else re.escape(c)) + r"(?![\w-])" + q
        m = re.search(code + r"\s*\(([a-z][a-z' -]{0,40})\)", description, re.I) or \
            re.search(code + r"\s*(?:=|:|-|is|means|denotes|indicates|represents)?\s*([a-z][a-z' -]{0,40}?)\s*"
                      r"(?=[,;.)(]|\s(?:or|and)\s+" + q + r"(?:" + other + r")\b|\s(?:" + other + r")\b|$)", description, re.I)
        words = m.group(1).strip().lower() if m else ""
        if len(words.split()) >= 3:  # "indicates a newly emerged cane": "newly emerged cane" (but "a lot" stays)
            words = re.sub(r"^(?:an?|the)\s+", "", words)
        if not any(len(w) >= 3 and w not in FUNCTION_WORDS for w in words.split()):
            return {}  # ("group 2 did not": no name)
        if not words or re.match(r"(?:if|when|otherwise|else|for|in|of|per|times?|weeks?|days?|years?|and|or|to|"
                                 r"indicating|meaning|means|is|are|with|by)\b", words):
            return {}
        out[c] = words
    return out if len(set(out.values())) == len(out) else {}
