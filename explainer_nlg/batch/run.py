"""Running a batch: the model (a demo by name or a skops file), the Dask client, resume, progress.

``connect`` gives a Dask client: an embedded ``LocalCluster`` by default, or an existing
scheduler (``tcp://host:8786``); one that cannot be reached is named within ``CONNECT_SECONDS``.
``run_batch`` skips the rows the output and its journal already hold, explains the rest
(``explainer_batch.explain_rows``), journals each as it finishes, shows rows/s and the time left,
and writes the output in input order.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ExplainerInputError
from .files import Journal, finished_rows, journal_path, write_output

CONNECT_SECONDS = 5


def load_explainer(model: str, data_rows: list[tuple[str, Any]] | None, target: str | None = None,
                   trust_pickle: bool = False) -> Any:
    """A demo by name ("loan", "text"), or a scikit-learn model file (skops; a pickle only with
    ``trust_pickle``) with the input rows as its background data."""
    from ..explainer import DEMOS, Explainer

    if model in DEMOS:
        return Explainer.demo(model)
    path = Path(model)
    if not path.exists():
        raise ExplainerInputError(f"--model is a demo name ({', '.join(DEMOS)}) or a model file; there is no file "
                                  f"{model}.")
    import pandas as pd

    from ..models.model_files import load_sklearn_model

    loaded = load_sklearn_model(path, allow_pickle=trust_pickle)
    rows = [r for _, r in data_rows or [] if isinstance(r, dict)]
    if not rows:
        raise ExplainerInputError("A model file is explained against its data: give --data with at least one row.")
    return Explainer.from_sklearn(loaded.model, pd.DataFrame(rows), target=target)


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int = 2) -> Iterator[Any]:
    """A Dask client: on ``scheduler`` if given, else on a LocalCluster of ``workers`` processes
    (one thread each); ``workers=0`` and no scheduler: None (a plain loop, no Dask)."""
    if scheduler is None and workers == 0:
        yield None
        return
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
        except (OSError, TimeoutError, ValueError) as err:
            raise ExplainerInputError(
                f"Cannot reach the Dask scheduler at {scheduler} (waited {CONNECT_SECONDS} s: {str(err)[:160]}). "
                "Check the address and that the scheduler is running, or leave out --scheduler to run on this "
                "machine.") from None
        with client:
            yield client
        return
    import logging

    # silence_logs: a worker's heartbeat racing the cluster's shutdown logs a traceback that is no
    # error of the run (a row's errors are in its output row).
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        yield client


def run_batch(ex: Any, items: list[tuple[str, Any]], out: str | Path, client: Any = None, *,
              budget: int | None = None, narrate: bool = False, audience: str = "customer",
              progress: bool = True, notice: bool = False) -> dict:
    """Explain the rows of ``items`` not yet in ``out``, then write ``out``; returns counts."""
    from tqdm import tqdm

    from ..explainer_batch import explain_rows

    done = finished_rows(out)
    todo = [(k, r) for k, r in items if k not in done]
    if done and progress:
        print(f"Resuming: {len(items) - len(todo)} of {len(items)} rows are already in {out} or its journal; "
              f"explaining the other {len(todo)}.", file=sys.stderr)
    journal = Journal(out)
    bar = tqdm(total=len(todo), unit="row", disable=not progress, file=sys.stderr, smoothing=0.1)
    try:
        for row in explain_rows(ex, todo, client, budget=budget, narrate=narrate, audience=audience, notice=notice):
            journal.add(row)
            done[row["row"]] = row
            bar.update(1)
    finally:
        bar.close()
        journal.close()
    order = {k: i for i, (k, _) in enumerate(items)}
    rows = sorted(done.values(), key=lambda r: order.get(str(r["row"]), len(order)))
    write_output(out, rows)
    journal_path(out).unlink(missing_ok=True)
    failed = sum(1 for r in rows if r.get("error"))
    return {"rows": len(rows), "explained": len(todo), "skipped": len(items) - len(todo), "failed": failed}
