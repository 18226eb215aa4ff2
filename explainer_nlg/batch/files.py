"""A batch's files: the input rows (Parquet, CSV, JSONL), the journal of finished rows, the output.

Finished rows are appended to a journal (``<out>.partial.jsonl``, one JSON line per row, flushed
as each finishes), so a run that is killed loses nothing it finished; the next run reads the
journal and the output file, and skips the rows they hold. At the end the output Parquet file is
written whole (to a temporary name, then renamed) and the journal removed.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "rows.jsonl").write_text('{"id": "a", "text": "fine"}\\n{"text": "no id"}\\nnot json\\n')
>>> [(k, type(r).__name__) for k, r in read_rows(folder / "rows.jsonl")]
[('a', 'dict'), ('1', 'dict'), ('2', 'ExplainerInputError')]
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from ..errors import ExplainerInputError

FORMATS = (".parquet", ".csv", ".jsonl", ".json")


def read_rows(path: str | Path, id_column: str | None = "id") -> list[tuple[str, Any]]:
    """``(key, record)`` per input row: the record a dict of the row's fields (a JSONL line that is
    not an object is an ExplainerInputError in its place). ``key``: the ``id_column`` value where
    the file has that column, else the row's position (from 0)."""
    path = Path(path)
    if not path.exists():
        raise ExplainerInputError(f"There is no data file {path}.")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return _read_jsonl(path, id_column)
    import pandas as pd

    try:
        df = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path) if suffix == ".csv" else None
    except Exception as err:  # noqa: BLE001 - a damaged file raises many types
        raise ExplainerInputError(f"Cannot read {path.name} as {suffix[1:]}: {str(err)[:200]}") from None
    if df is None:
        raise ExplainerInputError(f"The data file must be one of {', '.join(FORMATS)}, not {path.name}.")
    keys = [str(v) for v in df[id_column]] if id_column and id_column in df.columns else [str(i) for i in range(len(df))]
    _check_unique(keys, path)
    records = df.drop(columns=[id_column]) if id_column and id_column in df.columns else df
    return list(zip(keys, ({str(c): _python_value(v) for c, v in r.items()} for r in records.to_dict("records"))))


def _read_jsonl(path: Path, id_column: str | None) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for i, line in enumerate(fh):
            if not line.strip():
                continue
            key = str(len(out))
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                out.append((key, ExplainerInputError(f"Line {i + 1} is not valid JSON ({err.msg} at character "
                                                     f"{err.pos}).")))
                continue
            if not isinstance(record, dict):
                out.append((key, ExplainerInputError(f"Line {i + 1} is a JSON {type(record).__name__}, not an object "
                                                     "of fields.")))
                continue
            if id_column and id_column in record:
                key = str(record.pop(id_column))
            out.append((key, record))
    _check_unique([k for k, _ in out], path)
    return out


def _check_unique(keys: list[str], path: Path) -> None:
    seen: set[str] = set()
    for k in keys:
        if k in seen:
            raise ExplainerInputError(f"The id {k!r} appears twice in {path.name}; each row needs its own id (a "
                                      "resumed run finds finished rows by it).")
        seen.add(k)


def _python_value(v: Any) -> Any:
    """A cell as the Python value the model is given: numpy scalars unwrapped, NaN as None (missing).
    Not ``to_plain``: any other value (a date) keeps its type."""
    v = v.item() if hasattr(v, "item") else v
    return None if isinstance(v, float) and math.isnan(v) else v


def journal_path(out: str | Path) -> Path:
    return Path(str(out) + ".partial.jsonl")


def finished_rows(out: str | Path) -> dict[str, dict]:
    """Rows already done: those in the output file, then those in the journal (a last line cut
    short by a kill is ignored: that row runs again)."""
    out = Path(out)
    done: dict[str, dict] = {}
    if out.exists():
        import pyarrow.parquet as pq

        for row in pq.read_table(out).to_pylist():
            done[str(row["row"])] = row
    journal = journal_path(out)
    if journal.exists():
        with open(journal, encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                done[str(row["row"])] = row
    return done


class Journal:
    """Appends finished rows to the journal, one flushed line each."""

    def __init__(self, out: str | Path):
        self.path = journal_path(out)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a", encoding="utf-8")

    def add(self, row: dict) -> None:
        self._fh.write(json.dumps(row) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def write_output(out: str | Path, rows: list[dict]) -> None:
    """The output Parquet file, written whole under a temporary name and then renamed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".writing")
    pq.write_table(pa.Table.from_pylist(rows), tmp)
    os.replace(tmp, out)
