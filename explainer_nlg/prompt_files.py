"""The wording the project keeps as data, found and read in one place.

``prompts/`` sits at the top of the repository, beside ``explainer_nlg/``, so someone adapting the
wording finds it at once: the narration's templates and vocabulary, the chat's example bank and
the prompts given to the local LLM. The wheel ships the folder as the package
``explainer_nlg.prompts`` (the ``package-dir`` mapping in pyproject.toml), and an editable install
maps the same name to the folder, so installed and checked-out copies read it the same way.

Every TOML file the project reads goes through ``read_toml`` (one parser, one 3.10 fallback).

>>> vocabulary = load_prompt_file("vocabulary.toml")
>>> vocabulary["confidence"][0]["words"]
'very confident'
>>> "templates.toml" in prompt_file_names()
True
"""

from __future__ import annotations

import functools
import sys
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PACKAGE = "explainer_nlg.prompts"


def read_toml(path: str | Path) -> dict:
    """A TOML file as a dict (tests and benchmarks read their own data files with this too)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _folder():
    try:
        return resources.files(PACKAGE)
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            f"{PACKAGE} (the prompts/ folder) is not installed. An editable install made before prompts/ moved "
            "to the top of the repository does not know it: run pip install -c constraints.txt -e . again."
        ) from None


def prompt_file_names() -> list[str]:
    """The files in ``prompts/``, sorted."""
    return sorted(p.name for p in _folder().iterdir() if p.name.endswith(".toml"))


@functools.cache
def load_prompt_file(name: str) -> dict:
    """``prompts/<name>`` parsed (once per process; the dict is shared, so do not change it)."""
    source = _folder().joinpath(name)
    if not source.is_file():
        raise FileNotFoundError(f"There is no prompts/{name}; the folder holds: {', '.join(prompt_file_names())}.")
    return tomllib.loads(source.read_text("utf-8"))
