"""The image game: players are the cells of a 3x3 grid; a missing cell is blurred away."""

from __future__ import annotations

import numpy as np

from ..models.image import TorchImagePredictor
from .game import Game
from .heatmap_faithfulness import blurred
from .heatmap_regions import GRID_NAMES_3X3, grid_cells


class RegionGame(Game):
    def __init__(self, predictor: TorchImagePredictor, image: np.ndarray, target: int):
        self.predictor = predictor
        self.image = image
        self.cells = grid_cells(*image.shape[:2])
        self.player_names = list(GRID_NAMES_3X3)
        self.removed = blurred(image)  # the same "removed" as the heatmap's deletion curve
        self.target = target

    def _value(self, masks: np.ndarray) -> np.ndarray:
        images = []
        for m in masks:
            img = self.removed.copy()
            for keep, (ys, xs) in zip(m, self.cells):
                if keep:
                    img[ys, xs] = self.image[ys, xs]
            images.append(img)
        return self.predictor.predict_proba(images)[:, self.target]
