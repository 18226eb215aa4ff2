"""The text game: players are the words of a message; a missing word is deleted.

Words, not word pieces: people read words, and a word's pieces only make sense
together. Punctuation and spacing are not players; they stay in place.

>>> words = split_words("Refund, please!  It's broken.")
>>> [w.text for w in words]
['Refund', 'please', "It's", 'broken']
>>> words[0].span
(0, 6)
>>> render("Refund, please!", split_words("Refund, please!"), [False, True])
', please!'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .game import Game

# A word: letters/digits (any script), joined by apostrophes or hyphens inside.
WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*", re.UNICODE)


@dataclass(frozen=True)
class Word:
    text: str
    span: tuple[int, int]


def split_words(text: str) -> list[Word]:
    return [Word(m.group(), (m.start(), m.end())) for m in WORD_RE.finditer(text)]


def render(text: str, words: list[Word], keep: np.ndarray) -> str:
    """The text with the words where ``keep`` is False deleted, spacing tidied."""
    parts, pos = [], 0
    for word, kept in zip(words, keep):
        parts.append(text[pos : word.span[0]])
        if kept:
            parts.append(word.text)
        pos = word.span[1]
    parts.append(text[pos:])
    return re.sub(r"\s{2,}", " ", "".join(parts)).strip()


class TextGame(Game):
    """v(S) = the model's probability of the target class for the text with only the words in S."""

    def __init__(self, predictor, text: str, words: list[Word], target: int):
        self.predictor = predictor
        self.text = text
        self.words = words
        self.target = target
        self.player_names = [w.text for w in words]

    def texts(self, masks: np.ndarray) -> list[str]:
        return [render(self.text, self.words, m) for m in masks]

    def _value(self, masks: np.ndarray) -> np.ndarray:
        return self.predictor.predict_proba(self.texts(masks))[:, self.target]
