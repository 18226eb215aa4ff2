"""Loading the local LLM in the background must not change what other threads compute.

transformers' ``from_pretrained(dtype=...)`` sets torch's *process-wide* default dtype for the
length of the load. The app loads the LLM in a background thread while it answers questions, so a
bfloat16 load made every float tensor created elsewhere meanwhile bfloat16 (and two overlapping
loads could leave it so for good): "mat1 and mat2 must have the same dtype (Float and BFloat16)"
in the parser, the verifier's encoder or the text model.
"""

import threading

import pytest


def test_loading_the_llm_never_changes_the_default_dtype_seen_by_other_threads():
    torch = pytest.importorskip("torch")
    pytest.importorskip("gguf", reason="the LLM extra is not installed: pip install -e '.[llm]'")
    from explainer_nlg.narrate.llm_loader import DEFAULT_MODEL, BackgroundLLM
    from explainer_nlg.narrate.llm_transformers import TransformersLLM

    missing = BackgroundLLM._missing_packages(DEFAULT_MODEL)
    if missing:
        pytest.skip(f"the default LLM is not installed ({missing})")
    TransformersLLM(DEFAULT_MODEL)  # converts the GGUF file once if no cached copy exists yet

    seen: set = set()
    loaded: list = []
    # bfloat16 (not the default since float32 read prompts faster): the dtype that leaked.
    loader = threading.Thread(target=lambda: loaded.append(TransformersLLM(DEFAULT_MODEL, dtype="bfloat16")))
    loader.start()
    while loader.is_alive():
        seen.add(torch.get_default_dtype())
        seen.add(torch.ones(1).dtype)
    loader.join()
    assert loaded and loaded[0].model.dtype == torch.bfloat16
    assert seen == {torch.float32}, seen
    assert torch.get_default_dtype() == torch.float32
