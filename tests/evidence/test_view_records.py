"""The data-level records round-trip through JSON by the one mechanism (serialise.Record) and write
exactly the keys their module docstrings document, in that order."""

import json
import re
from pathlib import Path

import pytest

from explainer_nlg.evidence import effects, groups, rules, similar
from explainer_nlg.evidence.effects import FeatureEffect
from explainer_nlg.evidence.groups import GroupComparison
from explainer_nlg.evidence.rules import RuleEvidence
from explainer_nlg.evidence.serialise import Record, to_plain
from explainer_nlg.evidence.similar import SimilarCases

RAW = json.loads((Path(__file__).resolve().parents[1] / "data" / "view_records.json").read_text())
KINDS = {"feature-effect": FeatureEffect, "group-comparison": GroupComparison, "similar-cases": SimilarCases,
         "rule": RuleEvidence}
RECORDS = {k: KINDS[d["kind"]].from_dict(d) for k, d in RAW.items() if not k.startswith("_")}


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_record_round_trips_through_json(name):
    record = RECORDS[name]
    assert isinstance(record, Record)
    d = record.to_dict()
    assert d == to_plain(d) and d["kind"] == record.kind and list(d)[:2] == ["schema_version", "kind"]
    back = type(record).from_json(record.to_json())
    assert back == record and back.to_json() == record.to_json()
    # the frozen JSON predates the effect's "cohort" key: everything it holds reads back unchanged
    assert {k: d[k] for k in RAW[name]} == RAW[name]


def _documented_keys(doc: str, heading: str) -> list[str]:
    lines = doc[doc.index(heading):].splitlines()
    rules = [i for i, line in enumerate(lines) if line.strip() and set(line.strip()) <= {"=", " "}]
    headed = lines[rules[0] + 1].split()[0] == "key"
    body = lines[rules[1] + 1:rules[2]] if headed else lines[rules[0] + 1:rules[1]]
    return [line.split()[0] for line in body if line.strip() and not line.startswith(" ")]


def test_keys_match_the_documented_schemas():
    fe = RECORDS["income_global"]
    assert list(fe.to_dict()) == _documented_keys(effects.__doc__, "Schema")
    gc = RECORDS["marital"]
    assert list(gc.to_dict()) == _documented_keys(groups.__doc__, "**GroupComparison**")
    assert list(gc.groups[0].to_dict()) == _documented_keys(groups.__doc__, "A **GroupStats**")
    sc = RECORDS["similar_17"]
    assert list(sc.to_dict()) == _documented_keys(similar.__doc__, "**SimilarCases**")
    assert list(sc.neighbours[0].to_dict()) == _documented_keys(similar.__doc__, "A **Neighbour**")
    r = RECORDS["surrogate_3"]
    assert list(r.to_dict()) == _documented_keys(rules.__doc__, "**RuleEvidence**")
    condition_doc = re.search(r'A \*\*Condition\*\*, as ``to_dict\(\)``: (\{[^}]*\})', rules.__doc__).group(1)
    assert list(r.conditions[0].to_dict()) == re.findall(r'"(\w+)"', condition_doc)
    leaf_doc = re.search(r'leaves +surrogate: \[(\{[^}]*\})', rules.__doc__).group(1)
    assert list(r.leaves[0].to_dict()) == re.findall(r'"(\w+)"', leaf_doc)


def test_a_wrong_kind_or_version_is_refused_by_name():
    d = RECORDS["rule_17"].to_dict()
    with pytest.raises(ValueError, match="Not a feature-effect record: kind 'rule'"):
        FeatureEffect.from_dict(d)
    with pytest.raises(ValueError, match="RuleEvidence schema version '2' is not supported"):
        RuleEvidence.from_dict({**d, "schema_version": "2"})
