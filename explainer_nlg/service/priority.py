"""Long work yields the CPU to quick work: explanations of texts and photos, and the LLM's
background rewording, run on threads with a lower CPU priority (a higher Linux nice value).

Why: on a small machine the CPU, not the scheduling of requests, is what quick answers wait for.
A question about a table row costs a few hundredths of a second of CPU; a long text or a large
photo costs seconds, up to its budget, and the LLM rewords for as long as it is given. At equal
priority they share the cores with everyone, and every quick answer waits in the queue behind
their slices. At a lower priority the kernel runs them when quick work leaves a core idle, so
they still finish (within their own budgets) and nobody else waits for them.

Linux keeps a nice value per thread (setpriority(2), PRIO_PROCESS with a thread id), and threads
inherit it, so the pools a low thread starts (torch's, OpenMP's) are low too. Raising the value
needs no privilege; lowering it back does, so low work runs on threads that stay low. Elsewhere
(macOS, Windows) ``lower_this_thread`` does nothing and the work runs at normal priority.

>>> run_low(sum, [1, 2, 3])
6
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# Nice 10 weighs about 1/10 of nice 0 in Linux's scheduler: quick work gets ~90% of a contended core.
LOW_NICE = 10
# As many long requests at once as the page serves requests of one kind (ui/app.py concurrency).
LOW_WORKERS = 8

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def lower_this_thread(nice: int = LOW_NICE) -> bool:
    """Give the calling thread (and threads it starts later) a lower CPU priority; False where the
    platform has no per-thread nice value or refuses it."""
    try:
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        if current < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        return True
    except (AttributeError, OSError) as err:  # no setpriority (Windows), or a sandbox refused it
        log.debug("could not lower this thread's priority: %s", err)
        return False


def run_low(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` on a low-priority thread, waited for; its context variables (the
    explanation budget of ``attribution.limits``) go with it, and its exception comes back here."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(LOW_WORKERS, thread_name_prefix="low-priority",
                                       initializer=lower_this_thread)
    context = contextvars.copy_context()
    return _pool.submit(context.run, fn, *args, **kwargs).result()


def is_long_work(ex: Any, x: Any) -> bool:
    """Whether answering about ``x`` with explainer ``ex`` may take seconds: an input of a text or
    image model (each Shapley coalition is a forward pass of a neural network)."""
    given = x is not None and not (isinstance(x, str) and not x.strip())
    return given and getattr(ex, "kind", "tabular") in ("text", "image")


class Busy:
    """How many answers are being computed right now; background work waits for none.

    >>> busy = Busy()
    >>> with busy:
    ...     busy.wait_idle(0.01)
    False
    >>> busy.wait_idle(0.01)
    True
    """

    def __init__(self):
        self._done: deque = deque(maxlen=8)  # when the last answers finished (time.monotonic())
        self._count = 0
        self._idle = threading.Condition()

    def __enter__(self) -> Busy:
        with self._idle:
            self._count += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        with self._idle:
            self._count -= 1
            self._done.append(time.monotonic())
            if self._count == 0:
                self._idle.notify_all()

    def done_within(self, seconds: float) -> int:
        """How many answers finished in the last ``seconds`` (at most 8 are remembered)."""
        since = time.monotonic() - seconds
        with self._idle:
            return sum(t >= since for t in self._done)

    @property
    def count(self) -> int:
        """How many answers are being computed now."""
        with self._idle:
            return self._count

    def wait_idle(self, timeout: float) -> bool:
        """Block until no answer is being computed, at most ``timeout`` seconds; True when idle."""
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout=max(0.0, timeout))


class PausingLLM:
    """An LLM whose reply pauses between pieces while answers are being computed.

    A local model's reply is decoded lazily, as its pieces are read, so not reading is not
    decoding: while any answer is computed, the rewording takes no CPU and no GIL (a lower
    thread priority alone does not help with the GIL: a low thread holding it stalls everyone).
    Each pause lasts at most ``max_pause`` seconds, so a rewording under constant load still
    advances (and its own deadline, kept by the caller, still ends it).
    """

    def __init__(self, llm: Any, busy: Busy, max_pause: float = 2.0):
        self._llm, self._busy, self.max_pause = llm, busy, max_pause

    def __getattr__(self, name: str) -> Any:  # name, ready, count_tokens, ... of the model
        return getattr(self._llm, name)

    def stream(self, system: str, user: str):
        pieces = self._llm.stream(system, user)
        try:
            while True:
                self._busy.wait_idle(self.max_pause)
                try:
                    piece = next(pieces)
                except StopIteration:
                    return
                yield piece
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()  # frees the model's lock for the next caller
