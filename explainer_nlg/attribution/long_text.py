"""Long texts: passages first, then the words inside the passages that matter.

Word-level Shapley values cost up to 16n+2 model calls, each a forward pass over the whole text: a
500-word review needed 8,000 passes of 512 tokens (7.5 minutes on two cores). So a text of more
than LONG_TEXT_WORDS words is explained in two levels:

1. **Passages.** The text is split into at most MAX_PASSAGES passages (sentences, merged or cut to
   similar lengths). A passage is a player; a missing passage is deleted. Their Shapley values sum
   to p(target | text) - p(target | empty text), as word values would.
2. **Words inside the passages that matter most** (by |value|, while the time budget lasts): each
   such passage is read on its own, its words are the players (a short text: cheap calls), and
   their values are scaled to sum to the passage's own value. Where the passage read alone moves
   the prediction the other way from its value in the whole text, the scaling would invert the
   words' signs, so that passage stays whole.

The Evidence lists, in text order, the words of refined passages and the other passages whole;
the contributions still sum to p(target) - base_value. The method and a note say all this.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

import numpy as np

from ..evidence import Attribution, Evidence
from .attributor import Prepared
from .faithfulness import eraser
from .game import CachedGame
from .limits import current as current_limits
from .limits import stop_note
from .shapley_estimators import estimate_shapley, exact_shapley
from .text_game import TextGame, Word, split_words
from .uncertainty import close_calls, ties_note

LONG_TEXT_WORDS = 64
MAX_PASSAGES = 10
EXACT_PASSAGES = 5  # 2^5 = 32 whole-text calls: exact; more passages are estimated
MAX_REFINED = 2


def passages(text: str, words: list[Word], max_passages: int = MAX_PASSAGES) -> list[Word]:
    """The text cut into at most ``max_passages`` passages of whole sentences where it can, each a
    Word whose span covers it (so the text game deletes passages as it deletes words).

    >>> t = "One two three. Four five six seven. Eight nine."
    >>> [p.text for p in passages(t, split_words(t), 2)]
    ['One two three. Four five six seven.', 'Eight nine.']
    """
    target = max(1, math.ceil(len(words) / max_passages))
    ends = [m.end() for m in re.finditer(r"[.!?;:]+[\"')\]]*(?=\s|$)|\n\s*\n", text)] + [len(text)]
    groups: list[list[Word]] = []
    current: list[Word] = []
    k = 0
    for w in words:
        while k < len(ends) - 1 and ends[k] <= w.span[0]:
            k += 1
            if len(current) >= target:  # a sentence ended and the passage is long enough
                groups.append(current)
                current = []
        current.append(w)
        if len(current) >= 2 * target:  # a very long sentence is cut
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    while len(groups) > max_passages:  # merge the shortest neighbours
        i = min(range(len(groups) - 1), key=lambda j: len(groups[j]) + len(groups[j + 1]))
        groups[i:i + 2] = [groups[i] + groups[i + 1]]
    out = []
    for g in groups:
        start, end = g[0].span[0], g[-1].span[1]
        tail = re.match(r"[.!?;:,\"')\]]*", text[end:])
        end += tail.end() if tail else 0
        out.append(Word(text[start:end], (start, end)))
    return out


def explain_long_text(att: Any, prepared: Prepared, target: Any, budget: int | None) -> Evidence:
    """Evidence for a long text (see the module docstring). ``budget``: most whole-text calls
    for the passage level (default: exact up to EXACT_PASSAGES passages, else adaptive)."""
    started = time.perf_counter()
    text = prepared.batch1[0]
    words = split_words(text)
    probs = att.predictor.predict_proba([text])[0]
    seconds_per_call = time.perf_counter() - started
    t = att.target_index(probs, target)
    parts = passages(text, words, _passage_count(seconds_per_call))
    game = CachedGame(TextGame(att.predictor, text, parts, t))
    if len(parts) <= EXACT_PASSAGES and (budget is None or 2 ** len(parts) <= budget) \
            and _fits(2 ** len(parts) * seconds_per_call):
        top = exact_shapley(game)
    else:
        top = estimate_shapley(game, budget, top_k=3)
    stopped = top.diagnostics.get("stopped")
    phi = top.values
    errors = top.standard_errors if top.standard_errors is not None else np.zeros(len(parts))

    refined: dict[int, tuple[list[Word], np.ndarray, np.ndarray, int]] = {}
    calls = game.n_evaluations + 1
    for i in np.argsort(-np.abs(phi)):
        if len(refined) >= MAX_REFINED or stopped or abs(phi[i]) < 1e-9:
            break
        inner = split_words(parts[i].text)
        if not _time_for(len(inner), seconds_per_call, len(parts[i].text) / max(len(text), 1)):
            stopped = "time"
            break
        sub = CachedGame(TextGame(att.predictor, parts[i].text, inner, t))
        # a fixed budget of 4n+2 short calls: enough for the passage's top words, bounded in time
        res = exact_shapley(sub) if len(inner) <= 8 else estimate_shapley(sub, 4 * len(inner) + 2, top_k=3)
        calls += sub.n_evaluations
        alone = res.full_value - res.empty_value
        if alone * phi[i] <= 0 or abs(alone) < 1e-9:
            continue  # read alone the passage pulls the other way: its words cannot be scaled to it
        scale = phi[i] / alone
        se = (res.standard_errors if res.standard_errors is not None else np.zeros(len(inner))) * abs(scale)
        refined[int(i)] = (inner, res.values * scale, se, sub.n_evaluations)
        stopped = stopped or res.diagnostics.get("stopped")

    attributions = []
    for i, p in enumerate(parts):
        if i in refined:
            inner, values, se, _ = refined[i]
            off = p.span[0]
            attributions += [Attribution(w.text, w.text, float(v), (w.span[0] + off, w.span[1] + off), float(e))
                             for w, v, e in zip(inner, values, se)]
        else:
            attributions.append(Attribution(short_name(p.text), p.text, float(phi[i]), p.span, float(errors[i])))
    faith = eraser(game, phi, k=min(3, len(parts) - 1)) if len(parts) > 1 else {}
    notes = list(prepared.notes)
    inside = (f"the words inside the {len(refined)} that mattered most were then weighed with the passage read on "
              "its own, and the other passages are listed whole." if refined else
              "there was no time left to weigh the words inside them, so they are listed whole.")
    notes.append(f"The text has {len(words)} words, too many to weigh one by one within the budget: it was split into "
                 f"{len(parts)} passages, which were weighed first; {inside}")
    if stopped:
        lim = current_limits()
        notes.append(stop_note(stopped, calls, lim.seconds if lim and lim.seconds else 0.0))
    names = [a.name for a in attributions]
    vals = [a.contribution for a in attributions]
    ties = close_calls(names, vals, [a.standard_error for a in attributions], att.eraser_k)
    if ties:
        notes.append(ties_note(ties))
    return Evidence(
        kind="text",
        predicted_label=att.class_names[int(np.argmax(probs))],
        probabilities={c: float(p) for c, p in zip(att.class_names, probs)},
        target_label=att.class_names[t],
        base_value=float(top.empty_value),
        attributions=attributions,
        method=f"passage Shapley ({top.method}, {len(parts)} passages) + word Shapley inside the "
               f"{len(refined)} that mattered most (each read alone, scaled to its passage's value)",
        n_evaluations=int(calls),
        seconds=round(time.perf_counter() - started, 4),
        faithfulness=faith,
        input=prepared.input,
        notes=notes,
        extra={"estimator": top.diagnostics, "converged": top.converged and not stopped,
               "efficiency_gap": float(abs(sum(vals) - (top.full_value - top.empty_value))), "close_calls": ties,
               "long_text": {"words": len(words), "passages": [[p.span[0], p.span[1]] for p in parts],
                             "passage_values": [float(v) for v in phi], "refined": sorted(refined),
                             "stopped": stopped}},
    )


def short_name(passage: str, words: int = 8) -> str:
    """A passage named by its first words ("Not even worth my time to return…"); its full text is
    the attribution's value and its span.

    >>> short_name("one two three", 2)
    'one two…'
    """
    found = split_words(passage)
    if len(found) <= words:
        return passage.strip()
    return passage[: found[words - 1].span[1]].strip() + "…"


def _passage_count(seconds_per_call: float) -> int:
    """As many passages as a first round of estimates (2 calls per passage) can afford in about
    a third of the time left (MAX_PASSAGES without a time limit)."""
    lim = current_limits()
    left = lim.time_left() if lim is not None else None
    if left is None:
        return MAX_PASSAGES
    return int(min(MAX_PASSAGES, max(2, left / 3 / (2 * max(seconds_per_call, 1e-3)))))


def _fits(seconds: float) -> bool:
    lim = current_limits()
    left = lim.time_left() if lim is not None else None
    return left is None or seconds < left / 2


def _time_for(n_words: int, seconds_per_call: float, length_share: float) -> bool:
    """Whether a first round of word values (2n calls of the passage alone) fits the time left."""
    lim = current_limits()
    left = lim.time_left() if lim is not None else None
    if left is None:
        return True
    # A passage alone is a short input: its calls cost about their share of the whole text's.
    return left > 2 * n_words * seconds_per_call * max(length_share, 0.1)
