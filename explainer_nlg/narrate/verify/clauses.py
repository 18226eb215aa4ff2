"""The clause grammar: a sentence is split into clauses at punctuation and joining words, and each
clause collects what it names (players, classes), its cue words (direction, rank, "the decision")
and where each sits, so a check can pair a player with the cue nearest to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..facts import Facts, Player
from ..vocabulary import vocabulary, words_of
from .check_value import unattached_value
from .context import RecordContext
from .encoder import MINILM_THRESHOLD, MODIFIER_THRESHOLD
from .phrases import HEAT_WORDS, NEGATIONS, SPLIT_WORDS, value_words
from .tokens import Meaning, Reading, Token, norm_possessive, prev_word
from .verdict import Claim


class Placed(NamedTuple):
    """Something a clause holds, at a token position (-1: carried over from the clause before)."""

    pos: int
    what: Any  # players: list of indices; cues: +1 / -1; ranks: top | major | minor | plain


class LabelAt(NamedTuple):
    """A class the clause names, at a position, in a role: "decision" (what the model predicted),
    "reference" ("toward X", "the chance of X") or "plain"."""

    pos: int
    label: str
    role: str


PLURAL_RANKED = frozenset({"reasons", "factors", "features", "signals", "drivers", "words", "effects",
                           "influences", "contributors"})


@dataclass
class Clause:
    toks: list[Token] = field(default_factory=list)
    players: list[Placed] = field(default_factory=list)  # what: the player indices
    labels: list[LabelAt] = field(default_factory=list)
    cues: list[Placed] = field(default_factory=list)  # what: +1 (raised) / -1 (lowered)
    ranks: list[Placed] = field(default_factory=list)  # what: top | major | minor | plain
    decision: bool = False
    heat: bool = False
    after_outcome: bool = False  # an earlier clause of the sentence said "would", "gives", ...
    item_players: tuple[int, ...] = ()  # naming none itself, after punctuation: the features just before
    lent: bool = False  # a later clause took its features for its direction (carry_subjects)
    joined_by: str = ""  # the word that split it from the clause before ("and"), "" after punctuation
    split_by: str = ""  # the word or punctuation mark that split it from the clause before
    sentence_players: tuple[int, ...] = ()  # every player the whole sentence names (amount sums)
    together: bool = False  # the sentence says its players act together ("together", "combined")
    # Words the record does not hold, left for owners.py to judge (claim-scoped reading only):
    # (start, end, text) of each run of them.
    unknowns: list[tuple[int, int, str]] = field(default_factory=list)


def read_quote(t: Token, toks: list[Token], i: int, ctx: RecordContext) -> None:
    """A quoted text is a word of the input, a class, or a category value, exactly as written."""
    f = ctx.f
    text = t.text.strip()
    prev = prev_word(toks, i)
    label_hit = next((c for c, al in f.labels.items() if text.lower() in al), None)
    word_hit = (ctx.word_players.get(text) or ctx.word_players.get(text.strip(".,!?;:"))
                or ctx.word_players_lower.get(text.lower()))
    if word_hit and label_hit:
        # A quoted word that is also a class name ("great"): a class when a probability follows or
        # a class-taking word precedes, a word of the input when "word" or a list precedes it.
        nxt = [x for x in toks[i + 1:i + 3] if x.kind in ("num", "word")]
        pct_follows = any(x.kind == "num" and x.unit == "pct" for x in nxt)
        if pct_follows or prev not in {"word", "words", "and", "or", "", "like", "including"}:
            word_hit = None
    t.used = True
    shown = f"“{text}”"
    if word_hit:
        t.ref = Reading("fact", (Meaning("player", players=tuple(word_hit)),), text=shown)
    elif label_hit:
        t.ref = Reading("fact", (Meaning("label", label=label_hit),), text=shown)
    else:
        values = [p for p in f.players if category_values(p, f) and text in category_values(p, f)]
        if values:
            t.ref = Reading("fact", (Meaning("quoted_value", value=text),), text=shown)
        else:
            t.ref = Reading("unknown", first=False, text=text)


def category_values(p: Player, f: Facts) -> set[str]:
    """The values a quoted word may name for ``p``: its category, or a change's before and after."""
    if f.is_change:
        return {str(v) for v in p.value if v is not None}
    return {str(p.value)} if not p.numeric else set()


def split_clauses(toks: list[Token]) -> list[Clause]:
    clauses = [Clause()]
    for t in toks:
        if t.kind == "punct" or (t.kind == "word" and not t.used and t.norm in SPLIT_WORDS):
            if clauses[-1].toks:
                clauses.append(Clause())
            clauses[-1].joined_by = t.norm if t.kind == "word" else ""
            clauses[-1].split_by = t.norm if t.kind == "word" else t.text
            continue
        clauses[-1].toks.append(t)
    return [c for c in clauses if c.toks]


