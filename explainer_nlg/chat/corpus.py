"""The learned parser's training corpus: templates (``prompts/parser_templates.toml``) filled over real
schemas (``chat.schema_pool``), plus the example bank, plus offline paraphrases.

Every example is a question with its operations, labelled character spans (which words name a
feature, a value, a number, a row, a class...) and the gold parse the question stands for, so the
same examples train the tagger and score the whole parser. The fillers below write each slot the
many ways people do: a column as written (``cardBalance``), split into words ("card balance"), by
one word of it ("balance"), by its description ("mother's weight"), by an everyday word ("earning"
for an income column), misspelt; numbers as "5,000", "5k" or "five"; values negated ("non-students",
"without a job"). This module is long because it holds one filler per slot kind, and splitting
them across files would scatter one small grammar.

>>> from explainer_nlg.chat.schema import ChatSchema
>>> s = ChatSchema.from_frame(__import__("pandas").DataFrame({"Age": [20, 70], "Home": ["rent", "own"]}),
...                           classes=["bad", "good"])
>>> ex = Generator(seed=1).fill("how many {subjs} {filters}", "count", s)
>>> ex.ops, {tag for _, _, tag in ex.spans} <= set(TAGS)
(['count'], True)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..prompt_files import load_prompt_file
from . import registry
from .lexicon import lexicon, value_words
from .outcomes import resolve
from .schema import ChatSchema, split_words

TAGS = ("FEAT", "VAL", "NUM", "ID", "K", "CLS", "PRED", "LABEL", "CMP", "ACT", "NEG")
FLAGS = ("new_row", "correction")
SUBJECTS = [("applicant", "applicants"), ("customer", "customers"), ("person", "people"), ("patient", "patients"),
            ("passenger", "passengers"), ("client", "clients"), ("case", "cases"), ("row", "rows"),
            ("record", "records"), ("individual", "individuals"), ("borrower", "borrowers"), ("student", "students"),
            ("employee", "employees"), ("member", "members"), ("user", "users"), ("household", "households"),
            ("participant", "participants"), ("respondent", "respondents"), ("person", "ppl"), ("one", "ones"),
            ("entry", "entries"), ("subject", "subjects"), ("account", "accounts"), ("mother", "mothers")]
PRONOUNS = [("she", "her", "her"), ("he", "his", "him"), ("they", "their", "them"), ("i", "my", "me"),
            ("it", "its", "it"), ("this person", "their", "them")]
METRICS = ["accuracy", "precision", "recall", "f1", "f1 score", "auc", "roc auc", "error rate", "acc"]
PREFIXES = ["hey ", "ok ", "so ", "hi, ", "please ", "can you tell me ", "i want to know ", "quick question: ",
            "pls ", "um ", "could you tell me ", "i'd like to know ", "tell me "]
SUFFIXES = [" pls", " please", " thanks", " thx", "", "", "", ""]
PARTICIPLES = ("ed", "down", "back", "go", "custody")  # outcome words that read as "the model ___ them"


@dataclass
class Example:
    """One training question: text, labelled spans, operations, flags, and the gold parse."""

    text: str
    spans: list[tuple[int, int, str]]
    ops: list[str]
    flags: dict = field(default_factory=dict)
    gold: dict = field(default_factory=dict)
    source: str = "template"
    schema: str = ""
    template: str = ""

    def to_dict(self) -> dict:
        return {"text": self.text, "spans": [list(s) for s in self.spans], "ops": self.ops, "flags": self.flags,
                "gold": self.gold, "source": self.source, "schema": self.schema, "template": self.template}


class _Writer:
    """Text written piece by piece, with the labelled spans of the pieces that carry a tag."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, str]] = []
        self.pos = 0

    def add(self, text: str, tag: str | None = None) -> None:
        if not text:
            return
        if tag:
            self.spans.append((self.pos, self.pos + len(text), tag))
        self.parts.append(text)
        self.pos += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def expand(template: str, rng: np.random.Generator) -> str:
    """Resolve "(a|b)" choices and "[x]" options, innermost first."""
    t = template
    for _ in range(20):
        new = re.sub(r"\(([^()\[\]]*)\)", lambda m: _pick(m.group(1).split("|"), rng), t)
        new = re.sub(r"\[([^()\[\]]*)\]", lambda m: m.group(1) if rng.random() < 0.5 else "", new)
        if new == t:
            break
        t = new
    return re.sub(r"\s+", " ", t).strip()


def _pick(items: list, rng: np.random.Generator) -> Any:
    return items[int(rng.integers(len(items)))]


@functools.lru_cache(maxsize=1)
def templates() -> dict[str, list[str]]:
    """Template lists by section: operation names, and "none", "new_row", "correction", "off_topic"."""
    data = load_prompt_file("parser_templates.toml")
    out = {op: list(v["t"]) for op, v in data["ops"].items()}
    for key in ("none", "new_row", "correction", "off_topic"):
        out[key] = list(data[key]["t"])
    return out


SECTION_OPS = {"none": [], "new_row": ["predict"], "correction": ["what_if"], "off_topic": []}


class _Ctx:
    """What one example's slots share: the schema, pronouns, subject noun, gold parse so far."""

    def __init__(self, schema: ChatSchema, op: str, rng: np.random.Generator, second: bool = False):
        self.schema, self.op, self.rng, self.second = schema, op, rng, second
        self.pron, self.poss, self.obj = _pick(PRONOUNS, rng)
        self.subj, self.subjs = _pick(SUBJECTS, rng)
        self.gold: dict[str, Any] = {}
        self.last_feature: str | None = None
        self.used: set[str] = set()


