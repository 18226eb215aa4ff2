"""Checking a sentence about a FeatureEffect: its shape, its flips, its numbers.

Claims read, each checked against the curve itself (``FeatureEffect.shape`` is computed from it):

- **direction**: the product of the sentence's direction words ("a higher income goes with a
  higher chance" is up x up = rising; "the chance falls as the amount rises" is falling). Naming
  the other class of two reverses it. A rising curve needs a rising claim; a flat one no direction
  at all; a mixed one must say so ("not one-way") or name both directions;
- **flattening**: "above 160 it makes little further difference" needs the curve to flatten at 160;
- **peaks and troughs**: "highest at 26", "lowest for priv" must be the curve's own;
- **flips**: "would change the decision" needs a flip (a negated one, none) and its numbers and
  classes must be the flip's; "from “good” to “bad”" in that order;
- **numbers**: a percentage is a probability or share in the record ("52.6% at 36" must be the
  curve's value at 36), a bare number a grid value, count or threshold in it, points a Shapley
  bin mean or the curve's change. A regressor's curve is in its own unit: "$11 at 55" must be the
  curve at 55 within the rounding it shows, and no value of it may be read as a percentage.

>>> from explainer_nlg.evidence.effects import FeatureEffect
>>> fe = FeatureEffect("global", "Income", "numeric", "good", [50, 100, 150, 200], [0.40, 0.60, 0.70, 0.705],
...                    rows_used=300, rows_total=4454, data_share=[0.2, 0.6, 0.8, 0.9])
>>> check_effect_sentence("The chance of “good” rises with income, from 40.0% at 50 to 70.5% at 200.", fe).ok
True
>>> check_effect_sentence("Income lowers the chance of “good”.", fe).reason
'direction: the curve is rising, but the sentence says falling'
>>> check_effect_sentence("The chance of “good” rises with income, from 40.0% at 50 to 90.5% at 200.", fe).reason
'number: 90.5% is not the curve at 200 (70.5%)'
"""

from __future__ import annotations

from typing import Any

from ...attribution.row_filters import describe
from ...evidence.effects import FeatureEffect
from ..views.phrases import feature_names
from .verdict import Claim, Verdict
from .view_claims import (
    Clause,
    Tok,
    any_close,
    close,
    is_method_sentence,
    make_context,
    method_numbers,
    names_said,
    number_claim,
    read,
    verdict,
)


def effect_context(fe: FeatureEffect, descriptions: dict[str, str] | None = None,
                   aliases: dict[str, list[str]] | None = None):
    names: dict[str, list[tuple]] = {}
    for n in feature_names(fe.feature, descriptions):
        names.setdefault(n, []).append(("feature", fe.feature))
    for c in _labels(fe):
        names.setdefault(c, []).append(("label", c))
        for a in (aliases or {}).get(c, []):
            names.setdefault(a, []).append(("label", c))
    if fe.feature_kind == "categorical":
        for g in fe.grid:
            names.setdefault(str(g), []).append(("category", str(g)))
    if fe.cohort:
        names.setdefault(describe(fe.cohort), []).append(("cohort", describe(fe.cohort)))
    return make_context(names, fe.method, fe.row_noun)


def _labels(fe: FeatureEffect) -> list[str]:
    found = [fe.target_label] + list(fe.classes) + list(fe.decisions or []) + \
        [f[k] for f in fe.flips or [] for k in ("from", "to")]
    if fe.current:
        found.append(fe.current.get("predicted_label"))
    return [c for c in dict.fromkeys(found) if c]


def check_effect_sentence(sentence: str, fe: FeatureEffect, descriptions: dict[str, str] | None = None,
                          aliases: dict[str, list[str]] | None = None) -> Verdict:
    """Check one sentence against a FeatureEffect (see the module docstring)."""
    ctx = effect_context(fe, descriptions, aliases)
    clauses, claims, toks = read(sentence, ctx)
    mentioned, said = names_said(clauses, {"feature", "label", "category"})
    claims += said
    claims += _direction(clauses, fe)
    for c in clauses:
        claims += _flat(c, fe) + _extremes(c, fe)
    # a flip is stated over commas ("with income below about 80 (it is 137 now), the decision would
    # be “bad”"): read it from the whole sentence
    if not is_method_sentence(clauses):
        claims += _flips(Clause([t for c in clauses for t in c.toks]), fe)
    claims += _numbers(clauses, fe)
    return verdict(sentence, claims, mentioned)


