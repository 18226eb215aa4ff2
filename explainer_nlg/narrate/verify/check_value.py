"""Values described against other rows: "a light car", "her low income", "it is so light", "a cool
day", "income below average" (decision 0023).

Such a word is a claim about how the row's value compares with other rows. The Evidence record
backs it only with the feature's percentile among the background rows (``extra["percentiles"]``,
``Player.percentile``): a low-side word ("low", "light", "young") is backed at the 30th percentile
or below, a high-side one ("high", "heavy", "old") at the 70th or above; "very", "unusually" and
the far words ("huge", "tiny") need the 15th or 85th; "slightly", "below average" and a
comparative with what it compares to ("lower than most") need only the lower or upper half. The
words, their sides and senses are data (``[values]`` in prompts/verifier_words.toml).

The word must be attached to one feature: beside it ("its low horsepower", "a brisk 13.8 mph
wind", "the large class of 182 students", "his mentor's few articles"), after it with a verb of
being ("her income was low"),
or through the row itself when its sense fits exactly one feature ("a light car", "it is so
light": weight; "a cool day": the temperature, even where the record has a day of the month).
Read through the row in a clause that states a direction, a rank or the feature's figure ("mostly
because it is so light", "a cool day of 67 degrees was the main reason"), the word names that
feature, so those claims are checked on it; beside a feature, the feature keeps its own claims.
A word attached to nothing is left to ``resolve_leftovers``, which rejects it as before (unless it
is a connecting word there too: "small", "few"), and so is any word without its percentile.

>>> from explainer_nlg.evidence import Evidence
>>> from explainer_nlg.narrate.verify import verify_sentence
>>> car = Evidence.from_contributions([("weight", 1985, 3.9), ("horsepower", 52, 3.1), ("year", 1978, 0.4)],
...                                   prediction=37.0, base_value=23.6, unit="mpg", name="fuel economy",
...                                   percentiles={"weight": 0.09, "horsepower": 0.02, "year": 0.66})
>>> verify_sentence("The low horsepower added about 3.1 mpg.", car).ok
True
>>> verify_sentence("It is so light that its weight added about 3.9 mpg.", car).ok
True
>>> verify_sentence("The heavy weight added about 3.9 mpg.", car).reason
'value: weight is at the 9th percentile of the background rows: light, not heavy'
>>> verify_sentence("A young car like this gets about 37 mpg.", car).reason
'value: “young” describes age, which no feature here is'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..facts import AGE_YEAR_WORDS, Facts, Player
from ..vocabulary import words_of
from .context import RecordContext
from .phrases import NEGATIONS, SPLIT_WORDS, verifier_words
from .tokens import Meaning, Reading, Token, norm_possessive
from .verdict import Claim

# How far from the middle of the other rows a word must put the value (percentile, low side; the
# high side mirrors it): a plain word, a far one ("very light", "huge"), one of the lower half.
PLAIN_AT = 0.30
FAR_AT = 0.15
HALF_AT = 0.50
COPULAS = frozenset({"is", "was", "are", "were", "seems", "seemed", "looks", "looked", "remains", "remained",
                     "stays", "stayed", "being", "be"})
# Words that stand for the row before a verb of being ("it is so light", "she is young").
PRONOUNS = frozenset({"it", "she", "he", "they", "this", "that"})
PRONOUN_COPULAS = frozenset({"it's", "she's", "he's", "they're"})
# "a high number of pregnancies", "a low level of glucose": the value word describes the feature.
MEASURE_NOUNS = frozenset({"number", "amount", "count", "level", "levels", "quantity"})
NO_PERCENTILE = "describes a value against other rows, which the evidence does not hold"


@dataclass(frozen=True)
class ValueLexicon:
    """``[values]`` of prompts/verifier_words.toml, read once."""

    side: dict[str, int]  # word -> -1 (low side) / +1 (high side)
    opposite: dict[str, str]
    far_words: frozenset[str]
    comparative_only: frozenset[str]
    far: frozenset[str]
    plain: frozenset[str]
    half: frozenset[str]
    references: frozenset[str]
    senses: dict[str, frozenset[str]]
    row_nouns: frozenset[str]


@functools.lru_cache(maxsize=1)
def value_lexicon() -> ValueLexicon:
    data = verifier_words()
    v = data["values"]
    side: dict[str, int] = {}
    opposite: dict[str, str] = {}
    for pair in v["sides"]:
        words = pair.split()
        for w, s in zip(words, (-1, 1)):
            side.setdefault(w, s)
        if len(words) == 2:
            opposite.setdefault(words[0], words[1])
            opposite.setdefault(words[1], words[0])
    return ValueLexicon(side, opposite, frozenset(v["extreme"].split()), frozenset(v["comparative_only"].split()),
                        frozenset(v["far_modifiers"].split()), frozenset(v["plain_modifiers"].split()),
                        frozenset(v["half_modifiers"].split()), frozenset(v["references"].split()),
                        {w: frozenset(s) for w, s in v.get("senses", {}).items()},
                        frozenset(data["claim_free"]["row_nouns"].split()))


@dataclass
class Description:
    """One value description read from a sentence: its words, side and how far it reaches."""

    start: int  # first token (a modifier, or the word)
    end: int  # last token of the word or phrase ("below the average", "lighter than most")
    word: str  # the value word ("light"), or "below"/"above" for "below average"
    side: int  # -1 low side, +1 high side
    reach: float  # how close to its own end a percentile must be: PLAIN_AT, FAR_AT or HALF_AT
    text: str
    needs_than: bool = False  # "lower": a description only with what it compares to ("than most")


@dataclass
class Attached:
    """The feature a description is about, and how it was found."""

    index: int
    inverted: bool = False  # a year built: the older, the earlier
    problem: Claim | None = None  # the word cannot be pinned to one feature
    names_at: int | None = None  # the token that now names the feature ("light" in "a light car")


def read_values(toks: list[Token], ctx: RecordContext, claims: list[Claim]) -> None:
    """Find value descriptions attached to a feature and check them (module docstring). Run after
    the record's phrases and the cue words are marked, before the clauses are split."""
    f = ctx.f
    if f.is_change or f.input_kind != "tabular" or not f.players:
        return
    lex = value_lexicon()
    for i, t in enumerate(toks):
        if t.kind != "word" or (t.used and not _single_cue(t)):
            continue
        d = _description(toks, i, lex)
        if d is None:
            continue
        found = _attach(toks, d, ctx, lex)
        if found is None:
            continue
        for k in range(d.start, d.end + 1):
            toks[k].used = True
            toks[k].ref = None if k != found.names_at else \
                Reading("fact", (Meaning("player", players=(found.index,)),), first=True, text=toks[k].text)
        if _negated(toks, d.start):
            # "not a low horsepower", "a less heavy car": what the value is not says little of
            # where it is, and reading the word alone would back the opposite claim
            claims.append(Claim("value", d.text, False, f"“{d.text}” is said with a negation, which is not "
                                                        "checked against the other rows"))
            continue
        claims.append(found.problem or _check(f.players[found.index], d, found.inverted))


