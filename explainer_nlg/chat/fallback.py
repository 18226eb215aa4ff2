"""The local LLM settles questions the router is unsure of, choosing from the closed set of operations.

When the nearest phrasings give a low score, or two operations score almost alike, the question is
put to the local LLM (llama.cpp) with a GBNF grammar that only allows the operation names and
"unknown". The LLM can therefore only pick, never invent. It is optional: without an LLM, or with
one that has no ``choose`` method (such as a narration-only LLM), the parser keeps the router's
answer.

An LLM here is any object with ``name`` and ``choose(system, user, grammar) -> str``, which is how
tests script one:

>>> class Always:
...     name = "always-count"
...     def choose(self, system, user, grammar):
...         return "count"
>>> settle(Always(), "is the model fair to renters", [("why", 0.40), ("count", 0.39)])
'count'
>>> unsure(0.40, 0.39), unsure(0.80, 0.50)
(True, False)
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from . import registry
from .router import OPERATIONS

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

UNKNOWN = "unknown"
# Calibrated on the dev set and the bank's held-out slice (benchmarks/parser_accuracy.py
# --calibrate): on the questions no cue rule decides, the router was right on 20 of the 27 below
# these and on 122 of the 126 above.
UNSURE_SCORE = 0.5
UNSURE_MARGIN = 0.03


def unsure(score: float, second: float) -> bool:
    """Whether the router's best score (and its lead over the runner-up) is too weak to trust."""
    return score < UNSURE_SCORE or score - second < UNSURE_MARGIN


def op_grammar(ops: tuple[str, ...] = OPERATIONS) -> str:
    """A GBNF grammar whose only sentences are the operation names and "unknown".

    >>> print(op_grammar(("why", "why_not")))
    root ::= "why" | "why_not" | "unknown"
    """
    return "root ::= " + " | ".join(f'"{name}"' for name in (*ops, UNKNOWN))


@functools.lru_cache(maxsize=1)
def _prompt() -> dict:
    text = resources.files("explainer_nlg").joinpath("prompts/chat_fallback.toml").read_text("utf-8")
    return tomllib.loads(text)


@functools.lru_cache(maxsize=1)
def _ops_text() -> str:
    from .router import load_bank, split_bank

    train = split_bank(load_bank())[0]
    return "\n".join(f'{op}: {registry.get(op).meaning} (e.g. "{train[op][0]}", "{train[op][1]}")'
                     for op in OPERATIONS)


def build_prompt(question: str, ranked: list[tuple[str, float]]) -> tuple[str, str]:
    """(system, user) messages asking which operation ``question`` is; ``ranked``: the router's
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
    or answers outside the closed set, in which case the router's choice stands."""
    system, user = build_prompt(question, ranked)
    try:
        answer = str(llm.choose(system, user, op_grammar())).strip()
    except Exception:  # noqa: BLE001 - the LLM is a helper; any failure leaves the router's answer
        return None
    return answer if answer in OPERATIONS or answer == UNKNOWN else None
