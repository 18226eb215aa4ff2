"""Amount claims: figures in the model's own unit (a regressor's "$12,800" or "3.1 points", log-odds
from elsewhere), read as people write them and checked within a stated tolerance.

The tolerance: a figure may be off by the rounding it shows (half its last significant place:
"$290,000" covers 285,000 to 295,000; "12.76" covers 12.755 to 12.765) or by ``PLAIN_TOLERANCE``
of the true amount, whichever is larger; after a hedge ("about", "roughly", "around", "some",
"nearly", "almost", "approximately", "close to", "or so") by ``HEDGED_TOLERANCE``. So "about
$12,000" passes for 12,757.84 (6% off) and "about $63,000" fails for 36,479.

What a figure is checked against depends on what stands beside it: next to features, their
contribution (or, for a bare number, the feature's value), or the sum of the features the sentence
names ("together they added about $38,000"); elsewhere, any amount of the record (the prediction,
the base value, their difference, a contribution).
"""

from __future__ import annotations

import math
from itertools import combinations

from ..facts import Facts, is_number
from .clauses import Clause, nearest
from .tokens import Token
from .verdict import Claim

PLAIN_TOLERANCE = 0.02
HEDGED_TOLERANCE = 0.10
HEDGES = frozenset({"about", "roughly", "around", "some", "nearly", "almost", "approximately", "approx",
                    "circa", "close", "approaching", "under", "over", "just", "another", "~"})
BASE_WORDS = frozenset({"average", "averages", "mean", "baseline", "base", "typical", "usual", "more", "less",
                        "above", "below", "higher", "lower", "than", "over", "under", "fewer", "up", "down", "from"})
MAX_SUM_PLAYERS = 6  # sums over at most this many of the sentence's features


def tolerance(t: Token, true: float, hedged: bool) -> float:
    """How far the written figure ``t`` may be from ``true``.

    >>> from explainer_nlg.narrate.verify.tokens import tokenise
    >>> t = [x for x in tokenise("about $290,000") if x.kind == "num"][0]
    >>> round(tolerance(t, 289527.0, False)), round(tolerance(t, 289527.0, True)), round(tolerance(t, 1000.0, False))
    (5791, 28953, 5000)
    """
    digits = f"{abs(t.value):.{max(t.decimals, 0)}f}".replace(".", "")
    trailing = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    place = 10.0 ** (-t.decimals + (trailing if t.decimals <= 0 else 0))
    rel = HEDGED_TOLERANCE if hedged else PLAIN_TOLERANCE
    # A round figure covers its rounding, but "$100,000" is not a licence for 50,000 either way.
    rounding = min(0.5 * place, max(HEDGED_TOLERANCE * abs(t.value), 0.5 * 10.0 ** (-t.decimals)))
    return max(rounding, rel * abs(true)) + 1e-9


def is_hedged(clause: Clause, pos: int) -> bool:
    before = [t.norm for t in clause.toks[max(0, pos - 3):pos] if t.kind == "word"]
    after = [t.norm for t in clause.toks[pos + 1:pos + 4] if t.kind == "word"]
    return any(w in HEDGES for w in before) or ("or" in after[:2] and "so" in after[:3])


def bound(clause: Clause, pos: int) -> int:
    """+1 after "more than", "over", "at least" (the amount is a floor), -1 after "less than",
    "under", "at most" (a ceiling), else 0."""
    before = tuple(t.norm for t in clause.toks[max(0, pos - 2):pos] if t.kind == "word")
    if before[-1:] == ("over",) or before[-2:] in (("more", "than"), ("at", "least"), ("greater", "than")):
        return 1
    if before[-1:] == ("under",) or before[-2:] in (("less", "than"), ("at", "most"), ("fewer", "than")):
        return -1
    return 0


def near(t: Token, true: float, hedged: bool, side: int = 0) -> bool:
    gap = abs(true) - abs(t.value)
    if side:
        return gap * side >= -tolerance(t, true, False)
    return abs(gap) <= tolerance(t, true, hedged)


def record_amounts(f: Facts) -> list[float]:
    """Every amount a figure may stand for when nothing beside it says which."""
    amounts = [f.base] + [p.contribution for p in f.players if p.contribution is not None]
    if f.prediction is not None:
        amounts += [f.prediction, f.prediction - f.base]
    if f.is_change:  # the value after the changes, the change, and the range asked for
        amounts += [f.new_probability, f.new_probability - f.base]
        amounts += [float(b) for b in f.record.get("target_range") or [] if is_number(b)]
        return amounts
    gap = f.record.extra.get("efficiency_gap") if hasattr(f.record, "extra") else None
    if is_number(gap):
        amounts.append(float(gap))
    return amounts


