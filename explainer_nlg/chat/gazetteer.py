"""Spans the tagger missed, found by the schema's own words.

The learned tagger (``chat.learned``) marks most mentions, but it reads words it never saw in
training less surely: "good risk", "new car", "telephone", "foreign workers", "prior records".
Those words are, however, written in the schema at hand: its column names, its category values,
its class names, and the lexicon's outcome words. This pass looks at the words no tagged span
covers and marks a run of them that *is* such a name (exactly, after the usual singular/plural
and word-splitting), longest first. It never overrides a tagged span, never reads a word as a
feature by resemblance alone (that is the linker's job, on tagged spans), and marks a number only
by its form.

>>> from explainer_nlg.chat.schema import ChatSchema
>>> s = ChatSchema(["HasTelephone", "purpose", "Amount"], {"purpose": ["new car", "education"],
...                "HasTelephone": [0, 1]}, ["not credit worthy", "credit worthy"])
>>> q = "how many with a telephone wanted a new car and were denied?"
>>> [(q[a:b], t) for a, b, t, _ in fill(q, [], s)]
[('telephone', 'FEAT'), ('new car', 'VAL'), ('denied', 'CLS')]
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..narrate.codings import codings
from . import linking
from .corpus import bank_words
from .schema import ChatSchema, split_words

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Words that are never a mention by themselves, however a schema spells its names.
QUIET = set("""a an the of to in on for by with and or but if is are was were be been being it its this that
these those there here what which who whom whose how why when where do does did done have has had
having can could would should will may might must not no yes any all some many much more most less few
me my i you your we our they them their he him his she her hers shes hes im theyre one ones about than then so very just also
model data row rows people person applicant applicants customer customers case cases number value
values feature features prediction predictions decision decisions outcome outcomes class label labels
show tell give list explain get got make made change changed changes like same other others""".split())
# "what makes someone get accepted", "what made them deny her": a verb of causing, not earnings
CAUSING = re.compile(r"(?i)(?:makes|making)\s+(?:someone|somebody|people|persons?|them|him|her|me|us|you|it|one|"
                     r"this|that|these|those|an?|the(?!\s+(?:most|least)\b))\b")
# Outcome words too loose to take from untagged text ("left" a job, "likely" anything).
LOOSE_OUTCOMES = {"left", "leave", "leaves", "clear", "none", "normal", "fine", "false", "true", "positive",
                  "negative", "pass", "live", "stay", "held", "late", "release", "likely", "unlikely", "flag",
                  "flagged", "risk", "good", "bad", "default", "death", "ill", "sick", "detected", "diagnosed",
                  "released", "hired", "admitted", "paid", "pays", "success", "failure", "fail", "accept"}
# Outcome words under five letters, read as one where no column of the data is so named.
SHORT_OUTCOMES = {"died", "dies", "dead", "die"}
MAX_WORDS = 4
# Target names that say nothing of the outcome ("outcome", "label"): never an outcome word's stem.
GENERIC_TARGETS = {"target", "label", "labels", "class", "outcome", "result", "status", "response", "y", "flag",
                   "category", "output", "prediction", "decision"}
# "it approves", "the model says wont work", "the model thinks will default": the model's decision,
# with a verb of saying and a modal or negation between (the negation is read where the class is)
MODEL_SAYS = re.compile(
    r"\b(?:it|the model|model)\s+(?:(?:says?|said|thinks?|thought|predicts?|predicted|expects?|reckons?|believes?|"
    r"guess(?:es)?|figures?)\s+(?:(?:they|he|she|it)\s+)?)?(?:(?:will|would|wont|won't|will not|would not|wouldnt|"
    r"wouldn't|does not|doesnt|doesn't|did not|didnt|didn't|is not|isnt|isn't)\s+)?"
    r"([a-z]+(?:\s+(?:down|away|out|off))?)\b")


def fill(text: str, spans: list, schema: ChatSchema) -> list[tuple[int, int, str, float]]:
    """Spans (start, end, tag, confidence 0.5) for untagged runs of words that name a class, a
    category value or a column of ``schema`` (tabular schemas; classes for every kind)."""
    covered = [False] * (len(text) + 1)
    for sp in spans:
        for i in range(max(0, sp[0]), min(len(text), sp[1])):
            covered[i] = True
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    out: list[tuple[int, int, str, float]] = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            a, b = words[i][0], words[i + n - 1][1]
            if any(covered[a:b]) or n == 1 and CAUSING.match(text, a):
                continue
            tag = kind(text[a:b], schema)
            if tag:
                out.append((a, b, tag, 0.5))
                i += n
                break
        else:
            i += 1
    return out + model_outcome(text, list(spans) + out, schema)


def kind(phrase: str, schema: ChatSchema) -> str | None:
    """"CLS", "VAL", "FEAT" or None for one run of words."""
    low = re.sub(r"\s+", " ", phrase.lower().replace("’", "'")).strip()
    words = low.split()
    if len(words) >= 2 and schema.kind == "tabular" and _full_name(low, schema):
        return "FEAT"  # "loan to value" for loan.to.value: a whole name, quiet words and all
    if len(words) >= 2 and schema.kind == "tabular" and _coded(low, schema):
        return "VAL"  # "very happy" where a description codes 5 = very happy: quiet words and all
    if not words or words[0] in QUIET or words[-1] in QUIET:
        return None
    if _class_word(low, schema):
        return "CLS"
    if schema.kind == "tabular" and low in {str(f).lower() for f in schema.features}:
        return "FEAT"  # a column's own name, however short ("hd", "cd")
    if schema.kind != "tabular" or len(low) < 3:
        return None
    v = linking.link_value(low, schema, use_embeddings=False)
    if v.best is not None and v.score >= 1.0 and low not in ("yes", "no", "true", "false", "other", "unknown"):
        return "VAL"
    if v.best is not None and v.score >= 0.85 and " " not in low and len(str(v.best[1])) >= 5 and \
            low.startswith(str(v.best[1]).lower()) and \
            low[len(str(v.best[1])):] in ("s", "es", "ic", "ics", "n", "ns", "ian", "ians", "ish", "ese"):
        return "VAL"  # "hispanics" of the value ``hispan``: the value, cut short in the data
    if linking.opposite_boolean(low, schema) is not None:
        return "VAL"  # "men" for isFemale, "renters" for isHomeOwner: a yes/no column's other side
    if _names_feature(low, schema):
        return "FEAT"
    cut = _cut_short(tuple(words), schema)
    if cut:
        return cut  # "african american" for a yes/no column ``afam`` (or a value so named)
    if " " not in low and low in _concept_words():
        named = linking.concept_feature(low, schema)
        if len(named) == 1 or len(named) == 2 and _co_pair(named):
            return "FEAT"  # "borrowed" where the data has one amount column; "earning" of an applicant and co-applicant
    return None


def _coded(low: str, schema: ChatSchema) -> bool:
    """The words a numeric column's description gives one of its codes ("1 = very unhappy to 5 =
    very happy"), exactly."""
    return low in _coded_phrases(tuple(schema.descriptions.get(f, "") for f in schema.numeric
                                       if f not in schema.booleans))


