"""Category claims: a category phrase ("renting a home") or a quoted value must be the value of the
feature it names or follows."""

from __future__ import annotations

from ..facts import Facts
from .clauses import Clause, category_values, nearest
from .tokens import Meaning, Reading, Token
from .verdict import Claim


def check_category(f: Facts, meaning: Meaning, reading: Reading) -> Claim:
    p = f.players[meaning.players[0]]
    ok = str(meaning.value) in category_values(p, f)
    return Claim("category", reading.text, ok, "" if ok else f"{p.noun} is {p.value!s}, not {meaning.value}")


def check_quoted_value(f: Facts, meaning: Meaning, clause: Clause, t: Token) -> Claim:
    near = nearest(clause.players, clause.toks.index(t))
    ok = near is None or any(meaning.value in category_values(f.players[i], f) for i in near)
    return Claim("category", t.ref.text, ok, "" if ok else
                 f"{t.ref.text} is not the value of the feature it follows")
