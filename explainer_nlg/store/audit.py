"""The audit log: every answer shown, append-only and hash-chained, in any SQLAlchemy database.

Each entry is one canonical JSON document (sorted keys, no spaces, UTF-8) and a hash over it and
the previous entry's hash: ``hash = sha256(prev_hash + "\\n" + payload)``. Editing, removing or
reordering an entry breaks the chain at that entry, and ``verify`` names it. The columns beside
the payload (time, session, question, ...) are copies for searching; ``verify`` checks them
against the payload too, so editing a column is caught like editing the payload.

Appending is one short transaction: read the head, insert ``seq = head + 1`` chained to it.
``seq`` is the primary key and ``prev_hash`` is unique, so two writers that read the same head
cannot both insert: the loser gets an IntegrityError (or SQLite's "locked") and retries on the
new head. That holds across threads, processes and machines, on SQLite and PostgreSQL alike,
with no lock beyond the database's own; within a process a lock keeps writers from retrying
against each other.

Retention deletes the oldest entries and appends a ``retention`` entry that names the last
deleted entry's hash; ``verify`` then starts from the first entry kept and checks that it
follows that hash. Deleting the newest entries cannot be seen from inside any hash chain: the
head hash (``head()``, printed by ``explainer-nlg audit verify`` and on every case file) is what
to keep elsewhere.

Over 400 lines on purpose: append, read, search, verify and prune share the table, the canonical
JSON and the chain rule, and a reader must see them together to trust that they agree.

>>> log = AuditLog("sqlite://")
>>> a = log.append({"kind": "answer", "session": "s-1", "question": "why?", "answer": "Because."})
>>> b = log.append({"kind": "answer", "session": "s-1", "question": "and 18?", "answer": "Also."})
>>> (a.seq, b.seq), b.prev_hash == a.hash, log.verify().ok
((1, 2), True, True)
>>> log.get(2)["payload"]["question"]
'and 18?'
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

GENESIS = "0" * 64
FORMAT = 1
MIN_RETENTION_DAYS = 183   # EU AI Act Art. 19/26: logs kept at least six months
SEARCH_COLUMNS = ("kind", "session", "operator", "model", "subject", "question", "answer", "input_hash")

metadata = MetaData()
entries = Table(
    "audit_log", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("created_at", Float, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("session", String(200), nullable=False, default="", index=True),
    Column("operator", String(200), nullable=False, default=""),
    Column("model", String(200), nullable=False, default=""),
    Column("subject", Text, nullable=False, default=""),      # "row 17", the text's start, "image 3f2a..."
    Column("question", Text, nullable=False, default=""),
    Column("answer", Text, nullable=False, default=""),
    Column("input_hash", String(64), nullable=False, default="", index=True),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
)


class AuditUnavailable(RuntimeError):
    """The log cannot be written or read (unreadable file, locked database, server down)."""


@dataclass(frozen=True)
class AuditRecord:
    """Where an appended entry landed: its number (the case id) and hashes."""

    seq: int
    hash: str
    prev_hash: str
    created_at: float


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain. ``first_bad``: the first entry that is edited, missing or
    out of place (None when ``ok``); ``problem`` says what is wrong with it, in a sentence."""

    ok: bool
    entries: int
    first_seq: int | None
    head_seq: int | None
    head_hash: str
    first_bad: int | None = None
    problem: str = ""

    def message(self) -> str:
        if not self.ok:
            return f"BROKEN at entry #{self.first_bad}: {self.problem}"
        if not self.entries:
            return "The audit log is empty."
        start = "" if self.first_seq == 1 else f" (entries before #{self.first_seq} removed by retention, recorded)"
        return (f"OK: {self.entries} entries, #{self.first_seq} to #{self.head_seq}, chain intact{start}. "
                f"Head hash {self.head_hash}.")


