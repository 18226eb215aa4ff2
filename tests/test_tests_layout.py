"""The suite's own layout (docs/decisions/0019): every folder of tests is a package, so two folders
may hold test files of the same name, and each mirrors a package of explainer_nlg/."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "explainer_nlg"


def _test_folders() -> list[Path]:
    return sorted({p.parent for p in TESTS.rglob("test_*.py")} - {TESTS})


def test_every_test_folder_is_a_package():
    missing = [str(d.relative_to(TESTS)) for d in _test_folders() if not (d / "__init__.py").exists()]
    assert not missing, f"add an empty __init__.py to tests/{', tests/'.join(missing)}"


def test_every_test_folder_mirrors_a_package():
    strays = [d.name for d in _test_folders()
              if not (PACKAGE / d.relative_to(TESTS) / "__init__.py").exists()]
    assert not strays, f"test folders with no package of that name in explainer_nlg/: {strays}"
