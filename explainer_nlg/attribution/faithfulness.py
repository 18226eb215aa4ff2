"""ERASER faithfulness of an attribution, measured on the same game it explains.

comprehensiveness = v(N) - v(N minus top-k): how much the prediction drops when the
                    top-k supporting players are removed (higher is better);
sufficiency       = v(N) - v(top-k only): how much it drops when only they remain
                    (lower is better).
A random baseline (the same k, players drawn at random) puts the figures in context.
"""

from __future__ import annotations

import numpy as np

from .game import Game


def eraser(game: Game, values: np.ndarray, k: int | None = None, n_random: int = 5, seed: int = 0) -> dict:
    n = len(values)
    supporting = np.flatnonzero(values > 0)
    pool = supporting[np.argsort(-values[supporting])] if len(supporting) else np.argsort(-np.abs(values))
    k = int(min(k or 5, len(pool), n))
    top = pool[:k]
    full = np.ones(n, bool)
    without = full.copy()
    without[top] = False
    rng = np.random.default_rng(seed)
    randoms = []
    for _ in range(n_random if k < n else 0):
        m = full.copy()
        m[rng.choice(n, k, replace=False)] = False
        randoms.append(m)
    masks = np.array([full, without, ~without] + randoms)
    v = game.value(masks)
    return {
        "k": k,
        "top_k": [game.player_names[i] for i in top],
        "p_full": float(v[0]),
        "p_without_top_k": float(v[1]),
        "p_only_top_k": float(v[2]),
        "comprehensiveness": float(v[0] - v[1]),
        "sufficiency": float(v[0] - v[2]),
        "comprehensiveness_random_k": float(np.mean(v[0] - v[3:])) if randoms else None,
    }
