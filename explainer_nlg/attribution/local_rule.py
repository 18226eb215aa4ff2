"""A local rule for any model: a short conjunction of conditions on the input's own values.

As anchors (Ribeiro et al. 2018) do, the rule is built greedily: candidate conditions are the
input's category for each categorical feature and, for each numeric one, the decile thresholds on
either side of its value ("Income > 120", "Amount <= 1,500"); a beam of the ``BEAM`` best rules is
extended by one condition per round, keeping the rules whose precision is highest at the lower
end of its 95% (Wilson) interval, so a rule precise on few rows does not crowd out one precise on
many (anchors ranks by a confidence bound too). The search stops at the first length where some rule reaches ``TARGET``
precision and returns the one of those with the largest coverage; otherwise, after ``MAX_LENGTH``
conditions, the most precise rule found, stated with its figure (under 90% it is never "the
rule").

Precision and coverage are counted over the data's rows with the model's own predictions: the
share of rows meeting the rule that get the input's predicted class, and the share of rows that
meet it. A rule must hold for at least ``MIN_ROWS`` rows, so a precision is never a count of two.
All candidate extensions of a rule are scored in one matrix product over the rows.

>>> import pandas as pd
>>> from sklearn.tree import DecisionTreeClassifier
>>> from explainer_nlg.attribution.tabular_attributor import TabularAttributor
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"income": list(range(100)) * 2, "home": ["own", "rent"] * 100})
>>> df["ok"] = ["yes" if i >= 50 and h == "own" else "no" for i, h in zip(df["income"], df["home"])]
>>> from sklearn.compose import make_column_transformer
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import OneHotEncoder
>>> pipe = make_pipeline(make_column_transformer((OneHotEncoder(), ["home"]), remainder="passthrough"),
...                      DecisionTreeClassifier(random_state=0))
>>> model = pipe.fit(df[["income", "home"]], df["ok"])
>>> att = TabularAttributor(SklearnPredictor(model, ["income", "home"]), df)
>>> r = local_rule(att, 160)                  # income 80, home own
>>> sorted(c.text() for c in r.conditions), r.prediction, r.precision
(['home == own', 'income > 49'], 'yes', 1.0)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError
from ..evidence.rules import MIN_PRECISION, Condition, RuleEvidence
from .counterfactual_tabular import whole_numbers
from .rule_conditions import holds, merge

TARGET = 0.95        # precision the search aims for (a margin above the 0.9 a rule needs)
BEAM = 5
MAX_LENGTH = 4
MIN_ROWS = 20
QUANTILES = np.linspace(0.1, 0.9, 9)


def candidates(data: pd.DataFrame, row: pd.Series, numeric: list[str]) -> list[Condition]:
    """The conditions a local rule may use, all true of ``row``."""
    out = []
    for f, v in row.items():
        if pd.isna(v):
            out.append(Condition(str(f), "missing"))
            continue
        if f in numeric:
            s = data[f].dropna().astype(float)
            qs = np.unique(np.quantile(s, QUANTILES))
            if whole_numbers(s):
                qs = np.unique(np.floor(qs))
            v = float(v)
            out += [Condition(str(f), ">", _num(q)) for q in qs if q < v]
            out += [Condition(str(f), "<=", _num(q)) for q in qs if q >= v]
        else:
            out.append(Condition(str(f), "==", str(v)))
    return out


def _num(v: float):
    return int(v) if float(v).is_integer() else float(v)


def wilson_low(hits: float, n: float, z: float = 1.96) -> float:
    """The lower end of the Wilson score interval of a proportion hits / n.

    >>> round(wilson_low(19, 20), 3), round(wilson_low(190, 200), 3)
    (0.764, 0.91)
    """
    p = hits / n
    centre = p + z * z / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float((centre - spread) / (1 + z * z / n))


def search(cands: list[Condition], met: np.ndarray, same: np.ndarray, min_rows: int = MIN_ROWS,
           target: float = TARGET, beam: int = BEAM, max_length: int = MAX_LENGTH) -> tuple[list[int], int]:
    """The greedy beam search over candidate columns of ``met`` ((rows, candidates) booleans:
    which rows meet each condition) for rules predicting ``same`` (rows with the input's class):
    (the chosen candidate indices, the number of rules scored)."""
    n_rows, n_cands = met.shape
    m = met.astype(np.float32)
    s = same.astype(np.float32)
    frontier: list[tuple[tuple[int, ...], np.ndarray]] = [((), np.ones(n_rows, bool))]
    best: tuple[float, float, tuple[int, ...]] = (-1.0, 0.0, ())
    scored = 0
    for _ in range(max_length):
        found, pool = [], {}
        for rule, mask in frontier:
            covered = mask.astype(np.float32)
            counts = covered @ m           # rows meeting rule + candidate, for every candidate at once
            hits = (covered * s) @ m
            scored += n_cands
            for c in range(n_cands):
                if c in rule or counts[c] < min_rows or counts[c] == mask.sum():
                    continue  # too few rows, or a condition that changes nothing
                new = tuple(sorted(rule + (c,)))
                if new in pool:
                    continue
                prec, cov = hits[c] / counts[c], counts[c] / n_rows
                pool[new] = (wilson_low(float(hits[c]), float(counts[c])), float(cov))
                if prec >= target:
                    found.append((float(cov), float(prec), new))
                if (prec, cov) > best[:2]:
                    best = (float(prec), float(cov), new)
        if found:
            return list(max(found)[2]), scored
        ranked = sorted(pool.items(), key=lambda kv: kv[1], reverse=True)[:beam]
        if not ranked:
            break
        frontier = [(rule, met[:, list(rule)].all(axis=1)) for rule, _ in ranked]
    return list(best[2]), scored


def local_rule(attributor: Any, x: Any, min_rows: int = MIN_ROWS) -> RuleEvidence:
    """A local rule for the input ``x`` (a row id or row) as a RuleEvidence; see the module docstring."""
    start = time.perf_counter()
    prepared = attributor.prepare(x)
    features = list(attributor.predictor.features)
    row = prepared.batch1.iloc[0][features]
    data = attributor.data
    if len(data) < min_rows:
        raise ExplainerInputError(f"The data has {len(data)} rows; a local rule needs at least {min_rows} to count "
                                  "how often it holds.")
    classes = list(attributor.class_names)
    p = np.asarray(attributor.predictor.predict_proba(prepared.batch1))[0]
    target = int(p.argmax())
    numeric = [f for f in features if f in attributor.schema.numeric_range]
    cands = candidates(data[features], row, numeric)
    met = np.column_stack([holds(data, [c]) for c in cands]) if cands else np.zeros((len(data), 0), bool)
    same = attributor.data_predictions() == target
    chosen, scored = search(cands, met, same, min_rows)
    conditions = merge([cands[i] for i in chosen])
    mask = holds(data, conditions)
    matching = int(mask.sum())
    precision = float(same[mask].mean()) if matching else None
    notes = []
    if precision is not None and precision < MIN_PRECISION:
        notes.append(f"No rule of up to {MAX_LENGTH} conditions on this input's values holds for {MIN_PRECISION:.0%} "
                     "of the rows it covers; this is the most precise one found.")
    method = (f"greedy beam search as in anchors (beam {BEAM}, up to {MAX_LENGTH} conditions, target precision "
              f"{TARGET:.0%}, at least {min_rows} rows) over {len(cands)} candidate conditions, {scored} rules "
              f"scored; precision and coverage counted over the data's {len(data)} rows")
    return RuleEvidence("local-rule", prepared.input, classes[target], conditions, classes[target], precision,
                        matching / len(data), matching, len(data), method=method,
                        seconds=round(time.perf_counter() - start, 4), notes=notes)
