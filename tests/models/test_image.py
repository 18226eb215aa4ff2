
import numpy as np
import pytest
from PIL import Image

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.demos.image_model import sample_photo

# ImageNet ids 281-285 are the domestic cats (tabby, tiger cat, Persian, Siamese, Egyptian Mau).
CAT_IDS = range(281, 286)


@pytest.fixture(scope="module")
def image():
    return Explainer.demo("image")


def test_image_demo_loads_offline_and_sees_the_cat(image):
    probs = image.predict(sample_photo("chelsea"))
    top = max(probs, key=probs.get)
    assert image.class_names.index(top) in CAT_IDS
    assert sum(probs[image.class_names[i]] for i in CAT_IDS) > 0.5


def test_image_region_evidence_is_efficient(image):
    ev = image.explain(sample_photo("coffee"), budget=24)
    assert len(ev.attributions) == 9 and ev.efficiency_gap() < 1e-6  # float32 model
    assert ev.n_evaluations <= 24


def test_image_inputs_converted_with_notes(image, tmp_path):
    rgba = np.zeros((64, 64, 4), np.uint8)
    gray = Image.fromarray(np.full((64, 64), 128, np.uint8))
    path = tmp_path / "gray.png"
    gray.save(path)
    from explainer_nlg.models.image import MAX_SIDE, load_image

    assert "alpha channel" in " ".join(load_image(rgba)[1])
    arr, notes = load_image(str(path))
    assert arr.shape == (64, 64, 3) and "grayscale" in " ".join(notes)
    big, notes = load_image(np.zeros((5000, 100, 3), np.uint8))
    assert max(big.shape) == MAX_SIDE and "shrunk" in " ".join(notes)


def test_image_bad_inputs(image, tmp_path):
    bad = tmp_path / "not.png"
    bad.write_bytes(b"this is not an image")
    with pytest.raises(ExplainerInputError, match="not a readable image"):
        image.explain(str(bad))
    with pytest.raises(ExplainerInputError, match="No image file"):
        image.explain(str(tmp_path / "missing.jpg"))
    with pytest.raises(ExplainerInputError, match="at least 16x16"):
        image.explain(np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ExplainerInputError, match="not int"):
        image.explain(3)
    with pytest.raises(ExplainerInputError, match="There is no class 'spaceship'"):
        image.explain(sample_photo("coffee"), target="spaceship")


def test_unknown_demo():
    with pytest.raises(ExplainerInputError, match="There is no demo 'cars'"):
        Explainer.demo("cars")


def test_every_sample_photo_loads():
    from explainer_nlg.demos.image_model import SAMPLE_PHOTOS

    for name in SAMPLE_PHOTOS:
        img = sample_photo(name)
        assert img.ndim == 3 and img.shape[2] == 3 and img.dtype == np.uint8, name
