"""A small thread-safe store of the last ``size`` values computed, the least recently used dropped
first: the caches of evidence, parses, one-row model outputs and decoded photos.

>>> recent = Recent(2)
>>> recent.put("a", 1); recent.put("b", 2); recent.get("a")
1
>>> recent.put("c", 3)  # "b" was used least recently
>>> recent.get("b") is None, "a" in recent, len(recent)
(True, True, 2)

A copy (pickled into another process, deep-copied) starts empty: what was computed belongs to
the live object, and a lock cannot be copied.

>>> import pickle
>>> len(pickle.loads(pickle.dumps(recent))), pickle.loads(pickle.dumps(recent)).size
(0, 2)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class Recent:
    """The last ``size`` values put, by key; ``get`` counts as a use."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"size": self.size}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["size"])

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept for ``key``, else ``default``."""
        with self._lock:
            if key not in self._values:
                return default
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._values

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
