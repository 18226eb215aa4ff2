"""People's words for values as a table stores them: what a user types for ``Non-Travel``,
``not verified`` or ``TX`` ("never travel", "unverified", "texas").

The value index of ``chat.linking`` reads a value by its own words; these are the other forms a
stranger uses for the same value. They are rules of form, kept in code rather than in
``prompts/parser_lexicon.toml`` (whose every edit changes the learned parser's cache key and
retrains it): a value that negates a word ("Non-Travel", "no_insurance", "not verified"), and
US state codes, which people write out in full, and one-letter codes of sex (``f``, ``M``).

>>> sorted(negated_forms("non travel"))[:4]
['do not travel', 'does not travel', "doesn't travel", 'doesnt travel']
>>> "unverified" in negated_forms("not verified"), "untravel" in negated_forms("non travel")
(True, False)
>>> negated_forms("verified")
set()
>>> state_names(["TX", "CA", "NY", "OH", "WA"])["TX"]
'texas'
>>> state_names(["rent", "own"])
{}
>>> coded_sex("sex", "f"), coded_sex("Gender", "M"), coded_sex("status", "f"), coded_sex("sex", "female")
('female', 'male', None, None)
"""

from __future__ import annotations

import functools
import re

from .schema import _vocabulary

NEGATED_VALUE = re.compile(r"^(?:non|no|not|never|without)\s+(.+)$")


SEX_CODES = {"f": "female", "m": "male"}


def coded_sex(feature: str, value) -> str | None:
    """The word a one-letter code of a sex or gender column stands for ("f" -> "female"), so that
    "women" finds ``sex == "f"``; None for any other column or value."""
    words = set(re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", str(feature)).lower()))
    return SEX_CODES.get(str(value).strip().lower()) if words & {"sex", "gender"} else None


def negated_forms(words: str) -> set[str]:
    """Other ways to say a value written as a negation ("non travel" -> "never travel", "no travel";
    "not verified" -> "unverified"). Empty for a value that negates nothing."""
    m = NEGATED_VALUE.match(words.strip().lower())
    if not m:
        return set()
    core = m.group(1)
    out = {f"{lead} {core}" for lead in ("never", "no", "not", "non", "dont", "don't", "doesnt", "doesn't",
                                         "without", "do not", "does not")}
    out.add(f"non{core}")
    if " " not in core and core.endswith(("ed", "able")):
        out.add(f"un{core}")  # "not verified" -> "unverified", "not insured" -> "uninsured"
    return out


# How often, in the words people use: "travel a lot" for Travel_Frequently.
HOW_OFTEN = {"frequently": ("a lot", "often", "frequently", "frequent", "all the time"),
             "rarely": ("rarely", "seldom", "occasionally", "sometimes", "not often", "a little")}


def frequency_forms(words: str) -> set[str]:
    """A value that says how often ("travel frequently") in other words ("travel a lot").

    >>> sorted(frequency_forms("travel frequently"))[:3]
    ['a lot travel', 'all the time travel', 'frequent travel']
    >>> "travel a lot" in frequency_forms("travel frequently"), frequency_forms("frequently")
    (True, set())
    """
    out: set[str] = set()
    parts = words.lower().split()
    if len(parts) < 2:
        return out  # "a lot" alone is no value ("how much", "a lot of people")
    for i, w in enumerate(parts):
        for say in HOW_OFTEN.get(w, ()):
            rest = parts[:i] + parts[i + 1:]
            out |= {" ".join(rest + [say]), " ".join([say] + rest)}
    return out


US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california", "CO": "colorado",
    "CT": "connecticut", "DE": "delaware", "DC": "washington dc", "FL": "florida", "GA": "georgia", "HI": "hawaii",
    "ID": "idaho", "IL": "illinois", "IN": "indiana", "IA": "iowa", "KS": "kansas", "KY": "kentucky",
    "LA": "louisiana", "ME": "maine", "MD": "maryland", "MA": "massachusetts", "MI": "michigan", "MN": "minnesota",
    "MS": "mississippi", "MO": "missouri", "MT": "montana", "NE": "nebraska", "NV": "nevada",
    "NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico", "NY": "new york", "NC": "north carolina",
    "ND": "north dakota", "OH": "ohio", "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania",
    "RI": "rhode island", "SC": "south carolina", "SD": "south dakota", "TN": "tennessee", "TX": "texas",
    "UT": "utah", "VT": "vermont", "VA": "virginia", "WA": "washington", "WV": "west virginia",
    "WI": "wisconsin", "WY": "wyoming",
}


