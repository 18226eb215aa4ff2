"""What a handler gets: the explainer, the resolved input, the slots, the cohort, the audience."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import ExplainerInputError
from ..cohort import describe_filters
from ..state import DialogueState


@dataclass
class Context:
    assistant: Any                # the Assistant (explainer, caches, schema)
    state: DialogueState
    slots: dict                   # this operation's slots from the parser
    filters: list[dict]
    x: Any                        # the resolved input, or None
    audience: str = "customer"
    on_sentence: Callable | None = None
    notes: list[str] = field(default_factory=list)
    question: str = ""            # the question as cleaned (a handler may name a value it could not read)
    deferred: list | None = None  # where given, narrations are templates now, reworded later (narrate's defer)

    @property
    def ex(self):
        return self.assistant.ex

    @property
    def kind(self) -> str:
        return self.ex.kind

    def need_x(self) -> Any:
        """The input to talk about, or a clear error saying how to give one."""
        if self.x is None:
            if self.kind == "tabular":
                ids = self.ex.rows().index
                raise ExplainerInputError(
                    f"Which one? Name a row id (from {ids.min()} to {ids.max()}), for example "
                    f"“why row {ids[0]}?”, or pick a row in the panel.")
            what = "message" if self.kind == "text" else "photo"
            raise ExplainerInputError(f"There is no {what} to talk about yet: give me one first.")
        return self.x

    @property
    def noun(self) -> str:
        """What a row is, plural, as the model's owner named it ("applicants"; "rows" where unnamed)."""
        return self.ex.info.get("row_noun") or "rows"

    @property
    def where(self) -> str:
        """The rows this operation is about, in words ("applicants where Age > 60", "all applicants")."""
        return describe_filters(self.filters, self.noun)

    def no_match(self) -> str:
        """What an answer over no rows says ("No applicants match (applicants where Age > 100).")."""
        return f"No {self.noun} match ({self.where})."

    def input_name(self) -> str:
        if self.kind == "tabular":
            return f"row {self.state.instance}" if self.state.instance is not None else "this row"
        return "this message" if self.kind == "text" else "this photo"

    def narrate(self, record: Any, focus: str = "why", premise: tuple[str, bool] | None = None):
        from ...narrate import narrate

        return narrate(record, self.audience, llm=self.assistant.llm, focus=focus,
                       descriptions=self.ex.info.get("descriptions") or None, on_sentence=self.on_sentence,
                       aliases=self.ex.info.get("class_aliases") or None, premise=premise, defer=self.deferred)
