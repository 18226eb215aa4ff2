"""Durable state: one SQLAlchemy engine (SQLite in WAL mode by default) and the tables kept in it.

Dialogue state lives here so a conversation survives a restart; the audit log (issue 13) is meant
to share the same engine. ``store_url`` says where: ``EXPLAINER_NLG_STORE`` (any SQLAlchemy URL,
PostgreSQL included), else a SQLite file in the cache folder.
"""

from .engine import make_engine, store_url
from .records import JsonRecords

__all__ = ["JsonRecords", "make_engine", "store_url"]
