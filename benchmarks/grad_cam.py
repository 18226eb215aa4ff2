"""Grad-CAM speed and agreement: ours against captum's LayerGradCam on the same layer. Run by hand:

    pip install -e ".[bench]"        # captum
    python benchmarks/grad_cam.py [--repeats 30]

On one 224x224 sample photo with the demo EfficientNet-Lite0, interleaving the methods in one run
(so machine noise hits all alike), it prints median wall times of:

* the floor: one plain forward pass (no autograd) plus the layer-only backward pass (the
  gradient of the class logit w.r.t. the target layer's output, through the layers after it);
* ours (``GradCAM.attribute``: map upsampled to 224x224 and scaled to [0, 1]);
* captum ``LayerGradCam(model, layer).attribute(x, target)`` plus the same ReLU/upsample/scale;

and the correlation between our map and captum's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main():
    import torch
    import torch.nn.functional as F
    from captum.attr import LayerGradCam

    from explainer_nlg import Explainer
    from explainer_nlg.attribution.grad_cam import GradCAM
    from explainer_nlg.demos.image_model import sample_photo

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--photo", default="chelsea")
    args = ap.parse_args()
    torch.set_num_threads(2)

    ex = Explainer.demo("image")
    model, layer = ex.model, ex.target_layer
    x = ex.predictor.batch([np.asarray(sample_photo(args.photo))])
    with torch.inference_mode():
        target = int(model(x).argmax(1))
    ours = GradCAM(model, layer)
    captum = LayerGradCam(model, layer)

    def floor():
        with torch.no_grad():
            model(x)
        # the layer-only backward: from the layer's output through the layers after it
        a = captured["a"].detach().requires_grad_(True)
        logit = model.fc(model.pool(a).flatten(1))[0, target]
        torch.autograd.grad(logit, a)

    captured = {}
    hook = layer.register_forward_hook(lambda m, i, o: captured.__setitem__("a", o.clone()))
    floor()  # fills captured["a"]

    def run_captum():
        with torch.enable_grad():
            m = captum.attribute(x, target=target)
        m = F.interpolate(torch.relu(m), size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
        return (m / m.flatten(1).max(1).values.clamp_min(1e-12)[:, None, None]).detach().numpy()

    def run_ours():
        return ours.attribute(x, [target])

    methods = {"floor (forward + layer-only backward)": floor, "ours (GradCAM)": run_ours,
               "captum LayerGradCam": run_captum}
    times = {name: [] for name in methods}
    for fn in methods.values():  # warm-up
        fn()
    names = list(methods)
    for r in range(args.repeats):
        for name in names[r % 3 :] + names[: r % 3]:  # rotate the order: no method always runs first
            fn = methods[name]
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    hook.remove()
    med = {name: statistics.median(v) for name, v in times.items()}
    for name, m in med.items():
        print(f"{name:<40} median {m * 1000:7.1f} ms over {args.repeats} runs")
    f, o, c = med.values()
    corr = np.corrcoef(run_ours().ravel(), run_captum().ravel())[0, 1]
    print(f"ours / floor {o / f:.2f}x (goal <= 1.5x); captum / ours {c / o:.2f}x (goal >= 1.0x); "
          f"map correlation ours vs captum {corr:.4f} (goal >= 0.99)")


if __name__ == "__main__":
    main()
