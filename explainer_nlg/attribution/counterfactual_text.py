"""Text counterfactuals: the fewest word removals or substitutions that flip the label.

Edits per word: delete it (the same "missing" as the text game), or replace it with an opposite
from a small hand-checked list shipped with the package (``data/antonyms.txt``). Level 1 scores
every single edit in one batch; each further level extends the ``BEAM`` edit sets that moved the
target class most by one more edit from a ``SHORTLIST`` of the single edits that moved it most
(so three edits fit the default budget on a 40-word review). Edit sets that already flip are
not extended.
Every result is re-predicted. Ranked by the number of edits, then by the target probability.

>>> subs = antonyms()
>>> "stale" in subs["fresh"] and "fresh" in subs["stale"]
True
"""

from __future__ import annotations

import functools
import time
from importlib import resources

import numpy as np

from ..errors import ExplainerInputError
from ..evidence.changes import Change, Counterfactual, CounterfactualSet
from .text_game import split_words
from .what_if import cased, edit_words

METHOD = "fewest word edits (beam search over deletions and antonym swaps)"
BEAM = 8
SHORTLIST = 16


@functools.lru_cache(maxsize=1)
def antonyms() -> dict[str, list[str]]:
    """word -> substitutes (both directions of every listed pair), lower case."""
    text = resources.files("explainer_nlg").joinpath("data/antonyms.txt").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        word, subs = line.split(":", 1)
        word = word.strip().lower()
        for sub in (s.strip().lower() for s in subs.split(",") if s.strip()):
            out.setdefault(word, []).append(sub)
            out.setdefault(sub, []).append(word)
    return {w: list(dict.fromkeys(s)) for w, s in out.items()}


def text_counterfactuals(predictor, text: str, text_input: dict, target: int, k: int = 3,
                         max_changes: int = 3, max_candidates: int = 600) -> CounterfactualSet:
    start = time.perf_counter()
    names = predictor.class_names
    words = split_words(text)
    probs0 = predictor.predict_proba([text])[0]
    original = int(np.argmax(probs0))
    if original == target:
        others = [repr(c) for i, c in enumerate(names) if i != target]
        raise ExplainerInputError(f"The model already predicts {names[target]!r} for this text "
                                  f"({probs0[target]:.1%}); ask for another class: {', '.join(others)}.")
    subs = antonyms()
    options = [(i, None) for i in range(len(words))]
    options += [(i, cased(w.text, s)) for i, w in enumerate(words) for s in subs.get(w.text.lower(), [])]
    scored = 0
    flips: dict[frozenset, tuple[dict, np.ndarray]] = {}

    def score(sets):
        nonlocal scored
        texts = [edit_words(text, words, e) for e in sets]
        scored += len(texts)
        return predictor.predict_proba(texts)

    frontier = [{i: s} for i, s in options]
    level = 1
    while frontier and scored + len(frontier) <= max_candidates:
        frontier = [e for e in frontier if len(e) < len(words) or any(v is not None for v in e.values())]
        p = score(frontier)
        for e, probs in zip(frontier, p):
            if int(np.argmax(probs)) == target:
                key = frozenset(e)
                if key not in flips or probs[target] > flips[key][1][target]:
                    flips[key] = (e, probs)
        if len(flips) >= k or level >= max_changes:
            break
        order = np.argsort(-p[:, target])
        beam = [frontier[j] for j in order if int(np.argmax(p[j])) != target][:BEAM]
        if level == 1:
            options = [next(iter(frontier[j].items())) for j in order if frozenset(frontier[j]) not in flips]
            options = options[:SHORTLIST]
        seen, frontier = set(), []
        for e in beam:
            for i, s in options:
                if i in e:
                    continue
                new = {**e, i: s}
                key = frozenset(new.items())
                if key in seen or any(f <= frozenset(new) for f in flips):
                    continue
                seen.add(key)
                frontier.append(new)
        level += 1
    ranked = sorted(flips.values(), key=lambda t: (len(t[0]), -t[1][target]))[:k]
    results = []
    if ranked:
        p = score([e for e, _ in ranked])  # re-predict what is returned
        for (e, _), probs in zip(ranked, p):
            if int(np.argmax(probs)) != target:
                continue
            changes = [Change(words[i].text, words[i].text, s, "remove" if s is None else "replace", None,
                              words[i].span) for i, s in sorted(e.items())]
            results.append(Counterfactual(changes, {"text": edit_words(text, words, e)}, names[int(np.argmax(probs))],
                                          {n: float(q) for n, q in zip(names, probs)}, float(probs[target]),
                                          len(changes), float(len(changes))))
    notes = []
    if frontier and scored + len(frontier) > max_candidates and len(flips) < k:
        notes.append(f"The search stopped at its limit of {max_candidates} candidate texts.")
    return CounterfactualSet(
        kind="text", input=dict(text_input), original_label=names[original],
        original_probabilities={n: float(q) for n, q in zip(names, probs0)}, target_label=names[target],
        found=bool(results), counterfactuals=results, candidates_searched=scored,
        seconds=round(time.perf_counter() - start, 4), method=METHOD,
        constraints={"edits": ["remove", "replace with a listed opposite"], "k": k, "max_changes": max_changes,
                     "max_candidates": max_candidates, "substitutes": "explainer_nlg/data/antonyms.txt"},
        notes=notes)
