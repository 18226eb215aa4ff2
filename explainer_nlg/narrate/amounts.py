"""Evidence in the model's own unit (a regressor's dollars or points; log-odds from elsewhere) as
people read it: "added about $12,800", "lowered the score by 3.1 points".

Sentences are built here for the three audiences and checked by the same verifier as every other
template (``verify/check_amount.py`` reads the amounts back, within the tolerance it states).

>>> from explainer_nlg.evidence import Evidence
>>> ev = Evidence.from_contributions([("Living area", 1698, 12757.84), ("Year built", 1963, -8000.0)],
...                                  prediction=186000.0, base_value=181242.16, unit="$", name="price")
>>> for slot, text in amount_sentences(facts_for(ev), "customer"):
...     print(text)
The model puts the price at about $186,000, about $4,760 above the average of about $181,000.
The biggest factor was living area of 1,698, which added about $12,800.
Year built 1963 took about $8,000 off.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .facts import (
    EPS,
    Facts,
    Player,
    facts_for,
    fmt_apart,
    fmt_number,
    fmt_pct,
    fmt_value,
    is_number,
    label_display,
    quote,
)
from .vocabulary import vocabulary

CURRENCIES = ("$", "€", "£")
GAP_SHARE = 1e-6  # a gap below this share of the largest figure is float error


def round_sig(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` significant figures.

    >>> round_sig(12757.84, 3), round_sig(3.08, 2), round_sig(0.0, 2)
    (12800.0, 3.1, 0.0)
    """
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def fmt_amount(x: float, unit: str | None, about: bool = False, signed: bool = False, exact: bool = False) -> str:
    """An amount in ``unit`` as people write it: "$12,800", "3.1 points", "0.59 log-odds".

    ``about``: rounded to 3 significant figures from 1,000 up and 2 below (what "about" means in
    the templates; the verifier allows more, see check_amount.py). Otherwise whole units from 100
    up and 3 significant figures below; ``exact``: to 2 decimals (the developer's list), except
    money from 100 up, which is in whole units (prices and incomes are held in whole amounts:
    "+$16,399.58" read as noise).

    >>> fmt_amount(12757.84, "$", about=True), fmt_amount(-3.08, "points", about=True, signed=True)
    ('$12,800', '-3.1 points')
    >>> fmt_amount(0.004123, "stars"), fmt_amount(-0.004123, None, exact=True, signed=True), fmt_amount(1234.5, "$")
    ('0.00412 stars', '-0.004123', '$1,234')
    >>> fmt_amount(16399.58, "$", exact=True, signed=True), fmt_amount(16399.58, "points", exact=True)
    ('+$16,400', '16,399.58 points')
    """
    v = abs(x)
    if about:
        sig = 3 if v >= 1000 else 2
    elif exact:
        sig = None if v >= 100 else 4
    else:
        sig = None if v >= 100 else 3
    if sig is None:
        decimals = 2 if exact and unit not in CURRENCIES else 0
    else:
        v = round_sig(v, sig)
        decimals = max(0, sig - 1 - int(math.floor(math.log10(v)))) if v > 0 else 0
    text = f"{v:,.{decimals}f}"
    if "." in text and not exact:
        text = text.rstrip("0").rstrip(".")
    sign = ("+" if x >= 0 else "-") if signed else ""
    if unit in CURRENCIES:
        return f"{sign}{unit}{text}"
    if not unit:
        return f"{sign}{text}"
    return f"{sign}{text} {unit}"


def quantity(f: Facts) -> str:
    """What the amounts are amounts of: "the sale price", or "the log-odds of “diabetes”"."""
    if f.output_kind == "regression":
        from .facts import _split_name

        return f"the {_split_name(f.predicted)}" if f.predicted else "the prediction"
    return f"the {f.unit or 'output'} of {label_display(f.target)}"


def _verb(p: Player, about: bool, unit: str | None, subject: str | None = None) -> str:
    amount = fmt_amount(p.contribution, unit, about=about)
    word = "about " if about else ""
    who = p.phrase if subject is None else subject
    return f"{who} added {word}{amount}" if p.contribution > 0 else f"{who} took {word}{amount} off"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _strong(f: Facts, limit: int) -> list[Player]:
    """Players with at least ``min_share`` of the largest |contribution|, strongest first."""
    floor = max(EPS, vocabulary()["thresholds"]["min_share"] * f.max_abs())
    chosen = [p for p in f.players if p.contribution is not None and abs(p.contribution) >= floor]
    return sorted(chosen, key=lambda p: -abs(p.contribution))[:limit]


def _opening(f: Facts, audience: str) -> str:
    unit, pred, base = f.unit, float(f.prediction or 0.0), f.base
    about = audience == "customer"
    if f.output_kind != "regression":
        shown = f"{fmt_amount(pred, unit, about=about)}" if unit in CURRENCIES else fmt_amount(pred, None, about)
        lead = (f"The model predicted {label_display(f.predicted)} ({fmt_pct(f.probabilities[f.predicted])}). "
                if f.predicted in f.probabilities else "")
        return (f"{lead}{_cap(quantity(f))} comes to {'about ' if about else ''}{shown}, against a baseline "
                f"of {'about ' if about else ''}{fmt_amount(base, None, about)}.")
    diff = pred - base
    word = "about " if about else ""
    where = ("at the average" if abs(diff) <= EPS * max(1.0, abs(base)) else
             f"{word}{fmt_amount(diff, unit, about=about)} {'above' if diff > 0 else 'below'} the average "
             f"{'' if about else 'prediction '}of {word}{fmt_amount(base, unit, about=about)}")
    if audience == "customer":
        return f"The model puts {quantity(f)} at {word}{fmt_amount(pred, unit, about=True)}, {where}."
    return f"The model predicts {quantity(f).replace('the ', 'a ', 1)} of {fmt_amount(pred, unit)}, {where}."


