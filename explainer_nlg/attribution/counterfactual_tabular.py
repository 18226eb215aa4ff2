"""Tabular counterfactuals: the fewest, smallest plausible changes that flip a decision.

A sparsity-first beam search (see docs/decisions/0003-counterfactual-search.md):

1. Candidate values per changeable feature come from the data itself: numeric features take
   the data's quantiles (so every value is one real applicants have), categorical features the
   categories seen. Immutable features get none; monotone features only values on their side;
   ``ranges`` narrow the numeric ones further.
2. Level 1 scores every single-feature change in one batch. Level L+1 extends the ``beam`` most
   promising level-L changes (highest probability of the target class) by one more change from a
   per-feature shortlist. A change set whose features already flip the decision is not extended
   (a superset is never minimal). The search stops after the first level at which ``k``
   different feature sets flip the decision, at ``max_changes``, or at ``max_candidates``.
3. Each flip is shrunk toward the original, one numeric feature at a time, on a fine grid
   (batched), keeping only values that still flip.
4. One counterfactual per feature set (diversity), ranked by the number of features changed,
   then by distance in units of each feature's spread; the k best are re-predicted together and
   kept only if they still predict the target (validity by construction *and* by re-prediction).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ExplainerInputError
from ..evidence.changes import Change, Counterfactual, CounterfactualSet
from ..evidence.serialise import to_plain

METHOD = "sparsity-first beam search"
QUANTILES = np.linspace(0.0, 1.0, 21)  # 5% steps, min and max included
SHORTLIST = 5       # values per feature carried into multi-feature levels
BEAM = 40           # partial change sets extended per level
REFINE_STEPS = 12   # grid points between the original value and a flipping value
INCREASE, DECREASE = "increase", "decrease"
_DIRECTIONS = {"increase": INCREASE, "up": INCREASE, "+": INCREASE, "decrease": DECREASE, "down": DECREASE,
               "-": DECREASE}


@dataclass
class SearchLimits:
    k: int = 3
    max_changes: int = 3
    max_candidates: int = 20_000


def whole_numbers(s: pd.Series) -> bool:
    """True when every known value is a whole number (counts, amounts), even in a float column."""
    v = s.dropna()
    return bool(len(v)) and bool(np.all(np.mod(v.astype(float), 1) == 0))


def feature_spread(s: pd.Series) -> float:
    """A robust unit of change: scaled MAD, else IQR/1.349, else std, else 1 (constant columns)."""
    v = s.dropna().astype(float)
    if v.empty:
        return 1.0
    mad = float(np.median(np.abs(v - v.median()))) * 1.4826
    if mad > 0:
        return mad
    iqr = float(v.quantile(0.75) - v.quantile(0.25)) / 1.349
    if iqr > 0:
        return iqr
    std = float(v.std())
    return std if std > 0 else 1.0


def check_constraints(schema, immutable, monotone, ranges) -> tuple[list[str], dict[str, str], dict]:
    """Validated (immutable, monotone, ranges) with messages that name the features."""
    feats = schema.features

    def known(f, what):
        if f not in feats:
            raise ExplainerInputError(f"{what} names {f!r}, which is not a feature. Features: {', '.join(feats)}.")

    immutable = [str(f) for f in (immutable or [])]
    for f in immutable:
        known(f, "immutable")
    mono = {}
    for f, d in dict(monotone or {}).items():
        known(f, "monotone")
        if f in schema.categorical:
            raise ExplainerInputError(f"monotone: {f} is categorical; only numeric features can be monotone.")
        direction = _DIRECTIONS.get(str(d).strip().lower())
        if direction is None:
            raise ExplainerInputError(f"monotone: {f} must be 'increase' or 'decrease', not {d!r}.")
        mono[f] = direction
    rng = {}
    for f, bounds in dict(ranges or {}).items():
        known(f, "ranges")
        if f in schema.categorical:
            allowed = [str(c) for c in (bounds or [])]
            bad = [c for c in allowed if c not in schema.categorical[f]]
            if bad or not allowed:
                raise ExplainerInputError(f"ranges: {f} allows only seen categories: "
                                          f"{', '.join(map(repr, schema.categorical[f]))}.")
            rng[f] = allowed
        else:
            try:
                lo, hi = (float(b) for b in bounds)
            except (TypeError, ValueError):
                raise ExplainerInputError(f"ranges: {f} needs (low, high) numbers, not {bounds!r}.") from None
            if lo > hi:
                raise ExplainerInputError(f"ranges: {f} has low {lo:g} above high {hi:g}.")
            rng[f] = [lo, hi]
    return immutable, mono, rng


@dataclass(frozen=True)
class Goal:
    """What a counterfactual must reach: a class (``target``), or for a regressor its predicted
    value inside ``[low, high]`` (either end open). ``progress`` orders candidates that miss."""

    target: int = 0
    low: float | None = None
    high: float | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None or self.high is not None

    def hit(self, p: np.ndarray) -> np.ndarray:
        if not self.is_range:
            return p.argmax(1) == self.target
        y = p[:, 0]
        return (y >= (-np.inf if self.low is None else self.low)) & (y <= (np.inf if self.high is None else self.high))

    def progress(self, p: np.ndarray) -> np.ndarray:
        if not self.is_range:
            return p[:, self.target]
        y = p[:, 0]
        miss = np.zeros(len(y))
        if self.low is not None:
            miss += np.maximum(self.low - y, 0.0)
        if self.high is not None:
            miss += np.maximum(y - self.high, 0.0)
        return -miss

    def describe(self, name: str) -> str:
        """"price under 150,000", "price over 90", "price between 100 and 120"."""
        def num(v):
            return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
        if self.low is not None and self.high is not None:
            return f"{name} between {num(self.low)} and {num(self.high)}"
        return f"{name} under {num(self.high)}" if self.high is not None else f"{name} over {num(self.low)}"


class TabularCounterfactualSearch:
    """Searches counterfactuals for rows of one tabular model; build once per explainer."""

    def __init__(self, predictor, schema, data: pd.DataFrame):
        self.predictor = predictor
        self.schema = schema
        feats = schema.features
        frame = data[feats]
        self.integer = {f for f in schema.numeric_range if whole_numbers(frame[f])}
        self.spread = {f: feature_spread(frame[f]) for f in schema.numeric_range}
        self.quantiles = {f: np.unique(frame[f].dropna().astype(float).quantile(QUANTILES).to_numpy())
                          for f in schema.numeric_range}
        # The validated row's dtypes: what the model was shown at explain time.
        self.dtypes = {f: (object if f in schema.categorical else float) for f in feats}

    # ---- candidates ---------------------------------------------------------------------------

    def _values_for(self, f: str, current, monotone: dict, ranges: dict) -> list:
        if f in self.schema.categorical:
            allowed = ranges.get(f, self.schema.categorical[f])
            return [c for c in allowed if c != current]
        lo, hi = self._bounds(f, ranges)
        vals = np.clip(self.quantiles[f], lo, hi)
        vals = np.unique(np.concatenate([vals, [lo, hi]])) if lo <= hi else np.array([])
        if f in self.integer:
            vals = np.unique(np.clip(np.round(vals), np.ceil(lo), np.floor(hi)))
        if current is None:  # a missing value: any seen value fills it; direction has no meaning
            return [float(v) for v in vals]
        if monotone.get(f) == INCREASE:
            vals = vals[vals > current]
        elif monotone.get(f) == DECREASE:
            vals = vals[vals < current]
        return [float(v) for v in vals if v != current]

    def _cost(self, f: str, old, new) -> float:
        if f in self.schema.categorical or old is None:
            return 1.0
        return abs(float(new) - float(old)) / self.spread[f]

    def _frame(self, base: dict, change_sets: list[dict]) -> pd.DataFrame:
        cols = {}
        for f in self.schema.features:
            col = np.empty(len(change_sets), dtype=self.dtypes[f])
            col[:] = np.nan if base[f] is None else base[f]
            cols[f] = col
        for i, cs in enumerate(change_sets):
            for f, v in cs.items():
                cols[f][i] = v
        return pd.DataFrame(cols, columns=self.schema.features)

    # ---- search -------------------------------------------------------------------------------

    def search(self, row: pd.DataFrame, row_input: dict, target: int | Goal, limits: SearchLimits,
               immutable: list[str], monotone: dict[str, str], ranges: dict) -> CounterfactualSet:
        start = time.perf_counter()
        names = self.predictor.class_names
        goal = target if isinstance(target, Goal) else Goal(int(target))
        target = goal.target
        base = {f: (None if pd.isna(v) else v) for f, v in row.iloc[0].items()}
        probs0 = self.predictor.predict_proba(row)[0]
        original = int(np.argmax(probs0))
        if goal.is_range and goal.hit(probs0[None])[0]:
            raise ExplainerInputError(f"The model already predicts {names[0]} = {probs0[0]:,.6g} for this input, "
                                      f"which is within the range asked for ({goal.describe(names[0])}).")
        if not goal.is_range and original == target:
            others = [repr(c) for i, c in enumerate(names) if i != target]
            raise ExplainerInputError(
                f"The model already predicts {names[target]!r} for this input "
                f"({probs0[target]:.1%}); ask for another class: {', '.join(others)}.")
        options = {f: self._values_for(f, base[f], monotone, ranges)
                   for f in self.schema.features if f not in immutable}
        options = {f: v for f, v in options.items() if v}
        scored = 0

        def score(change_sets):
            nonlocal scored
            scored += len(change_sets)
            return self.predictor.predict_proba(self._frame(base, change_sets))

        flips: dict[frozenset, dict] = {}  # feature set -> the closest flipping change set
        singles = [{f: v} for f, vals in options.items() for v in vals]
        level, frontier = 1, singles
        shortlist: list[dict] = []
        while frontier and scored + len(frontier) <= limits.max_candidates:
            p = score(frontier)
            pt = goal.progress(p)
            flipped = goal.hit(p)
            for cs, ok in zip(frontier, flipped):
                if ok:
                    key = frozenset(cs)
                    d = sum(self._cost(f, base[f], v) for f, v in cs.items())
                    if key not in flips or d < flips[key]["distance"]:
                        flips[key] = {"changes": cs, "distance": d}
            if level == 1:  # per feature, the values that moved the target most
                by_feature: dict[str, list] = {}
                for cs, _ in sorted(zip(frontier, pt), key=lambda t: -t[1]):
                    f = next(iter(cs))
                    if frozenset(cs) not in flips and len(by_feature.setdefault(f, [])) < SHORTLIST:
                        by_feature[f].append(cs)
                shortlist = [cs for lst in by_feature.values() for cs in lst]
            if len(flips) >= limits.k or level >= limits.max_changes:
                break
            open_sets = [cs for cs, ok, _ in sorted(zip(frontier, flipped, pt), key=lambda t: -t[2]) if not ok]
            beam = open_sets[:BEAM]
            seen, frontier = set(), []
            for cs in beam:
                for add in shortlist:
                    f = next(iter(add))
                    if f in cs:
                        continue
                    new = {**cs, **add}
                    key = frozenset(new.items())
                    feats = frozenset(new)
                    if key in seen or any(k <= feats for k in flips):
                        continue
                    seen.add(key)
                    frontier.append(new)
            level += 1
        budget_hit = bool(frontier) and scored + len(frontier) > limits.max_candidates and len(flips) < limits.k

        ranked = sorted(flips.values(), key=lambda s: (len(s["changes"]), s["distance"]))
        refined, n_refine = self._refine([s["changes"] for s in ranked[: 2 * limits.k]], base, goal, ranges)
        scored += n_refine
        cands = sorted(({"changes": cs, "distance": sum(self._cost(f, base[f], v) for f, v in cs.items())}
                        for cs in refined), key=lambda s: (len(s["changes"]), s["distance"]))[: limits.k]
        results: list[Counterfactual] = []
        if cands:
            p = score([c["changes"] for c in cands])
            for c, probs in zip(cands, p):
                if not goal.hit(probs[None])[0]:  # cannot happen unless the model is not deterministic
                    continue
                new_row = {**base, **c["changes"]}
                changes = [Change(f, to_plain(self._shown(f, base[f])), to_plain(self._shown(f, v)), "set")
                           for f, v in c["changes"].items()]
                results.append(Counterfactual(
                    changes, {"row": {f: to_plain(self._shown(f, v)) for f, v in new_row.items()}},
                    names[int(np.argmax(probs))], {n: float(q) for n, q in zip(names, probs)},
                    float(probs[target]), len(changes), round(float(c["distance"]), 6)))
        notes = []
        if budget_hit:
            notes.append(f"The search stopped at its limit of {limits.max_candidates} candidates.")
        if any(base[f] is None for f in monotone):
            notes.append("A monotone feature is missing in the input, so any seen value may fill it.")
        constraints = {
            **({"target_range": [goal.low, goal.high], "output_kind": "regression",
                "unit": getattr(self.predictor, "unit", None)} if goal.is_range else {}),
            "immutable": sorted(immutable), "monotone": dict(monotone),
            "ranges": {f: list(v) for f, v in ranges.items()},
            "values": "numeric: the data's 5%-quantiles and range, refined between; categorical: categories seen",
            "changeable": sorted(options), "spread": {f: round(s, 6) for f, s in self.spread.items()},
            "k": limits.k, "max_changes": limits.max_changes, "max_candidates": limits.max_candidates,
        }
        return CounterfactualSet(
            kind="tabular", input=to_plain(row_input), original_label=names[original],
            original_probabilities={n: float(q) for n, q in zip(names, probs0)},
            target_label=goal.describe(names[0]) if goal.is_range else names[target],
            found=bool(results), counterfactuals=results, candidates_searched=int(scored),
            seconds=round(time.perf_counter() - start, 4), method=METHOD, constraints=constraints, notes=notes)

    def _shown(self, f: str, v):
        if v is None:
            return None
        if f in self.integer:
            return int(round(float(v)))
        return v

    def _bounds(self, f: str, ranges: dict) -> tuple[float, float]:
        lo, hi = self.schema.numeric_range[f]
        if f in ranges:
            lo, hi = max(lo, ranges[f][0]), min(hi, ranges[f][1])
        return lo, hi

    def _refine(self, change_sets: list[dict], base: dict, goal: Goal, ranges: dict) -> tuple[list[dict], int]:
        """Shrink each numeric change toward the original value while the decision stays flipped.

        The grid lies between the original and the flipping value, so monotone directions hold; it
        is clipped to the allowed range, since the original value itself may lie outside it.
        """
        sets = [dict(cs) for cs in change_sets]
        n = 0
        for pos in range(max((len(cs) for cs in sets), default=0)):
            batch, owners = [], []
            for i, cs in enumerate(sets):
                feats = list(cs)
                if pos >= len(feats):
                    continue
                f = feats[pos]
                if f in self.schema.categorical or base[f] is None:
                    continue
                old, new = float(base[f]), float(cs[f])
                lo, hi = self._bounds(f, ranges)
                grid = np.linspace(old, new, REFINE_STEPS + 1)[1:-1]
                if f in self.integer:
                    grid = np.unique(np.round(grid))
                grid = grid[(grid >= lo) & (grid <= hi) & (grid != old) & (grid != new)]
                for g in grid:
                    batch.append({**cs, f: float(g)})
                    owners.append((i, f, abs(float(g) - old)))
            if not batch:
                continue
            p = self.predictor.predict_proba(self._frame(base, batch))
            n += len(batch)
            for (i, f, gap), cs, ok in zip(owners, batch, goal.hit(p)):
                if ok and gap < abs(float(sets[i][f]) - float(base[f])):
                    sets[i][f] = cs[f]
        return sets, n
