"""The user's words for outcomes ("approved", "turned down", "good risk", "flagged") -> the model's classes.

A class is read from its name (a negation such as "not credit worthy" or "no diabetes" makes it the
opposite of the other class), from the target column's name ("default": its "yes" class is the
bad outcome; "released": the good one) and from a small lexicon (``prompts/parser_lexicon.toml``).
A word is then matched to the class with the same reading: literally (a class name or an alias),
by a shared word ("worthy" -> "credit worthy"), by the target's name ("defaulted" -> the "Yes" of
``default``), or by whether it is good for the person / says the event happens. Where nothing
fits, or two classes fit equally, ``resolve`` returns None and the parser asks.

>>> from explainer_nlg.chat.schema import ChatSchema
>>> loan = ChatSchema(["Income"], classes=["N", "Y"], target="Loan_Status")
>>> resolve("approved", loan), resolve("turned down", loan)
('Y', 'N')
>>> cc = ChatSchema(["balance"], classes=["credit worthy", "not credit worthy"], target="creditworthiness")
>>> resolve("worthy", cc), resolve("a good risk", cc), resolve("flagged", cc), resolve("not worthy", cc)
('credit worthy', 'credit worthy', 'not credit worthy', 'not credit worthy')
>>> d = ChatSchema(["age"], classes=["No", "Yes"], target="default")
>>> resolve("approved", d), resolve("defaults", d), resolve("likely to default", d)
('No', 'Yes', 'Yes')
>>> resolve("approved", ChatSchema(["x"], classes=["setosa", "versicolor", "virginica"])) is None
True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .lexicon import lexicon
from .schema import ChatSchema, split_words, unranked

MANY_CLASSES = 20  # above this, classes are names of things, not outcomes: matched only as written
YES = {"yes", "y", "1", "1.0", "true", "t", "positive", "pos"}
# Classes that say whether the thing the target is about was there ("present" / "absent" of a survey
# of frogs): being there is the event, so "sites with frogs" are the "present" ones
FOUND = {"present", "presence", "found", "detected", "observed", "seen"}
NOT_FOUND = {"absent", "absence", "not found", "not detected", "undetected", "not observed", "not seen"}
NO = {"no", "n", "0", "0.0", "false", "f", "negative", "neg", "none"}
NEGATION = re.compile(r"^(?:not|no|non|un|never)[\s_-]*|\b(?:not|no|non|without)\b[\s_-]*")


@dataclass(frozen=True)
class Reading:
    """How one class reads: good for the person (True/False/None), the event happening (True/False/None)."""

    desirable: bool | None
    event: bool | None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("_", " "))


def _same(a: str, b: str) -> bool:
    """Two stems of one word ("diabet" / "diabetic")."""
    # ("smok" of "smokers" is "smoke": a stem that lost the verb's final e)
    return a == b or a + "e" == b or b + "e" == a or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


def _stem(w: str) -> str:
    for suffix in ("ies", "ied", "ing", "ers", "ed", "es", "er", "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


# "dont work", "isn't working", "never worked": a negated verb, as "not"
NEGATING = r"(?:not|no|non|never|without|no longer|(?:do|does|did|is|are|was|were|has|have|had|wo|ca)n'?t)"
# Phrases that say a verb's negation in other words ("stay home" is not working for pay); kept in
# code (the lexicon file's edits retrain the parser)
NOT_DOING = {"stay home": "not work", "stays home": "not work", "stayed home": "not work",
             "stay at home": "not work", "stays at home": "not work", "stay-at-home": "not work",
             "homemaker": "not work", "homemakers": "not work", "housewife": "not work", "housewives": "not work",
             "unemployed": "not work", "jobless": "not work", "out of work": "not work"}


# Adjectives whose opposite a target may be named for ("public" where the target is ``Private``);
# kept in code (the lexicon file's edits retrain the parser)
OPPOSITE_WORDS = {a: b for x, y in (("public", "private"), ("rural", "urban"), ("domestic", "foreign"),
                                     ("inside", "outside"), ("indoor", "outdoor"), ("manual", "automatic"))
                  for a, b in ((x, y), (y, x))}


def _negated(text: str) -> tuple[bool, str]:
    """("not credit worthy" -> (True, "credit worthy")); "unlikely" stays a word of its own.

    >>> _negated("dont work"), _negated("isn't working"), _negated("stay at home")
    ((True, 'work'), (True, 'working'), (True, 'work'))
    """
    t = NOT_DOING.get(text.lower().strip(), text.lower().strip())
    m = re.match(r"^" + NEGATING + r"\b[\s_-]*(.+)$", t) or re.match(r"^non-(.+)$", t)
    if m:
        return True, m.group(1)
    return False, t


# Named events bad for the person that the lexicon file lacks (kept in code: its edits retrain the
# parser). "recurrence" for a target ``recurred`` read as the good outcome, so "will she be ok"
# asked about a recurrence and "how many relapsed" counted the rows without one.
MORE_BAD_EVENTS = ("recur", "recurs", "recurred", "recurrence", "recurrences", "relapse", "relapsed", "relapses",
                   "readmit", "readmitted", "readmission", "rearrest", "rearrested", "reoffend", "reoffended",
                   "reoffense", "reconvicted", "reconviction", "churn", "churned", "fraud", "fraudulent", "death",
                   "dead", "mortality", "bankrupt", "bankruptcy", "delinquent", "delinquency", "dropout",
                   "dropped out", "metastasis", "complication", "complications", "infection", "infected",
                   "stroke", "heart attack", "failure", "failed", "foreclosure", "arrest", "arrested", "injury")


# Words for staying alive or well that the lexicon file lacks ("alive" of a class "2 alive").
MORE_GOOD = ("alive", "living", "survivor", "survivors", "surviving", "recovery", "remission", "cured")


@functools.lru_cache(maxsize=1)
def _polar() -> dict:
    o = dict(lexicon()["outcomes"])
    o["undesirable_events"] = list(dict.fromkeys(list(o["undesirable_events"]) + list(MORE_BAD_EVENTS)))
    o["desirable"] = list(dict.fromkeys(list(o["desirable"]) + list(MORE_GOOD)))
    return {k: sorted(o[k], key=len, reverse=True) for k in o}


def _word_reading(text: str) -> Reading:
    """What an outcome word says, by the lexicon (the longest entry found in it)."""
    neg, core = _negated(text)
    t = " " + " ".join(_words(core)) + " "
    p = _polar()

    def has(key: str) -> str | None:
        return next((w for w in p[key] if f" {w} " in t), None)

    d_hit, u_hit, e_hit, n_hit = has("desirable"), has("undesirable"), has("event"), has("no_event")
    if not (d_hit or u_hit or e_hit or n_hit):
        # a named bad event the outcome lists hold only as a target's name ("cancer", "diabetes"):
        # bad for the person, and the event happening
        e_hit = u_hit = has("undesirable_events")
    desirable = None
    if d_hit or u_hit:
        desirable = len(d_hit or "") >= len(u_hit or "")
    event = None
    if e_hit or n_hit:
        event = len(e_hit or "") >= len(n_hit or "")
    if neg:
        desirable = None if desirable is None else not desirable
        event = None if event is None else not event
    return Reading(desirable, event)


def target_words(schema: ChatSchema) -> list[str]:
    """The words the target is called by: its name, and the outcome words its description uses
    where its name has none (``type``: "Yes or No, for diabetic according to WHO criteria" ->
    "type diabetic"; ``card``: "was the application for a credit card accepted" -> "card
    accepted"). Only words the outcome lexicon knows: a description's other words ("client",
    "application", "factor", "levels") say what was measured, not the outcome.

    >>> target_words(ChatSchema([], classes=["No", "Yes"], target="type",
    ...                          descriptions={"type": "Yes or No, for diabetic according to WHO criteria."}))
    ['type', 'diabetic']
    >>> target_words(ChatSchema([], classes=["no", "yes"], target="survived",
    ...                         descriptions={"survived": "a factor with levels no yes"}))
    ['survived']
    """
    if not schema.target:
        return []
    words = split_words(schema.target)
    known = _outcome_lexicon()
    if any(w in known for w in words):
        return words  # the name says it ("default", "survived")
    desc = str((schema.descriptions or {}).get(schema.target) or "")
    for w in _words(re.sub(r"\([^)]*\)", " ", desc))[:DESCRIPTION_WORDS]:
        if w in known and w not in words:
            words.append(w)
    return words


def in_target_description(word: str, schema: ChatSchema) -> bool:
    """Whether ``word`` is a word the target's description names it by, and no feature's name has
    ("benefit" of ``ui``: "applied for unemployment insurance benefits"), so that "benefit rate"
    is the rate of the outcome.

    >>> s = ChatSchema(["tenure"], classes=["no", "yes"], target="ui",
    ...                descriptions={"ui": "applied for unemployment insurance benefits"})
    >>> [in_target_description(w, s) for w in ("benefit", "tenure", "for", "insurancebenefits")]
    [True, False, False, True]
    """
    desc = str((schema.descriptions or {}).get(schema.target or "") or "")
    stem = _stem(word.lower())
    if len(stem) < 4 or any(_same(stem, _stem(w)) for f in schema.features for w in split_words(f)):
        return False
    words = _words(re.sub(r"\([^)]*\)", " ", desc))[:DESCRIPTION_WORDS]
    words += [a + b for a, b in zip(words, words[1:])]  # "birthweight" of "birth weight"
    return any(_same(stem, _stem(w)) for w in words)


DESCRIPTION_WORDS = 16  # the start of a description names the outcome; the rest, how it was measured


@functools.lru_cache(maxsize=1)
def _outcome_lexicon() -> frozenset[str]:
    """Every one-word outcome word of the lexicon's lists ("diabetic", "accepted", "defaulted")."""
    return frozenset(w for ws in _polar().values() for w in ws if " " not in w) - {"risk", "status", "bad", "good"} - YES - NO


