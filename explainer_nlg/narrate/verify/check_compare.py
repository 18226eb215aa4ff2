"""Comparison and ordinal claims: "X mattered more than Y", "Y weighed less than X", "X, followed
by Y", "the second most important", "came a close second".

A comparison holds when the first player's |contribution| is larger than the second's by more
than twice the standard error of the difference (exact contributions: by the numbers alone). An
ordinal holds when the player's rank by |contribution| is that number, among all players (or,
when its clause names a direction, among those pushing its way), within the same standard-error
margin. A comparison between a player and
an amount ("added more than $10,000") is an amount claim, left to check_amount.
"""

from __future__ import annotations

import math

from ..facts import Facts, Player
from .clauses import Clause
from .tokens import Token
from .verdict import Claim

MORE = ("more than", "bigger than", "larger than", "greater than", "stronger than", "heavier than",
        "more important than", "more weight than", "outweighed", "outweighs", "outweigh", "ahead of",
        "followed by", "more strongly than", "more heavily than")
LESS = ("less than", "smaller than", "weaker than", "less important than", "less weight than", "fewer than",
        "lighter than", "behind", "less strongly than")
# "X mattered more to the prediction than Y": a comparative and its "than" a few words apart, with no
# player between them (a player between is the thing compared: "more income than ...").
SPLIT_COMPARATIVES = {"more": +1, "bigger": +1, "larger": +1, "greater": +1, "stronger": +1, "heavier": +1,
                      "less": -1, "smaller": -1, "weaker": -1, "lighter": -1}
SPLIT_GAP = 6
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}


def _phrases() -> list[tuple[tuple[str, ...], int]]:
    out = [(tuple(p.split()), +1) for p in MORE] + [(tuple(p.split()), -1) for p in LESS]
    return sorted(out, key=lambda t: -len(t[0]))


def _z() -> float:
    from ...attribution.uncertainty import Z

    return Z


def _margin(a: Player, b: Player) -> float:
    return _z() * math.hypot(a.standard_error or 0.0, b.standard_error or 0.0)


def check_comparisons(clauses: list[Clause], f: Facts, claims: list[Claim]) -> None:
    """Every comparison and ordinal in one sentence's clauses, as claims."""
    if f.is_change or not f.players:
        return
    flat: list[tuple[Token, int | None, int]] = []  # token, player index it names, clause number
    for ci, clause in enumerate(clauses):
        for t in clause.toks:
            idx = None
            if t.ref and t.ref.tag == "fact" and t.ref.first:
                m = t.ref.meanings[0]
                if m.kind in ("player", "category") and m.players:
                    idx = m.players[0]
            flat.append((t, idx, ci))
    words = [t.norm if t.kind == "word" else "" for t, _, _ in flat]
    phrases = _phrases()
    k = 0
    while k < len(flat):
        pair = _for_one_than_other(flat, words, k)
        if pair is not None:
            # "its effect was larger for citations than for pages": the two players after the comparative
            a, b, sense, end = pair
            claims.append(_compare(f, f.players[a], f.players[b], sense, words[k] + " for ... than"))
            k = end
            continue
        hit = next(((p, s) for p, s in phrases if tuple(words[k:k + len(p)]) == p), None)
        if hit is None:
            hit = _split_comparative(flat, words, k)
        if hit is None:
            k += 1
            continue
        phrase, sense = hit
        left = next((flat[j][1] for j in range(k - 1, -1, -1) if flat[j][1] is not None), None)
        right = None
        for j in range(k + len(phrase), len(flat)):
            if flat[j][0].kind == "num":
                break  # compared with an amount: the number check reads it
            if flat[j][1] is not None:
                right = flat[j][1]
                break
        if left is not None and right is not None and left != right:
            claims.append(_compare(f, f.players[left], f.players[right], sense, " ".join(phrase)))
        k += len(phrase)
    for k, (t, _, ci) in enumerate(flat):
        n = ORDINALS.get(t.norm) if t.kind == "word" else None
        if n is None:
            continue
        who = _ordinal_subject(flat, k, ci)
        if who is not None:
            claims.append(_ordinal(f, f.players[who], n, t.text, bool(clauses[ci].cues)))


