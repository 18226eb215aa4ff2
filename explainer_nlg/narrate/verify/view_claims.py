"""Reading a sentence about a data-level record into claims: what the four view checks share
(``check_effect``, ``check_groups``, ``check_similar``, ``check_rules``).

A sentence is split into tokens (quoted text, numbers with their unit, words, comparison signs,
punctuation) and into clauses (at , ; : and the parentheses kept inside). Names the record knows
(features, classes, groups, categories) are matched first, longest first, then the cue phrases
(directions, verdicts, ...). A word that is neither a name, a cue nor a connecting word is a claim
about something the record does not hold, and fails the sentence: a wrong explanation is worse than
none. Each view's check then reads the named things, cues and numbers of each clause.

>>> toks = tokenise("The chance of “good” rises from 52.4% at 1,200 (+3.1 points).")
>>> [(t.kind, t.text) for t in toks if t.kind != "word"]
[('quote', 'good'), ('num', '52.4'), ('num', '1,200'), ('punct', '('), ('num', '+3.1'), ('punct', ')')]
>>> [t.unit for t in toks if t.kind == "num"]
['pct', '', 'points']
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..vocabulary import WORD_RE, vocabulary, words_of
from .verdict import Claim, Verdict

TOKEN_RE = re.compile(
    r"(?P<quote>“[^”]*”|\"[^\"]*\")"
    r"|(?P<num>[+\-−]?(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]))(?P<pct>\s?%)?"
    r"|(?P<op>>=|<=|!=|[<>=])"
    r"|(?P<word>" + WORD_RE.pattern + ")"
    r"|(?P<punct>[,;:()\[\]—–]|\s-\s)",
    re.UNICODE,
)
CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "-"})
STOPWORDS = frozenset("""a an the of to in on at for by with and or from as is are was were be been it its this
that these those has have had than then so very""".split())


class ViewReading(NamedTuple):
    """What a token was read as: part of a name the record knows, or of a cue phrase."""

    tag: str  # "name" | "cue"
    meaning: Any  # a name: the list of things it names, e.g. [("feature", "Age")]; a cue: its tag
    first: bool  # the phrase's first token (a phrase counts once)
    text: str  # the whole phrase as written


@dataclass
class Tok:
    kind: str  # quote | num | op | word | punct
    text: str
    norm: str = ""
    value: float = 0.0
    decimals: int = 0
    signed: bool = False
    unit: str = ""  # pct | points | ""
    ref: ViewReading | None = None  # once read
    used: bool = False


def tokenise(sentence: str) -> list[Tok]:
    toks: list[Tok] = []
    for m in TOKEN_RE.finditer(sentence):
        if m.group("quote"):
            toks.append(Tok("quote", m.group("quote")[1:-1], norm=m.group("quote")[1:-1].lower()))
        elif m.group("num"):
            raw = m.group("num").replace("−", "-")
            digits = raw.lstrip("+-").replace(",", "")
            t = Tok("num", m.group("num"), norm=digits, value=float(digits) * (-1 if raw.startswith("-") else 1),
                    decimals=len(digits.split(".")[1]) if "." in digits else 0, signed=raw[0] in "+-")
            t.unit = "pct" if m.group("pct") else ""
            toks.append(t)
        elif m.group("op"):
            toks.append(Tok("op", m.group("op"), norm=m.group("op")))
        elif m.group("word"):
            toks.append(Tok("word", m.group("word"), norm=m.group("word").lower().replace("’", "'")))
        else:
            toks.append(Tok("punct", m.group("punct").strip(), norm=m.group("punct").strip()))
    for i, t in enumerate(toks):
        if t.kind == "num" and not t.unit:
            nxt = [x.norm for x in toks[i + 1:i + 3] if x.kind == "word"]
            if nxt[:1] == ["percent"]:
                t.unit = "pct"
            elif nxt[:1] in (["points"], ["point"]) or nxt[:2] == ["percentage", "points"]:
                t.unit = "points"
    return toks


def close(t: Tok, v: float | None) -> bool:
    """Whether the number as written rounds from ``v`` (half a unit of its last decimal)."""
    if v is None:
        return False
    tol = 0.5 * 10 ** (-t.decimals) + 1e-9
    return abs(abs(t.value) - abs(v)) <= tol * (1 + 1e-6) and (not t.signed or (t.value >= 0) == (v >= 0)
                                                                or abs(v) < tol)


def phrase_key(text: str) -> tuple[str, ...]:
    """The token texts a name is matched by ("Age > 60" -> ('age', '>', '60'))."""
    return tuple(t.norm for t in tokenise(text) if t.kind != "punct")


@dataclass
class Clause:
    toks: list[Tok] = field(default_factory=list)

    def names(self, kind: str | None = None) -> list[tuple[int, Any]]:
        """(position, ref) of each name read in the clause (``kind``: only refs of that kind)."""
        out = []
        for i, t in enumerate(self.toks):
            if t.ref and t.ref.tag == "name" and t.ref.first:
                out += [(i, r) for r in t.ref.meaning if kind is None or r[0] == kind]
        return out

    def cues(self, tag: str) -> list[int]:
        return [i for i, t in enumerate(self.toks) if t.ref and t.ref.tag == "cue" and t.ref.first and t.ref.meaning == tag]

    def has(self, *tags: str) -> bool:
        return any(self.cues(tag) for tag in tags)

    def words(self) -> set[str]:
        return {t.norm for t in self.toks if t.kind == "word"}

    def numbers(self) -> list[tuple[int, Tok]]:
        return [(i, t) for i, t in enumerate(self.toks) if t.kind == "num" and not t.used]

    def negated(self, pos: int) -> bool:
        return any(t.ref and t.ref.tag == "cue" and t.ref.meaning == "negation" for t in self.toks[max(0, pos - 3):pos])


@dataclass(frozen=True)
class ViewContext:
    """What a record lets a sentence name: phrases (token texts -> refs), cues, connecting words."""

    names: dict[tuple[str, ...], list[tuple]]
    cues: dict[tuple[str, ...], str]
    glue: frozenset[str]


@functools.lru_cache(maxsize=1)
def view_cues() -> dict[tuple[str, ...], str]:
    from ..views.phrases import view_templates

    table = {}
    for tag, phrases in view_templates()["cues"].items():
        for p in phrases:
            table[tuple(words_of(p))] = tag
    return table


@functools.lru_cache(maxsize=1)
def view_glue() -> frozenset[str]:
    """Connecting words: the narration's glue, the fixed words of every view template, minus cues."""
    from ..views.phrases import template_words, view_templates

    cue_words = {w for key in view_cues() for w in key if len(key) == 1}
    base = set(vocabulary()["language"]["glue"].split()) | template_words() | STOPWORDS
    base |= set(view_templates()["glue"]["words"].split())
    extra = set("""applicants applicant people rows row customers customer borrowers group groups value values
    range ranges level levels average averages typical about around roughly nearly almost exactly between whole
    data set among whose ones everyone nobody someone likely chance share rate rates figure figures""".split())
    return frozenset((base | extra) - cue_words)


