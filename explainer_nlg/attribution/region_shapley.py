"""Image evidence: Shapley values of the cells of a grid (a missing cell is blurred away)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models.image import TorchImagePredictor, load_image
from .base import Attributor, Prepared
from .game import Game
from .heatmap_faithfulness import blurred
from .heatmap_regions import GRID_NAMES_3X3, grid_cells

# 3x3 cells: 2^9 = 512 images is too slow on a laptop CPU, so a paired estimate with this budget.
REGION_BUDGET = 96


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


class RegionAttributor(Attributor):
    kind = "image"
    eraser_k = 3  # a third of the 9 cells; removing 5 of 9 leaves too little to compare against

    def prepare(self, x: Any) -> Prepared:
        img, notes = load_image(x)
        h, w = img.shape[:2]
        return Prepared([img], list(GRID_NAMES_3X3), [None] * 9, [None] * 9,
                        {"image": {"height": h, "width": w}}, notes)

    def game_for(self, prepared: Prepared, target: int) -> Game:
        return RegionGame(self.predictor, prepared.batch1[0], target)

    def default_budget(self, n_players: int) -> int | None:
        return REGION_BUDGET
