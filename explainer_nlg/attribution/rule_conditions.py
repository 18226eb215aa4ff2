"""Rule conditions on a table: which rows meet them, and one condition per feature after merging.

A tree path says "Income > 50", then "Income <= 120", then "Income > 80"; read as a rule that is
"80 < Income <= 120". ``merge`` does that for every kind of condition the rules use, and ``holds``
counts rows exactly as the record states them, so a precision is always a count over the rows.

>>> import pandas as pd
>>> from explainer_nlg.evidence.rules import Condition
>>> c = merge([Condition("Income", ">", 50), Condition("Income", "<=", 120), Condition("Income", ">", 80)])
>>> [x.text() for x in c]
['80 < Income <= 120']
>>> df = pd.DataFrame({"Income": [60, 90, 130, None], "Home": ["rent", "owner", "owner", "rent"]})
>>> holds(df, c + [Condition("Home", "==", "owner")]).tolist()
[False, True, False, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..evidence.rules import Condition


def holds(data: pd.DataFrame, conditions: list[Condition]) -> np.ndarray:
    """Boolean mask of the rows of ``data`` meeting every condition."""
    mask = np.ones(len(data), bool)
    for c in conditions:
        s = data[c.feature]
        missing = s.isna().to_numpy()
        if c.op == "missing":
            hit = missing
        elif c.op == "not missing":
            hit = ~missing
        elif c.op in ("<=", ">", "between"):
            v = s.to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                if c.op == "<=":
                    hit = v <= float(c.value)
                elif c.op == ">":
                    hit = v > float(c.value)
                else:
                    hit = (v > float(c.value[0])) & (v <= float(c.value[1]))
            hit = np.where(missing, c.or_missing, hit)
        else:
            text = s.astype(str).to_numpy()
            values = [str(v) for v in (c.value if c.op in ("in", "not in") else [c.value])]
            hit = np.isin(text, values)
            if c.op in ("!=", "not in"):
                hit = ~hit
            hit = np.where(missing, c.or_missing, hit)
        mask &= hit.astype(bool)
    return mask


def merge(conditions: list[Condition]) -> list[Condition]:
    """One condition per feature (in order of first appearance): numeric bounds tightened into
    ``<=``, ``>`` or ``between``; category sets intersected into ``==``, ``in``, ``!=`` or
    ``not in``. ``or_missing`` survives only if every merged condition allows missing values."""
    by_feature: dict[str, list[Condition]] = {}
    for c in conditions:
        by_feature.setdefault(c.feature, []).append(c)
    out = []
    for feature, cs in by_feature.items():
        if any(c.op == "missing" for c in cs):
            out.append(Condition(feature, "missing"))
            continue
        or_missing = all(c.or_missing for c in cs)
        numeric = [c for c in cs if c.op in ("<=", ">", "between")]
        if numeric:
            lows = [float(c.value) for c in numeric if c.op == ">"] + \
                   [float(c.value[0]) for c in numeric if c.op == "between"]
            highs = [float(c.value) for c in numeric if c.op == "<="] + \
                    [float(c.value[1]) for c in numeric if c.op == "between"]
            lo, hi = (max(lows) if lows else None), (min(highs) if highs else None)
            if lo is not None and hi is not None:
                out.append(Condition(feature, "between", [_num(lo), _num(hi)], or_missing))
            elif lo is not None:
                out.append(Condition(feature, ">", _num(lo), or_missing))
            else:
                out.append(Condition(feature, "<=", _num(hi), or_missing))
            continue
        if all(c.op == "not missing" for c in cs):
            out.append(Condition(feature, "not missing"))
            continue
        allowed: set | None = None
        excluded: set = set()
        for c in cs:
            vals = set(map(str, c.value if c.op in ("in", "not in") else [c.value]))
            if c.op in ("==", "in"):
                allowed = vals if allowed is None else allowed & vals
            elif c.op in ("!=", "not in"):
                excluded |= vals
        if allowed is not None:
            allowed -= excluded
            vals = sorted(allowed)
            out.append(Condition(feature, "==", vals[0], or_missing) if len(vals) == 1
                       else Condition(feature, "in", vals, or_missing))
        else:
            vals = sorted(excluded)
            out.append(Condition(feature, "!=", vals[0], or_missing) if len(vals) == 1
                       else Condition(feature, "not in", vals, or_missing))
    return out


def tidy(conditions: list[Condition], categories: dict[str, list[str]],
         allows_missing: dict[str, bool]) -> list[Condition]:
    """Conditions as a reader expects them: "or missing" dropped for features that are never
    missing, and "not yes" of a two-category feature read as "no" (any exclusion that leaves one
    category names that category).

    >>> tidy([Condition("Records", "!=", "yes", True)], {"Records": ["no", "yes"]}, {"Records": False})[0].text()
    'Records == no'
    """
    out = []
    for c in conditions:
        or_missing = c.or_missing and allows_missing.get(c.feature, True)
        if c.op in ("!=", "not in") and c.feature in categories:
            gone = set(map(str, c.value if c.op == "not in" else [c.value]))
            left = [k for k in categories[c.feature] if k not in gone]
            if len(left) == 1:
                out.append(Condition(c.feature, "==", left[0], or_missing))
                continue
        out.append(Condition(c.feature, c.op, c.value, or_missing))
    return out


def _num(v: float):
    return int(v) if float(v).is_integer() else float(v)
