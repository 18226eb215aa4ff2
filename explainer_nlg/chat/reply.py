"""The chat's answer record: what was said, per operation, with the numbers behind it.

>>> r = ChatAnswer("There are 3 rows.", {"ops": [{"op": "count"}]},
...                (OpResult("count", "There are 3 rows.", figures={"rows": 3}),))
>>> r.to_dict()["parts"][0]["figures"]
{'rows': 3}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..evidence.serialise import to_plain


@dataclass(frozen=True)
class OpResult:
    """One operation's answer. ``text`` is plain text (never HTML). Every sentence in it comes
    from ``narration`` (template-built and verified against the evidence) or is built only from
    the computed ``figures``; ``evidence`` is the record the narration is about."""

    op: str
    text: str
    narration: Any = None       # explainer_nlg.narrate.Answer, where the op narrates evidence
    figures: dict | None = None
    evidence: Any = None        # Evidence, WhatIf, CounterfactualSet, or None
    table: list[dict] | None = None  # rows to display, where the op shows data

    def to_dict(self) -> dict:
        return {"op": self.op, "text": self.text,
                "narration": self.narration.to_dict() if self.narration is not None else None,
                "figures": to_plain(self.figures), "evidence": to_plain(self.evidence), "table": to_plain(self.table)}


@dataclass(frozen=True)
class ChatAnswer:
    """The answer to one chat message: the text shown and, per operation, how it was made."""

    text: str
    parsed: dict
    parts: tuple[OpResult, ...]
    session: str = "default"
    seconds: float = 0.0
    choices: tuple = ()  # when the assistant asks back: the readings it offers (parse-like dicts with a label)
    # Where the answer went on the record: {"recorded": True, "case": n, "hash"} or
    # {"recorded": False, "error"}; None where no audit log is kept (see chat.recording).
    audit: dict | None = None
    # The input the answer is about (resolved from the conversation), for the record; not shown.
    input: Any = field(default=None, repr=False, compare=False)

    @property
    def evidence(self) -> Any:
        """The first evidence record behind the answer (None for data-only answers)."""
        return next((p.evidence for p in self.parts if p.evidence is not None), None)

    @property
    def sentences(self) -> tuple:
        """The narrated sentences (each with its status), in order."""
        return tuple(s for p in self.parts if p.narration is not None for s in p.narration.sentences)

    def to_dict(self) -> dict:
        return {"text": self.text, "parsed": to_plain(self.parsed), "parts": [p.to_dict() for p in self.parts],
                "session": self.session, "seconds": self.seconds, "choices": to_plain(list(self.choices)),
                "audit": self.audit}