def check_amount(f: Facts, t: Token, clause: Clause, pos: int, sentence_players: tuple[int, ...] = ()) -> Claim:
    """A figure in the record's unit (``t.unit`` "money", "points" or none)."""
    shown = t.text + (" " + (f.unit or "") if t.unit == "points" and f.unit and f.unit != "points" else "")
    hedged = is_hedged(clause, pos)
    side = bound(clause, pos)
    contribs = {p.index: p.contribution for p in f.players if p.contribution is not None}
    if _row_named(f, t, clause, pos):
        return Claim("number", shown, True)  # "for row 7": the record's row, or the row it is measured against
    lead = _names_the_prediction(clause, pos) if not f.is_change and f.prediction is not None else ""
    if lead:
        # "the prediction of 1.1 articles is mainly driven by the mentor": the figure is the prediction
        # ("the mean prediction of 1.64": the average).
        true, what = (f.base, "average prediction") if lead == "base" else (f.prediction, "prediction")
        # "The prediction is 8.7 mpg lower than the baseline": the gap, where the clause compares.
        compared = lead != "base" and any(x.kind == "word" and x.norm in BASE_WORDS for x in clause.toks[pos + 1:])
        ok = near(t, true, hedged, side) or (compared and near(t, f.prediction - f.base, hedged, side))
        return Claim("number", shown, ok, "" if ok else f"the {what} is {_fmt(true)}, not {shown}")
    if clause.players:
        idxs = nearest(clause.players, pos)
        before = [(p, i) for p, i in clause.players if p < pos]
        # A bare figure beside a numeric feature may be its value ("a BMI of 26.2", "the 1,698
        # square-foot basement"): the feature named just before it, or the nearest one.
        beside = ([max(before)[1][0]] if before else []) + list(idxs)
        if not t.unit or (t.unit == "money" and not _money_unit(f)):
            # A value in money beside a feature of a model that predicts something else ("income per
            # person, at about $3,300" for a life expectancy) is that feature's value.
            for i in beside:
                p = f.players[i]
                vals = p.value if f.is_change else (p.value,)
                if any(is_number(v) and (abs(t.value - float(v)) <= 0.5 * 10.0 ** (-max(t.decimals, 0)) + 1e-9
                                         or (hedged and near(t, float(v), True))) for v in vals):
                    return Claim("number", shown, True)
        for i in idxs:
            c = contribs.get(i)
            if c is not None and near(t, c, hedged, side) and (not t.signed or (t.value >= 0) == (c >= 0)):
                return Claim("number", shown, True)
        named = sorted({i for _, ids in clause.players for i in ids} | set(sentence_players))
        if sum_fits(t, [contribs[i] for i in named if i in contribs], hedged):
            return Claim("number", shown, True)
        if not t.unit and before and is_number(f.players[max(before)[1][0]].value):
            p = f.players[max(before)[1][0]]
            return Claim("number", shown, False, f"{p.noun} is {p.value}, and no amount here is {shown}")
        if f.is_change and any(near(t, v, hedged, side) for v in record_amounts(f)):
            return Claim("number", shown, True)
        if f.is_change:
            return Claim("number", shown, False, f"{shown} is neither a value changed nor a predicted amount")
        p = f.players[idxs[0]]
        c = contribs.get(p.index, 0.0)
        return Claim("number", shown, False, f"{p.noun} moved {_what(f)} by {c:+,.4g}, not {shown} "
                                             f"(allowed: ±{tolerance(t, c, hedged):,.4g})")
    if not t.unit and not t.signed and _in_row_name(f, t):
        return Claim("number", shown, True, "part of the row's name")
    if not t.unit and not t.signed and [x.norm for x in clause.toks[max(0, pos - 2):pos]] == ["out", "of"]:
        return Claim("number", shown, True, "the scale (“out of”)")
    if clause.decision and not f.is_change and f.prediction is not None and not sentence_players:
        # "The model predicts about 2 articles": the prediction (or the average it is compared
        # with, or the gap between them), never a feature's contribution that happens to be near.
        # The average and the gap only where the clause speaks of them ("vs a mean prediction of 1.64").
        compared = any(x.kind == "word" and x.norm in BASE_WORDS for x in clause.toks)
        amounts = (f.prediction, f.base, f.prediction - f.base) if compared else (f.prediction,)
        ok = any(near(t, v, hedged, side) for v in amounts)
        return Claim("number", shown, ok, "" if ok else f"the prediction is {_fmt(f.prediction)} (average "
                                                        f"{_fmt(f.base)}), not {shown}")
    if any(near(t, v, hedged, side) for v in record_amounts(f)):
        return Claim("number", shown, True)
    named = [contribs[i] for i in sentence_players if i in contribs]
    if sum_fits(t, named, hedged):
        return Claim("number", shown, True)
    if hedged and (not t.unit or (t.unit == "money" and not _money_unit(f))):
        # "Income per person, at about $3,300, ...": a rounded value of a feature the sentence names.
        for i in sentence_players:
            p = f.players[i]
            if any(is_number(v) and near(t, float(v), True) for v in (p.value if f.is_change else (p.value,))):
                return Claim("number", shown, True)
    if not t.unit:
        rec = f.record
        values = [float(v) for p in f.players for v in (p.value if f.is_change else (p.value,)) if is_number(v)]
        if not f.is_change:
            values += [float(rec.n_evaluations), float(rec.seconds), float(len(f.players))]
            for where in (rec.input, (rec.extra or {}).get("reference") or {}):  # its row, and a contrast's other
                if is_number(where.get("row_id")):
                    values.append(float(where["row_id"]))
        elif is_number(rec.get("alternatives")):
            values.append(float(rec["alternatives"]))
        if any(abs(t.value - v) <= 0.5 * 10.0 ** (-max(t.decimals, 0)) + 1e-9 for v in values):
            return Claim("number", shown, True)
        if t.decimals == 0 and 1 <= t.value <= 5:
            return Claim("number", shown, True)  # a count ("the two biggest factors", "3 features")
    return Claim("number", shown, False, f"{shown} is not an amount in the evidence (prediction "
                                         f"{_fmt(f.prediction)}, average {_fmt(f.base)}, or a contribution)")


