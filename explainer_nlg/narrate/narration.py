"""``narrate``: a record -> an Answer, with the LLM's wording kept only where it is verified.

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> ev = Evidence("text", "other", {"great": 0.1, "other": 0.9}, "other", 0.5,
...               [Attribution("stale", "stale", 0.3), Attribution("cookies", "cookies", 0.1)],
...               "exact enumeration", 4, 0.01)
>>> print(narrate(ev).text)
For this message, the model predicted “other”; it is very confident. It was mostly down to the words “stale” and “cookies”. Nothing in this message counted noticeably against “other”.
>>> class Liar:
...     name = "liar"
...     def stream(self, system, user):
...         yield "1. The model predicted “great”.\\n2. The main reason was the word “stale”."
>>> a = narrate(ev, llm=Liar())
>>> [(s.status, s.reason) for s in a.sentences]  # doctest: +NORMALIZE_WHITESPACE
[('fallback', 'label: the model predicted “other”, not “great”'),
 ('fallback', 'it dropped a factor the template named'),
 ('fallback', 'the LLM returned no line 3')]
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .answer import Answer, LLMAudit, Rewording, SentenceRecord
from .llm import LLM, TimeLimits, rephrase
from .records import as_record
from .templates import template_sentences
from .verify import covers, split_sentences, verify_sentence
from .views import is_view_record, view_sentences

DEFAULT_LIMITS = TimeLimits()  # the chat's: first sentence by 1.5 s, a short answer by 4 s


def narrate(record: Any, audience: str = "customer", llm: LLM | None = None, focus: str = "why",
            descriptions: dict[str, str] | None = None,
            on_token: Callable[[str], None] | None = None,
            on_sentence: Callable[[SentenceRecord], None] | None = None,
            aliases: dict[str, list[str]] | None = None,
            time_limits: TimeLimits | None = DEFAULT_LIMITS,
            premise: tuple[str, bool] | None = None, defer: list | None = None,
            cancel: Callable[[], bool] | None = None) -> Answer:
    """Explain an Evidence record (or a counterfactual/what-if dict, or a data-level record: a
    FeatureEffect, GroupComparison, SimilarCases or RuleEvidence) in plain language.

    ``audience``: "customer", "support" or "developer". ``llm``: an optional local LLM (for
    instance ``load_llm()`` or a ``BackgroundLLM``) that rewords the template sentences; each
    reworded sentence is verified claim by claim and replaced by the template sentence where any
    claim fails. An LLM that is still loading (``llm.ready`` False) is not asked: the templates
    are shown. ``time_limits``: the first sentence is shown within ``first_sentence`` seconds and
    the whole answer within ``total(n)`` seconds, each as the template where the LLM was not in
    time (``None``: wait for the LLM however long it takes, as benchmarks of its wording do).
    ``premise``: what the question took for granted (``("bad", True)`` for "why was it denied?",
    ``("good", False)`` for "why not approved?"); a wrong one is corrected in the first sentence.
    ``on_sentence`` receives each shown sentence, in order, as soon as it is verified (this is
    what a UI should stream); ``on_token`` receives the LLM's raw, unverified output as it comes,
    for progress displays and logs only. The Answer's text is plain text (not HTML): words are
    quoted exactly as the user wrote them, markup included. ``aliases``: other words for the
    classes ({"good": ["approved", ...]}) that a data-level record's sentences may use.
    ``defer``: a list; where given, the LLM is not asked now: the templates are returned at once
    and a ``Rewording`` is appended for ``llm_refine.reword`` to ask it later (the chat page's
    "answer at once, then refine"). ``cancel()``: polled while the LLM writes; True stops it.
    """
    t0 = time.perf_counter()
    record = as_record(record)  # WhatIf / CounterfactualSet -> the dict the templates read
    if is_view_record(record):
        templates = view_sentences(record, audience, descriptions)
    else:
        templates = template_sentences(record, audience, focus, descriptions, premise=premise)
    checked = [verify_sentence(t.text, record, descriptions, aliases) for t in templates]
    records: list[SentenceRecord] = []
    audit = None
    if llm is not None and not getattr(llm, "ready", True):
        llm = None  # still loading in the background: the first answers never wait for it
    if llm is not None and defer is not None:
        shown = narrate(record, audience, None, focus, descriptions, None, on_sentence, aliases, premise=premise)
        defer.append(Rewording(shown, record, llm, {"audience": audience, "focus": focus, "descriptions": descriptions,
                                                    "aliases": aliases, "premise": premise}))
        return shown
    if llm is None:
        for t, v in zip(templates, checked):
            # Templates are the ground truth; a verifier disagreement is a bug worth recording.
            records.append(SentenceRecord(t.text, t.text, "template",
                                          "" if v.ok else f"verifier disagrees: {v.reason}", t.slot))
            if on_sentence is not None:
                on_sentence(records[-1])
    else:
        ready: dict[int, SentenceRecord] = {}

        limit = time_limits.total(len(templates)) if time_limits is not None else None

        def decide(i: int, candidate: str | None, error: str = "") -> None:
            if i in ready or not 1 <= i <= len(templates):
                return
            t, v = templates[i - 1], checked[i - 1]
            if limit is not None and candidate and time.perf_counter() - t0 > limit:
                candidate, error = None, f"the LLM was not in time ({limit:.1f} s)"  # no time to verify it
            reason = _reject_reason(candidate, i, error, v, record, descriptions, aliases)
            ready[i] = (SentenceRecord(t.text, t.text, "fallback", reason, t.slot) if reason
                        else SentenceRecord(candidate, t.text, "rephrased", "", t.slot))
            # Emit in order: a sentence waits for the ones before it.
            while len(records) < len(templates) and len(records) + 1 in ready:
                records.append(ready[len(records) + 1])
                if on_sentence is not None:
                    on_sentence(records[-1])

        def due(elapsed: float) -> None:
            # The first sentence may not wait past its limit: show the template, keep the rest.
            if time_limits is not None and elapsed >= time_limits.first_sentence and 1 not in ready:
                decide(1, None, f"the LLM was not in time ({time_limits.first_sentence:.1f} s)")

        r = rephrase(llm, [t.text for t in templates], audience, on_token, on_line=decide,
                     time_limit=limit, on_wait=due if time_limits is not None else None, cancel=cancel)
        audit = LLMAudit(getattr(llm, "name", type(llm).__name__), r.prompt, r.raw,
                         r.first_token_seconds, r.total_seconds, r.error)
        for i in range(1, len(templates) + 1):
            decide(i, r.lines.get(i), r.error)
    text = " ".join(s.text for s in records)
    return Answer(text, tuple(records), record, audience, focus, audit, time.perf_counter() - t0)


def _reject_reason(candidate: str | None, i: int, error: str, template_verdict, record: Any,
                   descriptions, aliases=None) -> str:
    if error and not candidate:
        return error if error.startswith("the LLM") else f"the LLM failed ({error})"
    if not candidate or not candidate.strip():
        return f"the LLM returned no line {i}"
    parts = split_sentences(candidate)
    if len(parts) > 2:
        return "the LLM returned more than a sentence or two"
    verdicts = [verify_sentence(p, record, descriptions, aliases, stop_at_first=True) for p in parts]
    failed = next((v for v in verdicts if not v.ok), None)
    if failed is not None:
        return failed.reason
    return covers(template_verdict, verdicts)
