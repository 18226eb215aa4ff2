"""The chat's closed set of operations, each declared once.

An operation's declaration says what its handler is and how the dialogue treats it: whether it
needs an input (a row, a message, a photo), whether it takes a target class, whether a follow-up
that names no operation of its own carries it over ("what about age?" after a statistics
question), and whether its answer lists rows that the next turn may point at ("the second one").
Its phrasings (the example bank) and its corpus templates are data in ``prompts/``, keyed by the
operation's name. The parser's labels, the training corpus, the assistant's dispatch, the help text
and the LLM fallback's grammar all derive from this table; ``tests/chat/test_registry.py`` checks
that every available operation has phrasings, templates and a real handler.

An operation whose handler is not built yet is declared with ``available=False``: the parser still
learns to recognise it, and the assistant answers it honestly, saying what it can do instead.

>>> get("why").needs_input, get("count").lists_rows, get("similar").lists_rows, is_available("effect")
(True, False, True, True)
>>> names()[:4]
('predict', 'why', 'why_not', 'top_features')
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    name: str
    meaning: str                     # one line: what the user wants (help, LLM prompt, docs)
    label: str                       # a clarifying choice, "{subject}" filled in ("row 17", "these rows")
    handler: str | None = None       # "module:function" in chat/operations/, None until built
    needs_input: bool = False        # answers about one input (a row, a message, a photo)
    takes_target: bool = False       # may name a class ("why not approved?", "to get approved")
    carries: bool = True             # a follow-up naming no operation of its own reuses this one
    lists_rows: bool = False         # the answer lists rows that "the second one" may refer to
    available: bool = True           # False: recognised, answered with what can be done instead
    instead: str = ""                # for an unavailable operation: what to ask instead

    def run(self) -> Callable:
        """The handler function (imported on first use)."""
        if not self.handler:
            raise LookupError(f"The operation {self.name!r} has no handler yet.")
        module, func = self.handler.split(":")
        return getattr(importlib.import_module(f"{__package__}.operations.{module}"), func)


OPERATIONS: tuple[Operation, ...] = (
    Operation("predict", "what the model predicts or decided for an input, or how likely an outcome is for a group",
              "What the model predicts for {subject}", "explain_ops:predict", needs_input=True, takes_target=True),
    Operation("why", "why the model made its prediction: which features, words or regions drove it",
              "Why {subject} got its decision", "explain_ops:why", needs_input=True, takes_target=True),
    Operation("why_not", "why the model did not predict some other class",
              "Why {subject} did not get the other outcome", "explain_ops:why_not", needs_input=True,
              takes_target=True),
    Operation("top_features", "which features matter most, for one input, a group or overall",
              "What mattered most for {subject}", "explain_ops:top_features"),
    Operation("confidence", "how sure the model is about its prediction",
              "How sure the model is about {subject}", "explain_ops:confidence", needs_input=True,
              takes_target=True),
    Operation("what_if", "what the model would predict if a feature, word or region were changed",
              "What changes for {subject} if {change}", "change_ops:what_if", needs_input=True),
    Operation("counterfactual", "what would have to change to get a different outcome",
              "What would change the outcome for {subject}", "change_ops:counterfactual", needs_input=True,
              takes_target=True),
    Operation("show", "show an input's values, or list rows that match",
              "Show {subject}", "data_ops:show", lists_rows=True),
    Operation("count", "how many rows match a description, and what the model predicts for them",
              "Count {subject}", "data_ops:count"),
    Operation("statistics", "average, median, range or distribution of a feature",
              "Statistics of {feature} for {subject}", "data_ops:statistics"),
    Operation("define", "what a feature or one of its values means",
              "What {feature} means", "data_ops:define"),
    Operation("describe_model", "what kind of model this is and what it predicts",
              "What the model is", "data_ops:describe_model"),
    Operation("describe_data", "what data this is: its columns, rows and labels",
              "What the data holds", "data_ops:describe_data"),
    Operation("performance", "how accurate or reliable the model is (accuracy, precision, recall, F1)",
              "How accurate the model is on {subject}", "model_ops:performance"),
    Operation("mistakes", "where, when or on which rows the model is wrong",
              "Where the model is wrong on {subject}", "model_ops:mistakes", lists_rows=True),
    Operation("interactions", "whether features interact or work together",
              "Which features interact for {subject}", "cohort_ops:interactions"),
    Operation("effect", "how a feature affects the decision in general, or step by step for one input",
              "How {feature} affects the decision", "effect_ops:effect", takes_target=True),
    Operation("compare", "whether the model treats two or more groups differently (fairness)",
              "How the model treats {groups}", "group_ops:compare", takes_target=True),
    Operation("similar", "past cases most like this one and what happened to them",
              "Cases similar to {subject}", "similar_ops:similar", needs_input=True, lists_rows=True),
    Operation("rules", "the rule or decision path the model followed",
              "The rule the model followed for {subject}", "rule_ops:rules"),
    Operation("help", "greetings, or what the user can ask", "What you can ask", "meta_ops:help_",
              carries=False),
)
# Not an operation a user asks for: what the assistant answers when it must not or cannot act
# (empty, another language, an injection, an unknown feature, an unclear question).
UNSUPPORTED = Operation("unsupported", "a question the assistant must not or cannot answer",
                        "Something else", "meta_ops:unsupported", carries=False)


@functools.lru_cache(maxsize=1)
def _by_name() -> dict[str, Operation]:
    return {op.name: op for op in (*OPERATIONS, UNSUPPORTED)}


def get(name: str) -> Operation:
    """The operation called ``name`` (KeyError for a name outside the closed set)."""
    return _by_name()[name]


def names(available_only: bool = False) -> tuple[str, ...]:
    """The operation names, in declaration order (the parser's label order)."""
    return tuple(op.name for op in OPERATIONS if op.available or not available_only)


def is_available(name: str) -> bool:
    op = _by_name().get(name)
    return bool(op and op.available and op.handler)


@functools.lru_cache(maxsize=1)
def phrasings() -> dict[str, list[str]]:
    """How people ask for each operation: the example bank (``prompts/chat_examples.toml``)."""
    from ..prompt_files import load_prompt_file

    return {op: list(v["examples"]) for op, v in load_prompt_file("chat_examples.toml")["ops"].items()}


def split_phrasings() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(phrasings trained on, phrasings held out): every 5th phrasing (index 4, 9, ...) is held out."""
    bank = phrasings()
    train = {op: [q for i, q in enumerate(qs) if i % 5 != 4] for op, qs in bank.items()}
    held = {op: [q for i, q in enumerate(qs) if i % 5 == 4] for op, qs in bank.items()}
    return train, held


@functools.lru_cache(maxsize=1)
def handlers() -> dict[str, Callable]:
    """Handler functions of every available operation, and of ``unsupported``."""
    return {op.name: op.run() for op in (*OPERATIONS, UNSUPPORTED) if op.available and op.handler}
