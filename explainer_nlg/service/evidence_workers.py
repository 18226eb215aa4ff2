"""Long explanations in worker processes, so that nobody's quick answer waits behind them.

Why processes: a text's or photo's explanation is seconds of CPU, much of it Python (masking,
the estimator, tokenising) that holds the interpreter's lock. On a low-priority thread of the
app's own process (``priority.run_low``) the kernel does run quick work first, but whenever the
low thread holds the lock every other thread waits for it, so quick answers still queued behind
long ones (measured: see benchmarks/concurrency.py in the README). A worker process has its own
interpreter lock and a lower priority (nice 10) for all its threads, torch's included: it uses
what the quick answers leave of the CPU, and nothing else.

One worker per text or image model, started in the background when the model is loaded: a
demo is rebuilt by name in the worker, another model is sent pickled (a model that cannot be
pickled gets no worker). Until its worker is ready, after it failed, or where processes are off
(``Service(evidence_workers=False)``, the default for library use; the app turns them on), the
explanation is computed in the app's process as before. The worker computes ``ex.explain`` under
the same time and call budget, and the Evidence comes back pickled: the same record.

>>> workers = EvidenceWorkers(enabled=False)
>>> workers.evidence(object(), "a text", None, None, 8.0, 2000) is None
True
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .priority import LOW_NICE

log = logging.getLogger(__name__)

# Longest wait for one explanation: its budget plus room for the explanations queued before it.
WAIT_SECONDS = 180.0

_EXPLAINER: Any = None  # in a worker process: the explainer it serves


def _start_worker(recipe: tuple[str, Any], nice: int) -> None:
    """A worker's initialiser: lower its priority first (threads started later inherit it), then
    build or unpickle its explainer."""
    global _EXPLAINER
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="exit-with-app", daemon=True).start()
    try:
        os.nice(nice)
    except (AttributeError, OSError):  # pragma: no cover - no nice on this platform
        pass
    kind, what = recipe
    if kind == "demo":
        from ..explainer import Explainer

        _EXPLAINER = Explainer.demo(what)
    else:
        _EXPLAINER = pickle.loads(what)


def _exit_with_parent(parent: int) -> None:
    """End this worker once the app that started it is gone: an app stopped by a signal runs no
    exit handlers, and would leave its workers (and their models' memory) behind."""
    import signal
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)  # this thread cannot end the process by returning


def _ready() -> int:
    """The worker's process id, once its explainer is built."""
    return os.getpid()


def _explain(x: Any, target: Any, budget: int | None, seconds: float | None, calls: int | None) -> Any:
    from ..attribution.limits import explain_limits

    with explain_limits(seconds, calls):
        return _EXPLAINER.explain(x, target, budget)


class _Worker:
    """One model's worker process; ``ready`` once its explainer is built, ``failed`` for good."""

    def __init__(self, recipe: tuple[str, Any], nice: int, kind: str, on_status: Any = None):
        import multiprocessing

        # spawn, never fork: the app's process has threads (torch's, Gradio's) a fork would copy
        # in whatever state they are in.
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_worker, initargs=(recipe, nice))
        self.ready = threading.Event()
        self.failed = False
        self.pid: int | None = None
        self.kind, self.on_status = kind, on_status
        self.pool.submit(_ready).add_done_callback(self._started)

    def _started(self, future: Future) -> None:
        try:
            self.pid = future.result()
            self.ready.set()
            message = f"Worker process for {self.kind} explanations ready (pid {self.pid})."
        except Exception as err:  # noqa: BLE001 - whatever failed in the worker: answer in-process
            self.failed = True
            message = (f"The worker process for {self.kind} explanations could not start ({err}); they are "
                       "computed in the app's process.")
        if self.on_status is not None:
            self.on_status(message)
        else:
            log.info(message)


