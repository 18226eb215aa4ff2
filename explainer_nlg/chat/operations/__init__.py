"""One handler per operation. Each takes a Context and returns an OpResult.

Which function handles which operation is declared once, in ``chat.registry``; this package only
holds the functions. Handlers say things about a prediction only through ``narrate`` (template
sentences verified against the evidence) or in sentences built from numbers they computed; they
never repeat words from the question as a claim.
"""

from __future__ import annotations

from .context import Context

__all__ = ["Context"]
