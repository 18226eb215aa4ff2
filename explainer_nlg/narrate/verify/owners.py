"""Claim-scoped unknown words (decision 0024): a word the record does not hold rejects a sentence
only where it is what a claim is about.

A claim is a direction, an amount, a rank, a comparison or a value, and it is about the noun
phrase that is its subject or owner: "X added $5,000", "X mattered most", "X's 85%", "more than
X", "the main reason was X". That phrase must name a feature, the row or the prediction, or the
sentence names an invented feature and is rejected, as before. Words elsewhere (a greeting, a hedge,
a clause with no claim in it, a verb or a noun that owns no claim: "I'd like to understand what we
could change", "pointed towards a worse outcome") carry no claim the record could contradict, and
pass. Every figure, direction, rank and comparison is still checked as before.

Only ``verify(text, evidence)`` (outside text) reads this way: the narration's templates and the
LLM's rewording of them are read strictly (``verify_sentence``'s default), since a rewording has
its template to fall back on and has no reason to add words the template did not hold.

>>> from explainer_nlg.evidence import Evidence
>>> ev = Evidence.from_contributions([("Living area", 1698, 12757.84), ("Year built", 1963, -8000.0)],
...                                  prediction=187500.0, base_value=182742.16, unit="$", name="price")
>>> from explainer_nlg.narrate.verify import verify
>>> verify("Thank you. The living area added about $12,000, which surprised my whole family.", ev).verdict
'accepted'
>>> verify("The swimming pool added about $12,000.", ev).reason
'unknown: “swimming pool” is not in the evidence'
>>> verify("The pool near the living area added about $12,000.", ev).reason
'unknown: “pool near” is not in the evidence'
"""

from __future__ import annotations

import functools

from .clauses import PLURAL_RANKED, Clause
from .phrases import PREDICTION_NOUNS, verifier_words
from .tokens import Token, norm_possessive
from .verdict import Claim

# Words that tie the noun phrase after them to the claim before them: the agent of a passive
# ("held down by X"), a source ("comes from X", "rose with X", "on the strength of X"), the other side of a comparison ("more than X"),
# the complement of a rank ("the main reason was X"), a cause ("because of X", "due to X").
OWNER_MARKERS = frozenset({"by", "from", "than", "is", "was", "were", "are", "be", "been", "as", "behind",
                           "ahead", "like", "outweighed", "outweighs", "outweigh", "because", "with", "on", "through",
                           "via", "thanks", "along", "alongside", "besides", "plus", "including", "except",
                           "did", "does", "do", "had", "has"})
OWNER_PAIRS = frozenset({("because", "of"), ("due", "to"), ("thanks", "to"), ("owing", "to"), ("down", "to")})
# "the chance of X": X is the class a probability is claimed for.
CHANCE_PAIRS = frozenset((w, "of") for w in ("chance", "chances", "probability", "likelihood", "risk", "odds",
                                             "share", "percentage"))
# Words that open a clause of one's own (a hedge, a question, a greeting), never an item of a list.
OWN_CLAUSE_WORDS = frozenset({"if", "as", "so", "when", "since", "what", "that", "which", "who", "i", "we", "you",
                              "please", "thank", "thanks", "hi", "hello", "dear", "to", "is", "was", "are"})
LIST_ITEM_WORDS = 6  # a list's item is a short noun phrase
# Comparison words: a claim of their own (check_compare.py), with the players either side.
COMPARE_WORDS = frozenset({"than", "outweighed", "outweighs", "outweigh", "behind", "followed", "second", "third",
                           "fourth", "fifth", "2nd", "3rd", "4th", "5th", "most", "least"})
# Words that make a claim about what they are said of even where no check reads them as a cue
# ("the estimate rose on the strength of X", "the top factor was X", "the commas pushed it toward
# iPhone"); one the verifier does not know at all ("did not raise") is a claim it cannot check.
CLAIM_WORDS = frozenset("""
rose rise rises risen fell fall falls fallen grew grow grows dropped drop drops raise raises raised lower lowers
lowered increase increases increased decrease decreases decreased reduce reduces reduced boost boosts boosted cut
cuts push pushes pushed pull pulls pulled point points pointed drive drives drove driven help helps helped hurt
hurts add adds added subtract subtracts subtracted take takes took taken cost costs lift lifts lifted matter
matters mattered weigh weighs weighed dominate dominates dominated top main key biggest largest strongest
important influential""".split())
DETERMINERS = frozenset({"the", "a", "an", "its", "her", "his", "their", "my", "our", "your", "this", "that",
                         "these", "those", "some", "any", "each", "every", "all"})
