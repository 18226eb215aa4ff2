"""The transformers backend: literal grammars, prompt-lookup drafts, and the real local model where it
is installed."""

from __future__ import annotations

import pytest

from explainer_nlg.narrate import narrate, verify_sentence
from tests.narration_fixtures import LOAN


def test_transformers_backend_reads_only_literal_grammars_and_drafts_from_the_prompt():
    from explainer_nlg.chat import fallback as fb
    from explainer_nlg.chat.fallback import OPERATIONS
    from explainer_nlg.narrate.llm_transformers import lookup_draft, parse_choices

    assert parse_choices(fb.op_grammar()) == [*OPERATIONS, "unknown"]
    with pytest.raises(ValueError):
        parse_choices("root ::= word+")
    assert lookup_draft([1, 2, 3, 4, 2, 3], ngram=2, k=2) == [4, 2]


def _installed_llm():
    """The default model through the transformers backend, or a skip saying why not."""
    from explainer_nlg.narrate.llm_loader import DEFAULT_MODEL, BackgroundLLM

    pytest.importorskip("gguf", reason="the LLM extra is not installed: pip install -e '.[llm]'")
    missing = BackgroundLLM._missing_packages(DEFAULT_MODEL)
    if missing:
        pytest.skip(f"the default LLM is not installed ({missing})")
    from explainer_nlg.narrate.llm_transformers import TransformersLLM

    return TransformersLLM(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def real_llm():
    return _installed_llm()


def test_real_model_rewords_verified_sentences(real_llm):
    pieces = []
    a = narrate(LOAN, "customer", llm=real_llm, on_token=pieces.append, time_limits=None)
    assert a.llm is not None and not a.llm.error and pieces
    assert a.counts()["rephrased"] >= 1, [(s.text, s.reason) for s in a.sentences]
    for s in a.sentences:
        assert verify_sentence(s.text, LOAN).ok


def test_real_model_chooses_within_the_grammar(real_llm):
    from explainer_nlg.chat import fallback as fb
    from explainer_nlg.chat.fallback import OPERATIONS

    got = real_llm.choose("Answer with one operation name.", "Question: how many rows are there?", fb.op_grammar())
    assert got in (*OPERATIONS, "unknown")
