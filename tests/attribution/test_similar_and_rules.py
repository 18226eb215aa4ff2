"""Similar cases and rules against independent computations: distances by hand, sklearn's
decision_path and apply, and rule precision by counting with pandas."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.attribution.counterfactual_tabular import feature_spread
from explainer_nlg.attribution.local_rule import candidates, search
from explainer_nlg.attribution.rule_conditions import holds
from explainer_nlg.evidence.rules import RuleEvidence
from explainer_nlg.evidence.similar import SimilarCases


def table(n=400, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"income": rng.integers(10, 200, n).astype(float), "debt": rng.normal(50, 20, n).round(1),
                       "home": rng.choice(["own", "rent", "parents"], n)})
    df.loc[rng.choice(n, 15, replace=False), "income"] = np.nan
    score = df.income.fillna(60) / 40 - df.debt / 25 + (df.home == "own") * 1.5 + rng.normal(0, 0.5, n)
    df["ok"] = np.where(score > 1.5, "yes", "no")
    df.loc[rng.choice(n, 40, replace=False), "ok"] = None   # some rows have no label
    return df


@pytest.fixture(scope="module")
def data():
    return table()


def fitted(final, data, encoder=None):
    X, y = data.drop(columns="ok"), data.ok.fillna("no")
    enc = encoder or OrdinalEncoder()
    prep = make_column_transformer((enc, ["home"]), remainder="passthrough", verbose_feature_names_out=False)
    return make_pipeline(prep, final).fit(X, y)


@pytest.fixture(scope="module")
def forest(data):
    return Explainer.from_sklearn(fitted(RandomForestClassifier(n_estimators=25, max_depth=5, random_state=0), data),
                                  data, target="ok")


# ---- similar cases ---------------------------------------------------------------------------------

def test_neighbours_are_the_nearest_by_a_distance_computed_by_hand(forest, data):
    sc = forest.similar(5, k=6)
    w = sc.weights
    assert sum(w.values()) == pytest.approx(1.0)
    q = data.loc[5]

    def dist(r):
        total = 0.0
        for f in ("income", "debt"):
            a, b = q[f], r[f]
            if pd.isna(a) and pd.isna(b):
                d = 0.0
            elif pd.isna(a) or pd.isna(b):
                d = 1.0
            else:
                d = min(abs(a - b) / feature_spread(data[f]), 3.0)
            total += w[f] * d
        return total + w["home"] * (q.home != r.home)

    labelled = [i for i in data.index if i != 5 and data.ok[i] is not None and not pd.isna(data.ok[i])]
    by_hand = sorted(labelled, key=lambda i: (dist(data.loc[i]), i))[:6]
    assert [n.row_id for n in sc.neighbours] == by_hand
    assert [n.distance for n in sc.neighbours] == pytest.approx([dist(data.loc[i]) for i in by_hand])
    for n in sc.neighbours:
        p = forest.predict(n.row_id)
        assert n.predicted_label == max(p, key=p.get) and n.true_label == data.ok[n.row_id]
        assert n.correct == (n.true_label == n.predicted_label)
    assert sc.correct == sum(n.correct for n in sc.neighbours)
    assert sc.outcomes == pd.Series([n.true_label for n in sc.neighbours]).value_counts().to_dict()


def test_weights_are_the_mean_absolute_exact_shapley_values(forest, data):
    sc = forest.similar(0, k=1)
    from explainer_nlg.attribution.cohort_shapley import sample_ids

    ids = sample_ids(list(data.index), 200, 0)
    phi = np.array([[abs(a.contribution) for a in forest.explain(int(i)).attributions] for i in ids[:200]])
    mean = phi.mean(0) / phi.mean(0).sum()
    names = [a.name for a in forest.explain(0).attributions]
    assert [sc.weights[f] for f in names] == pytest.approx(list(mean), abs=1e-9)


def test_an_edited_row_and_a_query_without_labels(forest, data):
    row = data.loc[5].drop("ok").to_dict()
    sc = forest.similar({**row, "income": 150.0}, k=3)
    assert sc.input["row_id"] is None and len(sc.neighbours) == 3
    unlabelled = Explainer.from_sklearn(forest.predictor.model, data.drop(columns="ok"))
    sc2 = unlabelled.similar(5, k=3)
    assert sc2.labelled == 0 and sc2.correct == 0 and any("no true labels" in n for n in sc2.notes)
    with pytest.raises(ExplainerInputError, match="k must be at least 1"):
        forest.similar(5, k=0)


def test_similar_cases_round_trip(forest):
    sc = forest.similar(7, k=4)
    assert SimilarCases.from_json(json.dumps(sc.to_dict())) == sc


# ---- decision paths ----------------------------------------------------------------------------------

@pytest.mark.parametrize("final, encoder", [
    (DecisionTreeClassifier(max_depth=4, random_state=0), None),
    (DecisionTreeClassifier(max_depth=5, random_state=0), OneHotEncoder(handle_unknown="ignore")),
    (RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0), None),
])
def test_decision_path_is_the_trees_own_path(data, final, encoder):
    model = fitted(final, data, encoder)
    ex = Explainer.from_sklearn(model, data, target="ok")
    X = data.drop(columns="ok")
    Xt = model[:-1].transform(X)
    trees = [model[-1]] if hasattr(model[-1], "tree_") else model[-1].estimators_
    for row_id in [0, 3, 11, int(data.index[data.income.isna()][0])]:
        r = ex.decision_path(row_id)
        # independent: the rows that share the input's leaf in every tree, from sklearn itself
        leaves = np.column_stack([t.apply(Xt) for t in trees])
        same_leaf = (leaves == leaves[row_id]).all(axis=1)
        assert holds(data, r.conditions).tolist() == same_leaf.tolist()
        assert r.precision == 1.0 and r.rows_matching == int(same_leaf.sum())
        assert r.prediction == r.predicted_label == max(ex.predict(row_id), key=ex.predict(row_id).get)
        assert len(r.paths) == (0 if len(trees) == 1 else len(trees))


def test_non_tree_models_are_told_to_ask_for_the_local_rule(data):
    X = data.drop(columns="ok").fillna(0)
    model = make_pipeline(make_column_transformer((OneHotEncoder(), ["home"]), remainder=StandardScaler()),
                          LogisticRegression()).fit(X, data.ok.fillna("no"))
    ex = Explainer.from_sklearn(model, data.fillna({"income": 0}), target="ok")
    with pytest.raises(ExplainerInputError, match=r"not a tree model.*local rule"):
        ex.decision_path(0)
    big = Explainer.from_sklearn(fitted(RandomForestClassifier(n_estimators=50, random_state=0), data), data,
                                 target="ok")
    with pytest.raises(ExplainerInputError, match="ensemble of 50 trees"):
        big.decision_path(0)


# ---- local rules --------------------------------------------------------------------------------------

def pandas_count(data: pd.DataFrame, conditions) -> pd.Series:
    """The rows meeting ``conditions``, written out with plain pandas comparisons."""
    keep = pd.Series(True, index=data.index)
    for c in conditions:
        s = data[c.feature]
        if c.op == ">":
            keep &= s > c.value
        elif c.op == "<=":
            keep &= s <= c.value
        elif c.op == "between":
            keep &= (s > c.value[0]) & (s <= c.value[1])
        elif c.op == "==":
            keep &= s == c.value
        elif c.op == "missing":
            keep &= s.isna()
        else:
            raise AssertionError(f"a local rule used {c.op}")
    return keep


def test_local_rule_precision_and_coverage_by_counting(forest, data):
    preds = pd.Series(forest.predictor.predict_proba(data.drop(columns="ok")).argmax(1), index=data.index)
    for row_id in [0, 4, 9, 21]:
        r = forest.local_rule(row_id)
        keep = pandas_count(data, r.conditions)
        assert keep[row_id], "a local rule must hold for its own input"
        target = forest.class_names.index(r.prediction)
        assert r.rows_matching == int(keep.sum()) >= 20
        assert r.precision == pytest.approx((preds[keep] == target).mean())
        assert r.coverage == pytest.approx(keep.mean())
        assert len(r.conditions) <= 4 and r.is_rule == (r.precision >= 0.9)


def test_greedy_search_beats_random_restarts_at_equal_cost(forest, data):
    """Anchors' argument: a greedy beam finds a precise rule with more coverage than random
    conjunctions of the same candidates given as many rule evaluations."""
    preds = forest.predictor.predict_proba(data.drop(columns="ok")).argmax(1)
    rng = np.random.default_rng(0)
    wins = 0
    for row_id in range(10):
        row = data.drop(columns="ok").loc[row_id]
        cands = candidates(data.drop(columns="ok"), row, ["income", "debt"])
        met = np.column_stack([holds(data, [c]) for c in cands])
        same = preds == preds[row_id]
        chosen, scored = search(cands, met, same)
        mask = met[:, chosen].all(1)
        greedy = (same[mask].mean() >= 0.95, mask.mean())
        best = (False, 0.0)
        for _ in range(scored):
            pick = rng.choice(len(cands), size=rng.integers(1, 5), replace=False)
            m = met[:, pick].all(1)
            if m.sum() >= 20:
                best = max(best, (bool(same[m].mean() >= 0.95), float(m.mean())))
        wins += greedy >= best
    assert wins >= 8


def test_an_imprecise_rule_is_not_the_rule():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": rng.normal(size=300), "noise": rng.normal(size=300)})
    df["ok"] = np.where(rng.random(300) < 0.5, "yes", "no")       # labels the features cannot explain
    model = RandomForestClassifier(n_estimators=30, max_depth=8, random_state=0).fit(df[["x", "noise"]], df.ok)
    ex = Explainer.from_sklearn(model, df, target="ok")
    precisions = [ex.local_rule(i) for i in range(8)]
    weak = [r for r in precisions if r.precision < 0.9]
    assert weak and all(not r.is_rule and r.notes for r in weak)


def test_rule_records_round_trip(forest):
    for r in (forest.local_rule(3), forest.surrogate(), forest.surrogate(x=3)):
        assert RuleEvidence.from_json(json.dumps(r.to_dict())) == r


# ---- surrogate tree -------------------------------------------------------------------------------------

def test_surrogate_leaves_fidelity_and_input_leaf(forest, data):
    r = forest.surrogate()
    assert r.rule_kind == "surrogate" and r.depth <= 4 and r.fidelity_rows == 100
    preds = forest.predictor.predict_proba(data.drop(columns="ok")).argmax(1)
    tree = forest._surrogates[4].tree
    enc = forest._surrogates[4].encoded
    leaf_of = tree.apply(enc)
    assert sum(leaf.rows for leaf in r.leaves) == len(data)
    for leaf in r.leaves:
        mask = holds(data, leaf.conditions)
        ids = set(np.flatnonzero(mask))
        assert len(ids) == leaf.rows and len({int(leaf_of[i]) for i in ids}) == 1  # exactly one leaf's rows
        cls = forest.class_names.index(leaf.prediction)
        assert leaf.precision == pytest.approx((preds[mask] == cls).mean())
    # fidelity: held-out agreement, recomputed from the same split
    from sklearn.model_selection import train_test_split

    _, test = train_test_split(np.arange(len(data)), test_size=0.25, random_state=0, stratify=preds)
    assert r.fidelity == pytest.approx((tree.predict(enc.iloc[test]) == preds[test]).mean())
    mine = forest.surrogate(x=3)
    assert holds(data, mine.conditions)[3] and mine.predicted_label == max(forest.predict(3), key=forest.predict(3).get)
    with pytest.raises(ExplainerInputError, match="depth must be 1 to 4"):
        forest.surrogate(max_depth=6)
