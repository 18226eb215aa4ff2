"""Dialogue state: what "it", "the next one", "why?" and "show me" refer to, per session.

>>> store = SessionStore()
>>> store.get("ann").instance = 17
>>> store.get("bob").instance is None       # sessions never share state
True
>>> store.get("ann").instance
17

With a ``backend`` (``explainer_nlg.store.JsonRecords``) each state is saved after every answer
and read back after a restart. Every dataclass field is saved as JSON, so a field added to
``DialogueState`` later persists with no other change; a value JSON cannot hold (a photo) is left
out and comes back as the field's default.

>>> from explainer_nlg.store import JsonRecords, make_engine
>>> recs = JsonRecords(make_engine("sqlite://"), "doctest")
>>> before = SessionStore(backend=recs)
>>> st = before.get("ann"); st.instance = 17; st.x = 17; st.ops = [{"op": "why"}]
>>> before.save("ann", st)
>>> after = SessionStore(backend=recs)         # a new process: nothing in memory
>>> after.get("ann").instance, after.get("ann").ops
(17, [{'op': 'why'}])
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, fields
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
    described: dict = field(default_factory=dict)      # the values a free-text applicant was given with


class _Unsaved(Exception):
    pass


def _saved(v: Any) -> Any:
    """``v`` as JSON-able data, or _Unsaved when it is not data (an image array, a model). Not
    ``to_plain``, which writes anything as text: a state field that is not data is left out."""
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): _saved(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_saved(x) for x in v]
    if hasattr(v, "item") and getattr(v, "ndim", 0) == 0:  # a numpy scalar
        return _saved(v.item())
    raise _Unsaved


def state_to_dict(state: DialogueState) -> dict:
    """Every field of ``state`` that is plain data; the names of the others under ``"_unsaved"``.

    >>> import numpy as np
    >>> state_to_dict(DialogueState(x=np.zeros((2, 2)), instance=None, turns=3))["_unsaved"]
    ['x']
    """
    out: dict[str, Any] = {}
    unsaved = []
    for f in fields(state):
        try:
            out[f.name] = _saved(getattr(state, f.name))
        except _Unsaved:
            unsaved.append(f.name)
    out["_unsaved"] = unsaved
    return out


def state_from_dict(data: dict) -> DialogueState:
    """The state ``state_to_dict`` saved; unknown keys (a field since removed) are ignored."""
    names = {f.name for f in fields(DialogueState)}
    return DialogueState(**{k: v for k, v in data.items() if k in names})


class SessionStore:
    """Sessions by id, the least recently used dropped from memory past ``max_sessions``
    (thread-safe). ``backend``: where states are saved (``load``/``save``/``delete`` of dicts
    by key), so they outlive the process; None keeps them in memory only."""

    def __init__(self, max_sessions: int = 1000, backend: Any = None):
        self._states: OrderedDict[str, DialogueState] = OrderedDict()
        self._lock = threading.Lock()
        self.max_sessions = max_sessions
        self.backend = backend

    def get(self, session: str) -> DialogueState:
        key = str(session)
        with self._lock:
            st = self._states.pop(key, None)
        if st is None and self.backend is not None:
            saved = self.backend.load(key)
            st = state_from_dict(saved) if saved is not None else None
        with self._lock:
            # another thread may have made it meanwhile: keep the one already in memory
            st = self._states.pop(key, None) or st or DialogueState()
            self._states[key] = st
            while len(self._states) > self.max_sessions:
                self._states.popitem(last=False)
            return st

    def save(self, session: str, state: DialogueState) -> None:
        """Keep ``state`` beyond this process (a no-op without a backend)."""
        if self.backend is not None:
            self.backend.save(str(session), state_to_dict(state))

    def __len__(self) -> int:
        return len(self._states)
