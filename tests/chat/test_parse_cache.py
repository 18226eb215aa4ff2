"""The assistant keeps its last parses: the same words are parsed once, and what a caller does to
its copy never reaches the next asker."""

from explainer_nlg import Explainer
from explainer_nlg.chat import assistant as assistant_module


def test_the_same_words_are_parsed_once_and_each_caller_gets_its_own_copy(monkeypatch):
    a = Explainer.demo("loan").assistant()
    calls = []
    real = assistant_module.parse

    def counting(question, schema, llm=None):
        calls.append(question)
        return real(question, schema, llm=llm)

    monkeypatch.setattr(assistant_module, "parse", counting)
    first = a.parse("how confident is it?")
    first["ops"].append({"op": "mutated"})
    second = a.parse("how confident is it?")
    assert calls == ["how confident is it?"]
    assert {"op": "mutated"} not in second["ops"]
    a.parse("why was 17 denied?")
    assert calls == ["how confident is it?", "why was 17 denied?"]
    # answers that follow a cached parse still resolve against their own conversation
    assert a.ask("why was 17 denied?", session="one").parsed["resolved"]["instance"] == 17
    assert a.ask("and the next one?", session="one").parsed["resolved"]["instance"] == 18
    assert a.ask("and the next one?", session="two", x=40).parsed["resolved"]["instance"] == 41
