"""Counterfactual and what-if records: the plain dict shape the narration reads.

``as_record`` turns the issue-6 objects (``WhatIf``, ``CounterfactualSet``) into this dict; a
hand-built dict of the same shape narrates the same way. Every key is plain JSON data::

    {
      "kind": "counterfactual" | "what-if",
      "input_kind": "tabular",     # what was changed: "tabular" | "text" | "image" (default tabular)
      "label": "bad",              # the prediction before the changes
      "probability": 0.71,         # p(label) before the changes
      "new_label": "good",         # the prediction after the changes
      "new_probability": 0.64,     # p(new_label) after the changes
      "changes": [{"feature": "Income", "from": 330, "to": 1200, "action": "set"}, ...],
      "method": "greedy search",   # optional: how it was found
      "alternatives": 3,           # optional: how many counterfactuals the search found
      "output_kind": "regression", # optional: a regressor's record, where "probability" and
      "unit": "$",                 #   "new_probability" are its predicted values, in "unit";
      "target_range": [null, 150000],  # a counterfactual's range to reach, and "target" in words
    }

A change names a feature (tabular), the word exactly as written (text) or a grid region (image).
Text: ``"to"`` is the replacement word, or ``null`` when the word is removed. Image: ``"from"``
and ``"to"`` are ``null`` and the region is covered (blurred). ``"action"`` is optional: "set" for
tabular, "replace" or "remove" (from ``"to"``) for text, "cover" for image.

A counterfactual flips the label; a what-if may or may not (``new_label == label``). The narration
reads such a record through ``facts.counterfactual_facts``.

>>> rec = {"kind": "counterfactual", "label": "bad", "probability": 0.71, "new_label": "good",
...        "new_probability": 0.64, "changes": [{"feature": "stale", "from": "stale", "to": None}],
...        "input_kind": "text"}
>>> validate(rec) is None, change_action(rec["changes"][0], input_kind(rec))
(True, 'remove')
"""

from __future__ import annotations

from typing import Any

from ..errors import ExplainerInputError
from ..evidence.changes import CounterfactualSet, WhatIf

INPUT_KINDS = ("tabular", "text", "image")
ACTIONS = {"tabular": ("set", "increase", "decrease"), "text": ("replace", "remove"), "image": ("cover",)}


def as_record(obj: Any, which: int = 0) -> Any:
    """A ``WhatIf`` or ``CounterfactualSet`` (explainer_nlg.evidence.changes) as the dict above;
    anything else unchanged. A counterfactual set is narrated by its answer number ``which``
    (default the best, first one); only that one says how many alternatives were found."""

    def changes(chs):
        return [{"feature": c.feature, "from": c.from_value, "to": c.to_value, "action": c.action} for c in chs]

    if isinstance(obj, WhatIf):
        record = {"kind": "what-if", "input_kind": obj.kind, "label": obj.original_label,
                  "probability": float(obj.original_probabilities[obj.original_label]),
                  "new_label": obj.new_label, "new_probability": float(obj.new_probabilities[obj.new_label]),
                  "changes": changes(obj.changes), "method": "what-if"}
        # A classifier has at least two classes: one output is a regressor's predicted value.
        ev = obj.evidence
        if (ev is not None and ev.is_regression) or (ev is None and len(obj.original_probabilities) == 1):
            record.update(output_kind="regression", unit=ev.unit if ev is not None else None)
        return record
    if isinstance(obj, CounterfactualSet):
        if not obj.found or not obj.counterfactuals:
            why = " ".join(obj.notes) or "no change within the search limits flips the decision."
            raise ExplainerInputError(f"No counterfactual to narrate: {why}")
        cf = obj.counterfactuals[which]
        record = {"kind": "counterfactual", "input_kind": obj.kind, "label": obj.original_label,
                  "probability": float(obj.original_probabilities[obj.original_label]),
                  "new_label": cf.predicted_label,
                  "new_probability": float(cf.probabilities[cf.predicted_label]),
                  "changes": changes(cf.changes), "method": obj.method}
        if obj.constraints.get("output_kind") == "regression":
            record.update(output_kind="regression", unit=obj.constraints.get("unit"),
                          target_range=list(obj.constraints.get("target_range") or [None, None]),
                          target=obj.target_label)
        if which == 0:
            record["alternatives"] = len(obj.counterfactuals)
        return record
    return obj


def input_kind(record: dict) -> str:
    return str(record.get("input_kind") or "tabular")


def change_action(change: dict, kind: str) -> str:
    """The change's action, or the one its kind implies (a text change without "to" is a removal)."""
    if change.get("action"):
        return str(change["action"])
    if kind == "text":
        return "remove" if change.get("to") is None else "replace"
    return ACTIONS[kind][0]


def validate(record: dict) -> None:
    missing = [k for k in ("label", "probability", "new_label", "new_probability", "changes") if k not in record]
    if missing:
        raise ValueError(f"A counterfactual record needs {', '.join(missing)}.")
    kind = input_kind(record)
    if kind not in INPUT_KINDS:
        raise ValueError(f"input_kind must be one of {', '.join(INPUT_KINDS)}, not {kind!r}.")
    for ch in record["changes"]:
        if not {"feature", "from", "to"} <= set(ch):
            raise ValueError("Each change needs 'feature', 'from' and 'to'.")
        action = change_action(ch, kind)
        if kind != "tabular" and action not in ACTIONS[kind]:
            raise ValueError(f"A {kind} change can {', '.join(ACTIONS[kind])}, not {action!r}.")
        if kind == "text" and (action == "replace") != (ch["to"] is not None):
            raise ValueError("A replaced word needs its replacement in 'to'; a removed word has 'to': null.")
