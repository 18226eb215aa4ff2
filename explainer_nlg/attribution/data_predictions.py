"""The model's probabilities for every row of a tabular explainer's data, computed once.

Group comparisons, similar cases and rules all count over the same predictions; one batched call
(about 0.1 s on the loan demo's 4,454 rows) is made the first time any of them needs it.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

_LOCK = threading.Lock()


def data_probabilities(attributor: Any) -> np.ndarray:
    """(n_rows, n_classes) probabilities for ``attributor.data`` in its row order (cached on it)."""
    with _LOCK:
        cached = getattr(attributor, "_data_probabilities", None)
    if cached is not None:
        return cached
    probs = np.asarray(attributor.predictor.predict_proba(attributor.data[list(attributor.predictor.features)]),
                       dtype=float)
    with _LOCK:
        attributor._data_probabilities = probs
    return probs


def data_predictions(attributor: Any) -> np.ndarray:
    """(n_rows,) index of the class the model predicts for each row of the data."""
    return data_probabilities(attributor).argmax(axis=1)
