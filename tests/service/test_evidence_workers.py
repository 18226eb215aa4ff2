"""Texts' explanations in a worker process (service/evidence_workers.py): the answer's evidence is
computed there, is the same record as in-process, and a dead or missing worker falls back to the
app's own process without a lost answer."""

import os
import signal
import time

import numpy as np
import pytest

from explainer_nlg.service import Service
from explainer_nlg.service.evidence_workers import EvidenceWorkers

TEXT = "The cookies were stale and the box arrived crushed, never again."


@pytest.fixture(scope="module")
def served():
    svc = Service(budget=64, store=False, evidence_workers=True)
    ex, _ = svc.model("text")
    assert svc.workers.wait_ready(ex, 300), "the text model's worker process did not start"
    yield svc, ex
    svc.workers.close()


def test_worker_is_another_process_with_a_lower_priority(served):
    svc, ex = served
    pid = svc.workers.worker_pid(ex)
    assert pid is not None and pid != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, pid) >= 10


def test_answer_uses_the_workers_evidence_and_it_matches_in_process(served, monkeypatch):
    svc, ex = served
    _, assistant = svc.model("text")
    here = ex.explain(TEXT, None, 64)

    def not_here(*args, **kwargs):
        raise AssertionError("the explanation was computed in the app's process")

    monkeypatch.setattr(ex, "explain", not_here)
    answer = svc.ask("why?", "text", TEXT, "", "customer")
    assert "stale" in answer["text"].lower() or "crushed" in answer["text"].lower()
    there = assistant.evidence(TEXT)  # cached by the answer: the worker's record
    assert there.predicted_label == here.predicted_label
    assert [a.name for a in there.attributions] == [a.name for a in here.attributions]
    np.testing.assert_allclose([a.contribution for a in there.attributions],
                               [a.contribution for a in here.attributions], atol=1e-6)  # torch threads differ


def test_a_killed_worker_falls_back_to_this_process(served):
    svc, ex = served
    pid = svc.workers.worker_pid(ex)
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    answer = svc.ask("why?", "text", "Lovely tea, fresh and fragrant; I will buy it again.", "", "customer")
    assert answer["text"].strip()
    assert svc.workers.worker_pid(ex) is None  # given up: later answers are computed here too


def test_a_model_that_cannot_be_pickled_gets_no_worker():
    class Unpicklable:
        kind = "text"

        def __init__(self):
            self.f = lambda: 0  # a lambda cannot be pickled

    workers = EvidenceWorkers()
    ex = Unpicklable()
    workers.start(ex)
    assert not workers.wait_ready(ex, 3)
    assert workers.evidence(ex, "a text", None, None, 8.0, 100) is None


def test_tables_get_no_worker():
    workers = EvidenceWorkers()

    class Table:
        kind = "tabular"

    workers.start(Table())
    assert workers._workers == {}
