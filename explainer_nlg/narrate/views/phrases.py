"""Wording shared by the data-level narrations: the templates file, figures as text, conditions.

>>> from explainer_nlg.evidence.rules import Condition
>>> condition_words(Condition("Income", "between", [80, 120.5])), condition_words(Condition("Home", "in", ["owner", "rent"]))
('Income above 80 and at most 120.5', 'Home owner or rent')
>>> pct(0.9724), points(-0.0312), count(3241)
('97.2%', '-3.1', '3,241')
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from typing import Any

from ...prompt_files import load_prompt_file
from ..facts import fmt_number, quote, tabular_player
from ..templates import TemplateSentence, join_list
from ..vocabulary import fixed_words


def view_templates() -> dict:
    """The data-level templates and cue words (``prompts/view_templates.toml``)."""
    return load_prompt_file("view_templates.toml")


@functools.cache
def template_words() -> frozenset[str]:
    """Every word in the fixed text of the view templates (placeholders and cues removed)."""
    return frozenset(fixed_words(view_templates(), skip=("cues",)))


def pct(p: float | None) -> str:
    return "unknown" if p is None else f"{p * 100:.1f}%"


def points(x: float) -> str:
    """Percentage points, one decimal, signed only when negative (a gap is a size)."""
    return f"{x * 100:.1f}"


def signed_points(x: float) -> str:
    return f"{x * 100:+.1f}"


def singular(noun: str) -> str:
    """One of what the rows are called: "applicants" -> "applicant".

    >>> singular("applicants"), singular("stores"), singular("people"), singular("companies"), singular("staff")
    ('applicant', 'store', 'person', 'company', 'staff')
    >>> singular("women"), singular("Children"), singular("young men")
    ('woman', 'child', 'young man')
    >>> singular("businesses"), singular("boxes"), singular("diagnoses"), singular("business")
    ('business', 'box', 'diagnosis', 'business')
    """
    n = noun.strip()
    head, _, last = n.rpartition(" ")
    irregular = {"people": "person", "women": "woman", "men": "man", "children": "child", "persons": "person"}
    if last.lower() in irregular:
        return f"{head} {irregular[last.lower()]}".strip()
    if n.endswith("ies") and len(n) > 3:
        return n[:-3] + "y"
    if n.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return n[:-2]  # "businesses", "boxes", "churches"
    if n.endswith("ses") and n[:-3].endswith(("ly", "gno", "the", "cri")):
        return n[:-3] + "sis"  # "analyses", "diagnoses", "crises"
    if n.endswith("s") and not n.endswith(("ss", "is", "us")):
        return n[:-1]
    return n


# Nouns that are already plural without an "s", or that have none ("staff", "data").
PLURAL_AS_IS = {"people", "women", "men", "children", "staff", "data", "police", "cattle", "sheep", "fish",
                "deer", "series", "species", "personnel", "folk", "youth", "clergy"}


def plural(noun: str) -> str:
    """Many of a thing, where a singular was given: "patient" -> "patients"; plurals stay.

    >>> plural("patient"), plural("patients"), plural("company"), plural("business"), plural("people")
    ('patients', 'patients', 'companies', 'businesses', 'people')
    >>> plural("loan applicant"), plural("woman"), plural("boy"), plural("staff")
    ('loan applicants', 'women', 'boys', 'staff')
    >>> plural("diagnosis"), plural("box"), plural("church")
    ('diagnoses', 'boxes', 'churches')
    """
    n = noun.strip()
    head, _, last = n.rpartition(" ")
    low = last.lower()
    irregular = {"person": "people", "woman": "women", "man": "men", "child": "children"}
    if low in irregular:
        return f"{head} {irregular[low]}".strip()
    if low in PLURAL_AS_IS or (low.endswith("s") and not low.endswith(("ss", "us", "is"))):
        return n
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return n[:-1] + "ies"
    if low.endswith("is") and len(low) > 3:
        return n[:-2] + "es"  # "diagnosis", "analysis"
    if low.endswith(("ss", "sh", "ch", "x", "z", "us")):
        return n + "es"
    return n + "s"


def count(n: int) -> str:
    return f"{int(n):,}"


def value(v: Any) -> str:
    return fmt_number(v)


def label(c: str) -> str:
    return quote(str(c))


def noun(feature: str, descriptions: dict[str, str] | None) -> str:
    """How running text names a feature (the vocabulary's noun, else its description or name)."""
    return tabular_player(0, feature, None, None, descriptions).noun


def feature_names(feature: str, descriptions: dict[str, str] | None) -> list[str]:
    """Every wording that names ``feature``: its name, noun, description and synonyms."""
    p = tabular_player(0, feature, None, None, descriptions)
    return list(dict.fromkeys([feature, p.noun, *p.aliases]))


def condition_words(c: Any) -> str:
    """A rule condition in words ("Income above 120", "Home owner or rent")."""
    table = view_templates()["conditions"]
    v = c.value
    if c.op == "between":
        text = table["between"].format(feature=c.feature, low=value(v[0]), high=value(v[1]))
    elif c.op in ("in", "not in"):
        vals = [str(x) for x in v]
        joined = join_list(vals).replace(" and ", " or ") if c.op == "in" else join_list(vals).replace(" and ", ", ")
        text = table[c.op].format(feature=c.feature, values=joined)
    else:
        text = table[c.op].format(feature=c.feature, value=value(v) if v is not None else "")
    return table["or_missing"].format(condition=text) if c.or_missing else text


class Filler:
    """Picks a template variant per slot with a seed from the record, and fills it in."""

    def __init__(self, record: Any, audience: str, section: dict):
        data = record.to_dict() if hasattr(record, "to_dict") else record
        if isinstance(data, dict):
            # the variant never depends on what the rows are called, or how long it took
            data = {k: v for k, v in data.items() if k not in ("seconds", "row_noun")}
            if data.get("output_kind") == "classification":
                # keys added for regressors: a classifier's record keeps the wording it had before them
                for k in ("output_kind", "unit", "output_spread"):
                    data.pop(k, None)
        blob = json.dumps(data, sort_keys=True, default=str) + "|" + audience
        self.rng = random.Random(int.from_bytes(hashlib.sha256(blob.encode()).digest()[:8], "big"))
        self.section = section
        self.out: list[TemplateSentence] = []
        who = getattr(record, "row_noun", None) or "rows"
        self.names = {"who": who, "one": singular(who)}

    def add(self, slot: str, section: dict | None = None, **fill) -> None:
        variants = (section or self.section)[slot]
        choice = variants[self.rng.randrange(len(variants))]
        text = choice.format(**{**self.names, **fill})
        self.out.append(TemplateSentence(slot, text[:1].upper() + text[1:] if text[:1].islower() else text))
