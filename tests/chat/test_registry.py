"""The operation registry: one declaration per operation, from which everything else derives."""

import dataclasses
import inspect

import pytest

from explainer_nlg.chat import registry


def test_names_are_the_closed_set_of_the_contract():
    assert set(registry.names()) == {
        "predict", "why", "why_not", "top_features", "confidence", "what_if", "counterfactual", "show", "count",
        "statistics", "define", "describe_model", "describe_data", "performance", "mistakes", "interactions", "help",
        "effect", "compare", "similar", "rules"}
    assert len(set(registry.names())) == len(registry.names())


@pytest.mark.parametrize("name", registry.names(available_only=True))
def test_every_available_operation_has_a_real_handler_and_phrasings(name):
    op = registry.get(name)
    func = op.run()
    params = list(inspect.signature(func).parameters)
    assert callable(func) and params == ["ctx"], (name, params)
    assert func.__module__.startswith("explainer_nlg.chat.operations.")
    assert len(registry.phrasings()[name]) >= 20
    assert op.meaning and op.label


@pytest.mark.parametrize("name", registry.names())
def test_every_operation_is_learnable_even_before_it_is_built(name):
    op = registry.get(name)
    assert len(registry.phrasings()[name]) >= 20
    if not op.available:
        assert op.instead, f"{name} must say what the assistant can do instead"
        assert name not in registry.handlers()


def test_an_unavailable_operation_has_no_handler_to_run():
    unavailable = [n for n in registry.names() if not registry.is_available(n)]
    for name in unavailable:
        with pytest.raises(LookupError):
            registry.get(name).run()


def test_the_assistant_answers_an_unbuilt_operation_with_what_it_can_do_instead(monkeypatch):
    """Every operation is built today, so "compare" is declared unbuilt here, as a new operation is
    while its handler is written: the parser still recognises it and the assistant says so."""
    from explainer_nlg import Explainer

    unbuilt = dataclasses.replace(registry.get("compare"), handler=None, available=False,
                                  instead="how many rows match a description, as in “how many married applicants were denied?”")
    declared = {name: registry.get(name) for name in (*registry.names(), "unsupported")}
    monkeypatch.setattr(registry, "_by_name", lambda: {**declared, "compare": unbuilt})
    assert not registry.is_available("compare")
    bot = Explainer.demo("loan").assistant()
    r = bot.ask("does the model treat married and single applicants differently?", session="reg")
    assert r.parts[0].op == "unsupported" and r.parts[0].figures == {"wanted": "compare"}
    assert r.text.startswith("I can't yet answer questions about whether the model treats")
    assert "“how many married applicants were denied?”" in r.text
