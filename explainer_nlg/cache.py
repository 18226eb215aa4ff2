"""Where trained demo models and other derived artefacts live between runs, and how they are
written so that a crash mid-write never leaves a broken file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def cache_dir() -> Path:
    """The user cache folder for explainer-nlg.

    ``EXPLAINER_NLG_CACHE`` wins, then ``$XDG_CACHE_HOME/explainer-nlg``, then
    ``~/.cache/explainer-nlg``.

    >>> cache_dir().name in {"explainer-nlg"} or "EXPLAINER_NLG_CACHE" in os.environ
    True
    """
    explicit = os.environ.get("EXPLAINER_NLG_CACHE")
    if explicit:
        path = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        path = Path(base) / "explainer-nlg"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path``; on success it is renamed over ``path`` in one step.

    A crash or an error mid-write leaves the old file (or none), never half a file, and the
    temporary file is removed.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('done', ['x.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # on disk before the rename makes it visible
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def one_builder(path: str | os.PathLike) -> Iterator[None]:
    """Held by one process at a time for ``path``: wrap the "is it built? if not, build it" step of
    an artefact that takes minutes to make (a fine-tuned model, a converted LLM), so that two
    processes starting together (the app and a test run, two test runs, two app workers) build it
    once; the second waits, then finds it built. The lock is an ``flock`` on ``<path>.lock``,
    released when the process ends, however it ends; where ``fcntl`` is missing (Windows), it
    locks nothing and the artefact's own atomic write keeps it whole.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "model"
    >>> with one_builder(target):
    ...     built = not target.exists() and target.mkdir() is None
    >>> built, (target.parent / "model.lock").exists()
    (True, True)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path.parent / f"{path.name}.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_npy_checked(path: str | os.PathLike, rows: int | None = None, unit_rows: bool = False):
    """The float array cached in ``path``, or None when it is absent or damaged (truncated, not
    an .npy file, the wrong number of rows, non-finite values, rows not of length one when
    ``unit_rows``). A damaged file is removed, so the caller rebuilds it.

    >>> import tempfile, numpy as np
    >>> p = Path(tempfile.mkdtemp()) / "a.npy"
    >>> np.save(p, np.eye(2)); read_npy_checked(p, rows=2, unit_rows=True).shape
    (2, 2)
    >>> _ = p.write_bytes(p.read_bytes()[:60]); read_npy_checked(p, rows=2) is None, p.exists()
    (True, False)
    """
    import numpy as np

    path = Path(path)
    if not path.exists():
        return None
    try:
        arr = np.load(path, allow_pickle=False)
        ok = arr.dtype.kind == "f" and arr.ndim == 2 and (rows is None or arr.shape[0] == rows) \
            and bool(np.isfinite(arr).all())
        if ok and unit_rows:
            ok = bool(np.allclose(np.linalg.norm(arr, axis=1), 1.0, atol=1e-3))
    except (OSError, ValueError, EOFError):
        ok = False
    if not ok:
        path.unlink(missing_ok=True)
        return None
    return arr