def _direction(clauses: list[Clause], fe: FeatureEffect) -> list[Claim]:
    signs = []
    for c in clauses:
        for i in c.cues("up") + c.cues("down"):
            tag = c.toks[i].ref.meaning
            if c.negated(i):
                continue  # "does not raise" claims no direction; the flat check reads "barely"
            signs.append(1 if tag == "up" else -1)
    mixed_said = any(c.has("mixed") for c in clauses)
    if not signs:
        if mixed_said and fe.shape["direction"] not in ("mixed", "varies"):
            return [Claim("direction", "not one-way", False, f"the curve is {fe.shape['direction']}, not mixed")]
        return []
    polarity = 1
    for s in signs:
        polarity *= s
    others = {r[1] for c in clauses for _, r in c.names("label") if r[1] != fe.target_label}
    if others:
        if len(_labels(fe)) != 2:
            return [Claim("direction", ", ".join(sorted(others)), False,
                          f"the curve gives p({fe.target_label}); a direction toward another class is not in it")]
        polarity = -polarity
    shape = fe.shape["direction"]
    said = "rising" if polarity > 0 else "falling"
    if shape == "mixed":
        # "a higher amount gives a lower chance" is one direction said with two words: only an
        # explicit "not one-way" (or "rises and falls") fits a curve that goes both ways
        return [Claim("direction", said, mixed_said, "" if mixed_said else
                      "the curve is not one-way; the sentence says " + said)]
    if shape in ("flat", "varies"):
        return [Claim("direction", said, False, f"the curve is {shape}; the sentence says {said}")]
    ok = said == shape
    return [Claim("direction", said, ok, "" if ok else f"the curve is {shape}, but the sentence says {said}")]


def _flat(c: Clause, fe: FeatureEffect) -> list[Claim]:
    if not c.has("flat"):
        return []
    s = fe.shape
    words = c.words()
    nums = [t for _, t in c.numbers() if not t.unit]
    if fe.feature_kind == "categorical" or not nums or not (words & {"above", "over", "beyond", "below", "under",
                                                                        "after", "before", "past"}):
        # unbounded ("income barely matters"): the whole curve must be flat
        ok = s["direction"] == "flat"
        return [Claim("shape", "flat", ok, "" if ok else
                      f"the curve is {s['direction']} over {s['span'] * 100:.1f} points, not flat")]
    t = nums[0]
    t.used = True
    where = s["flat_above"] if words & {"above", "over", "beyond", "after", "past"} else s["flat_below"]
    ok = where is not None and close(t, float(where))
    return [Claim("shape", f"flat from {t.text}", ok, "" if ok else
                  f"the curve flattens {'at ' + str(where) if where is not None else 'nowhere on that side'}, "
                  f"not at {t.text}")]


def _extremes(c: Clause, fe: FeatureEffect) -> list[Claim]:
    out = []
    v = fe.values
    for tag, idx in (("peak", max(range(len(v)), key=lambda i: v[i])), ("trough", min(range(len(v)), key=lambda i: v[i]))):
        for i in c.cues(tag):
            after = c.toks[i + len(c.toks[i].ref.text.split()):]
            target = fe.grid[idx]
            named = next((t for t in after if t.kind == "num" or (t.ref and t.ref.tag == "name")), None)
            if named is None:
                continue
            if named.kind == "num":
                named.used = True
                ok = close(named, float(target)) if fe.feature_kind == "numeric" else False
            else:
                ok = any(r[1] == str(target) for r in named.ref.meaning if r[0] == "category")
            word = "highest" if tag == "peak" else "lowest"
            out.append(Claim("shape", f"{word} at {named.text}", ok, "" if ok else
                             f"the curve is {word} at {target}, not {named.text}"))
    return out


