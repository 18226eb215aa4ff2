"""What a record says, in the words the narration uses: one view shared by templates and verifier.

Templates read their phrases from here and the verifier checks claims against the same view, so a
phrase a template writes is always a phrase the verifier recognises.

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> ev = Evidence("tabular", "good", {"good": 0.8, "bad": 0.2}, "good", 0.6,
...               [Attribution("Income", 1200.0, 0.15), Attribution("Records", "yes", 0.05)],
...               "exact enumeration", 16, 0.1)
>>> f = facts_for(ev)
>>> [p.phrase for p in f.players]
['an income of 1,200', 'prior default records on file']
>>> f.confidence_band
1
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..evidence import Evidence
from .codings import codings, letter_codes
from .records import change_action, input_kind, validate
from .vocabulary import vocabulary, words_of

LQ, RQ = "“", "”"
EPS = 1e-9


def quote(text: str) -> str:
    """Wrap a word or label in curly quotes, exactly as written."""
    return f"{LQ}{text}{RQ}"


def fmt_number(v: Any) -> str:
    """A value as people read it: thousands separators, no trailing zeros.

    >>> fmt_number(16500.0), fmt_number(0.25), fmt_number(3), fmt_number("priv"), fmt_number(None)
    ('16,500', '0.25', '3', 'priv', 'unknown')

    A small value keeps two significant digits: a ratio of 0.00064 is not "0".

    >>> fmt_number(0.000637), fmt_number(-0.0042)
    ('0.00064', '-0.0042')
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "unknown"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if float(v).is_integer():
        return f"{int(v):,}"
    if abs(v) < 0.005:
        places = min(12, 1 - math.floor(math.log10(abs(v))))
        return f"{v:.{places}f}".rstrip("0").rstrip(".")
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def fmt_pct(p: float) -> str:
    """A probability as a percentage.

    >>> fmt_pct(0.9724)
    '97.2%'
    """
    return f"{p * 100:.1f}%"


def fmt_points(x: float) -> str:
    """Percentage points with enough decimals to be non-zero where the value is.

    >>> fmt_points(0.1274), fmt_points(0.00087)
    ('12.7', '0.09')
    """
    x = abs(x) * 100
    return f"{x:.1f}" if x >= 0.95 or x == 0 else f"{x:.2f}"


def fmt_value(name: str, v: Any) -> str:
    """A feature's value as people read it: ``fmt_number``, except that a year reads "1998".

    >>> fmt_value("Year_Built", 1998), fmt_value("Income", 1998)
    ('1998', '1,998')
    """
    if is_number(v) and "year" in name.lower() and float(v).is_integer() and 1000 <= v < 3000:
        return str(int(v))
    return fmt_number(v)


def fmt_apart(a: Any, b: Any, name: str = "") -> tuple[str, str]:
    """Two values of feature ``name`` as ``fmt_value`` writes them, with the decimals it takes to
    tell two different numbers apart: a change from 0.9932 to 0.9871 is not "from 0.99 to 0.99".

    >>> fmt_apart(0.9932, 0.9871), fmt_apart(1200, 1500.5), fmt_apart(2.5, 2.5)
    (('0.993', '0.987'), ('1,200', '1,500.5'), ('2.5', '2.5'))
    >>> fmt_apart(1998, 2004, "Year_Built")
    ('1998', '2004')
    """
    x, y = fmt_value(name, a), fmt_value(name, b)
    if x != y or not (is_number(a) and is_number(b)) or a == b:
        return x, y
    for places in range(3, 9):
        x, y = (f"{v:,.{places}f}".rstrip("0").rstrip(".") for v in (a, b))
        if x != y:
            break
    return x, y


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not (
        isinstance(v, float) and math.isnan(v))


@dataclass
class Player:
    """One feature, word or region as the narration names it."""

    index: int
    name: str
    value: Any
    contribution: float | None
    phrase: str  # how a customer sentence names it ("an income of 1,200", "the word “stale”")
    noun: str  # its name in running text ("income", "the centre of the image")
    aliases: list[str] = field(default_factory=list)  # lowercase phrases that mean this player
    category_phrases: dict[str, Any] = field(default_factory=dict)  # phrase -> category value
    numeric: bool = False
    action: str | None = None  # counterfactual changes: set | increase | decrease | remove | replace | cover
    standard_error: float | None = None  # of the contribution, when it was estimated by sampling
    # Share of the background rows below its value, ties counting half (Evidence
    # ``extra["percentiles"]``): what "a light car" or "her low income" is checked against.
    percentile: float | None = None


