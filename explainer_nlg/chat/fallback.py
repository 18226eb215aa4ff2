"""The local LLM settles questions the parser is unsure of, choosing from the closed set of operations.

Where the learned parser would ask which reading is meant (or did not understand), and the
assistant was told to use the LLM (``settle_with_llm``, or ``EXPLAINER_NLG_LLM_PARSE=1``), the
question is put to the local LLM (llama.cpp) with a GBNF grammar that only allows the operation
names and "unknown". The LLM can therefore only pick, never invent. Without an LLM, or with one
that has no ``choose`` method (a narration-only LLM), the parser asks instead.

An LLM here is any object with ``name`` and ``choose(system, user, grammar) -> str``, which is how
tests script one:

>>> class Always:
...     name = "always-count"
...     def choose(self, system, user, grammar):
...         return "count"
>>> settle(Always(), "is the model fair to renters", [("why", 0.40), ("count", 0.39)])
'count'
"""

from __future__ import annotations

import functools
from typing import Any

from ..prompt_files import load_prompt_file
from . import registry

OPERATIONS = registry.names()

UNKNOWN = "unknown"
def op_grammar(ops: tuple[str, ...] = OPERATIONS) -> str:
    """A GBNF grammar whose only sentences are the operation names and "unknown".

    >>> print(op_grammar(("why", "why_not")))
    root ::= "why" | "why_not" | "unknown"
    """
    return "root ::= " + " | ".join(f'"{name}"' for name in (*ops, UNKNOWN))


@functools.lru_cache(maxsize=1)
def _prompt() -> dict:
    return load_prompt_file("chat_fallback.toml")


@functools.lru_cache(maxsize=1)
def _ops_text() -> str:
    train = registry.split_phrasings()[0]
    return "\n".join(f'{op}: {registry.get(op).meaning} (e.g. "{train[op][0]}", "{train[op][1]}")'
                     for op in OPERATIONS)


def build_prompt(question: str, ranked: list[tuple[str, float]]) -> tuple[str, str]:
    """(system, user) messages asking which operation ``question`` is; ``ranked``: the parser's
    ranking, whose first three are offered as a hint."""
    p = _prompt()
    hint = p["hint"].replace("{candidates}", ", ".join(op for op, _ in ranked[:3]))
    # The question goes in last, after formatting, so braces in the user's words stay literal.
    return p["system"], p["user"].replace("{ops}", _ops_text()).replace("{hint}", hint).replace("{question}", question.strip())


def can_settle(llm: Any) -> bool:
    """Whether ``llm`` can choose under a grammar (narration-only LLMs cannot)."""
    return llm is not None and callable(getattr(llm, "choose", None))


def settle(llm: Any, question: str, ranked: list[tuple[str, float]]) -> str | None:
    """The operation the LLM picks for ``question`` ("unknown" included), or None when it fails
    or answers outside the closed set, in which case the parser asks as it would have."""
    system, user = build_prompt(question, ranked)
    try:
        answer = str(llm.choose(system, user, op_grammar())).strip()
    except Exception:  # noqa: BLE001 - the LLM is a helper; any failure leaves the parser's answer
        return None
    return answer if answer in OPERATIONS or answer == UNKNOWN else None
