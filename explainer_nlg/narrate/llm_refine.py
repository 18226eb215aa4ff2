"""Answer at once, reword later: a narration shown as its templates, reworded by the LLM afterwards.

On a CPU the local LLM takes tens of seconds to reword an answer, far past the chat's limits, so
a chat would never show its wording. Instead ``narrate(..., defer=pending)`` shows the verified
template sentences at once and leaves a ``Rewording`` in ``pending``; ``reword`` later asks the
LLM with a generous limit and returns the narration with each verified rewording in place of its
template (a rejected one stays the template). ``replace_sentences`` puts the rewordings into a
text that holds the templates (the chat's whole answer, with its other parts and notes).

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> from explainer_nlg.narrate import narrate
>>> ev = Evidence("text", "other", {"great": 0.1, "other": 0.9}, "other", 0.5,
...               [Attribution("stale", "stale", 0.3), Attribution("cookies", "cookies", 0.1)],
...               "exact enumeration", 4, 0.01)
>>> class Plain:
...     name, ready = "plain", True
...     def stream(self, system, user):
...         yield "1. The model said “other” for this message, and it is very confident.\\n"
>>> pending = []
>>> shown = narrate(ev, llm=Plain(), defer=pending)
>>> [s.status for s in shown.sentences], len(pending)
(['template', 'template', 'template'], 1)
>>> later = reword(pending[0], limit=30)
>>> [s.status for s in later.sentences]
['rephrased', 'fallback', 'fallback']
>>> print(replace_sentences("About this: " + shown.text, later))
About this: The model said “other” for this message, and it is very confident. It was mostly down to the words “stale” and “cookies”. Nothing in this message counted noticeably against “other”.
"""

from __future__ import annotations

from collections.abc import Callable

from .answer import Answer, Rewording
from .llm import TimeLimits
from .narration import narrate

REFINE_SECONDS = 30.0  # how long a rewording may take after its answer was shown (the page's default)


def reword(pending: Rewording, limit: float = REFINE_SECONDS,
           cancel: Callable[[], bool] | None = None) -> Answer:
    """The narration reworded by the LLM within ``limit`` seconds, every line verified as usual
    (a line not in time, or rejected, stays its template: status "fallback" with the reason).
    ``cancel()`` is polled while the LLM writes; once True the LLM is stopped (its lock freed) and
    the sentences not yet reworded stay templates."""
    limits = TimeLimits(first_sentence=limit, answer=limit, per_extra_sentence=0.0)
    return narrate(pending.record, llm=pending.llm, time_limits=limits, cancel=cancel, **pending.options)


def replace_sentences(text: str, narration: Answer, start: int = 0) -> str:
    """``text`` with each template sentence of ``narration`` that the LLM reworded (and the
    verifier accepted) replaced by its rewording, in order, from ``start``; a template that is not
    found is left alone (see ``placed``)."""
    return _replace(text, narration, start)[0]


def placed(text: str, narration: Answer, start: int = 0) -> tuple[str, int, list[bool]]:
    """(the new text, where the last replacement ended, per sentence whether it was replaced)."""
    return _replace(text, narration, start)


def _replace(text: str, narration: Answer, start: int) -> tuple[str, int, list[bool]]:
    done: list[bool] = []
    cursor = start
    for s in narration.sentences:
        if s.status != "rephrased" or s.text == s.template:
            done.append(False)
            continue
        at = text.find(s.template, cursor)
        if at < 0:
            done.append(False)
            continue
        text = text[:at] + s.text + text[at + len(s.template):]
        cursor = at + len(s.text)
        done.append(True)
    return text, cursor, done
