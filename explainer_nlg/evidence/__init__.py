"""The evidence records: the bottom layer. What was computed about a model, as plain JSON-able data
with a documented schema, read by the narration, the verifier, the chat, the audit log and the API.

One module per kind of record, each documenting its keys:

- ``attributions.py``: ``Evidence`` (why one prediction: each feature's, word's or region's
  contribution) and its ``Attribution`` entries;
- ``changes.py``: ``WhatIf`` and ``CounterfactualSet`` (what changes the prediction);
- ``effects.py``: ``FeatureEffect`` (how a feature moves the predictions);
- ``groups.py``: ``GroupComparison`` (how groups are treated: rates, fairness gaps);
- ``similar.py``: ``SimilarCases`` (the nearest labelled rows);
- ``rules.py``: ``RuleEvidence`` (the decision path or rule the model followed);
- ``outside.py``: Evidence computed elsewhere (plain contributions, a ``shap.Explanation``);
- ``serialise.py``: ``to_plain`` (numpy, pandas -> JSON data) and ``Record``, the one JSON
  round-trip every record shares.

Records hold facts only; nothing here imports a model, an estimator or the narration.

>>> from explainer_nlg.evidence import Evidence
>>> ev = Evidence.from_contributions([("Income", 330, 0.2), ("Amount", 1500, -0.05)], prediction=0.8,
...                                  base_value=0.65, unit="probability", label="good", classes=["bad", "good"])
>>> Evidence.from_json(ev.to_json()) == ev
True
"""

from .attributions import Attribution, Evidence
from .changes import Change, Counterfactual, CounterfactualSet, WhatIf
from .effects import FeatureEffect
from .groups import GroupComparison, GroupStats
from .rules import Condition, RuleEvidence, RuleLeaf, RulePath
from .serialise import Record, to_plain
from .similar import Neighbour, SimilarCases

__all__ = ["Attribution", "Evidence", "Change", "Counterfactual", "CounterfactualSet", "WhatIf", "FeatureEffect",
           "GroupComparison", "GroupStats", "Condition", "RuleEvidence", "RuleLeaf", "RulePath", "Neighbour",
           "SimilarCases", "Record", "to_plain"]
