"""The local LLM run by transformers (no compiler needed): GGUF files dequantised once, then cached.

transformers reads a GGUF file directly (``from_pretrained(dir, gguf_file=...)``, with the ``gguf``
package), but it dequantises every tensor and converts the tokenizer on each load: minutes on two
cores. The first load therefore writes the result as a standard safetensors model directory in
``cache_dir()/llm/``, under a temporary name renamed into place only when complete, so a crash
mid-write never leaves a half model that later starts would trust. Later starts read that
directory in seconds.

Decoding is greedy, in our own loop rather than ``generate``: it streams pieces as they are
decoded, stops the moment the caller stops reading (which releases the model for the next
caller), and drafts tokens from the prompt (prompt-lookup decoding). A rewording copies long runs
of the sentences it was given, so a draft of the next few tokens, taken from where the last
tokens occur in the prompt, is usually right, and one forward pass checks a whole draft; greedy
output is the same token for token as without drafting.

``choose`` picks one of a closed set of strings, as the chat's router fallback needs; it reads
only the grammars that fallback writes (``root ::= "a" | "b" | ...``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..cache import cache_dir, one_builder

DTYPES = ("bfloat16", "float32", "int8")
# float32: on CPUs without native bfloat16 arithmetic (AVX2 only, like the development machine)
# bfloat16 read prompts several times slower at equal acceptance (decision 0010, README figures).
DEFAULT_DTYPE = "float32"
# Written last into a cached model directory: its presence says the directory is complete.
DONE_FILE = "explainer-nlg.json"


def converted_dir(gguf_path: Path, dtype: str = DEFAULT_DTYPE) -> Path:
    """Where the safetensors copy of a GGUF file lives (keyed by the file's name and size). It is
    stored in float32 whatever ``dtype`` is asked for: one conversion serves every dtype, and the
    dequantised values are kept exactly (bfloat16 and int8 are cast from it at load)."""
    return cache_dir() / "llm" / f"{gguf_path.stem}-{gguf_path.stat().st_size}-float32"


def convert_gguf(gguf_path: Path, dtype: str = DEFAULT_DTYPE, progress: bool = False) -> Path:
    """Dequantise ``gguf_path`` once into a safetensors model directory; return the directory.

    The directory is written under a temporary name and renamed into place when complete, so
    concurrent or interrupted conversions never leave a partial model behind. It is stored in
    float32 for every ``dtype`` (see ``converted_dir``).
    """
    target = converted_dir(gguf_path, dtype)
    if (target / DONE_FILE).exists():
        return target
    with one_builder(target):  # a conversion takes minutes: one process converts, the rest wait
        if (target / DONE_FILE).exists():
            return target
        return _convert(gguf_path, target, progress)


def _convert(gguf_path: Path, target: Path, progress: bool) -> Path:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    if not progress:
        hf_logging.disable_progress_bar()
    t0 = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name,
                                                 dtype=torch.float32)
    # The weights are plain tensors once dequantised; only the loader's GGUF marker stops
    # save_pretrained, so drop it (float32 keeps the dequantised values exactly).
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.parent / f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        model.save_pretrained(str(tmp))
        tokenizer.save_pretrained(str(tmp))
        (tmp / DONE_FILE).write_text(json.dumps({"gguf": gguf_path.name, "bytes": gguf_path.stat().st_size,
                                                 "seconds": round(time.perf_counter() - t0, 1)}))
        try:
            tmp.rename(target)
        except OSError:
            # Another process finished first (the target exists): theirs is as good as ours.
            if not (target / DONE_FILE).exists():
                if target.exists():
                    shutil.rmtree(target, ignore_errors=True)
                tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def parse_choices(grammar: str) -> list[str]:
    """The strings a grammar of literal alternatives allows.

    >>> parse_choices('root ::= "why" | "why_not" | "unknown"')
    ['why', 'why_not', 'unknown']
    >>> parse_choices('root ::= [a-z]+')
    Traceback (most recent call last):
    ...
    ValueError: only grammars of quoted alternatives (root ::= "a" | "b") are supported here
    """
    m = re.fullmatch(r'\s*root\s*::=\s*((?:"[^"\\]*"\s*\|\s*)*"[^"\\]*")\s*', grammar)
    if not m:
        raise ValueError('only grammars of quoted alternatives (root ::= "a" | "b") are supported here')
    return re.findall(r'"([^"\\]*)"', m.group(1))


def lookup_draft(ids: list[int], ngram: int = 3, k: int = 8) -> list[int]:
    """Up to ``k`` tokens that followed the latest earlier occurrence of the last ``ngram`` (or
    fewer) tokens of ``ids``: a guess at what comes next when the text copies itself.

    >>> lookup_draft([5, 6, 7, 8, 9, 1, 6, 7], ngram=2, k=3)
    [8, 9, 1]
    >>> lookup_draft([1, 2, 3], ngram=2, k=3)
    []
    """
    n = len(ids)
    for size in range(min(ngram, n - 1), 0, -1):
        tail = ids[n - size:]
        for start in range(n - size - 1, -1, -1):
            if ids[start:start + size] == tail:
                return ids[start + size:start + size + k]
    return []


MIN_REUSE = 16  # prompt tokens shared with the last prompt, at least, to reuse its cache


class TransformersLLM:
    """A GGUF model run by transformers: ``TransformersLLM("qwen2.5-coder-0.5b")``.

    ``model``: a name from ``gguf.MODELS`` or a path to a GGUF file. ``dtype``: "float32"
    (default), "bfloat16" or "int8" (dynamic int8 quantisation of the linear layers). The first
    use of a GGUF file converts it (minutes); later ones load the cached directory (seconds).
    """

    backend = "transformers"

    def __init__(self, model: str | os.PathLike = "qwen2.5-coder-0.5b", dtype: str = DEFAULT_DTYPE,
                 max_tokens: int = 400, draft_tokens: int = 8, threads: int | None = None):
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, not {dtype!r}.")
        try:
            import gguf  # noqa: F401 - transformers needs it to read GGUF files
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as err:
            raise ImportError("The local LLM needs transformers and gguf: pip install "
                              "'explainer-nlg[llm]'.") from err
        from .gguf import model_path

        if threads:
            torch.set_num_threads(threads)
        t0 = time.perf_counter()
        path = model_path(model)
        self.name = str(model) if not os.path.exists(str(model)) else os.path.basename(str(model))
        self.path = path
        self.dtype = dtype
        self.max_tokens = max_tokens
        self.draft_tokens = draft_tokens
        directory = convert_gguf(path, dtype)
        self.tokenizer = AutoTokenizer.from_pretrained(str(directory))
        # Load in float32 and cast afterwards: from_pretrained(dtype=bfloat16) sets torch's
        # process-wide default dtype while it loads, and the app loads this model in a background
        # thread while other threads answer questions (their float tensors came out bfloat16).
        net = AutoModelForCausalLM.from_pretrained(str(directory), dtype=torch.float32)
        if dtype == "bfloat16":
            net = net.to(torch.bfloat16)
        net.eval()
        if dtype == "int8":
            net = torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = net
        self._torch = torch
        # transformers 5.x renames the cache argument; older versions know only the old name.
        import inspect

        params = inspect.signature(net.forward).parameters
        self._cache_arg = "cache" if "cache" in params else "past_key_values"
        eos = {self.tokenizer.eos_token_id, self.tokenizer.convert_tokens_to_ids("<|endoftext|>")}
        gen_eos = getattr(net.generation_config, "eos_token_id", None)
        eos |= set(gen_eos if isinstance(gen_eos, list) else [gen_eos])
        self.stop_ids = {int(t) for t in eos if isinstance(t, int) and t >= 0}
        # One model must not decode for two callers at once (chat sessions share this object);
        # each call holds it until its answer is complete or its reader stops.
        self._lock = threading.Lock()
        # The last prompt's ids and its key/value cache: the next prompt shares its start (the
        # system prompt and the instructions, about half of a rewording's prompt), which is then
        # not read again. Reading the prompt is most of a rewording's time on a CPU.
        self._reuse: tuple[list[int], Any] | None = None
        self.load_seconds = time.perf_counter() - t0

    # ---- decoding -----------------------------------------------------------------------------

    def _prompt_ids(self, system: str, user: str) -> list[int]:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        if isinstance(ids, dict) or hasattr(ids, "keys"):  # a BatchEncoding in some versions
            ids = ids["input_ids"]
        return [int(i) for i in ids]

    def _forward(self, ids: list[int], cache):
        # inference_mode is thread-local: entered per forward pass, never held across a yield,
        # because a streaming reply may be resumed from another thread (and a suspended
        # generator would otherwise leave the mode switched on in whichever thread ran it last).
        with self._torch.inference_mode():
            return self.model(input_ids=self._torch.tensor([ids]), use_cache=True,
                              **{self._cache_arg: cache}).logits[0]

    def _prompt_cache(self, ids: list[int]) -> tuple[Any, int]:
        """A cache holding the start ``ids`` shares with the last prompt, and that start's length
        (a fresh cache and 0 where they share little). The caller holds the lock."""
        from transformers import DynamicCache

        last, self._reuse = self._reuse, None
        if last is not None:
            old, cache = last
            n = 0
            for a, b in zip(old, ids[:-1]):  # at least the last prompt token is read again
                if a != b:
                    break
                n += 1
            extra = cache.get_seq_length() - n
            if n >= MIN_REUSE and extra >= 0:
                if extra:
                    cache.crop(-extra)  # transformers 5 crops by a negative count of tokens to drop
                return cache, n
        return DynamicCache(config=self.model.config), 0

    def _tokens(self, ids: list[int], max_new: int) -> Iterator[int]:
        """Greedy next tokens after ``ids``, drafting from the prompt (see the module doc)."""
        cache, known = self._prompt_cache(ids)
        seq = list(ids)
        nxt = int(self._forward(ids[known:], cache)[-1].argmax())
        self._reuse = (list(ids), cache)  # the prompt is in the cache: the next call may reuse it
        produced = 0
        while True:
            seq.append(nxt)
            produced += 1
            yield nxt
            if nxt in self.stop_ids or produced >= max_new:
                return
            # The cache holds seq[:-1]; feed the last token and a draft of what may follow.
            draft = lookup_draft(seq, k=min(self.draft_tokens, max_new - produced)) if self.draft_tokens else []
            best = self._forward([nxt, *draft], cache).argmax(-1).tolist()
            accepted = 0
            while accepted < len(draft) and best[accepted] == draft[accepted]:
                accepted += 1
            if accepted < len(draft):  # forget the keys and values of the rejected draft
                cache.crop(accepted - len(draft))
            for tok in draft[:accepted]:
                seq.append(tok)
                produced += 1
                yield tok
                if tok in self.stop_ids or produced >= max_new:
                    return
            nxt = best[accepted]

    def stream(self, system: str, user: str) -> Iterator[str]:
        """The reply to a system and a user message, as text pieces while it is decoded."""
        with self._lock:
            ids = self._prompt_ids(system, user)
            generated: list[int] = []
            shown = ""
            for tok in self._tokens(ids, self.max_tokens):
                if tok in self.stop_ids:
                    break
                generated.append(tok)
                text = self.tokenizer.decode(generated, skip_special_tokens=True)
                # A character split over tokens decodes as U+FFFD until its last byte arrives.
                if text.endswith("\ufffd") or len(text) <= len(shown):
                    continue
                piece, shown = text[len(shown):], text
                yield piece

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` is for this model (benchmarks report tokens per second)."""
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def choose(self, system: str, user: str, grammar: str, max_tokens: int = 12) -> str:
        """The most likely of the strings ``grammar`` allows (greedy, token by token, over the
        allowed continuations only), e.g. one operation name; see ``chat.fallback``."""
        torch = self._torch
        from transformers import DynamicCache

        choices = parse_choices(grammar)
        seqs = {c: self.tokenizer.encode(c, add_special_tokens=False)[:max_tokens] for c in choices}
        end = min(self.stop_ids)
        with self._lock, torch.inference_mode():
            cache = DynamicCache(config=self.model.config)
            out = self.model(input_ids=torch.tensor([self._prompt_ids(system, user)]), use_cache=True,
                             **{self._cache_arg: cache})
            prefix: list[int] = []
            while True:
                live = [c for c, s in seqs.items() if s[:len(prefix)] == prefix]
                allowed = {seqs[c][len(prefix)] for c in live if len(seqs[c]) > len(prefix)}
                done = [c for c in live if len(seqs[c]) == len(prefix)]
                logits = out.logits[0, -1]
                options = {t: float(logits[t]) for t in allowed}
                if done:
                    options[end] = max(float(logits[t]) for t in self.stop_ids)
                if not options:
                    return done[0] if done else ""
                tok = max(options, key=options.get)
                if tok == end and done:
                    return done[0]
                prefix.append(tok)
                live = [c for c, s in seqs.items() if s[:len(prefix)] == prefix]
                if len(live) == 1:  # nothing else is possible any more
                    return live[0]
                out = self.model(input_ids=torch.tensor([[tok]]), use_cache=True, **{self._cache_arg: cache})