def _row_named(f: Facts, t: Token, clause: Clause, pos: int) -> bool:
    """"row 7" where 7 is the record's row id or that of the row a contrast is measured against."""
    if f.is_change or t.unit or pos < 1 or clause.toks[pos - 1].norm != "row":
        return False
    rec = f.record
    ids = [(rec.input or {}).get("row_id"), ((rec.extra or {}).get("reference") or {}).get("row_id")]
    return any(is_number(i) and float(i) == t.value for i in ids)


def _in_row_name(f: Facts, t: Token) -> bool:
    """"For India in 2005": a number written as it stands in the row's own name ("India 2005")."""
    row_id = (getattr(f.record, "input", None) or {}).get("row_id") if not f.is_change else None
    return isinstance(row_id, str) and t.text.strip() in row_id.replace(",", " ").split()


PREDICTION_LEADS = frozenset({"prediction", "predicted", "forecast", "estimate", "output"})
LEAD_FILLERS = frozenset({"of", "is", "was", "at", "a", "an", "the", "its", "model's"}) | HEDGES


def _names_the_prediction(clause: Clause, pos: int) -> str:
    """"prediction" when the figure directly follows "prediction of", "predicted", "forecast" (with
    fillers and hedges between, no feature): it states the prediction itself; "base" after "the
    mean prediction of"; else ""."""
    start = max(0, pos - 4)
    for k in range(pos - 1, start - 1, -1):
        t = clause.toks[k]
        if t.kind != "word" or (t.ref is not None and t.ref.is_fact("player")):
            return ""
        if t.norm in PREDICTION_LEADS:
            before = clause.toks[k - 1] if k > 0 else None
            return "base" if before is not None and before.kind == "word" and before.norm in BASE_WORDS else "prediction"
        if t.norm not in LEAD_FILLERS:
            return ""
    return ""


def sum_fits(t: Token, values: list[float], hedged: bool) -> bool:
    """Whether the figure is the sum of two or more of ``values`` (features named together)."""
    if len(values) < 2:
        return False
    for n in range(2, min(len(values), MAX_SUM_PLAYERS) + 1):
        for combo in combinations(values, n):
            s = sum(combo)
            if near(t, s, hedged) and (not t.signed or (t.value >= 0) == (s >= 0)):
                return True
    return False


def _money_unit(f: Facts) -> bool:
    """Whether the model's unit is money ("$", "EUR", "dollars"), so "$3,300" is one of its amounts."""
    u = (f.unit or "").strip().lower()
    return bool(u) and (any(ch in u for ch in "$€£¥") or u in {"usd", "eur", "gbp", "dollars", "euros", "pounds"})


def _what(f: Facts) -> str:
    return "the prediction" if f.output_kind == "regression" else f"the {f.unit or 'output'}"


def _fmt(x: float | None) -> str:
    return "unknown" if x is None or not math.isfinite(x) else f"{x:,.4g}"
