"""The page's side of "answer at once, then refine": an answer waiting for its rewording.

>>> r = Refinement()
>>> r.put(None); r.done.is_set()
True
>>> shown_text("a <b>\\nc")
'a &lt;b&gt;  \\nc'
"""

from __future__ import annotations

import html
import threading
from typing import Any

from ..input_text import displayable


class Refinement:
    """An answer the page showed as templates, waiting for its rewording (``PageHandlers.refine``)."""

    def __init__(self):
        self.done = threading.Event()
        self.answer: Any = None
        self.message: dict | None = None  # the chat message that shows the answer
        self.shown = ""                    # its content when shown: a rewording replaces only that

    def put(self, answer: Any) -> None:
        self.answer = answer
        self.done.set()


def shown_text(text: str) -> str:
    """An answer's text as the chat shows it: escaped, line breaks kept."""
    return html.escape(displayable(text)).replace("\n", "  \n")
