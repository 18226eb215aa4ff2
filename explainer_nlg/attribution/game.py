"""Cooperative games: the exact object Shapley values are computed for.

A game has ``player_names`` and a vectorised ``value(masks)`` over boolean
coalition masks of shape (m, n). Every explainer exposes its game
(``Explainer.game(x)``) so anyone can brute-force the same Shapley values.

>>> import numpy as np
>>> g = FunctionGame(["a", "b"], lambda m: m[:, 0] * 1.0 + m[:, 1] * 2.0 + m.all(1))
>>> g.value(np.array([[True, True], [False, True]]))
array([4., 2.])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class Game:
    """Base class: subclasses implement ``_value(masks)``; ``value`` validates the shape."""

    player_names: list[str]

    @property
    def n_players(self) -> int:
        return len(self.player_names)

    def value(self, masks: np.ndarray) -> np.ndarray:
        masks = np.asarray(masks, dtype=bool)
        if masks.ndim == 1:
            masks = masks[None, :]
        if masks.shape[1] != self.n_players:
            raise ValueError(f"Masks have {masks.shape[1]} columns; the game has {self.n_players} players.")
        if len(masks) == 0:
            return np.zeros(0)
        return np.asarray(self._value(masks), dtype=float).reshape(-1)

    def _value(self, masks: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class FunctionGame(Game):
    """A game from a plain function of the masks (for tests and user-defined games)."""

    def __init__(self, player_names: list[str], fn: Callable[[np.ndarray], np.ndarray]):
        self.player_names = list(player_names)
        self._fn = fn

    def _value(self, masks: np.ndarray) -> np.ndarray:
        return self._fn(masks)


class CachedGame(Game):
    """Wraps a game so no coalition is evaluated twice; counts real evaluations.

    ``n_evaluations`` counts the coalitions the inner game computed (one model
    call per coalition for text and images; for tabular games each coalition
    is averaged over the background rows, which ``rows_per_coalition`` reports).
    """

    def __init__(self, game: Game):
        self.inner = game
        self.player_names = game.player_names
        self._cache: dict[bytes, float] = {}
        self.n_evaluations = 0

    def _value(self, masks: np.ndarray) -> np.ndarray:
        keys = [np.packbits(m).tobytes() for m in masks]
        todo: dict[bytes, int] = {}
        for i, key in enumerate(keys):
            if key not in self._cache and key not in todo:
                todo[key] = i
        if todo:
            rows = masks[list(todo.values())]
            values = self.inner.value(rows)
            self.n_evaluations += len(rows)
            self._cache.update(zip(todo.keys(), values.tolist()))
        return np.array([self._cache[k] for k in keys])
