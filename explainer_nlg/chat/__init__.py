"""Chat: question -> operations (a learned parser linked to the schema), dialogue, operation handlers.

``Explainer.parse(question)`` and ``Explainer.ask(question, x, session)`` are the public entry
points; ``Assistant`` holds the per-session state for one explainer.
"""

from .assistant import Assistant
from .parser import parse
from .reply import ChatAnswer, OpResult
from .schema import ChatSchema

__all__ = ["Assistant", "parse", "ChatAnswer", "OpResult", "ChatSchema"]
