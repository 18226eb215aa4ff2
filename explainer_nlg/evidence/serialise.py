"""Plain data: what every record, answer and API response is turned into before it leaves the package.

``to_plain`` is the one conversion (records, answers, the chat's figures and the app's cells all
use it), so a value reads the same in the Evidence JSON, a chat answer and the page. ``Record`` is
the one JSON round-trip the evidence records share.

>>> import numpy as np
>>> to_plain({"p": np.float64(0.25), "ids": np.array([3, 4]), 7: (1.5, float("nan"))})
{'p': 0.25, 'ids': [3, 4], '7': [1.5, None]}
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import typing
from typing import Any, ClassVar


def to_plain(obj: Any) -> Any:
    """``obj`` as JSON-native data: dict keys become strings, tuples and arrays lists, numpy and
    pandas scalars Python numbers, NaN None, and a record (anything with ``to_dict``) its dict;
    anything else that JSON cannot hold becomes its ``str``.

    >>> import pandas as pd
    >>> to_plain(pd.Series([1.0, None])), to_plain(pd.Timestamp("2024-01-02")), to_plain(True)
    ([1.0, None], '2024-01-02 00:00:00', True)
    >>> import numpy as np
    >>> to_plain(np.array([[0.5, np.nan], [1.0, 2.0]])), to_plain([1, 2.5, True])
    ([[0.5, None], [1.0, 2.0]], [1, 2.5, True])
    """
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if all(type(v) is float for v in obj):  # a row of numbers (a heatmap's): no call per number
            return [None if math.isnan(v) else v for v in obj]
        return [to_plain(v) for v in obj]
    if isinstance(obj, str) or obj is None:
        return obj
    if hasattr(obj, "tolist"):  # numpy arrays and scalars (np.float64 too), pandas Series and Index
        return to_plain(obj.tolist())
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, (bool, int)):
        return obj
    if callable(getattr(obj, "to_dict", None)):  # our records; a pandas DataFrame reads as {column: {row: value}}
        return to_plain(obj.to_dict())
    if callable(getattr(obj, "item", None)):
        return to_plain(obj.item())
    return str(obj)


class Record:
    """The JSON round-trip every evidence record shares, read from its dataclass fields and their
    type hints: ``to_dict`` / ``from_dict`` / ``to_json`` / ``from_json``.

    Writing: a field typed ``float``, ``int`` or ``bool`` is written as that type, a record as its
    dict, anything else through ``to_plain``. Reading: numbers and records are rebuilt from the
    hints; a missing key takes the field's default, or None where the hint allows it. A record sets:

    - ``SCHEMA_VERSION``: written first as "schema_version" and checked on reading (None for a part
      of another record, such as one Attribution);
    - ``KEYS``: field -> JSON key, where they differ (a Change writes ``from_value`` as "from");
    - ``DERIVED``: property -> the field it is written after (a WhatIf's ``probability_change``);
    - ``READS``: older schema versions the record still reads (its own ``from_dict`` converts them
      to the current version before this one builds it);
    - ``kind`` as a class variable rather than a field (the data-level records: "feature-effect",
      ...): written as "kind" right after "schema_version", and a dict of another kind is refused.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Pair(Record):
    ...     SCHEMA_VERSION = "1"
    ...     name: str
    ...     share: float
    ...     parts: list[Pair] = dataclasses.field(default_factory=list)
    >>> p = Pair("a", 1, [Pair("b", 0.5)])
    >>> p.to_dict()
    {'schema_version': '1', 'name': 'a', 'share': 1.0, 'parts': [{'schema_version': '1', 'name': 'b', 'share': 0.5, 'parts': []}]}
    >>> Pair.from_json(p.to_json()) == p
    True
    """

    SCHEMA_VERSION: ClassVar[str | None] = None
    KEYS: ClassVar[dict[str, str]] = {}
    DERIVED: ClassVar[dict[str, str]] = {}
    READS: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict:
        out: dict[str, Any] = {} if self.SCHEMA_VERSION is None else {"schema_version": self.SCHEMA_VERSION}
        kind = _class_kind(type(self))
        if kind is not None:
            out["kind"] = kind
        after: dict[str, list[str]] = {}
        for prop, field_name in self.DERIVED.items():
            after.setdefault(field_name, []).append(prop)
        hints = _hints(type(self))
        for f in dataclasses.fields(self):
            out[self.KEYS.get(f.name, f.name)] = _write(getattr(self, f.name), hints[f.name])
            for prop in after.get(f.name, []):
                out[prop] = to_plain(getattr(self, prop))
        return out

    def to_json(self, **kwargs) -> str:
        """``to_dict`` as JSON text; ``kwargs`` go to ``json.dumps`` (``indent=2``, ...)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, d: dict):
        kind = _class_kind(cls)
        if kind is not None and d.get("kind", kind) != kind:
            raise ValueError(f"Not a {kind} record: kind {d.get('kind')!r}.")
        if cls.SCHEMA_VERSION is not None:
            version = str(d.get("schema_version", cls.SCHEMA_VERSION))
            if version != cls.SCHEMA_VERSION:
                known = " or ".join(repr(v) for v in (cls.SCHEMA_VERSION, *cls.READS))
                raise ValueError(f"{cls.__name__} schema version {version!r} is not supported "
                                 f"(expected {known}).")
        hints = _hints(cls)
        values = {}
        for f in dataclasses.fields(cls):
            key = cls.KEYS.get(f.name, f.name)
            if key in d:
                values[f.name] = _read(d[key], hints[f.name])
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                if not _allows_none(hints[f.name]):
                    raise KeyError(key)
                values[f.name] = None
        return cls(**values)

    @classmethod
    def from_json(cls, text: str):
        return cls.from_dict(json.loads(text))


@functools.cache
def _class_kind(cls: type) -> str | None:
    """The kind a record class names in a ``kind`` class variable; None where ``kind`` is a field
    (Evidence's "tabular", "text", ...) or absent."""
    kind = getattr(cls, "kind", None)
    is_field = any(f.name == "kind" for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else False
    return kind if isinstance(kind, str) and not is_field else None


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, localns={cls.__name__: cls})  # a record may hold its own kind


def _allows_none(hint: Any) -> bool:
    return hint is Any or type(None) in typing.get_args(hint)


def _write(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Record) for v in value):
        return [v.to_dict() for v in value]
    scalar = next((a for a in typing.get_args(hint) if a is not type(None)), hint) if _allows_none(hint) else hint
    if scalar in (float, int, bool):
        return scalar(value)
    return to_plain(value)


def _read(value: Any, hint: Any) -> Any:
    args = typing.get_args(hint)
    if type(None) in args:  # X | None
        if value is None:
            return None
        hint = next(a for a in args if a is not type(None))
        args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value)
    if hint in (float, int, bool):
        return hint(value)
    if origin is list:
        item = args[0] if args else Any
        if isinstance(item, type) and issubclass(item, Record):
            return [item.from_dict(v) for v in value]
        return list(value or [])
    if origin is tuple:
        return tuple(value)
    if origin is dict:
        if args and args[1] is float:
            return {str(k): float(v) for k, v in value.items()}
        return dict(value or {})
    return value