# Codes that are also English words: read only as the state's name, never as typed.
WORD_CODES = {"al", "ar", "co", "de", "hi", "id", "in", "la", "ma", "me", "mo", "ne", "oh", "ok", "or", "pa", "wa"}


def state_forms(code: str, name: str) -> set[str]:
    """How a user writes a state: its name, and its code where the code is no English word.

    >>> sorted(state_forms("TX", "texas")), sorted(state_forms("OR", "oregon"))
    (['texas', 'tx'], ['oregon'])
    """
    return {name} | ({code.lower()} if code.lower() not in WORD_CODES else set())


def state_names(values: list) -> dict:
    """{code: state name} where a column's values are US state codes (most of five or more);
    empty otherwise, so that "in" or "me" never reads as a state elsewhere."""
    codes = [str(v) for v in values]
    hits = [c for c in codes if c.upper() in US_STATES and len(c) == 2]
    if len(codes) < 5 or len(hits) < 0.8 * len(codes):
        return {}
    return {c: US_STATES[c.upper()] for c in hits}


def abbreviates(short: str, words: list[str]) -> bool:
    """Whether a one-word column name or value (``afam``, ``ovisits``) is the user's words cut
    short and glued ("african americans", "outpatient visits"): each word gives a prefix (or three
    consonants or more of it: "prg" for "program"), in order, every prefix two letters or more except
    an initial before four letters or more of the next word.
    A name that is an English word itself (``age``) is never read as an abbreviation.

    >>> abbreviates("afam", ["african", "americans"]), abbreviates("ovisits", ["outpatient", "visits"])
    (True, True)
    >>> abbreviates("age", ["average", "gender"]), abbreviates("afam", ["african"])
    (False, False)
    >>> abbreviates("hhsize", ["household", "size"]), abbreviates("numkids", ["number", "of", "kids"])
    (False, False)
    >>> abbreviates("chist", ["credit", "history"]), abbreviates("chis", ["credit", "history"])
    (True, False)
    >>> abbreviates("workprg", ["work", "program"]), abbreviates("loanamt", ["loan", "amount"])
    (True, False)
    """
    short = short.lower()
    words = [w.lower() for w in words if w]
    if len(words) < 2 or not short.isalpha() or len(short) < 3 or short in _english():
        return False
    if short == "".join(words):
        return False

    def fits(rest: str, k: int) -> bool:
        if k == len(words):
            return not rest
        w = words[k]
        skeleton = _skeleton(w)
        for n in range(min(len(w), len(rest)), 0, -1):
            # a prefix of the word, or of three letters or more of its consonants ("prg": program)
            if rest[:n] != w[:n] and not (n >= 3 and rest[:n] == skeleton[:n]):
                continue
            # an initial goes before four letters of the next word at least ("chist": credit history)
            long_next = k + 1 < len(words) and len(words[k + 1]) >= 4 and rest[n:n + 4] == words[k + 1][:4]
            if (n >= 2 or long_next) and fits(rest[n:], k + 1):
                return True
        return False

    return fits(short, 0)


def shortens(short: str, word: str) -> bool:
    """Whether a one-word column name (``chol``, ``trt``) is one word of the user's cut short: its
    start ("cholesterol"), or its first letter and consonants ("treatment"). Three letters at least,
    two fewer than the word, and never an English word itself (``age`` is not "agent").

    >>> shortens("chol", "cholesterol"), shortens("trt", "treatment"), shortens("plt", "platelets")
    (True, True, True)
    >>> shortens("age", "agent"), shortens("ast", "assets"), shortens("chol", "chole"), shortens("tr", "treatment")
    (False, False, False, False)
    """
    short, word = short.lower(), word.lower()
    if not (short.isalpha() and word.isalpha()) or len(short) < 3 or len(word) < len(short) + 2 \
            or short in _english():
        return False
    return word.startswith(short) or _skeleton(word).startswith(short) or contracts(short, word)