# Words that turn a value description around within the three words before it.
NEGATING = NEGATIONS | {"no", "less", "least", "without", "nothing", "barely", "scarcely"}


def _negated(toks: list[Token], start: int) -> bool:
    for x in reversed(toks[max(0, start - 3):start]):
        if x.kind == "punct":
            return False
        if x.kind == "word" and (x.norm in NEGATING or x.norm.endswith("n't")):
            return True
    return False


def unattached_value(run: list[Token], f: Facts) -> str:
    """Why value words that ``read_values`` left ("good looks", "light" beside nothing) fail."""
    if not any(p.percentile is not None for p in f.players):
        return NO_PERCENTILE
    sideless = [x.text for x in run if x.norm not in value_lexicon().side]
    if sideless:
        return f"describes a value against other rows without saying which side of them “{sideless[0]}” is"
    return "describes a value against other rows, but no feature it can describe is named beside it"


def _single_cue(t: Token) -> bool:
    """A one-word cue ("small" is a rank word) may be a value word where it stands beside a feature."""
    return t.ref is not None and t.ref.tag == "cue" and " " not in t.ref.text


def _description(toks: list[Token], i: int, lex: ValueLexicon) -> Description | None:
    """The value description whose word is at ``i``, with its modifier and comparison, or None."""
    t = toks[i]
    end, compared, needs_than = i, False, False
    if t.norm in ("below", "above"):
        # "below average", "above the median": the lower or upper half, said outright
        k = i + 1 + (_word(toks, i + 1) == "the")
        if _word(toks, k) not in ("average", "median", "typical"):
            return None
        side, end, compared = (-1 if t.norm == "below" else 1), k, True
    elif t.norm in lex.side:
        side = lex.side[t.norm]
        k = _than_reference(toks, i + 1, lex)
        if k is not None:
            end, compared = k, True
        else:
            compared = t.norm.endswith("-average")
            needs_than = t.norm in lex.comparative_only
    else:
        return None
    start, reach = i, PLAIN_AT
    mod = _word(toks, i - 1)
    two_words = mod in ("bit", "little")  # "a bit low", "a little short"
    if (mod in lex.far or mod in lex.plain or mod in lex.half) and (not two_words or _word(toks, i - 2) == "a") \
            and (not toks[i - 1].used or (toks[i - 1].ref is not None and toks[i - 1].ref.tag == "cue")):
        start = i - 2 if two_words else i - 1
        reach = FAR_AT if mod in lex.far else HALF_AT if mod in lex.half else PLAIN_AT
    if t.norm in lex.far_words:
        reach = FAR_AT
    if compared or needs_than:
        reach = HALF_AT
    return Description(start, end, t.norm, side, reach, " ".join(x.text for x in toks[start:end + 1]), needs_than)


