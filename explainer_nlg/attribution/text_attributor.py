"""The text attributor: evidence for one message of a text classifier (Shapley values of its words),
and its counterfactual search (the fewest word edits)."""

from __future__ import annotations

from typing import Any

from ..errors import ExplainerInputError
from ..evidence.changes import CounterfactualSet
from ..input_text import clean_text
from ..models.text import TransformersPredictor
from .attributor import Attributor, Prepared
from .counterfactual_text import text_counterfactuals
from .game import Game
from .long_text import LONG_TEXT_WORDS, explain_long_text
from .text_game import TextGame, split_words

MAX_CHARS = 20_000


class TextAttributor(Attributor):
    kind = "text"
    # Exact values when they cost about a second: 9-10 words on a fast machine, fewer under load
    # (issue 17; the demo model measured 170-480 calls/s on 9-word texts on 2 shared cores).
    exact_seconds = 1.0
    counterfactual_changes = "words"

    def __init__(self, predictor: TransformersPredictor):
        super().__init__(predictor)

    def prepare(self, x: Any) -> Prepared:
        if not isinstance(x, str):
            raise ExplainerInputError(f"The text model explains a string of text, not {type(x).__name__}.")
        x = clean_text(x)  # escape sequences and invisible characters out, NFC; a lone surrogate is refused
        if len(x) > MAX_CHARS:
            raise ExplainerInputError(
                f"The text is {len(x):,} characters long; the limit is {MAX_CHARS:,}. Explain a shorter passage."
            )
        text = x.strip()
        if not text:
            raise ExplainerInputError("The text is empty: type at least one word.")
        notes = []
        cutoff = self._truncation_point(text)
        if cutoff is not None:
            seen, unseen = text[:cutoff], text[cutoff:]
            n_unseen = len(split_words(unseen))
            notes.append(
                f"The text is longer than the model reads ({self.predictor.max_length} tokens); "
                f"the last {n_unseen} word(s), from {unseen.strip()[:40]!r} on, were not seen and are not explained."
            )
            text = seen.rstrip()
        words = split_words(text)
        if not words:
            raise ExplainerInputError("The text has no words to explain (only punctuation or symbols).")
        return Prepared([text], [w.text for w in words], [w.text for w in words], [w.span for w in words],
                        {"text": text}, notes)

    def _truncation_point(self, text: str) -> int | None:
        tok = self.predictor.tokenizer
        if self.predictor.token_count(text) <= self.predictor.max_length:
            return None
        enc = tok(text, truncation=True, max_length=self.predictor.max_length, return_offsets_mapping=True)
        ends = [e for s, e in enc["offset_mapping"] if e > s]
        return max(ends) if ends else 0

    def explain(self, x: Any, target: Any = None, budget: int | None = None):
        """Word Shapley values; past LONG_TEXT_WORDS words, passages first (see ``long_text``)."""
        prepared = self.prepare(x)
        if len(prepared.names) <= LONG_TEXT_WORDS:
            return super().explain(x, target, budget)
        return explain_long_text(self, prepared, target, budget)

    def game_for(self, prepared: Prepared, target: int) -> Game:
        words = split_words(prepared.batch1[0])
        return TextGame(self.predictor, prepared.batch1[0], words, target)

    def counterfactuals(self, prepared: Prepared, target: int, k: int, max_changes: int,
                        max_candidates: int | None = None, immutable: list[str] | None = None,
                        monotone: dict[str, str] | None = None, ranges: dict | None = None,
                        protected: list[str] | None = None) -> CounterfactualSet:
        # ``protected`` names features, and a text model has none (from_transformers takes no such list).
        if immutable or monotone or ranges:
            raise ExplainerInputError("immutable, monotone and ranges apply to tabular models; a text "
                                      "counterfactual edits words (k, max_changes and max_candidates apply).")
        return text_counterfactuals(self.predictor, prepared.batch1[0], prepared.input, target, k, max_changes,
                                    max_candidates or 600)
