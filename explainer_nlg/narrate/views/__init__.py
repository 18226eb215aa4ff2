"""Narration and verification of the data-level records: feature effects, group comparisons,
similar cases and rules. One pair of modules per record kind: ``*_text`` (the templates, from
``prompts/view_templates.toml``) and ``*_check`` (the claim verifier); ``claims`` and ``phrases``
hold what they share. ``view_sentences`` and ``check_view_sentence`` dispatch on the record.

>>> from explainer_nlg.rule_evidence import Condition, RuleEvidence
>>> r = RuleEvidence("local-rule", {"row_id": 3}, "bad", [Condition("Amount", ">", 1500)], "bad", 0.71, 0.2, 890, 4454)
>>> is_view_record(r), [check_view_sentence(s.text, r).ok for s in view_sentences(r, "support")]
(True, [True])
"""

from __future__ import annotations

from typing import Any

from ...effect_evidence import FeatureEffect
from ...group_evidence import GroupComparison
from ...rule_evidence import RuleEvidence
from ...similar_evidence import SimilarCases
from ..templates import TemplateSentence
from ..verify import Verdict
from .effect_check import check_effect_sentence
from .effect_text import effect_sentences
from .group_check import check_group_sentence
from .group_text import group_sentences
from .rule_check import check_rule_sentence
from .rule_text import rule_sentences
from .similar_check import check_similar_sentence
from .similar_text import similar_sentences

VIEWS = {FeatureEffect: (effect_sentences, check_effect_sentence),
         GroupComparison: (group_sentences, check_group_sentence),
         SimilarCases: (similar_sentences, check_similar_sentence),
         RuleEvidence: (rule_sentences, check_rule_sentence)}


def is_view_record(record: Any) -> bool:
    return type(record) in VIEWS


def view_sentences(record: Any, audience: str = "customer",
                   descriptions: dict[str, str] | None = None) -> list[TemplateSentence]:
    """The template narration of a data-level record for ``audience``."""
    return VIEWS[type(record)][0](record, audience, descriptions)


def check_view_sentence(sentence: str, record: Any, descriptions: dict[str, str] | None = None,
                        aliases: dict[str, list[str]] | None = None) -> Verdict:
    """Check one sentence against a data-level record; ``aliases``: other words for the classes
    ({"good": ["approved", ...]}), as the explainer's ``info["class_aliases"]`` holds them."""
    return VIEWS[type(record)][1](sentence, record, descriptions, aliases)
