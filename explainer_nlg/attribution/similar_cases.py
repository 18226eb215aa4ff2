"""Similar cases: the labelled rows nearest to an input, with the model's predictions and their truth.

Distance is a weighted Gower-style sum over the features: a numeric difference in units of the
feature's spread (scaled MAD, the unit the counterfactual search ranks by) capped at 3, so one
extreme value cannot swamp the rest; a category 0 when it matches and 1 when it does not; a
missing value 0 against a missing value and 1 against anything else. The weights are the
features' mean |Shapley value| over sampled rows (each toward its own predicted class), so the
features the model leans on decide what "similar" means, and a feature the model ignores does not.

The index (scaled columns, predictions, weights) is built once per explainer; a query is then a
few vectorised operations over the rows.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> from explainer_nlg.attribution.tabular_attributor import TabularAttributor
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"income": [1, 2, 3, 4, 5, 6] * 4, "debt": [6, 5, 4, 3, 2, 1] * 4,
...                    "ok": ["no", "no", "no", "yes", "yes", "yes"] * 4})
>>> model = LogisticRegression().fit(df[["income", "debt"]], df["ok"])
>>> att = TabularAttributor(SklearnPredictor(model, ["income", "debt"]), df)
>>> sc = SimilarCaseIndex(att, df["ok"]).query(0, k=3)
>>> [n.row_id for n in sc.neighbours], [n.distance for n in sc.neighbours], sc.correct
([6, 12, 18], [0.0, 0.0, 0.0], 3)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from ..evidence.serialise import to_plain
from ..evidence.similar import Neighbour, SimilarCases
from .cohort_shapley import sample_ids
from .counterfactual_tabular import feature_spread
from .tabular_sampled_estimators import rows_shapley

WEIGHT_ROWS = 200   # rows whose Shapley values set the feature weights
CAP = 3.0           # a numeric difference counts at most this many spreads


class SimilarCaseIndex:
    """The rows of a tabular explainer, ready for nearest-neighbour queries."""

    def __init__(self, attributor: Any, labels: pd.Series | None = None, seed: int = 0):
        start = time.perf_counter()
        self.attributor = attributor
        data = attributor.data
        self.features = list(attributor.predictor.features)
        self.numeric = [f for f in self.features if f in attributor.schema.numeric_range]
        self.categorical = [f for f in self.features if f not in attributor.schema.numeric_range]
        self.num = data[self.numeric].to_numpy(dtype=float) if self.numeric else np.zeros((len(data), 0))
        self.spread = np.array([feature_spread(data[f]) for f in self.numeric])
        self.cat = data[self.categorical].astype(object).to_numpy() if self.categorical else \
            np.zeros((len(data), 0), dtype=object)
        self.cat_missing = pd.isna(data[self.categorical]).to_numpy() if self.categorical else self.cat.astype(bool)
        self.cat = np.where(self.cat_missing, "", self.cat).astype(str)
        self.probs = attributor.data_probabilities()
        self.ids = list(data.index)
        self.labels = None
        if labels is not None and labels.notna().any():
            self.labels = labels.reindex(data.index).astype(object).where(labels.reindex(data.index).notna(), None)
        self.weights, self.weight_method, self.weight_rows = self._weights(seed)
        self.seconds_to_build = time.perf_counter() - start

    def _weights(self, seed: int) -> tuple[dict[str, float], str, int]:
        att = self.attributor
        used = sample_ids(self.ids, WEIGHT_ROWS, seed)
        frame = att.data.loc[used, self.features]
        targets = np.asarray(att.predictor.predict_proba(frame)).argmax(axis=1)
        values, _, method = rows_shapley(att, frame, targets, seed=seed)
        mean_abs = np.abs(values).mean(axis=0)
        total = mean_abs.sum()
        w = mean_abs / total if total > 0 else np.full(len(self.features), 1 / len(self.features))
        return {f: float(v) for f, v in zip(self.features, w)}, method, len(used)

    def distances(self, row: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(n_rows,) weighted distances to ``row`` and (n_rows, n_features) per-feature differences
        (in the model's feature order, before weighting)."""
        per = np.zeros((len(self.ids), len(self.features)))
        cols = {f: i for i, f in enumerate(self.features)}
        if self.numeric:
            q = row[self.numeric].to_numpy(dtype=float)[0]
            with np.errstate(invalid="ignore"):
                d = np.minimum(np.abs(self.num - q) / self.spread, CAP)
            both = np.isnan(self.num) & np.isnan(q)
            d = np.where(both, 0.0, np.where(np.isnan(d), 1.0, d))
            per[:, [cols[f] for f in self.numeric]] = d
        if self.categorical:
            raw = row[self.categorical].astype(object).to_numpy()[0]
            q_missing = pd.isna(raw)
            q = np.where(q_missing, "", raw).astype(str)
            d = (self.cat != q).astype(float)
            d = np.where(self.cat_missing & q_missing, 0.0, np.where(self.cat_missing ^ q_missing, 1.0, d))
            per[:, [cols[f] for f in self.categorical]] = d
        w = np.array([self.weights[f] for f in self.features])
        return per @ w, per

    def query(self, x: Any, k: int = 5) -> SimilarCases:
        """The ``k`` nearest labelled rows to ``x`` (a row id or a row), the input itself excluded."""
        from ..errors import ExplainerInputError

        start = time.perf_counter()
        if k < 1:
            raise ExplainerInputError("k must be at least 1.")
        att = self.attributor
        prepared = att.prepare(x)
        row = prepared.batch1
        classes = list(att.class_names)
        p = att.predictor.predict_proba(row)[0]
        dist, per = self.distances(row)
        pool = np.ones(len(self.ids), bool)
        notes = []
        if self.labels is not None:
            pool &= self.labels.notna().to_numpy()
        else:
            notes.append("The data has no true labels, so the neighbours' outcomes are unknown; they are the "
                         "nearest rows of all.")
        rid = prepared.input.get("row_id")
        if rid is not None:
            pool &= np.asarray([i != rid for i in self.ids])
        candidates = np.flatnonzero(pool)
        order = candidates[np.lexsort((candidates, dist[candidates]))][:k]
        order_w = sorted(self.features, key=lambda f: -self.weights[f])
        neighbours = []
        data = att.data
        for i in order:
            pred = int(self.probs[i].argmax())
            truth = None if self.labels is None else str(self.labels.iloc[i])
            diff = [f for f in order_w if per[i, self.features.index(f)] > 0]
            row_values = {f: to_plain(data.iloc[i][f]) for f in self.features}
            neighbours.append(Neighbour(to_plain(self.ids[i]), row_values, float(dist[i]), classes[pred],
                                        float(self.probs[i, pred]), truth,
                                        None if truth is None else truth == classes[pred], diff))
        if len(order) < k:
            notes.append(f"Only {len(order)} rows could be compared.")
        method = (f"weighted distance over {len(self.features)} features (numeric: difference in spreads, capped "
                  f"at {CAP:g}; categories: 0 if matched, 1 if not); weights: mean |Shapley value| over "
                  f"{self.weight_rows} sampled rows ({self.weight_method})")
        return SimilarCases(prepared.input, classes[int(p.argmax())], {c: float(v) for c, v in zip(classes, p)},
                            k, neighbours, dict(self.weights), int(len(candidates)), method,
                            round(time.perf_counter() - start, 4), notes)
