"""The audit log: hash chain, tampering named, retention, SIGKILL, concurrent writers, a locked or
unreadable database, and every shell's answers on the record."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from explainer_nlg.store.audit import AuditLog, AuditUnavailable

ROOT = Path(__file__).resolve().parents[2]


def fresh(tmp_path, name="audit.sqlite", **kw) -> AuditLog:
    return AuditLog(f"sqlite:///{tmp_path / name}", **kw)


def fill(log: AuditLog, n: int, session: str = "s-1") -> list:
    return [log.append({"session": session, "question": f"why {i}?", "answer": f"Because {i}."}) for i in range(n)]


def sql(path: Path, statement: str, *args) -> None:
    with sqlite3.connect(path) as c:
        c.execute(statement, args)


# ---- the chain ------------------------------------------------------------------------------

def test_entries_chain_and_verify(tmp_path):
    log = fresh(tmp_path)
    recs = fill(log, 5)
    assert [r.seq for r in recs] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(recs, recs[1:]))
    v = log.verify()
    assert v.ok and v.entries == 5 and v.head_hash == recs[-1].hash and "chain intact" in v.message()


@pytest.mark.parametrize("tamper, seq, words", [
    ("UPDATE audit_log SET payload = replace(payload, 'Because 2.', 'Because 9.') WHERE seq = 3", 3, "edited"),
    ("UPDATE audit_log SET answer = 'Nothing was said.' WHERE seq = 2", 2, "answer column"),
    ("UPDATE audit_log SET session = 's-2' WHERE seq = 4", 4, "session column"),
    ("DELETE FROM audit_log WHERE seq = 3", 4, "#3 to #3 are missing"),
    ("DELETE FROM audit_log WHERE seq <= 2", 3, "before #3 are missing and no retention entry"),
])
def test_tampering_is_named_at_the_first_bad_entry(tmp_path, tamper, seq, words):
    log = fresh(tmp_path)
    fill(log, 6)
    sql(tmp_path / "audit.sqlite", tamper)
    v = log.verify()
    assert not v.ok and v.first_bad == seq and words in v.problem, v.message()


def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_link_after_it(tmp_path):
    """An editor who recomputes the edited entry's own hash still breaks the next entry's link."""
    from explainer_nlg.store.audit import canonical, chain_hash

    log = fresh(tmp_path)
    fill(log, 4)
    e = log.get(2)
    payload = {**e["payload"], "answer": "Something else."}
    text = canonical(payload)
    sql(tmp_path / "audit.sqlite", "UPDATE audit_log SET payload = ?, answer = ?, hash = ? WHERE seq = 2",
        text, "Something else.", chain_hash(e["prev_hash"], text))
    v = log.verify()
    assert not v.ok and v.first_bad == 3 and "does not follow entry #2" in v.problem


def test_retention_keeps_the_chain_verifiable_from_the_first_entry_kept(tmp_path, monkeypatch):
    log = fresh(tmp_path)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 400 * 86400)
    fill(log, 4)                      # a year and more ago
    monkeypatch.setattr(time, "time", real)
    fill(log, 3)                      # now
    with pytest.raises(ValueError, match="at least 183 days"):
        log.prune(30)
    assert log.prune(365) == 4
    v = log.verify()
    assert v.ok and v.first_seq == 5 and v.entries == 4, v.message()
    assert "removed by retention, recorded" in v.message()
    retention = log.get(8)["payload"]
    assert retention["kind"] == "retention" and retention["deleted_through"] == 4
    # the first entry kept, edited, is still caught; so is deleting more than retention recorded
    sql(tmp_path / "audit.sqlite", "DELETE FROM audit_log WHERE seq = 5")
    v = log.verify()
    assert not v.ok and v.first_bad == 6 and "before #6 are missing" in v.problem


def test_search_and_get(tmp_path):
    log = fresh(tmp_path)
    log.append({"session": "s-a", "question": "why was 17 denied?", "answer": "Income of 330.", "subject": "row 17"})
    log.append({"session": "s-b", "question": "100% sure? a_b", "answer": "Yes.", "subject": "row 18"})
    assert [r["seq"] for r in log.search("INCOME")] == [1]
    assert [r["seq"] for r in log.search("row 18")] == [2]
    # % and _ are characters here, not LIKE's wildcards
    assert [r["seq"] for r in log.search("100%")] == [2] and log.search("1_0") == [] and log.search("1%0") == []
    assert [r["seq"] for r in log.search(session="s-a")] == [1]
    assert log.search(since=time.time() + 60) == []
    assert log.get(99) is None and log.get("x") is None


# ---- durability and concurrency ---------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from explainer_nlg.store.audit import AuditLog
    log = AuditLog(sys.argv[1])
    i = 0
    while True:
        r = log.append({"session": "s-kill", "question": f"q{i}", "answer": "a" * 2000})
        print(r.seq, r.hash, flush=True)   # shown only once committed
        i += 1
""")


