"""One sentence, read and checked: tokens, phrases, clauses, then every claim of every clause.

>>> split_sentences("The word “Dr. Who” mattered. It is 3.5 points.")
['The word “Dr. Who” mattered.', 'It is 3.5 points.']
"""

from __future__ import annotations

import re
from typing import Any

from ..facts import Facts
from ..vocabulary import vocabulary
from .check_category import check_category, check_quoted_value
from .check_changes import check_changes, check_unchanged_region
from .check_compare import check_comparisons
from .check_confidence import check_confidence
from .check_direction import check_direction
from .check_label import check_label
from .check_number import check_number
from .check_rank import check_heat_rank, check_rank
from .check_value import read_values
from .clauses import (
    Clause,
    appositive_ranks,
    carry_subjects,
    collect,
    inherit,
    item_owners,
    nearest,
    read_quote,
    resolve_leftovers,
    share_forward,
    split_clauses,
)
from .context import context
from .owners import judge_unknowns
from .phrases import EITHER_WAY, MOTION_VERBS, OUTCOME_WORDS, RELATIVE_CUES, cue_table
from .readings import (
    against_the_average,
    cancel_out,
    likelihood,
    prediction_level,
    qualified_comparatives,
    reasons_follow_the_prediction,
    relative_within,
    toward_of,
)
from .tokens import Reading, Token, match_phrases, tokenise
from .verdict import Claim, Verdict
from .view_records import check_view_sentence, is_view_record


def verify_sentence(sentence: str, record: Any, descriptions: dict[str, str] | None = None,
                    aliases: dict[str, list[str]] | None = None, stop_at_first: bool = False,
                    other_way: int = -1, claim_scoped: bool = False) -> Verdict:
    """Check one sentence against an Evidence record, a counterfactual/what-if dict, or a
    data-level record (feature effect, group comparison, similar cases, rule: ``view_records``;
    ``aliases`` are other words for their classes, {"good": ["approved", ...]}).
    ``stop_at_first``: return at the first word the record does not back, without reading the
    rest with MiniLM (an LLM's line is rejected either way; garbage costs no more time).
    ``other_way``: where "the other way" points, relative to the explained class (-1, away from
    it, as the templates use it after their reasons; ``verify`` passes the opposite of the sentence
    before). ``claim_scoped``: a word the record does not hold rejects the sentence only where it is
    what a claim is about (``owners.py``; ``verify`` reads outside text this way)."""
    if is_view_record(record):
        return check_view_sentence(sentence, record, descriptions, aliases)
    ctx = context(record, descriptions)
    f = ctx.f
    claims: list[Claim] = []
    mentioned: set = set()
    if not sentence or not sentence.strip():
        return Verdict(sentence, (Claim("sentence", "", False, "it is empty"),))
    if len(sentence) > 600 or any(ord(ch) < 32 and ch not in "\t" for ch in sentence):
        return Verdict(sentence, (Claim("sentence", sentence[:40], False, "it is not one plain sentence"),))
    toks = tokenise(sentence)
    # Quoted text first: a word of the input, a class, or a category value, exactly as written.
    for i, t in enumerate(toks):
        if t.kind == "quote":
            read_quote(t, toks, i, ctx)
    match_phrases(toks, ctx.phrases, ctx.max_len, "fact")
    cues = cue_table()
    match_phrases(toks, cues, max(len(k) for k in cues), "cue")
    motion_particles(toks)
    against_the_average(toks)
    qualified_comparatives(toks)
    the_row_itself(toks, ctx)
    prediction_level(toks, f, claims)
    likelihood(toks, f, claims)
    read_values(toks, ctx, claims)
    ratios(toks, claims)
    if other_way > 0:
        relative_cues_up(toks)
    clauses = split_clauses(toks)
    # "... would move from “a” (96%) to “b” (59%)": the parentheses split the clause, not its "would".
    for prev, clause in zip(clauses, clauses[1:]):
        clause.after_outcome = prev.after_outcome or any(t.kind == "word" and t.norm in OUTCOME_WORDS
                                                         for t in prev.toks)
    cancel_out(clauses, f, claims)
    # Words left over are connecting words, or claims about something not in the record.
    named_first = tuple(sorted({i for t in toks if t.ref and t.ref.is_fact("player") for i in t.ref.meanings[0].players}))
    for clause in clauses:
        clause.sentence_players = named_first
    for clause in clauses:
        resolve_leftovers(clause, ctx, claims, stop_at_first, defer=claim_scoped and not stop_at_first)
        if stop_at_first and any(not c.ok for c in claims):
            return Verdict(sentence, tuple(claims), frozenset(mentioned))
    for clause in clauses:
        collect(clause)
    reasons_follow_the_prediction(clauses, f)
    relative_within(clauses, f)
    share_forward(clauses)
    appositive_ranks(clauses)
    item_owners(clauses, f)
    carry_subjects(clauses)
    inherit(clauses)
    named = tuple(sorted({i for c in clauses for _, ids in c.players for i in ids}))
    together = any(t.kind == "word" and t.norm in TOGETHER_WORDS for t in toks)
    for clause in clauses:
        clause.sentence_players = named
        clause.together = together
    judge_unknowns(clauses, claims)
    for clause in clauses:
        check_clause(clause, f, claims, mentioned)
    check_changes(clauses, f, claims)
    check_comparisons(clauses, f, claims)
    if not claims:
        claims.append(Claim("sentence", sentence[:40], True, "connecting words only"))
    return Verdict(sentence, tuple(claims), frozenset(mentioned), stated_direction(clauses, f))


