"""explainer-nlg: answers "why did the model predict that?" with evidence, in plain language.

>>> from explainer_nlg import Explainer
>>> ev = Explainer.demo("loan").explain(17)
>>> ev.predicted_label in {"good", "bad"}
True
"""

from .errors import ExplainerInputError
from .evidence import Attribution, Evidence
from .evidence.changes import Change, Counterfactual, CounterfactualSet, WhatIf
from .explainer import Explainer
from .narrate.verify import Report, verify

__all__ = ["Explainer", "Evidence", "Attribution", "ExplainerInputError", "WhatIf", "CounterfactualSet",
           "Counterfactual", "Change", "verify", "Report"]
__version__ = "0.1.0"
