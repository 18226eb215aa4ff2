"""The embedded demos, each loaded with no network access: a model, what it needs, its samples.

A demo is the parts an explainer is built from, not the explainer: ``Explainer.demo(name)`` builds
(and keeps) it from ``load(name)``. So this package imports nothing above the models, and the facade
is the one place that knows how an Explainer is made (tests/test_layers.py holds the order).

>>> sample_names("image")[:2], sample_names("loan")
(['chelsea', 'coffee'], [])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NAMES = ("loan", "house", "text", "image")


@dataclass(frozen=True)
class DemoParts:
    """What ``Explainer.demo`` builds a demo explainer from."""

    kind: str  # "tabular" | "text" | "image": which Explainer.from_* constructor takes the parts
    model: Any  # a fitted scikit-learn model, a Hugging Face model directory, or a torch module
    options: dict[str, Any]  # that constructor's other keyword arguments
    name: str  # the explainer's display name
    info: dict[str, Any]  # added to Explainer.info: metrics, class aliases, counterfactual defaults
    samples: dict[str, Callable[[], Any]] = field(default_factory=dict)  # name -> loads that input


def load(name: str) -> DemoParts:
    """The parts of the demo ``name`` ("loan", "house", "text" or "image"), trained or read on first use."""
    if name not in NAMES:
        raise ValueError(f"There is no demo {name!r}. Demos: {', '.join(NAMES)}.")
    return {"loan": loan, "house": house, "text": text, "image": image}[name]()


def sample_names(name: str) -> list[str]:
    """The named sample inputs a demo comes with, without loading its model (for a picker)."""
    if name == "image":
        from .image_model import SAMPLE_PHOTOS

        return list(SAMPLE_PHOTOS)
    return []


def loan() -> DemoParts:
    from .loan_model import (
        COUNTERFACTUAL_DEFAULTS,
        DESCRIPTIONS,
        PROTECTED,
        TARGET,
        load_credit_data,
        train_loan_model,
    )

    data = load_credit_data()
    model, metrics = train_loan_model(data)
    # How people name the classes in a chat: the lender's "bad" is a denial.
    aliases = {"bad": ["denied", "deny", "rejected", "declined", "refused", "turned down"],
               "good": ["approved", "approve", "accepted", "granted", "approval"]}
    return DemoParts("tabular", model, {"data": data, "target": TARGET, "descriptions": DESCRIPTIONS, "row_noun": "applicants",
                                        "protected": PROTECTED, "positive_class": "good"},
                     "loan (gradient-boosted trees on modeldata::credit_data)",
                     {"metrics": metrics, "counterfactual_defaults": COUNTERFACTUAL_DEFAULTS, "class_aliases": aliases})


def house() -> DemoParts:
    from .house_model import (
        COUNTERFACTUAL_DEFAULTS,
        DESCRIPTIONS,
        TARGET,
        load_ames,
        train_house_model,
    )

    data = load_ames()
    model, metrics = train_house_model(data)
    return DemoParts("tabular", model, {"data": data, "target": TARGET, "descriptions": DESCRIPTIONS,
                                        "row_noun": "houses", "unit": "$", "output_name": "price"},
                     "house (gradient-boosted trees on modeldata::ames sale prices)",
                     {"metrics": metrics, "counterfactual_defaults": COUNTERFACTUAL_DEFAULTS})


def text() -> DemoParts:
    import json

    from .text_model import ensure_text_model, text_model_intact

    path = ensure_text_model()
    if not text_model_intact(path):
        # A damaged cache (truncated weights, a broken metrics file): train it again, once.
        import shutil

        shutil.rmtree(path, ignore_errors=True)
        path = ensure_text_model()
    return DemoParts("text", str(path), {}, "text (MiniLM fine-tuned on Amazon fine-food reviews)",
                     {"metrics": json.loads((path / "metrics.json").read_text()),
                      "class_aliases": {"great": ["positive", "good"], "other": ["negative"]}})


def image() -> DemoParts:
    from ..models.image import default_preprocess
    from .image_model import (
        INPUT_SIZE,
        MEAN,
        SAMPLE_PHOTOS,
        STD,
        imagenet_class_names,
        load_efficientnet_lite0,
        sample_photo,
    )

    model = load_efficientnet_lite0()
    options = {"target_layer": model.head_act, "class_names": imagenet_class_names(),
               "preprocess": default_preprocess(INPUT_SIZE, (MEAN,) * 3, (STD,) * 3)}
    samples = {name: functools.partial(sample_photo, name) for name in SAMPLE_PHOTOS}
    return DemoParts("image", model, options, "image (EfficientNet-Lite0, ImageNet)", {}, samples)