IDENTIFIER = re.compile(r"[a-z][a-z0-9]*_\w")
TOGETHER_WORDS = frozenset({"together", "combined", "between", "jointly", "altogether", "total", "sum", "both"})


# After "this <noun>", the words that make the noun the subject of a statement about the prediction.
SUBJECT_VERBS = frozenset({"is", "was", "will", "would", "to", "has", "had", "gets", "got", "should", "could",
                           "might", "may", "be", "being", "belongs"})


def the_row_itself(toks: list[Token], ctx) -> None:
    """"The model is almost certain this penguin is a Gentoo", "we expect this student to publish
    about 7 articles": "this <noun>" names the row being explained, not a feature, when the noun is
    followed by a verb of being and the sentence names a class or the predicted quantity (the row
    is what the prediction is about); so does a noun right after a class, ending its clause ("an
    Android phone"). Any other unknown noun still fails."""
    names_outcome = any(t.ref is not None and (t.ref.is_fact("label") or "decision" in t.ref.cues)
                        for t in toks) or any(t.kind == "word" and not t.used and
                                              getattr(ctx.word_form(t.norm), "kind", "") == "label"
                                              for t in toks)
    if not names_outcome:
        return
    for i in range(len(toks) - 1):
        # "sent from an Android phone (78%)", "a Gentoo penguin.": the kind of thing the class is.
        lab, noun = toks[i], toks[i + 1]
        after = toks[i + 2] if i + 2 < len(toks) else None
        if lab.ref is not None and lab.ref.is_fact("label") and noun.kind == "word" and not noun.used \
                and noun.norm not in ctx.glue and noun.norm not in ctx.forms \
                and (after is None or after.kind == "punct" or (after.kind == "word" and after.norm in SUBJECT_VERBS)):
            noun.used = True
    for i in range(len(toks) - 2):
        det, noun, verb = toks[i], toks[i + 1], toks[i + 2]
        if det.kind == "word" and det.norm in ("this", "that") and noun.kind == "word" and not noun.used \
                and noun.norm not in ctx.glue and noun.norm not in ctx.forms and verb.kind == "word" \
                and verb.norm in SUBJECT_VERBS:
            noun.used = True


RATIO_HEDGE = 0.1  # "three times" for 2.9 or 3.1: said of a ratio, a whole number is a rounded one


