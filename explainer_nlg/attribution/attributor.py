"""The flow every kind of evidence shares: validate, predict, build the game, attribute, check."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ExplainerInputError, resolve_class
from ..evidence import Attribution, Evidence
from ..evidence.changes import CounterfactualSet
from .faithfulness import eraser
from .game import CachedGame, Game
from .limits import capped_budget, stop_note
from .limits import current as current_limits
from .shapley_estimators import ShapleyResult, shapley_values
from .uncertainty import close_calls, ties_note


@dataclass
class Prepared:
    """A validated input: what the model sees (``batch1``: a batch of one), the players, notes."""

    batch1: Any
    names: list[str]
    values: list[Any]
    spans: list[tuple[int, int] | None]
    input: dict
    notes: list[str] = field(default_factory=list)


class Attributor:
    """Subclasses define ``prepare`` and ``game``; ``explain`` is shared."""

    kind = ""
    eraser_k = 5  # top-k players for comprehensiveness / sufficiency
    # With no budget, enumerate exactly when all 2^n calls are measured to fit in this many
    # seconds (see shapley_values); None: only when 2^n fits ``shapley_values``' exact_up_to.
    exact_seconds: float | None = None
    counterfactual_changes = "features"  # what a counterfactual changes, as a message names it

    def __init__(self, predictor):
        self.predictor = predictor

    @property
    def class_names(self) -> list[str]:
        return self.predictor.class_names

    def prepare(self, x: Any) -> Prepared:  # pragma: no cover - abstract
        raise NotImplementedError

    def game_for(self, prepared: Prepared, target: int) -> Game:  # pragma: no cover - abstract
        raise NotImplementedError

    def default_budget(self, n_players: int) -> int | None:
        """None: adaptive (early stop); a number: a fixed budget, exact when 2^n fits it."""
        return None

    def shapley(self, prepared: Prepared, target: int, game: CachedGame, budget: int | None) -> ShapleyResult:
        budget = budget if budget is not None else self.default_budget(game.n_players)
        return shapley_values(game, capped_budget(budget, game.n_players), exact_seconds=self.exact_seconds)

    def more_evidence(self, prepared: Prepared, target: int, result: ShapleyResult) -> dict:
        """Extra Evidence fields a kind of input adds (image: the heatmap and its regions)."""
        return {}

    def find_counterfactuals(self, x: Any, target: Any = None, *, k: int = 3, immutable: list[str] | None = None,
                             monotone: dict[str, str] | None = None, ranges: dict | None = None,
                             max_changes: int = 3, max_candidates: int | None = None, raise_if_none: bool = False,
                             target_range: tuple | None = None, defaults: dict | None = None,
                             protected: list[str] | None = None) -> CounterfactualSet:
        """``Explainer.counterfactuals`` (see there for the options): the target class or range
        resolved, the explainer's ``defaults`` (``immutable``, ``monotone``) filled in where an
        option is None, then this kind's own search (``counterfactuals``)."""
        prepared = self.prepare(x)
        probs = self.predictor.predict_proba(prepared.batch1)[0]
        if getattr(self.predictor, "is_regression", False) or target_range is not None:
            t: Any = self.range_goal(target if target_range is None else target_range)
        elif target is None:
            t = int(probs.argsort()[::-1][1])
        else:
            t = resolve_class(target, self.class_names)
        if k < 1 or max_changes < 1:
            raise ExplainerInputError("k and max_changes must be at least 1.")
        defaults = defaults or {}
        result = self.counterfactuals(
            prepared, t, k=k, max_changes=max_changes, max_candidates=max_candidates,
            immutable=defaults.get("immutable", []) if immutable is None else immutable,
            monotone=defaults.get("monotone", {}) if monotone is None else monotone, ranges=ranges,
            protected=protected)
        if raise_if_none and not result.found:
            c = result.constraints
            fixed = f"; fixed: {', '.join(c['immutable'])}" if c.get("immutable") else ""
            raise ExplainerInputError(
                f"No change of at most {c['max_changes']} {self.counterfactual_changes} makes the model "
                f"predict {result.target_label!r} (searched {result.candidates_searched} candidates within "
                f"the values seen in the data{fixed}). Allow more changes (max_changes) or fewer constraints.")
        return result

    def range_goal(self, bounds: Any) -> Any:
        """What a regressor's counterfactual must reach: ``bounds`` = (low, high), either end None.
        Only a kind that searches ranges (tabular) builds one."""
        if not getattr(self.predictor, "is_regression", False):
            raise ExplainerInputError("target_range is for models that predict a number; this one predicts "
                                      f"classes ({', '.join(self.class_names)}): name a class as target.")
        raise ExplainerInputError("Counterfactual ranges are searched for tabular models only.")

    def counterfactuals(self, prepared: Prepared, target: int, k: int, max_changes: int,
                        max_candidates: int | None = None, immutable: list[str] | None = None,
                        monotone: dict[str, str] | None = None, ranges: dict | None = None,
                        protected: list[str] | None = None) -> CounterfactualSet:
        """Up to ``k`` minimal changes to the input that make the model predict class ``target``
        (see ``Explainer.counterfactuals``); each kind of input searches its own way."""
        raise ExplainerInputError(
            f"Counterfactuals are available for tabular and text models; for an image, use what_if "
            f"to cover regions. This explainer is {self.kind}.")

    def target_index(self, probs: np.ndarray, target: Any) -> int:
        if getattr(self.predictor, "is_regression", False):
            if target is not None and str(target).strip().lower() not in (self.class_names[0].lower(), "0"):
                raise ExplainerInputError(f"This model predicts a number ({self.class_names[0]}), not a class, so "
                                          f"there is no class {target!r} to explain toward.")
            return 0
        return int(np.argmax(probs)) if target is None else resolve_class(target, self.class_names)

    def output_fields(self, probs: np.ndarray, t: int) -> dict:
        """The Evidence fields that say what the model output: a classifier's predicted class and
        probabilities, or a regressor's predicted value and its unit."""
        names = self.class_names
        if getattr(self.predictor, "is_regression", False):
            return {"predicted_label": names[0], "probabilities": {}, "target_label": names[0],
                    "output_kind": "regression", "unit": self.predictor.unit, "prediction": float(probs[0])}
        return {"predicted_label": names[int(np.argmax(probs))],
                "probabilities": {c: float(p) for c, p in zip(names, probs)}, "target_label": names[t],
                "output_kind": "classification", "unit": "probability", "prediction": float(probs[t])}

    def explain(self, x: Any, target: Any = None, budget: int | None = None) -> Evidence:
        prepared = self.prepare(x)
        probs = self.predictor.predict_proba(prepared.batch1)[0]
        t = self.target_index(probs, target)
        game = CachedGame(self.game_for(prepared, t))
        start = time.perf_counter()
        result = self.shapley(prepared, t, game, budget)
        seconds = time.perf_counter() - start
        faith = eraser(game, result.values, k=self.eraser_k) if len(result.values) else {}
        notes = list(prepared.notes)
        stopped = result.diagnostics.get("stopped")
        if stopped:  # a server's time or call limit ended it: say so, with what was computed
            lim = current_limits()
            notes.append(stop_note(stopped, result.n_evaluations, lim.seconds if lim and lim.seconds else 0.0))
        elif result.converged is False:  # an adaptive run that hit its cap before the top players settled
            notes.append("The estimate did not settle within its budget; the order of close contributions may change.")
        errors = result.standard_errors if result.standard_errors is not None else [None] * len(result.values)
        ties = close_calls(prepared.names, result.values, errors, self.eraser_k)
        if ties:
            notes.append(ties_note(ties))
        extra = {"estimator": result.diagnostics, "converged": result.converged,
                 "efficiency_gap": result.efficiency_gap(), "close_calls": ties}
        more = self.more_evidence(prepared, t, result)
        faith.update(more.pop("faithfulness", {}))
        notes += more.pop("notes", [])
        extra.update(more.pop("extra", {}))
        return Evidence(
            kind=self.kind,
            base_value=float(result.empty_value),
            attributions=[Attribution(n, v, float(c), s, None if e is None else float(e)) for n, v, c, s, e in
                          zip(prepared.names, prepared.values, result.values, prepared.spans, errors)],
            method=result.method,
            n_evaluations=int(result.n_evaluations),
            seconds=round(seconds, 4),
            faithfulness=faith,
            input=prepared.input,
            notes=notes,
            extra=extra,
            **more,
            **self.output_fields(probs, t),
        )
