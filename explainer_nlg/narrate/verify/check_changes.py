"""Change claims (text and image counterfactual / what-if records): the action a clause gives a
changed word or region ("removed", "replaced by", "covered") must be its action, a replacement word
must be its own, and a region the record did not cover cannot be called covered."""

from __future__ import annotations

from ..facts import Facts
from .clauses import Clause, Placed, nearest
from .phrases import REPLACEMENT_PREPS, action_table
from .tokens import Meaning, Reading, Token, prev_word
from .verdict import Claim

DONE = {"remove": "removed", "replace": "replaced", "cover": "covered"}


def check_changes(clauses: list[Clause], f: Facts, claims: list[Claim]) -> None:
    if not f.is_change or f.input_kind not in ("text", "image"):
        return
    table = action_table()
    acts = [[Placed(i, table[t.norm]) for i, t in enumerate(c.toks) if t.kind == "word" and not t.used
             and t.norm in table] for c in clauses]
    consumed: set[int] = set()
    for k, c in enumerate(clauses):
        for pos, idxs in c.players:
            players = [f.players[i] for i in idxs]
            act = nearest(acts[k], pos)
            if act is None:
                # A list shares its verb: "removing the words “a” and “b”", "the centre and the top
                # left ... covered". The clause just before, or else just after, lends it.
                near = [acts[j] for j in (k - 1, k + 1) if 0 <= j < len(clauses) and acts[j]]
                act = (near[0][-1].what if k > 0 and acts[k - 1] else near[0][0].what) if near else None
            if act is None:
                continue
            name = players[0].noun
            matching = [p for p in players if (p.action == act or (f.input_kind == "image" and act == "cover"))]
            if not matching:
                claims.append(Claim("change", name, False, f"{name} was {DONE.get(players[0].action, 'changed')}, "
                                                           f"not {DONE[act]}"))
                continue
            if act != "replace":
                claims.append(Claim("change", name, True))
                continue
            # The replacement: the first quote after the word that follows "by", "with", ...
            new = next((j for j in range(pos + 1, len(c.toks)) if c.toks[j].kind == "quote"
                        and not _is_player_quote(c.toks[j]) and prev_word(c.toks, j) in REPLACEMENT_PREPS), None)
            if new is None:
                claims.append(Claim("change", name, True))
                continue
            said = c.toks[new].text
            consumed.add(id(c.toks[new]))
            ok = any(str(p.value[1]) == said for p in matching)
            claims.append(Claim("change", f"{name} -> “{said}”", ok, "" if ok else
                                f"{name} was replaced by “{matching[0].value[1]}”, not “{said}”"))
    for c in clauses:
        for t in c.toks:
            if t.kind == "quote" and t.ref and t.ref.is_fact("quoted_value") and id(t) not in consumed:
                claims.append(Claim("change", f"“{t.text}”", False,
                                    f"“{t.text}” is a replacement word, but not named as what replaced a word"))


def check_unchanged_region(meaning: Meaning, reading: Reading) -> Claim:
    """A region named in an image change record that the record did not cover."""
    return Claim("change", reading.text, False, f"the {meaning.value} was not covered")


def _is_player_quote(t: Token) -> bool:
    return bool(t.ref) and t.ref.is_fact("player")