def _target_polarity(schema: ChatSchema) -> bool | None:
    """Whether the target's "yes" is good for the person (``default``: False, ``released``: True)."""
    if not schema.target:
        return None
    t = " " + " ".join(target_words(schema)) + " "
    p = _polar()
    bad = any(f" {w} " in t for w in p["undesirable_events"])
    good = any(f" {w} " in t for w in p["desirable_events"])
    if bad != good:
        return good
    return None


@functools.lru_cache(maxsize=256)
def _class_readings(classes: tuple[str, ...], target: str | None, target_description: str = "") -> dict[str, Reading]:
    schema = ChatSchema([], classes=list(classes), target=target,
                        descriptions={target: target_description} if target and target_description else {})
    target_good = _target_polarity(schema)
    target_stems = {_stem(w) for w in split_words(target)} if target else set()
    p = _polar()  # the lexicon's outcome words, and the bad events it lacks
    desirable: dict[str, bool | None] = {}
    event: dict[str, bool | None] = {}
    for c in classes:
        low = (unranked(c) or c).lower().strip()  # "1_yes" as R stores a ranked level: "yes"
        neg, core = _negated(low)
        r = _word_reading(low)
        cwords = " " + " ".join(_words(core)) + " "
        # What the class's own name says.
        event[c] = True if low in YES or low in FOUND else False if low in NO or low in NOT_FOUND else r.event
        if low in YES | NO:
            desirable[c] = None
        elif r.desirable is not None:
            desirable[c] = r.desirable
        elif any(f" {w} " in cwords for w in p["undesirable_events"]):
            desirable[c] = neg  # "diabetes": bad; "no diabetes": good
        elif any(f" {w} " in cwords for w in p["desirable_events"]):
            desirable[c] = not neg
        else:
            desirable[c] = None
        if target_stems and target_stems <= {_stem(w) for w in _words(core)}:
            event[c] = not neg  # "low birth weight" for a ``low`` column: the event
        elif event[c] is None and neg:
            event[c] = False
        elif event[c] is None and any(f" {w} " in cwords for w in p["undesirable_events"]):
            event[c] = not neg  # a named bad event ("diabetic", "rearrested", "leaves") is what is flagged
    # A pair where one class is the other negated ("diabetes" / "no diabetes"): the plain one is
    # the event.
    if len(classes) == 2:
        a, b = classes
        na, ca = _negated(a)
        nb, cb = _negated(b)
        if na != nb and ca == cb:
            event[b if na else a], event[a if na else b] = True, False
    if len(classes) == 2:
        # "insured" / "uninsured", "employed" / "unemployed": the plain word is the good outcome
        a, b = classes
        for plain, un in ((a, b), (b, a)):
            if un.lower().strip() == "un" + plain.lower().strip() and desirable[plain] is None and desirable[un] is None:
                desirable[plain], desirable[un] = True, False
    _complete(classes, event)
    _complete(classes, desirable)
    # The event's goodness from the target's name, where the class names do not say it.
    for c in classes:
        if desirable[c] is None and event[c] is not None:
            good = target_good if target_good is not None else True
            desirable[c] = good if event[c] else not good
    _complete(classes, desirable)
    return {c: Reading(desirable[c], event[c]) for c in classes}


