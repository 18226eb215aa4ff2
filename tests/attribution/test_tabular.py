import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.attribution.shapley_estimators import exact_shapley


@pytest.fixture(scope="module")
def loan():
    return Explainer.demo("loan")


def contributions(ev):
    return np.array([a.contribution for a in ev.attributions])


def test_loan_demo_loads_offline_with_readable_schema(loan):
    assert loan.class_names == ["bad", "good"]
    assert "Income" in loan.info["features"] and "Status" not in loan.info["features"]
    assert loan.info["metrics"]["held_out_roc_auc"] > 0.8
    assert set(loan.schema.categorical["Home"]) >= {"owner", "rent", "parents"}


def test_loan_explanation_equals_brute_force_on_its_game(loan):
    ev = loan.explain(17)
    brute = exact_shapley(loan.game(17))
    assert np.allclose(contributions(ev), brute.values, atol=1e-9)
    assert ev.base_value == pytest.approx(brute.empty_value, abs=1e-9)
    assert ev.efficiency_gap() < 1e-9
    assert ev.input["row_id"] == 17


def test_loan_target_other_class_flips_signs(loan):
    good, bad = loan.explain(17), loan.explain(17, target="bad")
    assert bad.target_label == "bad"
    assert np.allclose(contributions(good), -contributions(bad), atol=1e-9)


def test_loan_faithfulness_beats_random(loan):
    f = loan.explain(17).faithfulness
    assert f["comprehensiveness"] > f["comprehensiveness_random_k"]
    assert f["p_full"] - f["p_without_top_k"] == pytest.approx(f["comprehensiveness"])


def test_loan_row_as_dict_matches_row_id(loan):
    row = loan.rows().loc[17].drop("Status").to_dict()
    assert np.allclose(contributions(loan.explain(row)), contributions(loan.explain(17)))


def test_random_forest_uses_tree_shap_and_equals_brute_force():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300), "c": rng.integers(0, 3, 300)})
    df["y"] = np.where(df.a + df.b * df.c > 0.5, "yes", "no")
    model = RandomForestClassifier(30, random_state=0).fit(df[["a", "b", "c"]], df.y)
    ex = Explainer.from_sklearn(model, df, target="y", background_rows=40)
    ev = ex.explain(5)
    assert ev.method.startswith("tree-shap")
    assert np.allclose(contributions(ev), exact_shapley(ex.game(5)).values, atol=1e-7)


def test_any_model_is_exact_via_per_reference_enumeration():
    df = pd.DataFrame({"x1": [1.0, 2, 3, 4, 5, 6, 7, 8], "x2": [3.0, 1, 4, 1, 5, 9, 2, 6],
                       "job": list("abababab"), "y": list("nnnnyyyy")})
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    model = make_pipeline(make_column_transformer((OneHotEncoder(), ["job"]), remainder="passthrough"),
                          LogisticRegression()).fit(df[["x1", "x2", "job"]], df.y)
    ex = Explainer.from_sklearn(model, df, target="y")
    ev = ex.explain(3)
    assert ev.method == "exact (per-reference enumeration)"
    assert np.allclose(contributions(ev), exact_shapley(ex.game(3)).values, atol=1e-12)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"Home": "castle"}, "Home 'castle' is not a value this model has seen. Known values:"),
        ({"Age": "old"}, "Age must be a number"),
        ({"Age": float("nan")}, "Age is missing"),
        ({"Weather": "sunny"}, "Unknown column(s): Weather"),
        ({"Age": float("inf")}, "Age must be a finite number"),
    ],
)
def test_bad_rows_get_clear_messages(loan, change, message):
    row = loan.rows().loc[17].drop("Status").to_dict()
    row.update(change)
    with pytest.raises(ExplainerInputError) as err:
        loan.explain(row)
    assert message in str(err.value)


def test_missing_column_unknown_id_class_and_type(loan):
    row = loan.rows().loc[17].drop(["Status", "Income"]).to_dict()
    with pytest.raises(ExplainerInputError, match="Missing column"):
        loan.explain(row)
    with pytest.raises(ExplainerInputError, match="no row with id 99999"):
        loan.explain(99999)
    with pytest.raises(ExplainerInputError, match="There is no class 'approved'.*'bad', 'good'"):
        loan.explain(17, target="approved")
    with pytest.raises(ExplainerInputError, match="must be a dict"):
        loan.explain([1, 2, 3])


