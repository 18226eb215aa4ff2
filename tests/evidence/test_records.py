"""Every evidence record kind round-trips through JSON by the one mechanism (serialise.Record), and
writes the keys its module documents, in that order."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from explainer_nlg.evidence import Attribution, Evidence, attributions, changes
from explainer_nlg.evidence.changes import Change, Counterfactual, CounterfactualSet, WhatIf
from explainer_nlg.evidence.serialise import Record, to_plain


def _evidence(kind: str = "tabular") -> Evidence:
    heat = np.linspace(0, 1, 9).reshape(3, 3) if kind == "image" else None
    return Evidence(
        kind=kind, predicted_label="good", probabilities={"good": np.float64(0.8), "bad": 0.2},
        target_label="good", base_value=np.float32(0.5),
        attributions=[Attribution("Income", np.int64(330), np.float64(0.2), None, 0.0),
                      Attribution("Home", float("nan"), -0.1, (0, 4), None)],
        method="exact", n_evaluations=np.int64(16), seconds=0.25, faithfulness={"k": 2},
        input={"row_id": np.int64(17), "row": {"Income": 330}}, notes=["a note"],
        extra={"close_calls": [], "arr": np.array([1.0, np.nan])},
        heatmap=heat.tolist() if heat is not None else None,
        regions={"grid": {"centre": 1.0}} if kind == "image" else None)


def _change(**kw) -> Change:
    return Change(**{"feature": "Income", "from_value": np.int64(330), "to_value": 500, "action": "set", **kw})


def _what_if(with_evidence: bool) -> WhatIf:
    return WhatIf(kind="tabular", input={"row": {"Income": 330}}, changes=[_change(), _change(feature="Debt")],
                  new_input={"row": {"Income": 500}}, target_label="good", original_label="bad",
                  original_probabilities={"bad": 0.6, "good": 0.4}, new_label="good",
                  new_probabilities={"bad": np.float64(0.3), "good": 0.7},
                  evidence=_evidence() if with_evidence else None, seconds=1, notes=["extrapolated"])


def _counterfactual() -> Counterfactual:
    return Counterfactual([_change(action="increase", amount=170)], {"row": {"Income": 500}}, "good",
                          {"bad": 0.3, "good": 0.7}, np.float64(0.7), np.int64(1), 0.48)


def _counterfactual_set(found: bool) -> CounterfactualSet:
    return CounterfactualSet(kind="text", input={"text": "stale cookies"}, original_label="bad",
                             original_probabilities={"bad": 0.9, "good": 0.1}, target_label="good", found=found,
                             counterfactuals=[_counterfactual()] if found else [], candidates_searched=np.int64(40),
                             seconds=0.5, method="beam", constraints={"k": 3, "immutable": ("Age",)},
                             notes=[] if found else ["none within 3 changes"])


RECORDS = {
    "attribution": Attribution("stale", "stale", 0.3, (4, 9), 0.01),
    "attribution without span or error": Attribution("Income", 330, 0.3),
    "evidence (tabular)": _evidence(),
    "evidence (image, heatmap and regions)": _evidence("image"),
    "change (text, removed word)": Change("stale", "stale", None, "remove", None, (4, 9)),
    "change (image, covered)": Change("centre", None, None, "cover"),
    "what-if with evidence": _what_if(True),
    "what-if without evidence": _what_if(False),
    "counterfactual": _counterfactual(),
    "counterfactual set (found)": _counterfactual_set(True),
    "counterfactual set (none found)": _counterfactual_set(False),
}


@pytest.mark.parametrize("name", list(RECORDS))
def test_every_record_round_trips_through_json(name):
    record = RECORDS[name]
    assert isinstance(record, Record)
    d = record.to_dict()
    assert d == to_plain(d), "to_dict holds only JSON-native data"
    text = record.to_json()
    back = type(record).from_json(text)
    assert back.to_dict() == d
    assert back.to_json() == text
    assert type(record).from_dict(json.loads(json.dumps(d))).to_dict() == d


def test_values_come_back_as_their_types():
    ev = Evidence.from_json(_evidence().to_json())
    assert ev.attributions[1].span == (0, 4) and ev.attributions[1].value is None  # NaN is written as null
    assert type(ev.base_value) is float and type(ev.n_evaluations) is int and ev.input["row_id"] == 17
    w = WhatIf.from_json(_what_if(True).to_json())
    assert isinstance(w.evidence, Evidence) and isinstance(w.changes[0], Change) and w.seconds == 1.0
    assert w.to_dict()["probability_change"] == pytest.approx(0.3) and w.to_dict()["decision_changed"] is True
    cs = CounterfactualSet.from_json(_counterfactual_set(True).to_json())
    assert isinstance(cs.counterfactuals[0], Counterfactual) and cs.counterfactuals[0].changes[0].amount == 170
    assert cs.constraints["immutable"] == ["Age"]  # a tuple is written as a JSON list
    assert Change.from_dict({"feature": "x"}) == Change("x", None, None)  # absent values read as missing


def test_the_json_is_exactly_as_documented_and_as_before():
    """A change keeps "from"/"to"; a what-if writes its two derived keys after new_probabilities;
    numbers keep their declared types (the text is the one written before the records shared a
    mechanism)."""
    text = Change("Income", 330, 500.0, "increase", np.int64(170), None).to_json()
    assert text == '{"feature": "Income", "from": 330, "to": 500.0, "action": "increase", "amount": 170, "span": null}'
    d = _what_if(False).to_dict()
    keys = list(d)
    assert keys[keys.index("new_probabilities") + 1: keys.index("new_probabilities") + 3] == [
        "probability_change", "decision_changed"]
    assert d["seconds"] == 1.0 and isinstance(d["seconds"], float)
    assert Attribution("w", "w", 1, None, 0).to_dict() == {
        "name": "w", "value": "w", "contribution": 1.0, "span": None, "standard_error": 0.0}


def _documented_keys(doc: str, heading: str) -> list[str]:
    """The keys of the first ``key  meaning`` table after ``heading`` in a module docstring."""
    lines = doc[doc.index(heading):].splitlines()
    rules = [i for i, line in enumerate(lines) if line.strip() and set(line.strip()) <= {"=", " "}]
    headed = lines[rules[0] + 1].split()[0] == "key"  # a "key  meaning" header row has a rule of its own
    body = lines[rules[1] + 1:rules[2]] if headed else lines[rules[0] + 1:rules[1]]
    return [line.split()[0] for line in body if line.strip() and not line.startswith(" ")]


def test_keys_match_the_documented_schemas():
    assert list(_evidence().to_dict()) == _documented_keys(attributions.__doc__, "Schema")
    assert list(_change().to_dict()) == _documented_keys(changes.__doc__, "A **Change**")
    assert list(_what_if(True).to_dict()) == _documented_keys(changes.__doc__, "**WhatIf**")
    assert list(_counterfactual_set(True).to_dict()) == _documented_keys(changes.__doc__,
                                                                        "**CounterfactualSet**")
    # Counterfactual and Attribution are listed inline: {"changes": [Change], "new_input", ...}
    cf_doc = re.search(r'Each is (\{.*?\})\.', changes.__doc__, re.S).group(1)
    assert list(_counterfactual().to_dict()) == re.findall(r'"(\w+)"', cf_doc)
    att_doc = re.search(r'list of (\{[^}]*\})', attributions.__doc__).group(1)
    assert list(RECORDS["attribution"].to_dict()) == re.findall(r'"(\w+)"', att_doc)


def test_an_unknown_schema_version_is_refused_by_name():
    for cls, record in ((Evidence, _evidence()), (WhatIf, _what_if(False)), (CounterfactualSet, _counterfactual_set(True))):
        d = {**record.to_dict(), "schema_version": "9"}
        with pytest.raises(ValueError, match=f"{cls.__name__} schema version .9. is not supported"):
            cls.from_dict(d)
