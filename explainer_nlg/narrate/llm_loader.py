"""Which local LLM to run, and loading it in the background so no answer waits for it.

The default model is Qwen2.5-Coder-0.5B-Instruct, shipped on PyPI in the ``llm`` extra. Two
backends run it: llama.cpp (``llama-cpp-python``, the fast one, but it builds from C++ source and
a default build crashes at its first decode on some CPUs) and transformers (no compiler; see
``llm_transformers``). ``backend="auto"`` takes llama.cpp only when it is installed *and* a
one-token probe in a separate process succeeds, so a crashing build costs a probe, never the app.

``BackgroundLLM`` starts loading at once in a thread and is an LLM (``name``, ``stream``,
``choose``) whose ``ready`` is False until the model is loaded: ``narrate`` answers from the
templates until then. A model that is not installed, or a file that is corrupt, makes it
``failed`` with a message that says which and how to fix it; it is reported once, through
``on_status``, and the templates go on.

>>> llm = BackgroundLLM("no-such-model", on_status=print)  # doctest: +ELLIPSIS
LLM no-such-model: not available (No GGUF file at 'no-such-model' and no known model ...). Answering from templates.
>>> llm.ready, llm.failed
(False, True)
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

DEFAULT_MODEL = "qwen2.5-coder-0.5b"
BACKENDS = ("auto", "transformers", "llama.cpp")

_PROBE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=256, verbose=False)
llm.create_completion("Hello", max_tokens=1)
"""


def llama_cpp_usable(path: str | os.PathLike, timeout: float = 180.0) -> bool:
    """Whether llama-cpp-python is installed and decodes a token with ``path`` (tried in a
    separate process: a build for the wrong CPU dies with a signal there, not here)."""
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def load_llm(model: str | os.PathLike = DEFAULT_MODEL, backend: str = "auto", **options: Any):
    """The LLM for ``model`` (a name in ``gguf.MODELS`` or a GGUF path), loaded now.

    ``backend``: "auto" (llama.cpp where it is installed and works, else transformers),
    "transformers" or "llama.cpp". ``options`` go to the backend (``dtype`` for transformers).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}.")
    from .gguf import model_path

    path = model_path(model)  # raises a clear error when the model is not installed
    if backend == "llama.cpp" or (backend == "auto" and llama_cpp_usable(path)):
        from .llm import LlamaCppLLM

        return LlamaCppLLM(model, **{k: v for k, v in options.items() if k != "dtype"})
    from .llm_transformers import TransformersLLM

    return TransformersLLM(model, **options)


class BackgroundLLM:
    """An LLM that loads in a background thread; ``ready`` once it can answer.

    ``on_status(message)`` is called once when loading ends (ready, or failed and why).
    ``loader`` replaces ``load_llm`` (tests pass a fake).
    """

    def __init__(self, model: str | os.PathLike = DEFAULT_MODEL, backend: str = "auto",
                 on_status: Callable[[str], None] | None = None,
                 loader: Callable[..., Any] | None = None, **options: Any):
        self.name = str(model)
        self.backend = backend
        self.error = ""
        self.load_seconds: float | None = None
        self._llm: Any = None
        self._done = threading.Event()
        self._on_status = on_status
        self._loader = loader or load_llm
        missing = self._missing_packages(model) if loader is None else ""
        if missing:
            self._finish(None, missing)
            return
        if loader is None:
            _import_backend()
        threading.Thread(target=self._load, args=(model, options), name="llm-load", daemon=True).start()

    @staticmethod
    def _missing_packages(model: Any) -> str:
        """Say at once, without a thread, when the model's packages are not installed."""
        from .gguf import MODELS

        spec = MODELS.get(str(model))
        if os.path.exists(str(model)) or spec is None:
            return "" if os.path.exists(str(model)) else (
                f"No GGUF file at {str(model)!r} and no known model of that name ({', '.join(MODELS)}).")
        from ..cache import cache_dir

        if (cache_dir() / "gguf" / spec["file"]).exists():
            return ""
        if any(importlib.util.find_spec(m) is None for m, _ in spec["parts"]):
            return f"its packages are not installed: pip install 'explainer-nlg[llm]' (or {' '.join(spec['pip'])})"
        return ""

    def _load(self, model: Any, options: dict) -> None:
        t0 = time.perf_counter()
        try:
            llm = self._loader(model, backend=self.backend, **options)
            # The verifier reads unfamiliar LLM wording with MiniLM: load it now too, so the
            # first reworded answer does not pay for it.
            from .verify.encoder import encoder

            encoder()
        except Exception as err:  # noqa: BLE001 - any failure: say so once, answer from templates
            self._finish(None, f"{type(err).__name__}: {err}")
            return
        self.load_seconds = time.perf_counter() - t0
        self._finish(llm, "")

    def _finish(self, llm: Any, error: str) -> None:
        self._llm, self.error = llm, error
        self._done.set()
        if self._on_status is None:
            return
        if llm is not None:
            backend = getattr(llm, "backend", "llama.cpp")
            dtype = f", {llm.dtype}" if getattr(llm, "dtype", None) else ""
            self._on_status(f"LLM {self.name}: ready ({backend}{dtype}, loaded in {self.load_seconds:.1f} s); "
                            "answers are reworded and verified from now on.")
        else:
            self._on_status(f"LLM {self.name}: not available ({error}). Answering from templates.")

    @property
    def ready(self) -> bool:
        return self._llm is not None

    @property
    def failed(self) -> bool:
        return self._done.is_set() and self._llm is None

    @property
    def model(self) -> Any:
        """The loaded backend (None until ready)."""
        return self._llm

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loading has ended; True when the model is ready."""
        self._done.wait(timeout)
        return self.ready

    def stream(self, system: str, user: str) -> Iterator[str]:
        if self._llm is None:
            raise RuntimeError(f"the LLM is not ready ({self.error or 'still loading'})")
        return self._llm.stream(system, user)

    def choose(self, system: str, user: str, grammar: str, max_tokens: int = 12) -> str:
        if self._llm is None or not callable(getattr(self._llm, "choose", None)):
            raise RuntimeError("the LLM is not ready")
        return self._llm.choose(system, user, grammar, max_tokens=max_tokens)


def _import_backend() -> None:
    """Import the transformers backend in the caller's thread before the loader thread starts: two
    threads importing transformers' lazy modules at once (the loader, and a first answer loading the
    parser) can see a half-initialised module and fail with an ImportError."""
    try:
        import gguf  # noqa: F401
        from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache  # noqa: F401
    except ImportError:
        pass  # the loader says what is missing, once

