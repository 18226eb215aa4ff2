"""A global surrogate: a decision tree of depth at most 4 that imitates the model, and how well.

The tree is fitted to the model's own predictions (not the true labels) on 75% of the data's rows
and its fidelity, the share of the other 25% where it predicts what the model predicts, is the
figure that says how far its rules can be trusted. Numeric features enter as they are (scikit-learn
trees route missing values down the side they learned); categories are one-hot columns, so a split
reads "Home is owner" or "Home is not owner". Each leaf is a rule; its precision is the share of
the data's rows in the leaf that the model predicts the leaf's class for, counted over all rows.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> from explainer_nlg.attribution.tabular_attributor import TabularAttributor
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"income": list(range(100)), "debt": [5] * 100, "ok": ["no"] * 50 + ["yes"] * 50})
>>> model = LogisticRegression().fit(df[["income", "debt"]], df["ok"])
>>> att = TabularAttributor(SklearnPredictor(model, ["income", "debt"]), df)
>>> sur = SurrogateTree(att, max_depth=2)
>>> r = sur.rule()
>>> r.fidelity >= 0.9, [c.feature for c in r.leaves[0].conditions], r.fidelity_rows
(True, ['income'], 25)
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError
from ..evidence.rules import RuleEvidence, RuleLeaf
from .decision_path import _conditions
from .rule_conditions import merge, tidy

MAX_DEPTH = 4
HELD_OUT = 0.25
MIN_LEAF = 20


class SurrogateTree:
    """A depth-limited tree fitted once to a tabular explainer's model; ``rule`` reads it."""

    def __init__(self, attributor: Any, max_depth: int = MAX_DEPTH, seed: int = 0):
        from sklearn.model_selection import train_test_split
        from sklearn.tree import DecisionTreeClassifier

        start = time.perf_counter()
        if not 1 <= int(max_depth) <= MAX_DEPTH:
            raise ExplainerInputError(f"A surrogate tree's depth must be 1 to {MAX_DEPTH}, not {max_depth}.")
        self.attributor = attributor
        self.features = list(attributor.predictor.features)
        self.categories = {f: list(attributor.schema.categorical[f]) for f in self.features
                           if f in attributor.schema.categorical}
        data = attributor.data
        if len(data) < 4 * MIN_LEAF:
            raise ExplainerInputError(f"The data has {len(data)} rows; a surrogate tree needs at least {4 * MIN_LEAF} "
                                      "to fit and to measure its fidelity on held-out rows.")
        self.encoded, self.columns = self._encode(data)
        self.preds = attributor.data_predictions()
        idx = np.arange(len(data))
        stratify = self.preds if np.bincount(self.preds).min(initial=len(idx)) >= 2 else None
        train, test = train_test_split(idx, test_size=HELD_OUT, random_state=seed, stratify=stratify)
        self.tree = DecisionTreeClassifier(max_depth=int(max_depth), min_samples_leaf=MIN_LEAF, random_state=seed)
        self.tree.fit(self.encoded.iloc[train], self.preds[train])
        self.fidelity = float((self.tree.predict(self.encoded.iloc[test]) == self.preds[test]).mean())
        self.fidelity_rows = len(test)
        self.train_rows = len(train)
        self.leaf_of = self.tree.apply(self.encoded)
        self.seconds_to_fit = time.perf_counter() - start

    def _encode(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str, Any]]]:
        cols, columns = {}, []
        for f in self.features:
            if f in self.categories:
                text = frame[f].astype(object)
                for c in self.categories[f]:
                    cols[f"{f}={c}"] = (text.astype(str) == c).astype(float).to_numpy()
                    columns.append((f, "onehot", c))
            else:
                cols[f] = frame[f].to_numpy(dtype=float)
                columns.append((f, "numeric", None))
        return pd.DataFrame(cols, index=frame.index), columns

    def _path(self, leaf: int) -> list:
        """The conditions from the root to ``leaf``, read from one row that lands there."""
        row = int(np.flatnonzero(self.leaf_of == leaf)[0])
        conds, _ = _conditions(self.tree, self.encoded.iloc[[row]], self.columns)
        return self._tidy(merge(conds))

    def _tidy(self, conditions: list) -> list:
        schema = self.attributor.schema
        return tidy(conditions, schema.categorical, schema.allows_missing)

    def rule(self, x: Any = None) -> RuleEvidence:
        """The surrogate as a RuleEvidence: every leaf as a rule (largest first) and, with an input
        ``x``, the leaf it falls in as the record's conditions."""
        start = time.perf_counter()
        att = self.attributor
        classes = list(att.class_names)
        tree_classes = [int(c) for c in self.tree.classes_]
        n = len(self.preds)
        by_node: dict[int, RuleLeaf] = {}
        for leaf in np.unique(self.leaf_of):
            in_leaf = self.leaf_of == leaf
            pred = tree_classes[int(self.tree.tree_.value[leaf].ravel().argmax())]
            by_node[int(leaf)] = RuleLeaf(self._path(int(leaf)), classes[pred],
                                          float((self.preds[in_leaf] == pred).mean()), float(in_leaf.mean()),
                                          int(in_leaf.sum()))
        leaves = sorted(by_node.values(), key=lambda lf: -lf.rows)
        method = (f"decision tree of depth {self.tree.get_depth()} (at most {self.tree.max_depth}, at least "
                  f"{MIN_LEAF} rows per leaf) fitted to the model's predictions on {self.train_rows} rows; fidelity: "
                  f"agreement with the model on {self.fidelity_rows} held-out rows")
        common = classes[int(np.bincount(self.preds).argmax())]
        notes = []
        if x is None:
            out = RuleEvidence("surrogate", None, None, [], common, None, 1.0, n, n, leaves=leaves,
                               fidelity=self.fidelity, fidelity_rows=self.fidelity_rows, depth=self.tree.get_depth(),
                               method=method, notes=notes)
        else:
            prepared = att.prepare(x)
            predicted = classes[int(np.asarray(att.predictor.predict_proba(prepared.batch1))[0].argmax())]
            enc, _ = self._encode(prepared.batch1)
            leaf = int(self.tree.apply(enc)[0])
            mine = by_node.get(leaf)
            if mine is None:  # a leaf no data row reaches (possible for an edited row)
                conds, _ = _conditions(self.tree, enc, self.columns)
                pred = tree_classes[int(self.tree.tree_.value[leaf].ravel().argmax())]
                mine = RuleLeaf(self._tidy(merge(conds)), classes[pred], None, 0.0, 0)
            if mine.prediction != predicted:
                notes.append(f"For this input the surrogate predicts “{mine.prediction}” but the model predicts "
                             f"“{predicted}”: the surrogate's rule does not describe this decision.")
            out = RuleEvidence("surrogate", prepared.input, predicted, mine.conditions, mine.prediction,
                               mine.precision, mine.coverage, mine.rows, n, leaves=leaves,
                               fidelity=self.fidelity, fidelity_rows=self.fidelity_rows, depth=self.tree.get_depth(),
                               method=method, notes=notes)
        return replace(out, seconds=round(time.perf_counter() - start, 4))
