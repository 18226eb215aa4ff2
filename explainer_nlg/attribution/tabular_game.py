"""The tabular game (interventional Shapley): what "a missing feature" means for a row.

A missing feature takes the values of a background sample of the user's data:
v(S) = mean over background rows b of p_target(x_S, b_rest). This is the game
``shap.TreeExplainer(..., feature_perturbation="interventional",
model_output="probability")`` solves exactly for tree models, so the tree path
and brute force on this game agree (a test checks it); ``tabular_estimators`` holds
both exact shortcuts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .game import Game


class TabularGame(Game):
    def __init__(self, predictor, row: pd.DataFrame, background: pd.DataFrame, target: int,
                 coalition_values=None):
        """``coalition_values(row, masks, target)``: the same values computed another way (a
        boosted model's trees read directly, ``BoostedTreeShapley.coalition_values``, over this
        ``background``), used instead of predicting the hybrid rows."""
        self.predictor = predictor
        self.coalition_values = coalition_values
        self.row = row
        self.background = background.reset_index(drop=True)
        self.target = target
        self.player_names = list(row.columns)
        self.rows_per_coalition = len(self.background)

    def _value(self, masks: np.ndarray) -> np.ndarray:
        if self.coalition_values is not None:
            return self.coalition_values(self.row, masks, self.target)
        b = len(self.background)
        # One big frame: each coalition's rows are the background with the kept features overwritten.
        frame = pd.concat([self.background] * len(masks), ignore_index=True)
        keep = np.repeat(masks, b, axis=0)
        for j, col in enumerate(self.player_names):
            if keep[:, j].any():
                values = frame[col].to_numpy(dtype=object if frame[col].dtype == object else None, copy=True)
                values[keep[:, j]] = self.row.iloc[0][col]
                frame[col] = values
        p = self.predictor.predict_proba(frame)[:, self.target]
        return p.reshape(len(masks), b).mean(1)
