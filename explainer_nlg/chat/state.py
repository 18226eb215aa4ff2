"""Dialogue state: what "it", "the next one", "why?" and "show me" refer to, per session.

>>> store = SessionStore()
>>> store.get("ann").instance = 17
>>> store.get("bob").instance is None       # sessions never share state
True
>>> store.get("ann").instance
17
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DialogueState:
    """One conversation's memory. Mutable on purpose: the assistant updates it after each answer."""

    x: Any = None                      # the current input: a row id, a row dict, a text or an image
    instance: int | None = None        # the current row id (tabular)
    filters: list[dict] = field(default_factory=list)   # the last cohort filter
    ops: list[dict] = field(default_factory=list)       # the last operations, with their slots
    ids: list[int] = field(default_factory=list)        # the rows listed last ("the second one")
    features: list[str] = field(default_factory=list)   # the features talked about last
    turns: int = 0
    listed_at: int = -1                # the turn whose answer listed ``ids``
    given: Any = None                  # the input last handed over by the caller (the app's panel row)
    pending: list[dict] = field(default_factory=list)   # the readings offered by the last question back


class SessionStore:
    """Sessions by id, the least recently used dropped past ``max_sessions`` (thread-safe)."""

    def __init__(self, max_sessions: int = 1000):
        self._states: OrderedDict[str, DialogueState] = OrderedDict()
        self._lock = threading.Lock()
        self.max_sessions = max_sessions

    def get(self, session: str) -> DialogueState:
        with self._lock:
            st = self._states.pop(str(session), None) or DialogueState()
            self._states[str(session)] = st
            while len(self._states) > self.max_sessions:
                self._states.popitem(last=False)
            return st

    def reset(self, session: str) -> None:
        with self._lock:
            self._states.pop(str(session), None)

    def __len__(self) -> int:
        return len(self._states)
