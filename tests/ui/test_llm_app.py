"""The app and the local LLM: on by default, --no-llm, a missing model said once, templates meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _smoke(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EXPLAINER_NLG_SMOKE_WAIT": "0"}
    return subprocess.run([sys.executable, str(ROOT / "app.py"), "--smoke", *args], capture_output=True,
                          text=True, timeout=900, env=env, cwd=ROOT)


def test_a_missing_model_is_said_once_and_the_app_answers_from_templates():
    run = _smoke("--llm", "no-such-model")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.count("not available") == 1, run.stdout
    assert "Answering from templates" in run.stdout
    assert "A: " in run.stdout and "predicted “good”, not “bad”" in run.stdout


def test_no_llm_means_no_llm():
    run = _smoke("--no-llm")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "LLM" not in run.stdout and "A: About row 17: " in run.stdout
    assert "The model predicted “good”, not “bad”" in run.stdout