def _than_reference(toks: list[Token], k: int, lex: ValueLexicon) -> int | None:
    """The last token of "than most", "than average", "than the typical car" starting at ``k``."""
    if _word(toks, k) != "than":
        return None
    j = k + 1
    if _word(toks, j) in ("the", "a", "an"):
        j += 1
    if _word(toks, j) not in lex.references:
        return None
    if _word(toks, j + 1) in lex.row_nouns or _word(toks, j + 1) in ("ones", "rows", "cases"):
        j += 1
    return j


def _word(toks: list[Token], k: int) -> str:
    return toks[k].norm if 0 <= k < len(toks) and toks[k].kind == "word" else ""


def _attach(toks: list[Token], d: Description, ctx: RecordContext, lex: ValueLexicon) -> Attached | None:
    """The feature the description is about, or None when it stands beside no feature (it is then
    left to ``resolve_leftovers``)."""
    f = ctx.f
    # Beside a feature, after it: "low income", "a brisk 13.8 mph wind", "a high number of pregnancies".
    j = d.end + 1
    if _word(toks, j) in MEASURE_NOUNS and _word(toks, j + 1) == "of":
        j += 2
    elif _is_plain_word(toks, j) and _word(toks, j + 1) == "of" and _is_num(toks, j + 2):
        j += 2  # "the large class of 182 students": the class's size is the students feature
    if _is_num(toks, j):
        j += 1
        if _word(toks, j) and _player_at(toks, j) is None and _player_at(toks, j + 1) is not None:
            j += 1  # a unit between the figure and the feature ("13.8 mph wind")
    idx = _player_at(toks, j)
    if idx is not None and _word(toks, j) in lex.row_nouns and not _fits(d.word, f.players[idx], ctx, lex)[0]:
        # "a cool day" where the record has a day of the month: the day is the row, cool its temperature
        toks[j].used, toks[j].ref = True, None
        return _through_row(toks, d, ctx, lex)
    if idx is not None:
        if d.needs_than:
            after = _phrase_end(toks, j) + 1
            k = _than_reference(toks, after, lex)
            if k is None:
                return None  # "a higher income would ...": no claim about this row's standing
            for x in toks[after:k + 1]:
                x.used, x.ref = True, None
        return _on_feature(d, idx, ctx, lex)
    if d.needs_than:
        return None
    shared = _shared_noun(toks, j, d, ctx, lex)
    if shared is not None:
        return shared
    if _word(toks, j) in lex.row_nouns:
        return _through_row(toks, d, ctx, lex)
    # After a feature in the possessive: "his mentor's few articles".
    before = _player_at(toks, d.start - 1, anywhere=True)
    if before is not None and toks[d.start - 1].norm.endswith("'s"):
        return _on_feature(d, before, ctx, lex)
    # After a verb of being: "her income was low", "her age of 50 is young", "it is so light".
    k = d.start - 1
    if _word(toks, k) in PRONOUN_COPULAS:
        return _through_row(toks, d, ctx, lex, pronoun=True)
    if _word(toks, k) not in COPULAS:
        return None
    k -= 1
    if _is_num(toks, k) and _word(toks, k - 1) == "of":
        k -= 2
    idx = _player_at(toks, k, anywhere=True)
    if idx is not None:
        return _on_feature(d, idx, ctx, lex)
    if _word(toks, k) in PRONOUNS or norm_possessive(_word(toks, k)) in lex.row_nouns:
        return _through_row(toks, d, ctx, lex, pronoun=_word(toks, k) in PRONOUNS)
    return None