def test_missing_value_allowed_where_data_had_them(loan):
    row = loan.rows().loc[17].drop("Status").to_dict()
    row["Income"] = None  # credit_data has applicants with unknown income
    ev = loan.explain(row)
    assert any("Income is missing" in n for n in ev.notes)
    assert ev.efficiency_gap() < 1e-9


def test_out_of_range_value_is_noted(loan):
    row = loan.rows().loc[17].drop("Status").to_dict()
    row["Age"] = 150
    assert any("outside the range" in n for n in loan.explain(row).notes)


def test_from_sklearn_rejects_bad_setup():
    df = pd.DataFrame({"a": [1, 2, 3, 4], "y": ["p", "q", "p", "q"]})
    model = LogisticRegression().fit(df[["a"]], df.y)
    with pytest.raises(ExplainerInputError, match="no target column 'label'"):
        Explainer.from_sklearn(model, df, target="label")
    with pytest.raises(ExplainerInputError, match="non-empty pandas DataFrame"):
        Explainer.from_sklearn(model, [[1, 2]])
    with pytest.raises(ExplainerInputError, match="class_names has 3 names"):
        Explainer.from_sklearn(model, df, target="y", class_names=["x", "y", "z"])


def test_row_with_a_missing_category_is_explained(loan):
    # row 30 has no Home; a lone NaN once made the column float and the encoder failed
    assert pd.isna(loan.rows().loc[30, "Home"])
    ev = loan.explain(30)
    assert ev.input["row"]["Home"] is None and ev.efficiency_gap() < 1e-9


@pytest.fixture(scope="module")
def phone_model():
    """A user's data with a True/False column and classes renamed from the target's values."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"income": rng.normal(50, 10, 200).round(1), "HasTelephone": rng.random(200) > 0.5})
    df["ok"] = np.where(df.income + 5 * df.HasTelephone > 52, "yes", "no")
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(df[["income", "HasTelephone"]], df.ok)
    return Explainer.from_sklearn(model, df, target="ok", class_names=["not worthy", "worthy"])


def test_boolean_column_is_explained_and_changed_as_booleans(phone_model):
    ev = phone_model.explain(3)
    assert {a.name for a in ev.attributions} == {"income", "HasTelephone"}
    assert ev.efficiency_gap() < 1e-6  # Tree SHAP: exact up to float rounding
    flipped = not bool(phone_model.rows().loc[3, "HasTelephone"])
    w = phone_model.what_if(3, {"HasTelephone": str(flipped)})
    row = {**phone_model.rows().loc[3, ["income", "HasTelephone"]].to_dict(), "HasTelephone": flipped}
    assert w.new_probabilities == pytest.approx(phone_model.predict(row))


def test_renamed_classes_score_true_labels_under_their_new_names(phone_model):
    # The model was fitted on "no"/"yes" and reports "not worthy"/"worthy"; a random forest on its
    # own training rows is nearly always right, so a wrong mapping shows as accuracy near 0.
    text = phone_model.ask("how accurate is the model?").text
    assert "accuracy 1.000" in text or "accuracy 0.99" in text, text
    assert "wrong on 0 of 200" in phone_model.ask("how many mistakes does it make?").text


def test_evidence_carries_each_numeric_features_percentile_among_the_data(loan):
    # Decision 0023: the share of the explainer's rows below the row's value, ties counting half.
    ev = loan.explain(17)
    data = loan.rows()
    row = data.loc[17]
    numeric = [f for f in loan.info["features"] if f not in loan.schema.categorical]
    assert numeric and set(ev.extra["percentiles"]) == set(numeric)
    for f in numeric:
        col = data[f].dropna()
        expected = ((col < row[f]).sum() + 0.5 * (col == row[f]).sum()) / len(col)
        assert ev.extra["percentiles"][f] == pytest.approx(expected, abs=1e-4)
    # A row given as values, not an id, stands among the same rows.
    moved = loan.explain({**row.drop("Status").to_dict(), "Income": float(data["Income"].max()) + 1})
    assert moved.extra["percentiles"]["Income"] == 1.0
