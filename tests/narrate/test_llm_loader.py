"""The LLM loader: a model still loading is not asked, a missing or corrupt one is reported once, and
the templates answer meanwhile."""

from __future__ import annotations

import pytest

from explainer_nlg.narrate import narrate
from tests.narration_fixtures import Scripted, echo_templates, loan


def test_an_llm_still_loading_is_not_asked(monkeypatch):
    from explainer_nlg.narrate.llm_loader import BackgroundLLM
    from explainer_nlg.narrate.verify import encoder

    # The loader also warms the verifier's MiniLM (a minute's import on a busy machine): stand it in,
    # by the name the loader calls, so a renamed warm-up fails here instead of every load.
    warmed = []
    monkeypatch.setattr(encoder, "encoder", lambda: warmed.append(True))
    started = __import__("threading").Event()

    def slow_loader(model, backend="auto", **kw):
        started.wait(10)
        return Scripted(echo_templates)

    messages = []
    llm = BackgroundLLM("fake", loader=slow_loader, on_status=messages.append)
    a = narrate(loan(4), "customer", llm=llm)
    assert not llm.ready and a.llm is None and all(s.status == "template" for s in a.sentences)
    started.set()
    assert llm.wait(300)  # the MiniLM warm-up can take tens of seconds on a busy machine
    b = narrate(loan(4), "customer", llm=llm)
    assert b.llm is not None and all(s.status == "rephrased" for s in b.sentences)
    assert len(messages) == 1 and "ready" in messages[0], messages
    assert warmed == [True]


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
def test_a_missing_or_corrupt_model_is_reported_once_and_templates_go_on(problem, tmp_path):
    from explainer_nlg.narrate.llm_loader import BackgroundLLM

    path = tmp_path / "model.gguf"
    if problem == "corrupt":
        path.write_bytes(b"GGUF" + b"\x00" * 64)  # a header and nothing else
    model = str(path) if problem == "corrupt" else "no-such-model"
    messages = []
    llm = BackgroundLLM(model, backend="transformers", on_status=messages.append)
    assert not llm.wait(600) and llm.failed
    assert len(messages) == 1 and "not available" in messages[0] and "templates" in messages[0]
    a = narrate(loan(4), "customer", llm=llm)
    assert a.text == narrate(loan(4), "customer").text