def make_context(names: dict[str, list[tuple]], method: str = "", row_noun: str = "rows") -> ViewContext:
    """A context from display text -> refs (several texts may name the same thing); the words of
    the record's ``method`` are connecting words too (a developer sentence quotes it), and so are
    what its rows are called (``row_noun``, "stores": "store" too)."""
    from ..views.phrases import singular

    rows = set(words_of(row_noun)) | set(words_of(singular(row_noun)))
    table: dict[tuple[str, ...], list[tuple]] = {}
    for text, refs in names.items():
        key = phrase_key(text)
        if key:
            table.setdefault(key, [])
            table[key] += [r for r in refs if r not in table[key]]
    named_words = {w for key in table for w in key if len(key) == 1}
    return ViewContext(table, view_cues(), (view_glue() | set(words_of(method)) | rows) - named_words)


def method_numbers(record: Any) -> list[float]:
    """The numbers a record's method text and timing hold (a developer sentence quotes them)."""
    found = [t.value for t in tokenise(getattr(record, "method", "") or "") if t.kind == "num"]
    return found + [float(getattr(record, "seconds", 0.0) or 0.0), round(float(getattr(record, "seconds", 0.0) or 0), 2)]


def _match(toks: list[Tok], table: dict, tag: str) -> None:
    longest = max((len(k) for k in table), default=1)
    i = 0
    while i < len(toks):
        if toks[i].used or toks[i].kind in ("punct",):
            i += 1
            continue
        for n in range(min(longest, len(toks) - i), 0, -1):
            window = toks[i:i + n]
            if any(t.used or t.kind == "punct" for t in window):
                continue
            key = tuple(t.norm[:-2] if t.norm.endswith("'s") else t.norm for t in window)
            refs = table.get(key) or table.get(tuple(t.norm for t in window))
            if refs:
                for j, t in enumerate(window):
                    t.used = True
                    t.ref = ViewReading(tag, refs, j == 0, " ".join(x.text for x in window))
                i += n
                break
        else:
            i += 1


