"""The Explainer's members for image models: what anyone needs to reproduce and check a heatmap
(the torch module, the layer Grad-CAM hooks, the exact tensor the model sees, the map itself).

These are members of :class:`~explainer_nlg.explainer.Explainer` (kept in their own file so the
facade stays short). Any other explainer says it has no image model:

>>> from explainer_nlg import Explainer
>>> Explainer.demo("loan").target_layer
Traceback (most recent call last):
...
explainer_nlg.errors.ExplainerInputError: A tabular explainer has no image model.
"""

from __future__ import annotations

from typing import Any

from .errors import ExplainerInputError


class ImageViews:
    """Mixed into Explainer; every member needs an image explainer."""

    _attributor: Any
    kind: str
    predictor: Any

    def _image(self):
        if self.kind != "image":
            raise ExplainerInputError(f"A {self.kind} explainer has no image model.")
        return self._attributor

    @property
    def model(self):
        """The torch module (image explainers)."""
        return self._image().predictor.model

    @property
    def target_layer(self):
        """The module Grad-CAM hooks (image explainers)."""
        return self._image().target_layer

    def preprocess(self, image: Any):
        """The exact CxHxW tensor the model sees for ``image`` (a path, PIL image or HxWx3 array)."""
        from .models.image import load_image

        return self._image().predictor.preprocess(load_image(image)[0])

    def heatmap(self, image: Any, target: Any = None, method: str | None = None):
        """The class activation map (HxW at the model's input size, values in [0, 1]) for one image.

        ``method``: "grad-cam" (default) or "hires-cam"; ``target``: a class name or index
        (default: the predicted class).
        """
        att = self._image()
        prepared = att.prepare(image)
        probs = self.predictor.predict_proba(prepared.batch1)[0]
        return att.heatmaps(prepared.batch1, [att.target_index(probs, target)], method)[0]
