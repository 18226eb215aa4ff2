"""Time and call budgets for an explanation, set by whoever serves it.

A server sets them around a request (``with explain_limits(seconds=8, calls=2000): ...``); the
estimators read them where they can stop between rounds, and stop there with what they have
computed, its standard errors, and a record of why they stopped. Code that sets no limits runs
exactly as before. A context variable carries them, so concurrent requests on other threads each
keep their own.

>>> with explain_limits(seconds=60, calls=500):
...     current().calls, current().time_left() > 59
(500, True)
>>> current() is None
True
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    deadline: float | None   # time.monotonic() value; None: no time limit
    calls: int | None        # most model calls for one explanation; None: no limit
    seconds: float | None = None

    def time_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def expired(self) -> bool:
        left = self.time_left()
        return left is not None and left <= 0


_current: ContextVar[Limits | None] = ContextVar("explain_limits", default=None)


def current() -> Limits | None:
    """The limits in force for this request, or None."""
    return _current.get()


@contextlib.contextmanager
def explain_limits(seconds: float | None = None, calls: int | None = None) -> Iterator[Limits]:
    """Limit every explanation computed inside the block to ``seconds`` (from now) and ``calls``."""
    limits = Limits(None if seconds is None else time.monotonic() + seconds, calls, seconds)
    token = _current.set(limits)
    try:
        yield limits
    finally:
        _current.reset(token)


def capped_budget(budget: int | None, n_players: int) -> int | None:
    """``budget`` lowered to the call limit in force (None stays None: the adaptive rule's own cap,
    16n+2, is then lowered inside the estimator)."""
    lim = current()
    if lim is None or lim.calls is None or budget is None:
        return budget
    return max(4, min(budget, lim.calls))


def stop_note(stopped: str, calls: int, seconds: float) -> str:
    """The note an explanation carries when a limit stopped it."""
    what = f"its time budget ({seconds:g} s)" if stopped == "time" else "its budget of model calls"
    return (f"The explanation stopped at {what} after {calls:,} model calls: the contributions are estimates "
            "from what was computed, each with its standard error.")
