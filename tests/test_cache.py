"""explainer_nlg.cache: artefacts that take minutes to build are built once, even when several
processes ask for them at the same time (the app, a test run, CI, an app's worker)."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from explainer_nlg.cache import one_builder


def _build_once(target: str, log: str) -> None:
    """What ensure_model / ensure_text_model / convert_gguf do: check, and build when missing.
    The build is slow (0.5 s), so without the lock both processes see nothing built yet."""
    with one_builder(target):
        if not Path(target).exists():
            with open(log, "a") as fh:
                fh.write("built\n")
            time.sleep(0.5)
            Path(target).mkdir()


def test_two_processes_asking_at_once_build_the_artefact_once(tmp_path):
    target, log = str(tmp_path / "model"), str(tmp_path / "log.txt")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_build_once, args=(target, log)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert Path(target).is_dir()
    assert Path(log).read_text().splitlines() == ["built"]


def test_the_lock_is_released_when_the_build_fails(tmp_path):
    target = tmp_path / "model"
    try:
        with one_builder(target):
            raise RuntimeError("the build broke")
    except RuntimeError:
        pass
    started = time.monotonic()
    with one_builder(target):  # would block forever if the first holder had kept it
        pass
    assert time.monotonic() - started < 5
