"""The image attributor: region Shapley values (model-agnostic, ``region_game``) plus a class
activation map (Grad-CAM by default) with the regions a sentence can name, its deletion/insertion
faithfulness, and a note when the two methods disagree about the most important region."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models.image import TorchImagePredictor, load_image
from .attributor import Attributor, Prepared
from .game import Game
from .grad_cam import CAM_METHODS, cam_method, default_target_layer, resolve_layer
from .heatmap_faithfulness import curves, random_map, resize_map
from .heatmap_regions import GRID_NAMES_3X3, heat_regions
from .limits import current as current_limits
from .region_game import RegionGame
from .shapley_estimators import ShapleyResult

HEATMAP_DECIMALS = 3
# 3x3 cells: 2^9 = 512 images is too slow on a laptop CPU, so a paired estimate with this budget.
REGION_BUDGET = 96


class ImageAttributor(Attributor):
    """Region Shapley evidence plus a CAM on ``target_layer`` (default: the last spatial layer)."""

    kind = "image"
    eraser_k = 3  # a third of the 9 cells; removing 5 of 9 leaves too little to compare against

    def __init__(self, predictor: TorchImagePredictor, target_layer: Any = None, method: str = "grad-cam"):
        super().__init__(predictor)
        model = predictor.model
        if target_layer is None:
            target_layer = default_target_layer(model, predictor.preprocess(np.zeros((64, 64, 3), np.uint8))[None])
        self.target_layer = resolve_layer(model, target_layer)
        self.layer_name = next((n for n, m in model.named_modules() if m is self.target_layer), "")
        self.cam_method = cam_method(method)
        self.cams = {name: cls(model, self.target_layer) for name, cls in CAM_METHODS.items()}

    def prepare(self, x: Any) -> Prepared:
        img, notes = load_image(x)
        h, w = img.shape[:2]
        return Prepared([img], list(GRID_NAMES_3X3), [None] * 9, [None] * 9,
                        {"image": {"height": h, "width": w}}, notes)

    def game_for(self, prepared: Prepared, target: int) -> Game:
        return RegionGame(self.predictor, prepared.batch1[0], target)

    def default_budget(self, n_players: int) -> int | None:
        return REGION_BUDGET

    def heatmaps(self, images: list[np.ndarray], targets: list[int], method: str | None = None) -> np.ndarray:
        """N x H x W maps in [0, 1] at the model's input resolution, one forward pass per batch."""
        return self.cams[cam_method(method or self.cam_method)].attribute(self.predictor.batch(images), targets)

    def more_evidence(self, prepared: Prepared, target: int, result: ShapleyResult) -> dict:
        image = prepared.batch1[0]
        heat = self.heatmaps([image], [target])[0]
        h, w = image.shape[:2]
        heat_photo = resize_map(heat, (h, w))
        regions = heat_regions(heat_photo, image)
        regions = {"method": self.cam_method, "layer": self.layer_name, **regions}
        cam_top = max(regions["grid"], key=regions["grid"].get)
        shap_top = prepared.names[int(np.argmax(result.values))] if len(result.values) else None
        regions["agreement"] = {"grad_cam_top": cam_top, "shapley_top": shap_top, "agree": cam_top == shap_top}

        def p_target(images):
            return self.predictor.predict_proba(images)[:, target]

        notes = []
        lim = current_limits()
        if lim is not None and lim.expired():
            # Over the time budget: the heatmap and its regions stand; the curves that check them
            # (44 more model calls on the photo) are left out, and the Evidence says so.
            notes.append("The heatmap's deletion and insertion checks were skipped: the explanation had used its "
                         "time budget.")
            return {"heatmap": np.round(heat, HEATMAP_DECIMALS).tolist(), "regions": regions, "notes": notes,
                    "extra": {"heatmap_model_calls": 1, "curve_model_calls": 0}}
        cam_curves = curves(image, heat_photo, p_target)
        rnd_curves = curves(image, random_map((h, w)), p_target)
        if not heat.any():
            notes.append(f"The {self.cam_method} map is empty: no part of the target layer raised the class score.")
        if not regions["agreement"]["agree"]:
            notes.append(f"The methods disagree about the most important region: {self.cam_method} puts the most "
                         f"heat in the {cam_top}, region Shapley values rank the {shap_top} first.")
        return {
            "heatmap": np.round(heat, HEATMAP_DECIMALS).tolist(),
            "regions": regions,
            "faithfulness": {
                "deletion_auc": cam_curves["deletion_auc"], "insertion_auc": cam_curves["insertion_auc"],
                "deletion_auc_random": rnd_curves["deletion_auc"],
                "insertion_auc_random": rnd_curves["insertion_auc"],
            },
            "notes": notes,
            "extra": {"curves": {"fractions": cam_curves["fractions"], "deletion": cam_curves["deletion"],
                                 "insertion": cam_curves["insertion"],
                                 "deletion_random": rnd_curves["deletion"],
                                 "insertion_random": rnd_curves["insertion"]},
                      "heatmap_model_calls": 1, "curve_model_calls": 2 * cam_curves["model_calls"]},
        }
