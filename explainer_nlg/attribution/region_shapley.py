"""Image evidence: Shapley values of the cells of a grid (a missing cell is blurred away)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models.image import TorchImagePredictor, load_image
from .base import Attributor, Prepared
from .game import Game

GRID_NAMES_3X3 = ["top left", "top centre", "top right", "middle left", "centre", "middle right",
                  "bottom left", "bottom centre", "bottom right"]
# 3x3 cells: 2^9 = 512 images is too slow on a laptop CPU, so a paired estimate with this budget.
REGION_BUDGET = 96


def grid_cells(h: int, w: int, rows: int = 3, cols: int = 3) -> list[tuple[slice, slice]]:
    ys = np.linspace(0, h, rows + 1).astype(int)
    xs = np.linspace(0, w, cols + 1).astype(int)
    return [(slice(ys[r], ys[r + 1]), slice(xs[c], xs[c + 1])) for r in range(rows) for c in range(cols)]


class RegionGame(Game):
    def __init__(self, predictor: TorchImagePredictor, image: np.ndarray, target: int):
        from PIL import Image, ImageFilter

        self.predictor = predictor
        self.image = image
        self.cells = grid_cells(*image.shape[:2])
        self.player_names = list(GRID_NAMES_3X3)
        radius = max(image.shape[:2]) / 16
        self.removed = np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))
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

    def prepare(self, x: Any) -> Prepared:
        img, notes = load_image(x)
        h, w = img.shape[:2]
        return Prepared([img], list(GRID_NAMES_3X3), [None] * 9, [None] * 9,
                        {"image": {"height": h, "width": w}}, notes)

    def game_for(self, prepared: Prepared, target: int) -> Game:
        return RegionGame(self.predictor, prepared.batch1[0], target)

    def default_budget(self, n_players: int) -> int | None:
        return REGION_BUDGET
