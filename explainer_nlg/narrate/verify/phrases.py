"""The words the verifier knows regardless of the record: connecting words, cue and rank phrases,
confidence phrases, change verbs (most of them read from ``prompts/vocabulary.toml``)."""

from __future__ import annotations

import functools

from ...prompt_files import load_prompt_file
from ..vocabulary import template_words, vocabulary, words_of

# Connecting words that belong to no claim even when a feature's name contains them.
STOPWORDS = frozenset("""a an the of to in on at for by with and or from as is are was were be been it its
this that these those has have had not no than then so very""".split())
# Words that end a clause (as punctuation does): "X raised it, while Y lowered it".
SPLIT_WORDS = frozenset({"and", "while", "whilst", "whereas", "but", "although", "though", "however", "yet"})
# In a counterfactual sentence, a class named after these is the outcome after the changes.
OUTCOME_WORDS = frozenset({"would", "will", "could", "gives", "give", "giving", "keeps", "keep", "yields"})
NEGATIONS = frozenset({"not", "never", "didn't", "did't", "doesn't", "don't", "hardly", "neither", "nor"})
# "pushed the price up", "nudged the estimate down": a verb of motion and its particle, apart.
MOTION_VERBS = frozenset("""push pushed pushes pushing nudge nudged nudges nudging drive drove drives driving
move moved moves moving bring brought brings bringing pull pulled pulls pulling drag dragged drags dragging
send sent sends sending shift shifted shifts shifting tip tipped tips tipping knock knocked knocks knocking
tilt tilted tilts tilting bump bumped bumps bumping shave shaved shaves shaving""".split())
# Directions stated relative to another: against the previous sentence's direction, or (first) against
# where the features took the prediction overall.
RELATIVE_CUES = frozenset({("other", "way"), ("other", "side"), ("opposite", "way"), ("other", "direction"),
                           ("opposite", "direction")})
# Cues that give a reason rather than a way: for a regression they point where the features took
# the prediction ("the main reason it is low"), as for a class they point toward the class explained.
REASON_CUES = frozenset({("reason",), ("reasons",), ("because",), ("thanks", "to"), ("down", "to"), ("due", "to"),
                         ("led", "to"), ("drove",), ("contributed",), ("counted", "most"), ("counted", "for"),
                         ("driven", "by"), ("rests", "on"), ("rest", "on"), ("relies", "on"), ("hinges", "on"),
                         ("stems", "from"), ("rests",), ("relies",), ("hinges",)})
# A rank said "in either direction" is a rank among all features, whatever way the clause names.
EITHER_WAY = frozenset({("either", "direction"), ("either", "way"), ("any", "direction"), ("both", "directions"),
                        ("either", "side")})
# "low ozone", "a high estimate": a level of the prediction itself, against the average.
LEVEL_WORDS = {"low": -1, "high": 1}
PREDICTION_NOUNS = frozenset({"prediction", "estimate", "forecast", "predictions", "estimates", "forecasts",
                              "output", "value"})
HEAT_WORDS = frozenset({"heatmap", "heat", "grad-cam", "gradcam", "saliency"})
# The word before a replacement: "replaced by “fresh”", "swapped with", "changed to".
REPLACEMENT_PREPS = frozenset({"by", "with", "for", "to", "into"})


@functools.lru_cache(maxsize=1)
def cue_table() -> dict[tuple[str, ...], set[str]]:
    """Phrase (as lowercase words) -> its tags: up / down (direction), top / major / minor / plain /
    bottom (rank), decision (names the prediction)."""
    voc = vocabulary()
    table: dict[tuple[str, ...], set[str]] = {}

    def add(phrase: str, tag: str) -> None:
        table.setdefault(tuple(words_of(phrase)), set()).add(tag)

    for tag in ("up", "down"):
        for p in voc["cues"][tag]:
            add(p, tag)
    for tag in ("top", "major", "minor", "plain", "bottom"):
        for p in voc["ranks"].get(tag, []):
            add(p, tag)
    for p in voc["language"]["decision_cues"]:
        add(p, "decision")
    # A phrase carries the tags of its words too ("main reasons" is a cue and a rank).
    for key in list(table):
        if len(key) > 1:
            for w in key:
                table[key] |= table.get((w,), set())
    return table


@functools.lru_cache(maxsize=1)
def confidence_table() -> dict[tuple[str, ...], tuple[int, ...]]:
    """Confidence phrase -> the confidence bands it fits."""
    return {tuple(words_of(w)): tuple(c["bands"]) for c in vocabulary()["confidence_claims"] for w in c["words"]}


@functools.lru_cache(maxsize=1)
def action_table() -> dict[str, str]:
    """Word -> the change it names (replace, remove, cover), from ``[change_actions]``."""
    return {w: action for action, ws in vocabulary()["change_actions"].items() for w in ws}


@functools.lru_cache(maxsize=1)
def count_words() -> frozenset[str]:
    """Words after a number that count a search's answers ("3 sets of changes")."""
    return frozenset(vocabulary()["counts"]["alternatives"])


@functools.lru_cache(maxsize=1)
def base_glue() -> frozenset[str]:
    """Connecting words for every record: the vocabulary's glue, the templates' own words, stopwords,
    and the words that make no claim about a prediction or that name the kind of row it is about
    (prompts/verifier_words.toml)."""
    extra = verifier_words()["claim_free"]
    return (frozenset(vocabulary()["language"]["glue"].split()) | template_words() | STOPWORDS
            | frozenset(extra["words"].split()) | frozenset(extra["row_nouns"].split())
            | frozenset(extra.get("family", "").split()))


def verifier_words() -> dict:
    """prompts/verifier_words.toml: claim-free words, row nouns, units' long forms, synonyms."""
    return load_prompt_file("verifier_words.toml")


def unit_words(unit: str | None) -> set[str]:
    """The words of a unit's long forms ("miles per gallon" for "mpg"), connecting words for a record
    in that unit.

    >>> sorted(unit_words("ppb")), unit_words(None)
    (['billion', 'part', 'parts', 'per'], set())
    """
    forms = verifier_words()["units"].get(str(unit or "").strip(), [])
    return {w for form in forms for w in words_of(form)}


@functools.lru_cache(maxsize=1)
def value_words() -> frozenset[str]:
    """Words that describe a value against other rows ("light", "low"): ``[values]``."""
    return frozenset(verifier_words()["values"]["words"].split())


@functools.lru_cache(maxsize=1)
def spellings() -> dict[str, str]:
    """British spellings of short words -> the American ones (``[spellings]``): "storey" -> "story".
    Long words are matched one letter apart instead (word_forms.one_edit)."""
    return {b: a for b, a in verifier_words().get("spellings", {}).items()}


def synonym_groups() -> list[list[str]]:
    """Groups of everyday words that mean the same (``[synonyms]``)."""
    return verifier_words()["synonyms"]["groups"]