def _flips(c: Clause, fe: FeatureEffect) -> list[Claim]:
    spots = c.cues("flip")
    if not spots:
        return []
    negated = any(t.ref and t.ref.tag == "cue" and t.ref.meaning == "negation" for t in c.toks[:spots[0]])
    if fe.scope == "global":
        has = bool(fe.flip_rows)
        if negated:
            return [Claim("flip", "no flips", not has, "" if not has else f"{fe.flip_rows} rows' decisions flip")]
        return [Claim("flip", "flips", has, "" if has else "no row's decision flips on the grid")]
    flips = fe.flips or []
    if negated:
        return [Claim("flip", "no flip", not flips, "" if not flips else f"the decision flips at {flips[0]['at']}")]
    if fe.feature_kind == "categorical":
        return _category_decisions(c, fe)
    if not flips:
        return [Claim("flip", "flip", False, "the decision does not flip anywhere on the grid")]
    out = [Claim("flip", "flip", True)]
    figures = [float(f[k]) for f in flips for k in ("at", "low", "high")]
    if fe.current and fe.current.get("value") is not None:
        figures.append(float(fe.current["value"]))
    for _, t in c.numbers():
        if not t.unit:
            t.used = True
            out.append(number_claim(t, any_close(t, figures), "where the decision flips"))
    labels = [(i, r[1]) for i, r in c.names("label")]
    words = c.words()
    for i, lab in labels:
        prev = next((x.norm for x in reversed(c.toks[:i]) if x.kind == "word"), "")
        if prev == "be" and words & {"below", "under", "less", "more", "above", "over", "least"}:
            # "with income below about 80, the decision would be X": the decision on that side
            below = bool(words & {"below", "under", "less"})
            at = next((t for _, t in c.numbers() if not t.unit), None)
            spot = next((f for f in flips if at is not None and close(at, float(f["at"]))), flips[0])
            want = spot["from"] if below else spot["to"]
            out.append(Claim("flip", f"{'below' if below else 'above'}: {lab}", lab == want, "" if lab == want else
                             f"{'below' if below else 'from'} {spot['at']} the decision is “{want}”, not “{lab}”"))
            continue
        if prev in ("from", "to"):
            key = "from" if prev == "from" else "to"
            ok = any(f[key] == lab for f in flips)
            out.append(Claim("flip", f"{prev} {lab}", ok, "" if ok else
                             f"the decision changes {key} “{flips[0][key]}”, not “{lab}”"))
    return out


def _category_decisions(c: Clause, fe: FeatureEffect) -> list[Claim]:
    """"the decision would be “bad” with rent or priv": each category named after a class must
    give that decision."""
    decided = dict(zip(map(str, fe.grid), fe.decisions or []))
    out, current = [], None
    for t in c.toks:
        if not (t.ref and t.ref.tag == "name" and t.ref.first):
            continue
        for r in t.ref.meaning:
            if r[0] == "label":
                current = r[1]
            elif r[0] == "category" and current is not None and r[1] in decided:
                ok = decided[r[1]] == current
                out.append(Claim("flip", f"{r[1]}: {current}", ok, "" if ok else
                                 f"with {r[1]} the decision would be “{decided[r[1]]}”, not “{current}”"))
    return out


def _amounts(fe: FeatureEffect) -> list[float]:
    """A regressor's curve in its own unit: every value, band edge, Shapley bin mean and change."""
    s = fe.shape
    out = [v for v in fe.values + (fe.band_low or []) + (fe.band_high or []) if v is not None]
    out += [b["mean"] for b in (fe.shap_dependence or {}).get("bins") or []] + [s.get("change", 0.0), s["span"]]
    if fe.current and _is_num(fe.current.get("probability")):
        out.append(float(fe.current["probability"]))
    return out