def canonical(payload: dict) -> str:
    """The one text an entry is hashed as: sorted keys, no spaces, NaN refused."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chain_hash(prev_hash: str, text: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()


def default_audit_url() -> str | None:
    """``EXPLAINER_NLG_AUDIT`` (a SQLAlchemy URL or a file path; "off" for none), else
    ``EXPLAINER_NLG_STORE`` (a team's shared database), else ``audit.sqlite`` in the user data
    folder (``$XDG_DATA_HOME/explainer-nlg``, default ``~/.local/share/explainer-nlg``: not the
    cache, which users clear)."""
    given = os.environ.get("EXPLAINER_NLG_AUDIT", "").strip()
    if given.lower() in ("off", "none", "0", "false"):
        return None
    if given:
        return as_url(given)
    if os.environ.get("EXPLAINER_NLG_STORE"):
        return os.environ["EXPLAINER_NLG_STORE"]
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "explainer-nlg"
    return f"sqlite:///{base / 'audit.sqlite'}"


def as_url(where: str) -> str:
    """A SQLAlchemy URL as given, or a file path as a SQLite URL."""
    return where if "://" in where else f"sqlite:///{Path(where).expanduser().resolve()}"


# One lock per URL in a process (see AuditLog.__init__); the guard is not AuditLog._shared_lock,
# which ``AuditLog.at`` holds while it builds a log.
_URL_LOCKS: dict[str, threading.RLock] = {}
_URL_LOCKS_GUARD = threading.Lock()


class AuditLog:
    """Append, read, search, verify and prune the audit log at ``url``.

    Nothing is opened until first use, so a log that cannot be opened does not stop an app from
    starting: ``append`` raises AuditUnavailable with a message, and the callers that show
    answers say that the answer was not recorded (``chat.recording``). ``busy_seconds``: how
    long a write waits for a locked SQLite file before giving up.
    """

    _shared: dict[str, AuditLog] = {}
    _shared_lock = threading.Lock()

    def __init__(self, url: str, busy_seconds: float = 5.0):
        self.url = as_url(url)
        self.busy_seconds = busy_seconds
        self._engine = None
        # One lock per URL in a process: writers in one process queue here instead of
        # contending for SQLite's file lock; other processes meet in the database.
        with _URL_LOCKS_GUARD:
            self._lock = _URL_LOCKS.setdefault(self.url, threading.RLock())
        self.last_error = ""

    @classmethod
    def at(cls, url: str | None = None) -> AuditLog | None:
        """One log per URL per process (``None``: the default URL; None where it is "off")."""
        url = as_url(url) if url else default_audit_url()
        if url is None:
            return None
        with cls._shared_lock:
            if url not in cls._shared:
                cls._shared[url] = cls(url)
            return cls._shared[url]

    def where(self) -> str:
        """The URL without any password, for messages."""
        from sqlalchemy.engine import make_url

        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - an unparseable URL is still worth naming
            return self.url.split("@")[-1]

    @property
    def engine(self):
        with self._lock:
            if self._engine is None:
                self._engine = self._open()
            return self._engine

    def _open(self):
        from .engine import _create, make_engine

        memory = self.url in ("sqlite://", "sqlite:///:memory:")
        if self.url.startswith("sqlite:///") and not memory:
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # synchronous=FULL: a committed entry survives a power cut, not only a killed process.
        # An in-memory log is its own (a shared cached engine would make two logs one).
        eng = (_create if memory else make_engine)(self.url, synchronous="FULL", busy_seconds=self.busy_seconds)
        try:
            metadata.create_all(eng, checkfirst=True)
        except (OperationalError, ProgrammingError) as err:
            # another process created the table between the check and the create: it is there now
            if "already exists" not in str(err):
                raise
        return eng

    def _failed(self, err: Exception, doing: str) -> AuditUnavailable:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0][:200]
        self.last_error = f"The audit log at {self.where()} cannot be {doing} ({reason})."
        return AuditUnavailable(self.last_error)

    # ---- writing ----------------------------------------------------------------------------

    def append(self, content: dict[str, Any]) -> AuditRecord:
        """Append one entry (``content``: JSON-able; "kind" defaults to "answer"). Returns where
        it landed once committed; raises AuditUnavailable when it cannot be written."""
        try:
            with self._lock:
                for attempt in range(200):
                    try:
                        with self.engine.begin() as c:
                            record = self._insert(c, content, time.time())
                        self.last_error = ""
                        return record
                    except IntegrityError:
                        # another process appended on the same head first: read the new head
                        time.sleep(random.uniform(0.001, 0.01) * min(attempt + 1, 10))
                    except OperationalError as err:
                        # SQLite already waited busy_seconds for the lock (another process writing);
                        # try twice more, then give up and say so
                        if attempt >= 2 or not any(w in str(err).lower() for w in ("locked", "busy")):
                            raise
                raise AuditUnavailable("the audit log's head kept moving; gave up after 200 tries")
        except AuditUnavailable:
            raise
        except (SQLAlchemyError, OSError, ValueError) as err:
            raise self._failed(err, "written") from err

    def _insert(self, c, content: dict, now: float) -> AuditRecord:
        head = c.execute(select(entries.c.seq, entries.c.hash).order_by(entries.c.seq.desc()).limit(1)).first()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        payload = {"format": FORMAT, "kind": "answer", **content, "seq": seq, "created_at": now,
                   "time": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds")}
        text = canonical(payload)
        digest = chain_hash(prev, text)
        c.execute(entries.insert().values(seq=seq, created_at=now, payload=text, prev_hash=prev, hash=digest,
                                          **_columns(payload)))
        return AuditRecord(seq, digest, prev, now)

    # ---- reading ----------------------------------------------------------------------------

    def _read(self, fn, doing: str = "read"):
        try:
            with self.engine.connect() as c:
                return fn(c)
        except (SQLAlchemyError, OSError) as err:
            raise self._failed(err, doing) from err

    def head(self) -> AuditRecord | None:
        """The newest entry's number and hash (None for an empty log)."""
        row = self._read(lambda c: c.execute(select(entries.c.seq, entries.c.hash, entries.c.prev_hash,
                                                    entries.c.created_at).order_by(entries.c.seq.desc())
                                             .limit(1)).first())
        return AuditRecord(*row) if row else None

    def count(self) -> int:
        return int(self._read(lambda c: c.execute(select(func.count()).select_from(entries)).scalar()) or 0)

    def get(self, seq: int) -> dict | None:
        """One entry: ``{"seq", "hash", "prev_hash", "payload": {...}}``, or None if there is none."""
        try:
            seq = int(seq)
        except (TypeError, ValueError):
            return None
        row = self._read(lambda c: c.execute(select(entries).where(entries.c.seq == seq)).mappings().first())
        if row is None:
            return None
        return {"seq": row["seq"], "hash": row["hash"], "prev_hash": row["prev_hash"],
                "payload": json.loads(row["payload"])}

    def search(self, text: str = "", session: str = "", since: float | None = None, until: float | None = None,
               kind: str = "", limit: int = 50) -> list[dict]:
        """Entries newest first, as summaries (no payload): ``text`` matches the question, the
        answer, the subject ("row 17", a message's start), the model, the operator or the input
        hash, case-insensitively; ``session`` a conversation key; ``since``/``until`` epoch seconds."""
        cols = [entries.c.seq, entries.c.created_at, entries.c.kind, entries.c.session, entries.c.operator,
                entries.c.model, entries.c.subject, entries.c.question, entries.c.answer, entries.c.hash]
        q = select(*cols).order_by(entries.c.seq.desc()).limit(max(1, min(int(limit), 1000)))
        words = str(text or "").strip()
        if words:
            pattern = "%" + words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            q = q.where(or_(*(func.lower(entries.c[name]).like(pattern, escape="\\")
                              for name in ("question", "answer", "subject", "model", "operator", "input_hash"))))
        if session:
            q = q.where(entries.c.session == str(session))
        if kind:
            q = q.where(entries.c.kind == str(kind))
        if since is not None:
            q = q.where(entries.c.created_at >= float(since))
        if until is not None:
            q = q.where(entries.c.created_at < float(until))
        return [dict(r) for r in self._read(lambda c: c.execute(q).mappings().all())]

    def iter_entries(self, batch: int = 500) -> Iterator[dict]:
        """Every entry in order, ``batch`` rows per query (a long log is never all in memory)."""
        after = 0
        while True:
            rows = self._read(lambda c, a=after: c.execute(select(entries).where(entries.c.seq > a)
                                                           .order_by(entries.c.seq).limit(batch)).mappings().all())
            if not rows:
                return
            for r in rows:
                yield dict(r)
            after = rows[-1]["seq"]

    # ---- checking ---------------------------------------------------------------------------

    def verify(self) -> Verification:
        """Walk the chain from the first entry kept; name the first entry that is edited, missing
        or out of place."""
        prev: dict | None = None
        first: dict | None = None
        anchors: dict[int, str] = {}   # first kept seq -> last deleted hash, from retention entries
        n = 0

        def broken(seq: int, problem: str) -> Verification:
            return Verification(False, n, first["seq"] if first else None, prev["seq"] if prev else None,
                                prev["hash"] if prev else "", seq, problem)

        for row in self.iter_entries():
            n += 1
            seq = row["seq"]
            if chain_hash(row["prev_hash"], row["payload"]) != row["hash"]:
                return broken(seq, "its content does not match its hash: it was edited after it was written.")
            try:
                payload = json.loads(row["payload"])
            except ValueError:
                return broken(seq, "its content is not readable JSON.")
            if payload.get("seq") != seq or abs(float(payload.get("created_at", -1)) - row["created_at"]) > 1e-6:
                return broken(seq, "its number or time differs from the one sealed in its content.")
            changed = [k for k in SEARCH_COLUMNS if row[k] != _columns(payload)[k]]
            if changed:
                return broken(seq, f"its {', '.join(changed)} column differs from its sealed content: edited.")
            if prev is None:
                first = row
            elif seq != prev["seq"] + 1:
                return broken(seq, f"entries #{prev['seq'] + 1} to #{seq - 1} are missing (deleted).")
            elif row["prev_hash"] != prev["hash"]:
                return broken(seq, f"it does not follow entry #{prev['seq']} (that entry was replaced).")
            if payload.get("kind") == "retention":
                anchors[int(payload["first_kept"])] = payload["last_deleted_hash"]
            prev = row
        if first is None:
            return Verification(True, 0, None, None, "")
        if not (first["seq"] == 1 and first["prev_hash"] == GENESIS):
            if anchors.get(first["seq"]) != first["prev_hash"]:
                return Verification(False, n, first["seq"], prev["seq"], prev["hash"], first["seq"],
                                    f"entries before #{first['seq']} are missing and no retention entry records "
                                    "their deletion.")
        return Verification(True, n, first["seq"], prev["seq"], prev["hash"])

    # ---- retention --------------------------------------------------------------------------

    def prune(self, older_than_days: float, *, reason: str = "retention policy",
              allow_under_six_months: bool = False) -> int:
        """Delete entries older than ``older_than_days`` and chain a ``retention`` entry recording
        what went (so ``verify`` still checks from the first entry kept). Refuses less than six
        months unless ``allow_under_six_months``. Returns how many were deleted."""
        if older_than_days < MIN_RETENTION_DAYS and not allow_under_six_months:
            raise ValueError(f"Audit entries must be kept at least {MIN_RETENTION_DAYS} days (six months); "
                             f"{older_than_days:g} was asked.")
        cutoff = time.time() - older_than_days * 86400
        try:
            with self._lock, self.engine.begin() as c:
                last_old = c.execute(select(entries.c.seq, entries.c.hash).where(entries.c.created_at < cutoff)
                                     .order_by(entries.c.seq.desc()).limit(1)).first()
                if last_old is None:
                    return 0
                head = c.execute(select(entries.c.seq, entries.c.hash).order_by(entries.c.seq.desc())
                                 .limit(1)).first()
                gone = c.execute(delete(entries).where(entries.c.seq <= last_old[0])).rowcount
                content = {"kind": "retention", "deleted_through": last_old[0], "deleted": gone,
                           "last_deleted_hash": last_old[1], "first_kept": last_old[0] + 1,
                           "older_than_days": older_than_days, "reason": str(reason)}
                now = time.time()
                payload = {"format": FORMAT, **content, "seq": head[0] + 1, "created_at": now,
                           "time": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds")}
                text = canonical(payload)
                c.execute(entries.insert().values(seq=head[0] + 1, created_at=now, payload=text, prev_hash=head[1],
                                                  hash=chain_hash(head[1], text), **_columns(payload)))
                return gone
        except SQLAlchemyError as err:
            raise self._failed(err, "pruned") from err


def _columns(payload: dict) -> dict[str, str]:
    """The searchable copies of a payload's fields (what ``verify`` holds the columns to)."""
    def text(key: str, cap: int | None = None) -> str:
        v = payload.get(key)
        s = "" if v is None else str(v)
        return s[:cap] if cap else s

    model = payload.get("model")
    return {"kind": text("kind"), "session": text("session", 200), "operator": text("operator", 200),
            "model": str((model or {}).get("name", ""))[:200] if isinstance(model, dict) else text("model", 200),
            "subject": text("subject", 500), "question": text("question"), "answer": text("answer"),
            "input_hash": str((payload.get("input") or {}).get("sha256", ""))[:64]
            if isinstance(payload.get("input"), dict) else ""}