PREPOSITIONS = frozenset({"of", "near", "with", "in", "on", "at", "next", "beside", "by", "from", "and", "or",
                          "for", "over", "under", "inside", "outside", "around", "behind", "without"})
SKIPPED = DETERMINERS | {"very", "really", "quite", "so", "too", "about", "around", "roughly", "nearly", "almost"}
# Words that name what a claim may be about besides a feature: the prediction, the model, the base
# value, the row (a row noun or a person), the features as a group.
OWNER_WORDS = PREDICTION_NOUNS | PLURAL_RANKED | frozenset({
    "model", "base", "baseline", "average", "it", "i", "we", "you", "he", "she", "they", "me", "us", "him",
    "them", "factor", "feature", "reason", "signal", "driver", "word", "effect", "contribution"})


@functools.lru_cache(maxsize=1)
def row_words() -> frozenset[str]:
    """Nouns that name the row (prompts/verifier_words.toml: row nouns, family words)."""
    extra = verifier_words()["claim_free"]
    return frozenset(extra["row_nouns"].split()) | frozenset(extra.get("family", "").split())


def judge_unknowns(clauses: list[Clause], claims: list[Claim]) -> None:
    """Reject each run of unknown words that owns a claim of its clause; pass the others."""
    for k, c in enumerate(clauses):
        for i, j, text in c.unknowns:
            if owns_claim(clauses, k, i, j):
                claims.append(Claim("unknown", text, False, f"“{text}” is not in the evidence"))
            else:
                claims.append(Claim("unknown", text, True, f"“{text}” is not in the evidence, but owns no claim"))


def _anchors(c: Clause, figures: bool = True) -> list[int]:
    """Where the clause's own claims sit: its direction and rank cues, comparison words, the classes
    it names ("point to Android"), and (``figures``) its figures."""
    out = [p for p, _ in c.cues if p >= 0] + [p for p, _ in c.ranks if p >= 0] + [p for p, _, _ in c.labels if p >= 0]
    for p, t in enumerate(c.toks):
        if (figures and t.kind == "num") or (t.kind == "word" and t.norm in COMPARE_WORDS | CLAIM_WORDS):
            out.append(p)
    return sorted(out)


def _owner_like(t: Token) -> bool:
    """Whether a token may own a claim: a feature, class or other fact of the record, the row, the
    prediction, the model, a pronoun."""
    if t.ref is not None and t.ref.tag == "fact":
        return True
    return t.kind == "word" and t.ref is None and (norm_possessive(t.norm) in OWNER_WORDS
                                                    or norm_possessive(t.norm) in row_words())


GROUP_WORDS = PLURAL_RANKED | frozenset({"factor", "feature", "reason", "signal", "driver", "effect", "contribution",
                                        "influence", "contributor"})
PRONOUNS = frozenset({"it", "i", "we", "you", "he", "she", "they", "me", "us", "him", "them"})


