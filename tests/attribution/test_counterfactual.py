import json

import numpy as np
import pandas as pd
import pytest

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.evidence.changes import CounterfactualSet, WhatIf


@pytest.fixture(scope="module")
def loan():
    return Explainer.demo("loan")


@pytest.fixture(scope="module")
def denied(loan):
    X = loan.rows()[loan.info["features"]]
    p_bad = loan.predictor.predict_proba(X)[:, loan.class_names.index("bad")]
    return [int(i) for i in X.index[p_bad > 0.5][:8]]


def original_row(loan, rid):
    row = loan.rows().loc[rid, loan.info["features"]].to_dict()
    return {f: (None if pd.isna(v) else v) for f, v in row.items()}


def differing(a: dict, b: dict) -> set:
    def same(x, y):
        if x is None or y is None:
            return x is None and y is None
        if isinstance(x, str) or isinstance(y, str):
            return str(x) == str(y)
        return abs(float(x) - float(y)) < 1e-9
    return {f for f in a if not same(a[f], b[f])}


# ---- tabular counterfactuals -------------------------------------------------------------------

def test_every_counterfactual_flips_the_prediction_when_re_predicted(loan, denied):
    found = 0
    for rid in denied:
        cs = loan.counterfactuals(rid)
        assert cs.original_label == "bad" and cs.target_label == "good"
        assert cs.candidates_searched > 0 and cs.seconds > 0
        found += cs.found
        assert cs.found == bool(cs.counterfactuals) and len(cs.counterfactuals) <= 3
        base = original_row(loan, rid)
        for cf in cs.counterfactuals:
            probs = loan.predict(cf.new_input["row"])
            assert max(probs, key=probs.get) == "good"
            assert probs == pytest.approx(cf.probabilities)
            # the listed changes are exactly the differences between the query and the new row
            assert differing(base, cf.new_input["row"]) == {c.feature for c in cf.changes}
            assert cf.n_changed == len(cf.changes)
            for c in cf.changes:
                assert c.from_value == pytest.approx(base[c.feature]) if not isinstance(c.from_value, str) \
                    else c.from_value == base[c.feature]
    assert found >= len(denied) - 1  # the demo model is flippable for (nearly) every applicant


def test_ranked_sparsest_first_distinct_and_distance_in_spread_units(loan, denied):
    for rid in denied[:4]:
        cs = loan.counterfactuals(rid, k=4)
        keys = [(c.n_changed, c.distance) for c in cs.counterfactuals]
        assert keys == sorted(keys)
        sets = [frozenset(ch.feature for ch in c.changes) for c in cs.counterfactuals]
        assert len(set(sets)) == len(sets)
        # no counterfactual contains the features of another one (a superset is never minimal)
        assert not any(a < b for a in sets for b in sets)
        spread = cs.constraints["spread"]
        for c in cs.counterfactuals:
            d = sum(1.0 if isinstance(ch.to_value, str) or ch.from_value is None
                    else abs(ch.to_value - ch.from_value) / spread[ch.feature] for ch in c.changes)
            assert c.distance == pytest.approx(d, rel=1e-5)


def test_no_single_change_flips_when_the_best_answer_changes_more(loan, denied):
    """Sparsity: if the best answer changes 2+ features, brute force over one-feature changes finds none."""
    schema = None
    for rid in denied:
        cs = loan.counterfactuals(rid)
        if not cs.found or cs.counterfactuals[0].n_changed == 1:
            continue
        schema = loan.schema  # the ranges and categories the search keeps to
        base = original_row(loan, rid)
        rows = []
        for f in cs.constraints["changeable"]:
            if f in schema.categorical:
                values = schema.categorical[f]
            else:
                lo, hi = schema.numeric_range[f]
                values = np.linspace(lo, hi, 60)
                mono = cs.constraints["monotone"].get(f)
                if mono == "increase":
                    values = values[values >= base[f]]
                elif mono == "decrease":
                    values = values[values <= base[f]]
            for v in values:
                rows.append({**base, f: v})
        frame = pd.DataFrame(rows)[loan.info["features"]].astype({f: float for f in schema.numeric_range})
        p_good = loan.predictor.predict_proba(frame)[:, loan.class_names.index("good")]
        assert (p_good <= 0.5).all(), f"row {rid}: a one-feature change flips, yet the best answer changes more"
    if schema is None:
        pytest.skip("every denied applicant here has a one-feature counterfactual")