class Generator:
    """Fills templates over schemas (one random stream per generator, so a corpus is reproducible)."""

    def __init__(self, seed: int = 0):
        self.rng = np.random.default_rng(seed)

    # ---- whole examples ------------------------------------------------------------------

    def fill(self, template: str, section: str, schema: ChatSchema, second: bool = False) -> Example:
        rng = self.rng
        op = section if section in registry.names() else (SECTION_OPS.get(section) or ["none"])[0]
        ctx = _Ctx(schema, op, rng, second)
        w = _Writer()
        for piece in re.split(r"(\{\w+\})", expand(template, rng)):
            m = re.fullmatch(r"\{(\w+)\}", piece)
            if m:
                getattr(self, f"_slot_{m.group(1)}")(w, ctx)
            else:
                w.add(piece)
        ops = [section] if section in registry.names() else list(SECTION_OPS[section])
        flags = {"new_row": section == "new_row", "correction": section == "correction"}
        return Example(w.text, w.spans, ops, flags, ctx.gold, "template", "", template)

    def noisy(self, ex: Example) -> Example:
        """Casing, end punctuation, a filler prefix, a typo in one untagged word."""
        rng = self.rng
        text, spans = ex.text, list(ex.spans)
        if rng.random() < 0.15:
            p = _pick(PREFIXES, rng)
            text, spans = p + text, [(a + len(p), b + len(p), t) for a, b, t in spans]
        if rng.random() < 0.15:
            text = text + _pick(SUFFIXES, rng)
        r = rng.random()
        if text.strip(" ?.!"):
            text = text.rstrip(" ?.!") + (("?" if r < 0.5 else "" if r < 0.85 else _pick([".", "??", "!", " ?"], rng))
                                          if not text.endswith(":") else "")
        if rng.random() < 0.15:
            text = _typo_untagged(text, spans, rng)
        r = rng.random()
        if r < 0.2:
            text = text[:1].upper() + text[1:]
        elif r < 0.25:  # same length either way, so the spans stay put
            text = text.upper() if rng.random() < 0.2 else " ".join(x[:1].upper() + x[1:] for x in text.split(" "))
        return Example(text, spans, ex.ops, ex.flags, ex.gold, ex.source, ex.schema, ex.template)

    # ---- slots: rows, classes, numbers --------------------------------------------------

    def _slot_id(self, w: _Writer, ctx: _Ctx) -> None:
        rng, s = ctx.rng, ctx.schema
        if ctx.second:  # the second half of a compound question refers back to the first's row
            w.add(_pick(["it", "them", "this one", ctx.obj, "that"], rng))
            return
        hi = s.max_id if s.max_id else 1000
        n = int(rng.integers(0, hi + 1)) if rng.random() < 0.7 else int(rng.integers(0, min(hi, 200) + 1))
        form = rng.random()
        if form < 0.35:
            pre = ""
        elif form < 0.55:
            pre = _pick(["row ", "id ", "row #", "id #", "#", "ID "], rng)
        elif form < 0.8:
            pre = ctx.subj + " " + ("#" if rng.random() < 0.15 else "")
        else:
            pre = _pick(["number ", "case ", "no. ", "record ", "entry ", "instance ", "person "], rng)
        w.add(pre)
        w.add(str(n), "ID")
        ctx.gold["instance"] = n

    def _class_word(self, ctx: _Ctx, exclude_negated: bool = False, avoid: str | None = None) -> tuple[str, str]:
        """(class, the words used for it): its name, or an outcome word that resolves to it."""
        rng, s = ctx.rng, ctx.schema
        classes = [c for c in s.classes if c != avoid] or list(s.classes)
        if exclude_negated:
            classes = [c for c in classes if not re.match(r"(?:not|no|non)\b", c.lower())] or classes
        c = _pick(classes, rng)
        words = _outcome_words(tuple(s.classes), s.target).get(c, [])
        if words and rng.random() < 0.45:
            return c, _pick(words, rng)
        return c, c.lower() if rng.random() < 0.8 else c

    def _slot_cls(self, w: _Writer, ctx: _Ctx) -> None:
        first = ctx.gold.get("target")
        c, word = self._class_word(ctx, exclude_negated=ctx.op == "why_not", avoid=first)
        w.add(word, "CLS")
        ctx.gold["target"] = c

    def _pred_phrase(self, w: _Writer, ctx: _Ctx, bare: bool = False, tag: str = "PRED") -> str:
        c, word = self._class_word(ctx)
        participle = word.endswith(PARTICIPLES) and " " not in word.strip()
        rng = ctx.rng
        if bare:
            if participle or rng.random() < 0.5:
                w.add(word, tag)
            else:
                w.add(_pick(["predicted ", "classified as ", "labelled ", "predicted as "], rng))
                w.add(word, tag)
            return c
        r = rng.random()
        if participle and r < 0.5:
            w.add(_pick(["the model ", "it ", "that the model ", "who the model ", "who were ", "that got ",
                         "who got ", "that were "], rng))
            w.add(word, tag)
        elif r < 0.75:
            w.add(_pick(["predicted ", "classified as ", "the model predicts ", "predicted as ", "that the model "
                         "calls ", "who are predicted ", "marked "], rng))
            w.add(word, tag)
        else:
            w.add(_pick(["with a ", "with an outcome of ", "with prediction "], rng))
            w.add(word, tag)
        return c

    def _slot_pred(self, w: _Writer, ctx: _Ctx) -> None:
        c = self._pred_phrase(w, ctx)
        ctx.gold.setdefault("filters", []).append({"feature": "prediction", "cmp": "==", "value": c})

    def _slot_pred_bare(self, w: _Writer, ctx: _Ctx) -> None:
        c = self._pred_phrase(w, ctx, bare=True)
        ctx.gold.setdefault("filters", []).append({"feature": "prediction", "cmp": "==", "value": c})

    def _slot_label(self, w: _Writer, ctx: _Ctx) -> None:
        rng = ctx.rng
        c, word = self._class_word(ctx)
        w.add(_pick(["who actually ", "that were actually ", "whose true label is ", "labelled ", "that really ",
                     "who in fact were ", "with true class "], rng))
        w.add(word, "LABEL")
        ctx.gold.setdefault("filters", []).append({"feature": "label", "cmp": "==", "value": c})

    def _slot_k(self, w: _Writer, ctx: _Ctx) -> None:
        k = int(ctx.rng.integers(2, 11))
        words = {2: "two", 3: "three", 4: "four", 5: "five", 10: "ten"}
        w.add(words[k] if k in words and ctx.rng.random() < 0.3 else str(k), "K")
        ctx.gold["k"] = k

    def _slot_subj(self, w: _Writer, ctx: _Ctx) -> None:
        w.add(ctx.subj)

    def _slot_subjs(self, w: _Writer, ctx: _Ctx) -> None:
        w.add(ctx.subjs)

    def _slot_pron(self, w: _Writer, ctx: _Ctx) -> None:
        w.add(ctx.pron)

    def _slot_poss(self, w: _Writer, ctx: _Ctx) -> None:
        w.add(ctx.poss)

    def _slot_obj(self, w: _Writer, ctx: _Ctx) -> None:
        w.add(ctx.obj)

    def _slot_metric(self, w: _Writer, ctx: _Ctx) -> None:
        w.add(_pick(METRICS, ctx.rng))

    # ---- slots: features and values -----------------------------------------------------

    def _feature(self, ctx: _Ctx, kind: str = "any") -> str | None:
        s = ctx.schema
        pool = s.linkable()
        if kind == "num":
            pool = [f for f in pool if f in s.numeric and f not in s.booleans]
        elif kind == "cat":
            pool = [f for f in pool if f in s.families or (f in s.categories and f not in s.booleans)]
        elif kind == "bool":
            pool = [f for f in pool if f in s.booleans and f not in s.families]
        fresh = [f for f in pool if f not in ctx.used] or pool
        if not fresh:
            return None
        f = _pick(fresh, ctx.rng)
        ctx.used.add(f)
        return f

    def _mention(self, w: _Writer, ctx: _Ctx, f: str, tag: str = "FEAT") -> None:
        w.add(feature_mention(f, ctx.schema, ctx.rng), tag)
        ctx.last_feature = f

    def _slot_feat(self, w: _Writer, ctx: _Ctx, kind: str = "any") -> None:
        f = self._feature(ctx, kind) or self._feature(ctx)
        if f is None:
            w.add("it")
            return
        self._mention(w, ctx, f)
        ctx.gold.setdefault("features", []).append(f)

    def _slot_feat2(self, w: _Writer, ctx: _Ctx) -> None:
        self._slot_feat(w, ctx)

    def _slot_numfeat(self, w: _Writer, ctx: _Ctx) -> None:
        self._slot_feat(w, ctx, "num")

    def _slot_catfeat(self, w: _Writer, ctx: _Ctx) -> None:
        self._slot_feat(w, ctx, "cat")

    def _slot_value_noun(self, w: _Writer, ctx: _Ctx) -> None:
        f = self._feature(ctx, "num") or self._feature(ctx)
        if f is not None:
            self._mention(w, ctx, f)

    def _slot_bool_noun(self, w: _Writer, ctx: _Ctx) -> None:
        f = self._feature(ctx, "bool")
        if f is None:
            self._slot_val(w, ctx)
            return
        w.add(_pick(["a ", "any ", "", ""], ctx.rng))
        self._mention(w, ctx, f)
        if ctx.op == "what_if":
            ctx.gold.setdefault("changes", []).append({"feature": f, "action": "set", "value": ctx.schema.booleans[f][0]})

    def _number_for(self, ctx: _Ctx, f: str | None) -> tuple[str, Any]:
        s, rng = ctx.schema, ctx.rng
        if f is not None and f in s.numeric and all(np.isfinite(s.numeric[f])):
            lo, hi = s.numeric[f]
            v = lo + (hi - lo) * float(rng.beta(1.3, 1.3))
            if f in s.integers or hi - lo > 20:
                v = int(round(v))
            else:
                v = round(v, 1 if hi - lo > 2 else 2)
        else:
            v = int(rng.integers(1, 100))
        return format_number(v, rng), v

    def _slot_num(self, w: _Writer, ctx: _Ctx) -> None:
        text, v = self._number_for(ctx, ctx.last_feature)
        w.add(text, "NUM")
        if ctx.op == "what_if" and ctx.last_feature and "changes" not in ctx.gold:
            ctx.gold["changes"] = [{"feature": ctx.last_feature, "action": "set", "value": v}]
        if ctx.op == "predict" and ctx.last_feature:  # "(my|our) {value_noun} is {num}"
            ctx.gold.setdefault("row", {})[ctx.last_feature] = v

    def _delta_for(self, ctx: _Ctx, f: str | None) -> tuple[str, Any]:
        """An amount to change a feature by: a fraction of its range."""
        s, rng = ctx.schema, ctx.rng
        lo, hi = s.numeric.get(f, (0.0, 100.0)) if f else (0.0, 100.0)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            lo, hi = 0.0, 100.0
        v = (hi - lo) * float(rng.uniform(0.03, 0.35))
        v = int(round(v)) if (f in s.integers or hi - lo > 20) else round(v, 2)
        v = v or 1
        return format_number(v, rng), v

    def _slot_delta(self, w: _Writer, ctx: _Ctx) -> None:
        text, v = self._delta_for(ctx, ctx.last_feature)
        w.add(text, "NUM")
        if ctx.op == "what_if" and ctx.last_feature:
            act = "decrease" if re.search(r"(?:decrease|lower|reduce|cut|drop) \S+ by $", w.text) else "increase"
            ctx.gold.setdefault("changes", []).append({"feature": ctx.last_feature, "action": act, "value": v})

    def _slot_num_feat(self, w: _Writer, ctx: _Ctx) -> None:
        """A number then the feature it counts ("2 dependents", "5,000 income")."""
        f = self._feature(ctx, "num")
        if f is None:
            self._slot_feat(w, ctx)
            return
        text, v = self._number_for(ctx, f)
        w.add(text, "NUM")
        w.add(" ")
        self._mention(w, ctx, f)
        if ctx.op == "what_if":
            ctx.gold.setdefault("changes", []).append({"feature": f, "action": "set", "value": v})

    def _slot_num2(self, w: _Writer, ctx: _Ctx) -> None:
        text, _ = self._number_for(ctx, ctx.last_feature)
        w.add(text, "NUM")

    def _value_text(self, ctx: _Ctx, f: str, value: str) -> str:
        """How people write a category value: as stored, split into words, plural, or a synonym."""
        rng = ctx.rng
        words = " ".join(split_words(value)) or value.lower()
        syn = [wd for vals, says in value_words() if words in vals or value.lower() in vals for wd in says]
        r = rng.random()
        if syn and r < 0.35:
            return _pick(sorted(syn), rng)
        if r < 0.55 and len(words) > 3 and words.isalpha():
            return words + ("s" if not words.endswith("s") else "")
        return words if rng.random() < 0.85 else value

    def _slot_val(self, w: _Writer, ctx: _Ctx) -> None:
        s = ctx.schema
        f = self._feature(ctx, "cat")
        if f is None:
            self._slot_feat(w, ctx)
            return
        value = _pick(s.values_of(f), ctx.rng)
        w.add(self._value_text(ctx, f, value), "VAL")
        ctx.gold.setdefault("features", []).append(f)
        if ctx.op == "what_if":
            ctx.gold.setdefault("changes", []).append({"feature": f, "action": "set", "value": value})

    def _slot_filter(self, w: _Writer, ctx: _Ctx) -> None:
        for flt in self._filter(w, ctx):
            ctx.gold.setdefault("filters", []).append(flt)

    def _slot_filters(self, w: _Writer, ctx: _Ctx) -> None:
        n = 1 if ctx.rng.random() < 0.6 else 2 if ctx.rng.random() < 0.8 else 3
        for i in range(n):
            if i:
                w.add(_pick([" and ", " with ", ", ", " and ", " who are ", " and also "], ctx.rng))
            self._slot_filter(w, ctx)

    def _filter(self, w: _Writer, ctx: _Ctx, group: bool = False) -> list[dict]:
        s, rng = ctx.schema, ctx.rng
        kinds = []
        if any(f in s.numeric and f not in s.booleans for f in s.linkable()):
            kinds += ["num"] * 5
        if any(f in s.families or (f in s.categories and f not in s.booleans) for f in s.linkable()):
            kinds += ["cat"] * 4
        if any(f in s.booleans and f not in s.families for f in s.linkable()):
            kinds += ["bool"] * 4
        if not kinds:
            w.add(ctx.subjs)
            return []
        kind = _pick(kinds, rng)
        if kind == "num":
            return self._num_filter(w, ctx)
        if kind == "bool":
            return self._bool_filter(w, ctx)
        return self._cat_filter(w, ctx)

    def _num_filter(self, w: _Writer, ctx: _Ctx) -> list[dict]:
        rng, s = ctx.rng, ctx.schema
        f = self._feature(ctx, "num")
        assert f is not None
        text, v = self._number_for(ctx, f)
        cmp = _pick([">", ">", "<", "<", ">=", "<=", "==", "between"], rng)
        phrase = _pick(COMPARE_WORDS[cmp], rng)
        concepts = concept_keys_for(f, s)
        if cmp == "between":
            text2, v2 = self._number_for(ctx, f)
            (text, v), (text2, v2) = sorted([(text, v), (text2, v2)], key=lambda p: p[1])
            lead = _pick(["with ", "whose ", "where ", "", "that have "], rng)
            w.add(lead)
            self._mention(w, ctx, f)
            w.add(" " + _pick(["is ", "", "was "], rng) if lead == "whose " else " ")
            w.add(phrase, "CMP")
            w.add(" ")
            w.add(text, "NUM")
            w.add(_pick([" and ", " to ", " - "], rng))
            w.add(text2, "NUM")
            return [{"feature": f, "cmp": ">=", "value": v}, {"feature": f, "cmp": "<=", "value": v2}]
        r = rng.random()
        if "year" in split_words(f) and r < 0.4 and isinstance(v, int):
            # "arrested in 2000", "since 1998", "before 2010"
            word, cmp = _pick([("in", "=="), ("since", ">="), ("before", "<"), ("after", ">"), ("from", "==")], rng)
            w.add(_pick(["", "that were ", "who were "], rng) + word + " ")
            w.add(text, "NUM")
            return [{"feature": f, "cmp": cmp, "value": v}]
        if "age" in concepts and cmp in (">", "<") and r < 0.35:
            # "older than 60", "over 60" (of people): the comparison names the age itself
            w.add(_pick(["older than", "over", "above", "aged over"] if cmp == ">" else
                        ["younger than", "under", "below", "aged under"], rng), "CMP")
            w.add(" ")
            w.add(text, "NUM")
            return [{"feature": f, "cmp": cmp, "value": v}]
        if r < 0.55:
            w.add(_pick(["with ", "whose ", "where ", "", "that have ", "having "], rng))
            self._mention(w, ctx, f)
            w.add(_pick([" ", " is ", " of "], rng) if cmp != "==" else _pick([" of ", " = ", " is ", " "], rng))
            if cmp != "==" or rng.random() < 0.3:
                w.add(phrase, "CMP")
                w.add(" ")
            w.add(text, "NUM")
        elif r < 0.8 and cmp in (">", "<", ">=", "<="):
            # "more than 3 children", "5,000 or more income"
            if cmp in (">", "<"):
                w.add(_pick(["with ", "that have ", ""], rng) + "")
                w.add(phrase, "CMP")
                w.add(" ")
                w.add(text, "NUM")
                w.add(" ")
                self._mention(w, ctx, f)
            else:
                w.add(_pick(["with ", "that have ", ""], rng))
                w.add(text, "NUM")
                w.add(" ")
                w.add(_pick(["or more", "or above", "+"] if cmp == ">=" else ["or less", "or fewer", "or below"], rng), "CMP")
                w.add(" ")
                self._mention(w, ctx, f)
        else:
            verb = _concept_verb(concepts, rng)
            if verb:  # "earning over 5,000", "who borrowed less than 2000"
                w.add(_pick(["", "who are ", "who "], rng))
                w.add(verb, "FEAT")
                ctx.last_feature = f
            else:
                w.add(_pick(["with ", "whose ", ""], rng))
                self._mention(w, ctx, f)
            w.add(" ")
            if cmp == "==":
                w.add(_pick(["of ", "= ", "exactly ", ""], rng))
            else:
                w.add(phrase, "CMP")
                w.add(" ")
            w.add(text, "NUM")
        return [{"feature": f, "cmp": cmp, "value": v}]

    def _cat_filter(self, w: _Writer, ctx: _Ctx) -> list[dict]:
        rng, s = ctx.rng, ctx.schema
        f = self._feature(ctx, "cat")
        assert f is not None
        value = _pick(s.values_of(f), rng)
        vtext = self._value_text(ctx, f, value)
        neg = rng.random() < 0.15
        r = rng.random()
        if r < 0.45:  # "renters", "married applicants", "non-renters", "2nd class passengers"
            if neg:
                w.add(_pick(["non-", "non ", "not "], rng), "NEG")
            w.add(vtext, "VAL")
            if rng.random() < 0.25:
                w.add(" ")
                self._mention(w, ctx, f)
            if rng.random() < 0.4:
                w.add(" " + ctx.subjs)
        elif r < 0.75:  # "with purpose new car", "whose home is rent"
            w.add(_pick(["with ", "whose ", "where ", ""], rng))
            self._mention(w, ctx, f)
            w.add(_pick([" ", " is ", " = ", " of "], rng))
            if neg:
                w.add(_pick(["not ", "other than "], rng), "NEG")
            w.add(vtext, "VAL")
        else:  # "who are married", "in rural areas", "from the city"
            w.add(_pick(["who are ", "that are ", "in ", "from ", "who have ", "with "], rng))
            if neg:
                w.add("not ", "NEG")
            w.add(vtext, "VAL")
        return [{"feature": f, "cmp": "!=" if neg else "==", "value": value}]

    def _bool_filter(self, w: _Writer, ctx: _Ctx) -> list[dict]:
        rng, s = ctx.rng, ctx.schema
        f = self._feature(ctx, "bool")
        assert f is not None
        no, yes = s.booleans[f]
        neg = rng.random() < 0.4
        r = rng.random()
        if r < 0.5:
            if neg:  # "without a job", "with no kids", "that don't have a car"
                lead, word, tail = _pick([("", "without", " "), ("with ", "no", " "), ("who have ", "no", " "),
                                          ("that ", "don't", " have "), ("", "no", " ")], rng)
                w.add(lead)
                w.add(word, "NEG")
                w.add(tail)
            else:
                w.add(_pick(["with ", "who have ", "that have ", "having ", "with a "], rng))
            self._mention(w, ctx, f)
        else:
            if neg:
                w.add(_pick(["non-", "non ", "not "], rng), "NEG")
            w.add(boolean_value_text(f, s, rng), "VAL")
            ctx.last_feature = f
            if rng.random() < 0.3:
                w.add(" " + ctx.subjs)
        return [{"feature": f, "cmp": "==", "value": no if neg else yes}]

    # ---- slots: groups (compare), changes (what-if), values (new rows) -------------------

    def _slot_group(self, w: _Writer, ctx: _Ctx) -> None:
        s, rng = ctx.schema, ctx.rng
        first = ctx.gold.get("groups")
        if first and first[0]:
            f0 = first[0][0]["feature"]
            if f0 in s.families or f0 in s.categories:
                values = [v for v in s.values_of(f0) if v != first[0][0]["value"]]
                if values:
                    value = _pick(values, rng)
                    w.add(self._value_text(ctx, f0, value), "VAL")
                    if rng.random() < 0.5:
                        w.add(" " + ctx.subjs)
                    ctx.gold["groups"].append([{"feature": f0, "cmp": "==", "value": value}])
                    return
            if f0 in s.booleans:
                w.add(_pick(["non-", "not ", "non "], rng), "NEG")
                self._mention(w, ctx, f0, "VAL")
                ctx.gold["groups"].append([{"feature": f0, "cmp": "==", "value": s.booleans[f0][0]}])
                return
        flts = self._filter(w, ctx, group=True)
        if rng.random() < 0.3 and flts and flts[0]["feature"] in s.categories:
            w.add(" " + ctx.subjs)
        ctx.gold.setdefault("groups", []).append(flts)

    def _slot_group2(self, w: _Writer, ctx: _Ctx) -> None:
        self._slot_group(w, ctx)

    def _change(self, w: _Writer, ctx: _Ctx, verb_form: bool = False) -> None:
        s, rng = ctx.schema, ctx.rng
        kinds = []
        if any(f in s.numeric and f not in s.booleans for f in s.linkable()):
            kinds += ["num"] * 6
        if any(f in s.families or (f in s.categories and f not in s.booleans) for f in s.linkable()):
            kinds += ["cat"] * 3
        if any(f in s.booleans and f not in s.families for f in s.linkable()):
            kinds += ["bool"] * 2
        if not kinds:
            w.add("it changed")
            return
        kind = _pick(kinds, rng)
        change: dict[str, Any]
        if kind == "num":
            f = self._feature(ctx, "num")
            text, v = self._number_for(ctx, f)
            dtext, dv = self._delta_for(ctx, f)
            act = _pick(["set"] * 5 + ["increase"] * 2 + ["decrease"] * 2 + ["double", "halve", "zero", "more", "less"], rng)
            concepts = concept_keys_for(f, s)
            lead = "" if verb_form else _pick([ctx.poss + " ", "the ", "", ""], rng)
            if act == "set":
                verb = _concept_verb(concepts, rng) if verb_form or rng.random() < 0.3 else None
                if verb and verb_form:
                    w.add(verb.rstrip("s") if verb.endswith("ing") else verb, "FEAT")
                    ctx.last_feature = f
                    w.add(" ")
                    w.add(text, "NUM")
                elif verb_form:
                    w.add(_pick(["had ", "had a ", "'s "], rng))
                    self._mention(w, ctx, f)
                    w.add(_pick([" of ", " of ", " = ", " was "], rng))
                    w.add(text, "NUM")
                else:
                    w.add(lead)
                    self._mention(w, ctx, f)
                    w.add(" ")
                    w.add(_pick(["was", "were", "is", "=", "of", "changed to", "set to", "became", "went to"], rng), "ACT")
                    w.add(" ")
                    w.add(text, "NUM")
                change = {"feature": f, "action": "set", "value": v}
            elif act in ("increase", "decrease"):
                text, v = dtext, dv
                if verb_form:
                    w.add(_pick(["had ", "got "], rng))
                    w.add(text, "NUM")
                    w.add(" ")
                    w.add("more" if act == "increase" else _pick(["less", "fewer"], rng), "ACT")
                    w.add(" ")
                    self._mention(w, ctx, f)
                elif "age" in concepts and rng.random() < 0.5:
                    w.add(ctx.pron + " " + _pick(["was", "were", "is"], rng) + " ")
                    w.add(text, "NUM")
                    w.add(" years ")
                    w.add("older" if act == "increase" else "younger", "ACT")
                else:
                    w.add(lead)
                    self._mention(w, ctx, f)
                    w.add(" ")
                    w.add(_pick(["went up by", "increased by", "rose by", "was higher by", "grew by"] if act == "increase"
                                else ["went down by", "decreased by", "dropped by", "fell by", "was lower by"], rng), "ACT")
                    w.add(" ")
                    w.add(text, "NUM")
                change = {"feature": f, "action": act, "value": v}
            elif act in ("double", "halve"):
                w.add(lead)
                self._mention(w, ctx, f)
                w.add(" ")
                w.add(_pick(["doubled", "was doubled", "were twice as high"] if act == "double" else
                            ["halved", "was halved", "were half as much"], rng), "ACT")
                change = {"feature": f, "action": "increase" if act == "double" else "decrease",
                          "factor": 2 if act == "double" else 0.5}
            elif act == "zero":
                w.add(ctx.pron + " " + _pick(["had ", "owed "], rng))
                w.add("no", "NEG")
                w.add(" ")
                self._mention(w, ctx, f)
                change = {"feature": f, "action": "set", "value": 0}
            else:
                w.add(ctx.pron + " " + _pick(["had", "got", "earned", "owed"], rng) + " ")
                w.add(act if rng.random() < 0.6 else ("higher" if act == "more" else "lower"), "ACT")
                w.add(" ")
                self._mention(w, ctx, f)
                change = {"feature": f, "action": "increase" if act == "more" else "decrease"}
        elif kind == "cat":
            f = self._feature(ctx, "cat")
            value = _pick(s.values_of(f), rng)
            vtext = self._value_text(ctx, f, value)
            r = rng.random()
            if r < 0.4:
                w.add(("" if verb_form else ctx.pron + " ") + _pick(["was ", "were ", "had been ", "lived in ", "was a "], rng))
                w.add(vtext, "VAL")
            else:
                w.add("" if verb_form else _pick([ctx.poss + " ", "the ", ""], rng))
                if verb_form:
                    w.add(_pick(["had ", "'s "], rng))
                self._mention(w, ctx, f)
                w.add(" ")
                w.add(_pick(["was", "were", "changed to", "set to", "is", "="], rng), "ACT")
                w.add(" ")
                w.add(vtext, "VAL")
            change = {"feature": f, "action": "set", "value": value}
        else:
            f = self._feature(ctx, "bool")
            no, yes = s.booleans[f]
            neg = rng.random() < 0.45
            r = rng.random()
            subject = "" if verb_form else ctx.pron + " "
            if r < 0.5:
                w.add(subject + _pick(["had ", "got ", "has "], rng) if not neg else subject)
                if neg:
                    w.add(_pick(["had no", "didn't have", "did not have", "had no", "lost"], rng), "NEG")
                    w.add(" ")
                self._mention(w, ctx, f)
            else:
                w.add(subject + _pick(["was ", "were ", "became "], rng) if not neg else subject)
                if neg:
                    w.add(_pick(["was not", "wasn't", "weren't", "was not a", "was no longer"], rng), "NEG")
                    w.add(" ")
                self._mention(w, ctx, f, "VAL")
            change = {"feature": f, "action": "set", "value": no if neg else yes}
        ctx.gold.setdefault("changes", []).append(change)

    def _slot_change(self, w: _Writer, ctx: _Ctx) -> None:
        self._change(w, ctx)

    def _slot_change2(self, w: _Writer, ctx: _Ctx) -> None:
        self._change(w, ctx)

    def _slot_change_verb(self, w: _Writer, ctx: _Ctx) -> None:
        self._change(w, ctx, verb_form=True)

    def _slot_value(self, w: _Writer, ctx: _Ctx) -> None:
        """A value of a new applicant: "earning 5,800", "married", "aged 40", "with no kids"."""
        s, rng = ctx.schema, ctx.rng
        f = self._feature(ctx)
        if f is None:
            return
        row = ctx.gold.setdefault("row", {})
        if f in s.booleans and f not in s.families:
            no, yes = s.booleans[f]
            neg = rng.random() < 0.4
            if neg:
                w.add(_pick(["no", "without", "not", "non-"], rng), "NEG")
                w.add(" " if not w.parts[-1].endswith("-") else "")
            else:
                w.add(_pick(["with ", "", "has "], rng))
            self._mention(w, ctx, f, "VAL" if rng.random() < 0.5 else "FEAT")
            row[f] = no if neg else yes
        elif f in s.families or f in s.categories:
            value = _pick(s.values_of(f), rng)
            if rng.random() < 0.6:
                w.add(self._value_text(ctx, f, value), "VAL")
            else:
                w.add(_pick(["with ", "", "whose "], rng))
                self._mention(w, ctx, f)
                w.add(_pick([" ", " is ", " of "], rng))
                w.add(self._value_text(ctx, f, value), "VAL")
            row[f] = value
        else:
            text, v = self._number_for(ctx, f)
            verb = _concept_verb(concept_keys_for(f, s), rng)
            r = rng.random()
            if verb and r < 0.4:
                w.add(verb, "FEAT")
                w.add(" ")
                w.add(text, "NUM")
            elif r < 0.75:
                w.add(_pick(["with ", "", "with a "], rng))
                self._mention(w, ctx, f)
                w.add(_pick([" of ", " ", " = ", " at "], rng))
                w.add(text, "NUM")
            else:
                w.add(_pick(["with ", ""], rng))
                w.add(text, "NUM")
                w.add(" ")
                self._mention(w, ctx, f)
            ctx.last_feature = f
            row[f] = v


