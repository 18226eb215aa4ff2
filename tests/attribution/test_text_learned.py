"""The learned text explainer (issue 17 item 1): a head on the classifier's encoder, cached per
model, whose one-pass values are only ever a labelled preview."""

import numpy as np
import pytest

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.attribution import text_learned
from explainer_nlg.attribution.text_game import render, split_words
from explainer_nlg.attribution.text_learned import PREVIEW_LABEL, LearnedTextExplainer

TEXTS = ["These cookies were stale and broken when they arrived.",
         "Best coffee I have had in years, rich and smooth.",
         "The tea tastes like cardboard and the box was crushed.",
         "My dog loves these treats and they are healthy.",
         "Too sweet for me but my kids finished the bag.",
         "Great price, fast shipping, will order again."]


@pytest.fixture(scope="module")
def text():
    return Explainer.demo("text")


@pytest.fixture(scope="module")
def learned(text, tmp_path_factory):
    path = tmp_path_factory.mktemp("head") / "head.safetensors"
    head = LearnedTextExplainer.train(text.predictor, TEXTS, budget_per_word=2, epochs=40, progress=False)
    head.save(path)
    return head, path


def test_preview_adds_up_and_is_labelled(text, learned):
    head, _ = learned
    msg = "The crackers arrived stale and the box was crushed"
    p = head.preview(text.predictor, msg)
    words = split_words(msg)
    assert p.words == [w.text for w in words] and p.label == PREVIEW_LABEL
    full = text.predictor.predict_proba([msg])[0]
    empty = text.predictor.predict_proba([render(msg, words, np.zeros(len(words), bool))])[0]
    for i, c in enumerate(text.class_names):  # efficiency-corrected, for every class
        assert abs(sum(p.values[c]) - (full[i] - empty[i])) < 1e-5
    assert p.target_label == text.class_names[int(np.argmax(full))]
    assert p.seconds > 0


def test_head_round_trips_through_its_cache_file(text, learned):
    head, path = learned
    again = LearnedTextExplainer.load(text.predictor, path)
    msg = "Lovely smooth tea"
    assert np.allclose(again.preview(text.predictor, msg).for_target(),
                       head.preview(text.predictor, msg).for_target(), atol=1e-6)
    assert again.meta["texts"] == len(TEXTS)


def test_stale_head_is_never_used(text, learned, monkeypatch):
    _, path = learned
    monkeypatch.setattr(text_learned, "model_hash", lambda predictor: "f" * 64)  # the model changed
    assert LearnedTextExplainer.load(text.predictor, path) is None


def test_learn_explainer_trains_once_then_reads_the_cache(text, monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLAINER_NLG_CACHE", str(tmp_path))
    monkeypatch.setattr(text, "_learned", None, raising=False)
    with pytest.raises(ExplainerInputError, match="no learned explainer"):
        text.preview("Lovely smooth tea")
    real_train = LearnedTextExplainer.train.__func__
    monkeypatch.setattr(LearnedTextExplainer, "train", classmethod(
        lambda cls, p, texts, **kw: real_train(cls, p, texts[:4], budget_per_word=2, epochs=5, progress=False)))
    meta = text.learn_explainer(TEXTS, progress=False)
    assert meta["texts"] == 4 and list(tmp_path.glob("text-explainers/*.safetensors"))

    def no_training(*a, **k):
        raise AssertionError("trained again")

    monkeypatch.setattr(LearnedTextExplainer, "train", classmethod(no_training))
    assert text.learn_explainer(TEXTS, progress=False) == meta
    text._learned = None
    assert text.preview("Lovely smooth tea").label == PREVIEW_LABEL  # read back from the cache


def test_preview_says_when_a_text_is_far_from_the_training_texts(text, learned):
    head, path = learned
    far = LearnedTextExplainer.load(text.predictor, path)
    far.radius = 0.0  # every text is now farther than the training texts were
    assert any("unreliable" in n for n in far.preview(text.predictor, "1 2 3 4 5 6").notes)
    far.radius = float("inf")
    assert not far.preview(text.predictor, "1 2 3 4 5 6").notes


def test_learned_explainer_bad_inputs(text, monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLAINER_NLG_CACHE", str(tmp_path))
    with pytest.raises(ExplainerInputError, match="list of texts"):
        text.learn_explainer("one string")
    with pytest.raises(ExplainerInputError, match="at least 4 texts"):
        text.learn_explainer(["too few", "texts here"], progress=False)
    with pytest.raises(ExplainerInputError, match="text classifiers only"):
        Explainer.demo("loan").learn_explainer(["a b"])
    with pytest.raises(ExplainerInputError, match="text models"):
        Explainer.demo("loan").preview("a b")