@dataclass
class Facts:
    """One record as the narration reads it. ``record_kind`` says what the record is ("evidence": an
    Evidence record; "change": a counterfactual or what-if dict), ``input_kind`` what it is about
    ("tabular", "text" or "image")."""

    record_kind: str
    input_kind: str
    predicted: str
    target: str
    probabilities: dict[str, float]
    base: float
    players: list[Player]
    labels: dict[str, list[str]]  # label -> lowercase aliases
    record: Any
    new_label: str | None = None  # change records: the prediction after the changes
    new_probability: float | None = None
    # Evidence in the model's own unit (a regressor's "$" or "points", log-odds from elsewhere):
    # amounts are read and written in ``unit`` (amounts.py), not as probabilities and points.
    output_kind: str = "classification"
    unit: str | None = "probability"
    prediction: float | None = None

    @property
    def in_amounts(self) -> bool:
        """Whether contributions are amounts in the model's unit rather than probabilities."""
        return self.output_kind == "regression" or self.unit != "probability"

    @property
    def is_change(self) -> bool:
        """A counterfactual or what-if record: players are changes, with no contribution."""
        return self.record_kind == "change"

    @property
    def p_predicted(self) -> float:
        return float(self.probabilities.get(self.predicted, 0.0))

    @property
    def confidence_band(self) -> int:
        return confidence_band(self.p_predicted)

    @property
    def runner_up(self) -> tuple[str, float] | None:
        others = [(c, p) for c, p in self.probabilities.items() if c != self.predicted]
        return max(others, key=lambda t: t[1]) if others else None

    @property
    def binary_other(self) -> str | None:
        """The other class, when there are exactly two (then 'toward it' means 'against target')."""
        if len(self.probabilities) != 2:
            return None
        return next(c for c in self.probabilities if c != self.target)

    def max_abs(self) -> float:
        return max((abs(p.contribution) for p in self.players if p.contribution is not None), default=0.0)

    def settled_first(self, player: Player, sign: int) -> bool:
        """Whether ``player`` is ahead of every other player pushing the same way (``sign``) by
        more than twice the standard error of the difference: only then is "the biggest" backed.
        Exact contributions (no standard error) settle on the numbers alone."""
        from ..attribution.uncertainty import Z

        c = abs(player.contribution or 0.0)
        for q in self.players:
            if q is player or q.contribution is None or q.contribution * sign <= EPS:
                continue
            se = math.hypot(player.standard_error or 0.0, q.standard_error or 0.0)
            if c - abs(q.contribution) <= Z * se and se > 0:
                return False
        return True

    def rank_in_direction(self, player: Player, sign: int) -> int:
        """1 + how many players pushing the same way (``sign``) push strictly harder."""
        c = abs(player.contribution or 0.0)
        same = [abs(p.contribution) for p in self.players
                if p.contribution is not None and p.contribution * sign > EPS]
        return 1 + sum(1 for x in same if x > c + 1e-12)


def heat_shares(record: Any) -> dict[str, float]:
    """Grad-CAM's share of heat per grid region, or {} when the record has none.

    Reads ``record.regions["grid"]`` (the Evidence field on main since issue 3) or a flat
    ``record.extra["regions"]`` {region: share}.

    >>> from explainer_nlg.evidence import Evidence
    >>> ev = Evidence("image", "cat", {"cat": 1.0}, "cat", 0.0, [], "m", 1, 0.1,
    ...               extra={"regions": {"centre": 0.7, "top left": 0.3}})
    >>> heat_shares(ev)
    {'centre': 0.7, 'top left': 0.3}
    """
    if not isinstance(record, Evidence):
        return {}
    regions = getattr(record, "regions", None)
    grid = regions.get("grid") if isinstance(regions, dict) else None
    if not isinstance(grid, dict):
        grid = record.extra.get("regions")
    if not isinstance(grid, dict):
        return {}
    return {str(k): float(v) for k, v in grid.items() if is_number(v)}


