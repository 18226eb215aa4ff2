"""``parse``: a question -> the operations it asks for, as a plain JSON-able dict.

Shape::

    {"ops": [{"op": "why", "target": "bad", ...slots}], "filters": [{"feature", "cmp", "value"}],
     "instance": 17 | None, "followup": bool, "ref": "next" | "previous" | 2 | None,
     "confidence": 0.83, "question": "..."}

Slots per operation: ``k``, ``target`` (a class), ``metric``, ``changes``
(``[{"feature", "action": "set"|"increase"|"decrease", "value"}]``; text: remove/replace a word;
image: cover a region), ``features`` (named features), ``words`` (quoted words). A question the
assistant must not or cannot answer becomes ``{"op": "unsupported", "reason": ...}`` with reason
"empty", "too_long", "language", "injection", "off_topic", "unknown_feature" or "unclear".

>>> from explainer_nlg.chat.slots import ChatSchema
>>> s = ChatSchema(["Age", "Income", "Records"], {"Records": ["no", "yes"]}, ["bad", "good"],
...                {"bad": ["denied"], "good": ["approved"]}, max_id=4454)
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

from __future__ import annotations

import re
import time
from typing import Any

from ..input_text import clean_question
from . import fallback as fb
from . import rules
from . import slots as sl
from .router import Router

MAX_CHARS = 1000
MIN_SCORE = 0.42  # below this the nearest phrasing is too far away to act on: say so instead
INSTANCE_OPS = {"why", "why_not", "predict", "confidence", "counterfactual", "show", "top_features", "what_if"}
INJECTION = re.compile(
    r"ignore (?:all |your |the |any |previous |prior |above |those )*(?:rules|instructions|evidence|guidelines|constraints)"
    r"|disregard (?:the |your |all )?|forget (?:your|the|all) (?:rules|instructions)|pretend|you are now|jailbreak"
    r"|system prompt|act as|role ?play|make (?:something )?up|(?:just )?(?:say|tell (?:me|them|him|her))(?: that)? .{0,40}"
    r"(?:did ?n[o']t|does ?n[o']t|do ?n[o']t|never|not) (?:matter|count|influence|affect)|say (?:it|that) was (?:approved|denied|good|bad)"
)
# Requests for something other than an answer about the model or its data ("write me a poem about
# loans"): these would otherwise route to the nearest operation and get a true but beside-the-point
# answer.
OFF_TOPIC = re.compile(
    r"\b(?:write|compose|make|give|tell|sing|create|draft)\b(?: me| us)?(?: an?| some| the)?"
    r"(?: \w+){0,2} (?:poem|song|story|joke|essay|haiku|limerick|rap|novel|letter|email|tweet|recipe)s?\b"
    r"|\b(?:weather|forecast) (?:today|tomorrow|in \w+)\b|\bwho (?:won|is the president)\b"
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


def parse(question: Any, schema: sl.ChatSchema, router: Router | None = None, llm: Any = None) -> dict:
    """Parse one question against a data schema (see the module docstring for the shape).

    ``llm``: an optional local LLM with a ``choose`` method (``narrate.llm.LlamaCppLLM``). Where
    the router is unsure, it picks the operation under a grammar (``chat.fallback``), and the dict
    says ``"settled_by": "llm"``. Without one, the router's choice stands."""
    t0 = time.perf_counter()
    router = router or Router.default()
    q = clean_question(question)  # escapes, control characters gone; NFC; a lone surrogate is refused
    out: dict[str, Any] = {"question": q[:MAX_CHARS], "ops": [], "filters": [], "instance": None,
                           "followup": False, "ref": None, "confidence": 1.0}
    # Markup is not part of the question: "<script>...</script> why?" asks "why?" (the tags are shown
    # to people as typed text, never run); quoted words still come from the raw question.
    text = sl.normalise(MARKUP.sub(" ", q))
    reason = _refusal(q, text, schema)
    if reason:
        out["ops"] = [{"op": "unsupported", "reason": reason}]
        if reason == "too_long":
            out["ops"][0]["length"] = len(q)
        if reason == "injection":  # the refusal restates what the evidence says about these
            out["ops"][0]["features"] = sl.mentioned_features(text, schema) + sl.quoted_words(q)
        return _done(out, t0)
    out["followup"], out["ref"] = _followup(text)
    # "what about age?", "and for renters?": names a thing but no operation; the last one applies.
    out["elliptical"] = bool(re.match(r"^(?:and |ok |so )?(?:(?:what|how) about|for|and for|same for|and)\b", text)
                             and len(text.split()) <= 7 and not re.search(r"\b(?:why|how many|what if|show)\b", text))
    unknown = _unknown_term(text, schema)
    if unknown:
        out["ops"] = [{"op": "unsupported", "reason": "unknown_feature", "term": unknown}]
        return _done(out, t0)
    parts = _split(text)
    scored = [(p, router.classify(p, schema)) for p in parts]
    confidences = []
    for part, ranked in scored:
        op, score = ranked[0]
        op, ruled = rules.decide(op, part, ranked)
        ruled = ruled or rules.forced(part)
        # A cue rule's verdict stands even where the nearest phrasing is far away.
        confidences.append(max(score, MIN_SCORE) if ruled else score)
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        # "what about age?" carries the last operation whatever it is called: nothing to settle.
        if not ruled and not out["elliptical"] and fb.can_settle(llm) and fb.unsure(score, second):
            op, confidences[-1] = _settle(llm, part, ranked, op, confidences[-1], out)
        if confidences[-1] < MIN_SCORE and not out["followup"]:
            op = "unsupported"
        if out["ops"] and out["ops"][-1]["op"] == op:
            continue
        slots = {"op": op} if op != "unsupported" else {"op": op, "reason": "unclear"}
        slots.update(_op_slots(op, part, text, schema))
        out["ops"].append(slots)
    out["confidence"] = round(min(confidences), 3) if confidences else 0.0
    if not any(o["op"] == "what_if" for o in out["ops"]):
        out["filters"] = sl.fill_filters(text, schema)
    else:
        # In a what-if the values are edits, not a cohort; only "for the ones ..." style filters stay.
        out["filters"] = [f for f in sl.fill_filters(text, schema) if f["feature"] in ("prediction", "label", "correct")]
    # A bare number may be the row ("why was 230 rejected") unless a real cohort is named; a
    # class alone ("... and how can they get approved") names an outcome, not a cohort.
    loose = any(o["op"] in INSTANCE_OPS for o in out["ops"]) and all(f["feature"] == "prediction" for f in out["filters"])
    out["instance"] = sl.find_instance(text, schema, loose=loose)
    # "why was 100 denied": the class names the instance's outcome, not a cohort of denied people.
    if out["instance"] is not None:
        out["filters"] = [f for f in out["filters"] if f["feature"] != "prediction"]
    return _done(out, t0)


