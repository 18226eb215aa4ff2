"""Long work yields the CPU: texts' and photos' explanations and the LLM's rewording run on
low-priority threads, quick questions about rows do not, and nothing is lost on the way."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from explainer_nlg.attribution import limits
from explainer_nlg.chat.reply import ChatAnswer
from explainer_nlg.service import Service
from explainer_nlg.service.llm_slot import LLMBusy, SharedLLM
from explainer_nlg.service.priority import LOW_NICE, Busy, PausingLLM, is_long_work, run_low
from explainer_nlg.store.audit import AuditLog

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")


def nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_low_work_runs_at_a_lower_priority_with_its_budget_and_its_errors():
    caller = nice()
    assert run_low(nice) >= LOW_NICE > caller
    assert nice() == caller  # the caller's own thread is untouched
    with limits.explain_limits(seconds=5, calls=77):
        assert run_low(lambda: limits.current().calls) == 77
    with pytest.raises(ZeroDivisionError):
        run_low(lambda: 1 / 0)


class Kind:
    def __init__(self, kind):
        self.kind = kind


class RecordingAssistant:
    """Answers anything, noting the priority of the thread that computed the answer."""

    def __init__(self, kind):
        self.ex = Kind(kind)
        self.nice: int | None = None

    def ask(self, question, **kw):
        self.nice = nice()
        return ChatAnswer(f"answered {question}", {"question": question, "ops": []}, (), kw.get("session", ""))

    def record(self, answer, question, **kw):
        return answer


@pytest.mark.parametrize("kind, x, low", [("text", "a long review", True), ("image", object(), True),
                                          ("tabular", {"Income": 5}, False), ("text", None, False)])
def test_the_service_sends_texts_and_photos_to_the_low_threads_only(kind, x, low):
    svc = Service(explainers={}, store=False, audit=AuditLog("sqlite://"))
    assistant = RecordingAssistant(kind)
    shown = svc.answer(assistant, "why?", x, "k", "customer")
    assert shown.text == "answered why?"
    assert is_long_work(assistant.ex, x) is low
    assert (assistant.nice >= LOW_NICE) is low


class PriorityLLM:
    """An LLM that notes the priority it was run at and writes nothing."""

    name, ready = "fake", True

    def __init__(self):
        self.nice: list[int] = []

    def stream(self, system, user):
        self.nice.append(nice())
        yield ""


def test_the_llm_rewords_on_a_low_thread():
    llm = PriorityLLM()
    svc = Service(store=False, audit=AuditLog("sqlite://"), llm=llm, budget=128)
    done = threading.Event()
    ex, assistant = svc.model("loan")
    svc.answer(assistant, "why was 17 denied?", None, "k", "customer", refine=lambda revised: done.set())
    assert done.wait(60)
    assert llm.nice and min(llm.nice) >= LOW_NICE


class CountingLLM:
    """A lazily decoded reply: each piece is 'decoded' (noted) only when it is read."""

    name = "counting"

    def __init__(self):
        self.decoded: list[float] = []
        self.closed = False

    def stream(self, system, user):
        try:
            for i in range(3):
                self.decoded.append(time.monotonic())
                yield f"{i} "
        finally:
            self.closed = True


def test_the_llm_decodes_nothing_while_an_answer_is_computed():
    busy, llm = Busy(), CountingLLM()
    reply: list[str] = []
    with busy:
        reader = threading.Thread(target=lambda: reply.extend(PausingLLM(llm, busy, max_pause=30).stream("s", "u")))
        reader.start()
        time.sleep(0.3)
        assert llm.decoded == []  # paused before the first piece
        released = time.monotonic()
    reader.join(10)
    assert reply == ["0 ", "1 ", "2 "] and min(llm.decoded) >= released and llm.closed


def test_a_pause_has_an_end_and_a_stopped_reader_frees_the_model():
    busy, llm = Busy(), CountingLLM()
    with busy:  # busy throughout: each piece still comes after at most max_pause
        stream = PausingLLM(llm, busy, max_pause=0.05).stream("s", "u")
        assert next(stream) == "0 "
        stream.close()
    assert llm.closed and len(llm.decoded) == 1


class GatedLLM:
    """Holds its reply until ``gate`` is set; counts the callers that reached it."""

    name, ready = "gated", True

    def __init__(self):
        self.gate = threading.Event()
        self.calls = 0

    def stream(self, system, user):
        self.calls += 1
        while not self.gate.wait(0.01):
            yield ""


def test_an_answer_never_queues_for_an_llm_busy_with_another_session():
    llm = GatedLLM()
    svc = Service(store=False, audit=AuditLog("sqlite://"), llm=llm, budget=128)
    svc.shared_llm.max_busy, svc.shared_llm.quiet_s = 99, 0.0  # the slot alone, not the crowd rules (below)
    svc.ask("why was 17 denied?", "loan", "", "warm-up")  # row 17's evidence is computed once
    first = threading.Thread(target=svc.ask, args=("why was 17 denied?", "loan", "", "first"))
    first.start()
    for _ in range(500):
        if svc.shared_llm.slot.locked():
            break
        time.sleep(0.01)
    assert svc.shared_llm.slot.locked()  # the first session's rewording holds the LLM
    calls = llm.calls
    second = svc.ask("why was 17 denied?", "loan", "", "second")
    sentences = [s for part in second["parts"] for s in part["narration"]["sentences"]]
    assert llm.calls == calls  # the second answer never reached the model
    assert sentences and all(s["status"] == "fallback" and "rewording another answer" in s["reason"]
                             for s in sentences)
    llm.gate.set()
    first.join(30)


def test_an_inline_rewording_stops_when_other_answers_arrive():
    busy, llm = Busy(), CountingLLM()
    shared = SharedLLM(llm, busy=busy)
    with busy:  # this answer alone: it may reword
        stream = shared.stream("s", "u")
        assert next(stream) == "0 "
        with busy:  # another answer comes in: the rewording ends, its model is freed
            with pytest.raises(LLMBusy, match="busy with other answers"):
                next(stream)
    assert llm.closed and not shared.slot.locked()
    assert len(llm.decoded) == 2  # the piece read when the other answer came was the last


def test_an_inline_rewording_waits_out_the_end_of_a_burst():
    busy, llm = Busy(), CountingLLM()
    shared = SharedLLM(llm, busy=busy, quiet_s=0.3)
    with busy:
        pass  # one answer just finished (one client asking one question after another): fine
    with busy:
        assert list(shared.stream("s", "u")) == ["0 ", "1 ", "2 "]
    # two finished within quiet_s: the tail of a burst, more are likely on their way
    with busy:
        with pytest.raises(LLMBusy, match="busy with other answers"):
            next(shared.stream("s", "u"))
    time.sleep(0.35)
    with busy:  # quiet for quiet_s: this answer may reword
        assert list(shared.stream("s", "u")) == ["0 ", "1 ", "2 "]