def _complete(classes: tuple[str, ...], known: dict[str, bool | None]) -> None:
    """Two classes, one reading known: the other is its opposite."""
    if len(classes) == 2:
        a, b = classes
        for x, y in ((a, b), (b, a)):
            if known[x] is not None and known[y] is None:
                known[y] = not known[x]


def readings(schema: ChatSchema) -> dict[str, Reading]:
    """How each of the schema's classes reads (good for the person? the event happening?)."""
    return _class_readings(tuple(schema.classes), schema.target,
                           (schema.descriptions or {}).get(schema.target or "", ""))


@functools.lru_cache(maxsize=1)
def _lexicon_words() -> tuple[str, ...]:
    o = lexicon()["outcomes"]
    return tuple(sorted({w for k in ("desirable", "undesirable", "event", "no_event") for w in o[k]}, key=len, reverse=True))


def spelled(word: str) -> str:
    """An outcome word with a typo read as the lexicon's word ("aproved" -> "approved")."""
    import difflib

    w = word.lower().strip()
    if len(w) < 5 or w in _lexicon_words():
        return w
    close = difflib.get_close_matches(w, _lexicon_words(), n=1, cutoff=0.84)
    return close[0] if close else w


def is_outcome_word(word: str, schema: ChatSchema | None = None) -> bool:
    """Whether a word reads as an outcome at all: the lexicon's, a class's own words, the target's."""
    text = spelled(_strip(word))
    neg, core = _negated(text)
    if any(f" {w} " in f" {core} " for w in _lexicon_words()):
        return True
    if schema is not None:
        if schema.target and _verb_group(core) in target_groups(schema):
            return True  # "working" where the target is labour-force participation
        stems = {_stem(w) for w in _words(core)}
        names = {_stem(w) for c in schema.classes for w in _words(c)} | {_stem(w) for w in split_words(schema.target or "")}
        return bool(stems and all(any(_same(x, y) for y in names) for x in stems))
    return False


