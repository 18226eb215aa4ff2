"""The fields of a request, checked before any work: each bad value gets a message naming it.

Over HTTP every field is whatever a client sent: a list where a name belongs, a 100,000-deep JSON
row, a number with 27 digits. These functions turn each field into what the service works with,
or raise ExplainerInputError (TooLarge for sizes) with a message that names the field.

>>> audience("support"), demo_name(" Loan ")
('support', 'loan')
>>> demo_name(["loan"])
Traceback (most recent call last):
...
explainer_nlg.errors.ExplainerInputError: demo must be one model name such as 'loan', not a list.
>>> table_x('{"Income": 50}'), table_x("17"), table_x(" ")
({'Income': 50}, 17, None)
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import ExplainerInputError
from ..input_text import clean_question, clean_text
from .errors import TooLarge

AUDIENCES = ("customer", "support", "developer")
MAX_QUESTION_CHARS = 100_000   # the parser reads 1,000 and says so; past this the request is refused
MAX_TEXT_CHARS = 100_000       # the text model's own limit (20,000) is checked, with its message, later
MAX_ROW_CHARS = 65_536         # a JSON row: one object of feature values
MAX_ROW_DEPTH = 3
MAX_ROW_KEYS = 2_000
MAX_SESSION_CHARS = 200
MAX_OPERATOR_CHARS = 200
MAX_ROW_ID = 2**63 - 1


def text_field(value: Any, name: str) -> str:
    """A field that must be text (None: empty); a list or an object is named as such."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        raise ExplainerInputError(f"{name} must be text, not a {type(value).__name__}.")
    return str(value)


def audience(value: Any) -> str:
    """One of customer, support, developer (empty: customer)."""
    text = text_field(value, "audience").strip().lower() or "customer"
    if text not in AUDIENCES:
        raise ExplainerInputError(f"Unknown audience {text[:40]!r}. Audiences: {', '.join(AUDIENCES)}.")
    return text


def demo_name(value: Any) -> str:
    """A model name as given (lower case; empty: loan). Whether it exists is the service's question."""
    if isinstance(value, (list, tuple, dict)):
        raise ExplainerInputError(f"demo must be one model name such as 'loan', not a {type(value).__name__}.")
    text = text_field(value, "demo").strip().lower() or "loan"
    if len(text) > 64 or not re.fullmatch(r"[\w.-]+", text):
        raise ExplainerInputError(f"There is no model {text[:40]!r}.")
    return text


def question(value: Any) -> str:
    text = text_field(value, "question")
    if len(text) > MAX_QUESTION_CHARS:
        raise TooLarge(f"The question is {len(text):,} characters long; questions may have up to 1,000.")
    return clean_question(text)


def session_name(value: Any) -> str:
    text = text_field(value, "session").strip()
    if len(text) > MAX_SESSION_CHARS:
        raise ExplainerInputError(f"session is {len(text):,} characters long; use at most {MAX_SESSION_CHARS}.")
    return clean_text(text, "session name")


def operator(value: Any) -> str | None:
    """Who asked on someone's behalf (a support agent's name or id), for the record; empty: None.

    >>> operator("  Ann B. "), operator(""), operator(None)
    ('Ann B.', None, None)
    """
    if value is None:
        return None
    text = text_field(value, "operator").strip()
    if len(text) > MAX_OPERATOR_CHARS:
        raise ExplainerInputError(f"operator is {len(text):,} characters long; use at most {MAX_OPERATOR_CHARS}.")
    text = clean_text(text, "operator").strip()
    return text or None


def text_x(value: Any) -> str | None:
    """The message for a text model (cleaned like a question; empty: None)."""
    text = text_field(value, "x")
    if len(text) > MAX_TEXT_CHARS:
        raise TooLarge(f"The text is {len(text):,} characters long; the limit is 20,000.")
    text = clean_text(text, "text")
    return text if text.strip() else None


def table_x(value: Any) -> int | dict | None:
    """A table's ``x``: a row id (a whole number) or a JSON object of feature values."""
    if isinstance(value, bool):
        raise ExplainerInputError(f"For a table, x is a row id or a JSON row, not {value!r}.")
    if isinstance(value, dict):
        return json_row(json.dumps(value))
    if isinstance(value, (int, float)):
        return row_id(value)
    text = text_field(value, "x").strip()
    if not text:
        return None
    if text.startswith("{"):
        return json_row(text)
    try:
        number = float(text)
    except ValueError:
        raise ExplainerInputError(f"For a table, x is a row id or a JSON row, not {text[:60]!r}.") from None
    return row_id(number, text)


def row_id(value: float | int, written: str | None = None) -> int:
    """A whole number within reach of a row index (a 27-digit id is named, never overflows)."""
    shown = written if written is not None else repr(value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ExplainerInputError(f"A row id is a whole number, not {shown[:40]}.")
    if isinstance(value, float) and not value.is_integer():
        raise ExplainerInputError(f"A row id is a whole number, not {shown[:40]}.")
    if abs(value) > MAX_ROW_ID:
        raise ExplainerInputError(f"There is no row with id {shown[:40]}: it is far larger than any row id.")
    return int(value)


def json_row(text: str) -> dict:
    """A JSON object of feature values, refused past the size and depth limits before parsing."""
    if len(text) > MAX_ROW_CHARS:
        raise TooLarge(f"The JSON row is {len(text):,} characters long; the limit is {MAX_ROW_CHARS:,}.")
    depth = nesting_depth(text)
    if depth > MAX_ROW_DEPTH:
        raise ExplainerInputError(f"The JSON row is nested {depth} levels deep; a row is one object of feature "
                                  "values (no nesting).")
    try:
        row = json.loads(text)
    except json.JSONDecodeError as err:
        raise ExplainerInputError(f"x looks like a JSON row but is not valid JSON ({err.msg} at "
                                  f"character {err.pos}).") from None
    if not isinstance(row, dict):
        raise ExplainerInputError("A JSON row must be an object of feature values.")
    if len(row) > MAX_ROW_KEYS:
        raise TooLarge(f"The JSON row has {len(row):,} fields; the limit is {MAX_ROW_KEYS:,}.")
    nested = [k for k, v in row.items() if isinstance(v, (dict, list))]
    if nested:
        raise ExplainerInputError(f"A JSON row holds one value per feature; {nested[0]!r} holds a "
                                  f"{type(row[nested[0]]).__name__}.")
    return row


def nesting_depth(text: str) -> int:
    """How deep brackets nest in JSON text, counted without parsing (strings skipped).

    >>> nesting_depth('{"a": [1, {"b": "[[["}]}')
    3
    """
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest
