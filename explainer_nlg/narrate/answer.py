"""The Answer record: what was said, which sentences the LLM wrote, which fell back, and why.

>>> a = Answer(text="The model predicted “good”.", audience="customer", focus="why", evidence=None,
...            sentences=(SentenceRecord("The model predicted “good”.", "The model predicted “good”.",
...                                      "template", "no LLM", "decision"),))
>>> a.counts()
{'rephrased': 0, 'template': 1, 'fallback': 0}
>>> a.to_dict()["sentences"][0]["status"]
'template'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("rephrased", "template", "fallback")


@dataclass(frozen=True)
class SentenceRecord:
    """One shown sentence.

    ``status``: "rephrased" (the LLM's wording, verified), "template" (no LLM was asked) or
    "fallback" (the LLM's wording failed; ``reason`` says which claim).
    """

    text: str
    template: str
    status: str
    reason: str = ""
    slot: str = ""


@dataclass(frozen=True)
class LLMAudit:
    """The LLM call behind an Answer, kept for the audit log."""

    model: str
    prompt: str
    raw_output: str
    first_token_seconds: float | None
    total_seconds: float
    error: str = ""


@dataclass(frozen=True)
class Answer:
    """A narration: the text shown, per-sentence provenance, and the record it is about."""

    text: str
    sentences: tuple[SentenceRecord, ...]
    evidence: Any  # the Evidence record or counterfactual dict the sentences are about
    audience: str
    focus: str
    llm: LLMAudit | None = None
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for x in self.sentences if x.status == s) for s in STATUSES}

    def to_dict(self) -> dict:
        ev = self.evidence.to_dict() if hasattr(self.evidence, "to_dict") else self.evidence
        return {
            "text": self.text,
            "sentences": [asdict(s) for s in self.sentences],
            "evidence": ev,
            "audience": self.audience,
            "focus": self.focus,
            "llm": asdict(self.llm) if self.llm else None,
            "seconds": self.seconds,
        }


@dataclass
class Rewording:
    """A narration shown as templates, with what ``narrate`` needs to ask the LLM for it later
    (``llm_refine.reword``): the answer shown, its record, the LLM, narrate's keyword arguments."""

    shown: Answer
    record: Any
    llm: Any
    options: dict = field(default_factory=dict)  # narrate's keyword arguments (audience, focus, ...)

