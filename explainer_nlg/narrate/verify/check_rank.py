"""Rank claims: "mainly", "the biggest", "slightly" must fit the player's place among those pushing
the same way (and "the biggest" must lead by more than the sampling error); for a heatmap, the
region's place in the heat."""

from __future__ import annotations

import math

from ..facts import EPS, Facts, Player, heat_shares
from .clauses import Clause
from .verdict import Claim


def check_rank(f: Facts, players: list[Player], rank: str, sign: int | None, max_abs: float,
               clause: Clause, th: dict) -> Claim:
    p = max(players, key=lambda q: abs(q.contribution))
    if rank == "top" and not sign:
        return _top_overall(f, p, clause)
    if rank == "bottom":
        return _bottom(f, min(players, key=lambda q: abs(q.contribution)), sign, clause)
    direction = sign if sign else (1 if p.contribution > 0 else -1)
    r = f.rank_in_direction(p, direction)
    n = sum(1 for q in f.players if q.contribution * direction > EPS)
    word = next((t.text for t in clause.toks if t.ref and t.ref.tag == "cue" and rank in t.ref.cues), rank)
    side = f"toward “{f.target.split(',')[0]}”" if direction > 0 else f"against “{f.target.split(',')[0]}”"
    if rank == "top" and r == 1 and not f.settled_first(p, direction):
        # first on the estimate, but within sampling error of the next one
        return Claim("rank", f"{word} {p.noun}", False,
                     f"“{word}” is not backed: {p.noun} leads the next {side} by less than twice "
                     "the sampling standard error")
    if rank == "top":
        ok = r == 1
    elif rank == "major":
        ok = r <= 3 and abs(p.contribution) >= th["min_share"] * max_abs
    else:
        ok = abs(p.contribution) <= 0.5 * max_abs
    return Claim("rank", f"{word} {p.noun}", ok, "" if ok else
                 f"“{word}” does not fit {p.noun} (rank {r} of {n} {side})")


def _top_overall(f: Facts, p: Player, clause: Clause) -> Claim:
    """"X was the most important factor", with no direction said: X must have the largest
    |contribution| of all, by more than twice the sampling standard error of the difference."""
    from ...attribution.uncertainty import Z

    word = next((t.text for t in clause.toks if t.ref and t.ref.tag == "cue" and "top" in t.ref.cues), "top")
    c = abs(p.contribution)
    others = [q for q in f.players if q is not p and q.contribution is not None]
    above = [q for q in others if abs(q.contribution) > c + 1e-12]
    if above:
        lead = max(above, key=lambda q: abs(q.contribution))
        return Claim("rank", f"{word} {p.noun}", False,
                     f"“{word}” does not fit {p.noun}: {lead.noun} had a larger effect overall "
                     f"(rank {1 + len(above)} of {len(f.players)} by size)")
    for q in others:
        se = math.hypot(p.standard_error or 0.0, q.standard_error or 0.0)
        if se > 0 and c - abs(q.contribution) <= Z * se:
            return Claim("rank", f"{word} {p.noun}", False,
                         f"“{word}” is not backed: {p.noun} leads {q.noun} by less than twice the sampling "
                         "standard error")
    return Claim("rank", f"{word} {p.noun}", True)


def _bottom(f: Facts, p: Player, sign: int | None, clause: Clause) -> Claim:
    """"X was the smallest factor": no feature (pushing X's way, when the clause names a way) may
    have a smaller |contribution| by more than twice the sampling standard error of the difference."""
    from ...attribution.uncertainty import Z

    word = next((t.text for t in clause.toks if t.ref and t.ref.tag == "cue" and "bottom" in t.ref.cues), "smallest")
    c = abs(p.contribution)
    pool = [q for q in f.players if q is not p and q.contribution is not None
            and (not sign or q.contribution * sign > EPS)]
    below = [q for q in pool if c - abs(q.contribution) > Z * math.hypot(p.standard_error or 0.0,
                                                                          q.standard_error or 0.0) + 1e-12]
    if below:
        least = min(below, key=lambda q: abs(q.contribution))
        return Claim("rank", f"{word} {p.noun}", False,
                     f"“{word}” does not fit {p.noun}: {least.noun} had a smaller effect")
    return Claim("rank", f"{word} {p.noun}", True)


def check_heat_rank(f: Facts, p: Player, rank: str | None) -> Claim:
    heat = heat_shares(f.record)
    if p.name not in heat:
        return Claim("region", p.noun, False, "the evidence has no heatmap share for it")
    order = sorted(heat, key=lambda k: -heat[k])
    r = order.index(p.name) + 1
    # "The heatmap puts most of its weight on X" claims X is its top region.
    ok = rank in (None, "plain") or (rank in ("top", "major") and r == 1) or (rank == "minor" and r > 1)
    return Claim("region", p.noun, ok, "" if ok else f"the heatmap ranks {p.noun} {r} of {len(order)}")