def names_event(word: str) -> bool:
    """Whether a word is a named event the lexicon knows good or bad for a person ("cancer",
    "diabetes", "default"), which is an outcome only where a model's classes read as it.

    >>> names_event("cancer"), names_event("income")
    (True, False)
    """
    o = _polar()
    text = " " + " ".join(_words(spelled(_strip(word)))) + " "
    return any(f" {w} " in text for k in ("undesirable_events", "desirable_events") for w in o[k])


def _strip(word: str) -> str:
    text = re.sub(r"\s+", " ", str(word).lower().strip(" ?!.,'\""))
    return re.sub(r"^(?:(?:a|an|the|be|being|get|gets|got|getting|received?|receives|is|was|likely to|going to|to|has|"
                  r"have|had|with|their|his|her|my|any|granted|given)\s+)+", "", text)


def resolve(word: str, schema: ChatSchema, use_embeddings: bool = False) -> str | None:
    """The class an outcome word names, or None where none fits or two fit equally. With
    ``use_embeddings``, a word the rules cannot place is matched to the class whose name (with the
    target's) it is closest to in MiniLM's sentence space, where one is clearly closest."""
    found = _resolve(word, schema)
    if found is None and use_embeddings and 2 <= len(schema.classes) <= MANY_CLASSES:
        found = _nearest_class(word, schema)
    return found


