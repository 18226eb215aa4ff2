"""Who owns what: conversation keys that cannot be guessed, and models that belong to one session.

A conversation's key is a capability: whoever holds it reads that conversation's state (its rows,
its texts). So keys are made by the server: a client that sends no session gets a fresh key; a
client that names its own ("ann") gets a key derived from that name *and* its connection, so
another client that also says "ann" gets another conversation. The key comes back with every
answer, and sending it back continues the conversation from any connection.

>>> keys = SessionKeys(secret=b"k" * 32)
>>> a, b = keys.key("ann", scope="client-1"), keys.key("ann", scope="client-2")
>>> a != b and keys.key(a, scope="anyone") == a and is_key(a)
True

Models uploaded in the page belong to the page session that uploaded them: only its key finds
them, they expire after ``ttl_s`` unused, and at most ``max_models`` are kept (oldest out).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

KEY = re.compile(r"s-[0-9a-f]{32}")


def is_key(text: str) -> bool:
    return bool(KEY.fullmatch(str(text)))


class SessionKeys:
    """Makes conversation keys (see the module docstring); ``secret`` is per process by default."""

    def __init__(self, secret: bytes | None = None):
        self.secret = secret or os.urandom(32)

    @staticmethod
    def new() -> str:
        return "s-" + secrets.token_hex(16)

    def key(self, name: str, scope: str | None) -> str:
        """The key for a client's ``name`` (a key itself, a name, or "" for a new conversation)."""
        name = str(name or "").strip()
        if is_key(name):
            return name
        if not name:
            return self.new()
        digest = hmac.new(self.secret, f"{scope or ''}\0{name}".encode(), hashlib.sha256).hexdigest()
        return "s-" + digest[:32]


class OwnedModels:
    """Uploaded explainers by owner key, with an idle expiry and a cap on how many are held."""

    def __init__(self, ttl_s: float = 3600.0, max_models: int = 8):
        self.ttl_s, self.max_models = ttl_s, max_models
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, owner: str, item: Any) -> None:
        with self._lock:
            self._items.pop(owner, None)
            self._items[owner] = (time.monotonic(), item)
            self._sweep()
            while len(self._items) > self.max_models:
                self._items.popitem(last=False)

    def get(self, owner: str | None) -> Any:
        """The owner's item, or None (never another owner's; an expired one is dropped)."""
        if not owner:
            return None
        with self._lock:
            self._sweep()
            hit = self._items.pop(owner, None)
            if hit is None:
                return None
            self._items[owner] = (time.monotonic(), hit[1])
            return hit[1]

    def _sweep(self) -> None:
        now = time.monotonic()
        for owner in [o for o, (t, _) in self._items.items() if now - t > self.ttl_s]:
            del self._items[owner]

    def __len__(self) -> int:
        return len(self._items)
