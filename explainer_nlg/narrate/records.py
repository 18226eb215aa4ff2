"""Counterfactual and what-if records: the plain dict shape the narration reads.

The counterfactual engine (issue 6) is built elsewhere; until it lands, this is the contract its
records are narrated from. Every key is plain JSON data::

    {
      "kind": "counterfactual" | "what-if",
      "label": "bad",              # the prediction before the changes
      "probability": 0.71,         # p(label) before the changes
      "new_label": "good",         # the prediction after the changes
      "new_probability": 0.64,     # p(new_label) after the changes
      "changes": [{"feature": "Income", "from": 330, "to": 1200}, ...],
      "method": "greedy search",   # optional: how it was found
    }

A counterfactual flips the label; a what-if may or may not (``new_label == label``).

>>> rec = {"kind": "counterfactual", "label": "bad", "probability": 0.71, "new_label": "good",
...        "new_probability": 0.64, "changes": [{"feature": "Income", "from": 330, "to": 1200}]}
>>> f = counterfactual_facts(rec)
>>> f.players[0].name, f.new_label
('Income', 'good')
"""

from __future__ import annotations

from typing import Any

from .facts import Facts, label_aliases, tabular_player

COUNTERFACTUAL_KINDS = ("counterfactual", "what-if")


def as_record(obj: Any) -> Any:
    """A ``WhatIf`` or ``CounterfactualSet`` (explainer_nlg.change_evidence) as the dict above;
    anything else unchanged. A counterfactual set is narrated by its best (first) answer."""
    from ..change_evidence import CounterfactualSet, WhatIf
    from ..errors import ExplainerInputError

    def changes(chs):
        return [{"feature": c.feature, "from": c.from_value, "to": c.to_value} for c in chs]

    if isinstance(obj, WhatIf):
        return {"kind": "what-if", "label": obj.original_label,
                "probability": float(obj.original_probabilities[obj.original_label]),
                "new_label": obj.new_label, "new_probability": float(obj.new_probabilities[obj.new_label]),
                "changes": changes(obj.changes), "method": "what-if"}
    if isinstance(obj, CounterfactualSet):
        if not obj.found or not obj.counterfactuals:
            why = " ".join(obj.notes) or "no change within the search limits flips the decision."
            raise ExplainerInputError(f"No counterfactual to narrate: {why}")
        best = obj.counterfactuals[0]
        return {"kind": "counterfactual", "label": obj.original_label,
                "probability": float(obj.original_probabilities[obj.original_label]),
                "new_label": best.predicted_label,
                "new_probability": float(best.probabilities[best.predicted_label]),
                "changes": changes(best.changes), "method": obj.method}
    return obj


def is_counterfactual(record: Any) -> bool:
    return isinstance(record, dict) and record.get("kind") in COUNTERFACTUAL_KINDS


def validate(record: dict) -> None:
    missing = [k for k in ("label", "probability", "new_label", "new_probability", "changes") if k not in record]
    if missing:
        raise ValueError(f"A counterfactual record needs {', '.join(missing)}.")
    for ch in record["changes"]:
        if not {"feature", "from", "to"} <= set(ch):
            raise ValueError("Each change needs 'feature', 'from' and 'to'.")


def counterfactual_facts(record: dict, descriptions: dict[str, str] | None = None) -> Facts:
    validate(record)
    players = []
    for i, ch in enumerate(record["changes"]):
        # A changed feature has no signed contribution: the verifier checks its name and values.
        p = tabular_player(i, str(ch["feature"]), ch["to"], None, descriptions)
        p.value = (ch["from"], ch["to"])
        players.append(p)
    label, new = str(record["label"]), str(record["new_label"])
    probs = {label: float(record["probability"])}
    if new != label:
        probs[new] = float(record["new_probability"])
    labels = {c: label_aliases(c) for c in probs}
    return Facts("counterfactual", label, label, probs, float(record["probability"]), players, labels,
                 record, new_label=new, new_probability=float(record["new_probability"]))