def test_sigkill_during_writes_loses_nothing_committed(tmp_path):
    """A writer killed with SIGKILL mid-stream: every entry it reported committed is there, the
    chain verifies, and the next writer carries on from it."""
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    seen = []
    for line in proc.stdout:
        seen.append(line.split())
        if len(seen) >= 150:
            break
    proc.send_signal(signal.SIGKILL)  # while it is writing the next ones
    proc.wait(timeout=30)
    seen += [line.split() for line in proc.stdout.read().splitlines() if line.strip()]
    assert proc.returncode == -signal.SIGKILL and len(seen) >= 150
    log = AuditLog(url)
    for seq, digest in seen:
        assert log.get(int(seq))["hash"] == digest
    v = log.verify()
    assert v.ok and v.head_seq >= int(seen[-1][0]), v.message()
    assert log.append({"question": "after"}).seq == v.head_seq + 1 and log.verify().ok


def test_twenty_concurrent_sessions_keep_one_chain(tmp_path):
    """20 threads, each with its own log object, append at once: one chain, no entry lost, no fork
    (processes writing at once: the next test)."""
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    errors: list = []
    go = threading.Barrier(20)

    def session(i: int) -> None:
        log = AuditLog(url)
        go.wait()
        try:
            for j in range(15):
                log.append({"session": f"s-{i}", "question": f"q{j}", "answer": "x"})
        except Exception as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    log = AuditLog(url)
    v = log.verify()
    assert v.ok and v.entries == 300 and v.head_seq == 300, v.message()
    assert sorted(len(log.search(session=f"s-{i}", limit=100)) for i in range(20)) == [15] * 20


