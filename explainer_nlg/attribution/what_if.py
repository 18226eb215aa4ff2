"""What-if: apply the changes a user asks for, re-predict, and explain the changed input.

A change is a dict. Tabular: ``{"feature": "Amount", "action": "set" | "increase" | "decrease",
"value": 1000}`` (a plain ``{"Amount": 1000}`` means set). Text: ``{"action": "remove", "word":
"stale"}`` or ``{"action": "replace", "word": "stale", "value": "fresh"}`` (every occurrence,
case-insensitive). Image: ``{"action": "cover", "region": "centre"}`` for a cell of the 3x3 grid
(covered = blurred, as a missing cell is in the region game). ``feature`` is accepted for
``word`` and ``region``.

>>> edit_words("Stale cookies, stale box.", split_words("Stale cookies, stale box."), {0: "Fresh", 2: None})
'Fresh cookies, box.'
"""

from __future__ import annotations

import re
import time
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError
from ..evidence.changes import Change, WhatIf
from ..evidence.serialise import to_plain
from .text_game import Word, split_words

TABULAR_ACTIONS = ("set", "increase", "decrease")
TEXT_ACTIONS = ("remove", "replace")
IMAGE_ACTIONS = ("cover",)
REGION_ALIASES = {"center": "centre", "middle": "centre", "middle centre": "centre", "middle center": "centre"}


def edit_words(text: str, words: list[Word], edits: dict[int, str | None]) -> str:
    """``text`` with word i replaced by ``edits[i]`` (None: deleted), spacing tidied."""
    parts, pos = [], 0
    for i, word in enumerate(words):
        parts.append(text[pos : word.span[0]])
        if i not in edits:
            parts.append(word.text)
        elif edits[i] is not None:
            parts.append(edits[i])
        pos = word.span[1]
    parts.append(text[pos:])
    out = re.sub(r"\s{2,}", " ", "".join(parts))
    return re.sub(r"\s+([,.;:!?])", r"\1", out).strip()


def cased(like: str, word: str) -> str:
    """``word`` capitalised like ``like`` (a replacement keeps the sentence's capitals)."""
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def normalise_changes(changes: Any, key: str) -> list[dict]:
    """A list of change dicts, from a list, one dict with ``key``/"feature", or ``{name: value}``."""
    if isinstance(changes, dict):
        if key in changes or "feature" in changes or "action" in changes:
            changes = [changes]
        else:
            changes = [{key: k, "action": "set", "value": v} for k, v in changes.items()]
    if not isinstance(changes, (list, tuple)) or not changes:
        raise ExplainerInputError(
            f"changes must be a non-empty list of dicts like {{'{key}': ..., 'action': ..., 'value': ...}}.")
    out = []
    for c in changes:
        if not isinstance(c, dict):
            raise ExplainerInputError(f"Each change must be a dict, not {type(c).__name__}: {c!r}.")
        c = {str(k).lower(): v for k, v in c.items()}
        if key not in c and "feature" in c:
            c[key] = c.pop("feature")
        if key not in c:
            raise ExplainerInputError(f"A change needs a {key!r}: {c!r}.")
        out.append(c)
    return out


def _action(c: dict, allowed: tuple[str, ...], default: str, what: str) -> str:
    action = str(c.get("action", default)).strip().lower()
    if action not in allowed:
        raise ExplainerInputError(f"{what} changes can {', '.join(map(repr, allowed))}, not {action!r}.")
    return action


# ---- tabular ----------------------------------------------------------------------------------

def tabular_changes(att, base: dict, changes: Any, extrapolate: bool) -> tuple[dict, list[Change]]:
    """(the changed row, the Change list) with a clear error for every change that cannot apply."""
    schema = att.schema
    new = dict(base)
    out: list[Change] = []
    seen = set()
    for c in normalise_changes(changes, "feature"):
        f = str(c["feature"]).strip()
        match = {x.lower(): x for x in schema.features}.get(f.lower())
        if match is None:
            raise ExplainerInputError(f"There is no feature {f!r}. The model's features are: "
                                      f"{', '.join(schema.features)}.")
        f = match
        if f in seen:
            raise ExplainerInputError(f"{f} is changed twice; give one change per feature.")
        seen.add(f)
        action = _action(c, TABULAR_ACTIONS, "set", "Tabular")
        if "value" not in c:
            raise ExplainerInputError(f"The change to {f} needs a 'value'.")
        value, old = c["value"], base[f]
        amount = None
        if action in ("increase", "decrease"):
            if f in schema.categorical:
                known = ", ".join(map(repr, schema.categorical[f]))
                raise ExplainerInputError(f"{f} is categorical, so it cannot be {action}d; set it to one of: {known}.")
            amount = _number(f, value, f"the amount to {action} {f} by")
            if amount <= 0:
                other = "decrease" if action == "increase" else "increase"
                raise ExplainerInputError(f"The amount to {action} {f} by must be positive; to go the other way, "
                                          f"use {other!r}.")
            if old is None:
                raise ExplainerInputError(f"{f} is missing in this input, so it cannot be {action}d; set it instead.")
            value = old + amount if action == "increase" else old - amount
        elif f not in schema.categorical and value is not None:
            value = _number(f, value, f)
        new[f] = value
        out.append((f, old, action, amount))
    row = schema.validate_row(new)  # categories, types, NaN: the schema's own messages
    clean = {f: (None if pd.isna(v) else v) for f, v in row.iloc[0].items()}
    if not extrapolate:
        for f, _, _, _ in out:
            v = clean[f]
            if f in schema.numeric_range and v is not None:
                lo, hi = schema.numeric_range[f]
                if not lo <= v <= hi:
                    raise ExplainerInputError(
                        f"{f} = {v:g} is outside the range seen in the data ({lo:g} to {hi:g}), where the model "
                        "would be guessing. Ask about a value in that range (from Python, extrapolate=True asks anyway).")
    changes_out = [Change(f, to_plain(_shown(att, f, old)), to_plain(_shown(att, f, clean[f])), action, to_plain(amount))
                   for f, old, action, amount in out]
    return clean, changes_out