def _on_feature(d: Description, idx: int, ctx: RecordContext, lex: ValueLexicon) -> Attached:
    p = ctx.f.players[idx]
    fits, inverted = _fits(d.word, p, ctx, lex)
    if fits:
        return Attached(idx, inverted)
    return Attached(idx, problem=Claim("value", d.text, False, f"“{d.word}” does not describe {p.noun} (it "
                                       f"describes {' or '.join(sorted(lex.senses[d.word]))})"))


def _through_row(toks: list[Token], d: Description, ctx: RecordContext, lex: ValueLexicon,
                 pronoun: bool = False) -> Attached | None:
    """"A light car", "it is so light": the row's one feature the word's sense fits. The word then
    names that feature, so its clause's direction, rank and figures are checked on it. After a
    pronoun, only a word with a sense is read so: "it was small" is more often an effect's size."""
    if d.word not in lex.senses:
        if pronoun:
            return None
        # "a small house": the house's size could be its living area, its lot or its basement
        return Attached(0, problem=Claim("value", d.text, False, f"“{d.word}” describes the row against other "
                                         "rows without naming which of its features"))
    fitting = [(p.index, inv) for p in ctx.f.players for fit, inv in [_fits(d.word, p, ctx, lex)] if fit]
    if len(fitting) > 1:
        names = " or ".join(ctx.f.players[i].noun for i, _ in fitting)
        return Attached(0, problem=Claim("value", d.text, False, f"“{d.word}” could describe {names}"))
    if not fitting:
        return Attached(0, problem=Claim("value", d.text, False, f"“{d.word}” describes "
                                         f"{' or '.join(sorted(lex.senses[d.word]))}, which no feature here is"))
    idx, inverted = fitting[0]
    word_at = next(k for k in range(d.start, d.end + 1) if toks[k].norm == d.word)
    # The word stands for the feature where its clause says something of it: a direction or rank
    # ("mostly because it is so light", "a cool day was the main reason") or its figure ("a cool day
    # of 67 degrees"). Elsewhere the row is the subject ("a light car like this gets 37 mpg").
    a, b = _clause_around(toks, word_at)
    said = any(x.ref is not None and x.ref.tag == "cue" for x in toks[a:b]) or \
        (_word(toks, d.end + 2) == "of" and _is_num(toks, d.end + 3))
    return Attached(idx, inverted, names_at=word_at if said else None)


def _clause_around(toks: list[Token], k: int) -> tuple[int, int]:
    """[start, end) of the clause holding token ``k``: up to punctuation or a joining word."""
    def ends(x: Token) -> bool:
        return x.kind == "punct" or (x.kind == "word" and not x.used and x.norm in SPLIT_WORDS)

    a = k
    while a > 0 and not ends(toks[a - 1]):
        a -= 1
    b = k + 1
    while b < len(toks) and not ends(toks[b]):
        b += 1
    return a, b


def _shared_noun(toks: list[Token], j: int, d: Description, ctx: RecordContext,
                 lex: ValueLexicon) -> Attached | None:
    """"Its shallow bill" where bill length and bill depth share "bill": the one of them the word's
    sense fits (depth) is the feature; the noun then names it."""
    t = toks[j] if 0 <= j < len(toks) else None
    if t is None or t.kind != "word" or t.used or t.norm in ctx.glue or d.word not in lex.senses:
        return None
    forms = {t.norm, t.norm[:-1] if t.norm.endswith("s") else t.norm + "s"}
    sharing = [p for p in ctx.f.players if forms & {w for a in p.aliases for w in words_of(a)}]
    if len(sharing) < 2:
        return None
    fitting = [(p.index, inv) for p in sharing for fit, inv in [_fits(d.word, p, ctx, lex)] if fit]
    if len(fitting) != 1:
        return None
    idx, inverted = fitting[0]
    t.used = True  # the noun now names the one feature it can mean here
    t.ref = Reading("fact", (Meaning("player", players=(idx,)),), first=True, text=t.text)
    return Attached(idx, inverted)