def confidence_band(p: float) -> int:
    """Index of the confidence words for probability ``p`` (0 = most confident)."""
    for i, band in enumerate(vocabulary()["confidence"]):
        if p >= band["min"]:
            return i
    return len(vocabulary()["confidence"]) - 1


def confidence_words(p: float) -> str:
    return vocabulary()["confidence"][confidence_band(p)]["words"]


def label_aliases(label: str) -> list[str]:
    """'tabby, tabby cat' -> ['tabby, tabby cat', 'tabby', 'tabby cat'] (lowercase)."""
    parts = [label] + [s.strip() for s in label.split(",") if s.strip()]
    out: list[str] = []
    for s in parts:
        s = s.lower()
        if s and s not in out:
            out.append(s)
    return out


def label_display(label: str) -> str:
    """A class as written in a sentence: quoted, first synonym only for lists such as ImageNet's."""
    return quote(label.split(",")[0].strip() or label)


def _split_name(name: str) -> str:
    if any(ch.isdigit() for ch in name):
        return name.lower()  # "feature_12" stays one word: split, its number would read as a figure
    s = re.sub(r"[_\-]+", " ", name)
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", s)
    return s.lower().strip()


def expand_abbreviations(name: str) -> str:
    """A column name with its common abbreviations spelt out (``[abbreviations]`` in the vocabulary).

    >>> expand_abbreviations("total bsmt sf"), expand_abbreviations("triglycerides log")
    ('total basement square feet', 'triglycerides')
    """
    table = vocabulary().get("abbreviations", {})
    return " ".join(w for w in (table.get(w, w) for w in name.split()) if w)


def _short_description(desc: str) -> str:
    """A description's first clause, without parentheses or codings, as a feature's name.

    >>> _short_description("self rating of marriage, 1 = very unhappy to 5 = very happy")
    'self rating of marriage'
    >>> _short_description("Plasma glucose concentration (2 hours)"), _short_description("annual income; $1000s")
    ('plasma glucose concentration', 'annual income')
    >>> _short_description("clock speed in MHz"), _short_description("change in income")
    ('clock speed', 'change in income')
    >>> _short_description("Yearly income (in USD 10,000)."), _short_description("Number of dependents.")
    ('yearly income', 'number of dependents')
    >>> _short_description("Customer brand loyalty for CH")
    'customer brand loyalty for CH'
    >>> _short_description("Transplant status with levels control (did not receive one) and treatment.")
    'transplant status'
    >>> _short_description("full-value property-tax rate per $10,000.")
    'full-value property-tax rate per $10,000'
    >>> _short_description("median value in $1,000s"), _short_description("revenue in 1,000,000s, yearly")
    ('median value', 'revenue in 1,000,000s')
    """
    s = re.sub(r"\s*\([^)]*\)", "", desc).strip()
    # (a sentence's full stop ends the name too: "Yearly income (in USD 10,000)." is "yearly income")
    # (never at a comma inside a number: "property-tax rate per $10,000")
    s = re.split(r"\s*[,;:]\s+|\s*[,;](?!\d{3}(?:s?\b))|\s+=|\s+-\s+|\s+with levels?\b", s)[0].strip().rstrip(".").strip()
    # lower case, but a code stays as written: "brand loyalty for CH", not "for ch"
    s = re.sub(r"[A-Za-z][\w'-]*", lambda m: m.group(0) if re.fullmatch(r"[A-Z]{2,5}", m.group(0)) else m.group(0).lower(), s)
    # the unit at the end is the value's, not the name's ("clock speed in MHz" of 66 is "clock speed of 66")
    return re.sub(r"\s+in\s+(?:the\s+)?" + UNITS + r"$", "", s) or s


# Units a description names its values in ("in years", "in MB", "in US dollars")
UNITS = (r"(?:(?:us |u\.s\. )?dollars|usd|euros?|pounds|lbs?|kg|g|grams|cm|mm|m|meters|metres|inch(?:es)?|feet|"
         r"years?|months?|weeks?|days?|hours?|minutes?|seconds?|kb|mb|gb|tb|mhz|ghz|hz|percent|%|thousands?|"
         r"\$?1,?000s)")


