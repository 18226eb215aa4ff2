"""The transformers backend reads only the part of a prompt that differs from the last one (the
system prompt and instructions are the same for every rewording), and decodes the same tokens as
with a fresh cache. A tiny random Qwen2 stands in for the real model."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from explainer_nlg.narrate.llm_transformers import TransformersLLM  # noqa: E402


@pytest.fixture(scope="module")
def tiny():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256)
    net = Qwen2ForCausalLM(config).eval()
    llm = object.__new__(TransformersLLM)  # the decoding loop without a GGUF file behind it
    llm.model, llm._torch, llm.draft_tokens, llm.stop_ids, llm._reuse = net, torch, 4, {63}, None
    llm._cache_arg = "cache" if "cache" in __import__("inspect").signature(net.forward).parameters \
        else "past_key_values"
    fed: list[int] = []
    forward = llm._forward

    def counting(ids, cache):
        fed.append(len(ids))
        return forward(ids, cache)

    llm._forward = counting
    return llm, fed


def _run(llm, ids, n=12):
    return list(llm._tokens(ids, n))


def test_a_prompt_sharing_its_start_with_the_last_one_reads_only_the_rest(tiny):
    llm, fed = tiny
    system = list(range(1, 41))  # 40 shared tokens: "the system prompt"
    a, b = system + [41, 42, 43, 44], system + [45, 46, 47]
    llm._reuse = None
    fresh_b = _run(llm, b)
    llm._reuse = None
    _run(llm, a)
    fed.clear()
    reused_b = _run(llm, b)
    assert fed[0] == len(b) - len(system)  # only the differing end was read
    assert reused_b == fresh_b  # the same tokens as from a fresh cache
    fed.clear()
    assert _run(llm, b) == fresh_b  # the same prompt again: all but its last token reused
    assert fed[0] == 1


def test_a_prompt_that_shares_little_starts_a_fresh_cache(tiny):
    llm, fed = tiny
    _run(llm, list(range(1, 41)))
    fed.clear()
    other = [50 - i % 7 for i in range(30)]
    out = _run(llm, other)
    assert fed[0] == len(other)
    llm._reuse = None
    assert _run(llm, other) == out


def test_a_stream_stopped_early_leaves_a_cache_the_next_prompt_can_use(tiny):
    llm, fed = tiny
    system = list(range(1, 41))
    llm._reuse = None
    expected = _run(llm, system + [60])
    gen = llm._tokens(system + [61, 62], 12)
    next(gen)
    gen.close()  # the reader stopped after one token
    fed.clear()
    assert _run(llm, system + [60]) == expected
    assert fed[0] == 1