def _nearest_class(word: str, schema: ChatSchema) -> str | None:
    from .linking import embed

    target = " ".join(split_words(schema.target or "outcome"))
    vecs = embed([f"{target}: {c}" for c in schema.classes] + [f"{target}: {_strip(word)}"])
    sims = vecs[:-1] @ vecs[-1]
    order = sims.argsort()[::-1]
    if sims[order[0]] >= 0.55 and sims[order[0]] - sims[order[1]] >= 0.08:
        found = schema.classes[int(order[0])]
        said, theirs = _word_reading(word).desirable, readings(schema)[found].desirable
        if said is not None and theirs is not None and said != theirs:
            return None  # "die" is near "alive" in the sentence space, and its opposite
        return found
    return None


def _resolve(word: str, schema: ChatSchema) -> str | None:
    if not schema.classes:
        return None
    text = spelled(_strip(word))
    # 1. a class name or declared alias, as written ("tabby" for ImageNet's "tabby, tabby cat")
    for c in schema.classes:
        if text == c.lower() or text in [a.lower() for a in schema.class_aliases.get(c, [])] or \
                ("," in c and text in [p.strip().lower() for p in c.split(",")]):
            return c
    if len(schema.classes) > MANY_CLASSES:
        return None  # ImageNet's 1000 names are ordinary nouns: only a name as written counts
    plural = [c for c in schema.classes if text in (c.lower() + "s", c.lower() + "es")]
    if len(plural) == 1:
        return plural[0]  # "adelies", "gentoos": many of one class
    neg, core = _negated(text)
    core_stems = {_stem(w) for w in _words(core)}
    # 2. a word of a class name ("worthy" -> "credit worthy"; "not worthy" -> "not credit worthy")
    hits = []
    for c in schema.classes:
        cneg, ccore = _negated(c)
        cstems = {_stem(w) for w in _words(ccore)}
        if core_stems and all(any(_same(x, y) for y in cstems) for x in core_stems) \
                and any(len(x) >= 3 for x in core_stems):
            if cneg == neg:
                hits.append(c)
    if len(hits) == 1:
        return hits[0]
    # 2c. the words only one class's name has ("melanoma" of "died from melanoma", "other causes"
    # of "dead from other causes"), most of them, where what the rest says is no other outcome
    # ("die from melanoma", "died from other causes")
    own = _distinctive_words(tuple(str(c) for c in schema.classes))
    said = {_stem(w) for w in _words(core) if w not in _FILLER}
    counts = {c: sum(any(y == x or len(x) >= 3 and y.startswith(x) for y in words) for x in said)
              for c, words in own.items()}  # ("lib dem" of "Liberal Democrat")
    best = max(counts.values(), default=0)
    top = [c for c, n in counts.items() if n == best]
    if best and len(top) == 1:
        # every word the class name's own, or one the lexicon reads as that class ("die" of "died
        # from melanoma"): "electric heating" is not "heat pump" for sharing "heat"
        whole = {_stem(w) for w in _words(top[0].lower())}
        good = readings(schema)[top[0]].desirable
        if all(any(_same(x, y) or len(x) >= 3 and y.startswith(x) for y in whole) or  # ("high bal")
               good is not None and _word_reading(x).desirable is good for x in said):
            return top[0]
    # 2b. another verb for the class's own ("join", "sign up" where the class is "enrolled")
    group = _verb_group(core)
    if group is not None:
        hits = [c for c in schema.classes if _negated(c)[0] == neg and _verb_group(_negated(c)[1]) == group]
        if len(hits) == 1:
            return hits[0]
    r = readings(schema)
    # 3a. the thing a person is granted ("got the loan", "get a card"): the outcome good for them
    # ("without insurance": the other), before the target's name ("loan" of ``loan_status`` would
    # read as its event, defaulting)
    if _strip(core) in GRANTED_THINGS and GIVEN.match(str(word).lower().strip()):
        cands = [c for c, x in r.items() if x.desirable is (not neg)]
        if len(cands) == 1:
            return cands[0]
    # 3. the target's own name ("defaults" for a ``default`` column): its event class; its
    # opposite ("public" of a target ``Private``): the other class
    if schema.target:
        tstems = {_stem(w) for w in target_words(schema)}
        other = OPPOSITE_WORDS.get(core.strip())
        if other and any(_same(_stem(other), y) for y in tstems):
            cands = [c for c, x in r.items() if x.event is neg]
            if len(cands) == 1:
                return cands[0]
        if any(_same(x, y) and len(x) >= 4 for x in core_stems for y in tstems):
            said = _word_reading(core).desirable
            if said is not None and not {c.lower() for c in schema.classes} <= YES | NO:
                # "survived" of a ``survived`` column whose classes are alive / dead: the class as
                # good (or bad) as the word, not the class that is an event ("dead")
                cands = [c for c, x in r.items() if x.desirable is (said is not neg)]
                if len(cands) == 1:
                    return cands[0]
            want_event = not neg
            cands = [c for c, x in r.items() if x.event is want_event]
            if len(cands) == 1:
                return cands[0]
    # 3c. a verb the target is said with ("work", "participate" where the target is labour-force
    # participation): its event, or the other class where negated ("doesnt work")
    if schema.target and group is not None and group in target_groups(schema):
        cands = [c for c, x in r.items() if x.event is (not neg)]
        if len(cands) == 1:
            return cands[0]
    # 3a. a short name said whole ("ui" for a ``ui`` column of yes / no): too short for the stems
    if schema.target and core.strip() == schema.target.lower() and len(core.strip()) < 4:
        cands = [c for c, x in r.items() if x.event is (not neg)]
        if len(cands) == 1:
            return cands[0]
    # 3b. "at risk", "high risk": at risk of the event the target records, where its name does not
    # say whether that is good ("outcome" yes / no; "recid"), not the class that merely reads bad
    if RISK.fullmatch(core) and _target_polarity(schema) is None:
        cands = [c for c, x in r.items() if x.event is (not neg)]
        if len(cands) == 1:
            return cands[0]
    # 4. good for the person, or the event happening, by the lexicon
    w = _word_reading(text)
    if w.desirable is not None:
        cands = [c for c, x in r.items() if x.desirable is w.desirable]
        if len(cands) == 1:
            return cands[0]
    if w.event is not None:
        cands = [c for c, x in r.items() if x.event is w.event]
        if len(cands) == 1:
            return cands[0]
    return None


