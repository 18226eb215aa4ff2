"""Answer at once, then refine (service level): the answer is its templates at once, the LLM's
verified rewording follows as a recorded revision, stale rewordings are dropped, and the API is
unchanged."""

from __future__ import annotations

import queue
import re
import threading
import time

import pytest

from explainer_nlg.service import Service
from explainer_nlg.store.audit import AuditLog

QUESTION = "why was 17 denied?"


class FakeLLM:
    """Rewords "The model predicted" as "The model in fact predicted" (the verifier accepts it),
    or returns ``output``; waits for ``gate`` first when one is set (a busy model)."""

    name, ready = "fake", True

    def __init__(self):
        self.gate: threading.Event | None = None
        self.output: str | None = None
        self.calls = 0
        self.closed = threading.Event()

    def stream(self, system, user):
        self.calls += 1
        try:
            if self.gate is not None:
                while not self.gate.wait(0.01):
                    yield ""  # a model still thinking: lets a stopped caller close it
            if self.output is not None:
                yield self.output
                return
            lines = [line for line in user.splitlines() if re.match(r"^\d+\. ", line)]
            yield "\n".join(re.sub(r"([Tt]he model) predicted", r"\1 in fact predicted", line) for line in lines) + "\n"
        finally:
            self.closed.set()


@pytest.fixture(scope="module")
def svc():
    # One service for the module: row 17's evidence is computed once and cached by its Assistant.
    return Service(store=False, audit=AuditLog("sqlite://"), llm=FakeLLM(), budget=128)


@pytest.fixture
def llm(svc):
    fake = svc.llm
    fake.gate, fake.output, fake.calls = None, None, 0
    yield fake
    if fake.gate is not None:
        fake.gate.set()


def _ask(svc, question=QUESTION, session="s-refine", refine=None):
    _, assistant = svc.model("loan")
    return svc.answer(assistant, question, None, session, "customer", refine=refine)


def _next(q: queue.Queue, timeout=30.0):
    return q.get(timeout=timeout)


def test_the_answer_is_the_templates_and_the_rewording_follows_on_the_record(svc, llm):
    got: queue.Queue = queue.Queue()
    shown = _ask(svc, session="s-a", refine=got.put)
    assert "predicted “good”, not “bad”" in shown.text and "in fact predicted" not in shown.text
    assert all(s.status == "template" for s in shown.sentences)
    revised = _next(got)
    assert revised is not None
    assert "in fact predicted “good”, not “bad”" in revised.text
    # Everything else in the answer is as shown: the "About row 17" lead, the other sentences, the notes.
    assert revised.text == re.sub(r"([Tt]he model) predicted", r"\1 in fact predicted", shown.text, count=1)
    assert [s.status for s in revised.sentences][0] == "rephrased"
    first, second = svc.audit.get(shown.audit["case"])["payload"], svc.audit.get(revised.audit["case"])["payload"]
    assert first["kind"] == "answer" and first["answer"] == shown.text
    assert second["kind"] == "revision" and second["revises"] == shown.audit["case"]
    assert second["answer"] == revised.text and second["session"] == "s-a"
    why = next(p for p in second["parts"] if p["op"] == "why")
    assert why["llm"]["model"] == "fake" and "in fact" in why["llm"]["raw_output"]
    assert why["sentences"][0]["status"] == "rephrased" and why["sentences"][0]["verdict"] == "verified"
    # The answer's case file shows both: the answer as first shown, then its revision.
    from explainer_nlg.case_files import case_html, load_case

    case = load_case(svc.audit, shown.audit["case"])
    assert [e["seq"] for e in case["entries"]] == [shown.audit["case"], revised.audit["case"]]
    page = case_html(case)
    assert f"entry #{shown.audit['case']}: the same answer" in page and "in fact predicted" in page


def test_a_rejected_rewording_leaves_the_templates_and_records_nothing_more(svc, llm):
    llm.output = "1. The model predicted “bad”.\n2. Nothing mattered.\n3. Approve it.\n"
    got: queue.Queue = queue.Queue()
    before = len(svc.audit.search(limit=1000))
    shown = _ask(svc, session="s-b", refine=got.put)
    assert _next(got) is None
    assert llm.calls == 1
    assert len(svc.audit.search(limit=1000)) == before + 1  # the answer only
    assert "predicted “good”, not “bad”" in shown.text and "in fact predicted" not in shown.text


def test_a_busy_llm_does_not_delay_the_answer(svc, llm):
    llm.gate = threading.Event()  # the model answers nobody until released
    got: queue.Queue = queue.Queue()
    shown = _ask(svc, session="s-c", refine=got.put)
    assert "predicted “good”" in shown.text  # answered while the LLM is held
    llm.gate.set()
    revised = _next(got)
    assert revised is not None and "in fact predicted" in revised.text


def test_a_stale_rewording_is_dropped_and_the_fresh_one_is_shown(svc, llm):
    llm.gate = threading.Event()
    first: queue.Queue = queue.Queue()
    second: queue.Queue = queue.Queue()
    other: queue.Queue = queue.Queue()
    _ask(svc, session="s-d", refine=first.put)
    deadline = time.monotonic() + 30
    while llm.calls == 0 and time.monotonic() < deadline:
        time.sleep(0.01)  # the first rewording holds the LLM
    llm.closed.clear()
    # The same session asks again: answered while the LLM is still held by the first rewording
    # (the gate stays shut until below), so it did not wait for it.
    _ask(svc, QUESTION, session="s-d", refine=second.put)
    _ask(svc, session="s-e", refine=other.put)  # another session's answer queues behind
    assert first.get(timeout=60) is None  # stopped while the LLM was writing, and not shown
    assert llm.closed.wait(30)  # the model's stream was closed: its lock is free
    llm.gate.set()
    fresh = _next(second)
    assert fresh is not None and "in fact predicted" in fresh.text and fresh.session == "s-d"
    theirs = _next(other)
    assert theirs is not None and theirs.session == "s-e"


def test_without_an_llm_there_is_nothing_to_refine(llm):
    svc = Service(store=False, audit=False, llm=None, budget=128)
    got: queue.Queue = queue.Queue()
    shown = _ask(svc, session="s-f", refine=got.put)
    assert got.get(timeout=1) is None
    assert "predicted “good”" in shown.text


def test_the_api_answers_as_before_with_the_rewording_in_it(svc, llm):
    time.sleep(svc.shared_llm.quiet_s)  # the tests before finished answers just now: a burst's tail (llm_slot.py)
    r = svc.ask(QUESTION, "loan", "", "s-g", "customer")
    assert "in fact predicted “good”" in r["text"]
    assert svc.audit.get(r["audit"]["case"])["payload"]["kind"] == "answer"