COMPARE_WORDS = {
    ">": ["more than", "over", "above", "greater than", "higher than", "bigger than", "exceeding", ">", "larger than"],
    "<": ["less than", "under", "below", "lower than", "smaller than", "fewer than", "<", "beneath"],
    ">=": ["at least", "no less than", ">=", "minimum"],
    "<=": ["at most", "no more than", "up to", "<=", "maximum"],
    "==": ["equal to", "exactly", "=", "of"],
    "between": ["between", "from"],
}


def format_number(v: Any, rng: np.random.Generator) -> str:
    """A number the ways people type it: 5000, 5,000, 5k, 5.5."""
    if isinstance(v, float) and not float(v).is_integer():
        return f"{v:g}"
    v = int(v)
    r = rng.random()
    if abs(v) >= 1000 and v % 1000 == 0 and r < 0.3:
        return f"{v // 1000}k"
    if abs(v) >= 1000 and r < 0.65:
        return f"{v:,}"
    if 0 < v <= 10 and r < 0.1:
        return ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"][v]
    return str(v)


def boolean_value_text(f: str, schema: ChatSchema, rng: np.random.Generator) -> str:
    """A yes/no feature named as the group it makes: "students", "smokers", "foreign workers"."""
    words = [w for w in split_words(f) if w not in ("is", "has", "have", "was", "num", "flag")] or split_words(f)
    base = " ".join(words)
    concept = [w for c in lexicon()["concepts"] if set(words) & set(c["keys"]) for w in c["words"]
               if w.endswith(("ers", "ents", "ens", "ors"))]
    if concept and rng.random() < 0.5:
        return _pick(sorted(concept), rng)
    if rng.random() < 0.3:
        return base
    return base if base.endswith("s") else base + "s"


