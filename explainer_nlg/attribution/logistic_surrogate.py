"""A logistic surrogate of a probability game: the non-additive part a kernel regression misses.

A classifier's probability saturates. Deleting one strong word from a confident review barely
moves p; deleting it from a review already half deleted moves p a lot. A kernel regression
fits the best *additive* game to the coalitions it sampled, so on a small budget it
misreads that curvature: the coalitions it never saw (the middle sizes) are where the
probability bends.

``LogisticGame`` is u(S) = sigmoid(a + sum of w_i over S), fitted to the sampled coalitions'
probabilities. Its Shapley values are known without a model call: by enumeration up to
``ENUMERATE_UP_TO`` players, by antithetic permutations of the surrogate beyond. The estimator
(``estimate_shapley``) then reports

    phi = KR(v) - KR(u) + phi(u),

the kernel regression of the game, corrected by the error the same design makes on the
surrogate (regression-adjusted Monte Carlo, arXiv 2506.11849, with a logistic surrogate in place
of trees). The correction sums to zero, so efficiency is kept exactly; as the design grows,
KR(u) tends to phi(u) and the estimate to the kernel regression's, so it stays consistent
whatever the surrogate is. It helps as far as u bends the way v does.

>>> import numpy as np
>>> from explainer_nlg.attribution.coalitions import all_masks
>>> masks = all_masks(3)
>>> p = 1 / (1 + np.exp(-(-2.0 + masks @ np.array([3.0, 1.0, 0.0]))))
>>> u = fit_logistic_game(masks, p)
>>> bool(np.abs(u.value(masks) - p).max() < 1e-3)
True
>>> u.shapley_values().round(3).tolist()  # the game's own Shapley values, as it is logistic
[0.612, 0.15, -0.0]
"""

from __future__ import annotations

import numpy as np

from .coalitions import all_masks, exact_shapley_weights

# 2^14 coalitions x 14 players: a few milliseconds; beyond, antithetic permutations.
ENUMERATE_UP_TO = 14
PERMUTATIONS = 4000  # of the surrogate (no model calls): its Monte Carlo error is about 1e-3 or less
# Per unit of fit weight: keeps the fit defined on designs that do not pin every player down,
# and is small against the squared errors of probabilities.
RIDGE = 1e-7
EPS = 1e-4


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


def is_probability_game(values: np.ndarray) -> bool:
    """Whether a game's values can be probabilities (all within [0, 1]): where the surrogate applies."""
    v = np.asarray(values, dtype=float)
    return bool(v.size and np.all(np.isfinite(v)) and v.min() >= 0.0 and v.max() <= 1.0)


class LogisticGame:
    """u(S) = sigmoid(intercept + sum of weights over S)."""

    def __init__(self, intercept: float, weights: np.ndarray):
        self.intercept = float(intercept)
        self.weights = np.asarray(weights, dtype=float)

    @property
    def n_players(self) -> int:
        return len(self.weights)

    def value(self, masks: np.ndarray) -> np.ndarray:
        return _sigmoid(self.intercept + np.asarray(masks, dtype=float) @ self.weights)

    def shapley_values(self, seed: int = 0) -> np.ndarray:
        """The surrogate's Shapley values; they add up to u(all) - u(none) exactly."""
        n = self.n_players
        if n <= ENUMERATE_UP_TO:
            masks = all_masks(n)
            return self.value(masks) @ exact_shapley_weights(masks)
        rng = np.random.default_rng(seed)
        half = np.argsort(rng.random((PERMUTATIONS // 2, n)), axis=1)
        orders = np.vstack([half, half[:, ::-1]])  # antithetic: each order and its reverse
        running = np.cumsum(self.weights[orders], axis=1)
        steps = np.diff(_sigmoid(self.intercept + np.hstack([np.zeros((len(orders), 1)), running])), axis=1)
        phi = np.zeros(n)
        np.add.at(phi, orders.ravel(), steps.ravel())
        return phi / len(orders)


def fit_logistic_game(masks: np.ndarray, values: np.ndarray, weights: np.ndarray | None = None,
                      iterations: int = 30) -> LogisticGame:
    """Least-squares fit, in probability units, of a ``LogisticGame`` to coalitions and their
    values (weighted by ``weights``; equal by default): a weighted fit of the log-odds to start,
    then Levenberg-Marquardt steps. A small ridge keeps it defined on any design."""
    X = np.hstack([np.ones((len(masks), 1)), np.asarray(masks, dtype=float)])
    y = np.asarray(values, dtype=float)
    c = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    strength = RIDGE * c.sum()
    ridge = strength * np.eye(X.shape[1])
    ridge[0, 0] = 0.0
    p = np.clip(y, EPS, 1 - EPS)
    # log-odds fit, each point weighted by the slope of the sigmoid there (the delta method)
    slope = c * (p * (1 - p)) ** 2 + 1e-9
    theta = np.linalg.lstsq(X.T @ (X * slope[:, None]) + ridge, X.T @ (slope * np.log(p / (1 - p))),
                            rcond=None)[0]

    def loss(t):
        r = y - _sigmoid(X @ t)
        return float((c * r * r).sum() + strength * (t[1:] ** 2).sum())

    damping, current = 1e-3, loss(theta)
    for _ in range(iterations):
        s = _sigmoid(X @ theta)
        J = X * (s * (1 - s))[:, None]
        A = J.T @ (J * c[:, None]) + ridge
        grad = J.T @ (c * (y - s)) - ridge @ theta
        step = np.linalg.lstsq(A + damping * np.diag(np.diag(A) + 1e-12), grad, rcond=None)[0]
        trial = loss(theta + step)
        if trial < current:
            theta, current, damping = theta + step, trial, damping / 3
        else:
            damping *= 5
            if damping > 1e8:
                break
    return LogisticGame(theta[0], theta[1:])
