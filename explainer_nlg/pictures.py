"""Pictures of image evidence: the heatmap over the photo, and the 3x3 grid with each cell's share.

They read an Evidence record and the photo, nothing else, so the chat app, the CLI and a user's
own code draw the same thing.

>>> import numpy as np
>>> photo = np.full((60, 90, 3), 200, np.uint8)
>>> heat = np.zeros((30, 30)); heat[10:20, 10:20] = 1.0
>>> overlay(photo, heat).size, grid_picture(photo, {"centre": 1.0}).size
((90, 60), (90, 60))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .attribution.heatmap_faithfulness import resize_map
from .attribution.heatmap_regions import GRID_NAMES_3X3, grid_cells

# A perceptually ordered blue -> cyan -> yellow -> red ramp (no matplotlib needed).
_RAMP = np.array([[0, 0, 130], [0, 90, 255], [0, 220, 220], [250, 230, 0], [255, 120, 0], [200, 0, 0]], float)


def colormap(values: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> RGB uint8 along the ramp."""
    v = np.clip(np.nan_to_num(values), 0, 1) * (len(_RAMP) - 1)
    lo = np.floor(v).astype(int).clip(0, len(_RAMP) - 2)
    t = (v - lo)[..., None]
    return (_RAMP[lo] * (1 - t) + _RAMP[lo + 1] * t).astype(np.uint8)


def _photo(image: Any) -> np.ndarray:
    from .models.image import load_image

    return load_image(image)[0]


def overlay(image: Any, heatmap: Any, alpha: float = 0.5, box: list[int] | None = None):
    """The heatmap stretched over the photo (a PIL image); cold areas stay mostly photo.

    ``box``: [x0, y0, x1, y1] in photo pixels to outline (the hottest region).
    """
    from PIL import Image, ImageDraw

    photo = _photo(image)
    h, w = photo.shape[:2]
    heat = np.clip(resize_map(np.asarray(heatmap, np.float32), (h, w)), 0, 1)
    weight = (alpha * (0.25 + 0.75 * heat))[..., None]  # hot areas show more colour
    mixed = (photo * (1 - weight) + colormap(heat) * weight).astype(np.uint8)
    out = Image.fromarray(mixed)
    if box is not None:
        ImageDraw.Draw(out).rectangle([box[0], box[1], box[2] - 1, box[3] - 1], outline=(255, 255, 255),
                                      width=max(2, min(w, h) // 150))
    return out


def grid_picture(image: Any, shares: dict[str, float]):
    """The photo with a 3x3 grid and each cell's share of the heat written in it (a PIL image)."""
    from PIL import Image, ImageDraw, ImageFont

    photo = _photo(image)
    h, w = photo.shape[:2]
    out = Image.fromarray(photo).convert("RGBA")
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    top = max(shares, key=shares.get) if shares else None
    size = max(10, min(h, w) // 12)
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one fixed-size default font
        font = ImageFont.load_default()
    for name, (ys, xs) in zip(GRID_NAMES_3X3, grid_cells(h, w)):
        share = float(shares.get(name, 0.0))
        # darker cells hold less heat: the eye goes to where the heat is
        draw.rectangle([xs.start, ys.start, xs.stop - 1, ys.stop - 1], fill=(0, 0, 0, int(150 * (1 - min(1, 3 * share)))),
                       outline=(255, 255, 255, 200 if name != top else 255), width=3 if name == top else 1)
        label = f"{share:.0%}"
        tw, th = draw.textbbox((0, 0), label, font=font)[2:]
        cx, cy = (xs.start + xs.stop) / 2, (ys.start + ys.stop) / 2
        draw.text((cx - tw / 2, cy - th / 2), label, fill=(255, 255, 255, 255), font=font,
                  stroke_width=2, stroke_fill=(0, 0, 0, 255))
    return Image.alpha_composite(out, layer).convert("RGB")


def evidence_pictures(evidence, image: Any, out_dir: str | Path | None = None) -> dict:
    """The overlay and the grid picture for image Evidence; saved as PNGs when ``out_dir`` is given.

    Returns {"overlay": PIL image, "grid": PIL image} (or their paths when saved).
    """
    from .errors import ExplainerInputError

    if evidence.heatmap is None or evidence.regions is None:
        raise ExplainerInputError("This Evidence has no heatmap (only image evidence has one).")
    hottest = evidence.regions.get("hottest") or {}
    pictures = {"overlay": overlay(image, evidence.heatmap, box=hottest.get("box")),
                "grid": grid_picture(image, evidence.regions["grid"])}
    if out_dir is None:
        return pictures
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, picture in pictures.items():
        paths[name] = out_dir / f"{name}.png"
        picture.save(paths[name])
    return paths