def read(sentence: str, ctx: ViewContext) -> tuple[list[Clause], list, list[Tok]]:
    """(clauses, failed claims for unknown words and quotes, all tokens) of one sentence."""

    toks = tokenise(sentence)
    _match(toks, ctx.names, "name")
    _match(toks, ctx.cues, "cue")
    problems = []
    for t in toks:
        if t.used or t.kind in ("num", "punct", "op"):
            continue
        if t.kind == "quote":
            problems.append(Claim("unknown", f"“{t.text}”", False, f"“{t.text}” is not in the record"))
        elif t.norm not in ctx.glue and (not t.norm.endswith("'s") or t.norm[:-2] not in ctx.glue):
            problems.append(Claim("unknown", t.text, False, f"“{t.text}” is not in the record"))
    clauses = [Clause()]
    depth = 0
    for t in toks:
        if t.kind == "punct" and t.norm in ("(", "["):
            depth += 1
        elif t.kind == "punct" and t.norm in (")", "]"):
            depth = max(0, depth - 1)
        elif t.kind == "punct" and t.norm in CLAUSE_BREAKS and depth == 0:
            if clauses[-1].toks:
                clauses.append(Clause())
            continue
        clauses[-1].toks.append(t)
    return [c for c in clauses if c.toks], problems, toks


def names_said(clauses: list[Clause], claim_kinds: set[str] | None = None) -> tuple[set, list]:
    """(every name the clauses read, a true claim for each of those of ``claim_kinds``; None: all)."""
    mentioned: set = set()
    claims = []
    for c in clauses:
        for _, ref in c.names():
            mentioned.add(ref)
            if claim_kinds is None or ref[0] in claim_kinds:
                claims.append(Claim(ref[0], str(ref[1]), True))
    return mentioned, claims


def verdict(sentence: str, claims: list, mentioned: set | None = None):
    """A Verdict (the narration's type) for the claims read; a sentence with none is connecting text."""

    if not claims:
        claims = [Claim("sentence", sentence[:40], True, "connecting words only")]
    return Verdict(sentence, tuple(claims), frozenset(mentioned or ()))


def number_claim(t: Tok, ok: bool, what: str):

    shown = t.text + ("%" if t.unit == "pct" and "%" not in t.text else "")
    return Claim("number", shown, ok, "" if ok else f"{shown} is not {what}")


def is_method_sentence(clauses: list[Clause]) -> bool:
    """A developer's "Method: ..." sentence quotes the record's method text, numbers and all."""
    first = next((t for c in clauses for t in c.toks if t.kind == "word"), None)
    return first is not None and first.norm == "method"


def any_close(t: Tok, values) -> bool:
    return any(close(t, v) for v in values if v is not None)
