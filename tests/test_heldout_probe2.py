"""Probe 2 (benchmarks/heldout/probe2_*.toml): well formed, scored perfectly when parsed perfectly,
and its tables kept out of the parser's training pool. Fast: no model is built."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HELDOUT = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout"
sys.path.insert(0, str(HELDOUT))

import models  # noqa: E402
from gold import check_gold, load_toml, perfect_parse  # noqa: E402
from score import score_parse  # noqa: E402

from explainer_nlg.chat.schema_pool import EXCLUDED  # noqa: E402


@pytest.mark.parametrize("name", ["hmda", "biopsy"])
def test_probe_sets_are_well_formed_and_score_perfectly_when_parsed_perfectly(name):
    data = load_toml(HELDOUT / f"probe2_{name}.toml")
    assert data["dataset"] == name and len(data["q"]) >= 40
    for n, e in enumerate(data["q"], 1):
        assert e["id"] == f"probe2-{name}-{n:03d}" and e["split"] == "probe", e["id"]
        assert check_gold(e, models.SCHEMAS[name]) == [], e["id"]
        assert score_parse(perfect_parse(e), e, models.SCHEMAS[name])["full"], e["id"]
    # a wrong operation must score wrong
    e = data["q"][0]
    assert not score_parse(dict(perfect_parse(e), ops=[{"op": "help"}]), e, models.SCHEMAS[name])["op"]


def test_probe_dialogues_are_well_formed():
    dialogues = load_toml(HELDOUT / "probe2_dialogues.toml")["dialogue"]
    for n, d in enumerate(dialogues, 1):
        assert d["id"] == f"probe2-dlg-{n:03d}" and d["split"] == "probe"
        for turn in d["turn"]:
            assert check_gold(turn, models.SCHEMAS[d["dataset"]]) == [], (d["id"], turn["q"])


def test_probe_tables_are_kept_out_of_training():
    assert {("AER", "HMDA"), ("MASS", "biopsy")} <= EXCLUDED