# A description that only lists a column's values, one word each: "female or male", "no, yes".
VALUE_LIST = re.compile(r"[\w-]+(?:,\s*[\w-]+)*,?\s+or\s+[\w-]+")


def _names_a_thing(short: str) -> bool:
    """Whether a short description reads as a name ("annual income"), not a coding ("=1 if
    married", "1 = anti to 5 = very religious") or a unit ("in years")."""
    words = short.split()
    # (nor a question: "is a CD-ROM present?" names no thing)
    # (nor R's "a factor with levels ...": a coding, which ``codings.letter_codes`` reads)
    return bool(words) and len(words) <= 8 and re.match(r"[a-z]", short) is not None and not short.endswith("?") and \
        not re.match(r"(?:an? )?factor\b", short) and \
        words[0] not in {"in", "of", "for", "with", "if", "=", "per", "from", "measured", "is", "are", "was", "were",
                         "does", "do", "did", "has", "have", "had", "whether", "can", "will"}


def tabular_player(index: int, name: str, value: Any, contribution: float | None,
                   descriptions: dict[str, str] | None = None) -> Player:
    """A feature as the narration names it.

    >>> tabular_player(0, "Seniority", 1.0, 0.1).phrase, tabular_player(0, "Seniority", 2.0, 0.1).phrase
    ('1 year in the current job', '2 years in the current job')
    >>> tabular_player(0, "Sex", 1, 0.1, {"Sex": "1=female or 0=male"}).phrase
    'sex “female”'
    >>> tabular_player(0, "sex", "male", 0.1, {"sex": "female or male"}).phrase
    'sex “male”'
    """
    spec = vocabulary().get("features", {}).get(name, {})
    desc = (descriptions or {}).get(name, "")
    short = _short_description(desc) if desc else ""
    if not is_number(value) and VALUE_LIST.fullmatch(short):
        short = ""  # "female or male" (R's documentation of a factor) lists its values, names nothing
    noun = spec.get("noun") or (short if _names_a_thing(short) else _split_name(name))
    aliases = {name.lower(), _split_name(name), noun.lower(), expand_abbreviations(_split_name(name))}
    if desc:
        aliases |= {desc.lower(), short}
    aliases |= {s.lower() for s in spec.get("synonyms", [])}
    numeric = is_number(value)
    categories = {str(k): v for k, v in spec.get("categories", {}).items()}
    coded = {code: said for said, code in codings(desc).items()} if desc and not categories else {}
    lettered = letter_codes(desc) if desc and not categories and not numeric else {}
    if str(value) in lettered:  # "A factor with levels: F, female; M, male": 'sex “female”', not 'sex “F”'
        categories = {code: _coded_phrase(noun, said) for code, said in lettered.items()}
    if numeric and len(coded) >= 2 and float(value).is_integer() and int(value) in coded:
        # "1=female or 0=male": a coded value is said in its words ('sex “female”'), a category
        categories = {str(code): _coded_phrase(noun, said) for code, said in coded.items()}
        value, numeric = str(int(value)), False
    category_phrases = {v.lower(): k for k, v in categories.items()}
    if numeric and "year" in name.lower() and float(value).is_integer() and 1000 <= value < 3000:
        value = int(value)  # a year reads "2005", not "2,005"
        if AGE_YEAR_WORDS & set(_split_name(name).split()):
            # The year something was built or born is its age, as people say ("the age of the house").
            aliases |= {"age", "its age", "the age"}
        phrase = f"{noun} {value}" if noun.endswith(("year built", "year")) else f"{noun} of {value}"
    elif numeric:
        pattern = spec.get("numeric", "{noun} of {value}")
        if fmt_number(value) == "1":  # "1 year in the current job", not "1 years"
            pattern = re.sub(r"(\{value\} \w+?)s\b", r"\1", pattern)
        phrase = pattern.replace("{noun}", noun).replace("{value}", fmt_number(value))
        # The pattern's fixed words also name the feature ("a loan term of", "years in the current job").
        for part in pattern.replace("{noun}", noun).split("{value}"):
            words = words_of(part)
            while words and words[0] in {"a", "an", "the", "of"}:
                words = words[1:]
            while words and words[-1] in {"a", "an", "the", "of"}:
                words = words[:-1]
            if words:
                aliases.add(" ".join(words))
    elif value is None or (isinstance(value, float) and math.isnan(value)):
        phrase = f"an unknown {noun}"
    elif str(value) in categories:
        phrase = categories[str(value)]
    else:
        phrase = f"{noun} {quote(str(value))}"
    aliases = sorted(a for a in aliases if a)
    return Player(index, name, value, contribution, phrase, noun, aliases, category_phrases, numeric)


