"""One LLM, many sessions: an answer that finds the LLM busy keeps its verified templates at once
instead of queueing for it.

A local model serves one caller at a time (its lock). An HTTP answer rewords its sentences inline,
within narrate's time limits (4 s and more), and those limits count the wait for the lock. With
many sessions asking at once, each answer would wait most of its limit behind other sessions'
rewordings and then show its templates anyway: measured with 18 sessions, median answers of 13 s
with the LLM against under 4 s without it. Here an inline caller takes the LLM only when it is
free; otherwise its rewording ends at once ("the LLM is busy") and the templates stand, as they do
when the LLM is slow. The page's background rewording (``refinement.Refiner``) is not in a hurry:
it waits for the LLM (``waiting``).

Nor does an answer reword while other answers wait for the CPU: the LLM takes a core for seconds,
and with 18 sessions asking at once the answers it held up were the slowest twentieth (the p95 of
benchmarks/concurrency.py). With ``busy`` (the count of answers being computed, the caller's own
included), an inline rewording starts only when at most ``max_busy`` answers are in progress and
fewer than two finished in the last ``quiet_s`` seconds (the tail of a burst: more are coming; one
client asking one question after another still gets its rewordings), and stops, keeping the lines
already verified, as soon as more answers are in progress.

>>> class Echo:
...     name = "echo"
...     def stream(self, system, user):
...         yield user
>>> llm = SharedLLM(Echo())
>>> list(llm.stream("s", "hello")), llm.name
(['hello'], 'echo')
>>> with llm.slot:
...     list(llm.stream("s", "hello"))
Traceback (most recent call last):
...
explainer_nlg.service.llm_slot.LLMBusy: the LLM is rewording another answer; this one keeps its verified templates
>>> from explainer_nlg.service.priority import Busy
>>> busy = Busy()
>>> polite = SharedLLM(Echo(), busy=busy)
>>> with busy, busy:  # this answer and another one
...     list(polite.stream("s", "hello"))
Traceback (most recent call last):
...
explainer_nlg.service.llm_slot.LLMBusy: the app is busy with other answers; this one keeps its verified templates
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

CROWDED = "the app is busy with other answers; this one keeps its verified templates"


class LLMBusy(RuntimeError):
    """The LLM is serving another caller, and this one does not wait."""


class SharedLLM:
    """An LLM that inline callers use only when it is free (``stream``), and background callers
    wait for (``waiting.stream``). Other attributes are the model's (name, ready, wait, ...)."""

    def __init__(self, llm: Any, busy: Any = None, max_busy: int = 1, quiet_s: float = 1.0):
        self.inner = llm  # the model itself, for callers that take their turn (``waiting``)
        self.slot = threading.Lock()
        self.busy, self.max_busy, self.quiet_s = busy, max_busy, quiet_s

    def _crowded(self, starting: bool = False) -> bool:
        if self.busy is None:
            return False
        recent = starting and self.busy.done_within(self.quiet_s) >= 2
        return self.busy.count > self.max_busy or recent

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def stream(self, system: str, user: str) -> Iterator[str]:
        # A generator: the slot is taken at the first read, inside the try that frees it.
        if self._crowded(starting=True):
            raise LLMBusy(CROWDED)
        if not self.slot.acquire(blocking=False):
            raise LLMBusy("the LLM is rewording another answer; this one keeps its verified templates")
        try:
            for piece in self.inner.stream(system, user):
                if self._crowded():
                    raise LLMBusy(CROWDED)
                yield piece
        finally:
            self.slot.release()

    @property
    def waiting(self) -> _Waiting:
        """The same LLM for a caller that waits for it to be free."""
        return _Waiting(self)


class _Waiting:
    def __init__(self, shared: SharedLLM):
        self._shared = shared

    def __getattr__(self, name: str) -> Any:
        return getattr(self._shared, name)

    def stream(self, system: str, user: str) -> Iterator[str]:
        self._shared.slot.acquire()
        try:
            yield from self._shared.inner.stream(system, user)
        finally:
            self._shared.slot.release()