def ratios(toks: list[Token], claims: list[Claim]) -> None:
    """"a 60% risk, three times the usual 20%": "N times" compares the figure before it with the one
    after it, and is backed when their ratio is N (within a tenth of N). With no figure on either
    side ("three times as large as the biggest positive effect") the ratio is a claim the sentence
    gives no figures for, and is rejected."""
    for i in range(1, len(toks)):
        t, n = toks[i], toks[i - 1]
        if t.kind != "word" or t.used or t.norm != "times" or n.kind != "num" or n.signed or n.unit:
            continue
        before = next((x for x in reversed(toks[:i - 1]) if x.kind == "num"), None)
        after = next((x for x in toks[i + 1:] if x.kind == "num"), None)
        t.used = True
        n.kind = "ratio"  # a multiplier, not a figure of the record
        shown = f"{n.text} times"
        if before is None or after is None or after.value == 0:
            claims.append(Claim("ratio", shown, False, f"“{shown}” compares figures the sentence does not give"))
            continue
        ratio = abs(before.value / after.value)
        ok = abs(ratio - n.value) <= RATIO_HEDGE * n.value
        claims.append(Claim("ratio", shown, ok, "" if ok else
                            f"{before.text} is {ratio:.2g} times {after.text}, not {n.text}"))


def motion_particles(toks: list[Token]) -> None:
    """"pushed the price up", "nudged it down", "knocked $5,000 off": the particle after a verb of
    motion, in the same clause, is a direction cue (the verb alone says nothing of the way)."""
    for i, t in enumerate(toks):
        if t.kind != "word" or t.norm not in MOTION_VERBS:
            continue
        for x in toks[i + 1:i + 6]:
            if x.kind == "punct":
                break
            if x.kind == "word" and not x.used and x.norm in ("up", "down", "upward", "upwards", "downward",
                                                               "downwards", "higher", "lower", "off"):
                x.used = t.used = True  # the verb says nothing more than its particle
                way = "up" if x.norm in ("up", "upward", "upwards", "higher") else "down"
                x.ref = Reading("cue", cues=frozenset({way}), first=True, text=f"{t.text} … {x.text}")
                break


def relative_cues_up(toks: list[Token]) -> None:
    """"the other way" points toward the explained class here (the sentence before went against it,
    or the features took the prediction down overall)."""
    for t in toks:
        if t.ref is not None and t.ref.tag == "cue" and "down" in t.ref.cues and \
                tuple(w.lower() for w in t.ref.text.split()[-2:]) in RELATIVE_CUES:
            t.ref = Reading("cue", cues=(t.ref.cues - {"down"}) | {"up"}, first=t.ref.first, text=t.ref.text)


def stated_direction(clauses: list[Clause], f: Facts) -> int:
    """The direction the sentence's last direction word states, relative to the explained class."""
    for clause in reversed(clauses):
        if clause.cues:
            return clause.cues[-1].what * toward_of(clause, f)
    return 0


