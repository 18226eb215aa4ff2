"""Many explanations at once: ``Explainer.explain_many(df, client=None)``, in a loop or on Dask.

One output row per input row: its id, the prediction, the probabilities, the top reasons, every
contribution with its standard error, optionally the narrated sentences and (tabular
classifiers) the reason notice (``Explainer.reasons``: its lines, not put on the record), and an
``error`` (None when it worked). A row that cannot be explained gets its error message and the rest go on.

With a Dask ``client`` the explainer is scattered to every worker once (``broadcast``), and each
task explains a few rows with that copy; results come back as they finish. Every estimator is
seeded, so the figures are bit for bit those of the plain loop (``seconds``, the wall time, is
the one field that differs). The shell around this (files, resuming, progress, the cluster) is
``explainer_nlg.batch``.

>>> import pandas as pd
>>> from explainer_nlg import Explainer
>>> ex = Explainer.demo("loan")
>>> rows = ex.rows().loc[[17, 18], ex.info["features"]]
>>> out = ex.explain_many(rows)
>>> out["row"].tolist(), out["prediction"].tolist(), out["error"].tolist()
(['17', '18'], ['good', 'good'], [None, None])
>>> out.loc[0, "contributions"][0]["name"], out.loc[0, "top_reasons"][0]
('Seniority', 'Income')
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .errors import ExplainerInputError

TOP_REASONS = 3
ROWS_PER_TASK = 4  # rows one Dask task explains: enough to hide the ~ms task overhead, few enough to spread


def input_of(ex: Any, record: Any) -> Any:
    """What ``ex.explain`` takes for one input record: a table's row as a dict of its features (a
    missing feature is left out, so the schema names it), a text model's ``text`` field."""
    if isinstance(record, BaseException):
        raise record
    if ex.kind == "tabular":
        if not isinstance(record, dict):
            raise ExplainerInputError("A row must be an object of feature values.")
        features = ex.info.get("features") or list(record)
        return {f: record[f] for f in features if f in record}
    if isinstance(record, dict):
        if "text" not in record:
            raise ExplainerInputError(f"A row for a {ex.kind} model needs a 'text' field; it has: "
                                      f"{', '.join(map(str, record)) or 'no fields'}.")
        record = record["text"]
    if not isinstance(record, str):
        raise ExplainerInputError(f"A {ex.kind} model's input is text, not {type(record).__name__}.")
    return record


def row_result(ex: Any, key: str, record: Any, budget: int | None = None, narrate: bool = False,
               audience: str = "customer", top: int = TOP_REASONS, notice: bool = False) -> dict:
    """One output row for one input record (its error instead, when it cannot be explained)."""
    t0 = time.perf_counter()
    out: dict[str, Any] = {"row": key, "prediction": None, "probabilities": None, "target": None,
                           "base_value": None, "top_reasons": None, "contributions": None, "method": None,
                           "model_calls": None, "notes": None, "narration": None, "notice": None, "error": None,
                           "seconds": None}
    try:
        x = input_of(ex, record)
        ev = ex.explain(x, budget=budget)
        out.update(prediction=ev.predicted_label, probabilities=dict(ev.probabilities), target=ev.target_label,
                   base_value=ev.base_value, top_reasons=[a.name for a in ev.top(top)],
                   contributions=[{"name": a.name, "value": None if a.value is None else str(a.value),
                                   "contribution": a.contribution, "standard_error": a.standard_error}
                                  for a in ev.attributions],
                   method=ev.method, model_calls=ev.n_evaluations, notes=list(ev.notes))
        if narrate:
            out["narration"] = ex.narrate(ev, audience).text
        if notice:
            out["notice"] = "\n".join(ex.reasons(x, counterfactual=False, budget=budget, record=False).lines)
    except ExplainerInputError as err:
        out["error"] = str(err)
    except Exception as err:  # noqa: BLE001 - one bad row must not end a run of thousands
        out["error"] = f"{type(err).__name__}: {str(err)[:300]}"
    out["seconds"] = round(time.perf_counter() - t0, 4)
    return out


def explain_rows(ex: Any, items: Iterable[tuple[str, Any]], client: Any = None, *, budget: int | None = None,
                 narrate: bool = False, audience: str = "customer", top: int = TOP_REASONS,
                 rows_per_task: int = ROWS_PER_TASK, scattered: Any = None, notice: bool = False) -> Iterator[dict]:
    """Output rows for ``(key, record)`` pairs, each as soon as it is done (in input order without
    Dask; in finishing order with it). ``scattered``: the Future of ``ex`` already on every worker
    (``client.scatter(ex, broadcast=True)``), for several batches on one cluster."""
    options = {"budget": budget, "narrate": narrate, "audience": audience, "top": top, "notice": notice}
    items = list(items)
    if client is None:
        for key, record in items:
            yield row_result(ex, key, record, **options)
        return
    from dask.distributed import as_completed

    # Sent once per worker, not once per task.
    remote = scattered if scattered is not None else client.scatter(ex, broadcast=True, hash=False)
    chunks = [items[i:i + rows_per_task] for i in range(0, len(items), rows_per_task)]
    futures = [client.submit(_explain_chunk, remote, chunk, options, pure=False) for chunk in chunks]
    try:
        for future in as_completed(futures):
            yield from future.result()
    finally:
        client.cancel(futures)


def _explain_chunk(ex: Any, chunk: list[tuple[str, Any]], options: dict) -> list[dict]:
    return [row_result(ex, key, record, **options) for key, record in chunk]


def explain_many(ex: Any, rows: Any, client: Any = None, *, budget: int | None = None, narrate: bool = False,
                 audience: str = "customer", top: int = TOP_REASONS,
                 on_row: Callable[[dict], None] | None = None, scattered: Any = None, notice: bool = False) -> Any:
    """A DataFrame with one row per row of ``rows`` (a DataFrame of feature columns, or of a
    ``text`` column; or a list of texts), in input order; see the module docstring."""
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        items = [(str(k), {str(c): _python_value(v) for c, v in r.items()}) for k, r in rows.iterrows()]
    else:
        items = [(str(i), r) for i, r in enumerate(rows)]
    order = {key: i for i, (key, _) in enumerate(items)}
    if len(order) < len(items):
        raise ExplainerInputError("The rows' ids (the DataFrame's index) must be unique: each output row is found by "
                                  "its id.")
    results = []
    for r in explain_rows(ex, items, client, budget=budget, narrate=narrate, audience=audience, top=top,
                          scattered=scattered, notice=notice):
        results.append(r)
        if on_row is not None:
            on_row(r)
    results.sort(key=lambda r: order[r["row"]])
    return pd.DataFrame(results)


def _python_value(v: Any) -> Any:
    """A numpy scalar as its Python value. Not ``to_plain``: NaN and dates stay as they are, because
    the row goes back into the model, not out as JSON."""
    return v.item() if hasattr(v, "item") else v