@functools.lru_cache(maxsize=64)
def _coded_phrases(descriptions: tuple[str, ...]) -> frozenset[str]:
    """Every coded phrase of the descriptions (once per schema: every run of words asks)."""
    return frozenset(words for d in descriptions for words in codings(d))


def _full_name(low: str, schema: ChatSchema) -> bool:
    """The words are a column's whole name split into words ("loan to value", "number of
    pregnancies" for a column so named)."""
    return low in _name_phrases(tuple(schema.features), tuple(schema.families))


@functools.lru_cache(maxsize=64)
def _name_phrases(features: tuple[str, ...], families: tuple[str, ...]) -> frozenset[str]:
    """Every column's and family's name as words (once per schema: splitting names is not free)."""
    return frozenset(" ".join(split_words(f)) for f in features + families)


def model_outcome(text: str, spans: list, schema: ChatSchema) -> list[tuple[int, int, str, float]]:
    """"ppl it approves", "tumours the model flags": an outcome verb right after "it" or "the model"
    is the model's decision, however it is inflected, where no tagged span covers it."""
    from .outcomes import _lexicon_words, _stem, spelled

    if not schema.classes:
        return []
    # the target's own name is an outcome verb too ("says wont work" for a target ``works``)
    target = {_stem(w) for w in split_words(schema.target or "") if len(w) >= 4}
    out = []
    for m in MODEL_SAYS.finditer(text.lower()):
        a, b = m.start(1), m.end(1)
        if any(sp[0] < b and a < sp[1] and sp[2] not in ("CLS", "PRED", "LABEL") for sp in spans):
            continue  # (a class word the tagger marked inside it, "down" of "turned down", is no rival)
        word = m.group(1)
        for form in (word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word):
            form = spelled(form)
            if len(form) >= 4 and (form in _lexicon_words() or _stem(form) in target):
                out.append((a, b, "CLS", 0.5))
                break
    return out


def _concept_words() -> set[str]:
    from .lexicon import lexicon

    return {w for c in lexicon()["concepts"] for w in c["words"] if " " not in w} - QUIET


