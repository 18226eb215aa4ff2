"""Exact estimators of the tabular game (``tabular_game.TabularGame``) that beat enumerating it.

``TreeShapley``: shap's interventional Tree SHAP, exact for averaging tree ensembles in
probability units. ``per_reference_exact_shapley``: exact for any model, enumerating per
background row only the features where that row differs from the input.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from .shapley_estimators import ShapleyResult, all_masks, exact_shapley_weights

# Tree models whose probability is an average of leaf values. For these, shap's interventional
# Tree SHAP with model_output="probability" is the exact Shapley value of TabularGame (tested).
# Boosted trees are not listed: their logistic link makes shap's figures differ from the exact
# ones by up to ~0.02 (see docs/decisions/0002-exact-tabular-shapley.md). Histogram boosting takes
# boosted_tree_shapley.BoostedTreeShapley (exact, by walking the trees); other boosters take
# per_reference_exact_shapley, which is exact for any model.
AVERAGING_TREE_MODELS = ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier")
# Regressors whose prediction is the raw sum or average of leaf values (no link function): shap's
# interventional Tree SHAP on the raw output is the exact Shapley value of TabularGame for all of
# them, boosted ones included (tested). HistGradientBoostingRegressor is left out: shap 0.51's
# additivity check fails on it (its binned thresholds), so it takes BoostedTreeShapley.
REGRESSION_TREE_MODELS = ("RandomForestRegressor", "ExtraTreesRegressor", "DecisionTreeRegressor",
                          "GradientBoostingRegressor")


class TreeShapley:
    """Exact interventional Tree SHAP for a tree model at the end of a 1:1 preprocessing pipeline.

    Built once per explainer (and warmed up, so the first user does not pay for
    numba's compilation); ``explain`` then costs milliseconds.
    """

    def __init__(self, pipeline, features: list[str], background: pd.DataFrame, n_classes: int,
                 regression: bool = False):
        import shap

        self.prep = pipeline[:-1] if len(pipeline) > 1 else None
        self.model = pipeline[-1]
        self.features = features
        self.n_classes = n_classes
        self.regression = regression
        out_names = list(self.prep.get_feature_names_out()) if self.prep is not None else features
        self.order = [out_names.index(f) for f in features]
        bg = self._transform(background)
        self.explainer = shap.TreeExplainer(
            self.model, data=bg, feature_perturbation="interventional",
            model_output="raw" if regression else "probability"
        )
        self.background_rows = len(background)
        self.explain(background.iloc[[0]], target=0)  # warm-up

    @classmethod
    def try_build(cls, model, features, background, n_classes, regression: bool = False) -> TreeShapley | None:
        """A TreeShapley when the model is a supported tree at the end of a 1:1 column map, else None."""
        from sklearn.pipeline import Pipeline

        steps = model if isinstance(model, Pipeline) else None
        final = steps[-1] if steps is not None else model
        if type(final).__name__ not in (REGRESSION_TREE_MODELS if regression else AVERAGING_TREE_MODELS):
            return None
        pipeline = steps if steps is not None else Pipeline([("model", model)])
        try:
            if len(pipeline) > 1:
                names = list(pipeline[:-1].get_feature_names_out())
                if sorted(names) != sorted(features):
                    return None  # not one output column per input column (e.g. one-hot)
            return cls(pipeline, features, background, n_classes, regression)
        except Exception:  # noqa: BLE001 - any shap/sklearn incompatibility means: use the generic path
            return None

    def _transform(self, df: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.prep.transform(df) if self.prep is not None else df, dtype=float)

    def explain(self, row: pd.DataFrame, target: int) -> ShapleyResult:
        start = time.perf_counter()
        values, base = self.explain_rows(row, np.array([target]))
        full = float(base[0] + values[0].sum())
        return ShapleyResult(values[0], float(base[0]), full, 0, time.perf_counter() - start,
                             "tree-shap (interventional, exact)", standard_errors=np.zeros(values.shape[1]))

    def explain_rows(self, rows: pd.DataFrame, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shapley values of many rows in one call: ((n, features) values toward each row's
        target class index, (n,) base values). A cohort's importance costs one shap call, not n."""
        x = self._transform(rows)
        targets = np.asarray(targets, dtype=int)
        idx = np.arange(len(x))
        sv = np.asarray(self.explainer.shap_values(x))
        ev = np.atleast_1d(np.asarray(self.explainer.expected_value, dtype=float))
        if self.regression:  # one output: the predicted value
            values, base = sv.reshape(len(x), -1), np.full(len(x), float(ev[0]))
        # shap returns the positive class only for binary probability output, else one slice per class
        elif sv.ndim == 2:
            pos = targets == 1 if self.n_classes > 1 else np.ones(len(x), bool)
            values = np.where(pos[:, None], sv, -sv)
            base = np.where(pos, float(ev[0]), 1 - float(ev[0]))
        elif sv.shape[-1] == self.n_classes:
            values, base = sv[idx, :, targets], ev[targets]
        else:
            values, base = sv[targets, idx], ev[targets]
        return np.asarray(values, dtype=float)[:, self.order], np.asarray(base, dtype=float)


def per_reference_exact_shapley(predictor, row: pd.DataFrame, background: pd.DataFrame, target: int,
                                max_rows: int) -> ShapleyResult | None:
    """Exact Shapley values of TabularGame, for any model, or None if it needs more than ``max_rows``.

    The game is the mean over background rows b of v_b(S) = p(x_S, b_rest), and Shapley values are
    linear, so phi = mean_b phi_b. In v_b only the features where x and b differ are non-null
    players, so each reference costs 2^d_b rows, not 2^n: far fewer on real data, where many
    values (no records, no debt, a fixed job) are shared.
    """
    start = time.perf_counter()
    cols = list(row.columns)
    n = len(cols)
    x = row.iloc[0].to_numpy(dtype=object)
    refs = background.to_numpy(dtype=object)
    same = np.array([[_same(a, b) for a, b in zip(x, ref)] for ref in refs])
    diffs = [np.flatnonzero(~s) for s in same]
    total = sum(2 ** len(d) for d in diffs)
    if total > max_rows:
        return None
    blocks, masks_per_ref = [], []
    for ref, d in zip(refs, diffs):
        masks = all_masks(len(d))
        block = np.tile(ref, (len(masks), 1))
        for k, j in enumerate(d):
            block[masks[:, k], j] = x[j]
        blocks.append(block)
        masks_per_ref.append(masks)
    frame = pd.DataFrame(np.concatenate(blocks), columns=cols).astype(background.dtypes.to_dict())
    p = predictor.predict_proba(frame)[:, target]
    values = np.zeros(n)
    empty = full = 0.0
    pos = 0
    for d, masks in zip(diffs, masks_per_ref):
        v = p[pos : pos + len(masks)]
        pos += len(masks)
        empty += v[0]
        full += v[-1]
        if len(d):
            values[d] += v @ exact_shapley_weights(masks)
    b = len(refs)
    return ShapleyResult(values / b, empty / b, full / b, int(total), time.perf_counter() - start,
                         "exact (per-reference enumeration)", standard_errors=np.zeros(n))


def _same(a, b) -> bool:
    if a is None or b is None or (isinstance(a, float) and np.isnan(a)) or (isinstance(b, float) and np.isnan(b)):
        return (a is None or (isinstance(a, float) and np.isnan(a))) and (
            b is None or (isinstance(b, float) and np.isnan(b)))
    return a == b
