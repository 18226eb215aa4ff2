"""Label claims: a class named as the decision must be the prediction; after "would" in a change
record, the prediction after the changes; any other class must be in the record."""

from __future__ import annotations

from ..facts import Facts
from .clauses import Clause
from .phrases import OUTCOME_WORDS
from .tokens import prev_word
from .verdict import Claim


def check_label(f: Facts, lab: str, role: str, clause: Clause, pos: int) -> Claim:
    shown = f"“{lab.split(',')[0]}”"
    if f.is_change:
        ok = lab in (f.predicted, f.new_label)
        would = clause.after_outcome or any(t.kind == "word" and t.norm in OUTCOME_WORDS for t in clause.toks[:pos])
        prev = prev_word(clause.toks, pos)
        if ok and would and pos >= 0 and prev not in {"of", "from", "was", "than"}:
            # "... would predict X": the outcome after the changes. (A class carried over from the
            # clause before, at position -1, was checked there.)
            ok = lab == f.new_label
            return Claim("label", shown, ok, "" if ok else
                         f"after the changes the model predicts “{f.new_label.split(',')[0]}”, not {shown}")
        return Claim("label", shown, ok, "" if ok else f"{shown} is not in the record")
    if role == "decision" or (role == "plain" and clause.decision):
        ok = lab == f.predicted
        return Claim("label", shown, ok, "" if ok else
                     f"the model predicted “{f.predicted.split(',')[0]}”, not {shown}")
    top3 = sorted(f.probabilities, key=lambda c: -f.probabilities[c])[:3]
    # Any other class may be named with its probability, which the number check then verifies.
    with_pct = any(t.kind == "num" and t.unit == "pct" for t in clause.toks[pos + 1:pos + 4])
    ok = lab in (f.predicted, f.target) or lab in top3 or with_pct
    return Claim("label", shown, ok, "" if ok else f"{shown} is neither predicted nor explained")