def test_immutable_features_never_change(loan, denied):
    fixed = ["Income", "Assets", "Job", "Marital", "Records"]
    for rid in denied[:5]:
        cs = loan.counterfactuals(rid, immutable=fixed)
        assert cs.constraints["immutable"] == sorted(fixed)
        base = original_row(loan, rid)
        for cf in cs.counterfactuals:
            assert not {c.feature for c in cf.changes} & set(fixed)
            for f in fixed:
                assert cf.new_input["row"][f] == base[f] or (base[f] is None and cf.new_input["row"][f] is None)


def test_demo_defaults_keep_marital_records_and_let_age_only_rise(loan, denied):
    for rid in denied:
        cs = loan.counterfactuals(rid)
        assert cs.constraints["immutable"] == ["Marital", "Records"]
        for cf in cs.counterfactuals:
            for c in cf.changes:
                assert c.feature not in ("Marital", "Records")
                if c.feature in ("Age", "Seniority"):
                    assert c.to_value > c.from_value


def test_monotone_constraints_hold(loan, denied):
    mono = {"Amount": "decrease", "Price": "decrease", "Income": "increase", "Assets": "increase",
            "Expenses": "decrease", "Debt": "decrease", "Time": "decrease"}
    checked = 0
    for rid in denied[:6]:
        cs = loan.counterfactuals(rid, monotone=mono, k=5)
        for cf in cs.counterfactuals:
            for c in cf.changes:
                if c.feature in mono and c.from_value is not None:
                    checked += 1
                    assert (c.to_value > c.from_value) if mono[c.feature] == "increase" else (c.to_value < c.from_value)
    assert checked > 0


def test_values_stay_within_the_data(loan, denied):
    schema = loan.schema
    for rid in denied[:5]:
        for cf in loan.counterfactuals(rid, k=5).counterfactuals:
            for c in cf.changes:
                if c.feature in schema.categorical:
                    assert c.to_value in schema.categorical[c.feature]
                else:
                    lo, hi = schema.numeric_range[c.feature]
                    assert lo <= c.to_value <= hi


def test_ranges_narrow_the_search(loan, denied):
    rid = denied[0]
    cs = loan.counterfactuals(rid, ranges={"Amount": (500, 900), "Home": ["rent", "owner"]}, k=5)
    for cf in cs.counterfactuals:
        for c in cf.changes:
            if c.feature == "Amount":
                assert 500 <= c.to_value <= 900
            if c.feature == "Home":
                assert c.to_value in ("rent", "owner")


def test_none_found_within_limits_is_an_outcome_and_optionally_an_error(loan, denied):
    features = loan.info["features"]
    X = loan.rows()[features]
    p_bad = loan.predictor.predict_proba(X)[:, 0]
    rid = int(X.index[np.argmax(p_bad)])  # the most certain denial
    only = "Expenses"
    cs = loan.counterfactuals(rid, immutable=[f for f in features if f != only], max_changes=1)
    # true by brute force: no Expenses value in the data's range flips this applicant
    lo, hi = loan.schema.numeric_range[only]
    frame = pd.concat([X.loc[[rid]]] * 200, ignore_index=True).astype({only: float})
    frame[only] = np.linspace(lo, hi, 200)
    assert (loan.predictor.predict_proba(frame)[:, 1] <= 0.5).all()
    assert not cs.found and cs.counterfactuals == [] and cs.candidates_searched > 0
    assert cs.constraints["changeable"] == [only]
    with pytest.raises(ExplainerInputError, match=r"No change of at most 1 features makes the model predict 'good'"):
        loan.counterfactuals(rid, immutable=[f for f in features if f != only], max_changes=1, raise_if_none=True)


def test_counterfactual_bad_inputs(loan, denied):
    approved = 17
    with pytest.raises(ExplainerInputError, match=r"already predicts 'good'.*another class: 'bad'"):
        loan.counterfactuals(approved, target="good")
    with pytest.raises(ExplainerInputError, match=r"There is no class 'approved'"):
        loan.counterfactuals(denied[0], target="approved")
    with pytest.raises(ExplainerInputError, match=r"immutable names 'Weather'.*Features: Seniority, Home"):
        loan.counterfactuals(denied[0], immutable=["Weather"])
    with pytest.raises(ExplainerInputError, match="Home is categorical"):
        loan.counterfactuals(denied[0], monotone={"Home": "increase"})
    with pytest.raises(ExplainerInputError, match="must be 'increase' or 'decrease'"):
        loan.counterfactuals(denied[0], monotone={"Age": "sideways"})
    with pytest.raises(ExplainerInputError, match="allows only seen categories"):
        loan.counterfactuals(denied[0], ranges={"Home": ["castle"]})