def _split_comparative(flat: list, words: list[str], k: int) -> tuple[tuple[str, ...], int] | None:
    """"more to the prediction than": the words from the comparative to its "than" as one phrase,
    when they are in one clause and name no player and no number."""
    sense = SPLIT_COMPARATIVES.get(words[k])
    if sense is None:
        return None
    for j in range(k + 1, min(len(flat), k + 1 + SPLIT_GAP)):
        t, idx, ci = flat[j]
        if idx is not None or t.kind in ("num", "quote") or ci != flat[k][2]:
            return None
        if words[j] == "than":
            return tuple(words[k:j + 1]), sense
    return None


def _for_one_than_other(flat: list, words: list[str], k: int) -> tuple[int, int, int, int] | None:
    """(first player, second player, sense, index after) for "larger for X than for Y", "bigger with
    X than with Y", "smaller in X than Y"; None for any other words."""
    sense = SPLIT_COMPARATIVES.get(words[k])
    if sense is None or k + 1 >= len(flat) or words[k + 1] not in ("for", "with", "in", "on"):
        return None

    def player_at(j: int) -> tuple[int | None, int]:
        while j < len(flat) and words[j] in ("the", "a", "an", "its", "their", "that", "of", "for", "with", "in", "on"):
            j += 1
        if j < len(flat) and flat[j][1] is not None:
            idx = flat[j][1]
            while j < len(flat) and flat[j][1] == idx:
                j += 1
            return idx, j
        return None, j

    a, j = player_at(k + 2)
    if a is None or j >= len(flat) or words[j] != "than":
        return None
    b, end = player_at(j + 1)
    return (a, b, sense, end) if b is not None and b != a else None


def _ordinal_subject(flat: list, k: int, ci: int) -> int | None:
    """The player an ordinal is about: in its clause, before any "after"/"behind" (what follows
    those is the player it is ranked after), nearest first; else the last one named before it."""
    stop = next((j for j in range(k, len(flat)) if flat[j][2] == ci and flat[j][0].kind == "word"
                 and flat[j][0].norm in ("after", "behind", "than")), len(flat))
    same = [(abs(j - k), idx) for j, (t, idx, c) in enumerate(flat) if c == ci and idx is not None and j < stop]
    if same:
        return min(same)[1]
    return next((flat[j][1] for j in range(k - 1, -1, -1) if flat[j][1] is not None), None)


def _compare(f: Facts, a: Player, b: Player, sense: int, text: str) -> Claim:
    big, small = (a, b) if sense > 0 else (b, a)
    ca, cb = abs(big.contribution or 0.0), abs(small.contribution or 0.0)
    ok = ca - cb > _margin(big, small) and ca > cb
    what = f"{a.noun} {text} {b.noun}"
    if ok:
        return Claim("rank", what, True)
    if ca > cb:
        return Claim("rank", what, False, f"{big.noun} and {small.noun} are too close to order "
                                          f"(within twice their standard error)")
    return Claim("rank", what, False, f"{small.noun} weighed more than {big.noun} "
                                      f"({_size(f, small)} against {_size(f, big)})")


def _ordinal(f: Facts, p: Player, n: int, text: str, directional: bool) -> Claim:
    """``directional``: the clause names a direction ("the second biggest push up"), so the rank
    may also be among the players pushing that way."""
    c = abs(p.contribution or 0.0)
    sign = 1 if (p.contribution or 0.0) >= 0 else -1
    ranks = []
    pools = [f.players] + ([[q for q in f.players if (q.contribution or 0.0) * sign > 0]] if directional else [])
    for pool in pools:
        above = [q for q in pool if q is not p and abs(q.contribution or 0.0) > c]
        # Ranks p may hold: from the players surely above it, to those that may be above it.
        surely = sum(1 for q in above if abs(q.contribution) - c > _margin(p, q))
        ranks.append((1 + surely, 1 + len(above)))
    ok = any(lo <= n <= hi for lo, hi in ranks)
    overall = ranks[0][1]
    return Claim("rank", f"{p.noun} {text}", ok, "" if ok else f"{p.noun} ranks {overall} by size of effect, "
                                                               f"not {n}")


def _size(f: Facts, p: Player) -> str:
    c = p.contribution or 0.0
    return f"{c:+,.4g}" if f.in_amounts else f"{c * 100:+.1f} points"