_FILLER = {"from", "of", "the", "a", "an", "by", "to", "in", "on", "at", "for", "with", "and", "or"}


@functools.lru_cache(maxsize=64)
def _distinctive_words(classes: tuple[str, ...]) -> dict[str, set[str]]:
    """Each class of a name of several words: the stems of its words no other class's name has.

    >>> sorted(_distinctive_words(("died from melanoma", "alive", "dead from other causes"))["dead from other causes"])
    ['caus', 'dead', 'other']
    """
    stems = {c: {_stem(w) for w in _words(_negated(c.lower())[1]) if w not in _FILLER and len(w) >= 3} for c in classes}
    out = {}
    for c in classes:
        if len(_words(c)) >= 2:
            others = set().union(*(v for k, v in stems.items() if k != c))
            out[c] = stems[c] - others
    return out


RISK = re.compile(r"(?:at|high|higher|big|real|serious)?\s*risk(?:y|ier)?|in danger")


# Verbs people use for one another's outcome ("join" a plan the data calls "enrolled"), by stem;
# kept in code (the lexicon file's edits retrain the parser).
VERB_GROUPS = (
    frozenset({"enroll", "enrol", "join", "sign up", "signed up", "signs up", "participat", "take part", "took part",
               "subscrib", "register", "opt in", "opted in"}),
    frozenset({"churn", "cancel", "quit", "leav", "left", "unsubscrib", "drop out", "dropped out"}),
    frozenset({"click", "respond", "reply", "replied", "answer", "engag"}),
    frozenset({"purchas", "buy", "bought", "convert"}),
    # working for pay, where the target is labour-force participation or employment
    frozenset({"work", "labor force", "labour force", "employ", "paid job", "have a job", "has a job", "had a job"}),
)