def resolve_leftovers(clause: Clause, ctx: RecordContext, claims: list[Claim],
                      stop_at_first: bool = False, defer: bool = False) -> None:
    """Words no table knows are connecting words, a paraphrase of a player (MiniLM), or a claim
    about something the record does not hold. With ``defer`` (claim-scoped reading, decision 0024)
    a run that is none of these is kept in ``clause.unknowns`` for ``owners.py``, which rejects it
    only where it is what a claim is about."""
    toks = clause.toks
    for k in range(len(toks) - 1):
        # "lot size" for lotsize, "air conditioning" for aircon: one name said as two words.
        a, b = toks[k], toks[k + 1]
        if a.kind == b.kind == "word" and not a.used and not b.used:
            form = ctx.compound_form(a.norm, b.norm)
            if form is not None:
                a.used = b.used = True
                text = f"{a.text} {b.text}"
                a.ref = Reading("fact", (form,), first=True, text=text)
                b.ref = Reading("fact", (form,), first=False, text=text)
                claims.append(Claim("player", text, True, "read as "
                                                          f"{ctx.f.players[form.players[0]].noun}"))
    for t in toks:
        if t.kind != "word" or t.used or norm_possessive(t.norm) in ctx.glue or t.norm in ctx.glue:
            continue
        form = ctx.word_form(t.norm)
        if form is not None:
            # Another form of a word the record names ("insurance" for "insured"), or of its unit.
            t.used = True
            if form != "glue":
                t.ref = Reading("fact", (form,), first=True, text=t.text)
                if form.kind == "player":
                    claims.append(Claim("player", t.text, True, "read as another form of "
                                                               f"{ctx.f.players[form.players[0]].noun}"))
    i = 0
    while i < len(toks):
        if stop_at_first and claims and not claims[-1].ok:
            return
        t = toks[i]
        if t.kind == "quote" and t.ref and t.ref.tag == "unknown":
            claims.append(Claim("unknown", f"“{t.text}”", False, f"“{t.text}” is not in the evidence"))
            i += 1
            continue
        if t.kind != "word" or t.used or norm_possessive(t.norm) in ctx.glue or t.norm in ctx.glue:
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].kind == "word" and not toks[j].used and \
                norm_possessive(toks[j].norm) not in ctx.glue and toks[j].norm not in ctx.glue:
            j += 1
        run = toks[i:j]
        text = " ".join(x.text for x in run)
        near = [toks[k] for k in (i - 1, j) if 0 <= k < len(toks) and toks[k].ref and toks[k].ref.is_fact("player")]
        if len(run) == 1 and run[0].norm in ctx.shared_words and not near \
                and not ctx.shared_words[run[0].norm] & set(clause.sentence_players):
            # "the girth" with waist_girth and hip_girth: a word of two features' names names neither,
            # however close MiniLM finds one of them (unless the sentence names them: "the
            # cholesterol measures (HDL, LDL, ...)", or one stands beside it: "HDL cholesterol").
            claims.append(Claim("unknown", text, False, f"“{text}” is a word of more than one feature's name"))
            i = j
            continue
        if all(x.norm in value_words() for x in run):
            # "good looks", or "light" beside nothing it describes: a value against other rows that
            # check_value.py could not check; never read as part of the feature's name.
            claims.append(Claim("unknown", text, False, f"“{text}” {unattached_value(run, ctx.f)}"))
            i = j
            continue
        # A modifier next to a named feature ("monthly income") is read together with it.
        neighbours = [toks[k] for k in (i - 1, j) if 0 <= k < len(toks) and toks[k].ref
                      and toks[k].ref.is_fact("player")]
        candidates = [text] + [f"{text} {n.ref.text}" if k == j else f"{n.ref.text} {text}"
                               for k, n in zip((i - 1, j), neighbours)]
        best_idx, best_sim = None, 0.0
        for cand in candidates:
            idx, sim = ctx.resolve(cand)
            if sim > best_sim:
                best_idx, best_sim = idx, sim
        for n, cand in zip(neighbours, candidates[1:]):
            # A modifier of the feature beside it ("monthly income") stays that feature.
            own = n.ref.meanings[0].players[0]
            sim = ctx.similarity_to(cand, own)
            if sim >= MODIFIER_THRESHOLD:
                best_idx, best_sim = own, max(sim, MINILM_THRESHOLD)
                break
        if best_idx is not None and best_sim >= MINILM_THRESHOLD:
            for k, x in enumerate(run):
                x.used = True
                x.ref = Reading("fact", (Meaning("player", players=(best_idx,)),), first=k == 0, text=text)
            claims.append(Claim("player", text, True, f"read as {ctx.f.players[best_idx].noun} "
                                                      f"(similarity {best_sim:.2f})"))
        elif defer:
            for k, x in enumerate(run):
                x.used = True
                x.ref = Reading("unknown", first=k == 0, text=text)
            clause.unknowns.append((i, j, text))
        else:
            claims.append(Claim("unknown", text, False, f"“{text}” is not in the evidence"))
        i = j