def concept_keys_for(feature: str, schema: ChatSchema) -> list[str]:
    """The lexicon concepts a feature belongs to, by its name's words and its description."""
    words = set(split_words(feature)) | set(re.findall(r"[a-z]+", schema.descriptions.get(feature, "").lower()))
    out = []
    for c in lexicon()["concepts"]:
        if words & set(c["keys"]):
            out.append(c["keys"][0])
    return out


def _concept_verb(concepts: list[str], rng: np.random.Generator) -> str | None:
    """An everyday verb for a concept ("earning" for income), or None."""
    verbs = {"income": ["earning", "earns", "making", "who earn", "paid"], "amount": ["borrowing", "asking for", "asking",
             "who borrowed", "requesting"], "debt": ["owing", "who owe"], "weight": ["weighing", "who weigh"],
             "age": ["aged"], "height": ["standing"], "expenses": ["spending", "who spend"]}
    options = [v for c in concepts for v in verbs.get(c, [])]
    return _pick(options, rng) if options else None


def feature_mention(f: str, schema: ChatSchema, rng: np.random.Generator) -> str:
    """One way a user names a feature: as written, in words, one word of it, its description, an
    everyday word for it, or misspelt."""
    words = split_words(f) or [f.lower()]
    if words and words[0] in ("is", "has", "have", "num", "n", "no") and len(words) > 1:
        words = words[1:]
    forms: list[tuple[float, str]] = [(0.2, f), (0.4, " ".join(words))]
    distinct = [w for w in words if len(w) >= 3 and w not in GENERIC]
    if len(words) > 1 and distinct:
        forms.append((0.15, distinct[-1]))
    desc = schema.descriptions.get(f, "")
    if desc:
        short = " ".join(re.findall(r"[a-z']+", desc.lower())[:int(rng.integers(2, 5))])
        if short:
            forms.append((0.12, short))
    concepts = [w for c in lexicon()["concepts"] if set(words) & set(c["keys"]) for w in c["words"] if " " not in w]
    if concepts:
        forms.append((0.08, _pick(sorted(concepts), rng)))
    total = sum(p for p, _ in forms)
    r, acc = rng.random() * total, 0.0
    choice = forms[-1][1]
    for p, text in forms:
        acc += p
        if r <= acc:
            choice = text
            break
    if rng.random() < 0.08 and len(choice) >= 5:
        choice = _typo(choice, rng)
    return choice


