"""The store's engine: SQLite in WAL mode by default, any SQLAlchemy URL by configuration.

WAL lets readers carry on while one writer commits, which is what a chat server with several
worker threads needs; ``busy_timeout`` makes a writer wait for another instead of failing.

>>> eng = make_engine("sqlite://")           # in memory, for tests
>>> with eng.connect() as c:
...     c.exec_driver_sql("select 1").scalar()
1
"""

from __future__ import annotations

import os
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.pool import StaticPool

from ..cache import cache_dir

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def store_url() -> str:
    """``EXPLAINER_NLG_STORE`` if set, else ``sqlite:///<cache folder>/store.sqlite``."""
    return os.environ.get("EXPLAINER_NLG_STORE") or f"sqlite:///{cache_dir() / 'store.sqlite'}"


def make_engine(url: str | None = None, synchronous: str = "NORMAL", busy_seconds: float = 30.0) -> Engine:
    """One engine per URL (and SQLite settings) per process (engines pool connections; make them
    once). ``synchronous`` and ``busy_seconds`` are SQLite's: NORMAL survives a killed process,
    FULL (the audit log's) a power cut too; how long a writer waits for a locked file."""
    url = url or store_url()
    key = f"{url} {synchronous} {busy_seconds}"
    with _lock:
        if key not in _engines:
            _engines[key] = _create(url, synchronous, busy_seconds)
        return _engines[key]


def _create(url: str, synchronous: str = "NORMAL", busy_seconds: float = 30.0) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    # An in-memory database exists per connection: share one connection across threads.
    kwargs = {"poolclass": StaticPool} if memory else {}
    eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_seconds}, **kwargs)

    @event.listens_for(eng, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001 - SQLAlchemy's hook signature
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'FULL' else 'NORMAL'}")
        cur.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        cur.close()

    return eng