# Tags, and whole script/style elements (their content is code, not words of the question).
# A tag starts with a letter right after "<" (or "</"), so comparisons such as "income < 300" stay.
MARKUP = re.compile(r"<(script|style)\b[^<>]{0,200}>.*?</\1\s*>|</?[a-z][a-z0-9-]*\b[^<>]{0,200}>", re.I | re.S)


def _settle(llm: Any, part: str, ranked: list, op: str, confidence: float, out: dict) -> tuple[str, float]:
    """Ask the LLM which operation ``part`` is; record that it settled it."""
    t = time.perf_counter()
    choice = fb.settle(llm, part, ranked)
    out["llm_ms"] = round(out.get("llm_ms", 0.0) + (time.perf_counter() - t) * 1000, 2)
    if choice is None:  # it failed or strayed: the router's choice stands
        return op, confidence
    out["settled_by"] = "llm"
    if choice == fb.UNKNOWN:
        return ("unsupported", 0.0) if not out["followup"] else (op, confidence)
    return choice, max(confidence, MIN_SCORE)


def _done(out: dict, t0: float) -> dict:
    out["ms"] = round((time.perf_counter() - t0) * 1000, 2)
    return out


def _refusal(raw: str, text: str, schema: sl.ChatSchema) -> str | None:
    if not text or not re.search(r"[^\W_]|\?", text):
        return "empty"
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
    if len(words) >= 4:
        known = ENGLISH | _bank_words() | {w for f in schema.features for n in schema.names(f) for w in n.split()}
        known |= {c.lower() for c in schema.classes}
        share = sum(w in known for w in words) / len(words)
        if share < 0.3:
            return "language"
    return None


