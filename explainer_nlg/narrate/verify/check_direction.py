"""Direction claims: a player said to raise (or lower) the chance of a class must push that way."""

from __future__ import annotations

from ..facts import EPS, Facts, Player
from .verdict import Claim


def check_direction(f: Facts, players: list[Player], cue: int, toward: int,
                    ref_label: str | None) -> tuple[Claim, list[Player]]:
    """The claim, and the players that push the stated way (empty when it fails). ``cue``: +1 for
    "raised", -1 for "lowered"; ``toward``: +1 when the sentence measures against the explained
    class, -1 against the other of two classes, 0 against a class the evidence does not explain."""
    name = players[0].noun
    if toward == 0:
        return Claim("direction", name, False,
                     f"direction toward {ref_label}, a class the evidence does not explain"), []
    need = cue * toward
    good = [p for p in players if abs(p.contribution) > EPS and p.contribution * need > 0]
    if good:
        return Claim("direction", name, True), good
    if all(abs(p.contribution) <= EPS for p in players):
        why = f"{name} had no effect on the prediction"
    elif f.output_kind == "regression":
        did, said = ("lowered", "raised") if need > 0 else ("raised", "lowered")
        why = f"{name} {did} the prediction; it did not raise it" if need > 0 else \
            f"{name} {did} the prediction; it did not lower it"
    else:
        tgt = f"“{f.target.split(',')[0]}”"
        why = (f"{name} pushed {'away from' if need > 0 else 'toward'} {tgt}, "
               f"not {'toward' if need > 0 else 'away from'} it")
    return Claim("direction", name, False, why), []
