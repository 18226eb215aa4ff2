"""The verifier for the data-level records: a FeatureEffect, GroupComparison, SimilarCases or
RuleEvidence sentence goes to that record's check (``check_effect``, ``check_groups``,
``check_similar``, ``check_rules``); ``verify_sentence`` sends them here.

>>> from explainer_nlg.evidence.rules import Condition, RuleEvidence
>>> r = RuleEvidence("local-rule", {"row_id": 3}, "bad", [Condition("Amount", ">", 1500)], "bad", 0.71, 0.2, 890, 4454)
>>> is_view_record(r), check_view_sentence("When Amount above 1,500, the model predicts “bad” for 91.0% of such applicants.", r).ok
(True, False)
"""

from __future__ import annotations

from typing import Any

from ...evidence.effects import FeatureEffect
from ...evidence.groups import GroupComparison
from ...evidence.rules import RuleEvidence
from ...evidence.similar import SimilarCases
from .check_effect import check_effect_sentence
from .check_groups import check_group_sentence
from .check_rules import check_rule_sentence
from .check_similar import check_similar_sentence
from .verdict import Verdict

CHECKS = {FeatureEffect: check_effect_sentence, GroupComparison: check_group_sentence,
          SimilarCases: check_similar_sentence, RuleEvidence: check_rule_sentence}


def is_view_record(record: Any) -> bool:
    return type(record) in CHECKS


def check_view_sentence(sentence: str, record: Any, descriptions: dict[str, str] | None = None,
                        aliases: dict[str, list[str]] | None = None) -> Verdict:
    """Check one sentence against a data-level record; ``aliases``: other words for the classes
    ({"good": ["approved", ...]}), as the explainer's ``info["class_aliases"]`` holds them."""
    return CHECKS[type(record)](sentence, record, descriptions, aliases)