def test_counterfactual_set_json_round_trip(loan, denied):
    cs = loan.counterfactuals(denied[0])
    text = cs.to_json()
    back = CounterfactualSet.from_json(text)
    assert back == cs and back.to_dict() == json.loads(text)
    with pytest.raises(ValueError, match="schema version"):
        CounterfactualSet.from_dict({**cs.to_dict(), "schema_version": "9"})


# ---- tabular what-if ---------------------------------------------------------------------------

def test_what_if_re_predicts_like_predict(loan):
    w = loan.what_if(17, [{"feature": "Amount", "action": "set", "value": 4000},
                          {"feature": "Income", "action": "decrease", "value": 250}])
    row = original_row(loan, 17)
    assert w.new_input["row"]["Amount"] == 4000 and w.new_input["row"]["Income"] == row["Income"] - 250
    assert differing(row, w.new_input["row"]) == {"Amount", "Income"}
    assert w.new_probabilities == pytest.approx(loan.predict(w.new_input["row"]))
    assert w.original_probabilities == pytest.approx(loan.predict(17))
    assert w.probability_change == pytest.approx(w.new_probabilities["good"] - w.original_probabilities["good"])
    assert w.target_label == "good" and w.decision_changed == (w.new_label != "good")
    ev = w.evidence
    assert ev.target_label == "good" and ev.input["row"]["Amount"] == 4000
    assert ev.target_probability == pytest.approx(w.new_probabilities["good"])
    assert [c.action for c in w.changes] == ["set", "decrease"] and w.changes[1].amount == 250


def test_what_if_applies_a_counterfactual_and_flips(loan, denied):
    cs = loan.counterfactuals(denied[0])
    cf = cs.counterfactuals[0]
    w = loan.what_if(denied[0], {c.feature: c.to_value for c in cf.changes}, explain=False)
    assert w.decision_changed and w.new_label == "good" and w.evidence is None
    assert w.probability_change < 0  # toward the original prediction, "bad"


@pytest.mark.parametrize(
    "changes, message",
    [
        ([{"feature": "Weather", "value": 1}], "There is no feature 'Weather'. The model's features are: Seniority"),
        ([{"feature": "Home", "value": "castle"}], "Home 'castle' is not a value this model has seen. Known values:"),
        ([{"feature": "Age", "value": "old"}], "Age must be a number, not 'old'"),
        ([{"feature": "Age", "value": 140}], "Age = 140 is outside the range seen in the data (18 to 68)"),
        ([{"feature": "Debt", "action": "decrease", "value": 100}], "Debt = -100 is outside the range"),
        ([{"feature": "Home", "action": "increase", "value": 1}], "Home is categorical, so it cannot be increased"),
        ([{"feature": "Amount", "action": "increase", "value": -5}], "must be positive; to go the other way, use 'decrease'"),
        ([{"feature": "Amount", "action": "double", "value": 2}], "Tabular changes can 'set', 'increase', 'decrease'"),
        ([{"feature": "Amount", "value": 1}, {"feature": "amount", "value": 2}], "Amount is changed twice"),
        ([{"feature": "Amount"}], "needs a 'value'"),
        ([], "non-empty list"),
        ("Amount=5", "non-empty list"),
    ],
)
def test_what_if_bad_inputs(loan, changes, message):
    with pytest.raises(ExplainerInputError) as err:
        loan.what_if(17, changes, explain=False)
    assert message in str(err.value)


def test_what_if_extrapolate_is_allowed_with_a_note(loan):
    w = loan.what_if(17, {"Age": 90}, extrapolate=True, explain=False)
    assert w.new_input["row"]["Age"] == 90 and any("outside the range" in n for n in w.notes)


def test_what_if_json_round_trip(loan):
    w = loan.what_if(17, {"Amount": 3000})
    back = WhatIf.from_json(w.to_json())
    assert back == w and back.to_dict() == w.to_dict()
    d = w.to_dict()
    assert d["probability_change"] == pytest.approx(w.probability_change) and "decision_changed" in d
    assert d["changes"][0] == {"feature": "Amount", "from": 1500, "to": 3000, "action": "set", "amount": None,
                               "span": None}


# ---- image what-if (a tiny model: mean colour -> 2 classes) -----------------------------------