def _coded_phrase(noun: str, said: str) -> str:
    """A coded value in words: alone where they name the feature too ("emergency admission", "no
    infection"), else after its noun ('sex “female”', 'age group “old”').

    >>> _coded_phrase("emergency", "emergency admission"), _coded_phrase("sex", "female")
    ('emergency admission', 'sex “female”')
    """
    if set(words_of(noun)) & set(words_of(said)):
        return said
    return f"{noun} {quote(said)}"


# A year column with one of these words is also an age ("Year_Built", "birth_year").
AGE_YEAR_WORDS = frozenset({"built", "construction", "constructed", "founded", "established", "born", "birth",
                            "made", "manufactured", "opened", "remodeled", "remod", "renovated"})


# Words of a column name too generic to name one feature on their own ("total", "number").
GENERIC_NAME_WORDS = frozenset("""total number count mean average avg sum value values level rate index score
size amount type kind first second last main other above below ground area square feet""".split())


def _word_aliases(players: list[Player]) -> None:
    """Give each feature the words of its name that no other feature's name has ("basement" for
    Total_Bsmt_SF, "ratio" for cholesterol_ratio), and the initials of a name of three or more
    words ("bmi" for body_mass_index): how people shorten column names in their own sentences."""
    # "age" names a year-built column only when no other feature is an age.
    ages = [p for p in players if "age" in p.aliases]
    if len(ages) > 1:
        for p in ages:
            if p.name.lower() != "age" and "age" not in _split_name(p.name).split():
                p.aliases = [a for a in p.aliases if a not in ("age", "its age", "the age")]
    owners: dict[str, set[int]] = {}
    for p in players:
        for w in set(expand_abbreviations(_split_name(p.name)).split()) | set(_split_name(p.name).split()):
            if len(w) >= 4 and w.isalpha() and w not in GENERIC_NAME_WORDS:
                owners.setdefault(w, set()).add(p.index)
    # (a word's singular or plural in another name makes it no one's: "page" of characters_per_page
    # beside a feature ``pages``, which "the page count" would otherwise name wrongly)
    by_stem: dict[str, set[int]] = {}
    for w, idx in owners.items():
        by_stem.setdefault(w[:-1] if w.endswith("s") and not w.endswith("ss") else w, set()).update(idx)
    for w, idx in owners.items():
        if len(idx) == 1 and len(by_stem[w[:-1] if w.endswith("s") and not w.endswith("ss") else w]) == 1:
            p = players[next(iter(idx))]
            if w not in p.aliases:
                p.aliases.append(w)
    for p in players:
        words = _split_name(p.name).split()
        if len(words) >= 3 and all(w.isalpha() for w in words):
            initials = "".join(w[0] for w in words)
            if initials not in p.aliases:
                p.aliases.append(initials)


def text_player(index: int, name: str, value: Any, contribution: float | None) -> Player:
    return Player(index, name, value, contribution, f"the word {quote(name)}", quote(name), [])


def image_player(index: int, name: str, value: Any, contribution: float | None) -> Player:
    aliases = [name.lower()] + [a.lower() for a in vocabulary().get("regions", {}).get(name, [])]
    return Player(index, name, value, contribution, f"the {name} of the image", f"the {name}", aliases)


def facts_for(record: Any, descriptions: dict[str, str] | None = None) -> Facts:
    """The Facts view of an Evidence record or a counterfactual/what-if dict (see records.py)."""
    if isinstance(record, Evidence):
        return _evidence_facts(record, descriptions)
    return counterfactual_facts(record, descriptions)


