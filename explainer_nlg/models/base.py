"""The one interface every model is adapted to: output names and batched outputs.

A classifier's outputs are its class probabilities; a regressor has one output, its predicted
value, in the model's own unit. Games, estimators and every data-level view read
``predict_proba(batch)[:, target]`` either way, so they work for both (for a regressor the target
is always 0); only the records and the narration need to know which it is (``output_kind``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np


class Predictor(ABC):
    """A model seen as ``predict_proba(batch) -> (m, n_outputs)`` with readable output names:
    class probabilities (rows summing to 1) for a classifier, one column of predicted values for
    a regressor (``output_kind == "regression"``, in ``unit``)."""

    kind: str = ""
    class_names: list[str]  # a classifier's classes; a regressor's one predicted quantity ("price")
    output_kind: str = "classification"
    unit: str | None = "probability"

    @abstractmethod
    def predict_proba(self, batch: Any) -> np.ndarray:
        """Outputs for a batch of inputs: probabilities, or for a regressor its predictions as (m, 1)."""

    @property
    def is_regression(self) -> bool:
        return self.output_kind == "regression"