def contracts(short: str, word: str) -> bool:
    """Whether ``short`` is ``word`` contracted: its first and last letters with some of its letters
    between, in order ("intl" of "international", "govt" of "government", "dept" of "department").

    >>> contracts("intl", "international"), contracts("mgmt", "management"), contracts("intr", "international")
    (True, True, False)
    >>> contracts("diff", "difference"), contracts("port", "passport")
    (False, False)
    """
    short, word = short.lower(), word.lower()
    if len(short) < 4 or len(word) < len(short) + 2 or short[0] != word[0] or short[-1] != word[-1] or \
            not (short.isalpha() and word.isalpha()) or short in _english():
        return False
    rest = iter(word[1:-1])
    return all(c in rest for c in short[1:-1])


def _skeleton(word: str) -> str:
    """A word's first letter and its consonants: "treatment" -> "trtmnt"."""
    return word[:1] + re.sub(r"[aeiouy]", "", word[1:])


def ends_short(short: str, word: str) -> bool:
    """Whether a one-word column name ends with the user's word cut short, after a qualifier of
    four letters at most: ``appinc`` ("app" + "inc") for "income", ``cototinc`` for "income".

    >>> ends_short("appinc", "income"), ends_short("obrat", "ratio"), ends_short("income", "income")
    (True, True, False)
    >>> ends_short("appinc", "inc"), ends_short("longheadinc", "income"), ends_short("age", "agent")
    (False, False, False)
    """
    short, word = short.lower(), word.lower()
    if not (short.isalpha() and word.isalpha()) or short in _english() or len(word) < 5:
        return False
    return any(word.startswith(short[h:]) and len(word) >= len(short) - h + 2 for h in range(1, 5)
               if len(short) - h >= 3)


def _english() -> frozenset:
    return _vocabulary()


def spelled_codes(texts: tuple[str, ...], codes: tuple[str, ...]) -> dict[str, str]:
    """The names that a data set's capital-letter codes stand for, read from its own documentation:
    {"citrus hill": "CH"} where a description says "... levels CH and MM indicating ... Citrus Hill
    or Minute Maid". A name is a run of capitalised words whose initials spell a code the data uses
    (a class, or the capitals of a column's name such as ``PriceCH``), so a stranger can say the
    brand where the table says ``MM``.

    >>> spelled_codes(("levels CH and MM: whether the customer purchased Citrus Hill or Minute Maid Orange Juice",),
    ...               ("CH", "MM", "ID"))
    {'citrus hill': 'CH', 'minute maid': 'MM'}
    >>> spelled_codes(("Store ID",), ("ID",))
    {}
    """
    out: dict[str, str] = {}
    wanted = {c.upper() for c in codes if re.fullmatch(r"[A-Za-z]{2,5}", c)}
    for text in texts:
        words = re.findall(r"[A-Za-z][\w'-]*", text or "")
        for i in range(len(words)):
            for code in wanted:
                run = words[i:i + len(code)]
                # (every word capitalised and none all capitals: "Citrus Hill", not "MM CH" or "the house")
                if len(run) == len(code) and all(w[0].isupper() and not w.isupper() for w in run) and \
                        "".join(w[0] for w in run).upper() == code:
                    out.setdefault(" ".join(run).lower(), code)
    return out


def code_words(features: list[str], classes: list[str]) -> tuple[str, ...]:
    """The capital-letter codes a data set uses: its classes so written and the capitals inside its
    column names ("CH" of ``PriceCH``, ``LoyalCH``).

    >>> code_words(["PriceCH", "LoyalCH", "STORE", "age"], ["CH", "MM"])
    ('CH', 'MM', 'STORE')
    """
    found = [c for c in classes if re.fullmatch(r"[A-Z]{2,5}", str(c))]
    for f in features:
        found += re.findall(r"(?<![A-Z])[A-Z]{2,5}(?![a-z])", str(f))
    return tuple(dict.fromkeys(found))


@functools.lru_cache(maxsize=64)
def column_codes(features: tuple[str, ...]) -> frozenset[str]:
    """``code_words`` of the column names alone (once per schema: the linker and the gazetteer ask
    for every run of words).

    >>> sorted(column_codes(("PriceCH", "SpecialMM", "age")))
    ['CH', 'MM']
    """
    return frozenset(code_words(list(features), []))