def target_groups(schema: ChatSchema) -> frozenset[int]:
    """The groups of verbs the target is said with: its name's ("participation": joining) and its
    description's phrases ("Did the individual participate in the labor force?": working).

    >>> s = ChatSchema([], classes=["no", "yes"], target="union",
    ...                descriptions={"union": "Does the individual work on a union job?"})
    >>> target_groups(s)
    frozenset()
    """
    return _target_groups(schema.target or "", str((schema.descriptions or {}).get(schema.target or "") or ""))


@functools.lru_cache(maxsize=64)
def _target_groups(target: str, description: str) -> frozenset[int]:
    found = {g for g in (_verb_group(w) for w in split_words(target)) if g is not None}
    # a description's phrase of the outcome ("participate in the labor force"), never its single
    # words: "Does the individual work on a union job?" is about the union, not about working
    low = " ".join(_words(description.lower()))
    found |= {i for i, group in enumerate(VERB_GROUPS) for g in group if " " in g and f" {g} " in f" {low} "}
    return frozenset(found)


# What may follow a verb's stem in one of its forms ("enroll" + "ed", "participat" + "ion"): never
# an agent noun ("employ" + "ee", "respond" + "ent", "work" + "ers"), which names people, nor another
# word begun with it ("work" + "place")
VERB_ENDINGS = re.compile(r"(?:s|es|e|ed|d|ing|led|ling|ion|ions|ation|ations|lation|ment|ments|ement|ate|ates|ated|"
                          r"ating)?")


def _verb_group(text: str) -> int | None:
    """The index of the group of verbs ``text`` (a word or two) belongs to, by stem; None if none.

    >>> _verb_group("working") == _verb_group("work"), _verb_group("workers"), _verb_group("employees")
    (True, None, None)
    """
    t = " ".join(_words(text.lower()))
    for i, group in enumerate(VERB_GROUPS):
        if any(t == g or (" " not in g and " " not in t and len(g) >= 4 and t.startswith(g)
                          and VERB_ENDINGS.fullmatch(t[len(g):])) for g in group):
            return i
    return None


# Said with a verb of getting or a negation ("got the loan", "without insurance"): alone, "credit" or
# "loan" is as likely a column's word ("credit history 6").
GIVEN = re.compile(r"(?:got|get|gets|getting|received?|receives|receiving|given|granted|was given|were given|"
                   r"without|no|never|not)\b")
# What a lender or insurer grants, said for the decision itself ("how many got the loan").
GRANTED_THINGS = {"loan", "loans", "credit", "mortgage", "mortgages", "card", "cards", "financing", "funding",
                  "coverage", "insurance", "offer", "offers"}


# Outcomes that happen to people in the world, not decisions a model makes: "how many defaulted"
# asks what happened (the true labels), "how many were denied" what the model decided. A rule of
# word sense, kept here rather than in the lexicon file, whose changes retrain the parser.
HAPPENED = ("default", "defaulted", "defaults", "repaid", "paid back", "paid off", "quit", "quits", "left", "churned",
            "died", "survived", "rearrested", "re-arrested", "reoffended", "re-offended", "relapsed", "reconvicted",
            "readmitted", "arrested", "recovered", "lived", "stayed", "dropped out", "passed away", "went bankrupt")


def happened_word(word: str) -> bool:
    """Whether an outcome word says what happened ("defaulted", "quit") rather than a decision.

    >>> happened_word("defaulted"), happened_word("actually defaulted"), happened_word("denied")
    (True, True, False)
    >>> happened_word("reoffended"), happened_word("reofended")
    (True, False)
    """
    # as written too: the typo reading takes a word the lexicon lacks to its nearest ("reoffended"
    # to "reoffend", which says nothing of whether it happened)
    texts = {" " + " ".join(_words(form)) + " " for form in (_strip(word), spelled(_strip(word)))}
    return any(f" {' '.join(_words(w))} " in text for w in HAPPENED for text in texts)


def is_literal(word: str, cls: str) -> bool:
    """Whether ``word`` is just the class's own name (so no "reading X as Y" note is needed)."""
    return re.sub(r"\s+", " ", word.lower().strip(" ?!.,'\"")) == cls.lower()
