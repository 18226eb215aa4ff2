"""A bounded soak: 20 sessions at once, each asking several questions about its own rows.

Every session uses the same session *name* from its own connection (the server must keep them
apart), asks about a row no other session asks about, and follows up. No answer may mention
another session's row, and every follow-up must land on the session's own row. Latencies are
printed (run with ``-s`` to see them); the README quotes a measured run. Timing is not asserted:
the machine is shared (see benchmarks/concurrency.py for the figures that matter).
"""

from __future__ import annotations

import re
import statistics
import threading
import time

import pytest

from tests.http_clients import call_api

pytest.importorskip("gradio")

SESSIONS = 20


def _session(url: str, i: int, out: list, errors: list) -> None:
    row = 100 + 211 * i  # rows 100 .. 4109: distinct, and no row is another's "next one"
    steps = [("why was {row} denied?", row), ("how confident is it?", row), ("and the next one?", row + 1),
             ("what if Income was 500?", row + 1)]
    session = "user"  # every session sends the same name: the server must tell them apart
    for question, expected in steps:
        t0 = time.perf_counter()
        r = call_api(url, "ask", [question.format(row=row), "loan", "", session, "customer"],
                     session_hash=f"soak-{i}")
        seconds = time.perf_counter() - t0
        if not r.ok:
            errors.append((i, question, r.data))
            return
        session = r.data["session"]
        rows_named = {int(n) for n in re.findall(r"\brow (\d+)", r.message)}
        out.append({"session": i, "question": question, "seconds": seconds, "expected": expected,
                    "resolved": r.data["parsed"]["resolved"]["instance"], "rows_named": rows_named,
                    "row_ids": [(p.get("evidence") or {}).get("input", {}).get("row_id") for p in r.data["parts"]
                                if isinstance(p.get("evidence"), dict) and "input" in p["evidence"]]})


def test_twenty_concurrent_sessions_never_cross(app_url):
    call_api(app_url, "ask", ["why was 1 denied?", "loan", "", "", "customer"])  # the demo is loaded
    out: list = []
    errors: list = []
    threads = [threading.Thread(target=_session, args=(app_url, i, out, errors)) for i in range(SESSIONS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=1800)
    wall = time.perf_counter() - started
    assert not errors, errors[:3]
    assert len(out) == SESSIONS * 4
    for a in out:
        assert a["resolved"] == a["expected"], a
        assert a["rows_named"] <= {a["expected"]}, a  # never another session's row
        assert all(rid in (None, a["expected"]) for rid in a["row_ids"]), a
    seconds = sorted(a["seconds"] for a in out)
    p95 = seconds[min(len(seconds) - 1, int(round(0.95 * len(seconds))) - 1)]
    print(f"\nsoak: {len(out)} answers from {SESSIONS} concurrent sessions in {wall:.1f} s; "
          f"p50 {statistics.median(seconds):.2f} s, p95 {p95:.2f} s, max {seconds[-1]:.2f} s")
