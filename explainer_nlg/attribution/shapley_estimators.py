"""Shapley values of a Game: exact enumeration and a sampling estimator.

Both share one signature (``game``, ``budget``) in the captum spirit, so
callers can swap them; ``shapley_values`` picks exact enumeration when all
2^n coalitions fit the budget.

The estimator solves the Shapley (kernel) weighted least-squares problem with
the efficiency constraint enforced exactly, on a design chosen for low error
at small budgets:

* coalition sizes are strata (k and n-k together), always sampled as complement
  pairs (S, N\\S) and without replacement; sizes 1 and n-1 come first and alone (the most
  kernel weight per coalition; exact for additive games);
* after them, pairs are split over as many open strata as can each get a few pairs: evenly
  up to 15 players, in proportion to kernel mass above; a stratum is enumerated whole when
  its share covers it; each sampled stratum carries exactly its kernel mass in the regression, and strata
  with no sample lend theirs to the nearest sampled one, so the total mass is kept;
* inside a stratum, members are read from a stream of random permutations, so every player
  appears about equally often (a balanced design: less noise than independent draws);
* a cache ensures no coalition is evaluated twice, and evaluation happens in
  batches so the model sees full batches;
* an early stop ends sampling once the top-k players and their signs have not
  changed for ``patience`` rounds.

(About 400 lines on purpose: the design, the constrained solve and the standard errors are one
estimator; they share the design's strata and are read and changed together.)

>>> import numpy as np
>>> g = FunctionGame(["a", "b", "c"], lambda m: m @ np.array([1.0, 2.0, 3.0]) + m[:, 0] * m[:, 1])
>>> exact_shapley(g).values.round(3).tolist()
[1.5, 2.5, 3.0]
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from .coalitions import all_masks, exact_shapley_weights  # noqa: F401  (also imported from here)
from .game import CachedGame, FunctionGame, Game  # noqa: F401  (FunctionGame: doctest)
from .limits import current as current_limits
from .logistic_surrogate import fit_logistic_game, is_probability_game

EXACT_MAX_PLAYERS = 16


@dataclass
class ShapleyResult:
    values: np.ndarray
    empty_value: float
    full_value: float
    n_evaluations: int
    seconds: float
    method: str
    converged: bool | None = True  # None: a fixed budget, where no stopping rule applies
    diagnostics: dict = field(default_factory=dict)
    # Sampling standard error per player (zeros when exact); see ``sampling_standard_errors``.
    standard_errors: np.ndarray | None = None

    def efficiency_gap(self) -> float:
        return float(abs(self.values.sum() - (self.full_value - self.empty_value)))


def exact_shapley(game: Game, batch_size: int = 4096) -> ShapleyResult:
    """Shapley values by evaluating every coalition once (2^n model calls)."""
    n = game.n_players
    if n > EXACT_MAX_PLAYERS:
        raise ValueError(f"Exact enumeration of {n} players needs 2^{n} calls; use estimate_shapley.")
    start = time.perf_counter()
    masks = all_masks(n)
    v = np.concatenate([game.value(masks[i : i + batch_size]) for i in range(0, len(masks), batch_size)])
    values = v @ exact_shapley_weights(masks)
    return ShapleyResult(values, float(v[0]), float(v[-1]), len(masks),
                         time.perf_counter() - start, "exact enumeration", standard_errors=np.zeros(n))


def _stratum_weight(n: int, k: int) -> float:
    """Total Shapley-kernel weight of all coalitions of size k (up to a common constant)."""
    return (n - 1) / (k * (n - k))


def _kkt(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The KKT matrix of the weighted least-squares fit with sum(phi) fixed: [[X'WX, 1], [1', 0]]."""
    n = X.shape[1]
    kkt = np.zeros((n + 1, n + 1))
    kkt[:n, :n] = X.T @ (X * w[:, None])
    kkt[:n, n] = kkt[n, :n] = 1.0
    return kkt


