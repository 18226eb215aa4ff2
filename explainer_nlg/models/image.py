"""Adapter for torch image classifiers: images in (path, PIL, HxWx3 array), probabilities out."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ExplainerInputError
from .base import Predictor

# The model sees 224x224 pixels; every step that works at the photo's own size (the region game's
# masked copies, the deletion curves, the heatmap overlay) costs in proportion to its pixels, so
# photos are explained at up to 1024 pixels a side (a 6000x6000 photo took 44 s at 4096).
MAX_SIDE = 1024
MIN_SIDE = 16
# Decoding allocates width x height x channels bytes whatever the file's size: a 27 KB PNG can
# claim 15000x15000. The header is checked before any pixel is decoded; PIL's own bomb limit is
# set to the same figure for any other code that opens images in this process.
MAX_PIXELS = 40_000_000


def _decoded(source: Any, name: str):
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(source) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise ExplainerInputError(
                    f"{name} is {w}x{h} pixels ({w * h / 1e6:.0f} million); the limit is {MAX_PIXELS / 1e6:.0f} "
                    "million pixels (decoding it would take more memory than the server allows).")
            if max(w, h) > MAX_SIDE:
                # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size directly (the codec skips
                # the detail), and the photo is shrunk to MAX_SIDE anyway: a 6000x6000 photo took
                # about a second of CPU decoded whole and shrunk, a tenth of that this way. PIL
                # picks the smallest scale that still covers the size asked for; other formats
                # ignore it.
                scale = MAX_SIDE / max(w, h)
                im.draft(None, (max(MIN_SIDE, round(w * scale)), max(MIN_SIDE, round(h * scale))))
            im.load()
            decoded = im.copy()
            decoded.info["full_size"] = (w, h)  # the note on shrinking names the size the user sent
            return decoded
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        # PIL refuses far-too-large images in open() itself, before our check; its message has the size
        found = re.search(r"\((\d+) pixels\)", str(err))
        size = f" ({int(found.group(1)) / 1e6:.0f} million pixels)" if found else ""
        raise ExplainerInputError(f"{name} has more pixels than the limit of {MAX_PIXELS / 1e6:.0f} million{size}; "
                                  "decoding it would take more memory than the server allows.") from None
    except UnidentifiedImageError:
        raise ExplainerInputError(f"{name} is not a readable image: it is not a PNG, JPEG, GIF, WebP or other "
                                  "picture file.") from None
    except OSError as err:
        raise ExplainerInputError(f"{name} is not a readable image ({err}).") from None


def load_image(x: Any) -> tuple[np.ndarray, list[str]]:
    """An HxWx3 uint8 array from a path, encoded bytes, PIL image or array, with notes on what
    was converted."""
    import io

    from PIL import Image

    notes: list[str] = []
    if isinstance(x, (bytes, bytearray)):
        x = _decoded(io.BytesIO(bytes(x)), "The image")
    if isinstance(x, (str, Path)):
        path = Path(x)
        if not path.is_file():
            raise ExplainerInputError(f"No image file at {str(path)!r}.")
        x = _decoded(path, repr(path.name))
    sent_size = None
    if isinstance(x, Image.Image):
        sent_size = x.info.get("full_size")
        if x.mode != "RGB":
            what = {"L": "grayscale", "LA": "grayscale with transparency", "1": "black and white",
                    "I": "grayscale", "F": "grayscale", "RGBA": "RGB with an alpha channel",
                    "P": "a palette image", "CMYK": "CMYK"}.get(x.mode, f"in mode {x.mode}")
            notes.append(f"The image was {what}; it was converted to RGB.")
            x = x.convert("RGB")
        x = np.asarray(x)
    if not isinstance(x, np.ndarray):
        raise ExplainerInputError(f"An image must be a file path, image bytes, a PIL image or an HxWx3 array, not "
                                  f"{type(x).__name__}.")
    arr = x
    if arr.ndim == 2:
        notes.append("The image is grayscale; it was repeated into three colour channels.")
        arr = np.stack([arr] * 3, axis=-1)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ExplainerInputError(f"An image array must be HxWx3 (or HxWx4); got shape {arr.shape}.")
    if arr.shape[2] == 4:
        notes.append("The image had an alpha channel; it was dropped.")
        arr = arr[..., :3]
    if arr.dtype != np.uint8:
        if np.issubdtype(arr.dtype, np.floating) and arr.size and np.nanmax(arr) <= 1.0:
            arr = arr * 255.0
        arr = np.clip(np.nan_to_num(arr), 0, 255).astype(np.uint8)
    h, w = arr.shape[:2]
    full_w, full_h = sent_size or (w, h)
    if min(full_h, full_w) < MIN_SIDE:
        raise ExplainerInputError(f"The image is {full_w}x{full_h} pixels; at least {MIN_SIDE}x{MIN_SIDE} is needed.")
    if max(h, w) > MAX_SIDE:
        scale = MAX_SIDE / max(h, w)
        arr = np.asarray(Image.fromarray(arr).resize((int(w * scale), int(h * scale))))
    if (full_w, full_h) != (arr.shape[1], arr.shape[0]):
        notes.append(f"The image was {full_w}x{full_h} pixels; it was shrunk to {arr.shape[1]}x{arr.shape[0]}.")
    return np.ascontiguousarray(arr), notes


def default_preprocess(size: int = 224, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)) -> Callable:
    """Resize to size x size and normalise: HxWx3 uint8 -> 3xHxW float tensor."""
    import torch
    from PIL import Image

    mean_t = torch.tensor(mean, dtype=torch.float32).reshape(3, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).reshape(3, 1, 1)

    def preprocess(img: np.ndarray):
        resized = np.asarray(Image.fromarray(img).resize((size, size), Image.BILINEAR), dtype=np.float32) / 255.0
        return (torch.from_numpy(resized).permute(2, 0, 1) - mean_t) / std_t

    return preprocess


class TorchImagePredictor(Predictor):
    kind = "image"

    @property
    def torch(self) -> Any:
        # The module, not an attribute: a predictor is pickled whole into worker processes
        # (service/evidence_workers.py), and a module cannot be pickled.
        import torch

        return torch

    def __init__(self, model: Any, class_names: list[str] | None = None, preprocess: Callable | None = None,
                 batch_size: int = 32):
        import torch

        # channels-last runs CPU convolutions (depthwise ones above all) about 1.6x faster here;
        # the numbers are the same, only the memory layout of the weights changes.
        self.model = model.eval().to(memory_format=torch.channels_last)
        self.preprocess = preprocess or default_preprocess()
        self.batch_size = batch_size
        with torch.inference_mode():
            n_out = int(self.model(self.preprocess(np.zeros((32, 32, 3), np.uint8))[None]).shape[-1])
        if class_names is None:
            class_names = [f"class {i}" for i in range(n_out)]
        if len(class_names) != n_out:
            raise ExplainerInputError(f"class_names has {len(class_names)} names but the model outputs {n_out} scores.")
        self.class_names = [str(c) for c in class_names]

    def batch(self, images: list[np.ndarray]):
        """The N x C x H x W tensor the model sees for these images (channels-last in memory)."""
        torch = self.torch
        return torch.stack([self.preprocess(im) for im in images]).contiguous(memory_format=torch.channels_last)

    def predict_proba(self, images: list[np.ndarray]) -> np.ndarray:
        torch = self.torch
        out = []
        with torch.inference_mode():
            for i in range(0, len(images), self.batch_size):
                batch = self.batch(images[i : i + self.batch_size])
                out.append(torch.softmax(self.model(batch).float(), dim=-1).numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.class_names)))