def _evidence_facts(ev: Evidence, descriptions: dict[str, str] | None) -> Facts:
    descriptions = descriptions if descriptions is not None else ev.extra.get("descriptions")
    players = []
    for i, a in enumerate(ev.attributions):
        if ev.kind == "text":
            players.append(text_player(i, a.name, a.value, a.contribution))
        elif ev.kind == "image":
            players.append(image_player(i, a.name, a.value, a.contribution))
        else:
            players.append(tabular_player(i, a.name, a.value, a.contribution, descriptions))
        players[-1].standard_error = a.standard_error
        if ev.kind == "tabular" and players[-1].numeric:
            players[-1].percentile = _percentile(ev.extra.get("percentiles"), a.name)
    if ev.kind == "tabular":
        _word_aliases(players)
        # The unit and the predicted quantity name no feature ("articles" in mentor_articles when the
        # model predicts articles): one word of a column name that is also theirs is not its alias.
        own = set(words_of(str(ev.unit or ""))) | set(words_of(_split_name(str(ev.predicted_label or ""))))
        if ev.is_regression:
            for p in players:
                p.aliases = [a for a in p.aliases if a not in own or a == p.name.lower()]
    labels = {c: label_aliases(c) for c in ev.probabilities}
    if ev.is_regression and ev.predicted_label:
        # The predicted quantity ("Sale_Price") is named like a feature ("sale price", "price").
        name = ev.predicted_label
        labels[name] = sorted({*label_aliases(name), _split_name(name), _split_name(name).split()[-1]})
    return Facts("evidence", ev.kind, ev.predicted_label, ev.target_label, dict(ev.probabilities),
                 float(ev.base_value), players, labels, ev, output_kind=ev.output_kind, unit=ev.unit,
                 prediction=ev.output_value if (ev.is_regression or ev.prediction is not None) else None)


def _percentile(percentiles: Any, name: str) -> float | None:
    """A feature's percentile from the record's ``extra["percentiles"]``, or None where it has none
    (or an unreadable one: a record from elsewhere may hold anything)."""
    p = percentiles.get(name) if isinstance(percentiles, dict) else None
    return float(p) if is_number(p) and 0.0 <= p <= 1.0 else None


def counterfactual_facts(record: dict, descriptions: dict[str, str] | None = None) -> Facts:
    """The Facts view of a counterfactual or what-if dict (its shape: records.py).

    >>> rec = {"kind": "counterfactual", "label": "bad", "probability": 0.71, "new_label": "good",
    ...        "new_probability": 0.64, "changes": [{"feature": "Income", "from": 330, "to": 1200}]}
    >>> f = counterfactual_facts(rec)
    >>> f.players[0].name, f.new_label, f.input_kind
    ('Income', 'good', 'tabular')
    >>> words = {**rec, "input_kind": "text", "changes": [{"feature": "stale", "from": "stale", "to": None}]}
    >>> p = counterfactual_facts(words).players[0]
    >>> p.noun, p.action
    ('“stale”', 'remove')
    """
    validate(record)
    kind = input_kind(record)
    players = []
    for i, ch in enumerate(record["changes"]):
        # A change has no signed contribution: the verifier checks its name, values and action.
        name = str(ch["feature"])
        if kind == "text":
            p = text_player(i, name, None, None)
        elif kind == "image":
            p = image_player(i, name, None, None)
        else:
            p = tabular_player(i, name, ch["to"], None, descriptions)
        p.value = (ch["from"], ch["to"])
        p.action = change_action(ch, kind)
        players.append(p)
    label, new = str(record["label"]), str(record["new_label"])
    probs = {label: float(record["probability"])}
    if new != label:
        probs[new] = float(record["new_probability"])
    labels = {c: label_aliases(c) for c in probs}
    regression = record.get("output_kind") == "regression"
    return Facts("change", kind, label, label, probs, float(record["probability"]), players, labels,
                 record, new_label=new, new_probability=float(record["new_probability"]),
                 output_kind="regression" if regression else "classification",
                 unit=record.get("unit") if regression else "probability",
                 prediction=float(record["probability"]) if regression else None)
