"""The three embedded demos, each loaded with no network access."""

from __future__ import annotations

import functools

from ..errors import ExplainerInputError
from ..explainer import Explainer


@functools.lru_cache(maxsize=1)
def loan_explainer() -> Explainer:
    from .loan_model import (
        COUNTERFACTUAL_DEFAULTS,
        DESCRIPTIONS,
        TARGET,
        load_credit_data,
        train_loan_model,
    )

    data = load_credit_data()
    model, metrics = train_loan_model(data)
    ex = Explainer.from_sklearn(model, data, target=TARGET, descriptions=DESCRIPTIONS)
    ex.name = "loan (gradient-boosted trees on modeldata::credit_data)"
    ex.info["metrics"] = metrics
    ex.info["counterfactual_defaults"] = COUNTERFACTUAL_DEFAULTS
    # How people name the classes in a chat: the lender's "bad" is a denial.
    ex.info["class_aliases"] = {"bad": ["denied", "deny", "rejected", "declined", "refused", "turned down"],
                                "good": ["approved", "approve", "accepted", "granted", "approval"]}
    return ex


@functools.lru_cache(maxsize=1)
def text_explainer() -> Explainer:
    import json

    from .text_model import ensure_text_model

    path = ensure_text_model()
    try:
        ex = Explainer.from_transformers(str(path))
        metrics = json.loads((path / "metrics.json").read_text())
    except (ExplainerInputError, ValueError, OSError):
        # A damaged cache (truncated weights, a broken metrics file): train it again, once.
        import shutil

        shutil.rmtree(path, ignore_errors=True)
        path = ensure_text_model()
        ex = Explainer.from_transformers(str(path))
        metrics = json.loads((path / "metrics.json").read_text())
    ex.name = "text (MiniLM fine-tuned on Amazon fine-food reviews)"
    ex.info["metrics"] = metrics
    ex.info["class_aliases"] = {"great": ["positive", "good"], "other": ["negative"]}
    return ex


@functools.lru_cache(maxsize=1)
def image_explainer() -> Explainer:
    from ..models.image import default_preprocess
    from .image_model import INPUT_SIZE, MEAN, STD, imagenet_class_names, load_efficientnet_lite0

    model = load_efficientnet_lite0()
    ex = Explainer.from_torch_image(model, target_layer=model.head_act, class_names=imagenet_class_names(),
                                    preprocess=default_preprocess(INPUT_SIZE, (MEAN,) * 3, (STD,) * 3))
    ex.name = "image (EfficientNet-Lite0, ImageNet)"
    return ex
