"""Answer at once, then refine, in the page (headless Chromium): the templates and the chart show
at once, the LLM's verified rewording replaces its template sentence later, and a next question
sent meanwhile is answered at once (the rewording of the earlier answer, now stale, never shows).

A fake LLM stands in for the real one (it rewords "The model predicted" as "The model in fact
predicted", which the verifier accepts), served in an app of its own (see ``tests.serving.serve``).
"""

from __future__ import annotations

import re
import time

import pytest

from explainer_nlg.service import Service
from tests.serving import serve
from tests.ui.browser import open_page, send

pytestmark = pytest.mark.usefixtures("browser_available")
CHAT = "document.querySelector('#chat').innerText"


class SlowFake:
    """Thinks for ``delay`` seconds (yielding nothing, so a stopped caller can close it), then
    rewords the numbered lines."""

    name, ready = "slow-fake", True

    def __init__(self, delay: float):
        self.delay = delay
        self.calls = 0

    def stream(self, system, user):
        self.calls += 1
        t = time.monotonic()
        while time.monotonic() - t < self.delay:
            time.sleep(0.05)
            yield ""
        lines = [line for line in user.splitlines() if re.match(r"^\d+\. ", line)]
        yield "\n".join(re.sub(r"([Tt]he model) predicted", r"\1 in fact predicted", line) for line in lines) + "\n"


@pytest.fixture(scope="module")
def refining_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refine-app")
    fake = SlowFake(delay=6.0)
    service = Service(budget=128, llm=fake, store=f"sqlite:///{tmp / 'store.sqlite'}")
    url, app = serve(service)
    yield url, service, fake
    app.close()


def test_the_page_shows_the_templates_then_the_reworded_sentence(refining_app):
    url, service, fake = refining_app
    fake.delay = 6.0
    with open_page(url) as page:
        send(page, "why was 17 denied?")
        page.wait_for_function(f"{CHAT}.includes('income of 330')", timeout=180_000, polling=250)
        shown_at = time.monotonic()
        text = page.evaluate(CHAT)
        assert "predicted “good”, not “bad”" in text and "in fact predicted" not in text  # the template, at once
        page.wait_for_function("document.querySelector('#chart img') !== null", timeout=10_000, polling=250)
        assert time.monotonic() - shown_at < 6.0  # the chart did not wait for the rewording
        page.wait_for_function(f"{CHAT}.includes('in fact predicted “good”, not “bad”')",
                               timeout=60_000, polling=250)
        text = page.evaluate(CHAT)
        assert text.count("predicted “good”, not “bad”") == 1  # replaced, not added
        assert text.count("income of 330") == 1
    revisions = service.audit.search(kind="revision")
    assert revisions, "the rewording shown is on the record"
    entry = service.audit.get(revisions[0]["seq"])["payload"]
    assert entry["revises"] and "in fact predicted" in entry["answer"]
    assert service.audit.get(entry["revises"])["payload"]["kind"] == "answer"


def test_a_next_question_is_answered_at_once_and_the_stale_rewording_never_shows(refining_app):
    url, service, fake = refining_app
    fake.delay = 12.0
    with open_page(url) as page:
        send(page, "why was 17 denied?")
        page.wait_for_function(f"{CHAT}.includes('income of 330')", timeout=180_000, polling=250)
        calls = fake.calls
        t = time.monotonic()
        send(page, "why was 18 denied?")
        page.wait_for_function(f"{CHAT}.includes('About row 18')", timeout=60_000, polling=250)
        answered = time.monotonic() - t
        text = page.evaluate(CHAT)
        first = text.split("why was 18 denied?")[0]
        assert "predicted “good”, not “bad”" in first
        assert "in fact predicted" not in text
        assert answered < 60.0 and fake.calls <= calls + 1  # not queued behind the rewording
        # The second answer's own rewording arrives; the first answer keeps its templates.
        page.wait_for_function(f"{CHAT}.includes('in fact predicted')", timeout=90_000, polling=250)
        text = page.evaluate(CHAT)
        first, second = text.split("why was 18 denied?")
        assert "in fact predicted" not in first and "in fact predicted" in second
