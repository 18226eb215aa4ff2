"""All coalitions of n players, and the Shapley weight of each: what exact enumeration needs.

>>> all_masks(2).astype(int).tolist()
[[0, 0], [1, 0], [0, 1], [1, 1]]
>>> values = np.array([0.0, 1.0, 2.0, 4.0])  # v(none), v(a), v(b), v(ab)
>>> (values @ exact_shapley_weights(all_masks(2))).tolist()
[1.5, 2.5]
"""

from __future__ import annotations

import math

import numpy as np


def all_masks(n: int) -> np.ndarray:
    """All 2^n coalitions as a (2^n, n) boolean array; row s has player i iff bit i of s is set."""
    idx = np.arange(2**n, dtype=np.int64)[:, None]
    return ((idx >> np.arange(n)) & 1).astype(bool)


def exact_shapley_weights(masks: np.ndarray) -> np.ndarray:
    """(2^n, n) coefficients C with phi = v @ C, for v over ``all_masks(n)`` (any row order)."""
    n = masks.shape[1]
    sizes = masks.sum(1)
    # w[k] = k!(n-k-1)!/n!: weight of a coalition of size k not containing i.
    w = np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)])
    w_with = np.where(sizes > 0, w[np.clip(sizes - 1, 0, n - 1)], 0.0)  # S contains i, |S \ i| = size-1
    w_without = np.where(sizes < n, w[np.clip(sizes, 0, n - 1)], 0.0)
    return np.where(masks, w_with[:, None], -w_without[:, None])
