"""Answer at once, then refine (narrate level): templates now, the LLM's verified rewording later."""

from __future__ import annotations

import re
import threading
import time

from explainer_nlg.narrate import narrate
from explainer_nlg.narrate.llm_refine import replace_sentences, reword
from tests.narration_fixtures import LOAN, Scripted, echo_templates


def _first_line_reworded(user):
    lines = echo_templates(user).splitlines()
    lines[0] = "1. The model predicted “good” and is very sure about it."
    return "\n".join(lines)


class Slow:
    """An LLM that takes ``delay`` seconds before its first piece (a busy CPU)."""

    name, ready = "slow", True

    def __init__(self, delay, output=_first_line_reworded):
        self.delay, self.output = delay, output
        self.calls = 0

    def stream(self, system, user):
        self.calls += 1
        time.sleep(self.delay)
        yield self.output(user)


def test_deferred_narration_is_the_templates_at_once_and_does_not_ask_the_llm():
    llm = Slow(5.0)
    pending = []
    t0 = time.perf_counter()
    shown = narrate(LOAN, "customer", llm=llm, defer=pending)
    assert time.perf_counter() - t0 < 1.0
    assert llm.calls == 0
    assert shown.text == narrate(LOAN, "customer").text
    assert all(s.status == "template" for s in shown.sentences)
    assert len(pending) == 1 and pending[0].shown is shown


def test_a_deferred_narration_streams_its_templates():
    seen = []
    narrate(LOAN, "customer", llm=Slow(5.0), defer=[], on_sentence=lambda s: seen.append(s.text))
    assert seen == [s.text for s in narrate(LOAN, "customer").sentences]


def test_the_rewording_replaces_its_template_and_a_rejected_one_stays():
    def rewrite(user):
        lines = _first_line_reworded(user).splitlines()
        lines[1] = re.sub(r"^2\. .*", "2. The main reason was the applicant's income, then savings and the amount.",
                          lines[1])  # "the amount" pulled against: wrong direction, rejected
        return "\n".join(lines)

    pending = []
    shown = narrate(LOAN, "customer", llm=Scripted(rewrite), defer=pending)
    later = reword(pending[0], limit=30)
    assert later.sentences[0].status == "rephrased"
    assert later.sentences[0].text == "The model predicted “good” and is very sure about it."
    assert later.sentences[1].status == "fallback" and later.sentences[1].text == shown.sentences[1].text
    assert later.llm is not None and "income" in later.llm.raw_output
    whole = "About row 17: " + shown.text + " (A note.)"
    revised = replace_sentences(whole, later)
    assert revised.startswith("About row 17: The model predicted “good” and is very sure about it. ")
    assert shown.sentences[1].text in revised and revised.endswith(" (A note.)")
    assert shown.sentences[0].text not in revised


def test_a_rewording_past_its_limit_keeps_the_templates():
    pending = []
    narrate(LOAN, "customer", llm=Slow(3.0), defer=pending)
    t0 = time.perf_counter()
    later = reword(pending[0], limit=0.5)
    assert time.perf_counter() - t0 < 2.0
    assert all(s.status == "fallback" and re.search(r"not in time|timed out", s.reason) for s in later.sentences)


def test_a_cancelled_rewording_stops_the_llm_and_keeps_the_templates():
    stopped = threading.Event()

    class Endless:
        name, ready = "endless", True

        def stream(self, system, user):
            try:
                while True:
                    time.sleep(0.01)
                    yield "word "
            finally:
                stopped.set()  # the generator was closed: the model is free for the next caller

    pending = []
    narrate(LOAN, "customer", llm=Endless(), defer=pending)
    t = time.perf_counter()
    later = reword(pending[0], limit=30, cancel=lambda: time.perf_counter() - t > 0.3)
    assert time.perf_counter() - t < 3.0
    assert all(s.status == "fallback" for s in later.sentences)
    assert "cancelled" in later.llm.error
    assert stopped.wait(2.0)


def test_without_defer_narrate_still_waits_within_its_limits():
    a = narrate(LOAN, "customer", llm=Scripted(_first_line_reworded))
    assert a.sentences[0].status == "rephrased"


def test_an_llm_still_loading_leaves_nothing_to_reword():
    class Loading:
        name, ready = "loading", False

        def stream(self, system, user):
            raise AssertionError("not asked")

    pending = []
    narrate(LOAN, "customer", llm=Loading(), defer=pending)
    assert pending == []
