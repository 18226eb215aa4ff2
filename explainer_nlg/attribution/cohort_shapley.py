"""Shapley evidence over a cohort of rows: which features matter for a group, and which pairs interact.

Importance is the mean |Shapley value| of each feature over the cohort's rows, each row explained
toward its own predicted class, in probability units (the mean signed value says which way a
feature usually pushes). The per-row values are the ones ``Explainer.explain`` gives: one batched
exact Tree SHAP call for averaging tree ensembles, else the tabular attributor's own estimator row
by row (on a capped random sample of the rows, because each row costs a fresh game).

Interactions are shap's SHAP interaction values (``TreeExplainer.shap_interaction_values``), which
shap computes only for tree models, with ``feature_perturbation="tree_path_dependent"`` and the
model's raw output: probabilities for averaging ensembles, log-odds for boosted trees.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> from explainer_nlg.attribution.tabular_attributor import TabularAttributor
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"income": [1, 2, 3, 4, 5, 6], "debt": [6, 5, 4, 3, 2, 1],
...                    "ok": ["no", "no", "no", "yes", "yes", "yes"]})
>>> model = LogisticRegression().fit(df[["income", "debt"]], df["ok"])
>>> att = TabularAttributor(SklearnPredictor(model, ["income", "debt"]), df)
>>> imp = cohort_importance(att, [0, 5])
>>> rows = [att.explain(i, budget=COHORT_BUDGET) for i in (0, 5)]
>>> mean_abs = sum(abs(e.attributions[0].contribution) for e in rows) / 2
>>> abs(imp.mean_abs["income"] - mean_abs) < 1e-12, imp.rows_used
(True, 2)
>>> cohort_interactions(att, [0, 5]) is None  # no tree: no SHAP interaction values
True
"""

from __future__ import annotations

import time
import weakref
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..evidence.serialise import to_plain
from .game import CachedGame
from .tabular_estimators import AVERAGING_TREE_MODELS

# Coalitions per row on the row-by-row path (exact enumeration up to 8 features).
COHORT_BUDGET = 256
# Rows explained one by one cost about 0.15 s each on the loan demo (13 features, 2 cores), so a
# cohort answer samples at most this many; one batched Tree SHAP call is cheap enough for more.
MAX_ROWS = 40
MAX_ROWS_TREE = 1000
MAX_ROWS_INTERACTIONS = 500


@dataclass(frozen=True)
class CohortImportance:
    """Mean |Shapley value| and mean signed value per feature over ``row_ids``, in ``unit``
    (probability for a classifier, each row toward its own predicted class, ``predicted`` counting
    the classes; a regressor's own unit, every row toward its predicted value)."""

    mean_abs: dict[str, float]
    mean_signed: dict[str, float]
    row_ids: list
    rows_matching: int
    predicted: dict[str, int]
    method: str
    model_calls: int
    seconds: float
    unit: str | None = "probability"
    output_kind: str = "classification"

    @property
    def rows_used(self) -> int:
        return len(self.row_ids)

    def ranked(self) -> list[str]:
        """Features, largest mean |value| first."""
        return sorted(self.mean_abs, key=lambda f: -self.mean_abs[f])

    def to_dict(self) -> dict:
        unit = "probability (x100: percentage points)" if self.output_kind == "classification" else self.unit
        return {**asdict(self), "rows_used": self.rows_used, "unit": unit}


@dataclass(frozen=True)
class CohortInteractions:
    """Mean |phi_ab + phi_ba| per feature pair over ``row_ids`` (SHAP interaction values, both
    halves of the pair), toward each row's predicted class, in ``unit``."""

    pairs: dict[tuple[str, str], float]
    mean_signed: dict[tuple[str, str], float]
    row_ids: list
    rows_matching: int
    unit: str
    method: str
    seconds: float

    def ranked(self) -> list[tuple[str, str]]:
        return sorted(self.pairs, key=lambda p: -self.pairs[p])

    def to_dict(self) -> dict:
        return {"pairs": {f"{a} × {b}": v for (a, b), v in self.pairs.items()},
                "mean_signed": {f"{a} × {b}": v for (a, b), v in self.mean_signed.items()},
                "row_ids": self.row_ids, "rows_used": len(self.row_ids), "rows_matching": self.rows_matching,
                "unit": self.unit, "method": self.method, "seconds": self.seconds}


def sample_ids(ids: list, cap: int, seed: int = 0) -> list:
    """At most ``cap`` of ``ids``, a seeded random sample kept in the data's order (the same
    question always uses the same rows, so answers are reproducible)."""
    if len(ids) <= cap:
        return list(ids)
    keep = np.sort(np.random.default_rng(seed).choice(len(ids), cap, replace=False))
    return [ids[i] for i in keep]