def amount_sentences(f: Facts, audience: str) -> list[tuple[str, str]]:
    """(slot, sentence) pairs for an Evidence record in amounts (see the module docstring)."""
    th = vocabulary()["thresholds"]
    unit = f.unit if f.output_kind == "regression" or f.unit in CURRENCIES else None
    out = [("decision", _opening(f, audience))]
    if f.max_abs() <= EPS:
        out.append(("nothing", "No feature moved the prediction away from the average."))
    elif audience == "customer":
        ranked = _strong(f, th["max_reasons"])
        top, rest = ranked[0], ranked[1:]
        out.append(("reasons", f"The biggest factor was {top.phrase}, which {_verb(top, True, unit, '')[1:]}."))
        if rest:
            out.append(("more", _cap(_join([_verb(p, True, unit) for p in rest])) + "."))
    elif audience == "support":
        listed = _strong(f, th["max_support_factors"])
        ups = [p for p in listed if p.contribution > 0]
        downs = [p for p in listed if p.contribution < 0]
        if ups:
            out.append(("factors_up", _cap(_join([_verb(p, False, unit) for p in ups])) + "."))
        if downs:
            out.append(("factors_down", _cap(_join([_verb(p, False, unit) for p in downs])) + "."))
    else:
        ev = f.record
        out.append(("method", f"Method: {ev.method}, {fmt_number(ev.n_evaluations)} model calls, "
                              f"{ev.seconds:.2f} s."))
        listed = sorted((p for p in f.players if p.contribution is not None),
                        key=lambda p: -abs(p.contribution))[:th["max_developer_list"]]
        items = [f"{quote(p.name) if f.input_kind == 'text' else f'{p.name} ({_shown(p)})'} "
                 f"{fmt_amount(p.contribution, unit, signed=True, exact=True)}" for p in listed]
        out.append(("contributions", "Contributions: " + ", ".join(items) + "."))
    gap = f.record.efficiency_gap()
    scale = max([abs(f.base), abs(f.prediction or 0.0), f.max_abs(), 1e-12])
    if gap > GAP_SHARE * scale:  # never narrate a total the contributions do not make
        out.append(("gap", f"Note: the contributions do not add up to the prediction; the gap is "
                           f"{fmt_amount(gap, unit)}."))
    return out


def _shown(p: Player) -> str:
    return fmt_value(p.name, p.value) if p.numeric or p.value is None else quote(fmt_number(p.value))


def amount_narration(record: Any, audience: str = "customer") -> list[tuple[str, str]]:
    """``amount_sentences`` for a record (an Evidence in amounts)."""
    return amount_sentences(facts_for(record), audience)


def change_sentences(f: Facts, audience: str) -> list[tuple[str, str]]:
    """(slot, sentence) pairs for a regressor's counterfactual or what-if record: the changes, and
    the predicted value before and after, in the model's unit."""
    rec, unit = f.record, f.unit
    old, new = f.base, float(f.new_probability)
    about = audience == "customer"
    word = "about " if about else ""
    if audience == "developer":
        changes = ", ".join(f"{p.name} from {_value(p, 0)} to {_value(p, 1)}" for p in f.players)
    else:
        changes = _join([f"the {p.noun} changed from {_value(p, 0)} to {_value(p, 1)}" for p in f.players])
    target = rec.get("target")
    reach = f", which is within the range asked for ({target})" if target and rec.get("kind") == "counterfactual" else ""
    if audience == "developer":
        head = f"Counterfactual ({rec.get('method', 'search')})" if rec.get("kind") == "counterfactual" else "What-if"
        out = [("flip", f"{head}: {changes} gives {quantity(f)[4:]} "
                        f"{fmt_amount(new, unit)} (was {fmt_amount(old, unit)}){reach}.")]
    else:
        out = [("flip", f"If {changes}, the model would put {quantity(f)} at {word}"
                        f"{fmt_amount(new, unit, about=about)} instead of {word}{fmt_amount(old, unit, about=about)}"
                        f"{reach}.")]
    n = rec.get("alternatives") or 0
    if n > 1 and audience != "customer":
        out.append(("alternatives", f"The search found {n} different sets of changes that do this; this is one "
                                    "with the fewest changes."))
    return out


def _value(p: Player, which: int) -> str:
    v = p.value[which]
    if not is_number(v):
        return quote(fmt_number(v))
    if len(p.value) > 1 and is_number(p.value[1 - which]):
        return fmt_apart(p.value[0], p.value[1], p.name)[which]  # a small change is not "from 0.99 to 0.99"
    return fmt_value(p.name, v)


def unit_of(description: str) -> str | None:
    """The unit a target's description gives its values in, as amounts are written with it; None
    where it names none.

    >>> unit_of("price in US dollars of 486 PCs"), unit_of("median value in $1000s"), unit_of("weight in kg")
    ('$', None, 'kg')
    >>> unit_of("the sale price"), unit_of("rent (euros per month)")
    (None, '€')
    """
    d = description.lower()
    if re.search(r"\$\s?1,?000s|thousands", d):
        return None  # (the amounts are not in the unit's own size: "$1000s" would read 24 as $24)
    if re.search(r"\b(?:us |u\.s\. |american )?dollars?\b|\busd\b|\$", d):
        return "$"
    if re.search(r"\beuros?\b|\beur\b|€", d):
        return "€"
    m = re.search(r"\bin (kg|grams|points|years|months|days|hours|minutes|percent|cm|mm|inches|stars)\b", d)
    return m.group(1) if m else None
