"""The held-out scorer (benchmarks/heldout/score.py) and the well-formedness of the frozen sets.

Fast: no model is built; the sets are checked against the static schemas in models.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HELDOUT = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout"
sys.path.insert(0, str(HELDOUT))

import models  # noqa: E402
from gold import OPERATIONS, check_gold, load_toml, split_of  # noqa: E402
from score import (  # noqa: E402
    Schema,
    canon_filter,
    same_changes,
    same_filters,
    score_parse,
    score_turn,
    summarise,
)

SETS = ("creditcard", "pima", "rossi", "attrition")

S = Schema(
    columns=("Age", "Income", "HasTelephone", "purpose_new_car", "purpose_radio_tv", "Home"),
    classes=("not credit worthy", "credit worthy"), target_values=("no", "yes"),
    families={"purpose": {"purpose_new_car": "new car", "purpose_radio_tv": "radio tv"}},
    booleans=("HasTelephone",), integers=("Age",), target="Accepted", bounds={"Age": (18.0, 75.0)},
)


def gold_as_parse(entry: dict) -> dict:
    """The parse a perfect parser would return for a gold entry."""
    op = {"changes": entry.get("changes", []), "features": entry.get("features", [])}
    if entry.get("target"):
        op["target"] = entry["target"]
    if entry.get("reason"):
        op["reason"] = entry["reason"] if isinstance(entry["reason"], str) else entry["reason"][0]
    ops = [dict(op, op=name) for name in reversed(entry["ops"])]  # reversed: order must not matter
    return {"ops": ops, "filters": entry.get("filters", []), "instance": entry.get("instance")}


# ---- canonicalisation -------------------------------------------------------------------------

def test_one_hot_filter_equals_in_family_and_column_form():
    family = [{"feature": "purpose", "cmp": "==", "value": "new car"}]
    assert same_filters([{"feature": "purpose_new_car", "cmp": "==", "value": 1}], family, S)
    assert same_filters([{"feature": "PURPOSE_NEW_CAR", "cmp": "==", "value": "yes"}], family, S)
    assert same_filters([{"feature": "Purpose", "cmp": "==", "value": "New_Car"}], family, S)
    assert same_filters([{"feature": "purpose", "cmp": "==", "value": "NewCar"}], family, S)
    assert not same_filters([{"feature": "purpose_radio_tv", "cmp": "==", "value": 1}], family, S)
    assert not same_filters([{"feature": "purpose_new_car", "cmp": "==", "value": 0}], family, S)
    # "not for a new car" both ways
    assert same_filters([{"feature": "purpose", "cmp": "!=", "value": "new car"}],
                        [{"feature": "purpose_new_car", "cmp": "==", "value": 0}], S)


def test_booleans_read_yes_true_and_one_alike():
    want = [{"feature": "HasTelephone", "cmp": "==", "value": 1}]
    for got in ({"cmp": "==", "value": True}, {"cmp": "==", "value": "yes"}, {"cmp": "!=", "value": 0},
                {"cmp": ">", "value": 0}, {"cmp": ">=", "value": 1}):
        assert same_filters([{"feature": "hastelephone", **got}], want, S), got
    assert not same_filters([{"feature": "HasTelephone", "cmp": "==", "value": "no"}], want, S)


def test_feature_names_are_case_insensitive_and_unknown_ones_never_match():
    assert same_filters([{"feature": "income", "cmp": ">", "value": 5}],
                        [{"feature": "Income", "cmp": ">", "value": 5}], S)
    assert not same_filters([{"feature": "Incomes", "cmp": ">", "value": 5}],
                            [{"feature": "Income", "cmp": ">", "value": 5}], S)


def test_numbers_match_within_a_small_relative_tolerance_only():
    gold = [{"feature": "Income", "cmp": ">", "value": 60000}]
    assert same_filters([{"feature": "Income", "cmp": ">", "value": 60000.0001}], gold, S)
    assert same_filters([{"feature": "Income", "cmp": ">", "value": "60,000"}], gold, S)
    assert not same_filters([{"feature": "Income", "cmp": ">", "value": 61000}], gold, S)
    assert not same_filters([{"feature": "Income", "cmp": ">=", "value": 60000}], gold, S)  # not an integer column


def test_integer_columns_treat_strict_and_inclusive_bounds_alike():
    assert canon_filter({"feature": "Age", "cmp": ">", "value": 50}, S) == ("Age", ">=", 51.0)
    assert same_filters([{"feature": "Age", "cmp": ">=", "value": 51}], [{"feature": "Age", "cmp": ">", "value": 50}], S)
    assert not same_filters([{"feature": "Age", "cmp": ">=", "value": 50}], [{"feature": "Age", "cmp": ">", "value": 50}], S)
    assert same_filters([{"feature": "Age", "cmp": "<", "value": 19}], [{"feature": "Age", "cmp": "==", "value": 18}], S)


def test_prediction_and_label_read_raw_target_values_as_classes():
    gold = [{"feature": "label", "cmp": "==", "value": "not credit worthy"}]
    assert same_filters([{"feature": "label", "cmp": "==", "value": "no"}], gold, S)
    assert same_filters([{"feature": "Accepted", "cmp": "==", "value": "no"}], gold, S)  # the target column
    assert not same_filters([{"feature": "prediction", "cmp": "==", "value": "no"}], gold, S)


def test_filters_are_a_multiset():
    a = {"feature": "Age", "cmp": ">", "value": 40}
    b = {"feature": "prediction", "cmp": "==", "value": "credit worthy"}
    assert same_filters([b, a], [a, b], S)
    assert not same_filters([a, a], [a, b], S)
    assert not same_filters([a], [a, b], S)


def test_changes_one_hot_and_decrease_forms():
    gold = [{"feature": "purpose", "action": "set", "value": "radio tv"}]
    assert same_changes([{"feature": "purpose_radio_tv", "action": "set", "value": 1},
                         {"feature": "purpose_new_car", "action": "set", "value": 0}], gold, S)
    assert not same_changes([{"feature": "purpose_new_car", "action": "set", "value": 1}], gold, S)
    assert same_changes([{"feature": "Income", "action": "increase", "value": -200}],
                        [{"feature": "income", "action": "decrease", "value": 200}], S)
    assert not same_changes([{"feature": "Income", "action": "set", "value": 200}],
                            [{"feature": "Income", "action": "decrease", "value": 200}], S)
    assert same_changes([{"feature": "HasTelephone", "action": "set", "value": False}],
                        [{"feature": "HasTelephone", "action": "set", "value": 0}], S)


# ---- one parse --------------------------------------------------------------------------------

def test_compound_questions_are_order_insensitive_but_complete():
    gold = {"ops": ["why", "counterfactual"], "instance": 88}
    assert score_parse({"ops": [{"op": "counterfactual"}, {"op": "why"}], "instance": 88}, gold, S)["full"]
    s = score_parse({"ops": [{"op": "why"}], "instance": 88}, gold, S)
    assert not s["op"] and not s["full"]
    assert not score_parse({"ops": [{"op": "why"}, {"op": "why"}], "instance": 88}, gold, S)["op"]


def test_full_parse_needs_row_filters_and_changes():
    gold = {"ops": ["what_if"], "instance": 12,
            "changes": [{"feature": "Income", "action": "increase", "value": 20000}]}
    right = {"ops": [{"op": "what_if", "changes": gold["changes"]}], "instance": 12, "filters": []}
    assert score_parse(right, gold, S) == {"op": True, "full": True, "clarified": False, "target": None,
                                           "features": None}
    assert not score_parse({**right, "instance": 13}, gold, S)["full"]
    assert score_parse({**right, "instance": 13}, gold, S)["op"]
    assert not score_parse({**right, "filters": [{"feature": "Age", "cmp": ">", "value": 3}]}, gold, S)["full"]
    assert not score_parse({**right, "ops": [{"op": "what_if"}]}, gold, S)["full"]


def test_clarification_is_right_only_where_the_gold_allows_it():
    asked = {"ops": [{"op": "why"}], "clarify": [{"ops": [{"op": "why"}], "label": "Why row 1"}]}
    s = score_parse(asked, {"ops": ["unsupported"], "reason": "unclear", "clarify_ok": True}, S)
    assert s["clarified"] and s["op"] and s["full"]
    s = score_parse(asked, {"ops": ["why"], "instance": None}, S)
    assert s["clarified"] and not s["op"] and not s["full"]
    assert not score_parse({**asked, "clarify": []}, {"ops": ["why"]}, S)["clarified"]


def test_unsupported_needs_an_accepted_reason():
    gold = {"ops": ["unsupported"], "reason": ["empty", "unclear"]}
    assert score_parse({"ops": [{"op": "unsupported", "reason": "unclear"}]}, gold, S)["full"]
    s = score_parse({"ops": [{"op": "unsupported", "reason": "language"}]}, gold, S)
    assert s["op"] and not s["full"]


def test_target_and_features_are_scored_apart_from_the_full_parse():
    gold = {"ops": ["effect"], "features": ["purpose_new_car", "Income"], "target": "credit worthy"}
    got = {"ops": [{"op": "effect", "features": ["income", "purpose"], "target": "yes"}]}
    s = score_parse(got, gold, S)
    assert s["full"] and s["target"] is True and s["features"] is True
    s = score_parse({"ops": [{"op": "effect", "features": ["Income"], "target": "not credit worthy"}]}, gold, S)
    assert s["full"] and s["target"] is False and s["features"] is False


def test_compare_groups_may_be_written_as_filters():
    gold = {"ops": ["compare"], "features": ["HasTelephone"]}
    got = {"ops": [{"op": "compare", "features": ["HasTelephone"]}],
           "filters": [{"feature": "HasTelephone", "cmp": "==", "value": 1},
                       {"feature": "HasTelephone", "cmp": "==", "value": 0}]}
    assert score_parse(got, gold, S)["full"]
    got["filters"].append({"feature": "Age", "cmp": ">", "value": 60})
    assert not score_parse(got, gold, S)["full"]


# ---- dialogue turns ---------------------------------------------------------------------------

def test_turn_listed_rows_new_rows_and_resolved_changes():
    gold = {"ops": ["why"], "instance": "listed:2"}
    resolved = {"ops": ["why"], "filters": [], "instance": 31}
    assert score_turn({"ops": [{"op": "why"}], "resolved": resolved}, gold, S, listed=[7, 31, 40])["full"]
    assert not score_turn({"ops": [{"op": "why"}], "resolved": resolved}, gold, S, listed=[31, 7])["full"]
    assert score_turn({"ops": [{"op": "why"}], "resolved": resolved}, {**gold, "instance": "listed:any"}, S,
                      listed=[31, 7])["full"]
    new = {"ops": ["predict"], "instance": "new", "row": {"purpose": "new car", "Age": 35, "HasTelephone": 1}}
    row = {"purpose_new_car": 1, "purpose_radio_tv": 0, "Age": 35.0, "HasTelephone": True, "Income": 9}
    ok = {"ops": [{"op": "predict"}], "resolved": {"ops": ["predict"], "filters": [], "instance": "new", "row": row}}
    assert score_turn(ok, new, S)["full"]
    assert not score_turn({**ok, "resolved": {**ok["resolved"], "row": {**row, "Age": 36}}}, new, S)["full"]
    carried = {"ops": [{"op": "why"}], "resolved": {**resolved, "filters": [{"feature": "Age", "cmp": ">", "value": 60}]}}
    assert score_turn(carried, gold, S, listed=[7, 31])["full"]  # a row's answer ignores the carried cohort
    fix = {"ops": ["what_if"], "instance": 5, "changes": [{"feature": "Income", "action": "set", "value": 2}]}
    got = {"ops": [{"op": "what_if"}], "resolved": {"ops": ["what_if"], "filters": [], "instance": 5,
                                                    "changes": fix["changes"]}}
    assert score_turn(got, fix, S)["full"]
    got["resolved"]["changes"] = []
    assert not score_turn(got, fix, S)["full"]


def test_turn_without_context_must_not_pick_a_row():
    gold = {"ops": ["why"], "clarify_ok": True}
    assert score_turn({"ops": [{"op": "why"}], "resolved": {"ops": ["why"], "filters": [], "instance": None}},
                      gold, S)["full"]
    assert not score_turn({"ops": [{"op": "why"}], "resolved": {"ops": ["why"], "filters": [], "instance": 17}},
                          gold, S)["full"]


def test_summary_counts_and_median():
    rows = [{"op": True, "full": False, "clarified": False, "target": None, "features": True, "ms": 3.0},
            {"op": True, "full": True, "clarified": True, "clarify_ok": True, "target": True, "features": None,
             "ms": 1.0},
            {"op": False, "full": False, "clarified": False, "target": False, "features": None, "ms": 8.0}]
    s = summarise(rows)
    assert (s["n"], s["op"], s["full"], s["clarified"], s["clarified_ok"]) == (3, 2, 1, 1, 1)
    assert s["target"] == (1, 2) and s["features"] == (1, 1) and s["median_ms"] == 3.0


# ---- the frozen sets --------------------------------------------------------------------------

def test_check_gold_names_typos():
    schema = models.SCHEMAS["rossi"]
    assert check_gold({"ops": ["count"], "filters": [{"feature": "priors", "cmp": ">", "value": 2}]}, schema)
    assert check_gold({"ops": ["count"], "filters": [{"feature": "education", "cmp": "==", "value": "college"}]},
                      schema)
    assert check_gold({"ops": ["why"], "target": "arrested"}, schema)
    assert check_gold({"ops": ["explain"]}, schema)
    assert not check_gold({"ops": ["count"], "filters": [{"feature": "education", "cmp": "==",
                                                         "value": "grade 12"}]}, schema)


@pytest.mark.parametrize("name", SETS)
def test_sets_are_well_formed_split_by_the_rule_and_score_perfectly_when_parsed_perfectly(name):
    data = load_toml(HELDOUT / f"{name}.toml")
    entries, schema = data["q"], models.SCHEMAS[name]
    assert data["dataset"] == name and len(entries) >= 60
    for n, e in enumerate(entries, 1):
        assert e["id"] == f"{name}-{n:03d}" and e["split"] == split_of(n), e["id"]
        assert check_gold(e, schema) == [], e["id"]
        assert score_parse(gold_as_parse(e), e, schema)["full"], e["id"]
    assert len({e["q"] for e in entries}) == len(entries)
    covered = {op for e in entries for op in e["ops"]}
    assert covered == set(OPERATIONS), set(OPERATIONS) - covered
    assert any(not e.get("instance") and e["ops"] == ["predict"] and e.get("filters") for e in entries)  # cohort likelihood


def test_one_hot_gold_also_scores_in_column_form():
    schema = models.SCHEMAS["attrition"]
    entries = load_toml(HELDOUT / "attrition.toml")["q"]
    rewritten = 0
    for e in entries:
        p = gold_as_parse(e)
        cols = []
        for f in p["filters"]:
            fam = f["feature"]
            if fam in schema.families:
                cols.append({"feature": schema.category_column(fam, f["value"]), "cmp": "==", "value": 1})
                rewritten += 1
            else:
                cols.append(f)
        p["filters"] = cols
        assert score_parse(p, e, schema)["full"], e["id"]
    assert rewritten >= 8


def test_dialogues_are_well_formed():
    dialogues = load_toml(HELDOUT / "dialogues.toml")["dialogue"]
    assert len(dialogues) >= 30
    tags = set()
    for n, d in enumerate(dialogues, 1):
        assert d["id"] == f"dlg-{n:03d}" and d["split"] == split_of(n)
        for turn in d["turn"]:
            assert check_gold(turn, models.SCHEMAS[d["dataset"]]) == [], (d["id"], turn["q"])
            tags.add(turn["tag"])
    assert {"list_ref", "carry", "no_leak", "correction", "new_row", "no_context", "next"} <= tags
    assert {d["dataset"] for d in dialogues} == set(SETS) | {"loan"}
