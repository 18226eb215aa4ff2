"""The actual path of an input through a tree model, stated as conditions on the user's features.

For a single decision tree, or an ensemble of at most ``MAX_TREES`` scikit-learn trees (random
forest, extra trees, gradient boosting), at the end of a pipeline whose steps keep one column per
feature (passthrough, ordinal-encoded categories) or one-hot encode categories. Every tree's path
comes from its own ``decision_path``; the rule is the intersection of the paths, merged into one
condition per feature. Inside that region every tree lands in the same leaf, so the model's output
is the same for every row that meets the rule: its precision, counted over the data's rows, is 1
unless a row falls between the model's encoding and the stated condition (the count would show it).

Anything else (a boosted model with hundreds of trees, a non-tree model) raises an
ExplainerInputError that says so and points to the local rule.

>>> import pandas as pd
>>> from sklearn.tree import DecisionTreeClassifier
>>> from explainer_nlg.attribution.tabular_attributor import TabularAttributor
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"income": [1, 2, 3, 4, 5, 6] * 5, "debt": [6, 5, 4, 3, 9, 1] * 5,
...                    "ok": ["no", "no", "no", "yes", "no", "yes"] * 5})
>>> model = DecisionTreeClassifier(random_state=0).fit(df[["income", "debt"]], df["ok"])
>>> att = TabularAttributor(SklearnPredictor(model, ["income", "debt"]), df)
>>> r = decision_path(att, 3)
>>> [c.text() for c in r.conditions], r.prediction, r.precision
(['debt <= 3.5'], 'yes', 1.0)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ..errors import ExplainerInputError
from ..evidence.rules import Condition, RuleEvidence, RulePath
from .rule_conditions import holds, merge, tidy

MAX_TREES = 10
SINGLE = ("DecisionTreeClassifier", "ExtraTreeClassifier")
FORESTS = ("RandomForestClassifier", "ExtraTreesClassifier")
BOOSTED = ("GradientBoostingClassifier",)


def _split(model: Any) -> tuple[Any, Any]:
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline):
        return (model[:-1] if len(model) > 1 else None), model[-1]
    return None, model


def _trees(final: Any) -> list[Any]:
    """The fitted tree estimators of a supported model, or an ExplainerInputError saying why not."""
    name = type(final).__name__
    if name in SINGLE:
        return [final]
    if name in FORESTS:
        trees = list(final.estimators_)
    elif name in BOOSTED:
        trees = [t for stage in final.estimators_ for t in stage]
    elif name.startswith("HistGradientBoosting"):
        n = int(getattr(final, "n_iter_", 0)) * max(1, len(getattr(final, "classes_", [])) - 1 or 1)
        raise ExplainerInputError(
            f"The model is a boosted ensemble of {n} trees ({name}): no single path through one tree is the rule "
            "it followed. Ask for the local rule instead (conditions on this input's values, with how often "
            "they hold).")
    else:
        raise ExplainerInputError(
            f"The model ({name}) is not a tree model, so it has no decision path. Ask for the local rule instead "
            "(conditions on this input's values, with how often they hold).")
    if len(trees) > MAX_TREES:
        raise ExplainerInputError(
            f"The model is an ensemble of {len(trees)} trees ({name}); a path through each is no readable rule "
            f"(at most {MAX_TREES}). Ask for the local rule instead (conditions on this input's values, with how "
            "often they hold).")
    return trees


def _column_map(prep: Any, features: list[str]) -> list[tuple[str, str, Any]]:
    """For each column the final model sees: (feature, "numeric" | "ordinal" | "onehot", categories
    or the one-hot category), or an ExplainerInputError when a column maps to no single feature."""
    if prep is None:
        return [(f, "numeric", None) for f in features]
    names = [str(n) for n in prep.get_feature_names_out()]
    encoders = _encoders(prep)
    out = []
    for n in names:
        if n in features:
            enc = encoders.get(n)
            if enc is not None and enc[0] == "ordinal":
                out.append((n, "ordinal", [str(c) for c in enc[1]]))
            else:
                out.append((n, "numeric", None))
            continue
        hit = next(((f, enc[1]) for f, enc in encoders.items() if enc[0] == "onehot"
                    for c in enc[1] if n == f"{f}_{c}"), None)
        if hit is None:
            raise ExplainerInputError(f"The model's column {n!r} is not one of the features, so its path cannot "
                                      "be stated on them. Ask for the local rule instead.")
        cat = n[len(hit[0]) + 1:]
        out.append((hit[0], "onehot", cat))
    return out


def _encoders(prep: Any) -> dict[str, tuple[str, list]]:
    """feature -> ("ordinal" | "onehot", categories) for the encoders inside ``prep``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    found: dict[str, tuple[str, list]] = {}

    def visit(obj: Any) -> None:
        if isinstance(obj, ColumnTransformer):
            for _, tr, _cols in obj.transformers_:
                visit(tr)
        elif hasattr(obj, "steps"):
            for _, step in obj.steps:
                visit(step)
        elif isinstance(obj, (OrdinalEncoder, OneHotEncoder)):
            kind = "ordinal" if isinstance(obj, OrdinalEncoder) else "onehot"
            for f, cats in zip(obj.feature_names_in_, obj.categories_):
                found[str(f)] = (kind, [c for c in cats if not (isinstance(c, float) and np.isnan(c))])

    visit(prep)
    return found