def test_processes_writing_at_once_keep_one_chain(tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    code = ("import sys\nfrom explainer_nlg.store.audit import AuditLog\nlog = AuditLog(sys.argv[1])\n"
            "for j in range(40):\n    log.append({'session': sys.argv[2], 'question': str(j)})\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, url, f"p{i}"], cwd=ROOT) for i in range(4)]
    assert [p.wait(timeout=300) for p in procs] == [0] * 4
    v = AuditLog(url).verify()
    assert v.ok and v.entries == 160, v.message()


# ---- a log that cannot be written ---------------------------------------------------------------

def test_unreadable_file_gives_a_clear_message(tmp_path):
    bad = tmp_path / "audit.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    log = AuditLog(f"sqlite:///{bad}")
    with pytest.raises(AuditUnavailable, match=r"audit log at sqlite:///.*audit.sqlite cannot be written"):
        log.append({"question": "q"})


def test_locked_database_then_recording_resumes(tmp_path):
    path = tmp_path / "audit.sqlite"
    log = fresh(tmp_path, busy_seconds=0.2)
    log.append({"question": "before"})
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(AuditUnavailable, match="locked"):
            log.append({"question": "while locked"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert log.append({"question": "after"}).seq == 2 and log.verify().ok


def test_the_chat_keeps_answering_and_says_it_is_not_recording(tmp_path):
    """Every shell: the Python API, the service's API and the page all answer, and say so."""
    from explainer_nlg.chat.assistant import Assistant
    from explainer_nlg.explainer import Explainer
    from explainer_nlg.service import Service

    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 500)
    ex = Explainer.demo("loan")
    a = Assistant(ex, budget=64, audit=AuditLog(f"sqlite:///{bad}"))
    r = a.ask("how many applicants are older than 60?")
    assert r.text.startswith("106 of 4454 applicants match") and "Not on the record" in r.text
    assert r.audit["recorded"] is False and "cannot be written" in r.audit["error"]
    svc = Service(store=False, audit=f"sqlite:///{bad}", budget=64)
    out = svc.ask("how confident is it?", "loan", "17")
    assert "is very confident" in out["text"] and "Not on the record" in out["text"]


# ---- every shell records ------------------------------------------------------------------------

def test_python_api_service_api_and_page_answers_are_recorded(tmp_path):
    from explainer_nlg.explainer import Explainer
    from explainer_nlg.service import Service

    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    log = AuditLog(url)
    ex = Explainer.demo("loan")
    from explainer_nlg.chat.assistant import Assistant

    py = Assistant(ex, budget=64, audit=log).ask("why was 17 denied?", session="ann", operator="agent-7")
    assert py.audit["recorded"] and py.audit["case"] == 1
    svc = Service(store=False, audit=url, budget=64)
    api = svc.ask("what could change it?", "loan", "17", "", "support")
    assert api["audit"]["case"] == 2
    ex2, assistant = svc.model("loan")
    page = svc.answer(assistant, "how confident is it?", 18, svc.keys.new(), "customer", source="app")
    explained = svc.explain("loan", "19")
    assert page.audit["case"] == 3 and explained["audit"]["case"] == 4

    e1 = log.get(1)["payload"]
    assert (e1["source"], e1["session"], e1["operator"], e1["question"]) == ("python", "ann", "agent-7",
                                                                            "why was 17 denied?")
    assert e1["answer"] == py.text and e1["subject"] == "row 17"
    assert e1["parsed"]["ops"][0]["op"] == "why"
    why = e1["parts"][0]
    assert why["evidence"]["attributions"] and why["evidence"]["input"]
    assert why["sentences"] and {s["status"] for s in why["sentences"]} <= {"template", "rephrased", "fallback"}
    assert all(s["verdict"] == "verified" for s in why["sentences"] if s["status"] == "template")
    assert e1["model"]["name"] and len(e1["model"]["sha256"]) == 64 and len(e1["model"]["data_sha256"]) == 64
    assert e1["input"]["row_id"] == 17 and e1["input"]["row"]["Income"] == 330 and len(e1["input"]["sha256"]) == 64
    assert e1["package_version"] and e1["seed"] == 0 and e1["model_calls"] > 0
    e2, e3, e4 = (log.get(i)["payload"] for i in (2, 3, 4))
    assert (e2["source"], e2["audience"], e3["source"], e4["source"]) == ("api", "support", "app", "api")
    assert e2["answer"] == api["text"] and e2["parts"][0]["op"] == "counterfactual"
    assert e4["parts"][0]["op"] == "explain" and e4["answer"] == explained["text"]
    assert e1["model"]["sha256"] == e2["model"]["sha256"]
    assert log.verify().ok


def test_same_model_same_hash_other_model_other_hash():
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from explainer_nlg.models.identity import model_identity

    df = pd.DataFrame({"a": [0, 1, 2, 3, 4, 5]})
    m1 = LogisticRegression().fit(df, [0, 0, 0, 1, 1, 1])
    m2 = LogisticRegression(C=0.01).fit(df, [0, 0, 0, 1, 1, 1])
    assert model_identity(m1)["sha256"] != model_identity(m2)["sha256"]
    import torch

    net = torch.nn.Linear(3, 2)
    h = model_identity(net)["sha256"]
    assert model_identity(net)["sha256"] == h
    with torch.no_grad():
        net.weight[0, 0] += 1e-3
    assert model_identity(net)["sha256"] != h
