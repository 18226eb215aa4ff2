"""The public entry point: build an Explainer for a model, then ``explain`` inputs.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> df = pd.DataFrame({"income": [1, 2, 3, 4, 5, 6], "debt": [6, 5, 4, 3, 2, 1],
...                    "ok": ["no", "no", "no", "yes", "yes", "yes"]})
>>> model = LogisticRegression().fit(df[["income", "debt"]], df["ok"])
>>> ex = Explainer.from_sklearn(model, df, target="ok")
>>> ev = ex.explain(5)                      # the row with id 5
>>> ev.predicted_label, ev.method
('yes', 'exact (per-reference enumeration)')
>>> abs(sum(a.contribution for a in ev.attributions) - (ev.target_probability - ev.base_value)) < 1e-9
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .attribution.base import Attributor
from .attribution.game import Game
from .errors import ExplainerInputError
from .evidence import Evidence

DEMOS = ("loan", "text", "image")


class Explainer:
    """Explains one model's predictions. Build it with ``demo`` or a ``from_*`` constructor."""

    def __init__(self, attributor: Attributor, *, name: str = "", info: dict | None = None):
        self._attributor = attributor
        self.name = name
        self.info = dict(info or {})

    # ---- constructors -------------------------------------------------------------------------

    @classmethod
    def demo(cls, name: str) -> Explainer:
        """A ready explainer for an embedded demo: "loan", "text" or "image" (all offline)."""
        from . import demos

        key = str(name).strip().lower()
        if key not in DEMOS:
            raise ExplainerInputError(f"There is no demo {name!r}. Demos: {', '.join(DEMOS)}.")
        return getattr(demos, f"{key}_explainer")()

    @classmethod
    def from_sklearn(cls, model: Any, data: pd.DataFrame, target: str | None = None,
                     class_names: list[str] | None = None, descriptions: dict[str, str] | None = None,
                     background_rows: int = 100) -> Explainer:
        """A fitted scikit-learn classifier or pipeline that takes a DataFrame.

        ``data``: rows the model can be asked about (its index is the row id), optionally with the
        ``target`` column, which is not a feature. The rest of the columns are the features, unless
        the model records its own (``feature_names_in_``).
        """
        from .attribution.tabular_evidence import TabularAttributor
        from .models.tabular import SklearnPredictor

        if not isinstance(data, pd.DataFrame) or data.empty:
            raise ExplainerInputError("data must be a non-empty pandas DataFrame of rows.")
        if target is not None and target not in data.columns:
            raise ExplainerInputError(f"There is no target column {target!r} in the data.")
        features = [str(c) for c in getattr(model, "feature_names_in_", [c for c in data.columns if c != target])]
        missing = [f for f in features if f not in data.columns]
        if missing:
            raise ExplainerInputError(f"The model expects column(s) the data lacks: {', '.join(missing)}.")
        predictor = SklearnPredictor(model, features, class_names)
        info = {"kind": "tabular", "features": features, "target": target,
                "descriptions": dict(descriptions or {}), "rows": int(len(data))}
        return cls(TabularAttributor(predictor, data, background_rows), name=type(model).__name__, info=info)

    @classmethod
    def from_transformers(cls, model_or_path_or_pipeline: Any, tokenizer: Any = None,
                          class_names: list[str] | None = None) -> Explainer:
        """A Hugging Face sequence classifier: a local directory, a (model, tokenizer) pair, or a pipeline."""
        from .attribution.text_evidence import TextAttributor
        from .models.text import TransformersPredictor

        predictor = TransformersPredictor.load(model_or_path_or_pipeline, tokenizer, class_names)
        return cls(TextAttributor(predictor), name=type(predictor.model).__name__,
                   info={"kind": "text", "max_tokens": predictor.max_length})

    @classmethod
    def from_torch_image(cls, model: Any, target_layer: Any = None, class_names: list[str] | None = None,
                         preprocess: Callable | None = None) -> Explainer:
        """A torch image classifier; ``preprocess`` maps an HxWx3 uint8 array to the CxHxW tensor it sees."""
        from .attribution.region_shapley import RegionAttributor
        from .models.image import TorchImagePredictor

        predictor = TorchImagePredictor(model, class_names, preprocess)
        ex = cls(RegionAttributor(predictor), name=type(model).__name__, info={"kind": "image"})
        ex.target_layer = target_layer
        return ex

    # ---- use ----------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self._attributor.kind

    @property
    def class_names(self) -> list[str]:
        return list(self._attributor.class_names)

    @property
    def predictor(self):
        return self._attributor.predictor

    def predict(self, x: Any) -> dict[str, float]:
        """Class probabilities for one input."""
        prepared = self._attributor.prepare(x)
        probs = self.predictor.predict_proba(prepared.batch1)[0]
        return {c: float(p) for c, p in zip(self.class_names, probs)}

    def explain(self, x: Any, target: Any = None, budget: int | None = None) -> Evidence:
        """Evidence for the prediction on ``x`` (toward ``target``, default: the predicted class).

        ``x``: a row id or row (dict/Series/one-row DataFrame) for tabular models, a string for
        text models, an image (path, PIL image, HxWx3 array) for image models. ``budget``: the
        most model calls the Shapley values may spend (default: exact where affordable, otherwise
        sampling until the top contributions are stable).
        """
        return self._attributor.explain(x, target, budget)

    def narrate(self, evidence: Evidence, audience: str = "customer", llm: Any = None,
                focus: str = "why"):
        """A plain-language Answer for ``evidence`` (see ``explainer_nlg.narrate.narrate``).

        >>> ex = Explainer.demo("loan")
        >>> ex.narrate(ex.explain(17, budget=200)).sentences[0].status
        'template'
        """
        from .narrate import narrate

        return narrate(evidence, audience, llm=llm, focus=focus,
                       descriptions=self.info.get("descriptions") or None)

    def explain_text(self, x: Any, audience: str = "customer", llm: Any = None, target: Any = None):
        """Explain ``x`` and narrate it in one call: returns the Answer (its ``.evidence`` too)."""
        return self.narrate(self.explain(x, target), audience, llm=llm)

    def game(self, x: Any, target: Any = None) -> Game:
        """The cooperative game ``explain`` computes Shapley values for (target: default predicted).

        >>> import numpy as np
        >>> from explainer_nlg.attribution.shapley import exact_shapley
        >>> ex = Explainer.demo("loan")
        >>> g = ex.game(17)
        >>> g.player_names[:3]
        ['Seniority', 'Home', 'Time']
        >>> g.value(np.ones((1, g.n_players), bool)).round(4).tolist() == [round(ex.explain(17).target_probability, 4)]
        True
        """
        att = self._attributor
        prepared = att.prepare(x)
        probs = self.predictor.predict_proba(prepared.batch1)[0]
        return att.game_for(prepared, att.target_index(probs, target))

    def rows(self) -> pd.DataFrame:
        """The rows a tabular explainer was given (with their ids as index)."""
        data = getattr(self._attributor, "data", None)
        if data is None:
            raise ExplainerInputError(f"A {self.kind} explainer has no table of rows.")
        return data

    def __repr__(self) -> str:
        return f"Explainer({self.kind}, {self.name}, classes={self.class_names[:5]}{'...' if len(self.class_names) > 5 else ''})"