def collect(clause: Clause) -> None:
    """Fill the clause's players, classes (with their roles), cues and ranks from its tokens."""
    toks = clause.toks
    for pos, t in enumerate(toks):
        if t.kind == "word" and t.norm in HEAT_WORDS:
            clause.heat = True
        if not t.ref or not t.ref.first:
            continue
        if t.ref.tag == "cue":
            tags = t.ref.cues
            if "decision" in tags:
                clause.decision = True
            # "did not raise" negates the cue; "Not being self-employed lowered ..." negates the subject.
            window = toks[max(0, pos - 3):pos]
            negated = any(x.kind == "word" and x.norm in NEGATIONS and not _gerund_follows(toks, toks.index(x))
                          for x in window)
            for d, s in (("up", 1), ("down", -1)):
                if d in tags:
                    clause.cues.append(Placed(pos, -s if negated else s))
            # "the second most important": the ordinal is the rank claim (check_compare.py).
            ordinal = prev_word(toks, pos) in ("second", "third", "fourth", "fifth")
            # "the two biggest factors", "the strongest signals were A, B and C": several at the
            # top, so each must be one of the strongest (major), not the strongest.
            nxt = next((x.norm for x in toks[pos + 1:] if x.kind == "word" and not (x.ref and x.ref.tag == "cue")), "")
            several = prev_word(toks, pos) in ("two", "three", "2", "3") or nxt in PLURAL_RANKED
            # "the single storey", "a single bathroom": "single" before a feature's own word counts
            # that feature's value; it ranks only before a rank word or a noun ("the single biggest").
            after = next((x for x in toks[pos + 1:] if not (x.ref and x.ref.tag == "cue" and not x.ref.first)), None)
            counted = t.ref.text.lower().endswith("single") and after is not None and after.ref is not None \
                and after.ref.is_fact("player")
            for r in ("top", "major", "minor", "plain", "bottom"):
                if r in tags and not (ordinal and r in ("top", "major")) and not counted:
                    clause.ranks.append(Placed(pos, "major" if r == "top" and several else r))
        elif t.ref.tag == "fact":
            for m in t.ref.meanings:
                if m.kind == "player":
                    clause.players.append(Placed(pos, list(m.players)))
                elif m.kind == "category":
                    clause.players.append(Placed(pos, [m.players[0]]))
                elif m.kind == "label":
                    prev = prev_word(toks, pos)
                    prev_tok = toks[pos - 1] if pos > 0 else None
                    if prev_tok is not None and prev_tok.ref and prev_tok.ref.tag == "cue" \
                            and "decision" in prev_tok.ref.cues:
                        role = "decision"
                    elif prev in vocabulary()["language"]["label_prepositions"]:
                        role = "reference"
                    else:
                        role = "plain"
                    clause.labels.append(LabelAt(pos, m.label, role))
                    break


def carry_subjects(clauses: list[Clause]) -> None:
    """"Her number of pregnancies (none) raised her risk", "Blood pressure, at 114, raised it": a
    clause that states a direction but names nothing takes the features of the clause before it
    that named features but stated no direction, across asides that do neither."""
    for k, c in enumerate(clauses):
        if not c.cues or c.players or c.heat:
            continue
        for prev in reversed(clauses[:k]):
            if prev.cues or prev.decision:
                break
            if prev.players and any(pos >= 0 for pos, _ in prev.players):  # not one borrowed (appositive_ranks)
                c.players = [Placed(-1, ids) for _, ids in prev.players]
                prev.lent = True
                break


def _gerund_follows(toks: list[Token], k: int) -> bool:
    """Whether the word after position ``k`` is a gerund ("not being", "not having")."""
    nxt = next((t for t in toks[k + 1:k + 2] if t.kind == "word"), None)
    return nxt is not None and nxt.norm.endswith("ing") and len(nxt.norm) > 4


