"""One handler per operation. Each takes a Context and returns an OpResult.

Handlers say things about a prediction only through ``narrate`` (template sentences verified
against the evidence) or in sentences built from numbers they computed; they never repeat words
from the question as a claim.
"""

from __future__ import annotations

from collections.abc import Callable

from ..reply import OpResult
from .change_ops import counterfactual, what_if
from .cohort_ops import interactions
from .context import Context
from .data_ops import count, define, describe_data, describe_model, show, statistics
from .explain_ops import confidence, predict, top_features, why, why_not
from .meta_ops import help_, unsupported
from .model_ops import mistakes, performance

HANDLERS: dict[str, Callable[[Context], OpResult]] = {
    "predict": predict, "why": why, "why_not": why_not, "top_features": top_features,
    "confidence": confidence, "what_if": what_if, "counterfactual": counterfactual, "show": show,
    "count": count, "statistics": statistics, "define": define, "describe_model": describe_model,
    "describe_data": describe_data, "performance": performance, "mistakes": mistakes,
    "interactions": interactions, "help": help_, "unsupported": unsupported,
}

__all__ = ["HANDLERS", "Context"]
