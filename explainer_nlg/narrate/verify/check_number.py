"""Number claims: every figure must be one the record holds, read by what it stands beside: a
percentage after a class is that class's probability, points after a player its contribution, a
bare number after a numeric feature its value; otherwise any figure of the right unit."""

from __future__ import annotations

from dataclasses import replace

from ..facts import Facts, fmt_number, heat_shares, is_number
from .check_amount import bound, check_amount, is_hedged, sum_fits, tolerance
from .clauses import Clause, Placed, nearest
from .phrases import count_words
from .tokens import Token
from .verdict import Claim

CHANCE_WORDS = frozenset({"chance", "chances", "probability", "risk", "likelihood", "odds"})


def close(t: Token, v: float) -> bool:
    """Whether ``v`` rounds to the number as written (to its decimals)."""
    tol = 0.5 * 10 ** (-t.decimals) + 1e-9
    return abs(abs(t.value) - abs(v)) <= tol * (1 + 1e-6)


def number_sets(f: Facts) -> dict[str, list[float]]:
    """Every figure in the record, by unit: "pct" (probabilities), "points" (contributions,
    faithfulness), "" (counts, values, row ids)."""
    rec = f.record
    pct = [p * 100 for p in f.probabilities.values()] + [f.base * 100]
    points = [abs(p.contribution) * 100 for p in f.players if p.contribution is not None]
    bare = [float(len(f.players))] + [float(i) for i in range(1, 6)]
    for p in f.players:
        vals = p.value if f.is_change else (p.value,)
        bare += [float(v) for v in vals if is_number(v)]
    if f.is_change:
        pct.append(f.new_probability * 100)
    else:
        points.append(abs(rec.output_value - rec.base_value) * 100)
        fa = rec.faithfulness or {}
        for key in ("comprehensiveness", "sufficiency", "comprehensiveness_random_k"):
            if fa.get(key) is not None:
                points.append(abs(fa[key]) * 100)
        for key in ("p_full", "p_without_top_k", "p_only_top_k"):
            if fa.get(key) is not None:
                pct.append(fa[key] * 100)
        bare += [float(rec.n_evaluations), float(rec.seconds)]
        if fa.get("k") is not None:
            bare.append(float(fa["k"]))
        # (and the row it is measured against: "compared with row 7", ``Explainer.contrast``)
        for where in (rec.input, (rec.extra or {}).get("reference") or {}):
            if is_number(where.get("row_id")):
                bare.append(float(where["row_id"]))
        pct += [v * 100 for v in heat_shares(rec).values()]
    return {"pct": pct, "points": points, "": bare}


def check_number(f: Facts, t: Token, clause: Clause, pos: int) -> Claim:
    if not clause.players and clause.item_players and not clause.labels:
        # "gender (women) -0.13": a figure split from its feature by parentheses is about that feature.
        clause = replace(clause, players=[Placed(-1, list(clause.item_players))])
    if t.unit == "money" and not f.in_amounts:
        # "$1,500" in a record of probabilities (an LLM's wording): the record names no currency for
        # its values, so the dollar sign is a claim the evidence does not back.
        return Claim("number", t.text, False, f"{t.text}: the evidence gives no currency for its figures")
    if f.in_amounts and t.unit != "pct":
        return check_amount(f, t, clause, pos, clause.sentence_players)
    claim = _check_number(f, t, clause, pos)
    if not claim.ok and t.unit == "pct":
        value = _percent_of_value(f, t, clause, pos)
        if value is not None:
            return value
    if claim.ok or not _fraction(f, t):
        return claim
    # "P(Android)=0.78", "'big' +0.22": a probability or a contribution written as a fraction, as
    # shap prints them. Beside a feature it is that feature's contribution; elsewhere a probability.
    # "other_income (5.1) +0.105": the clause split at the parentheses; the feature is the one before.
    owner = clause if any(q < pos for q, _ in clause.players) else None
    if owner is None and clause.item_players:
        owner = replace(clause, players=[Placed(-1, list(clause.item_players))])
    as_share = Token("num", t.text, value=t.value * 100, decimals=t.decimals - 2, signed=t.signed,
                     unit="points" if owner is not None else "pct")
    share = _check_number(f, as_share, owner or clause, pos)
    return share if share.ok else claim


def _percent_of_value(f: Facts, t: Token, clause: Clause, pos: int) -> Claim | None:
    """"lunch (85.1%)", "85% of pupils get a subsidised lunch": a percentage beside a numeric
    feature is its value, stored as a percentage (85.1) or as a fraction of 1 (0.851). None where
    no numeric feature stands in the clause (the percentage keeps its other readings' verdict)."""
    if not clause.players:
        return None
    p = f.players[nearest(clause.players, pos)[0]]
    if f.is_change or not p.numeric or not is_number(p.value):
        return None
    v = float(p.value)
    ok = close(t, v) or (0.0 <= v <= 1.0 and close(t, v * 100))
    return Claim("number", t.text, ok, "" if ok else f"{p.noun} is {fmt_number(v)}, not {t.text}")