def check_clause(clause: Clause, f: Facts, claims: list[Claim], mentioned: set) -> None:
    """Every claim one clause makes: its classes, its facts, its players (with the cue and rank
    nearest each), its numbers."""
    th = vocabulary()["thresholds"]
    max_abs = f.max_abs()
    refs = [lab for _, lab, role in clause.labels if role == "reference"]
    ref_label = refs[0] if refs else None
    # The class a direction is measured toward: the explained one, unless the sentence names another.
    toward = toward_of(clause, f)

    for pos, lab, role in clause.labels:
        mentioned.add(("label", lab))
        claims.append(check_label(f, lab, role, clause, pos))
    for t in clause.toks:
        if t.ref and t.ref.tag == "fact" and t.ref.first:
            for m in t.ref.meanings:
                if m.kind == "confidence":
                    claims.append(check_confidence(f, m.bands, t.ref.text))
                elif m.kind == "category":
                    claims.append(check_category(f, m, t.ref))
                elif m.kind == "unchanged":
                    claims.append(check_unchanged_region(m, t.ref))
                elif m.kind == "quoted_value":
                    claims.append(check_quoted_value(f, m, clause, t))

    for pos, idxs in clause.players:
        players = [f.players[i] for i in idxs]
        mentioned.update(("player", i) for i in idxs)
        if clause.heat and f.input_kind == "image" and not f.is_change:
            claims.append(check_heat_rank(f, players[0], nearest(clause.ranks, pos)))
            continue
        cue = nearest(clause.cues, pos)
        rank = nearest(clause.ranks, pos)
        claims.append(Claim("player", players[0].noun, True))
        if players[0].contribution is None:
            continue  # counterfactual changes carry no direction
        if cue is not None:
            claim, players = check_direction(f, players, cue, toward, ref_label)
            claims.append(claim)
            if not players:
                continue
        if rank in ("top", "major") and _ordinal_after(clause, pos):
            continue  # "with horsepower a close second": the ordinal is its rank (check_compare.py)
        if rank is not None and rank != "plain":
            either = rank == "top" and _either_way(clause)
            claims.append(check_rank(f, players, rank, cue * toward if cue is not None and not either else None,
                                     max_abs, clause, th))

    for pos, t in enumerate(clause.toks):
        if t.kind == "num":
            claims.append(check_number(f, t, clause, pos))


ORDINAL_WORDS = frozenset({"second", "third", "fourth", "fifth", "2nd", "3rd", "4th", "5th"})


def _ordinal_after(clause: Clause, pos: int) -> bool:
    """Whether an ordinal follows the player at ``pos`` closely, before any other player."""
    others = {p for p, _ in clause.players if p > pos}
    for k in range(pos + 1, min(len(clause.toks), pos + 5)):
        if k in others:
            return False
        t = clause.toks[k]
        if t.kind == "word" and t.norm in ORDINAL_WORDS:
            return True
    return False


def _either_way(clause: Clause) -> bool:
    words = [t.norm for t in clause.toks if t.kind == "word"]
    return any(tuple(words[i:i + 2]) in EITHER_WAY for i in range(len(words) - 1))


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, not splitting inside curly quotes."""
    out, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch in ".!?" and depth == 0 and (i + 1 == len(text) or text[i + 1].isspace()):
            nxt = text[i + 1:].lstrip()
            # A column name in lower case starts a sentence too ("... -0.58. phd_prestige adds ...").
            if not nxt or nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "“\"" or IDENTIFIER.match(nxt):
                out.append(text[start:i + 1].strip())
                start = i + 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def verify_text(text: str, record: Any, descriptions: dict[str, str] | None = None,
                aliases: dict[str, list[str]] | None = None) -> list[Verdict]:
    """Verify every sentence of ``text``; see :func:`verify_sentence`.

    >>> from explainer_nlg.evidence import Attribution, Evidence
    >>> ev = Evidence("text", "other", {"great": 0.2, "other": 0.8}, "other", 0.5,
    ...               [Attribution("stale", "stale", 0.25), Attribution("cookies", "cookies", 0.05)],
    ...               "exact enumeration", 4, 0.01)
    >>> [v.ok for v in verify_text("The model predicted “other”. The word “stale” raised that chance. "
    ...                        "The word “yummy” helped too.", ev)]
    [True, True, False]
    """
    return [verify_sentence(s, record, descriptions, aliases) for s in split_sentences(text)]


def covers(template: Verdict, rephrased: list[Verdict]) -> str:
    """'' when the rephrasing still names everything the template named, else what it dropped."""
    named = set().union(*(v.mentioned for v in rephrased)) if rephrased else set()
    missing = template.mentioned - named
    if missing:
        kind, what = sorted(missing, key=str)[0]
        return f"it dropped {'a class' if kind == 'label' else 'a factor'} the template named"
    if "caution" in template.sentence.lower() and not any("caution" in v.sentence.lower() for v in rephrased):
        return "it dropped the caution"
    return ""
