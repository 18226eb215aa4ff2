"""Bring your own model: an uploaded CSV and model file, or a model folder the operator allows.

The model file is read by ``models.model_files`` (skops; pickles only where the operator allows
them). The CSV is read with size limits. A Hugging Face model folder is loaded only from inside
the folder the operator named (``--model-folder``), safetensors weights only, no remote code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExplainerInputError
from .errors import TooLarge

MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_CSV_ROWS = 200_000
MAX_CSV_COLUMNS = 500


@dataclass
class UploadPolicy:
    """What the operator allows: pickles (off by default), extra skops types, a model folder."""

    allow_pickle: bool = False
    trusted_types: tuple[str, ...] = ()
    model_folder: str | None = None


def read_csv(path: str | os.PathLike) -> Any:
    """The uploaded table, refused past the size limits or when it is not a CSV."""
    import pandas as pd

    size = Path(path).stat().st_size
    if size > MAX_CSV_BYTES:
        raise TooLarge(f"The data file is {size / 1e6:.0f} MB; the limit is {MAX_CSV_BYTES / 1e6:.0f} MB.")
    try:
        df = pd.read_csv(path, nrows=MAX_CSV_ROWS + 1)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise ExplainerInputError(f"The data file is not a readable CSV ({str(err)[:160]}).") from None
    if len(df) > MAX_CSV_ROWS:
        raise TooLarge(f"The data file has more than {MAX_CSV_ROWS:,} rows; upload a sample of at most that many.")
    if df.shape[1] > MAX_CSV_COLUMNS:
        raise TooLarge(f"The data file has {df.shape[1]:,} columns; the limit is {MAX_CSV_COLUMNS}.")
    if df.empty:
        raise ExplainerInputError("The data file has no rows.")
    return df


def load_custom(csv_file: Any, model_file: Any, target: str | None, hf_dir: str | None,
                policy: UploadPolicy) -> tuple[Any, str]:
    """(an Explainer, a message for the user) from the page's "bring your own model" inputs."""
    from ..explainer import Explainer

    if hf_dir and str(hf_dir).strip():
        path = _model_folder_path(str(hf_dir).strip(), policy)
        ex = Explainer.from_transformers(str(path))
        return ex, f"Loaded text model {ex.name}: classes {', '.join(map(str, ex.class_names[:10]))}."
    if not csv_file or not model_file:
        raise ExplainerInputError("Give a CSV and a scikit-learn model saved with skops (.skops), or a Hugging Face "
                                  "model folder name.")
    from ..models.model_files import load_sklearn_model

    df = read_csv(csv_file)
    loaded = load_sklearn_model(model_file, allow_pickle=policy.allow_pickle, trusted=policy.trusted_types)
    if not hasattr(loaded.model, "predict_proba"):
        raise ExplainerInputError(f"The file holds a {type(loaded.model).__name__}, not a fitted classifier with "
                                  "predict_proba.")
    target = (target or "").strip() or None
    try:
        ex = Explainer.from_sklearn(loaded.model, df, target=target)
        ex.predict(df.index[0])  # a model that cannot read its own data fails here, with its message
    except ExplainerInputError:
        raise
    except Exception as err:  # noqa: BLE001 - a user's model may raise anything on the user's data
        raise ExplainerInputError(f"The model could not predict the first row of the data ({type(err).__name__}: "
                                  f"{str(err)[:160]}).") from None
    asked = (f" The file asked for {len(loaded.untrusted_types)} type(s) beyond skops' defaults, each on this "
             f"app's trusted list: {', '.join(loaded.untrusted_types)}." if loaded.untrusted_types else "")
    return ex, (f"Loaded {ex.name} from a {loaded.format} file, with {len(df):,} rows: classes "
                f"{', '.join(map(str, ex.class_names[:10]))}.{asked} It is yours alone: other visitors cannot see "
                "it, and it is dropped after an hour unused.")


def _model_folder_path(name: str, policy: UploadPolicy) -> Path:
    """A folder inside the operator's model folder (resolved; no way out through .. or links)."""
    if not policy.model_folder:
        raise ExplainerInputError("Loading a model folder is off: the operator can allow one folder of models with "
                                  "--model-folder. Upload a CSV and a .skops model instead.")
    root = Path(policy.model_folder).resolve()
    try:
        real = (root / name).resolve()
    except (OSError, RuntimeError, ValueError):
        real = None
    if real is None or not real.is_relative_to(root) or not real.is_dir():
        raise ExplainerInputError(f"There is no model folder {name[:80]!r} in the model folder the operator named.")
    return real