class EvidenceWorkers:
    """Worker processes for the explanations of text and image models (see the module docstring).

    ``enabled=False``: no processes; ``evidence`` answers None and the caller explains in-process.
    ``on_status``: called with a line when a worker is ready or failed to start (the app prints it).
    """

    def __init__(self, enabled: bool = True, nice: int = LOW_NICE, on_status: Any = None):
        self.enabled, self.nice, self.on_status = enabled, nice, on_status
        self._workers: dict[int, tuple[Any, _Worker]] = {}  # id(explainer) -> (explainer, worker)
        self._lock = threading.Lock()

    def start(self, ex: Any, demo: str | None = None) -> None:
        """Start a worker for ``ex`` in the background (text and image models only); ``demo``: its
        demo name, rebuilt in the worker instead of pickled."""
        if not self.enabled or getattr(ex, "kind", "tabular") not in ("text", "image"):
            return
        with self._lock:
            if id(ex) in self._workers:
                return
        threading.Thread(target=self._start, args=(ex, demo), name="evidence-worker-start", daemon=True).start()

    def _start(self, ex: Any, demo: str | None) -> None:
        if demo is not None:
            recipe: tuple[str, Any] = ("demo", demo)
        else:
            try:
                recipe = ("pickled", pickle.dumps(ex))
            except Exception as err:  # noqa: BLE001 - a model that cannot be pickled is explained in-process
                log.info("%s cannot be sent to a worker process (%s); its explanations run in the app's process",
                         type(ex).__name__, err)
                return
        try:
            worker = _Worker(recipe, self.nice, ex.kind, self.on_status)
        except Exception as err:  # noqa: BLE001 - no process could start (a script without a main guard)
            log.warning("no worker process for %s explanations (%s); they are computed in the app's process",
                        ex.kind, err)
            return
        with self._lock:
            if id(ex) in self._workers:
                worker.pool.shutdown(wait=False, cancel_futures=True)
                return
            self._workers[id(ex)] = (ex, worker)

    def worker_pid(self, ex: Any) -> int | None:
        """The process id of ``ex``'s worker once it is ready, else None."""
        with self._lock:
            entry = self._workers.get(id(ex))
        return entry[1].pid if entry is not None and entry[1].ready.is_set() else None

    def wait_ready(self, ex: Any, timeout: float) -> bool:
        """Block until ``ex``'s worker is ready (True), has failed or was never started (False)."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                entry = self._workers.get(id(ex))
            if entry is not None and (entry[1].ready.wait(0.1) or entry[1].failed):
                return entry[1].ready.is_set()
            if entry is None:
                time.sleep(0.1)
        return False

    def evidence(self, ex: Any, x: Any, target: Any, budget: int | None, seconds: float | None,
                 calls: int | None) -> Any:
        """``ex.explain(x, target, budget)`` computed by ``ex``'s worker within the budget, or None
        when ``ex`` has no ready worker (the caller explains in-process). The worker's own errors
        (an ExplainerInputError for a bad input) are raised here as they would be in-process."""
        if not self.enabled:
            return None
        with self._lock:
            entry = self._workers.get(id(ex))
        if entry is None or not entry[1].ready.is_set():
            return None
        worker = entry[1]
        try:
            return worker.pool.submit(_explain, x, target, budget, seconds, calls).result(timeout=WAIT_SECONDS)
        except (TimeoutError, pickle.PicklingError) as err:
            log.warning("a %s explanation did not come back from its worker process (%s); explaining in the app's "
                        "process", getattr(ex, "kind", "?"), type(err).__name__)
            return None
        except BrokenProcessPool as err:
            # The worker died (killed, out of memory): this answer and later ones are computed in-process.
            log.warning("the worker process for %s explanations stopped (%s); explaining in the app's process",
                        getattr(ex, "kind", "?"), err)
            with self._lock:
                self._workers.pop(id(ex), None)
            return None

    def close(self) -> None:
        """Stop every worker (the app's shutdown; tests)."""
        with self._lock:
            workers, self._workers = list(self._workers.values()), {}
        for _, worker in workers:
            worker.pool.shutdown(wait=False, cancel_futures=True)