def test_image_what_if_covers_a_region():
    import torch

    from explainer_nlg.attribution.what_if import image_changes

    class MeanColour(torch.nn.Module):
        """A 1x1 convolution scoring red minus blue (and back), averaged over the image."""

        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 2, 1, bias=False)
            with torch.no_grad():
                self.conv.weight[:] = torch.tensor([[1.0, 0, -1], [-1, 0, 1]]).view(2, 3, 1, 1) * 10

        def forward(self, x):
            return self.conv(x).mean(dim=(2, 3))

    model = MeanColour()
    ex = Explainer.from_torch_image(model, class_names=["red", "blue"],
                                    preprocess=lambda a: torch.tensor(a, dtype=torch.float32).permute(2, 0, 1) / 255)
    img = np.zeros((60, 60, 3), np.uint8)
    img[..., 2] = 255
    img[20:40, 20:40] = [255, 0, 0]  # a red centre on blue
    covered, changes = image_changes(img, [{"action": "cover", "region": "center"}])
    assert [c.feature for c in changes] == ["centre"]
    assert (covered[:20] == img[:20]).all() and not (covered[20:40, 20:40] == img[20:40, 20:40]).all()
    w = ex.what_if(img, [{"region": "centre"}, {"region": "top left"}])
    assert w.new_input["image"]["covered"] == ["centre", "top left"]
    assert w.new_probabilities == pytest.approx(
        ex.predict(image_changes(img, [{"region": "centre"}, {"region": "top left"}])[0]))
    assert w.evidence is not None and len(w.evidence.attributions) == 9
    with pytest.raises(ExplainerInputError, match="There is no region 'middle-ish'. Regions of the 3x3 grid: top left"):
        ex.what_if(img, [{"region": "middle-ish"}])
    with pytest.raises(ExplainerInputError, match="Counterfactuals are available for tabular and text"):
        ex.counterfactuals(img)


# ---- text ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def text():
    return Explainer.demo("text")


def test_text_counterfactuals_flip_when_re_predicted(text):
    msg = "The cookies were stale and the box was broken."
    cs = text.counterfactuals(msg)
    assert cs.original_label == "other" and cs.target_label == "great" and cs.found
    for cf in cs.counterfactuals:
        probs = text.predict(cf.new_input["text"])
        assert max(probs, key=probs.get) == "great"
        assert probs == pytest.approx(cf.probabilities, abs=1e-5)
        for c in cf.changes:
            assert msg[c.span[0]:c.span[1]] == c.from_value
            assert c.action in ("remove", "replace") and (c.to_value is None) == (c.action == "remove")
    assert [c.n_changed for c in cs.counterfactuals] == sorted(c.n_changed for c in cs.counterfactuals)
    assert CounterfactualSet.from_json(cs.to_json()) == cs


def test_text_what_if_remove_and_replace(text):
    msg = "Stale cookies, but the tea was great."
    w = text.what_if(msg, [{"action": "replace", "word": "stale", "value": "fresh"},
                           {"action": "remove", "word": "but"}], explain=False)
    assert w.new_input["text"] == "Fresh cookies, the tea was great."
    assert w.new_probabilities == pytest.approx(text.predict("Fresh cookies, the tea was great."), abs=1e-6)
    assert [(c.feature, c.to_value, c.span) for c in w.changes] == [("Stale", "Fresh", (0, 5)), ("but", None, (15, 18))]
    with pytest.raises(ExplainerInputError, match="The text has no word 'awful'. Its words: 'Stale', 'cookies'"):
        text.what_if(msg, [{"action": "remove", "word": "awful"}])
    with pytest.raises(ExplainerInputError, match="already predicts 'other'"):
        text.counterfactuals("Stale and broken, a waste of money.", target="other")
    with pytest.raises(ExplainerInputError, match="immutable, monotone and ranges apply to tabular models"):
        text.counterfactuals("Stale and broken.", immutable=["Stale"])


def test_bring_your_own_multiclass_model():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    iris = load_iris(as_frame=True)
    df = iris.frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    df["species"] = [iris.target_names[i] for i in iris.target]
    feats = [c for c in df.columns if c not in ("target", "species")]
    model = LogisticRegression(max_iter=500).fit(df[feats], df["species"])
    ex = Explainer.from_sklearn(model, df[feats + ["species"]], target="species")
    rid = 0  # a setosa
    probs = ex.predict(rid)
    second = sorted(probs, key=probs.get)[-2]
    cs = ex.counterfactuals(rid, immutable=[])
    assert cs.original_label == "setosa" and cs.target_label == second and cs.found
    cs = ex.counterfactuals(rid, target="virginica", immutable=["sepal_length"], k=2)
    assert cs.found
    for cf in cs.counterfactuals:
        assert max(ex.predict(cf.new_input["row"]).items(), key=lambda t: t[1])[0] == "virginica"
        assert "sepal_length" not in {c.feature for c in cf.changes}
    assert cs.constraints["monotone"] == {}  # no demo defaults on a user's model