def _bank_words() -> set[str]:
    global _BANK_WORDS
    if _BANK_WORDS is None:
        from .router import load_bank

        _BANK_WORDS = {w for qs in load_bank().values() for q in qs for w in re.findall(r"[a-z']+", q.lower())}
    return _BANK_WORDS


_BANK_WORDS: set[str] | None = None


def _followup(text: str) -> tuple[bool, Any]:
    ref: Any = None
    if re.search(r"\bnext (?:one|row|applicant|person|case|example)\b|^(?:and )?next\b", text):
        ref = "next"
    elif re.search(r"\bprevious (?:one|row|applicant|person|case)\b|\bone before\b", text):
        ref = "previous"
    else:
        m = re.search(r"\b(?:the )?(" + "|".join(REF_ORDINALS) + r") (?:one|row|applicant|person|case|example|of them)\b", text)
        if m:
            ref = REF_ORDINALS[m.group(1)]
    follow = bool(ref is not None or re.match(r"^(?:and|also|so|then|what about|how about|same for|same|ok and|and what about)\b", text)
                  or re.search(r"\b(?:that one|this one|them|those ones|same one|it again)\b", text))
    return follow, ref


def _unknown_term(text: str, schema: sl.ChatSchema) -> str | None:
    """'what about the weather?': a term that names nothing in the data (only for tabular data)."""
    m = re.match(r"^(?:and )?(?:what|how) about (?:the |his |her |their |my )?(.+?)\s*\??$", text)
    if not m or schema.kind != "tabular":
        return None
    term = m.group(1)
    if sl.feature_mentions(term, schema) or sl.category_mentions(term, schema) or sl.class_mentions(term, schema):
        return None
    if sl.number_mentions(term) or _followup(text)[1] is not None or re.search(
            r"\b(?:one|ones|row|him|her|them|it|that|this|those|these|others?|rest|applicants?|people|everyone|"
            r"all|overall|global|general|confidence|probability|accuracy|mistakes|errors|importance)\b", term):
        return None
    return term


def _split(text: str) -> list[str]:
    """A compound question -> its parts ("why was 100 denied and what could change it")."""
    parts = re.split(r"[?;!]+\s*|\.\s+|,?\s+(?:and|then|also|plus)\s+(?=(?:what|why|how|show|could|can|is|which|"
                     r"does|do|will|would|tell|give|list|explain|who|where)\b)", text)
    parts = [p.strip(" ,.") for p in parts if p and len(p.strip(" ,.")) > 0]
    return parts or [text]


def _op_slots(op: str, part: str, whole: str, schema: sl.ChatSchema) -> dict:
    slots: dict[str, Any] = {}
    k = sl.find_k(part)
    if k:
        slots["k"] = k
    target = sl.find_target(part, schema)
    if target and op in ("why", "why_not", "confidence", "counterfactual", "predict", "what_if"):
        slots["target"] = target
    if op == "performance" or op == "mistakes":
        metric = sl.find_metric(part)
        if metric:
            slots["metric"] = metric
    if op == "what_if":
        changes = sl.fill_changes(part, schema)
        if changes:
            slots["changes"] = changes
    # The features a question is about, not the ones its filter names ("income of people older
    # than 60" is about income), unless the filter's are all it names.
    feats = [m.value for m in sl.feature_mentions(part, schema)]
    in_filters = {f["feature"] for f in sl.fill_filters(part, schema)}
    feats = list(dict.fromkeys([f for f in feats if f not in in_filters] or feats))
    if feats and op != "what_if":
        slots["features"] = feats
    words = sl.quoted_words(part)
    if words and op != "what_if":
        slots["words"] = words
    if op == "top_features" and re.search(r"\b(?:overall|global|general|in general|for everyone|across|all)\b", part):
        slots["scope"] = "global"
    if op == "mistakes" and re.search(r"\b(?:typical|common|usual|pattern)", part):
        slots["view"] = "typical"
    elif op == "mistakes" and re.search(r"\b(?:show|sample|examples?|list|which|give)\b", part):
        slots["view"] = "sample"
    return slots
