"""Small JSON documents by key, in one table shared by every user of the store.

A namespace keeps kinds of record apart ("dialogue/loan", later "audit/..."). Values are JSON
text, so a field another engineer adds to a dataclass persists without a schema change.

>>> from explainer_nlg.store import make_engine
>>> recs = JsonRecords(make_engine("sqlite://"), "demo")
>>> recs.save("ann", {"instance": 17})
>>> recs.load("ann"), recs.load("bob")
({'instance': 17}, None)
>>> recs.delete("ann"); recs.load("ann") is None
True
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

metadata = MetaData()
records = Table(
    "json_records", metadata,
    Column("namespace", String(100), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", Float, nullable=False, index=True),
)


class JsonRecords:
    """``load`` / ``save`` / ``delete`` JSON-able dicts by key within ``namespace``."""

    def __init__(self, engine: Engine, namespace: str):
        self.engine = engine
        self.namespace = namespace
        metadata.create_all(engine, checkfirst=True)

    def _where(self, key: str):
        return and_(records.c.namespace == self.namespace, records.c.key == str(key))

    def load(self, key: str) -> dict | None:
        with self.engine.connect() as c:
            row = c.execute(select(records.c.value).where(self._where(key))).first()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:  # a damaged record is dropped, not fatal: the conversation starts afresh
            self.delete(key)
            return None
        return value if isinstance(value, dict) else None

    def save(self, key: str, value: dict[str, Any]) -> None:
        text, now = json.dumps(value, allow_nan=False), time.time()
        for _ in range(2):  # a second writer may insert the same key between our update and insert
            try:
                with self.engine.begin() as c:
                    done = c.execute(update(records).where(self._where(key)).values(value=text, updated_at=now))
                    if not done.rowcount:
                        c.execute(insert(records).values(namespace=self.namespace, key=str(key), value=text,
                                                         updated_at=now))
                return
            except IntegrityError:
                continue

    def delete(self, key: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(records).where(self._where(key)))

    def prune(self, older_than_s: float) -> int:
        """Drop records not saved for ``older_than_s`` seconds; returns how many."""
        cutoff = time.time() - older_than_s
        with self.engine.begin() as c:
            return c.execute(delete(records).where(and_(records.c.namespace == self.namespace,
                                                        records.c.updated_at < cutoff))).rowcount