def _fraction(f: Facts, t: Token) -> bool:
    """Whether ``t`` may be a share written as a fraction of 1 ("0.344", "+0.095")."""
    return (f.unit == "probability" and not f.is_change and t.unit in ("", "points") and t.decimals >= 2
            and abs(t.value) <= 1.0 and "%" not in t.text)


def _check_number(f: Facts, t: Token, clause: Clause, pos: int) -> Claim:
    shown = t.text + ("%" if t.unit == "pct" and "%" not in t.text else "")
    if f.is_change and not t.unit and \
            any(x.kind == "word" and x.norm in count_words() for x in clause.toks[pos + 1:pos + 4]):
        # "3 sets of changes": how many counterfactuals the search found.
        n = f.record.get("alternatives")
        ok = is_number(n) and close(t, float(n))
        return Claim("number", shown, ok, "" if ok else
                     f"the search found {n if is_number(n) else 'an unrecorded number of'} "
                     f"counterfactuals, not {shown}")
    # A percentage right after a class is that class's probability.
    if t.unit == "pct":
        labs = [(p, lab) for p, lab, _ in clause.labels if 0 <= p < pos]
        after = [(p, lab) for p, lab, _ in clause.labels if pos < p <= pos + 4]
        if not labs and after and any(x.kind == "word" and x.norm in CHANCE_WORDS for x in clause.toks[pos + 1:after[0][0]]):
            labs = [(pos, after[0][1])]  # "a 62% chance of diabetes": the class after it
        if labs:
            lab = max(labs)[1]
            v = (f.new_probability if f.is_change and lab == f.new_label and lab != f.predicted
                 else f.probabilities.get(lab, -1)) * 100
            side = bound(clause, pos)  # "over 99%", "under 20%": a floor or a ceiling
            ok = close(t, v) or (side != 0 and (v - t.value) * side >= 0)
            if not ok and lab == f.target and not f.is_change:
                # The explained class's other probabilities: with nothing known, or without the top k.
                fa = f.record.faithfulness or {}
                others = [f.base] + [fa[k] for k in ("p_without_top_k", "p_only_top_k") if fa.get(k) is not None]
                ok = any(close(t, x * 100) for x in others)
            return Claim("number", shown, ok, "" if ok else f"p({lab.split(',')[0]}) is {v:.1f}%, not {shown}")
        confident = any(x.ref and x.ref.is_fact("confidence") for x in clause.toks)
        if confident and not f.is_change:
            # "very confident, at 97%": the probability of the predicted class.
            ok = close(t, f.p_predicted * 100)
            return Claim("number", shown, ok, "" if ok else
                         f"the model gives {f.p_predicted:.1%} to its prediction, not {shown}")
        if clause.heat and clause.players and f.input_kind == "image" and not f.is_change:
            p = f.players[nearest(clause.players, pos)[0]]
            v = heat_shares(f.record).get(p.name, -1.0) * 100
            ok = close(t, v)
            return Claim("number", shown, ok, "" if ok else f"the heatmap gives {p.noun} {v:.1f}%, not {shown}")
    # Points next to a feature are its contribution, with its sign when one is written.
    if t.unit == "points" and clause.players and not clause.heat:
        idxs = nearest(clause.players, pos)
        for i in idxs:
            c = f.players[i].contribution
            # "about 10 percentage points" for 10.52, "-0.059" for -0.05849: within the amounts'
            # tolerance (the rounding shown or 2% of the true figure; 10% after a hedge).
            near_c = c is not None and (close(t, c * 100) or
                                        abs(abs(t.value) - abs(c * 100)) <= tolerance(t, c * 100, is_hedged(clause, pos)))
            if c is not None and near_c and (not t.signed or (t.value >= 0) == (c >= 0)):
                return Claim("number", shown, True)
        # "Together, “arrived” and “torn” added about 19 points": the sum of the features named (only
        # where the sentence says they act together: with many words named, some sum fits by chance).
        named = sorted({i for _, ids in clause.players for i in ids} | set(clause.sentence_players))
        if clause.together and sum_fits(t, [f.players[i].contribution * 100 for i in named if f.players[i].contribution is not None],
                     is_hedged(clause, pos)):
            return Claim("number", shown, True)
        p = f.players[idxs[0]]
        return Claim("number", shown, False, f"{p.noun} moved the chance by {(p.contribution or 0) * 100:+.2f} "
                                             f"points, not {shown}")
    # A bare number right after a numeric feature is its value.
    if not t.unit and clause.players:
        before = [(p, i) for p, i in clause.players if p < pos]
        if before:
            idxs = max(before)[1]
            p = f.players[idxs[0]]
            vals = p.value if f.is_change else (p.value,)
            if any(is_number(v) for v in vals):
                ok = any(is_number(v) and close(t, float(v)) for v in vals)
                return Claim("number", shown, ok, "" if ok else f"{p.noun} is {_fmt_vals(vals)}, not {shown}")
    side = bound(clause, pos) if t.unit == "pct" else 0
    ok = any(close(t, v) or (side and (v - t.value) * side >= 0) for v in number_sets(f)[t.unit])
    return Claim("number", shown, ok, "" if ok else f"{shown} is not a figure in the evidence")


def _fmt_vals(vals) -> str:
    return " or ".join(fmt_number(v) for v in vals)