def owns_claim(clauses: list[Clause], k: int, i: int, j: int) -> bool:
    """Whether the unknown words at ``[i, j)`` of clause ``k`` are the subject or owner of a claim."""
    c = clauses[k]
    toks = c.toks
    if any(t.norm in CLAIM_WORDS for t in toks[i:j]):
        return True  # a claim word the verifier could not read: a claim it cannot check
    inherited = any(p < 0 for p, _ in c.cues) or any(p < 0 for p, _ in c.ranks) or any(p < 0 for p, _, _ in c.labels)
    if toks[0].kind == "word" and toks[0].norm in OWN_CLAUSE_WORDS:
        inherited = False  # "..., which honestly surprised me": a clause of its own, not a list's next item
    if not _anchors(c) and not inherited:
        words = [t.norm for t in toks[:i] if t.kind == "word" and t.norm not in DETERMINERS]
        if len(words) == 2 and words[0] in ("so", "as", "neither", "nor") and words[1] in OWNER_MARKERS:
            return True  # "..., and so did the pool": the earlier claim, said again of it
        return _list_item(clauses, k, i, j)
    # Where the claim is made: its verb, rank or comparison (a figure only where it has none).
    anchors = _anchors(c, figures=False) or _anchors(c)
    if inherited:
        anchors = anchors + [len(toks)]  # a list item's claim is about the whole item
    owners = [p for p, t in enumerate(toks) if _owner_like(t) and not i <= p < j]
    prev = [t.norm if t.kind == "word" else "" for t in toks[:i] if not (t.kind == "word" and t.norm in SKIPPED)]
    if tuple(prev[-2:]) in CHANCE_PAIRS:
        return True  # "this patient's chance of survival at about 60%"
    if j < len(toks) and toks[j].ref is not None and toks[j].ref.tag == "fact" and toks[j].ref.is_fact("player"):
        return True  # "the recent model year": a word of the feature's own phrase
    if j < len(toks) and toks[j].kind == "word" and toks[j].ref is None and toks[j].norm in GROUP_WORDS:
        return True  # "the pool factor mattered most": what the factor is
    first = anchors[0]
    if j <= first and prev and prev[-1] in ("for", "in") and len(prev) == 1:
        return True  # "For Brazil the model estimates ...": the row the claim is about
    if j <= first:
        # Before the claim: its subject, unless something that may own the claim stands between them
        # (not where the run heads a phrase that thing only modifies: "the pool near the garage"),
        # or the subject came before it ("the model rates this course at 4.3", "I understand ...").
        if toks[j - 1].norm != norm_possessive(toks[j - 1].norm):
            return True  # "the pool's effect was ...": the run owns what follows it
        if any(j <= p < first and toks[p].norm not in PRONOUNS for p in owners):
            return _head_noun(c, i, j)
        before = toks[i - 1] if i > 0 else None
        if before is not None and before.ref is not None and before.ref.tag == "fact":
            return True  # "the living area pool", "the garage's size": the run is the head
        if before is not None and before.kind == "word" and norm_possessive(before.norm) != before.norm:
            return True  # "this student's forecast"
        if any(p < i for p in owners) and not (before is not None and before.kind == "word"
                                              and before.norm in DETERMINERS):
            return False
        return True
    # After the claim: its owner where a marker ties it ("held down by the busy road", "more than X",
    # "the main reason was X"), unless it only modifies what follows ("from the forecast ozone level").
    tied = (prev and prev[-1] in OWNER_MARKERS) or tuple(prev[-2:]) in OWNER_PAIRS
    if not tied:
        return False
    return not (j < len(toks) and _owner_like(toks[j]))


def _head_noun(c: Clause, i: int, j: int) -> bool:
    """Whether the run heads a noun phrase that a feature after it only modifies: it opens the
    clause or follows a determiner, and a preposition follows it ("the pool near the garage"); not a
    verb with its object ("teaching an upper-division course", "the fact that Dad came in")."""
    if c.toks[i].norm.endswith("ing"):
        return False
    opens = i == 0 or (c.toks[i - 1].kind == "word" and c.toks[i - 1].norm in DETERMINERS)
    nxt = c.toks[j] if j < len(c.toks) else None
    # the preposition may be one of the run's own unknown words ("pool near")
    return opens and (any(t.norm in PREPOSITIONS for t in c.toks[i + 1:j])
                      or (nxt is not None and nxt.kind == "word" and nxt.norm in PREPOSITIONS))


def _list_item(clauses: list[Clause], k: int, i: int, j: int) -> bool:
    """A clause that is just a noun phrase, before a claim through a list's commas, "and" or "or"
    ("The pool, the garage and the lot added ..."): an item of that claim's subject."""
    words = [t.norm for t in clauses[k].toks if t.kind == "word"]
    if len(words) > LIST_ITEM_WORDS or any(w in OWN_CLAUSE_WORDS for w in words):
        return False
    for nxt in clauses[k + 1:]:
        if nxt.split_by not in (",", "and", "or"):
            return False
        if _anchors(nxt) or nxt.cues or nxt.ranks or nxt.labels:
            return True
    return False