def _number(f: str, value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise ExplainerInputError(f"{what} must be a number, not {value!r}.")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ExplainerInputError(f"{what} must be a number, not {value!r}.") from None
    if not np.isfinite(v):
        raise ExplainerInputError(f"{what} must be a finite number, not {value!r}.")
    return v


def _shown(att, f: str, v):
    """Whole-number columns are shown as integers when the value is whole (1000, not 1000.0)."""
    from .counterfactual_tabular import whole_numbers

    if v is None or f in att.schema.categorical:
        return v
    if float(v).is_integer() and whole_numbers(att.data[f]):
        return int(v)
    return float(v)


# ---- text -------------------------------------------------------------------------------------

def text_changes(text: str, changes: Any) -> tuple[str, list[Change]]:
    words = split_words(text)
    edits: dict[int, str | None] = {}
    out: list[Change] = []
    for c in normalise_changes(changes, "word"):
        target = str(c["word"]).strip()
        action = _action(c, TEXT_ACTIONS, "replace" if "value" in c else "remove", "Text")
        hits = [i for i, w in enumerate(words) if w.text.lower() == target.lower()]
        if not hits:
            listed = ", ".join(repr(w.text) for w in words[:30]) + (", ..." if len(words) > 30 else "")
            raise ExplainerInputError(f"The text has no word {target!r}. Its words: {listed}.")
        new = None
        if action == "replace":
            new = str(c.get("value") or "").strip()
            if not new:
                raise ExplainerInputError(f"Replacing {target!r} needs a non-empty 'value' (or use 'remove').")
        for i in hits:
            if new is not None:
                new = cased(words[i].text, new)
            if i in edits:
                raise ExplainerInputError(f"The word {words[i].text!r} is changed twice; give one change per word.")
            edits[i] = new
            out.append(Change(words[i].text, words[i].text, new, action, None, words[i].span))
    return edit_words(text, words, edits), out


# ---- image ------------------------------------------------------------------------------------

def image_changes(image: np.ndarray, changes: Any) -> tuple[np.ndarray, list[Change]]:
    from .heatmap_regions import GRID_NAMES_3X3
    from .region_game import RegionGame

    covered = []
    for c in normalise_changes(changes, "region"):
        _action(c, IMAGE_ACTIONS, "cover", "Image")
        name = re.sub(r"\s+", " ", str(c["region"]).strip().lower().replace("-", " "))
        name = REGION_ALIASES.get(name, name.replace("center", "centre"))
        if name not in GRID_NAMES_3X3:
            raise ExplainerInputError(f"There is no region {c['region']!r}. Regions of the 3x3 grid: "
                                      f"{', '.join(GRID_NAMES_3X3)}.")
        if name in covered:
            raise ExplainerInputError(f"The region {name!r} is covered twice.")
        covered.append(name)
    mask = np.array([n not in covered for n in GRID_NAMES_3X3])
    game = RegionGame(None, image, 0)  # its blur and cells; no model call is made here
    img = game.removed.copy()
    for keep, (ys, xs) in zip(mask, game.cells):
        if keep:
            img[ys, xs] = image[ys, xs]
    return img, [Change(n, None, None, "cover") for n in covered]


# ---- the shared flow --------------------------------------------------------------------------

def what_if(att, x: Any, changes: Any, target: Any = None, explain: bool = True,
            extrapolate: bool = False) -> WhatIf:
    start = time.perf_counter()
    prepared = att.prepare(x)
    names = att.class_names
    probs0 = att.predictor.predict_proba(prepared.batch1)[0]
    t = att.target_index(probs0, target)
    notes: list[str] = []
    if att.kind == "tabular":
        base = dict(prepared.input["row"])
        new_x, change_list = tabular_changes(att, base, changes, extrapolate)
    elif att.kind == "text":
        new_x, change_list = text_changes(prepared.input["text"], changes)
        if not split_words(new_x):
            raise ExplainerInputError("These changes remove every word; keep at least one.")
    elif att.kind == "image":
        new_x, change_list = image_changes(prepared.batch1[0], changes)
    else:  # pragma: no cover
        raise ExplainerInputError(f"What-if is not available for {att.kind} models.")
    new_prepared = att.prepare(new_x)
    probs1 = att.predictor.predict_proba(new_prepared.batch1)[0]
    notes += [n for n in new_prepared.notes if n not in prepared.notes]
    evidence = att.explain(new_x, names[t]) if explain else None
    new_input = dict(new_prepared.input)
    if att.kind == "tabular":
        new_input["row_id"] = None
        new_input["row"] = {f: to_plain(_shown(att, f, v)) for f, v in new_input["row"].items()}
    if att.kind == "image":
        new_input["image"] = {**new_input["image"], "covered": [c.feature for c in change_list]}
    input_ = dict(prepared.input)
    if att.kind == "tabular":
        input_["row"] = {f: to_plain(_shown(att, f, v)) for f, v in input_["row"].items()}
    return WhatIf(
        kind=att.kind, input=to_plain(input_), changes=change_list, new_input=to_plain(new_input),
        target_label=names[t], original_label=names[int(np.argmax(probs0))],
        original_probabilities={c: float(p) for c, p in zip(names, probs0)},
        new_label=names[int(np.argmax(probs1))], new_probabilities={c: float(p) for c, p in zip(names, probs1)},
        evidence=evidence, seconds=round(time.perf_counter() - start, 4), notes=notes)