def item_owners(clauses: list[Clause], f: Facts | None = None) -> None:
    """"other_income (5.1) +0.105": a clause of figures alone, after punctuation, belongs to the
    feature of the clause before (for the figures in it); so after a category value in brackets,
    "emergency (yes) +0.062", the value's words naming nothing else."""
    owner: tuple[int, ...] = ()
    for c in clauses:
        if c.players:
            owner = tuple(i for _, ids in c.players[-1:] for i in ids)
        elif not c.joined_by and not c.cues and all(t.kind == "num" for t in c.toks):
            c.item_players = owner
        elif f is not None and len(owner) == 1 and not c.joined_by and not c.cues and not c.labels \
                and _its_value(c, f.players[owner[0]]):
            continue  # "(yes)": the owner's own value, the figures after it still its own
        else:
            owner = ()


def _its_value(c: Clause, p: Player) -> bool:
    """Whether a clause's words are just the category value of ``p`` ("yes" of emergency=yes)."""
    if p.numeric or p.value is None:
        return False
    return [t.norm for t in c.toks] == words_of(str(p.value))


def appositive_ranks(clauses: list[Clause]) -> None:
    """"Acceleration raised it, the biggest single effect": a rank after a comma, naming no feature
    and no direction of its own, is about the features of the clause before."""
    for k in range(1, len(clauses)):
        c, prev = clauses[k], clauses[k - 1]
        if c.ranks and not c.players and not c.cues and not c.labels and not c.joined_by and prev.players \
                and not c.decision:
            c.players = [Placed(-1, ids) for _, ids in prev.players[-1:]]


def share_forward(clauses: list[Clause]) -> None:
    """"Her age and her wage pushed it the other way": features joined by "and" or "or" to the
    clause that states their direction share it (and its rank), back along the chain."""
    for k in range(len(clauses) - 2, -1, -1):
        c, nxt = clauses[k], clauses[k + 1]
        if c.players and not c.cues and not c.ranks and not c.decision and not c.heat \
                and nxt.joined_by in ("and", "or") and nxt.players and nxt.cues \
                and not any(t.kind == "num" for t in c.toks):
            c.cues = [Placed(-1, s) for _, s in nxt.cues[:1]]
            # "X and Y cost it the most": together at the top, so each is one of the largest.
            c.ranks = [Placed(-1, "major" if r == "top" else r) for _, r in nxt.ranks[:1]]
            nxt.ranks = [Placed(p, "major" if r == "top" else r) for p, r in nxt.ranks]
            if not any(role == "reference" for _, _, role in c.labels):
                c.labels = c.labels + [LabelAt(-1, lab, role) for _, lab, role in nxt.labels if role == "reference"]


CONTRAST_WORDS = frozenset({"while", "whilst", "whereas", "but", "although", "though", "however", "yet"})


def inherit(clauses: list[Clause]) -> None:
    """A clause that only continues a list ("..., B and C") takes its cue and rank from before;
    not a direction where its own figure is signed ("gender (women) -0.13"), and "the largest"
    only as one of the largest (one feature can be the largest)."""
    prev = None
    for k, c in enumerate(clauses):
        if c.joined_by in CONTRAST_WORDS:
            prev = None  # "X raised it, while Y ...": no direction carried across a contrast
        if prev is not None and not c.cues and not c.ranks and not c.decision and not c.heat and not c.lent:
            signed = _signed_figure(clauses, k)
            c.cues = [] if signed else [Placed(-1, s) for _, s in prev.cues[-1:]]
            c.ranks = [Placed(-1, "major" if r == "top" else r) for _, r in prev.ranks[-1:]]
            if not any(role == "reference" for _, _, role in c.labels):
                c.labels = c.labels + [LabelAt(-1, lab, role) for _, lab, role in prev.labels if role == "reference"]
            c.heat = prev.heat
        prev = c


def _signed_figure(clauses: list[Clause], k: int) -> bool:
    """Whether clause ``k``'s item carries a signed figure: in the clause, or in the clauses after it
    that name no feature ("gender (women) -0.13" is split at its parentheses)."""
    own = {i for _, ids in clauses[k].players for i in ids}
    for c in clauses[k:]:
        if c is not clauses[k] and (c.cues or any(i not in own for _, ids in c.players for i in ids)):
            return False
        if any(t.kind == "num" and t.signed for t in c.toks):
            return True
    return False


def nearest(items: list[Placed], pos: int) -> Any:
    """What the item nearest to ``pos`` holds (the earlier one on a tie), or None."""
    if not items:
        return None
    return min(items, key=lambda it: (abs(it[0] - pos), it[0] > pos))[1]
