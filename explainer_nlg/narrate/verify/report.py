"""``verify(text, evidence) -> Report``: any text, from a person, another tool or an LLM, checked
against any Evidence (ours, or from ``Evidence.from_shap`` / ``Evidence.from_contributions``).

It is the narration's own verifier (``verify_sentence``), run on every sentence, with the answer
laid out for people and programs: each sentence with its claims, each claim with its verdict and
reason, an overall verdict, and what the text left out. A true but incomplete text is accepted:
``left_out`` lists the features it does not mention, largest first, so a reviewer can see what a
reader was not told.

>>> from explainer_nlg.evidence import Evidence
>>> ev = Evidence.from_contributions([("Living area", 1698, 12757.84), ("Year built", 1963, -8000.0),
...                                   ("Garage", 2, 1500.0)], prediction=187500.0, base_value=181242.16,
...                                  unit="$", name="price")
>>> r = verify("The living area added about $12,000. The year built took about $8,000 off.", ev)
>>> r.verdict, r.left_out
('accepted', ['Garage'])
>>> r = verify("The garage mattered more than the living area.", ev)
>>> r.verdict, r.reason
('rejected', 'rank: living area weighed more than garage (+1.276e+04 against +1,500)')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...errors import ExplainerInputError
from .sentence import split_sentences, verify_sentence
from .verdict import Verdict

MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class Report:
    """The verdict on one text: ``sentences`` (each a Verdict: the sentence, its claims with
    ``ok`` and ``reason``), ``verdict`` "accepted" (every claim backed) or "rejected",
    ``left_out`` (features of the evidence the text never names, largest first) and ``notes``."""

    text: str
    sentences: tuple[Verdict, ...]
    left_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def accepted(self) -> bool:
        return bool(self.sentences) and not self.truncated and all(v.ok for v in self.sentences)

    @property
    def verdict(self) -> str:
        return "accepted" if self.accepted else "rejected"

    @property
    def reason(self) -> str:
        """The first failed claim, as "kind: reason" ("" when accepted)."""
        if not self.sentences:
            return "the text has no sentence to check"
        failed = next((v for v in self.sentences if not v.ok), None)
        if failed is not None:
            return failed.reason
        return self.notes[0] if self.truncated else ""

    def to_dict(self) -> dict:
        """Plain JSON-able data (what the CLI prints and the HTTP route returns)."""
        return {"verdict": self.verdict, "reason": self.reason, "left_out": list(self.left_out),
                "notes": list(self.notes), "truncated": self.truncated,
                "sentences": [{"sentence": v.sentence, "ok": v.ok,
                               "claims": [{"kind": c.kind, "text": c.text, "ok": c.ok, "reason": c.reason}
                                          for c in v.claims]} for v in self.sentences]}


def _sentences(text: str) -> list[str]:
    """Sentences of a text, each line of a list or paragraph read on its own."""
    out: list[str] = []
    for line in re.split(r"\n+", text):
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line)  # list markers carry no claim
        line = re.sub(r"\s+", " ", line).strip()
        if line:
            out += split_sentences(line)
    return out


def _overall_direction(evidence: Any) -> int:
    """Where the features took the explained output from its base value: +1 up, -1 down, 0 flat or
    unknown. "The other way" in a text's first direction is the other of this."""
    out, base = getattr(evidence, "output_value", None), getattr(evidence, "base_value", None)
    try:
        gap = float(out) - float(base)
    except (TypeError, ValueError):
        return 0
    return 0 if abs(gap) < 1e-12 else (1 if gap > 0 else -1)


def verify(text: str, evidence: Any, descriptions: dict[str, str] | None = None,
           aliases: dict[str, list[str]] | None = None, claim_scoped: bool = True) -> Report:
    """Check every sentence of ``text`` against ``evidence`` (an Evidence, its ``to_dict()``, or
    any record the narration reads). See the module docstring. ``claim_scoped`` (decision 0024): a
    word the evidence does not hold rejects a sentence only where it is what a claim is about;
    False rejects every such word, as the narration's own checks do."""
    from ...evidence import Evidence

    if not isinstance(text, str):
        raise ExplainerInputError(f"text must be a string, not {type(text).__name__}.")
    if isinstance(evidence, dict) and "attributions" in evidence:
        evidence = Evidence.from_dict(evidence)
    notes: list[str] = []
    truncated = len(text) > MAX_TEXT_CHARS
    if truncated:
        notes.append(f"The text has {len(text):,} characters; only the first {MAX_TEXT_CHARS:,} were checked, "
                     "so it is not accepted as a whole.")
        text = text[:MAX_TEXT_CHARS]
    verdicts: list[Verdict] = []
    overall = _overall_direction(evidence)
    for s in _sentences(text):
        before = next((v.direction for v in reversed(verdicts) if v.direction), overall)
        verdicts.append(verify_sentence(s, evidence, descriptions, aliases, other_way=-before if before else -1,
                                        claim_scoped=claim_scoped))
    verdicts = tuple(verdicts)
    left_out: list[str] = []
    if isinstance(evidence, Evidence):
        named = {i for v in verdicts for kind, i in v.mentioned if kind == "player"}
        order = sorted(range(len(evidence.attributions)), key=lambda i: -abs(evidence.attributions[i].contribution))
        left_out = [evidence.attributions[i].name for i in order
                    if i not in named and abs(evidence.attributions[i].contribution) > 0]
    return Report(text, verdicts, left_out, notes, truncated)
