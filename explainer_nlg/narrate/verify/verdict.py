"""What the verifier answers: the claims read from a sentence, each backed or not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """One claim read from a sentence, and whether the record backs it."""

    kind: str  # label | player | category | direction | rank | number | confidence | unknown | sentence | change | region
    text: str
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """The verifier's answer for one sentence."""

    sentence: str
    claims: tuple[Claim, ...]
    mentioned: frozenset = frozenset()  # players (index) and labels it names
    # The direction its last direction word states, relative to the explained class (+1 toward,
    # -1 away, 0 none): what "the other way" in the next sentence is the other of.
    direction: int = 0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.claims) and bool(self.claims)

    @property
    def reason(self) -> str:
        failed = [c for c in self.claims if not c.ok]
        if failed:
            return f"{failed[0].kind}: {failed[0].reason}"
        return "" if self.claims else "sentence: it makes no claim"