def _conditions(tree: Any, x: np.ndarray, columns: list[tuple[str, str, Any]]) -> tuple[list[Condition], Any]:
    """The path of the one transformed row ``x`` through ``tree``: conditions and the leaf's value."""
    t = tree.tree_
    nodes = tree.decision_path(x).indices
    missing_left = getattr(t, "missing_go_to_left", None)
    out = []
    for node, nxt in zip(nodes[:-1], nodes[1:]):
        j, thr = int(t.feature[node]), float(t.threshold[node])
        left = nxt == t.children_left[node]
        nan_left = bool(missing_left[node]) if missing_left is not None else False
        or_missing = nan_left == left  # missing values take this side as well
        feature, kind, extra = columns[j]
        if kind == "numeric":
            out.append(Condition(feature, "<=" if left else ">", _round(thr), or_missing))
        elif kind == "ordinal":
            codes = np.arange(len(extra))
            keep = codes <= thr if left else codes > thr
            out.append(Condition(feature, "in", [extra[i] for i in codes[keep]], or_missing))
        elif str(extra) in ("nan", "None"):  # the one-hot column of missing values
            out.append(Condition(feature, "not missing" if left else "missing"))
        else:  # one-hot: "column <= 0.5" is "not this category"; a missing value has a 0 there too
            out.append(Condition(feature, "!=" if left else "==", extra, left))
    return out, t.value[nodes[-1]].ravel().tolist()


def _tidy(attributor: Any, conditions: list[Condition]) -> list[Condition]:
    return tidy(conditions, attributor.schema.categorical, attributor.schema.allows_missing)


def _round(v: float):
    r = round(v, 6)
    return int(r) if float(r).is_integer() else r


def decision_path(attributor: Any, x: Any) -> RuleEvidence:
    """The path of the input ``x`` through the model's tree(s), as a RuleEvidence (see the module
    docstring); an ExplainerInputError for models that have no readable path."""
    start = time.perf_counter()
    predictor = attributor.predictor
    prep, final = _split(predictor.model)
    trees = _trees(final)
    features = list(predictor.features)
    prepared = attributor.prepare(x)
    row = prepared.batch1[features]
    # a bare tree is given the frame itself: it was fitted with the column names
    xt = prep.transform(row) if prep is not None else row
    columns = _column_map(prep, features)
    classes = list(attributor.class_names)
    predicted = classes[int(np.asarray(predictor.predict_proba(prepared.batch1))[0].argmax())]
    paths, every = [], []
    for i, tree in enumerate(trees):
        conds, leaf = _conditions(tree, xt, columns)
        paths.append(RulePath(i + 1, _tidy(attributor, merge(conds)), [float(v) for v in leaf]))
        every += conds
    conditions = _tidy(attributor, merge(every))
    data = attributor.data
    mask = holds(data, conditions)
    preds = attributor.data_predictions()
    matching = int(mask.sum())
    target = classes.index(predicted)
    precision = float((preds[mask] == target).mean()) if matching else None
    name = type(final).__name__
    method = (f"the input's path through {'the tree' if len(trees) == 1 else f'each of the {len(trees)} trees'} "
              f"of the {name} (sklearn decision_path), merged into one condition per feature; precision and "
              "coverage counted over the data's rows")
    notes = [] if len(trees) == 1 else [f"The rule is where all {len(trees)} trees' paths overlap: inside it every "
                                        "tree lands in the same leaf."]
    return RuleEvidence("decision-path", prepared.input, predicted, conditions, predicted, precision,
                        matching / len(data), matching, len(data), paths=paths if len(trees) > 1 else [],
                        method=method, seconds=round(time.perf_counter() - start, 4), notes=notes)
