"""Grad-CAM / HiResCAM, regions a sentence can name, heatmap faithfulness, pictures (issue 3)."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.attribution.grad_cam import GradCAM, HiResCAM, default_target_layer
from explainer_nlg.attribution.heatmap_regions import GRID_NAMES_3X3, heat_regions
from explainer_nlg.demos.image_model import sample_photo
from explainer_nlg.pictures import evidence_pictures


@pytest.fixture(scope="module")
def image():
    return Explainer.demo("image")


@pytest.fixture(scope="module")
def evidence(image):
    return {name: image.explain(sample_photo(name)) for name in ("chelsea", "coffee")}


def reference_cam(model, x, target, hires=False):
    """An independent computation: run the demo network's parts by hand (no hooks), take the
    gradient of the class logit w.r.t. the head activation, weigh, ReLU, upsample, scale."""
    a = x
    a = model.stem(a)
    for block in model.blocks:
        a = block(a)
    a = model.head_act(model.head(a)).detach().requires_grad_(True)
    logit = model.fc(model.pool(a).flatten(1))[0, target]
    (g,) = torch.autograd.grad(logit, a)
    cam = (g * a).sum(1) if hires else (g.mean((2, 3), keepdim=True) * a).sum(1)
    cam = F.interpolate(torch.relu(cam)[:, None], size=x.shape[-2:], mode="bilinear", align_corners=False)[0, 0]
    return (cam / cam.max()).detach().numpy()


@pytest.mark.parametrize("method", ["grad-cam", "hires-cam"])
def test_cam_matches_an_independent_reference(image, method):
    img = sample_photo("chelsea")
    target = int(np.argmax(list(image.predict(img).values())))
    ours = image.heatmap(img, method=method)
    ref = reference_cam(image.model, image.preprocess(img)[None], target, hires=method == "hires-cam")
    assert ours.shape == ref.shape == (224, 224)
    assert np.corrcoef(ours.ravel(), ref.ravel())[0, 1] >= 0.99
    assert image.target_layer is image.model.head_act


def test_cams_are_batched_over_images_and_classes(image):
    imgs = [sample_photo("chelsea"), sample_photo("coffee")]
    cam = GradCAM(image.model, image.target_layer)
    batch = torch.stack([image.preprocess(i) for i in imgs])
    together = cam.attribute(batch, [285, 967])  # Egyptian Mau, espresso
    one_by_one = [cam.attribute(batch[i : i + 1], [t])[0] for i, t in enumerate([285, 967])]
    np.testing.assert_allclose(together, np.stack(one_by_one), atol=1e-4)
    classes = cam.attribute_classes(batch[0], [285, 967])
    np.testing.assert_allclose(classes[0], one_by_one[0], atol=1e-4)
    assert not np.allclose(classes[0], classes[1], atol=0.05)  # a different class, a different map


def test_default_target_layer_of_a_user_cnn_and_bad_layers():
    act = torch.nn.ReLU()  # shared: runs twice, so its hook would fire twice; must be skipped
    conv1, conv2 = torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(8, 8, 3, padding=1)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2, self.act, self.fc = conv1, conv2, act, torch.nn.Linear(8, 3)

        def forward(self, x):
            x = self.act(self.conv2(self.act(self.conv1(x))))
            return self.fc(x.mean((2, 3)))

    net = Net().eval()
    assert default_target_layer(net, torch.zeros(1, 3, 16, 16)) is net.conv2
    ex = Explainer.from_torch_image(net, class_names=["a", "b", "c"])
    assert ex.target_layer is net.conv2
    assert Explainer.from_torch_image(net, target_layer="conv1").target_layer is net.conv1
    heat = ex.heatmap(np.random.default_rng(0).integers(0, 255, (40, 40, 3), dtype=np.uint8))
    assert heat.shape == (224, 224) and 0 <= heat.min() and heat.max() <= 1
    with pytest.raises(ExplainerInputError, match="no layer named 'layer9'.*conv2"):
        Explainer.from_torch_image(net, target_layer="layer9")
    with pytest.raises(ExplainerInputError, match="no CAM method 'eigencam'"):
        Explainer.from_torch_image(net, cam_method="eigencam")


def test_hires_cam_equals_grad_cam_after_global_pooling_only():
    """A known identity: with global average pooling right after the layer, the gradient is the
    same at every position, so HiResCAM equals Grad-CAM; with a position-aware head it does not."""
    torch.manual_seed(0)
    x = torch.rand(1, 3, 8, 8)
    gap = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU(),
                              torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(6, 2)).eval()
    np.testing.assert_allclose(GradCAM(gap, gap[1]).attribute(x, 0), HiResCAM(gap, gap[1]).attribute(x, 0), atol=1e-5)
    flat = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU(),
                               torch.nn.Flatten(), torch.nn.Linear(6 * 64, 2)).eval()
    g, h = GradCAM(flat, flat[1]).attribute(x, 0), HiResCAM(flat, flat[1]).attribute(x, 0)
    assert not np.allclose(g, h, atol=0.05)


def test_image_evidence_carries_heatmap_regions_and_faithfulness(evidence):
    for name, ev in evidence.items():
        d = json.loads(ev.to_json())
        heat = np.array(d["heatmap"])
        assert heat.ndim == 2 and heat.min() >= 0 and heat.max() <= 1 and heat.max() > 0.99
        regions = d["regions"]
        assert set(regions["grid"]) == set(GRID_NAMES_3X3)
        assert sum(regions["grid"].values()) == pytest.approx(1.0)
        h, w = d["input"]["image"]["height"], d["input"]["image"]["width"]
        x0, y0, x1, y1 = regions["hottest"]["box"]
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        assert regions["agreement"]["grad_cam_top"] in GRID_NAMES_3X3
        f = d["faithfulness"]
        # Grad-CAM must beat a random map of the same coarseness on both curves.
        assert f["deletion_auc"] < f["deletion_auc_random"], name
        assert f["insertion_auc"] > f["insertion_auc_random"], name
        assert ev.efficiency_gap() < 1e-6 and len(ev.attributions) == 9  # float32 model, batches differ


def test_the_cats_face_is_hot_in_chelsea(image, evidence):
    ev = evidence["chelsea"]
    img = sample_photo("chelsea")
    h, w = img.shape[:2]
    from explainer_nlg.attribution.heatmap_faithfulness import resize_map

    heat = resize_map(np.array(ev.heatmap, np.float32), (h, w))
    # the face fills the middle of the photo (eyes at about a third of the height); the frame is sofa and fur
    face = heat[int(0.15 * h) : int(0.8 * h), int(0.2 * w) : int(0.75 * w)].mean()
    frame = np.concatenate([heat[:, : int(0.1 * w)].ravel(), heat[:, int(0.9 * w) :].ravel()]).mean()
    assert face > 2 * frame
    assert image.class_names.index(ev.target_label) in range(281, 286)


def test_regions_of_synthetic_maps_and_foreground():
    heat = np.zeros((90, 120))
    heat[0:30, 80:120] = 1.0
    r = heat_regions(heat)
    assert max(r["grid"], key=r["grid"].get) == "top right" and r["hottest"]["box"] == [80, 0, 120, 30]
    assert r["hottest"]["area_share"] == pytest.approx(40 * 30 / (90 * 120))
    # A red disc on a grey background: the estimate finds the disc, and heat on the disc is "on the object".
    img = np.full((120, 120, 3), 128, np.uint8)
    yy, xx = np.mgrid[:120, :120]
    disc = (yy - 60) ** 2 + (xx - 60) ** 2 < 30**2
    img[disc] = (220, 30, 30)
    on = heat_regions(disc.astype(float), img)["foreground"]
    off = heat_regions((~disc).astype(float), img)["foreground"]
    assert on["on_object"] and on["heat_share"] > 0.95 and 0.15 < on["area_share"] < 0.35
    assert not off["on_object"]
    assert heat_regions(np.zeros((30, 30)))["hottest"] is None


def test_disagreement_between_methods_is_said(image):
    from explainer_nlg.attribution.shapley_estimators import ShapleyResult

    att = image._attributor
    prepared = att.prepare(sample_photo("chelsea"))
    target = 285
    values = np.zeros(9)
    values[GRID_NAMES_3X3.index("bottom right")] = 0.5  # pretend region Shapley ranks a corner first
    more = att.more_evidence(prepared, target, ShapleyResult(values, 0.0, 0.5, 0, 0.0, "test"))
    assert more["regions"]["agreement"] == {"grad_cam_top": "centre", "shapley_top": "bottom right", "agree": False}
    assert any("disagree" in n and "bottom right" in n for n in more["notes"])


def test_pictures(evidence, tmp_path):
    img = sample_photo("chelsea")
    paths = evidence_pictures(evidence["chelsea"], img, tmp_path)
    from PIL import Image

    overlay = np.asarray(Image.open(paths["overlay"]), float)
    assert overlay.shape == img.shape
    grid = np.asarray(Image.open(paths["grid"]))
    assert grid.shape == img.shape and not np.array_equal(grid, img)



def test_image_bad_inputs_get_messages(image, tmp_path):
    not_image = tmp_path / "notes.txt"
    not_image.write_text("hello")
    with pytest.raises(ExplainerInputError, match="not a readable image"):
        image.heatmap(str(not_image))
    with pytest.raises(ExplainerInputError, match="There is no class 'unicorn'"):
        image.heatmap(sample_photo("coffee"), target="unicorn")
    with pytest.raises(ExplainerInputError, match="no CAM method"):
        image.heatmap(sample_photo("coffee"), method="scorecam")
    with pytest.raises(ExplainerInputError, match="has no image model"):
        Explainer.demo("loan").heatmap(sample_photo("coffee"))
    gray = (np.asarray(sample_photo("coffee")).mean(2)).astype(np.uint8)
    ev = image.explain(gray, budget=16)
    assert any("grayscale" in n for n in ev.notes) and ev.heatmap is not None
