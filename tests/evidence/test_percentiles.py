"""Each numeric feature's standing among the background rows (evidence/percentiles.py; decision 0023):
the computation, its bad input, and the records built from contributions or a shap.Explanation
that carry it in ``extra["percentiles"]``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explainer_nlg import Evidence, ExplainerInputError
from explainer_nlg.evidence.percentiles import percentiles_among, record_percentiles

CARS = pd.DataFrame({"weight": [1800, 2200, 2600, 3000, 3400, 3900, 4400, 2600],
                     "horsepower": [50, 70, 90, 110, 130, 150, 190, np.nan],
                     "origin": ["JP", "JP", "EU", "US", "US", "US", "US", "EU"]})
CONTRIBUTIONS = [("weight", 2600, 1.9), ("horsepower", 70, 1.1), ("origin", "JP", 0.4)]


def test_share_below_with_ties_counting_half():
    # 2600: two rows below (1800, 2200), two ties -> (2 + 1) / 8
    assert percentiles_among({"weight": 2600}, CARS) == {"weight": 0.375}
    assert percentiles_among({"weight": 1000}, CARS) == {"weight": 0.0}
    assert percentiles_among({"weight": 9999}, CARS) == {"weight": 1.0}
    assert percentiles_among({"weight": 1800}, {"weight": [1800] * 4}) == {"weight": 0.5}


def test_missing_background_values_are_no_rows():
    # horsepower has 7 known values: one below 70 and one tie -> 1.5 / 7
    assert percentiles_among({"horsepower": 70}, CARS) == {"horsepower": round(1.5 / 7, 4)}


def test_the_three_shapes_of_background_agree():
    row = {"weight": 3000, "horsepower": 110}
    frame = percentiles_among(row, CARS[["weight", "horsepower"]])
    columns = percentiles_among(row, {"weight": CARS["weight"].tolist(), "horsepower": CARS["horsepower"].tolist()})
    array = percentiles_among(row, CARS[["weight", "horsepower"]].to_numpy(), names=["weight", "horsepower"])
    assert frame == columns == array == {"weight": 0.5625, "horsepower": 0.5}


def test_non_numeric_missing_and_absent_features_are_skipped():
    got = percentiles_among({"weight": None, "origin": "JP", "doors": 4, "horsepower": "fast"}, CARS)
    assert got == {}
    flags = pd.DataFrame({"turbo": [True, False, True], "kind": pd.Categorical([1, 2, 1])})
    assert percentiles_among({"turbo": 1, "kind": 2}, flags) == {}


def test_a_bad_background_shape_is_named():
    with pytest.raises(ExplainerInputError, match="2-D array"):
        percentiles_among({"weight": 1}, [1, 2, 3], names=["weight"])
    with pytest.raises(ExplainerInputError, match="2 columns but there are 3 feature names"):
        percentiles_among({"weight": 1}, [[1, 2], [3, 4]], names=["a", "b", "c"])


@pytest.mark.parametrize("p", [1.5, -0.1, float("nan"), float("inf"), "high", None, True])
def test_a_percentile_outside_0_1_or_not_a_number_is_a_value_error_naming_the_feature(p):
    with pytest.raises(ValueError, match="percentile of weight"):
        Evidence.from_contributions(CONTRIBUTIONS, prediction=30.0, base_value=26.6, percentiles={"weight": p})


def test_given_percentiles_must_name_a_numeric_feature():
    with pytest.raises(ExplainerInputError, match="wieght"):
        record_percentiles(["weight"], [2600], {"wieght": 0.2})
    with pytest.raises(ExplainerInputError, match="origin has the value 'JP'"):
        Evidence.from_contributions(CONTRIBUTIONS, prediction=30.0, base_value=26.6, percentiles={"origin": 0.5})
    with pytest.raises(ExplainerInputError, match="table"):
        Evidence.from_contributions([("light", 0.2)], prediction=0.7, base_value=0.5, input_kind="text",
                                    kind="classification", label="good", percentiles={"light": 0.5})


def test_from_contributions_keeps_given_percentiles_and_fills_the_rest_from_the_background():
    ev = Evidence.from_contributions(CONTRIBUTIONS, prediction=30.0, base_value=26.6, unit="mpg",
                                     percentiles={"weight": 0.2}, background=CARS)
    assert ev.extra["percentiles"] == {"weight": 0.2, "horsepower": round(1.5 / 7, 4)}
    assert Evidence.from_json(ev.to_json()) == ev  # plain data: schema version 2 round-trips it


@pytest.mark.parametrize("background", [CARS, CARS.to_dict("list"), CARS.to_numpy()[:, :2]])
def test_from_contributions_with_each_shape_of_background(background):
    contributions = CONTRIBUTIONS if not isinstance(background, np.ndarray) else CONTRIBUTIONS[:2]
    ev = Evidence.from_contributions(contributions, prediction=30.0, base_value=26.6, unit="mpg",
                                     background=background)
    assert ev.extra["percentiles"] == {"weight": 0.375, "horsepower": round(1.5 / 7, 4)}


def test_a_record_without_percentiles_reads_as_before():
    ev = Evidence.from_contributions(CONTRIBUTIONS, prediction=30.0, base_value=26.6)
    assert "percentiles" not in ev.extra
    old = ev.to_dict()
    assert Evidence.from_dict(old) == ev


def test_from_shap_with_a_background():
    shap = pytest.importorskip("shap")
    X = CARS[["weight", "horsepower"]].fillna(100.0)
    explanation = shap.Explanation(values=np.array([[2.0, 1.0]]), base_values=np.array([26.0]),
                                   data=X.iloc[[1]].to_numpy(), feature_names=["weight", "horsepower"])
    ev = Evidence.from_shap(explanation[0], unit="mpg", name="fuel economy", background=X.to_numpy())
    assert ev.extra["percentiles"] == {"weight": 0.1875, "horsepower": 0.1875}
    bare = Evidence.from_shap(explanation[0], unit="mpg", name="fuel economy")
    assert "percentiles" not in bare.extra
    with pytest.raises(ValueError, match="percentile of horsepower"):
        Evidence.from_shap(explanation[0], unit="mpg", percentiles={"horsepower": 2})
