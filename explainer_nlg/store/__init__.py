"""Durable state: one SQLAlchemy engine (SQLite in WAL mode by default) and the tables kept in it.

Dialogue state lives here so a conversation survives a restart; the audit log (issue 13) is meant
shares the engine code. ``store_url`` says where: ``EXPLAINER_NLG_STORE`` (any SQLAlchemy URL,
PostgreSQL included), else a SQLite file in the cache folder. The audit log (``audit.AuditLog``:
every answer shown, hash-chained) lives at ``EXPLAINER_NLG_AUDIT``, else the store's URL when one is
set, else a file in the user data folder (a log is not a cache).
"""

from .audit import AuditLog, AuditUnavailable, Verification
from .engine import make_engine, store_url
from .records import JsonRecords

__all__ = ["AuditLog", "AuditUnavailable", "JsonRecords", "Verification", "make_engine", "store_url"]
