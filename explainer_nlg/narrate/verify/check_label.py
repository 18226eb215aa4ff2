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
        other = _reference_named(f, clause)
        if other is not None:  # "for row 7 it predicted “good”": the other row's prediction (a contrast)
            ok = lab == other
            return Claim("label", shown, ok, "" if ok else f"the model predicted “{other.split(',')[0]}” for the other "
                                                           f"row, not {shown}")
        ok = lab == f.predicted
        return Claim("label", shown, ok, "" if ok else
                     f"the model predicted “{f.predicted.split(',')[0]}”, not {shown}")
    top3 = sorted(f.probabilities, key=lambda c: -f.probabilities[c])[:3]
    # Any other class may be named with its probability, which the number check then verifies.
    with_pct = any(t.kind == "num" and t.unit == "pct" for t in clause.toks[pos + 1:pos + 4])
    ok = lab in (f.predicted, f.target) or lab in top3 or with_pct
    return Claim("label", shown, ok, "" if ok else f"{shown} is neither predicted nor explained")


def _reference_named(f: Facts, clause: Clause) -> str | None:
    """The prediction for the row a contrast is measured against (``Explainer.contrast``), where
    the clause names that row ("row 7"); else None."""
    ref = (getattr(f.record, "extra", None) or {}).get("reference") if not f.is_change else None
    if not ref or ref.get("row_id") is None or not ref.get("predicted_label"):
        return None
    for i, t in enumerate(clause.toks):
        if t.kind == "num" and not t.unit and str(t.value).removesuffix(".0") == str(ref["row_id"]) and \
                prev_word(clause.toks, i) == "row":
            return str(ref["predicted_label"])
    return None
