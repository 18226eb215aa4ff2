import json

import numpy as np
import pytest

from explainer_nlg import Attribution, Evidence


def make():
    return Evidence(
        kind="text", predicted_label="other", probabilities={"great": np.float64(0.1), "other": 0.9},
        target_label="other", base_value=0.4,
        attributions=[Attribution("stale", "stale", np.float32(0.3), (4, 9)), Attribution("box", "box", 0.2, (10, 13))],
        method="exact enumeration", n_evaluations=4, seconds=0.1,
        faithfulness={"k": 1, "comprehensiveness": 0.5}, input={"text": "Was stale box"}, notes=["n"],
        extra={"arr": np.array([1.0, float("nan")])},
    )


def test_json_round_trip_is_lossless():
    d = make().to_dict()
    text = json.dumps(d)  # plain JSON types only (numpy scalars and arrays converted)
    back = Evidence.from_json(text)
    assert back.to_dict() == d
    assert back.attributions[0].span == (4, 9)
    assert d["extra"]["arr"] == [1.0, None]


def test_schema_keys_present():
    d = make().to_dict()
    for key in ["predicted_label", "probabilities", "target_label", "base_value", "attributions", "method",
                "n_evaluations", "seconds", "faithfulness", "schema_version"]:
        assert key in d
    assert set(d["attributions"][0]) == {"name", "value", "contribution", "span", "standard_error"}


def test_top_and_efficiency_gap():
    ev = make()
    assert [a.name for a in ev.top(1)] == ["stale"]
    assert ev.efficiency_gap() == pytest.approx(0.0, abs=1e-6)


def test_unknown_schema_version_is_refused():
    d = make().to_dict()
    d["schema_version"] = "99"
    with pytest.raises(ValueError, match="schema version"):
        Evidence.from_dict(d)
