"""Rewording answers already shown: one worker, one answer at a time, stale ones dropped.

The page shows an answer's verified template sentences at once (``Service.answer(refine=...)``)
and leaves its narrations here. The ``Refiner`` asks the LLM for them in the order answers were
given, within ``seconds`` of each answer, and hands back the answer with every verified rewording
in place of its template (``revise``). The LLM serves one caller at a time, so a queue of
rewordings never delays a fresh answer (those are templates at once); a rewording whose session
has since asked something else is dropped, and stopped if it is running, so the next one starts.

>>> r = Refiner(seconds=30)
>>> t = r.turn("s-1")
>>> r.is_stale("s-1", t), r.is_stale("s-1", t - 1), r.is_stale("s-2", 1)
(False, True, True)
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..narrate.answer import SentenceRecord
from ..narrate.llm_refine import REFINE_SECONDS, placed, replace_sentences, reword
from .llm_slot import SharedLLM
from .priority import Busy, PausingLLM, lower_this_thread

log = logging.getLogger(__name__)
MAX_SESSIONS = 10_000  # sessions whose latest turn is remembered; an older one's rewording is stale


@dataclass
class Job:
    """One shown answer's narrations to reword, and what to do with the result."""

    key: str
    turn: int
    answer: Any                   # the ChatAnswer as shown (and recorded)
    rewordings: list              # narrate's Rewording objects, in the order they were narrated
    deadline: float               # time.monotonic() by which the rewording must be complete
    done: Callable[[Any], None]   # receives the revised ChatAnswer, or None (nothing changed, stale)


class Refiner:
    """Rewords shown answers in a background thread, oldest first, one at a time."""

    def __init__(self, seconds: float = REFINE_SECONDS):
        self.seconds = float(seconds)
        # While answers are computed the LLM pauses between pieces (priority.PausingLLM).
        self.busy = Busy()
        self._turns: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None

    def turn(self, key: str) -> int:
        """Count a new answer in conversation ``key`` (every answer, reworded later or not):
        rewordings of the session's earlier answers are stale from now on."""
        with self._lock:
            n = self._turns.pop(key, 0) + 1
            self._turns[key] = n
            while len(self._turns) > MAX_SESSIONS:
                self._turns.popitem(last=False)
            return n

    def is_stale(self, key: str, turn: int) -> bool:
        with self._lock:
            return self._turns.get(key) != turn

    def submit(self, job: Job) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="llm-refine", daemon=True)
                self._thread.start()
        self._queue.put(job)

    def _loop(self) -> None:
        # Rewording is polish: it takes the CPU only when no answer is being computed, so that
        # nobody's first answer waits behind another session's rewording (priority.py).
        lower_this_thread()
        while True:
            job = self._queue.get()
            try:
                job.done(self._run(job))
            except Exception:  # noqa: BLE001 - one failed rewording never stops the next
                log.exception("rewording failed")
                try:
                    job.done(None)
                except Exception:  # noqa: BLE001
                    log.exception("rewording callback failed")

    def _run(self, job: Job) -> Any:
        def gone() -> bool:
            return self.is_stale(job.key, job.turn) or time.monotonic() >= job.deadline

        if gone():
            return None
        narrations = []
        for pending in job.rewordings:
            left = job.deadline - time.monotonic()
            if left <= 0 or self.is_stale(job.key, job.turn):
                break
            # The rewording is not in a hurry: it waits for the LLM where answers do not.
            llm = pending.llm.waiting if isinstance(pending.llm, SharedLLM) else pending.llm
            polite = dataclasses.replace(pending, llm=PausingLLM(llm, self.busy))
            narrations.append(reword(polite, left, cancel=lambda: self.is_stale(job.key, job.turn)))
        if self.is_stale(job.key, job.turn):
            return None  # the session moved on while the LLM wrote: its rewording is not shown
        return revise(job.answer, job.rewordings[:len(narrations)], narrations)


def revise(answer: Any, rewordings: list, narrations: list) -> Any:
    """``answer`` (a ChatAnswer) with each narration's verified rewordings in place of their
    templates, in its text and in its parts; None where no sentence changed. A reworded sentence
    whose template is not found in the text (a handler that reworded it) is kept as its template,
    marked "fallback", so the record says what was shown."""
    text, cursor, changed = answer.text, 0, False
    by_shown: dict[int, Any] = {}
    for pending, narration in zip(rewordings, narrations):
        text2, cursor2, done = placed(text, narration, cursor)
        narration = _as_placed(pending.shown, narration, done)
        if any(done):
            text, cursor, changed = text2, cursor2, True
        by_shown[id(pending.shown)] = narration
    if not changed:
        return None
    parts = []
    for p in answer.parts:
        n = by_shown.get(id(p.narration)) if p.narration is not None else None
        if n is not None:
            p = dataclasses.replace(p, narration=n, text=replace_sentences(p.text, n))
        parts.append(p)
    return dataclasses.replace(answer, text=text, parts=tuple(parts), audit=None)


def _as_placed(shown: Any, narration: Any, done: list[bool]) -> Any:
    sentences = []
    for s, t, ok in zip(narration.sentences, shown.sentences, done):
        if s.status == "rephrased" and not ok and s.text != s.template:
            s = SentenceRecord(t.text, t.template, "fallback", "the rewording was not placed in the answer", t.slot)
        sentences.append(s)
    shown_text = " ".join(s.text for s in sentences)
    return dataclasses.replace(narration, sentences=tuple(sentences), text=shown_text)
