"""How one feature moves a tabular model's probability: partial dependence, ICE, SHAP dependence.

Global (no input): each sampled row is re-predicted with the feature set to every grid value (its
ICE curve); partial dependence is their mean, and the 10th and 90th percentiles at each grid
value show how much rows differ. Beside it, the SHAP dependence view: the mean Shapley value of
the feature toward the same class per value bin of sampled rows (``tabular_sampled_estimators.rows_shapley``:
exact Tree SHAP for averaging ensembles, permutation sampling otherwise). Local (an input): that
input's ICE curve through its own value, the predicted class at every grid value, and each point
where the decision flips, located on a finer grid between the two grid values around it.

Numeric grids: every distinct value when there are at most ``GRID`` of them, else the 1st to 99th
percentiles in ``GRID`` steps (so the curve covers where 98% of the data lie, and its points sit
where the data are). Categorical grids: every category seen.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> from explainer_nlg.attribution.tabular_attributor import TabularAttributor
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"income": [1, 2, 3, 4, 5, 6] * 5, "debt": [6, 5, 4, 3, 2, 1] * 5,
...                    "ok": ["no", "no", "no", "yes", "yes", "yes"] * 5})
>>> model = LogisticRegression().fit(df[["income", "debt"]], df["ok"])
>>> att = TabularAttributor(SklearnPredictor(model, ["income", "debt"]), df)
>>> fe = feature_effect(att, "income", target=1)
>>> fe.grid, fe.shape["direction"]
([1, 2, 3, 4, 5, 6], 'rising')
>>> local = feature_effect(att, "income", x=2, target=1)    # row 2: income 3, debt 4
>>> local.decisions[0], local.decisions[-1], local.flips[0]["at"], local.flips[0]["to"]
('no', 'yes', 5, 'yes')
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError
from ..evidence.effects import FeatureEffect
from .cohort_shapley import sample_ids
from .counterfactual_tabular import whole_numbers
from .tabular_sampled_estimators import rows_shapley

GRID = 25             # numeric grid points (fewer when the feature has fewer distinct values)
ICE_ROWS = 300        # rows whose ICE curves make a global view
SHAP_ROWS = 150       # rows whose Shapley values make the SHAP dependence view
PICTURE_CURVES = 30   # ICE curves kept in the record for the picture
FINE = 16             # points between two grid values when locating a flip
SHAP_BINS = 8
BAND = (10, 90)       # percentiles of the ICE curves shown as the band


def check_feature(attributor: Any, feature: str,
                  one_value: str = ", so there is nothing to vary: its effect cannot be measured."
                  ) -> tuple[str, pd.Series]:
    """(the feature's kind, its non-missing values), or an ExplainerInputError naming the problem
    (``one_value`` ends the message for a feature with a single value in the data)."""
    features = list(attributor.predictor.features)
    if feature not in features:
        raise ExplainerInputError(f"There is no feature {feature!r}. Features: {', '.join(features)}.")
    values = attributor.data[feature].dropna()
    if values.nunique() < 2:
        only = values.iloc[0] if len(values) else "missing"
        raise ExplainerInputError(f"{feature} has one value in the data ({only}){one_value}")
    kind = "numeric" if feature in attributor.schema.numeric_range else "categorical"
    return kind, values


def value_grid(values: pd.Series, kind: str, categories: list[str] | None = None, points: int = GRID) -> list:
    """The grid a curve is computed on (see the module docstring).

    >>> value_grid(pd.Series([3, 1, 2, 2]), "numeric")
    [1, 2, 3]
    >>> len(value_grid(pd.Series(range(1000)), "numeric")), value_grid(pd.Series(range(1000)), "numeric")[:2]
    (25, [10, 51])
    """
    if kind == "categorical":
        return list(categories if categories is not None else sorted(map(str, values.unique())))
    uniq = np.unique(values.astype(float))
    if len(uniq) <= points:
        grid = uniq
    else:
        grid = np.unique(np.quantile(values.astype(float), np.linspace(0.01, 0.99, points)))
        if whole_numbers(values):
            grid = np.unique(np.round(grid))
    return [int(v) if float(v).is_integer() and whole_numbers(values) else float(v) for v in grid]


def _ice(attributor: Any, rows: pd.DataFrame, feature: str, grid: list) -> np.ndarray:
    """(n_rows, n_grid, n_classes) probabilities with ``feature`` set to each grid value."""
    n, g = len(rows), len(grid)
    frame = rows.iloc[np.repeat(np.arange(n), g)].reset_index(drop=True)
    col = np.tile(np.asarray(grid, dtype=object), n)
    numeric = pd.api.types.is_numeric_dtype(frame[feature]) and not pd.api.types.is_bool_dtype(frame[feature])
    frame[feature] = col.astype(float) if numeric else col
    probs = attributor.predictor.predict_proba(frame)
    return np.asarray(probs).reshape(n, g, -1)


def _data_share(values: pd.Series, kind: str, grid: list) -> list[float]:
    if kind == "categorical":
        counts = values.astype(str).value_counts()
        return [float(counts.get(str(c), 0)) / len(values) for c in grid]
    v = np.sort(values.astype(float).to_numpy())
    return [float(np.searchsorted(v, float(x), side="right")) / len(v) for x in grid]


def _share_below(values: pd.Series, at: float) -> float:
    v = values.astype(float).to_numpy()
    return float((v < at).mean())


def _shap_bins(values: pd.Series, phi: np.ndarray, kind: str) -> list[dict]:
    """Mean Shapley value per value bin (numeric: quantile bins; categorical: per category)."""
    out = []
    missing = values.isna().to_numpy()
    if kind == "categorical":
        keys = values.astype(str).to_numpy()
        for c in sorted(set(keys[~missing])):
            sel = (keys == c) & ~missing
            out.append(_bin(None, None, c, phi[sel]))
    else:
        v = values.astype(float).to_numpy()
        known = v[~missing]
        edges = np.unique(np.quantile(known, np.linspace(0, 1, SHAP_BINS + 1))) if len(known) else []
        for i in range(len(edges) - 1):
            lo, hi = edges[i], edges[i + 1]
            sel = ~missing & (v >= lo) & ((v < hi) if i < len(edges) - 2 else (v <= hi))
            if sel.any():
                out.append(_bin(_num(lo), _num(hi), None, phi[sel]))
        if len(edges) == 1:
            out.append(_bin(_num(edges[0]), _num(edges[0]), None, phi[~missing]))
    if missing.any():
        out.append(_bin(None, None, None, phi[missing]))
    return out


def _bin(lo, hi, category, phi: np.ndarray) -> dict:
    se = float(phi.std(ddof=1) / np.sqrt(len(phi))) if len(phi) > 1 else None
    return {"low": lo, "high": hi, "category": category, "mean": float(phi.mean()), "standard_error": se,
            "rows": int(len(phi))}


def _num(v: float):
    return int(v) if float(v).is_integer() else float(v)


def feature_effect(attributor: Any, feature: str, x: Any = None, target: int = 0, rows: int = ICE_ROWS,
                   shap_rows: int = SHAP_ROWS, protected: bool = False, seed: int = 0,
                   ids: list | None = None, cohort: list[dict] | None = None) -> FeatureEffect:
    """The FeatureEffect of ``feature`` toward class index ``target``: global without ``x``, else the
    ICE curve of the input ``x`` (a row id or row). ``rows`` / ``shap_rows``: at most this many
    sampled rows (seeded) for the ICE curves and the SHAP dependence view; ``ids``: the rows to
    sample from (default all; a cohort's effect, whose ``cohort`` filters the record keeps)."""
    start = time.perf_counter()
    kind, known = check_feature(attributor, feature)
    data = attributor.data
    features = list(attributor.predictor.features)
    classes = list(attributor.class_names)
    grid = value_grid(known, kind, attributor.schema.categorical.get(feature))
    notes: list[str] = []
    if x is not None:
        return _local(attributor, feature, kind, known, grid, x, target, protected, start)
    pool = list(data.index) if ids is None else list(ids)
    if not pool:
        raise ExplainerInputError("No rows to compute the effect over.")
    ids = sample_ids(pool, rows, seed)
    frame = data.loc[ids, features]
    probs = _ice(attributor, frame, feature, grid)
    ice = probs[:, :, target]
    decided = probs.argmax(axis=2)
    flip_rows = int((decided != decided[:, :1]).any(axis=1).sum())
    low, high = np.percentile(ice, BAND, axis=0)
    shap_ids = ids[:shap_rows] if len(ids) <= shap_rows else sample_ids(ids, shap_rows, seed)
    shap_frame = data.loc[shap_ids, features]
    phi, _, shap_method = rows_shapley(attributor, shap_frame, [target] * len(shap_ids), feature=feature, seed=seed)
    dependence = {"bins": _shap_bins(shap_frame[feature], np.asarray(phi), kind),
                  "unit": "probability", "method": shap_method, "rows": len(shap_ids)}
    if len(ids) < len(pool):
        notes.append(f"The curves use {len(ids)} randomly sampled rows of the {len(pool)} "
                     f"{'in the data' if len(pool) == len(data) else 'that match'}.")
    method = (f"partial dependence: the mean of {len(ids)} rows' ICE curves over {len(grid)} "
              f"{'categories' if kind == 'categorical' else 'grid values'}; band: their {BAND[0]}th to "
              f"{BAND[1]}th percentile; SHAP dependence: {shap_method}, {len(shap_ids)} rows")
    output = {}
    if getattr(attributor.predictor, "is_regression", False):
        # A number has no decision to flip; "flat" is measured against how much predictions vary.
        own = attributor.predictor.predict_proba(frame)[:, target]
        p10, p90 = np.percentile(own, BAND)
        flip_rows = None
        dependence["unit"] = attributor.predictor.unit
        output = {"output_kind": "regression", "unit": attributor.predictor.unit, "output_spread": float(p90 - p10)}
    return FeatureEffect(
        scope="global", feature=feature, feature_kind=kind, target_label=classes[target], grid=grid,
        values=[float(v) for v in ice.mean(axis=0)], band_low=[float(v) for v in low],
        band_high=[float(v) for v in high], ice=[[float(v) for v in c] for c in ice[:PICTURE_CURVES]],
        flip_rows=flip_rows, data_share=_data_share(known, kind, grid), shap_dependence=dependence,
        rows_used=len(ids), rows_total=len(pool), protected=protected, method=method,
        seconds=round(time.perf_counter() - start, 4), notes=notes, classes=classes, cohort=list(cohort or []),
        **output)


def _local(attributor: Any, feature: str, kind: str, known: pd.Series, grid: list, x: Any, target: int,
           protected: bool, start: float) -> FeatureEffect:
    classes = list(attributor.class_names)
    prepared = attributor.prepare(x)
    row = prepared.batch1
    current = row.iloc[0][feature]
    notes = list(prepared.notes)
    if pd.isna(current):
        current = None
        notes.append(f"This input's {feature} is missing; the curve shows what each value would give.")
    elif kind == "numeric":
        grid = sorted(set(grid) | {_num(float(current))})  # the curve passes through the input itself
    probs = _ice(attributor, row, feature, grid)[0]
    p_now = attributor.predictor.predict_proba(row)[0]
    regression = getattr(attributor.predictor, "is_regression", False)
    decisions = None if regression else [classes[i] for i in probs.argmax(axis=1)]
    # categories have no order, so no "threshold": ``decisions`` says which ones flip it
    flips = _locate_flips(attributor, row, feature, grid, decisions, known) if kind == "numeric" and not regression else []
    output = {}
    if regression:
        # the spread of the data's predictions, so that "flat" means the same as for the global curve
        sample = attributor.data.loc[sample_ids(list(attributor.data.index), 300, 0), list(attributor.predictor.features)]
        p10, p90 = np.percentile(attributor.predictor.predict_proba(sample)[:, target], BAND)
        output = {"output_kind": "regression", "unit": attributor.predictor.unit, "output_spread": float(p90 - p10)}
    method = (f"ICE: this input re-predicted with {feature} set to each of {len(grid)} "
              f"{'categories' if kind == 'categorical' else 'values'}")
    if kind == "numeric" and flips:
        method += f"; flips located on {FINE} points between grid values"
    return FeatureEffect(
        scope="local", feature=feature, feature_kind=kind, target_label=classes[target], grid=list(grid),
        values=[float(v) for v in probs[:, target]], decisions=decisions, flips=flips,
        data_share=_data_share(known, kind, grid),
        current={"value": None if current is None else (_num(float(current)) if kind == "numeric" else current),
                 "probability": float(p_now[target]), "predicted_label": classes[int(p_now.argmax())],
                 "row_id": prepared.input.get("row_id")},
        rows_used=1, rows_total=len(attributor.data), protected=protected, method=method,
        seconds=round(time.perf_counter() - start, 4), notes=notes, classes=classes, **output)


def _locate_flips(attributor: Any, row: pd.DataFrame, feature: str, grid: list, decisions: list[str],
                  known: pd.Series) -> list[dict]:
    """Each change of decision between neighbouring grid values, located on a finer grid (one
    batched model call for all of them)."""
    spots = [i for i in range(1, len(grid)) if decisions[i] != decisions[i - 1]]
    if not spots:
        return []
    whole = whole_numbers(known)
    fines = []
    for i in spots:
        pts = np.linspace(float(grid[i - 1]), float(grid[i]), FINE + 2)[1:-1]
        if whole:
            pts = np.unique(np.round(pts))
            pts = pts[(pts > float(grid[i - 1])) & (pts < float(grid[i]))]
        fines.append(list(pts))
    flat = [v for pts in fines for v in pts]
    classes = list(attributor.class_names)
    fine_labels = [classes[i] for i in _ice(attributor, row, feature, flat)[0].argmax(axis=1)] if flat else []
    out, pos = [], 0
    for i, pts in zip(spots, fines):
        labels = fine_labels[pos:pos + len(pts)]
        pos += len(pts)
        # the first finer point that already gives the new decision, else the grid value itself
        at = next((v for v, lab in zip(pts, labels) if lab == decisions[i]), float(grid[i]))
        out.append({"at": _num(float(at)), "low": grid[i - 1], "high": grid[i], "from": decisions[i - 1],
                    "to": decisions[i], "share_below": _share_below(known, float(at))})
    return out