def _class_word(low: str, schema: ChatSchema) -> bool:
    from .outcomes import _lexicon_words, _negated, _same, _stem, _verb_group, target_groups

    for c in schema.classes:
        if low == str(c).lower() or low in [a.lower() for a in schema.class_aliases.get(c, [])] or \
                low in (str(c).lower() + "s", str(c).lower() + "es") and len(schema.classes) <= 20:
            return len(low) >= 3 and not low.isdigit()  # a class's name, or its plural ("adelies")
    few = 2 <= len(schema.classes) <= 20  # a photo model's thousand nouns are not outcomes
    group = _verb_group(low)  # "join", "sign up" where a class is "enrolled"
    if few and group is not None and (any(_verb_group(_negated(str(c).lower())[1]) == group for c in schema.classes)
                                      or group in target_groups(schema)):
        return True  # ("work" where the target is labour-force participation)
    if low in SHORT_OUTCOMES and few and low not in {str(f).lower() for f in schema.features}:
        return True  # "how many passengers under 10 died" (not a column ``die`` of a machine part)
    if low in LOOSE_OUTCOMES or len(low) < 5:
        return False
    if low in _lexicon_words() and bool(schema.classes):
        return True
    # one word of a class's own name, inflected ("enroll", "enrollment" for a class "enrolled")
    if not few or " " in low or low in bank_words():
        return False
    core = [_stem(w) for c in schema.classes for w in _negated(str(c).lower())[1].split() if len(w) >= 5]
    # ... or of the target's own name ("cheaters" for a target ``cheated``), a word of substance
    core += [_stem(w) for w in split_words(schema.target or "") if len(w) >= 5 and w not in GENERIC_TARGETS]
    return any(_same(_stem(low), w) for w in core)


def _names_feature(low: str, schema: ChatSchema) -> bool:
    """The words are a column's name words, all of them ("foreign workers" for is_foreign_worker,
    "telephone" for HasTelephone), or a family's name."""
    ix = linking.index(schema)
    mine = [w for w in linking.content_words(low) if w not in linking.PREFIXES]
    if not mine or any(w in QUIET for w in mine):
        return False
    hits: list[Any] = [f for f in ix.items if ix.words[f] == mine or "".join(mine) == ix.glued[f]
                       or " ".join(split_words(f)) == low]
    return bool(hits) or _names_coded_column(mine, schema)


def _names_coded_column(mine: list[str], schema: ChatSchema) -> bool:
    """The words are a column's name without the code it carries, word for word or by stem
    ("loyalty" for ``LoyalCH``, "discount" for ``DiscMM``)."""

    def stem(a: str, b: str) -> bool:
        return a == b or min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))

    return any(len(words) == len(mine) and all(map(stem, mine, words))
               for words in _uncoded_names(tuple(schema.features)))


@functools.lru_cache(maxsize=64)
def _uncoded_names(features: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Each column name that carries a code, as its words without the code (``LoyalCH``:
    ("loyal",)), once per schema: every run of words asks."""
    from .value_forms import column_codes

    codes = {c.lower() for c in column_codes(features)}
    out = []
    for f in features:
        words = split_words(f)
        bare = tuple(w for w in words if w not in codes)
        if bare and len(bare) < len(words):
            out.append(bare)
    return tuple(out)


def _cut_short(words: tuple[str, ...], schema: ChatSchema) -> str | None:
    """"FEAT" or "VAL" where two or more words are what a one-word column name or category value
    was cut short and glued from (``afam``: "african american"), one such name only.

    >>> s = ChatSchema(["afam", "age"], {"afam": ["no", "yes"]})
    >>> _cut_short(("african", "american"), s), _cut_short(("average", "gender"), s)
    ('FEAT', None)
    """
    from .value_forms import abbreviates

    if len(words) == 1:
        return _shortened(words[0], schema)
    if len(words) < 2:
        return None
    feats = [f for f in schema.features if abbreviates(str(f), list(words))]
    values = [v for vs in schema.categories.values() for v in vs if abbreviates(str(v), list(words))]
    if len(feats) + len(values) != 1:
        return None
    return "FEAT" if feats else "VAL"


def _shortened(word: str, schema: ChatSchema) -> str | None:
    """"FEAT" where one word is what a one-word column name was cut from ("hispanic" for
    ``hispan``, "treatment" for ``trt``), or the first word of its description ("treatment" for
    ``rx`` described "treatment given"), one such column only; never a word the example bank asks
    with ("increase" is no column ``inc``).

    >>> s = ChatSchema(["hispan", "inc", "age"], {})
    >>> _shortened("hispanic", s), _shortened("increase", s), _shortened("agency", s)
    ('FEAT', None, None)
    """
    from .value_forms import shortens

    if len(word) < 5 or word in bank_words():
        return None
    ix = linking.index(schema)
    hits = [f for f in schema.features if len(ix.words.get(f, ())) == 1 and shortens(ix.glued[f], word)]
    if not hits and len(word) >= 6:
        # the word that heads one column's description ("treatment" for ``rx``: "treatment given")
        hits = [f for f in schema.features if ix.desc.get(f) and ix.desc[f][0] == word]
    return "FEAT" if len(hits) == 1 else None


def _co_pair(names: list[str]) -> bool:
    """Two columns about a person and a co-person ("ApplicantIncome", "CoapplicantIncome")."""
    a, b = ("".join(split_words(n)) for n in names)
    return a == "co" + b or b == "co" + a
