"""Shapley values of many rows at once, cheaply enough for global views (dependence, weights, groups).

The game is the tabular one (``tabular_game.TabularGame``): a missing feature takes a background
row's value. Its Shapley value is an expectation over a random permutation of the features and a
random background row b of the marginal contribution of feature j, p(x on S + j, b elsewhere) -
p(x on S, b elsewhere), where S is the features before j in the permutation (Strumbelj and
Kononenko's permutation sampling). One draw costs two model rows for one feature, or n + 1 rows for
all n features (walking from b to x one feature at a time), so hundreds of rows cost one batched
model call instead of one exact game each. Each value comes with its standard error.

Averaging tree ensembles skip sampling: their exact Tree SHAP (``TreeShapley.explain_rows``) is
one batched call already.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"a": [0., 1, 2, 3, 4, 5], "b": [5., 3, 4, 1, 2, 0]})
>>> y = ["n", "n", "n", "y", "y", "y"]
>>> pred = SklearnPredictor(LogisticRegression().fit(df, y), ["a", "b"])
>>> phi, se = permutation_shapley(pred, df, df, [1] * 6, permutations=64)
>>> phi.shape, bool(phi[5, 0] > 0 > phi[0, 0])        # a high "a" pushes toward "y", a low one away
((6, 2), True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PERMUTATIONS = 8        # all-feature walks per row (each gives every feature one draw)
FEATURE_DRAWS = 48      # draws per row for one feature's value


def _frame(columns: list[str], dtypes: dict, blocks: list[np.ndarray]) -> pd.DataFrame:
    data = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
    frame = pd.DataFrame(data, columns=columns)
    # object arrays lose the numeric dtypes; the model's preprocessing expects them back
    return frame.astype({c: t for c, t in dtypes.items() if not pd.api.types.is_object_dtype(t)})


def permutation_shapley(predictor, rows: pd.DataFrame, background: pd.DataFrame, targets,
                        permutations: int = PERMUTATIONS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """((n_rows, n_features) Shapley values toward each row's target class index, their standard
    errors), by permutation sampling with antithetic (reversed) permutations. Each row's values
    sum to p(x) minus the mean of p over the background rows drawn for it."""
    cols = list(rows.columns)
    n, d = len(rows), len(cols)
    rng = np.random.default_rng(seed)
    half = max(1, permutations // 2)
    perms = np.argsort(rng.random((n, half, d)), axis=2)
    perms = np.concatenate([perms, perms[:, :, ::-1]], axis=1)  # antithetic pairs lower the variance
    n_perm = perms.shape[1]
    bg_idx = rng.integers(0, len(background), size=(n, n_perm))
    x = rows.to_numpy(dtype=object)
    b = background.to_numpy(dtype=object)
    ranks = np.argsort(perms, axis=2)  # ranks[i, p, f]: position of feature f in permutation p
    steps = np.arange(d + 1)
    # keep[i, p, k, f]: after k steps of permutation p, feature f comes from x
    keep = ranks[:, :, None, :] < steps[None, None, :, None]
    xs = np.broadcast_to(x[:, None, None, :], keep.shape)
    bs = np.broadcast_to(b[bg_idx][:, :, None, :], keep.shape)
    block = np.where(keep, xs, bs).reshape(-1, d)
    frame = _frame(cols, rows.dtypes.to_dict(), [block])
    t = np.repeat(np.asarray(targets, dtype=int), n_perm * (d + 1))
    p = predictor.predict_proba(frame)[np.arange(len(frame)), t].reshape(n, n_perm, d + 1)
    gains = np.diff(p, axis=2)  # gains[i, p, k]: contribution of the k-th feature of permutation p
    per_draw = np.zeros((n, n_perm, d))
    np.put_along_axis(per_draw, perms, gains, axis=2)
    # an antithetic pair is one draw for the standard error (its halves are correlated)
    pairs = (per_draw[:, :half] + per_draw[:, half:]) / 2
    se = pairs.std(axis=1, ddof=1) / np.sqrt(half) if half > 1 else np.full((n, d), np.nan)
    return per_draw.mean(axis=1), se


def feature_shapley(predictor, rows: pd.DataFrame, background: pd.DataFrame, feature: str, targets,
                    draws: int = FEATURE_DRAWS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """((n_rows,) Shapley values of one feature toward each row's target class index, their
    standard errors): ``draws`` (permutation, background row) pairs per row, two model rows each."""
    cols = list(rows.columns)
    j = cols.index(feature)
    n, d = len(rows), len(cols)
    rng = np.random.default_rng(seed)
    # A uniformly random permutation puts a uniformly random subset before j: sample its rank
    # position, then which of the other features come first.
    ranks = np.argsort(rng.random((n, draws, d)), axis=2)
    before = ranks < ranks[:, :, j:j + 1]
    before[:, :, j] = False
    with_j = before.copy()
    with_j[:, :, j] = True
    bg_idx = rng.integers(0, len(background), size=(n, draws))
    x = rows.to_numpy(dtype=object)
    b = background.to_numpy(dtype=object)[bg_idx]
    xs = np.broadcast_to(x[:, None, :], before.shape)
    block = np.concatenate([np.where(before, xs, b).reshape(-1, d), np.where(with_j, xs, b).reshape(-1, d)])
    frame = _frame(cols, rows.dtypes.to_dict(), [block])
    t = np.tile(np.repeat(np.asarray(targets, dtype=int), draws), 2)
    p = predictor.predict_proba(frame)[np.arange(len(frame)), t]
    gain = (p[n * draws:] - p[: n * draws]).reshape(n, draws)
    return gain.mean(axis=1), gain.std(axis=1, ddof=1) / np.sqrt(draws)


def rows_shapley(attributor, rows: pd.DataFrame, targets, feature: str | None = None,
                 seed: int = 0, draws: int = FEATURE_DRAWS) -> tuple[np.ndarray, np.ndarray | None, str]:
    """Shapley values of ``rows`` (a frame of the model's features) toward ``targets`` (class
    indices), by the cheapest sound method for the attributor's model: (values, standard errors or
    None for exact, method). ``feature``: only that feature's column (values of shape (n,)), with
    ``draws`` sampling draws per row."""
    features = list(attributor.predictor.features)
    tree = getattr(attributor, "tree", None)
    bg = attributor.background
    if tree is not None:
        values, _ = tree.explain_rows(rows[features], np.asarray(targets))
        method = f"tree-shap (interventional, exact, {len(bg)} background rows)"
        if feature is not None:
            return values[:, features.index(feature)], None, method
        return values, None, method
    if feature is not None:
        v, se = feature_shapley(attributor.predictor, rows[features], bg, feature, targets, draws=draws, seed=seed)
        return v, se, (f"permutation sampling (interventional, {draws} draws per row over "
                       f"{len(bg)} background rows)")
    v, se = permutation_shapley(attributor.predictor, rows[features], bg, targets, seed=seed)
    return v, se, (f"permutation sampling (interventional, {PERMUTATIONS} antithetic permutations per row "
                   f"over {len(bg)} background rows)")
