"""Text as the person wrote it: what a question or a message holds once the invisible parts are gone.

Terminal escape sequences (``\\x1b[31m``), control characters and invisible format characters
(zero-width spaces, direction overrides) are not words anyone wrote. Left in, their digits can be
read as numbers: ``"\\x1b[31mwhy was 17 denied?"`` was once answered about row 31. They are removed
before any parsing; the text is then put in Unicode normal form C, so "é" typed as e + accent and
"é" typed as one character are the same word. A lone UTF-16 surrogate is not a character at all:
it cannot be encoded, stored or shown, so such a text is refused with a message that says where.

>>> clean_text("\\x1b[31mwhy was 17 denied?\\x1b[0m")
'why was 17 denied?'
>>> clean_text("why\\x00was 1\\u200b7 denied")     # a NUL separates words; a zero-width space joins nothing
'why was 17 denied'
>>> clean_text("cafe\\u0301") == "caf\\u00e9"
True
>>> clean_text("why \\ud800?")
Traceback (most recent call last):
...
explainer_nlg.errors.ExplainerInputError: The text holds an invalid character at position 5 (a lone UTF-16 surrogate, U+D800) that cannot be read. Retype it without that character.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import ExplainerInputError

# ECMA-48 escape sequences: CSI (ESC [ or the C1 byte 0x9b) ... final byte; OSC (ESC ]) ... BEL or
# ST; DCS/SOS/PM/APC (ESC P, X, ^, _) ... ST; and two-byte escapes (ESC followed by one character).
ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
KEEP_CONTROLS = "\t\n\r"


def invalid_code_point(text: str) -> tuple[int, str] | None:
    """(index, U+XXXX) of the first lone surrogate in ``text``, or None.

    >>> invalid_code_point("ok"), invalid_code_point("a\\udc80")
    (None, (1, 'U+DC80'))
    """
    for i, ch in enumerate(text):
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return i, f"U+{ord(ch):04X}"
    return None


def clean_text(text: str, what: str = "text") -> str:
    """``text`` without escape sequences, control and invisible format characters, in NFC.

    A control character becomes a space (it separated what was around it); an escape sequence
    or a format character is removed (it showed nothing). Raises ExplainerInputError, naming
    the position, when ``text`` holds a lone surrogate. ``what`` names the text in that message.
    """
    text = str(text)
    bad = invalid_code_point(text)
    if bad is not None:
        raise ExplainerInputError(f"The {what} holds an invalid character at position {bad[0] + 1} (a lone UTF-16 "
                                  f"surrogate, {bad[1]}) that cannot be read. Retype it without that character.")
    text = ESCAPES.sub("", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc" and ch not in KEEP_CONTROLS:
            out.append(" ")
        elif cat == "Cf":
            continue
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def clean_question(question: object) -> str:
    """A chat question as written (see ``clean_text``); None is the empty question."""
    return "" if question is None else clean_text(str(question), "question")


def displayable(text: object) -> str:
    """``text`` as it can be shown back: each lone surrogate replaced by U+FFFD (�), since no
    encoder can write one, and a page that echoes a question must not break on it.

    >>> displayable("why \\ud800?")
    'why \\ufffd?'
    """
    text = str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
