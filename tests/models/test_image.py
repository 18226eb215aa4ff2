
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


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_the_note_names_its_real_size(tmp_path):
    """A JPEG larger than MAX_SIDE is decoded at 1/2, 1/4 or 1/8 of its size by the codec itself (a
    tenth of the CPU for a 6000x6000 photo), since it is shrunk to MAX_SIDE anyway; what the model
    sees barely differs from decoding it whole, and the note still gives the size the user sent."""
    from explainer_nlg.models.image import MAX_SIDE, _decoded, load_image

    ramp = np.linspace(0, 255, 4000, dtype=np.float32)
    photo = np.stack([np.add.outer(ramp[:3000] * 0.5, ramp * 0.5)] * 3, axis=-1).astype(np.uint8)
    path = tmp_path / "big.jpg"
    Image.fromarray(photo).save(path, quality=90)

    decoded = _decoded(path, "big.jpg")
    assert decoded.size == (2000, 1500)  # the codec's 1/2 scale: the smallest that covers 1024 a side
    assert decoded.info["full_size"] == (4000, 3000)
    arr, notes = load_image(str(path))
    assert arr.shape == (768, MAX_SIDE, 3)
    assert notes == ["The image was 4000x3000 pixels; it was shrunk to 1024x768."]
    whole = np.asarray(Image.open(path).convert("RGB").resize((MAX_SIDE, 768)), dtype=int)
    assert np.abs(whole - arr.astype(int)).mean() < 1.0

    png = tmp_path / "big.png"  # a format with no reduced decoding: decoded whole, as before
    Image.fromarray(photo).save(png)
    assert _decoded(png, "big.png").size == (4000, 3000)
    assert load_image(str(png))[1] == ["The image was 4000x3000 pixels; it was shrunk to 1024x768."]
