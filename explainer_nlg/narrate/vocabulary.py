"""The narration's data files (``prompts/*.toml`` at the top of the repository), loaded once.

>>> sorted(templates()["why"]) == ["customer", "developer", "support"]
True
>>> vocabulary()["confidence"][0]["words"]
'very confident'
"""

from __future__ import annotations

import functools
import re

from ..prompt_files import load_prompt_file

AUDIENCES = ("customer", "support", "developer")


def templates() -> dict:
    """The sentence templates, per record kind and audience."""
    return load_prompt_file("templates.toml")


def vocabulary() -> dict:
    """Shared words: confidence bands, cues, rank words, feature phrases, region names."""
    return load_prompt_file("vocabulary.toml")


def rephrase_prompt() -> dict:
    """The instructions given to the local LLM."""
    return load_prompt_file("rephrase.toml")


# A word has at least one letter; digits and underscores inside it stay ("feature_12", "x1").
WORD_CORE = r"\w*[^\W\d_]\w*"
WORD_RE = re.compile(WORD_CORE + r"(?:['’\-]" + WORD_CORE + r")*", re.UNICODE)


def words_of(text: str) -> list[str]:
    """Lowercase words (letters, inner apostrophes and hyphens) of ``text``.

    >>> words_of("The model's “Café” top-left, 12%")
    ['the', "model's", 'café', 'top-left']
    """
    return [w.lower().replace("’", "'") for w in WORD_RE.findall(text)]


@functools.cache
def template_words() -> frozenset[str]:
    """Every word in the fixed text of the templates (placeholders removed)."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            found.update(words_of(re.sub(r"\{[^}]*\}", " ", node)))

    walk(templates())
    return frozenset(found)
