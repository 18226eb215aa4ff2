"""Per-record lookup tables: every phrase that names something in one record, built once per record
and reused for every sentence checked against it."""

from __future__ import annotations

import re
from typing import Any

from ..facts import GENERIC_NAME_WORDS, Facts, facts_for
from ..vocabulary import vocabulary, words_of
from .encoder import encoder
from .phrases import (
    STOPWORDS,
    action_table,
    base_glue,
    confidence_table,
    spellings,
    synonym_groups,
    unit_words,
)
from .tokens import Meaning
from .word_forms import MIN_FUZZY, form_table, one_edit, stem, variants

# Names of punctuation marks that a text's Shapley players can be ("the full stops pulled ...").
PUNCTUATION_NAMES = {".": ("full stop", "full stops", "period", "periods"), ",": ("comma", "commas"),
                     "!": ("exclamation mark", "exclamation marks", "exclamation point", "exclamation points"),
                     "?": ("question mark", "question marks"), ";": ("semicolon", "semicolons"),
                     ":": ("colon", "colons")}


IRREGULAR_NUMBER = {"women": "woman", "woman": "women", "men": "man", "man": "men", "children": "child",
                    "child": "children", "people": "person", "person": "people"}


def _number_forms(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The phrase with its last word in the other grammatical number ("women" -> "woman")."""
    *head, last = key
    forms = [IRREGULAR_NUMBER[last]] if last in IRREGULAR_NUMBER else []
    if last.isalpha() and len(last) > 3:
        forms.append(last[:-1] if last.endswith("s") else last + "s")
    return [(*head, f) for f in forms]


class RecordContext:
    """The phrases of one record (phrase -> meanings), its connecting words, and MiniLM resolution
    of wordings the tables do not hold."""

    def __init__(self, f: Facts):
        self.f = f
        self.phrases: dict[tuple[str, ...], list[Meaning]] = {}
        for label, aliases in f.labels.items():
            for a in aliases:
                self._add(a, Meaning("label", label=label))
        for key, bands in confidence_table().items():
            self.phrases.setdefault(key, []).append(Meaning("confidence", bands=bands))
        # A word that alone names a feature or region here is never a connecting word; words of
        # longer names ("top" in "top left") still are, the longer name being matched first.
        claimed_words: set[str] = set()
        self.word_players: dict[str, list[int]] = {}
        self.word_players_lower: dict[str, list[int]] = {}
        # Words of a text (its Shapley players, or the words a counterfactual changed) are matched
        # exactly as written, in quotes; features and regions through their names and aliases.
        words = f.input_kind == "text"
        for p in f.players:
            if words:
                self.word_players.setdefault(p.name, []).append(p.index)
                self.word_players_lower.setdefault(p.name.lower(), []).append(p.index)
                continue
            for a in p.aliases:
                self._add(a, Meaning("player", players=(p.index,)))
                if len(words_of(a)) == 1:
                    claimed_words.update(words_of(a))
            for phrase, value in p.category_phrases.items():
                self._add(phrase, Meaning("category", players=(p.index,), value=value))
        for aliases in f.labels.values():
            for a in aliases:
                if len(words_of(a)) == 1:
                    claimed_words.update(words_of(a))
        method = getattr(f.record, "method", None) or (f.record.get("method") if isinstance(f.record, dict) else None)
        unit = getattr(f, "unit", None)
        # The record's own unit names no feature ("log-odds", "points", "kg").
        glue = set(base_glue()) | set(words_of(str(method or ""))) | set(words_of(str(unit or ""))) | unit_words(unit)
        # The row's own name ("India 2005", "buick estate wagon") names the row, not a feature.
        row_id = (getattr(f.record, "input", None) or {}).get("row_id") if not f.is_change else None
        if isinstance(row_id, str):
            glue |= set(words_of(row_id))
        glue -= (claimed_words - STOPWORDS)
        if f.is_change and f.input_kind in ("text", "image"):
            glue |= set(action_table())
        self.glue = frozenset(glue | STOPWORDS)
        if f.is_change and f.input_kind == "image":
            # A region the record did not cover is a false claim, not an unknown word.
            covered = {p.name for p in f.players}
            for region, synonyms in vocabulary().get("regions", {}).items():
                for a in [region, *synonyms] if region not in covered else []:
                    key = tuple(words_of(a))
                    if key and key not in self.phrases:
                        self.phrases[key] = [Meaning("unchanged", value=region)]
        if words:
            lower: dict[str, list[int]] = {}
            for p in f.players:
                lower.setdefault(p.name.lower(), []).append(p.index)
            for w, idx in lower.items():
                key = tuple(words_of(w))
                if len(key) == 1 and key[0] not in self.glue:
                    self.phrases.setdefault(key, []).append(Meaning("player", players=tuple(idx)))
        if not words:
            self._category_values()
        else:
            self._punctuation_names()
        self._synonyms(with_players=not words)
        self.max_len = max((len(k) for k in self.phrases), default=1)
        self._alias_vectors = None
        self.forms = self._forms()
        self.name_forms, self.name_words = self._name_forms()

    def _category_values(self) -> None:
        """A feature's own category value names it ("the Americas" for continent=Americas, "Dream
        island"), when no other feature has that value and the words are not connecting words."""
        owners: dict[tuple[str, ...], set[int]] = {}
        for p in self.f.players:
            if p.numeric or p.value is None or isinstance(p.value, (bool, float, int)):
                continue
            # "Northridge_Heights" is also "Northridge Heights"
            for key in {tuple(words_of(str(p.value))), tuple(words_of(re.sub(r"[_]+", " ", str(p.value))))}:
                if key and not all(w in self.glue for w in key):
                    owners.setdefault(key, set()).add(p.index)
        for key, idx in owners.items():
            if len(idx) != 1:
                continue
            i = next(iter(idx))
            # The value in the singular or the plural too ("a woman" for gender=Women): even where
            # that form is a connecting word elsewhere, here it names the feature's value.
            for form in {key, *_number_forms(key)}:
                if form not in self.phrases:
                    self.phrases[form] = [Meaning("category", players=(i,), value=str(self.f.players[i].value))]

    def _synonyms(self, with_players: bool) -> None:
        """Other everyday words for a feature or class (``[synonyms]`` in prompts/verifier_words.toml):
        "publications" for mentor_articles' "articles", "mileage" for the predicted fuel economy.
        A group applies when its phrases name exactly one thing of the record, and adds only phrases
        that name nothing else here."""
        owners_of: dict[tuple[str, ...], set[tuple[str, object]]] = {}

        def own(key: tuple[str, ...], who: tuple[str, object]) -> None:
            if key:
                owners_of.setdefault(key, set()).add(who)

        # A word names one thing when it is a word of that thing's names only (the predicted
        # quantity's words are its own: "articles" of "articles published", not of mentor_articles).
        word_owners: dict[str, set[tuple[str, object]]] = {}
        label_words: set[str] = set()
        for label, aliases in self.f.labels.items():
            for a in aliases:
                key = tuple(words_of(a))
                own(key, ("label", label))
                # "the labour force" for the class "in the labour force"
                while key[:1] in (("in",), ("the",), ("a",), ("an",)):
                    key = key[1:]
                    own(key, ("label", label))
                for w in key:
                    if w not in self.glue:
                        word_owners.setdefault(w, set()).add(("label", label))
                        label_words.add(w)
        if with_players:
            for p in self.f.players:
                keys = {tuple(words_of(a)) for a in p.aliases}
                # The name's words without its numbers: "kids under" for kids_under_6.
                keys.add(tuple(w for w in re.split(r"[^a-z]+", p.name.lower()) if w))
                for key in keys:
                    own(key, ("player", p.index))
                    for w in key:
                        if w not in self.glue and w not in label_words:
                            word_owners.setdefault(w, set()).add(("player", p.index))
        # (a word names its one owner alone only where its singular or plural names no other: "page"
        # of characters_per_page beside a feature ``pages`` names neither)
        by_stem: dict[str, set] = {}
        for w, who in word_owners.items():
            by_stem.setdefault(_bare(w), set()).update(who)
        for w, who in word_owners.items():
            if len(who) == 1 and len(w) > 2 and len(by_stem[_bare(w)]) == 1:
                own((w,), next(iter(who)))
        unit = set(words_of(str(getattr(self.f, "unit", "") or "")))
        for group in synonym_groups():
            keys = [tuple(words_of(m)) for m in group]
            if unit and any(len(k) == 1 and k[0] in unit for k in keys):
                # Other words for the record's unit ("publications" for "articles") name no feature.
                self.glue = self.glue | {k[0] for k in keys if len(k) == 1}
                continue
            found = set().union(*(owners_of.get(k, set()) for k in keys))
            if len(found) != 1:
                continue
            kind, what = next(iter(found))
            meaning = Meaning("player", players=(what,)) if kind == "player" else Meaning("label", label=what)
            for key in keys:
                if key and key not in self.phrases and not all(w in STOPWORDS for w in key):
                    self.phrases[key] = [meaning]

    def _punctuation_names(self) -> None:
        """Words of a text named by what they are: "the full stops", "the commas"."""
        for p in self.f.players:
            for name in PUNCTUATION_NAMES.get(p.name.strip(), ()):
                self.phrases.setdefault(tuple(words_of(name)), [Meaning("player", players=())])
                old = self.phrases[tuple(words_of(name))][0]
                self.phrases[tuple(words_of(name))] = [Meaning("player", players=(*old.players, p.index))]

    def _forms(self) -> dict[str, object]:
        """stem -> the Meaning another form of a record's word has, or "glue" for the unit's words
        (word_forms.py)."""
        entries: list[tuple[str, object]] = []
        for key, meanings in self.phrases.items():
            if len(key) == 1 and meanings and meanings[0].kind in ("label", "player", "category") \
                    and key[0] not in self.glue:
                entries.append((key[0], meanings[0]))
        for w in words_of(str(getattr(self.f, "unit", "") or "")):
            entries.append((w, "glue"))
        return form_table(entries)

    def _name_forms(self) -> tuple[dict[str, object], dict[str, object]]:
        """The record's one-word names with the words of each feature's name and its description's
        head noun ("hip" of hip_girth): stem -> Meaning, and word -> Meaning for spelling
        matches. A word two features share ("girth") names neither."""
        entries: list[tuple[str, object]] = []
        for key, meanings in self.phrases.items():
            if len(key) == 1 and meanings and meanings[0].kind in ("label", "player", "category") \
                    and key[0] not in self.glue:
                entries.append((key[0], meanings[0]))
        if self.f.input_kind != "text":
            for p in self.f.players:
                words = set(re.split(r"[^a-z]+", p.name.lower())) | set(words_of(p.noun)[-1:])
                for w in words:
                    if len(w) > 2 and w not in self.glue and w not in GENERIC_NAME_WORDS:
                        entries.append((w, Meaning("player", players=(p.index,))))
        owners: dict[str, set] = {}
        for w, m in entries:
            owners.setdefault(w, set()).add(m)
        self.shared_words = {w: {i for m in ms for i in getattr(m, "players", ())} for w, ms in owners.items()
                             if len(ms) > 1}
        whole = {w: next(iter(ms)) for w, ms in owners.items() if len(ms) == 1}
        return form_table(entries), whole

    def word_form(self, word: str) -> object | None:
        """What a word left over names as another form of a record's word: its stem ("insurance"
        for "insured"), a plural, a British spelling or a doubled consonant ("hips", "storey",
        "preferred"), or one letter apart in a long word ("neighbourhood"); only where exactly one
        thing of the record fits (word_forms.py). "glue" for the unit's words, else None."""
        form = self.forms.get(stem(word))
        if form is not None:
            return form
        found = {self.name_forms[stem(v)] for v in variants(word, spellings()) if stem(v) in self.name_forms}
        found |= {self.name_words[v] for v in variants(word, spellings()) if v in self.name_words}
        if not found and len(word) >= MIN_FUZZY:
            found = {m for w, m in self.name_words.items() if one_edit(word.lower(), w)}
        return next(iter(found)) if len(found) == 1 else None

    def compound_form(self, first: str, second: str) -> object | None:
        """A one-word column name said as two words: "lot size" for lotsize, "air conditioning" for
        aircon (the first word whole, the second's first letters, at least three of them)."""
        a, b = first.lower(), second.lower()
        found = set()
        if len(a) < 3:
            return None
        for w, m in self.name_words.items():
            if getattr(m, "kind", "") != "player" or not w.startswith(a) or len(w) - len(a) < 3:
                continue
            rest = w[len(a):]
            if b.startswith(rest) or rest in variants(b, spellings()):
                found.add(m)
        return next(iter(found)) if len(found) == 1 else None

    def _add(self, phrase: str, meaning: Meaning) -> None:
        key = tuple(words_of(phrase))
        if key:
            self.phrases.setdefault(key, []).append(meaning)

    # MiniLM resolution of wordings the vocabulary does not list.
    def _sims(self, text: str):
        if self.f.input_kind != "tabular" or not self.f.players:
            return None
        enc = encoder()
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


_CONTEXTS: dict[int, tuple[Any, RecordContext]] = {}


def context(record: Any, descriptions: dict[str, str] | None = None) -> RecordContext:
    """The per-record tables (cached for the last few records, by identity)."""
    if isinstance(record, Facts):
        return RecordContext(record)
    hit = _CONTEXTS.get(id(record))
    if hit is not None and hit[0] is record:
        return hit[1]
    ctx = RecordContext(facts_for(record, descriptions))
    if len(_CONTEXTS) > 32:
        _CONTEXTS.clear()
    _CONTEXTS[id(record)] = (record, ctx)
    return ctx


def _bare(word: str) -> str:
    """A word without a plural's s ("pages" -> "page"), to find two names holding one word."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