GENERIC = {"years", "year", "months", "month", "days", "day", "number", "count", "rate", "total", "type", "status",
           "code", "flag", "level", "the", "and", "per", "num", "value", "amount", "score", "index", "of", "in"}


def _typo(word: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(1, max(2, len(word) - 1)))
    r = rng.random()
    if r < 0.35:
        return word[:i] + word[i + 1:]
    if r < 0.7 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def _typo_untagged(text: str, spans: list, rng: np.random.Generator) -> str:
    """A typo in one untagged word of four letters or more (the same length, so spans stay put)."""
    taken = [(a, b) for a, b, _ in spans]
    cands = [m for m in re.finditer(r"[a-z]{4,}", text) if all(m.end() <= a or m.start() >= b for a, b in taken)]
    if not cands:
        return text
    m = _pick(cands, rng)
    w = m.group()
    i = int(rng.integers(1, len(w) - 1))
    swapped = w[:i] + w[i + 1] + w[i] + w[i + 2:] if i + 1 < len(w) else w
    return text[:m.start()] + swapped + text[m.end():]


@functools.lru_cache(maxsize=4096)
def _outcome_words(classes: tuple[str, ...], target: str | None) -> dict[str, list[str]]:
    """For each class, the lexicon's outcome words that resolve to it on this schema."""
    schema = ChatSchema([], classes=list(classes), target=target)
    o = lexicon()["outcomes"]
    out: dict[str, list[str]] = {}
    for word in sorted(set(o["desirable"]) | set(o["undesirable"]) | set(o["event"]) | set(o["no_event"])):
        if word in ("yes", "no", "1", "0", "true", "false") or len(word) < 3:
            continue
        c = resolve(word, schema)
        if c is not None:
            out.setdefault(c, []).append(word)
    return out