def _solve_constrained_wls(masks: np.ndarray, y: np.ndarray, w: np.ndarray, total: float) -> np.ndarray:
    """argmin_phi sum_j w_j (y_j - masks_j . phi)^2 subject to sum(phi) = total."""
    n = masks.shape[1]
    X = masks.astype(float)
    b = X.T @ (w * y)
    # KKT system; lstsq copes with designs that do not pin every player down.
    kkt = _kkt(X, w)
    rhs = np.concatenate([b, [total]])
    sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
    return sol[:n]


# Fewest complement pairs a sampled stratum gets: below this a stratum's mean is too noisy to
# beat lending its kernel mass to a neighbouring stratum.
MIN_PAIRS_PER_STRATUM = 3
SPLIT_EVENLY_UP_TO = 15  # players; see _PairedStratifiedDesign._allocation


class _PairedStratifiedDesign:
    """Grows a set of complement-paired coalitions, stratum by stratum, without repeats.

    A stratum is the coalition sizes k and n-k together; coalitions are always added with
    their complements.
    """

    def __init__(self, n: int, rng: np.random.Generator):
        self.n = n
        self.rng = rng
        self.sizes = list(range(1, n // 2 + 1))
        self.taken: dict[int, set[bytes]] = {k: set() for k in self.sizes}
        self.masks: list[np.ndarray] = []
        self.streams: dict[int, list[int]] = {}
        self.next_full = 0  # index into self.sizes of the first stratum not yet enumerated

    def remaining(self, k: int) -> int:
        """Coalitions of stratum k not yet in the design (both members of each pair)."""
        size = math.comb(self.n, k) * (1 if 2 * k == self.n else 2)
        return size - len(self.taken[k])

    def _add(self, k: int, mask: np.ndarray) -> bool:
        key = np.packbits(mask).tobytes()
        if key in self.taken[k]:
            return False
        self.taken[k].update((key, np.packbits(~mask).tobytes()))
        self.masks.extend((mask, ~mask))
        return True

    def _sample(self, k: int, pairs: int) -> int:
        """Add up to ``pairs`` new random pairs from stratum k; returns how many were added."""
        added, tries = 0, 0
        while added < pairs and self.remaining(k) and tries < 50 * (pairs + 10):
            tries += 1
            mask = np.zeros(self.n, dtype=bool)
            mask[self._next_members(k)] = True
            added += self._add(k, mask)
        return added

    def _next_members(self, k: int) -> np.ndarray:
        """The next k players of a stream of random permutations, read in consecutive windows,
        so every player is drawn about equally often (a balanced design)."""
        stream = self.streams.setdefault(k, [])
        while len(stream) < k:
            stream.extend(self.rng.permutation(self.n).tolist())
        members, self.streams[k] = stream[:k], stream[k:]
        if len(set(members)) < k:  # a window across two permutations may repeat a player
            rest = [p for p in self.rng.permutation(self.n) if p not in members]
            members = list(dict.fromkeys(members)) + rest
            members = members[:k]
        return np.array(members)

    def grow(self, budget: int) -> None:
        """Add up to ``budget`` coalitions, spread over strata by ``_allocation``; a stratum is
        enumerated whole when its share covers it (as Kernel SHAP does). Spreading over
        several strata, rather than filling the next one and lending it the mass of the rest,
        measured lower error at 4n-16n calls; see docs/decisions/0001-text-game-and-estimator.md.

        The allocation is of the design's running total, not of this round alone, so an
        adaptive run that grows in rounds ends with the design a fixed budget of the same size
        would have drawn (rounds of n calls alone each reach only the first few strata, and
        the rest lend their mass: a bias the standard errors cannot see).
        """
        n, pairs = self.n, budget // 2
        while pairs and self.next_full < len(self.sizes):
            k = self.sizes[self.next_full]
            have = self._open_pairs()
            alloc = self._allocation(pairs + int(have.sum()))
            left = self.remaining(k) // 2
            if left > alloc[0] - have[0] or left > pairs:
                break
            for combo in combinations(range(n), k):
                mask = np.zeros(n, dtype=bool)
                mask[list(combo)] = True
                pairs -= self._add(k, mask)
            self.next_full += 1
        if not pairs or self.next_full >= len(self.sizes):
            return
        have = self._open_pairs()
        target = self._allocation(pairs + int(have.sum()))
        want = np.maximum(target - have[: len(target)], 0)
        if want.sum() > pairs:  # earlier rounds overshot some strata: scale the deficits down
            want = np.floor(want * pairs / want.sum()).astype(int)
        want[: pairs - want.sum()] += 1  # whatever is left over goes to the first strata
        open_strata = self.sizes[self.next_full : self.next_full + len(want)]
        for i, k in enumerate(open_strata):
            # what one stratum cannot take (too few coalitions left) goes to the next
            wanted = want[i] + (pairs - want[i:].sum() if i == len(want) - 1 else 0)
            got = self._sample(k, int(wanted))
            pairs -= got
            if i + 1 < len(want):
                want[i + 1] += want[i] - got

    def reaches_every_stratum(self) -> bool:
        """True once every stratum has a pair (or was enumerated): no stratum lends its mass,
        so the sampling standard errors account for every source of error."""
        return bool(np.all(self._open_pairs() > 0))

    def _open_pairs(self) -> np.ndarray:
        """Pairs already drawn in each stratum not yet enumerated, in order."""
        return np.array([len(self.taken[k]) // 2 for k in self.sizes[self.next_full :]], dtype=int)

    def _allocation(self, pairs: int) -> np.ndarray:
        """Pairs per open stratum, in order. Stratum 1 takes all of them while it is open: it
        carries the most kernel weight per coalition and makes the estimate exact for additive
        games. After it, the pairs are split over as many strata as can each get
        MIN_PAIRS_PER_STRATUM; deeper strata lend their mass. Up to SPLIT_EVENLY_UP_TO players
        the split is even (lower error at 8n-16n calls); above, in proportion to kernel mass,
        which concentrates on small coalitions (better top-5 words on 40-word texts)."""
        open_strata = self.sizes[self.next_full :]
        if open_strata[0] == 1:
            return np.array([pairs])
        share = np.ones(len(open_strata))
        if self.n > SPLIT_EVENLY_UP_TO:
            share = np.array([_stratum_weight(self.n, k) for k in open_strata])
        for m in range(len(open_strata), 1, -1):
            alloc = np.floor(pairs * share[:m] / share[:m].sum()).astype(int)
            if alloc.min() >= MIN_PAIRS_PER_STRATUM:
                alloc[: pairs - alloc.sum()] += 1
                return alloc
        return np.array([pairs])

    def weights(self) -> np.ndarray:
        """Regression weight per coalition: each sampled stratum carries its kernel mass.

        Strata with no coalition lend their mass to the nearest sampled stratum below, so
        the regression keeps the kernel's total mass instead of truncating it.
        """
        n = self.n
        masks = np.array(self.masks)
        sizes = masks.sum(1)
        stratum = np.minimum(sizes, n - sizes)
        counts = np.bincount(stratum, minlength=n // 2 + 1)
        mass = np.array([_stratum_weight(n, k) if k > 0 else 0.0 for k in range(n // 2 + 1)])
        # Pairs (k, n-k) each carry a stratum's mass; the self-paired middle carries one.
        mass = mass * np.where(2 * np.arange(n // 2 + 1) == n, 1.0, 2.0)
        lender = 0
        for k in range(1, n // 2 + 1):
            if counts[k]:
                lender = k
            elif lender:
                mass[lender] += mass[k]
                mass[k] = 0.0
        return (mass / np.maximum(counts, 1))[stratum]


def estimate_shapley(
    game: Game,
    budget: int | None = None,
    *,
    top_k: int = 5,
    patience: int = 1,
    round_size: int | None = None,
    seed: int = 0,
    calls_spent: int = 0,
    control: np.ndarray | None = None,
    surrogate: str | None = None,
) -> ShapleyResult:
    """Estimate Shapley values with at most ``budget`` evaluations of the game.

    ``budget`` counts every coalition evaluated, including the empty and full
    ones. With ``budget=None`` the first round evaluates sizes 1 and n-1 (2n calls),
    then rounds of n calls follow (up to 16n in all) until every stratum has been sampled and
    the top-``top_k`` players and their signs are the same for ``patience`` rounds in a row.
    ``calls_spent``: calls already made on ``game`` (a CachedGame) for this estimate, counted in its
    budget and its ``n_evaluations`` (``shapley_values`` times the first round that way).

    ``control``: per-player values g of an additive surrogate game u(S) = u(empty) + sum of g
    over S (a learned explainer's prediction, say). The estimator then samples the residual game
    v - u and adds g back: u's Shapley values are g exactly, so the estimate stays unbiased
    whatever g is, efficiency still holds exactly, and the standard errors are the residual's.
    Note: this constrained kernel regression already fits the additive part of every sample, so
    for the same design an additive control variate leaves the values unchanged (up to rounding);
    see docs/decisions/0001-text-game-and-estimator.md. It is kept as the seam for surrogates that
    change the design or are not additive.

    ``surrogate="logistic"`` (opt-in): for a game whose values are probabilities, fit
    u(S) = sigmoid(a + sum of w over S) to the sampled coalitions and report
    KR(v) - KR(u) + phi(u): the kernel regression corrected by the error the same design makes on
    u, whose Shapley values cost no model call (``logistic_surrogate.py``). Efficiency still
    holds exactly, and the standard errors are the residual game's. It helps where the log-odds
    are close to additive (a confident model with a few decisive players: 38-44% of the error
    on such games); on 24 of the demo text model's training reviews it measured a median 2% lower
    error, and up to 47% higher on some at 2n calls, so it is off by default (decision 0001). A game whose
    values leave [0, 1] is estimated without it.
    """
    start = time.perf_counter()
    n = game.n_players
    cached = game if isinstance(game, CachedGame) else CachedGame(game)
    calls_before = cached.n_evaluations - calls_spent
    g = np.zeros(n) if control is None else np.asarray(control, dtype=float).reshape(-1)
    if g.shape != (n,) or not np.all(np.isfinite(g)):
        raise ValueError(f"control must be {n} finite per-player values; got shape {g.shape}.")
    if surrogate not in ("logistic", None):
        raise ValueError(f"surrogate must be 'logistic' or None; got {surrogate!r}.")
    ends = cached.value(np.array([np.zeros(n, bool), np.ones(n, bool)]))
    v0, v1 = float(ends[0]), float(ends[1])
    if n == 1:
        return ShapleyResult(np.array([v1 - v0]), v0, v1, cached.n_evaluations - calls_before,
                             time.perf_counter() - start, "exact enumeration", standard_errors=np.zeros(1))
    adaptive = budget is None
    cap = 16 * n + 2 if adaptive else budget
    if cap < 4:
        raise ValueError("A Shapley estimate needs a budget of at least 4 model calls.")
    round_size = round_size or max(n, 16)
    # A server's time and call limits (attribution/limits.py): stop between rounds with what was
    # computed. Under a time limit a fixed budget is spent in rounds too, so it can stop.
    lim = current_limits()
    limited_cap = cap if lim is None or lim.calls is None else min(cap, max(4, lim.calls))
    stopped = None
    timed = lim is not None and lim.deadline is not None
    design = _PairedStratifiedDesign(n, np.random.default_rng(seed))
    signatures: list[frozenset] = []  # top-k players with their signs, one per round
    values = np.full(n, (v1 - v0) / n)
    converged = False
    rounds = 0
    fitted = None
    while True:
        spent = cached.n_evaluations - calls_before
        room = limited_cap - spent
        if room < 2:
            stopped = "calls" if limited_cap < cap and not converged else None
            break
        if rounds and timed and lim.expired():
            stopped = "time"
            break
        before = len(design.masks)
        # A fixed budget is spent in one design; an adaptive run grows round by round.
        first = 2 * n if rounds == 0 else round_size  # round one: the complete size-1 / n-1 stratum
        if adaptive:
            design.grow(min(room, first))
        else:
            design.grow(min(room, max(first, cap // 4)) if timed else room)
        if len(design.masks) == before:
            converged = True  # nothing left to sample: every coalition has been evaluated
            break
        masks = np.array(design.masks)
        sampled = cached.value(masks)
        y = sampled - v0 - masks @ g  # the residual game v - u (u(empty) = v0)
        weights = design.weights()
        residual_total = v1 - v0 - g.sum()
        values = _solve_constrained_wls(masks, y, weights, residual_total) + g
        fitted = _logistic_correction(masks, sampled, weights, ends, surrogate, seed)
        if fitted is not None:
            correction, on_design, u_total = fitted
            values = values + correction
            # the residual of both surrogates, for the standard errors
            y, residual_total = y - on_design, residual_total - u_total
        rounds += 1
        order = np.argsort(-np.abs(values))[:top_k]
        signature = frozenset((int(i), bool(values[i] > 0)) for i in order)
        signatures.append(signature)
        if adaptive and design.reaches_every_stratum() and len(signatures) > patience and all(
            earlier == signature for earlier in signatures[-patience - 1 :]
        ):
            converged = True
            break
    method = "kernel-paired-stratified"
    se = np.zeros(n)
    if rounds:
        residual_fit = _solve_constrained_wls(masks, y, weights, residual_total)
        se = sampling_standard_errors(design, masks, y, weights, residual_fit)
    diagnostics = {"rounds": rounds, "coalitions": len(design.masks)}
    if control is not None:
        diagnostics["control_variate"] = "additive"
    if rounds and fitted is not None:
        diagnostics["surrogate"] = "logistic"
    if stopped:
        diagnostics["stopped"] = stopped
    return ShapleyResult(values, v0, v1, cached.n_evaluations - calls_before,
                         time.perf_counter() - start, method,
                         # a fixed budget has no stopping rule, unless it evaluated every coalition
                         False if stopped else (converged if adaptive or converged else None),
                         diagnostics, se)


def _logistic_correction(masks, sampled, weights, ends, surrogate, seed):
    """(phi(u) - KR(u), u(S) - u(empty) on the design, u(all) - u(empty)) for a logistic
    surrogate u fitted to the sampled coalitions and the two ends, or None where it does not
    apply."""
    if surrogate is None:
        return None
    seen = np.concatenate([sampled, ends])
    if not is_probability_game(seen):
        return None
    n = masks.shape[1]
    both = np.array([np.zeros(n, bool), np.ones(n, bool)])
    # the ends weigh as much as everything else: every coalition's value is measured from them
    fit_weights = np.concatenate([np.ones(len(masks)), [len(masks) / 2.0] * 2])
    u = fit_logistic_game(np.vstack([masks, both]), seen, fit_weights)
    u0, u1 = u.value(both)
    on_design = u.value(masks) - u0
    correction = u.shapley_values(seed) - _solve_constrained_wls(masks, on_design, weights, u1 - u0)
    if not np.all(np.isfinite(correction)):
        return None
    return correction, on_design, float(u1 - u0)


def sampling_standard_errors(design: _PairedStratifiedDesign, masks: np.ndarray, y: np.ndarray,
                             w: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Sampling standard error of each value ``phi`` fitted to ``y`` on the design's ``masks``
    with regression weights ``w``.

    The constrained regression is linear in the game's values, phi = L y + c; linearised
    around the fit, its error is a sum of one term per complement pair (L times the pair's
    residuals). Pairs are drawn at random inside each sampled stratum, so the usual
    stratified-sampling variance applies: per stratum, m/(m-1) times the sum of squared
    deviations of its pair terms from their mean. Enumerated strata carry no sampling error. A
    stratum with a single pair borrows the largest per-pair variance of the others.

    It measures the spread from which coalitions were drawn, not the bias of strata that lent
    their kernel mass because no budget reached them; benchmarks/text_shapley.py and
    tests/attribution/test_shapley_estimators.py check how often the true value lies within two of these errors.
    """
    n = design.n
    X = masks.astype(float)
    L = np.linalg.pinv(_kkt(X, w))[:n, :n] @ (X * w[:, None]).T  # (n, rows): phi = L y + const
    # Linearised (sandwich) form: the fit absorbs the additive part of y, so only each
    # coalition's residual moves the estimate when a different pair is drawn.
    terms = (L * (y - X @ phi)[None, :]).T
    terms = terms[0::2] + terms[1::2]  # one row per pair: (pairs, n)
    sizes = masks[0::2].sum(1)
    stratum = np.minimum(sizes, n - sizes)
    complete = set(design.sizes[: design.next_full])
    var = np.zeros(n)
    per_pair, singles = [], 0
    for k in np.unique(stratum):
        if k in complete:
            continue
        t = terms[stratum == k]
        if len(t) < 2:
            singles += 1
            continue
        dev = ((t - t.mean(0)) ** 2).sum(0)
        var += len(t) / (len(t) - 1) * dev
        per_pair.append(len(t) / (len(t) - 1) * dev / len(t))
    if singles and per_pair:
        var += singles * np.max(per_pair, axis=0)
    return np.sqrt(var)


def shapley_values(game: Game, budget: int | None = None, *, exact_up_to: int = 256,
                   exact_seconds: float | None = None, **kwargs) -> ShapleyResult:
    """Exact enumeration when 2^n fits the budget (or ``exact_up_to`` calls when there is no
    budget), else ``estimate_shapley`` (adaptive, with early stop, when there is no budget).

    ``exact_seconds``: with no budget, also enumerate exactly when all 2^n calls are expected to
    take at most this long, at the speed measured on the estimator's own first round (sizes 1 and
    n-1, which both methods need, so the measurement costs nothing). The game's speed depends on
    the model, the text and the machine's load, so this is measured per game, not fixed by n.

    >>> import time
    >>> fast = FunctionGame(list("abcdefghi"), lambda m: m.sum(1) * 1.0)
    >>> shapley_values(fast, exact_seconds=5.0).method
    'exact enumeration'
    >>> slow = FunctionGame(list("abcdefghi"), lambda m: time.sleep(0.01 * len(m)) or m.sum(1) * 1.0)
    >>> shapley_values(slow, exact_seconds=1.0).method
    'kernel-paired-stratified'
    """
    n = game.n_players
    exact_budget = budget if budget is not None else exact_up_to
    if n <= EXACT_MAX_PLAYERS and 2**n <= exact_budget:
        return exact_shapley(game)
    if budget is None and exact_seconds and 2 < n <= EXACT_MAX_PLAYERS:
        cached = game if isinstance(game, CachedGame) else CachedGame(game)
        before = cached.n_evaluations
        if _exact_is_affordable(cached, exact_seconds):
            result = exact_shapley(cached)
            result.diagnostics["why_exact"] = f"all {2**n} coalitions fit in about {exact_seconds:g} s"
            return result
        return estimate_shapley(cached, None, calls_spent=cached.n_evaluations - before, **kwargs)
    return estimate_shapley(game, budget, **kwargs)


def _exact_is_affordable(cached: CachedGame, seconds: float) -> bool:
    """Evaluate the empty, full, size-1 and size-(n-1) coalitions, timing them, and say whether
    the other 2^n - 2n - 2 would fit in ``seconds`` (and in the server's limits, if any)."""
    n = cached.n_players
    eye = np.eye(n, dtype=bool)
    probe = np.concatenate([np.zeros((1, n), bool), np.ones((1, n), bool), eye, ~eye])
    before = cached.n_evaluations
    start = time.perf_counter()
    cached.value(probe)
    took, calls = time.perf_counter() - start, cached.n_evaluations - before
    if calls == 0:  # already cached: nothing measured
        return False
    expected = (2**n - cached.n_evaluations) * took / calls
    lim = current_limits()
    if lim is not None:
        if lim.calls is not None and 2**n > lim.calls:
            return False
        left = lim.time_left()
        if left is not None and expected > left:
            return False
    return expected <= seconds
