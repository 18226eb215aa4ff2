"""The learned explainer's preview on the page (issue 17): shown first, labelled approximate, in
place of the "…" of a text's answer, then replaced by the verified answer; never kept in it."""

import pytest

from explainer_nlg.attribution.text_learned import Preview
from explainer_nlg.service import Service
from explainer_nlg.ui.app import PageHandlers
from explainer_nlg.ui.preview import preview_line

TEXT = "The cookies were stale and the box arrived crushed."


@pytest.fixture(scope="module")
def service():
    return Service(budget=32, store=False)


def _messages(page, question, demo, text):
    """The assistant message's content at each step of the page's stream."""
    return [out[0][-1]["content"] for out in page.respond(question, [], demo, None, None, text, None, None,
                                                           "customer", "")]


def test_the_preview_comes_first_and_the_answer_replaces_it(service, monkeypatch):
    ex, _ = service.model("text")
    words = TEXT.rstrip(".").split()
    fake = Preview(words, {c: [0.2 if w == "stale" else 0.0 for w in words] for c in ex.class_names}, "other")
    monkeypatch.setattr(ex, "has_preview", lambda: True)
    monkeypatch.setattr(ex, "preview", lambda x, target=None: fake)
    steps = _messages(PageHandlers(service), "why?", "text", TEXT)
    shown = [i for i, m in enumerate(steps) if "Approximate preview, being refined" in m]
    assert shown, steps
    first = shown[0]
    assert steps[first].startswith("<em>") and "“stale” +20 points" in steps[first]
    assert all(m == "…" for m in steps[:first])  # nothing verified came before it
    assert "preview" not in steps[-1].lower() and "stale" in steps[-1]  # the verified answer replaced it


def test_no_preview_without_a_learned_explainer_or_for_tables(service, monkeypatch):
    ex, _ = service.model("text")
    monkeypatch.setattr(ex, "has_preview", lambda: False)
    assert preview_line(ex, TEXT) is None
    loan, _ = service.model("loan")
    assert preview_line(loan, "17") is None
    steps = _messages(PageHandlers(service), "why?", "text", TEXT)
    assert not any("preview" in m.lower() for m in steps)


def test_a_failing_preview_never_holds_up_the_answer(service, monkeypatch):
    ex, _ = service.model("text")

    def broken(x, target=None):
        raise RuntimeError("head exploded")

    monkeypatch.setattr(ex, "has_preview", lambda: True)
    monkeypatch.setattr(ex, "preview", broken)
    assert preview_line(ex, TEXT) is None
    steps = _messages(PageHandlers(service), "why?", "text", TEXT)
    assert "stale" in steps[-1]
