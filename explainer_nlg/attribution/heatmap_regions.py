"""A heatmap is not a sentence: the parts of it a sentence can name.

* the share of heat in each cell of a 3x3 grid ("centre", "top left", ...), summing to 1;
* the bounding box of the hottest connected region and its share of the image and of the heat;
* where a rough foreground estimate is possible, whether the heat lies on the object or the
  background (heat share on the foreground against the foreground's share of the area).

>>> import numpy as np
>>> heat = np.zeros((90, 90)); heat[30:60, 30:60] = 1.0
>>> r = heat_regions(heat)
>>> max(r["grid"], key=r["grid"].get), round(sum(r["grid"].values()), 6)
('centre', 1.0)
>>> r["hottest"]["box"], r["hottest"]["cells"]
([30, 30, 60, 60], ['centre'])
"""

from __future__ import annotations

import numpy as np

GRID_NAMES_3X3 = ["top left", "top centre", "top right", "middle left", "centre", "middle right",
                  "bottom left", "bottom centre", "bottom right"]
HOT_LEVEL = 0.5  # a pixel is "hot" at half the map's peak or more
# The foreground estimate is only used when it looks like an object: neither a speck nor the frame.
FOREGROUND_MIN, FOREGROUND_MAX = 0.05, 0.85


def grid_cells(h: int, w: int, rows: int = 3, cols: int = 3) -> list[tuple[slice, slice]]:
    ys = np.linspace(0, h, rows + 1).astype(int)
    xs = np.linspace(0, w, cols + 1).astype(int)
    return [(slice(ys[r], ys[r + 1]), slice(xs[c], xs[c + 1])) for r in range(rows) for c in range(cols)]


def grid_shares(heat: np.ndarray) -> dict[str, float]:
    """Share of the total heat in each 3x3 cell (sums to 1; uniform when the map is empty)."""
    total = float(heat.sum())
    cells = grid_cells(*heat.shape)
    if total <= 0:
        return {name: 1.0 / 9 for name in GRID_NAMES_3X3}
    return {name: float(heat[ys, xs].sum()) / total for name, (ys, xs) in zip(GRID_NAMES_3X3, cells)}


def hottest_region(heat: np.ndarray) -> dict | None:
    """The connected region of hot pixels with the most heat: its box [x0, y0, x1, y1) in the
    map's pixels, its share of the area and of the heat, and the grid cells it overlaps most."""
    from scipy import ndimage

    peak = float(heat.max()) if heat.size else 0.0
    if peak <= 0:
        return None
    labels, count = ndimage.label(heat >= HOT_LEVEL * peak)
    heat_per_label = ndimage.sum(heat, labels, index=np.arange(1, count + 1))
    best = int(np.argmax(heat_per_label)) + 1
    ys, xs = np.nonzero(labels == best)
    box = [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]
    region = labels == best
    h, w = heat.shape
    # cells holding at least a quarter of the region's pixels, largest first
    overlap = [(float(region[ys_, xs_].sum()) / region.sum(), name)
               for name, (ys_, xs_) in zip(GRID_NAMES_3X3, grid_cells(h, w))]
    cells = [name for share, name in sorted(overlap, reverse=True) if share >= 0.25] or [max(overlap)[1]]
    return {"box": box, "area_share": float(region.mean()),
            "heat_share": float(heat[region].sum() / heat.sum()), "cells": cells}


def foreground_mask(image: np.ndarray) -> np.ndarray | None:
    """A rough object mask: superpixels whose colour differs from every colour on the image's
    border (the background is assumed to touch the border). None when that gives no object."""
    from skimage.color import rgb2lab
    from skimage.filters import threshold_otsu
    from skimage.segmentation import slic

    small = image
    step = max(1, max(image.shape[:2]) // 256)  # superpixels need no more than ~256 px a side
    small = image[::step, ::step]
    segments = slic(small, n_segments=150, compactness=10, start_label=0)
    lab = rgb2lab(small)
    n = int(segments.max()) + 1
    means = np.array([lab[segments == s].mean(0) if (segments == s).any() else np.zeros(3) for s in range(n)])
    border = np.unique(np.concatenate([segments[0], segments[-1], segments[:, 0], segments[:, -1]]))
    dist = np.linalg.norm(means[:, None, :] - means[None, border, :], axis=2).min(1)
    if np.ptp(dist) < 1e-6:
        return None
    fg_segments = dist > threshold_otsu(dist)
    mask_small = fg_segments[segments]
    share = float(mask_small.mean())
    if not FOREGROUND_MIN <= share <= FOREGROUND_MAX:
        return None
    # back to full size
    full = np.repeat(np.repeat(mask_small, step, 0), step, 1)[: image.shape[0], : image.shape[1]]
    return full


def heat_on_object(heat: np.ndarray, mask: np.ndarray | None) -> dict | None:
    """Heat share on the estimated object against its area share (``on_object``: heat is denser
    on the object than on the background)."""
    if mask is None or heat.sum() <= 0:
        return None
    if mask.shape != heat.shape:
        from PIL import Image

        mask = np.asarray(Image.fromarray(mask.astype(np.uint8) * 255).resize(heat.shape[::-1])) > 127
    heat_share = float(heat[mask].sum() / heat.sum())
    area_share = float(mask.mean())
    return {"heat_share": heat_share, "area_share": area_share, "on_object": heat_share > area_share,
            "method": "colour contrast with the image border (rough)"}


def heat_regions(heat: np.ndarray, image: np.ndarray | None = None) -> dict:
    """All of the above for one map (any size); ``image`` (HxWx3) enables the foreground check."""
    heat = np.asarray(heat, dtype=float)
    out = {"grid": grid_shares(heat), "hottest": hottest_region(heat), "foreground": None}
    if image is not None:
        out["foreground"] = heat_on_object(heat, foreground_mask(image))
    return out
