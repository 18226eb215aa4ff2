"""Deletion and insertion curves (RISE, Petsiuk et al. 2018) for a heatmap.

Deletion: blur away the hottest pixels first, in steps, and follow the target probability; a
faithful map makes it fall fast (low area under the curve). Insertion: start from the blurred
image and restore the hottest pixels first; a faithful map makes it rise fast (high area). A random
map of the same coarseness is the baseline the figures are read against.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

STEPS = 10  # 11 points per curve


def blurred(image: np.ndarray) -> np.ndarray:
    """What "removed" means for pixels: a strong Gaussian blur of the image (keeps colour, not shape)."""
    from PIL import Image, ImageFilter

    radius = max(image.shape[:2]) / 16
    return np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))


def resize_map(heat: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    from PIL import Image

    if heat.shape == shape:
        return heat
    return np.asarray(Image.fromarray(heat.astype(np.float32), mode="F").resize(shape[::-1], Image.BILINEAR))


def random_map(shape: tuple[int, int], cells: int = 7, seed: int = 0) -> np.ndarray:
    """A random map as coarse as a CAM (cells x cells blocks), for the baseline."""
    coarse = np.random.default_rng(seed).random((cells, cells)).astype(np.float32)
    return resize_map(coarse, shape)


def curves(image: np.ndarray, heat: np.ndarray, predict: Callable[[list[np.ndarray]], np.ndarray],
           steps: int = STEPS) -> dict:
    """Deletion and insertion curves of ``predict`` (images -> target probabilities) for ``heat``.

    Returns fractions, both curves, and their areas (mean of the trapezoids over [0, 1]).
    """
    h, w = image.shape[:2]
    heat = resize_map(np.asarray(heat, dtype=np.float32), (h, w))
    # stable order, so ties (flat regions) are removed in reading order, the same every run
    order = np.argsort(-heat.ravel(), kind="stable")
    base = blurred(image)
    fractions = np.linspace(0, 1, steps + 1)
    deletion, insertion = [], []
    flat_img, flat_base = image.reshape(-1, 3), base.reshape(-1, 3)
    for f in fractions:
        idx = order[: int(round(f * h * w))]
        d = flat_img.copy()
        d[idx] = flat_base[idx]
        i = flat_base.copy()
        i[idx] = flat_img[idx]
        deletion.append(d.reshape(h, w, 3))
        insertion.append(i.reshape(h, w, 3))
    p = np.asarray(predict(deletion + insertion), dtype=float)
    p_del, p_ins = p[: steps + 1], p[steps + 1 :]
    return {"fractions": fractions.tolist(), "deletion": p_del.tolist(), "insertion": p_ins.tolist(),
            "deletion_auc": float(np.trapezoid(p_del, fractions)),
            "insertion_auc": float(np.trapezoid(p_ins, fractions)),
            "model_calls": 2 * (steps + 1)}