def _figures(fe: FeatureEffect) -> dict[str, list[float]]:
    s = fe.shape
    # a regressor's values are amounts, never percentages (a curve of 11.2 is not "1120%")
    pct = [] if fe.is_regression else [v * 100 for v in fe.values + (fe.band_low or []) + (fe.band_high or [])
                                       if v is not None]
    shares = [x * 100 for x in (fe.data_share or [])]
    pct += shares + [100 - x for x in shares] + [10.0, 90.0, 80.0]
    pct += [x for f in fe.flips or [] if f.get("share_below") is not None
            for x in (f["share_below"] * 100, 100 - f["share_below"] * 100)]
    if fe.current and not fe.is_regression:
        pct.append(fe.current["probability"] * 100)
    if fe.flip_rows is not None and fe.rows_used:
        pct.append(fe.flip_rows / fe.rows_used * 100)
    bare = [float(g) for g in fe.grid if _is_num(g)] + [float(fe.rows_used), float(fe.rows_total), 80.0, 10.0, 90.0]
    bare += [float(f[k]) for f in fe.flips or [] for k in ("at", "low", "high")]
    if fe.flip_rows is not None:
        bare.append(float(fe.flip_rows))
    if fe.current:
        bare += [float(x) for x in (fe.current.get("value"), fe.current.get("row_id")) if _is_num(x)]
    dep = fe.shap_dependence or {}
    for b in dep.get("bins") or []:
        bare += [float(x) for x in (b["low"], b["high"], b["rows"]) if _is_num(x)]
    if dep.get("rows"):
        bare.append(float(dep["rows"]))
    points = [] if fe.is_regression else [b["mean"] * 100 for b in dep.get("bins") or []] + \
        [s.get("change", 0.0) * 100, s["span"] * 100]
    quoted = method_numbers(fe)  # a developer sentence quotes the method, units and all
    return {"pct": pct + quoted, "": bare + quoted, "points": points + quoted}


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _numbers(clauses: list[Clause], fe: FeatureEffect) -> list[Claim]:
    figs = _figures(fe)
    out = []
    for c in clauses:
        toks = c.toks
        for i, t in c.numbers():
            t.used = True
            at = _at_value(toks, i, fe)
            if fe.is_regression and t.unit in ("", "money", "points"):
                out.append(_amount_claim(t, at, fe, figs))
                continue
            if t.unit == "pct" and at is not None:
                want = fe.value_at(at) * 100
                extra = [x * 100 for x in _band_at(fe, at)]
                ok = close(t, want) or any_close(t, extra)
                out.append(Claim("number", f"{t.text}%", ok, "" if ok else
                                 f"{t.text}% is not the curve at {_fmt(at)} ({want:.1f}%)"))
                continue
            unit = t.unit if t.unit in figs else ""
            out.append(number_claim(t, any_close(t, figs[unit]), "a figure of this curve"))
    return out


def _amount_claim(t: Tok, at: float | None, fe: FeatureEffect, figs: dict[str, list[float]]) -> Claim:
    """A regressor's figure: "$11 at 55" must be the curve at 55, within the rounding it shows (or
    2%); any other number a grid value, count or share of the record, or one of its amounts."""
    from .check_amount import tolerance

    def near(v: float) -> bool:
        if t.signed and (t.value >= 0) != (v >= 0):
            return False
        return abs(abs(t.value) - abs(v)) <= tolerance(t, v, hedged=False)

    if at is not None:
        want = fe.value_at(at)
        extra = _band_at(fe, at)
        ok = near(want) or any(near(v) for v in extra)
        return Claim("number", t.text, ok, "" if ok else f"{t.text} is not the curve at {_fmt(at)} ({want:.4g})")
    ok = (t.unit != "money" and any_close(t, figs[""])) or any(near(v) for v in _amounts(fe))
    return number_claim(t, ok, "a figure of this curve")


def _at_value(toks: list[Tok], i: int, fe: FeatureEffect):
    """The grid value a percentage is tied to: "52.6% at 36" or "at 26 (74.7%)"."""
    if fe.feature_kind != "numeric":
        return None
    j = i + 1
    if fe.is_regression and fe.unit:  # "3.8 points at 166": the unit's words come first
        for word in str(fe.unit).lower().split():
            if j < len(toks) and toks[j].norm == word:
                j += 1
    nxt = toks[j:j + 2]
    if len(nxt) == 2 and nxt[0].norm == "at" and nxt[1].kind == "num":
        return nxt[1].value
    before = toks[max(0, i - 3):i]
    if len(before) >= 3 and before[-1].norm == "(" and before[-2].kind == "num" and before[-3].norm == "at":
        return before[-2].value
    return None


def _band_at(fe: FeatureEffect, x: float) -> list[float]:
    if fe.band_low is None or x not in [float(g) for g in fe.grid]:
        return []
    i = [float(g) for g in fe.grid].index(x)
    return [fe.band_low[i], fe.band_high[i]]


def _fmt(x: float) -> str:
    return f"{x:g}"
