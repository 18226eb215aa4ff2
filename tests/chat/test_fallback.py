"""The parser's optional LLM fallback: the grammar, the wiring (scripted LLM), and llama.cpp itself."""

import re

import pytest

from explainer_nlg.chat import fallback as fb
from explainer_nlg.chat import registry
from explainer_nlg.chat.learned import Reading
from explainer_nlg.chat.parser import parse
from tests.parser_sets import LOAN

OPERATIONS = registry.names()
UNSURE_QUESTION = "is this a random forest or something"
SURE_QUESTION = "how many applicants are older than 60"


class Model:
    """Stands in for the learned parser: unsure about the first question, sure about the second."""

    def read(self, text):
        probs = {op: 0.01 for op in OPERATIONS}
        if text == SURE_QUESTION:
            probs["count"] = 0.98
            return Reading(probs, {"new_row": 0.0, "correction": 0.0}, [(26, 36, "CMP", 0.99), (37, 39, "NUM", 0.99)])
        probs.update(describe_model=0.5, interactions=0.42, help=0.3)
        return Reading(probs, {"new_row": 0.0, "correction": 0.0}, [])


MODEL = Model()


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
    assert parse(UNSURE_QUESTION, LOAN, model=MODEL).get("clarify")
    assert not parse(SURE_QUESTION, LOAN, model=MODEL).get("clarify")


def test_the_llm_settles_only_unsure_questions_and_is_marked():
    llm = Scripted("interactions")
    p = parse(UNSURE_QUESTION, LOAN, llm=llm, model=MODEL)
    assert [o["op"] for o in p["ops"]] == ["interactions"] and p["settled_by"] == "llm" and "clarify" not in p
    system, user, grammar = llm.asked[0]
    assert grammar == fb.op_grammar() and UNSURE_QUESTION in user and "Most likely: describe_model" in user
    assert p["llm_ms"] >= 0
    llm.asked.clear()
    p = parse(SURE_QUESTION, LOAN, llm=llm, model=MODEL)
    assert not llm.asked and "settled_by" not in p and p["ops"][0]["op"] == "count"


@pytest.mark.parametrize("answer", ["unknown", RuntimeError("model crashed"), "tell me more", ""])
def test_unknown_failing_or_straying_llm_leaves_the_question_back(answer):
    plain = parse(UNSURE_QUESTION, LOAN, model=MODEL)
    p = parse(UNSURE_QUESTION, LOAN, llm=Scripted(answer), model=MODEL)
    assert p["ops"] == plain["ops"] and p["clarify"] == plain["clarify"] and "settled_by" not in p


def test_without_an_llm_or_with_a_narration_only_llm_nothing_changes():
    class NarrationOnly:
        name = "echo"

        def stream(self, system, user):
            yield "1. x"

    plain = {k: v for k, v in parse(UNSURE_QUESTION, LOAN, model=MODEL).items() if k != "ms"}
    other = {k: v for k, v in parse(UNSURE_QUESTION, LOAN, llm=NarrationOnly(), model=MODEL).items() if k != "ms"}
    assert plain == other and "settled_by" not in plain


def test_assistant_wiring_is_opt_in(monkeypatch):
    from explainer_nlg import Explainer
    from explainer_nlg.chat import assistant as A

    ex = Explainer.demo("loan")
    monkeypatch.delenv("EXPLAINER_NLG_LLM_PARSE", raising=False)
    monkeypatch.setattr(A, "parse", lambda q, s, llm=None: parse(q, s, llm=llm, model=MODEL))
    llm = Scripted("interactions")
    assert "settled_by" not in A.Assistant(ex, llm=llm).parse(UNSURE_QUESTION) and not llm.asked
    assert A.Assistant(ex, llm=llm, settle_with_llm=True).parse(UNSURE_QUESTION)["settled_by"] == "llm"
    monkeypatch.setenv("EXPLAINER_NLG_LLM_PARSE", "1")  # how the app (python app.py --llm ...) turns it on
    assert A.Assistant(ex, llm=llm).parse(UNSURE_QUESTION)["ops"][0]["op"] == "interactions"


def test_llama_cpp_chooses_within_the_grammar():
    """llama.cpp picks an operation under the generated grammar, with the default model (the
    ``llm`` extra installs it). Skips where llama-cpp-python or the model is missing, except under
    CI (``EXPLAINER_NLG_CI=1``): .ci/run builds llama-cpp-python, so missing it there is a failure."""
    import importlib.util
    import os
    import subprocess
    import sys

    from explainer_nlg.narrate.gguf import model_path
    from explainer_nlg.narrate.llm import LlamaCppLLM
    from explainer_nlg.narrate.llm_loader import DEFAULT_MODEL

    in_ci = os.environ.get("EXPLAINER_NLG_CI") == "1"
    if importlib.util.find_spec("llama_cpp") is None:
        if in_ci:
            pytest.fail("llama-cpp-python is not installed, and .ci/run should have built it")
        pytest.skip("llama-cpp-python is not installed (see the README's Local LLM section)")
    try:
        model_path(DEFAULT_MODEL)
    except (FileNotFoundError, ValueError) as err:
        if in_ci:
            pytest.fail(f"the default GGUF is not installed under CI: {err}")
        pytest.skip(f"GGUF not installed: {err}")
    # llama-cpp-python 0.3 crashes the process (segfault) on an invalid grammar, so llama.cpp
    # compiles the grammar in a child process first: an invalid one fails this test, not the run.
    code = ("from explainer_nlg.chat import fallback as fb; from explainer_nlg.narrate.llm import LlamaCppLLM; "
            f"print(LlamaCppLLM({DEFAULT_MODEL!r}, n_threads=1).choose('Pick one.', 'Which?', fb.op_grammar()))")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip().splitlines()[-1] in (*OPERATIONS, "unknown")
    llm = LlamaCppLLM(DEFAULT_MODEL, n_ctx=2048, n_threads=1)
    ranked = sorted(MODEL.read(UNSURE_QUESTION).ops.items(), key=lambda kv: -kv[1])
    assert fb.settle(llm, UNSURE_QUESTION, ranked) in (*OPERATIONS, "unknown")
