"""Cue rules that decide an operation outright, before nearest-phrasing similarity has its say.

The router ranks operations by how close a question is to the bank's phrasings; a few words
settle the matter regardless ("how many" is a count, "what if" is a what-if, "why ... not" is a
why-not). Each rule here is one such cue. ``decide`` returns the operation and whether a rule
fired, so the parser can trust a rule's verdict even where the similarity score is low.

>>> decide("why", "why wasnt i approved", [("why", 0.8), ("why_not", 0.79)])
('why_not', True)
>>> decide("top_features", "is the model biased towards married people", [("top_features", 0.4)])
('compare', True)
"""

from __future__ import annotations

import re

from . import slots as sl

# "not", "n't", and the same typed without the apostrophe ("wasnt", "isnt", "didnt").
NEGATED = (r"\bnot\b|n't\b|\b(?:is|was|were|did|does|do|are|has|have|had|could|would|wo|ca)nt\b"
           r"|\brather th[ae]n\b|\binstead of\b")
ASKS_WHY = r"\b(?:why|y|how come)\b"
# A question whether the model is unfair to a group: a comparison of groups (contracts.md).
BIAS = r"\b(?:bias(?:ed)?|unfair\w*|discriminat\w*|prejudiced?)\b"


def forced(part: str) -> bool:
    """A question about a quoted word decides the operation by itself."""
    return bool(sl.quoted_words(part) and re.search(r"\b(?:why|matter\w*|count\w*|important|influence\w*|role|effect)\b", part))


def decide(op: str, part: str, ranked: list[tuple[str, float]]) -> tuple[str, bool]:
    """(operation, whether a cue rule decided it) for one part of a question; ``op`` is the
    router's best guess and ``ranked`` its full ranking."""
    if re.fullmatch(r"\W*\?[\W?]*", part):  # a bare "?": the user does not know what to ask
        return "help", True
    if forced(part) and not re.search(r"\bif\b|\bremove|\breplace", part):
        return "why", True
    if re.search(r"\b(?:top|most likely|\d+|other) (?:\w+ )?(?:classes|labels|guesses|predictions)\b", part):
        return "predict", True
    if re.match(r"^(?:show|display|view|print|pull up|bring up|open)\b.*\b(?:row|id|data point|applicant|entry|record)\s*#?\d", part):
        return "show", True
    if re.search(r"\b(?:get|got|gets) (?:\w+ )?\d+ (?:right|wrong|correct)|\bright about\b", part):
        return "predict", True
    if re.search(BIAS, part):
        return "compare", True
    if op in ("why", "why_not", "predict", "confidence", "define") and re.search(rf"(?:{ASKS_WHY}).*(?:{NEGATED})", part):
        return "why_not", True
    if op == "why_not" and not re.search(rf"{NEGATED}|\bno\b|stop|kept", part):
        return "why", True
    # "did 45 get approved or not": a yes/no question about the outcome, not a why-not.
    if op == "why_not" and re.match(r"^(?:so |and )?(?:did|does|do|is|was|were|will|has)\b.*\bor not\b", part):
        return "predict", True
    if re.match(r"^(?:and |so |but )?(?:what|wat) if\b|^suppose\b|^if\b", part) and op != "counterfactual":
        return "what_if", True
    # "how many features does the data have" asks about the data's shape, not a count of rows.
    if re.search(r"\bhow many (?:features|columns|variables|fields|attributes)\b", part):
        return "describe_data", True
    if re.search(r"\bhow many\b|\bcount\b|\bnumber of\b", part) and op not in ("mistakes", "statistics"):
        return ("count" if not re.search(r"mistake|error|wrong", part) else "mistakes"), True
    if re.search(r"\bmost (?:common|frequent|popular|usual)\b", part):
        return "statistics", True
    return op, False
