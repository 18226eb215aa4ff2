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

The constructors (from_sklearn, from_transformers, from_torch_image, demo) and the per-input
methods are the public surface a reader looks for here; each method hands its work to the
attributor of the input's kind (what_if, counterfactuals) or to the narration. Table views, image
members and batch runs live in explainer_views.py, explainer_image.py and explainer_batch.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from .attribution.attributor import Attributor
from .attribution.game import Game
from .demos import NAMES as DEMOS  # "loan", "house", "text", "image"
from .errors import ExplainerInputError, resolve_class
from .evidence import Evidence
from .evidence.changes import CounterfactualSet, WhatIf
from .explainer_image import ImageViews
from .explainer_views import TabularViews
from .narrate.amounts import unit_of
from .narrate.views.phrases import plural

_CONSTRUCTORS = {"tabular": "from_sklearn", "text": "from_transformers", "image": "from_torch_image"}


class Explainer(TabularViews, ImageViews):
    """Explains one model's predictions. Build it with ``demo`` or a ``from_*`` constructor.

    Tabular explainers also answer questions about the data (``explainer_views.TabularViews``):
    ``effect``, ``compare``, ``cohort``, ``similar``, ``decision_path``, ``local_rule``, ``surrogate``;
    image explainers give their model, layer, tensor and heatmap (``explainer_image.ImageViews``).

    ``samples`` names inputs that come with the explainer (the image demo's photos): name ->
    a function that loads the input; see ``sample_names`` and ``sample``.
    """

    def __init__(self, attributor: Attributor, *, name: str = "", info: dict | None = None,
                 samples: dict[str, Callable[[], Any]] | None = None):
        self._attributor = attributor
        self.name = name
        self.info = dict(info or {})
        self.samples: dict[str, Callable[[], Any]] = dict(samples or {})
        self._loaded_samples: dict[str, Any] = {}

    # ---- constructors -------------------------------------------------------------------------

    @classmethod
    def demo(cls, name: str) -> Explainer:
        """A ready explainer for an embedded demo: "loan", "house" (a regressor), "text" or "image" (all offline). Built
        once per process: every call returns the same explainer."""
        return _demo(_demo_key(name))

    @staticmethod
    def demo_sample_names(name: str) -> list[str]:
        """The sample inputs a demo comes with, without loading its model (for a picker).

        >>> Explainer.demo_sample_names("image")[0]
        'chelsea'
        """
        from . import demos

        return demos.sample_names(_demo_key(name))

    @classmethod
    def from_sklearn(cls, model: Any, data: pd.DataFrame, target: str | None = None,
                     class_names: list[str] | None = None, descriptions: dict[str, str] | None = None,
                     background_rows: int = 100, protected: list[str] | None = None,
                     positive_class: str | None = None, unit: str | None = None,
                     output_name: str | None = None, row_noun: str = "rows") -> Explainer:
        """A fitted scikit-learn classifier or regressor, or a pipeline ending in one, that takes a
        DataFrame.

        ``data``: rows the model can be asked about (its index is the row id), optionally with the
        ``target`` column, which is not a feature. The rest of the columns are the features, unless
        the model records its own (``feature_names_in_``). ``protected``: features that must never
        be a reason to change (counterfactuals keep them fixed; fairness answers name them).
        ``positive_class``: the favourable class that rates count (default: for two classes, the
        second, as scikit-learn orders them). ``class_names`` (default: the model's classes, or
        the names the target's description codes them with, "1=survived or 0=died"). ``row_noun``: what a row is, plural, as answers should
        say it ("applicants", "patients", "stores"; default "rows").

        Regressors (anything scikit-learn tags as one, or a model with ``predict`` and no
        ``predict_proba``): ``unit`` is the unit of the prediction, as people should read it ("$",
        "points", "kg"; default unnamed), and ``output_name`` what it is ("price"; default the
        ``target`` column's name, else "prediction"). Evidence is then in that unit: the predicted
        value, the average prediction as base value, contributions that add up to the difference.

        >>> from sklearn.tree import DecisionTreeRegressor
        >>> houses = pd.DataFrame({"rooms": [2, 3, 4, 5, 6], "price": [100.0, 150.0, 210.0, 260.0, 330.0]})
        >>> ex = Explainer.from_sklearn(DecisionTreeRegressor().fit(houses[["rooms"]], houses["price"]),
        ...                             houses, target="price", unit="$")
        >>> ev = ex.explain(4)
        >>> ev.output_kind, ev.predicted_label, ev.prediction, ev.unit, ev.base_value
        ('regression', 'price', 330.0, '$', 210.0)
        """
        from .attribution.tabular_attributor import TabularAttributor
        from .models.tabular import SklearnPredictor, SklearnRegressor, is_regressor

        if not isinstance(data, pd.DataFrame) or data.empty:
            raise ExplainerInputError("data must be a non-empty pandas DataFrame of rows.")
        if target is not None and target not in data.columns:
            raise ExplainerInputError(f"There is no target column {target!r} in the data.")
        features = [str(c) for c in getattr(model, "feature_names_in_", [c for c in data.columns if c != target])]
        missing = [f for f in features if f not in data.columns]
        if missing:
            raise ExplainerInputError(f"The model expects column(s) the data lacks: {', '.join(missing)}.")
        codes: dict[str, str] = {}  # a coded target's codes, by the names the description gives them
        if is_regressor(model):
            if class_names is not None or positive_class is not None:
                raise ExplainerInputError(f"{type(model).__name__} predicts a number, so it takes no class_names "
                                          "or positive_class (name the output with output_name=, its unit with unit=).")
            if unit is None and target is not None:
                unit = unit_of(str((descriptions or {}).get(target) or ""))  # "price in US dollars": "$"
            predictor = SklearnRegressor(model, features, output_name or target or "prediction", unit)
        else:
            if unit is not None or output_name is not None:
                raise ExplainerInputError(f"{type(model).__name__} is a classifier: its outputs are class "
                                          "probabilities, so it takes no unit or output_name.")
            predictor = SklearnPredictor(model, features, class_names)
            coded = None if class_names is not None else coded_class_names(
                predictor.class_names, str((descriptions or {}).get(target) or ""), row_noun)
            if coded:  # "1=patient survived to discharge or 0=patient died": answers say "died", not "0"
                # (the chat still reads the codes the data has, "school F" for "sixteenth century")
                codes = {str(name): str(code) for name, code in zip(coded, predictor.class_names)}
                predictor = SklearnPredictor(model, features, coded)
        unknown = [f for f in protected or [] if f not in features]
        if unknown:
            raise ExplainerInputError(f"protected names {', '.join(map(repr, unknown))}, which "
                                      f"{'is not a feature' if len(unknown) == 1 else 'are not features'}. "
                                      f"Features: {', '.join(features)}.")
        if positive_class is not None:
            positive_class = predictor.class_names[resolve_class(positive_class, predictor.class_names)]
        info = {"kind": "tabular", "features": features, "target": target,
                "descriptions": dict(descriptions or {}), "rows": int(len(data)),
                "protected": sorted(protected or []), "positive_class": positive_class,
                "output_kind": predictor.output_kind, "unit": predictor.unit,
                "row_noun": _row_noun(row_noun), "class_codes": codes}
        return cls(TabularAttributor(predictor, data, background_rows), name=type(model).__name__, info=info)

    @classmethod
    def from_transformers(cls, model_or_path_or_pipeline: Any, tokenizer: Any = None,
                          class_names: list[str] | None = None, unit: str | None = None,
                          output_name: str | None = None) -> Explainer:
        """A Hugging Face sequence classifier: a local directory, a (model, tokenizer) pair, or a pipeline.

        A regression head (``num_labels=1`` or ``problem_type="regression"``) is explained in its
        own unit: ``unit`` ("stars", "points"; default unnamed) and ``output_name`` ("rating";
        default the model's label name, else "score")."""
        from .attribution.text_attributor import TextAttributor
        from .models.text import TransformersPredictor

        predictor = TransformersPredictor.load(model_or_path_or_pipeline, tokenizer, class_names,
                                               unit=unit, output_name=output_name)
        return cls(TextAttributor(predictor), name=type(predictor.model).__name__,
                   info={"kind": "text", "max_tokens": predictor.max_length,
                         "output_kind": predictor.output_kind, "unit": predictor.unit})

    @classmethod
    def from_torch_image(cls, model: Any, target_layer: Any = None, class_names: list[str] | None = None,
                         preprocess: Callable | None = None, cam_method: str = "grad-cam") -> Explainer:
        """A torch image classifier (a CNN for the heatmap; region Shapley values work for any).

        ``preprocess`` maps an HxWx3 uint8 array to the CxHxW tensor the model sees (default:
        224x224, ImageNet normalisation). ``target_layer``: the module (or its dotted name) whose
        output Grad-CAM weighs; default: the last layer with a spatial output that runs once per
        forward pass, i.e. the last convolutional block. ``cam_method``: "grad-cam" or "hires-cam".
        """
        from .attribution.grad_cam import cam_method as checked_cam_method
        from .attribution.image_attributor import ImageAttributor
        from .models.image import TorchImagePredictor

        checked_cam_method(cam_method)  # before the model is probed: a bad name fails fast
        predictor = TorchImagePredictor(model, class_names, preprocess)
        return cls(ImageAttributor(predictor, target_layer, cam_method), name=type(model).__name__,
                   info={"kind": "image"})

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

    @property
    def sample_names(self) -> list[str]:
        """The names of the sample inputs this explainer comes with (``[]`` for most)."""
        return list(self.samples)

    def sample(self, name: str) -> Any:
        """The sample input called ``name``, ready to explain (loaded once, then kept).

        >>> import pandas as pd
        >>> from sklearn.linear_model import LogisticRegression
        >>> df = pd.DataFrame({"income": [1, 2, 3, 4], "ok": ["no", "no", "yes", "yes"]})
        >>> ex = Explainer.from_sklearn(LogisticRegression().fit(df[["income"]], df["ok"]), df, target="ok")
        >>> ex.samples["a high earner"] = lambda: {"income": 4}
        >>> ex.sample_names, ex.predict(ex.sample("a high earner"))["yes"] > 0.5
        (['a high earner'], True)
        """
        if name not in self.samples:
            known = ", ".join(self.samples) or "none"
            raise ExplainerInputError(f"There is no sample {name!r}. Samples: {known}.")
        if name not in self._loaded_samples:
            self._loaded_samples[name] = self.samples[name]()
        return self._loaded_samples[name]

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

    def explain_many(self, rows: Any, client: Any = None, **options: Any) -> pd.DataFrame:
        """One output row per input row (prediction, probabilities, top reasons, contributions with
        standard errors, optional narration, an error message for a row that fails), in a loop, or
        on Dask with a ``client`` (the model sent to each worker once; the same figures bit for
        bit). ``rows``: a DataFrame of feature columns (its index is the row id) or of a ``text``
        column. Options and the output columns: ``explainer_batch.explain_many``; files, resuming
        and progress: ``explainer-nlg batch``."""
        from .explainer_batch import explain_many

        return explain_many(self, rows, client, **options)

    def narrate(self, evidence: Any, audience: str = "customer", llm: Any = None,
                focus: str = "why"):
        """A plain-language Answer for ``evidence`` (see ``explainer_nlg.narrate.narrate``): an
        Evidence, a what-if or counterfactual record, or a data-level record (``effect``,
        ``compare``, ``similar``, the rules).

        >>> ex = Explainer.demo("loan")
        >>> ex.narrate(ex.explain(17, budget=200)).sentences[0].status
        'template'
        >>> a = ex.narrate(ex.local_rule(17), "support")
        >>> a.text.startswith("The rule: when"), all(s.reason == "" for s in a.sentences)
        (True, True)
        """
        from .narrate import narrate

        return narrate(evidence, audience, llm=llm, focus=focus,
                       descriptions=self.info.get("descriptions") or None,
                       aliases=self.info.get("class_aliases") or None)

    def assistant(self, llm: Any = None, budget: int | None = None, settle_with_llm: bool | None = None):
        """The chat Assistant for this explainer (one per explainer, made on first use). ``llm``
        rewords narration; with ``settle_with_llm`` it also settles questions the parser is
        unsure of (see ``chat.fallback``; default: the ``EXPLAINER_NLG_LLM_PARSE`` variable, off)."""
        from .chat.assistant import Assistant

        if getattr(self, "_assistant", None) is None or llm is not None or budget is not None \
                or settle_with_llm is not None:
            self._assistant = Assistant(self, llm=llm, budget=budget, settle_with_llm=settle_with_llm)
        return self._assistant

    def parse(self, question: str) -> dict:
        """A chat question as a plain dict: ``{"ops": [{"op", ...slots}], "filters", "instance", ...}``.

        >>> Explainer.demo("loan").parse("why was 100 denied and what could change it?")["ops"][1]["op"]
        'counterfactual'
        """
        return self.assistant().parse(question)

    def ask(self, question: str, x: Any = None, session: str = "default", audience: str = "customer",
            operator: str | None = None):
        """Answer a chat question (a ChatAnswer: text, parsed operation, per-operation evidence).

        Follow-ups ("why?", "and the next one?") resolve from ``session``'s dialogue state.
        ``operator``: who asked on someone's behalf, kept with the answer in the audit log.
        """
        return self.assistant().ask(question, x=x, session=session, audience=audience, operator=operator)

    def learn_explainer(self, texts: list[str] | None = None, *, retrain: bool = False, n_texts: int = 300,
                        progress: bool = True) -> dict:
        """Train (once per model, then cached) a learned text explainer whose one-pass values
        ``preview`` shows, labelled as approximate, while Shapley values are computed. Opt-in:
        ``texts`` from the model's domain (the text demo uses its own training reviews). About
        2 x words model calls per text (sizes 1 and n-1: exact for additive games); the text demo's 300 take minutes on 2 cores.
        Returns what it learned from. See ``attribution/text_learned.py``."""
        from .attribution.text_learned import learned_explainer

        if texts is None and self.info.get("metrics", {}).get("recipe", "").startswith("fine-foods-minilm"):
            from .demos.text_model import load_reviews

            texts = list(load_reviews()[0]["text"])  # the demo's training reviews, never its held-out ones
        self._learned = learned_explainer(self.predictor, texts, retrain=retrain, n_texts=n_texts,
                                          progress=progress)
        return dict(self._learned.meta)

    def has_preview(self) -> bool:
        """Whether ``preview`` can answer: a text model with a learned explainer, trained by
        ``learn_explainer`` or cached for this exact model (looked up once: the lookup hashes the
        model's weights)."""
        if self.kind != "text":
            return False
        if getattr(self, "_learned", None) is None and not getattr(self, "_looked_for_head", False):
            from .attribution.text_learned import LearnedTextExplainer

            self._looked_for_head = True
            self._learned = LearnedTextExplainer.load(self.predictor)
        return getattr(self, "_learned", None) is not None

    def preview(self, x: str, target: Any = None):
        """A learned explainer's one-pass word values (a ``Preview``, labelled "approximate preview,
        being refined"): never Shapley values; ``explain`` gives those. Needs ``learn_explainer``
        once per model (its head is cached, and a head for another model is never used)."""
        from .attribution.text_learned import LearnedTextExplainer

        if self.kind != "text":
            raise ExplainerInputError(f"A preview is available for text models; this explainer is {self.kind}.")
        learned = getattr(self, "_learned", None) or LearnedTextExplainer.load(self.predictor)
        if learned is None:
            raise ExplainerInputError("There is no learned explainer for this model yet: call "
                                      "learn_explainer(texts) once (it is cached).")
        self._learned = learned
        prepared = self._attributor.prepare(x)
        t = None if target is None else resolve_class(target, self.class_names)
        return learned.preview(self.predictor, prepared.batch1[0], t)

    def game(self, x: Any, target: Any = None) -> Game:
        """The cooperative game ``explain`` computes Shapley values for (target: default predicted).

        >>> import numpy as np
        >>> from explainer_nlg.attribution.shapley_estimators import exact_shapley
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

    def what_if(self, x: Any, changes: Any, target: Any = None, explain: bool = True,
                extrapolate: bool = False) -> WhatIf:
        """Apply ``changes`` to ``x``, re-predict, and explain the changed input.

        ``changes``: a list of dicts. Tabular: ``{"feature": "Amount", "action": "set" |
        "increase" | "decrease", "value": 1000}`` (``{"Amount": 1000}`` is short for set). Text:
        ``{"action": "remove", "word": "stale"}`` or ``{"action": "replace", "word": "stale",
        "value": "fresh"}``. Image: ``{"action": "cover", "region": "centre"}`` (a 3x3 grid cell,
        blurred). ``target``: the class whose probability change is reported (default: the
        original prediction). ``explain=False`` skips the new Evidence. Numeric values outside
        the range seen in the data are refused unless ``extrapolate=True``.

        >>> ex = Explainer.demo("loan")
        >>> w = ex.what_if(17, [{"feature": "Income", "action": "decrease", "value": 200}])
        >>> w.changes[0].from_value, w.changes[0].to_value
        (330, 130)
        >>> w.new_probabilities == ex.predict(w.new_input["row"])
        True
        >>> round(w.probability_change, 6) == round(w.new_probabilities["good"] - ex.predict(17)["good"], 6)
        True
        """
        from .attribution.what_if import what_if

        return what_if(self._attributor, x, changes, target, explain, extrapolate)

    def counterfactuals(self, x: Any, target: Any = None, k: int = 3, immutable: list[str] | None = None,
                        monotone: dict[str, str] | None = None, ranges: dict | None = None,
                        max_changes: int = 3, max_candidates: int | None = None,
                        raise_if_none: bool = False, target_range: tuple | None = None) -> CounterfactualSet:
        """Up to ``k`` diverse, minimal changes to ``x`` that make the model predict ``target``.

        Regressors: ``target_range=(low, high)`` instead, either end ``None`` ("under 150,000":
        ``(None, 150000)``); every counterfactual returned predicts a value inside it, and the
        record's ``target_label`` says the range ("price under 150,000").

        ``target``: the desired class (default: for two classes the other one, else the most
        probable other class); asking for the class already predicted is an error. Tabular
        constraints: ``immutable`` features never change (nor do ``protected`` ones, always;
        ``constraints["protected"]`` lists them), ``monotone`` maps features to
        "increase" or "decrease", ``ranges`` narrows numeric features to ``(low, high)`` or
        categorical ones to a list of categories. ``None`` takes the explainer's defaults
        (``info["counterfactual_defaults"]``; the loan demo keeps Marital and Records fixed and
        lets Age and Seniority only go up); pass ``[]`` / ``{}`` for none. Values always stay
        within the ranges and categories seen in the data. At most ``max_changes`` features (or
        words) change and ``max_candidates`` inputs are scored. Text models: the fewest word
        deletions or swaps for a listed opposite.

        Every counterfactual returned was re-predicted and predicts ``target``. When none is
        found within the limits the record says so (``found`` is False), or, with
        ``raise_if_none=True``, an ExplainerInputError says which limits held.

        >>> ex = Explainer.demo("loan")
        >>> cfs = ex.counterfactuals(3)
        >>> cfs.original_label, cfs.target_label, cfs.found
        ('bad', 'good', True)
        >>> all(ex.predict(c.new_input["row"])["good"] > 0.5 for c in cfs.counterfactuals)
        True
        >>> [c.n_changed for c in cfs.counterfactuals] == sorted(c.n_changed for c in cfs.counterfactuals)
        True
        >>> any(ch.feature in ("Marital", "Records") for c in cfs.counterfactuals for ch in c.changes)
        False
        """
        return self._attributor.find_counterfactuals(
            x, target, k=k, immutable=immutable, monotone=monotone, ranges=ranges, max_changes=max_changes,
            max_candidates=max_candidates, raise_if_none=raise_if_none, target_range=target_range,
            defaults=self.info.get("counterfactual_defaults", {}), protected=self.protected)

    def __repr__(self) -> str:
        return f"Explainer({self.kind}, {self.name}, classes={self.class_names[:5]}{'...' if len(self.class_names) > 5 else ''})"


def _demo_key(name: str) -> str:
    key = str(name).strip().lower()
    if key not in DEMOS:
        raise ExplainerInputError(f"There is no demo {name!r}. Demos: {', '.join(DEMOS)}.")
    return key


def coded_class_names(classes: list[str], description: str, row_noun: str = "rows") -> list[str] | None:
    """Readable names for numeric classes, where the target's description codes each of them
    ("1=patient survived to discharge or 0=patient died"), without the row's own noun in front;
    None where it does not code them all (the classes stay as the model has them).

    >>> coded_class_names(["0", "1"], "1=patient survived to discharge or 0=patient died", "patients")
    ['died', 'survived to discharge']
    >>> coded_class_names(["0", "1"], "indicator of birth weight less than 2.5 kg") is None
    True
    >>> coded_class_names(["N", "Y"], "a factor with levels: N, will vote no (against); Y, will vote yes.")
    ['will vote no', 'will vote yes']
    >>> coded_class_names(["A", "D"], '"A" (alive) or "D" (dead) at end of observation.')
    ['alive', 'dead']
    """
    from .narrate.codings import class_words, codings, letter_codes
    from .narrate.views.phrases import singular

    lettered = letter_codes(description)
    if lettered and set(map(str, classes)) == set(lettered):  # "A, will abstain; N, will vote no; ..."
        names = [lettered[str(c)] for c in classes]
        return names if len(set(names)) == len(names) else None
    codes = codings(description)
    by_value = {v: k for k, v in codes.items()}
    try:
        values = [int(float(c)) for c in classes]
    except (TypeError, ValueError):
        values = None
    if values is None or len(codes) != len(classes) or set(values) != set(by_value):
        # named in the running text: '"A" (alive) or "D" (dead)', "1 died from melanoma, 2 alive"
        said = class_words(description, [str(c) for c in classes])
        return [said[str(c)] for c in classes] if said else None
    noun = singular(str(row_noun or "").lower().strip())
    names = [re.sub(r"^(?:the |a |an )?(?:" + re.escape(noun) + r"|person|case|row)\s+", "", by_value[v]).strip() or by_value[v]
             for v in values]
    return names if len(set(names)) == len(names) else None


@functools.cache
def _row_noun(noun: Any) -> str:
    """What rows are called, checked: a few plain words, plural ("patient" is taken as "patients").

    >>> _row_noun(" Patients "), _row_noun(""), _row_noun("patient")
    ('patients', 'rows', 'patients')
    """
    text = " ".join(str(noun or "").split()).lower()
    if not text:
        return "rows"
    if len(text) > 40 or not all(w.isalpha() or w.replace("-", "").isalpha() for w in text.split()):
        raise ExplainerInputError(f"row_noun is what a row is, in a word or two (such as 'patients'), not {str(noun)[:40]!r}.")
    return plural(text)


def _demo(key: str) -> Explainer:
    """The demo explainer ``key``, built from its parts once per process (tests and the app share it)."""
    from . import demos

    parts = demos.load(key)
    ex = getattr(Explainer, _CONSTRUCTORS[parts.kind])(parts.model, **parts.options)
    ex.name = parts.name
    ex.info.update(parts.info)
    ex.samples.update(parts.samples)
    return ex
