"""Template narration of the data-level records (feature effects, group comparisons, similar
cases, rules): one ``*_text`` module per record kind, from ``prompts/view_templates.toml``;
``phrases`` holds the wording they share. Their verifier is part of ``narrate/verify/``
(``view_records.py`` and the ``check_*`` module of each record), and ``narrate()`` uses both.

>>> from explainer_nlg.evidence.rules import Condition, RuleEvidence
>>> r = RuleEvidence("local-rule", {"row_id": 3}, "bad", [Condition("Amount", ">", 1500)], "bad", 0.71, 0.2, 890, 4454)
>>> [s.text[:40] for s in view_sentences(r, "support")]
['No short rule holds well for this row: t']
"""

from __future__ import annotations

from typing import Any

from ...evidence.effects import FeatureEffect
from ...evidence.groups import GroupComparison
from ...evidence.rules import RuleEvidence
from ...evidence.similar import SimilarCases
from ..templates import TemplateSentence
from .effect_text import effect_sentences
from .group_text import group_sentences
from .rule_text import rule_sentences
from .similar_text import similar_sentences

TEXTS = {FeatureEffect: effect_sentences, GroupComparison: group_sentences, SimilarCases: similar_sentences,
         RuleEvidence: rule_sentences}


def is_view_record(record: Any) -> bool:
    return type(record) in TEXTS


def view_sentences(record: Any, audience: str = "customer",
                   descriptions: dict[str, str] | None = None) -> list[TemplateSentence]:
    """The template narration of a data-level record for ``audience``."""
    return TEXTS[type(record)](record, audience, descriptions)
