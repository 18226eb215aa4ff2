"""Evidence -> sentences: templates, the optional local LLM rephraser, and the claim verifier.

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> ev = Evidence("image", "tabby", {"tabby": 0.6, "tiger cat": 0.4}, "tabby", 0.2,
...               [Attribution("centre", None, 0.3), Attribution("top left", None, 0.1)],
...               "kernel-paired", 96, 1.0)
>>> narrate(ev, "customer").sentences[0].status
'template'
"""

from .answer import Answer, LLMAudit, SentenceRecord
from .llm import LlamaCppLLM, TimeLimits
from .llm_loader import BackgroundLLM, load_llm
from .narration import narrate
from .templates import template_sentences
from .verify import Verdict, verify_sentence, verify_text

__all__ = ["narrate", "Answer", "SentenceRecord", "LLMAudit", "LlamaCppLLM", "BackgroundLLM", "load_llm",
           "TimeLimits", "template_sentences", "verify_text", "verify_sentence", "Verdict"]