def _fits(word: str, p: Player, ctx: RecordContext, lex: ValueLexicon) -> tuple[bool, bool]:
    """(whether the word's sense fits feature ``p``, whether its scale runs the other way): a word
    with no sense fits any feature; "old" fits the year a house was built, an earlier year older."""
    senses = lex.senses.get(word)
    if senses is None:
        return True, False
    own = {w for a in [p.noun, *p.aliases] for w in words_of(a)}
    named = any(m.kind == "player" and p.index in m.players for s in senses for m in ctx.phrases.get((s,), []))
    if not (own & senses or named):
        return False, False
    name_words = set(words_of(p.name.replace("_", " ")))
    inverted = "age" in senses and "year" in name_words and bool(name_words & AGE_YEAR_WORDS)
    return True, inverted


def _check(p: Player, d: Description, inverted: bool) -> Claim:
    """The description against the feature's percentile among the background rows."""
    if p.percentile is None:
        return Claim("unknown", d.text, False, f"“{d.text}” {NO_PERCENTILE}")
    q = 1.0 - p.percentile if inverted else p.percentile  # a year built: the older, the earlier
    low = q if d.side < 0 else 1.0 - q  # how far toward the word's own side, from 0 (at its end)
    ok = low < HALF_AT if d.reach == HALF_AT else low <= d.reach + 1e-9
    if ok:
        return Claim("value", d.text, True, f"{p.noun} is at the {_ordinal(p.percentile)} percentile")
    lex = value_lexicon()
    word = f"{d.word} average" if d.word in ("below", "above") else d.word
    other = {"below": "above average", "above": "below average"}.get(d.word) or \
        lex.opposite.get(d.word, "high" if d.side < 0 else "low")
    pair = (word, other) if d.side < 0 else (other, word)
    if 1.0 - low <= PLAIN_AT + 1e-9:
        said = f"{other}, not {word}"
    elif d.reach == HALF_AT:
        said = f"not {d.text}: it is in the {'upper' if d.side < 0 else 'lower'} half"
    elif d.reach == FAR_AT and low <= PLAIN_AT + 1e-9:
        said = f"{word}, but not {d.text} (that takes the {_ordinal(FAR_AT)} percentile or beyond)"
    else:
        said = f"neither {pair[0]} nor {pair[1]}"
    turned = " (a later year is a newer one)" if inverted else ""
    return Claim("value", d.text, False, f"{p.noun} is at the {_ordinal(p.percentile)} percentile of the "
                                         f"background rows{turned}: {said}")


def _ordinal(p: float) -> str:
    """A percentile as people say it: 0.09 -> "9th", 0.45 -> "45th", 0.21 -> "21st"."""
    n = int(round(p * 100))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _is_num(toks: list[Token], k: int) -> bool:
    return 0 <= k < len(toks) and toks[k].kind == "num"


def _is_plain_word(toks: list[Token], k: int) -> bool:
    """A word that is no feature, class or cue ("class" in "the large class of 182 students")."""
    t = toks[k] if 0 <= k < len(toks) else None
    return t is not None and t.kind == "word" and t.ref is None


def _player_at(toks: list[Token], k: int, anywhere: bool = False) -> int | None:
    """The one feature the token at ``k`` names (as the first word of its phrase, or with
    ``anywhere`` as any word of it), or None."""
    t = toks[k] if 0 <= k < len(toks) else None
    if t is None or t.ref is None or not t.ref.is_fact("player") or (not anywhere and not t.ref.first):
        return None
    ids = t.ref.meanings[0].players
    return ids[0] if len(ids) == 1 else None


def _phrase_end(toks: list[Token], k: int) -> int:
    """The last token of the phrase that starts at ``k``."""
    while k + 1 < len(toks) and toks[k + 1].ref is not None and not toks[k + 1].ref.first \
            and toks[k + 1].ref.text == toks[k].ref.text:
        k += 1
    return k