def cohort_importance(attributor: Any, ids: list, budget: int | None = None, max_rows: int | None = None,
                      seed: int = 0) -> CohortImportance:
    """Cohort importance of a TabularAttributor's features over the rows ``ids`` (row ids).

    Averaging tree ensembles: exact Tree SHAP, all rows in one call (up to ``MAX_ROWS_TREE``).
    Other models: ``attributor.shapley`` row by row with ``budget`` coalitions (default
    ``COHORT_BUDGET``), on at most ``max_rows`` rows (default ``MAX_ROWS``); each row's values equal
    ``Explainer.explain(row, budget=budget)``'s.
    """
    start = time.perf_counter()
    ids = list(ids)
    features = list(attributor.predictor.features)
    tree = attributor.tree
    used = sample_ids(ids, max_rows or (MAX_ROWS_TREE if tree is not None else MAX_ROWS), seed)
    frame = attributor.data.loc[used, features]
    targets = np.asarray(attributor.predictor.predict_proba(frame)).argmax(axis=1)
    if tree is not None:
        values, _ = tree.explain_rows(frame, targets)
        method, calls = f"tree-shap (interventional, exact, {len(attributor.background)} background rows)", 0
    else:
        budget = budget or COHORT_BUDGET
        values, calls, methods = np.zeros((len(used), len(features))), 0, set()
        for i, (row_id, t) in enumerate(zip(used, targets)):
            prepared = attributor.prepare(row_id)
            game = CachedGame(attributor.game_for(prepared, int(t)))
            result = attributor.shapley(prepared, int(t), game, budget)
            values[i], calls = result.values, calls + int(result.n_evaluations)
            methods.add(result.method)
        per_row = calls / max(len(used), 1)
        method = (f"{', '.join(sorted(methods))}, {per_row:.0f} coalitions per row on average, each averaged over "
                  f"{len(attributor.background)} background rows")
    classes = attributor.class_names
    predicted = {classes[c]: int(n) for c, n in zip(*np.unique(targets, return_counts=True))}
    regression = getattr(attributor.predictor, "is_regression", False)
    return CohortImportance({f: float(v) for f, v in zip(features, np.abs(values).mean(0))},
                            {f: float(v) for f, v in zip(features, values.mean(0))},
                            [to_plain(i) for i in used], len(ids), predicted, method, calls,
                            round(time.perf_counter() - start, 4),
                            attributor.predictor.unit if regression else "probability",
                            "regression" if regression else "classification")


class TreeInteractions:
    """shap's path-dependent TreeExplainer for the tree at the end of a 1:1 preprocessing pipeline."""

    def __init__(self, prep, model, order: list[int], unit: str, regression: bool = False):
        import shap

        self.prep, self.model, self.order, self.unit, self.regression = prep, model, order, unit, regression
        self.explainer = shap.TreeExplainer(model, feature_perturbation="tree_path_dependent")

    @classmethod
    def try_build(cls, model: Any, features: list[str], regression_unit: str | None = None,
                  regression: bool = False) -> TreeInteractions | None:
        """A TreeInteractions when shap's TreeExplainer takes the model, else None. A regressor's
        interaction values are in its own unit (``regression_unit``; "the model's units" unnamed)."""
        from sklearn.pipeline import Pipeline

        prep = model[:-1] if isinstance(model, Pipeline) and len(model) > 1 else None
        final = model[-1] if isinstance(model, Pipeline) else model
        try:
            names = list(prep.get_feature_names_out()) if prep is not None else features
            if sorted(names) != sorted(features):
                return None  # not one model column per feature (e.g. one-hot): pairs would not be features
            if regression:
                unit = regression_unit or "the model's units"
            else:
                unit = "probability" if type(final).__name__ in AVERAGING_TREE_MODELS else "log-odds"
            return cls(prep, final, [names.index(f) for f in features], unit, regression)
        except Exception:  # noqa: BLE001 - shap refuses non-tree models with its own error types
            return None

    def values(self, frame: pd.DataFrame, targets: np.ndarray) -> np.ndarray:
        """(n, features, features) SHAP interaction values toward each row's target class."""
        x = np.asarray(self.prep.transform(frame) if self.prep is not None else frame, dtype=float)
        iv = np.asarray(self.explainer.shap_interaction_values(x))
        idx = np.arange(len(x))
        if iv.ndim == 3 and self.regression:  # one output: the predicted value
            pass
        elif iv.ndim == 3:  # one output: the raw score of the second class (binary models)
            iv = np.where((np.asarray(targets) == 1)[:, None, None], iv, -iv)
        else:
            iv = iv[idx, :, :, targets]
        return iv[:, self.order][:, :, self.order]


_INTERACTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cohort_interactions(attributor: Any, ids: list, max_rows: int = MAX_ROWS_INTERACTIONS,
                        seed: int = 0) -> CohortInteractions | None:
    """Mean |SHAP interaction value| of every feature pair over the rows ``ids``, or None when
    the model is not a tree model shap can compute interaction values for."""
    start = time.perf_counter()
    if attributor not in _INTERACTIONS:  # shap's explainer is built once per attributor
        pred = attributor.predictor
        _INTERACTIONS[attributor] = TreeInteractions.try_build(pred.model, list(pred.features), pred.unit,
                                                               getattr(pred, "is_regression", False))
    ti = _INTERACTIONS[attributor]
    if ti is None:
        return None
    features = list(attributor.predictor.features)
    used = sample_ids(list(ids), max_rows, seed)
    frame = attributor.data.loc[used, features]
    targets = np.asarray(attributor.predictor.predict_proba(frame)).argmax(axis=1)
    iv = ti.values(frame, targets)
    pairs, signed = {}, {}
    for a in range(len(features)):
        for b in range(a + 1, len(features)):
            both = iv[:, a, b] + iv[:, b, a]  # shap splits a pair's interaction into two equal halves
            pairs[(features[a], features[b])] = float(np.abs(both).mean())
            signed[(features[a], features[b])] = float(both.mean())
    method = "SHAP interaction values (shap.TreeExplainer, tree_path_dependent)"
    return CohortInteractions(pairs, signed, [to_plain(i) for i in used], len(ids), ti.unit, method,
                              round(time.perf_counter() - start, 4))
