"""The one interface every model is adapted to: class names and batched probabilities."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np


class Predictor(ABC):
    """A model seen as ``predict_proba(batch) -> (m, n_classes)`` with readable class names."""

    kind: str = ""
    class_names: list[str]

    @abstractmethod
    def predict_proba(self, batch: Any) -> np.ndarray:
        """Probabilities for a batch of inputs, rows summing to 1."""