# ---- the corpus -------------------------------------------------------------------------------

COMPOUND_JOINS = [" and ", ", and ", "? ", ". ", " and also ", " - ", ", then ", " and then ", "? and "]
NO_COMPOUND = {"help", "describe_model", "describe_data"}


def is_held_out(index: int) -> bool:
    """Every 8th template of a section is kept for validation only."""
    return index % 8 == 7


def generate(schemas: list, per_section: int, seed: int = 0, held_out: bool = False,
             compound_share: float = 0.12) -> list[Example]:
    """``per_section`` examples for every operation and special section, over ``schemas`` (a list
    of ``PoolSchema``); ``held_out``: only the held-out templates (for validation), else the rest."""
    gen = Generator(seed)
    rng = gen.rng
    tpl = templates()
    out: list[Example] = []
    usable = {sec: [t for i, t in enumerate(ts) if is_held_out(i) == held_out] for sec, ts in tpl.items()}
    sections = [s for s in usable if usable[s]]
    counts = {s: per_section if s not in ("off_topic", "none") else per_section // 2 for s in sections}
    for sec in sections:
        for _ in range(counts[sec]):
            ps = _pick(schemas, rng)
            ex = gen.fill(_pick(usable[sec], rng), sec, ps.schema)
            ex.schema = ps.key
            out.append(gen.noisy(ex))
    ops = [s for s in sections if s in registry.names() and s not in NO_COMPOUND]
    for _ in range(int(len(out) * compound_share)):
        ps = _pick(schemas, rng)
        a, b = (str(x) for x in rng.choice(ops, 2, replace=False))
        first = gen.fill(_pick(usable[a], rng), a, ps.schema)
        second = gen.fill(_pick(usable[b], rng), b, ps.schema, second=True)
        out.append(gen.noisy(join(first, second, _pick(COMPOUND_JOINS, rng), ps.key)))
    rng.shuffle(out)
    return out


def join(a: Example, b: Example, sep: str, key: str = "") -> Example:
    """Two questions asked at once ("why was 100 denied and what could change it?")."""
    first = a.text.rstrip(" ?.!")
    off = len(first) + len(sep)
    text = first + sep + b.text
    spans = list(a.spans) + [(x + off, y + off, t) for x, y, t in b.spans]
    gold = dict(a.gold)
    for k, v in b.gold.items():
        if isinstance(v, list):
            gold[k] = list(gold.get(k, [])) + [x for x in v if x not in gold.get(k, [])]
        else:
            gold.setdefault(k, v)
    ops = [str(o) for o in dict.fromkeys(a.ops + b.ops)]
    return Example(text, spans, ops, {"new_row": False, "correction": False}, gold, "compound", key,
                   a.template + " || " + b.template)


def bank_examples(held_out: bool = False) -> list[Example]:
    """The example bank's phrasings (operation labels only: their words are not tagged)."""
    train, held = registry.split_phrasings()
    chosen = held if held_out else train
    return [Example(q, [], [op], {"new_row": False, "correction": False}, {}, "bank", "bank", "")
            for op, qs in chosen.items() for q in qs]


@functools.lru_cache(maxsize=1)
def bank_words() -> frozenset[str]:
    """Every word the example bank and the corpus templates ask with ("increase", "income"): the
    words of questions themselves, never taken for a stranger's column cut short."""
    texts = [q for qs in registry.phrasings().values() for q in qs] + [t for ts in templates().values() for t in ts]
    return frozenset(w for q in texts for w in re.findall(r"[a-z']+", q.lower()))
