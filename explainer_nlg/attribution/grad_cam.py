"""Class activation maps for torch CNNs: Grad-CAM and HiResCAM behind one ``attribute`` signature.

The shared machinery lives once in ``LayerCAM``; a method overrides ``combine`` only (the
pytorch-grad-cam shape). Unlike pytorch-grad-cam and captum, the forward pass records no autograd
graph before the target layer: parameters are frozen for the call and the layer's output is
re-entered as the one leaf that needs a gradient, so the backward pass covers only the layers
after it (for the default, last layer: pooling and the classifier). Several images and several
target classes go through one forward pass.

>>> import torch
>>> net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(),
...                           torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 2))
>>> cam = GradCAM(net, net[1])
>>> maps = cam.attribute(torch.rand(2, 3, 8, 8), targets=[0, 1])
>>> maps.shape, float(maps.min()) >= 0.0, float(maps.max()) <= 1.0
((2, 8, 8), True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ExplainerInputError


def resolve_layer(model: Any, layer: Any):
    """A module of ``model``: the module itself, or its dotted name (``"layer4"``, ``"features.8"``)."""
    import torch

    if isinstance(layer, torch.nn.Module):
        if not any(m is layer for m in model.modules()):
            raise ExplainerInputError("target_layer is not a module of this model.")
        return layer
    names = dict(model.named_modules())
    if str(layer) not in names:
        convs = [n for n, m in names.items() if isinstance(m, torch.nn.Conv2d)][-3:]
        raise ExplainerInputError(f"The model has no layer named {layer!r}. Its last convolutions: {', '.join(convs)}.")
    return names[str(layer)]


def default_target_layer(model: Any, example: Any):
    """The last module that outputs a spatial (N x C x H x W, H*W > 1) map and runs once per
    forward pass: for a CNN classifier, the last convolutional block before global pooling.

    A module called twice (a shared activation, say) is skipped: its hook would fire for both uses.
    """
    import torch

    calls: dict[int, int] = {}
    order: list[tuple[str, Any]] = []
    hooks = []
    for name, module in model.named_modules():
        if module is model:
            continue

        def hook(mod, _inp, out, name=name):
            calls[id(mod)] = calls.get(id(mod), 0) + 1
            if isinstance(out, torch.Tensor) and out.dim() == 4 and out.shape[2] * out.shape[3] > 1:
                order.append((name, mod))

        hooks.append(module.register_forward_hook(hook))
    try:
        with torch.inference_mode():
            model(example)
    finally:
        for h in hooks:
            h.remove()
    for _name, module in reversed(order):
        if calls[id(module)] == 1:
            return module
    raise ExplainerInputError("Could not find a convolutional layer with a spatial output; pass target_layer.")


class LayerCAM:
    """Base class: hooks ``layer``, takes the class score's gradient w.r.t. its output only.

    ``attribute(inputs, targets)`` returns one map per (input, target) pair, upsampled to the
    input's height and width and scaled to [0, 1] (an all-zero map stays zero).
    """

    name = "layer-cam"

    def __init__(self, model: Any, layer: Any):
        self.model = model.eval()
        self.layer = resolve_layer(model, layer)

    def combine(self, activations, gradients):
        """N x C x h x w activations and gradients -> N x h x w map, before ReLU."""
        raise NotImplementedError

    def raw(self, inputs, targets: Sequence[int]):
        """Low-resolution maps (before ReLU and scaling), the logits, for len(targets) == len(inputs)."""
        import torch

        captured = {}

        def hook(_mod, _inp, out):
            # Re-enter the layer's output as a leaf: the graph starts here.
            leaf = out.detach().requires_grad_(True)
            captured["a"] = leaf
            return leaf.clone()  # a non-leaf copy, so in-place layers after this one still work

        params = [p for p in self.model.parameters() if p.requires_grad]
        handle = self.layer.register_forward_hook(hook)
        try:
            for p in params:
                p.requires_grad_(False)
            with torch.enable_grad():
                logits = self.model(inputs)
                idx = torch.as_tensor(list(targets), dtype=torch.long)
                score = logits.gather(1, idx[:, None]).sum()
                grads = torch.autograd.grad(score, captured["a"])[0]
        finally:
            handle.remove()
            for p in params:
                p.requires_grad_(True)
        acts = captured["a"].detach()
        return self.combine(acts, grads), logits.detach()

    def attribute(self, inputs, targets: Sequence[int] | int | None = None):
        """Maps for a batch: ``targets`` one class per input (an int: the same for all; None:
        each input's top class). Returns an N x H x W float32 numpy array in [0, 1]."""
        import torch
        import torch.nn.functional as F

        n = inputs.shape[0]
        if targets is None:
            with torch.inference_mode():
                targets = self.model(inputs).argmax(1).tolist()
        elif isinstance(targets, (int, np.integer)):
            targets = [int(targets)] * n
        if len(targets) != n:
            raise ExplainerInputError(f"{len(targets)} targets for {n} inputs; give one per input.")
        maps, _ = self.raw(inputs, targets)
        maps = torch.relu(maps)[:, None]
        maps = F.interpolate(maps, size=tuple(inputs.shape[-2:]), mode="bilinear", align_corners=False)[:, 0]
        peak = maps.flatten(1).max(1).values.clamp_min(1e-12)[:, None, None]
        return (maps / peak).clamp(0, 1).numpy().astype(np.float32)

    def attribute_classes(self, image, targets: Sequence[int]):
        """Several target classes for one input (CxHxW tensor), in one forward pass."""
        batch = image[None].expand(len(targets), *image.shape)
        return self.attribute(batch, list(targets))


class GradCAM(LayerCAM):
    """Grad-CAM (Selvaraju et al. 2017): channel weights are the spatial mean of the gradient."""

    name = "grad-cam"

    def combine(self, activations, gradients):
        weights = gradients.mean(dim=(2, 3), keepdim=True)
        return (weights * activations).sum(1)


class HiResCAM(LayerCAM):
    """HiResCAM (Draelos & Carin 2020): gradient times activation, element-wise, summed over
    channels; unlike Grad-CAM it keeps where in the map the gradient was large."""

    name = "hires-cam"

    def combine(self, activations, gradients):
        return (gradients * activations).sum(1)


CAM_METHODS = {"grad-cam": GradCAM, "hires-cam": HiResCAM}


def cam_method(name: str) -> str:
    """``name`` if it is a CAM method, else a message that lists them."""
    if name not in CAM_METHODS:
        raise ExplainerInputError(f"There is no CAM method {name!r}. Methods: {', '.join(CAM_METHODS)}.")
    return name
