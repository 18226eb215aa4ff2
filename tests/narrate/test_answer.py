"""The answer record: plain data, whatever the LLM did."""

from __future__ import annotations

import json

from explainer_nlg.narrate import Answer, narrate
from tests.narration_fixtures import Scripted, echo_templates, loan


def test_answer_record_is_plain_data():
    a = narrate(loan(6), "developer", llm=Scripted(echo_templates))
    assert isinstance(a, Answer)
    d = json.loads(json.dumps(a.to_dict()))
    assert d["audience"] == "developer" and d["llm"]["model"] == "scripted"
    assert {s["status"] for s in d["sentences"]} <= {"rephrased", "template", "fallback"}
    assert "Sentences:" in d["llm"]["prompt"]
