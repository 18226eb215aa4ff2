"""The parser's optional LLM fallback: the grammar, the wiring (scripted LLM), and llama.cpp itself."""

import re

import pytest
from parser_sets import LOAN

from explainer_nlg.chat import fallback as fb
from explainer_nlg.chat.parser import parse
from explainer_nlg.chat.router import OPERATIONS, Router

UNSURE_QUESTION = "is this a random forest or something"  # the router's best score is low here
SURE_QUESTION = "how many applicants are older than 60"


class Scripted:
    """An LLM that answers ``answer`` under any grammar and remembers what it was asked."""

    name = "scripted"

    def __init__(self, answer="interactions"):
        self.answer = answer
        self.asked: list[tuple[str, str, str]] = []

    def choose(self, system, user, grammar):
        self.asked.append((system, user, grammar))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_grammar_is_gbnf_listing_every_operation_and_unknown():
    g = fb.op_grammar()
    # GBNF: one rule named root whose alternatives are quoted literals separated by "|".
    m = re.fullmatch(r'root ::= ("[a-z_]+"(?: \| "[a-z_]+")*)', g)
    assert m, g
    names = re.findall(r'"([a-z_]+)"', m.group(1))
    assert sorted(names) == sorted([*OPERATIONS, "unknown"]) and len(names) == len(set(names))


def test_the_question_is_unsure_and_the_other_is_not():
    ranked = Router.default().classify(UNSURE_QUESTION, LOAN)
    assert fb.unsure(ranked[0][1], ranked[1][1]), ranked[:2]
    ranked = Router.default().classify(SURE_QUESTION, LOAN)
    assert not fb.unsure(ranked[0][1], ranked[1][1]), ranked[:2]


def test_the_llm_settles_only_unsure_questions_and_is_marked():
    llm = Scripted("interactions")
    p = parse(UNSURE_QUESTION, LOAN, llm=llm)
    assert [o["op"] for o in p["ops"]] == ["interactions"] and p["settled_by"] == "llm"
    system, user, grammar = llm.asked[0]
    assert grammar == fb.op_grammar() and UNSURE_QUESTION in user and "Most likely:" in user
    assert p["llm_ms"] >= 0
    llm.asked.clear()
    p = parse(SURE_QUESTION, LOAN, llm=llm)
    assert not llm.asked and "settled_by" not in p and p["ops"][0]["op"] == "count"


@pytest.mark.parametrize("answer", ["unknown"])
def test_unknown_from_the_llm_is_a_refusal(answer):
    p = parse(UNSURE_QUESTION, LOAN, llm=Scripted(answer))
    assert p["ops"] == [{"op": "unsupported", "reason": "unclear"}] and p["settled_by"] == "llm"


@pytest.mark.parametrize("answer", [RuntimeError("model crashed"), "tell me more", ""])
def test_a_failing_or_straying_llm_leaves_the_router_answer(answer):
    plain = parse(UNSURE_QUESTION, LOAN)
    p = parse(UNSURE_QUESTION, LOAN, llm=Scripted(answer))
    assert p["ops"] == plain["ops"] and "settled_by" not in p


def test_without_an_llm_or_with_a_narration_only_llm_nothing_changes():
    class NarrationOnly:
        name = "echo"

        def stream(self, system, user):
            yield "1. x"

    plain = {k: v for k, v in parse(UNSURE_QUESTION, LOAN).items() if k != "ms"}
    other = {k: v for k, v in parse(UNSURE_QUESTION, LOAN, llm=NarrationOnly()).items() if k != "ms"}
    assert plain == other and "settled_by" not in plain


def test_assistant_wiring_is_opt_in(monkeypatch):
    from explainer_nlg import Explainer
    from explainer_nlg.chat.assistant import Assistant

    ex = Explainer.demo("loan")
    monkeypatch.delenv("EXPLAINER_NLG_LLM_PARSE", raising=False)
    llm = Scripted("interactions")
    assert "settled_by" not in Assistant(ex, llm=llm).parse(UNSURE_QUESTION) and not llm.asked
    assert Assistant(ex, llm=llm, settle_with_llm=True).parse(UNSURE_QUESTION)["settled_by"] == "llm"
    monkeypatch.setenv("EXPLAINER_NLG_LLM_PARSE", "1")  # how the app (python app.py --llm ...) turns it on
    assert Assistant(ex, llm=llm).parse(UNSURE_QUESTION)["ops"][0]["op"] == "interactions"
    try:
        assert ex.assistant(llm=llm, settle_with_llm=True).parse(UNSURE_QUESTION)["settled_by"] == "llm"
    finally:
        ex._assistant = None  # other tests share the demo explainer: give them a plain assistant back


def test_llama_cpp_chooses_within_the_grammar():
    pytest.importorskip("llama_cpp")
    import subprocess
    import sys

    from explainer_nlg.narrate.gguf import model_path
    from explainer_nlg.narrate.llm import LlamaCppLLM

    try:
        model_path("smollm2-135m")
    except (FileNotFoundError, ValueError) as err:
        pytest.skip(f"GGUF not installed: {err}")
    # llama-cpp-python 0.3 crashes the process (segfault) on an invalid grammar, so llama.cpp
    # compiles the grammar in a child process first: an invalid one fails this test, not the run.
    code = ("from explainer_nlg.chat import fallback as fb; from explainer_nlg.narrate.llm import LlamaCppLLM; "
            "print(LlamaCppLLM('smollm2-135m', n_threads=1).choose('Pick one.', 'Which?', fb.op_grammar()))")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip().splitlines()[-1] in (*OPERATIONS, "unknown")
    llm = LlamaCppLLM("smollm2-135m", n_ctx=2048, n_threads=1)
    ranked = Router.default().classify(UNSURE_QUESTION, LOAN)
    assert fb.settle(llm, UNSURE_QUESTION, ranked) in (*OPERATIONS, "unknown")
    p = parse(UNSURE_QUESTION, LOAN, llm=llm)
    assert p["settled_by"] == "llm" and p["ops"][0]["op"] in (*OPERATIONS, "unsupported")
