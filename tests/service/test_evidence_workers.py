"""Texts' explanations in a worker process (service/evidence_workers.py): the answer's evidence is
computed there, is the same record as in-process, and a dead or missing worker falls back to the
app's own process without a lost answer."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from explainer_nlg.service import Service
from explainer_nlg.service.evidence_workers import EvidenceWorkers

from .tiny_text_explainer import TinyTextExplainer

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


def test_a_pickled_model_is_explained_in_its_worker():
    workers = EvidenceWorkers()
    ex = TinyTextExplainer()
    workers.start(ex)
    try:
        assert workers.wait_ready(ex, 120)
        out = workers.evidence(ex, "a text", None, None, 8.0, 100)
        assert out == {"text": "a text", "explained_in": workers.worker_pid(ex)}
        assert out["explained_in"] != os.getpid()
    finally:
        workers.close()


def test_a_worker_ends_when_its_app_is_killed(tmp_path):
    # An app stopped by a signal runs no exit handlers: the worker must notice by itself.
    script = tmp_path / "app.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        from explainer_nlg.service.evidence_workers import EvidenceWorkers
        from tests.service.tiny_text_explainer import TinyTextExplainer
        if __name__ == "__main__":
            workers, ex = EvidenceWorkers(), TinyTextExplainer()
            workers.start(ex)
            assert workers.wait_ready(ex, 120)
            print(workers.worker_pid(ex), flush=True)
            time.sleep(600)
    """))
    root = Path(__file__).resolve().parents[2]
    app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=root,
                           env={**os.environ, "PYTHONPATH": str(root)})
    try:
        pid = int(app.stdout.readline())
        assert Path(f"/proc/{pid}").exists()
    finally:
        app.kill()
        app.wait(30)
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists()


def test_a_photo_is_decoded_once_until_its_file_changes(tmp_path):
    from PIL import Image

    from explainer_nlg.service.images import DecodedImages

    path = tmp_path / "p.png"
    Image.fromarray(np.zeros((20, 20, 3), np.uint8)).save(path)
    decoded = DecodedImages(size=2)
    first = decoded.load(str(path))
    assert decoded.load(str(path)) is first and not first.flags.writeable
    Image.fromarray(np.full((20, 30, 3), 255, np.uint8)).save(path)  # another photo under the same name
    second = decoded.load(str(path))
    assert second.shape == (20, 30, 3) and second.max() == 255
