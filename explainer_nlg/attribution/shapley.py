"""Shapley values of a Game: exact enumeration and a sampling estimator.

Both share one signature (``game``, ``budget``) in the captum spirit, so
callers can swap them; ``shapley_values`` picks exact enumeration when all
2^n coalitions fit the budget.

The estimator solves the Shapley (kernel) weighted least-squares problem with
the efficiency constraint enforced exactly, on a design chosen for low error
at small budgets:

* coalition sizes are strata; strata are filled in order of their per-coalition
  kernel weight (sizes 1 and n-1 first, then 2 and n-2, ...), completely while
  the budget allows; this alone is exact for games with at most pairwise
  interactions;
* the rest of the budget is sampled as complement pairs (S, N\\S), without
  replacement, inside the first stratum that is not complete (it carries the
  most weight per coalition); each sampled stratum gets exactly its kernel
  mass, and the deepest one also the mass of the strata beyond it, so the
  regression keeps the kernel's total mass;
* a cache ensures no coalition is evaluated twice, and evaluation happens in
  batches so the model sees full batches;
* an early stop ends sampling once the top-k players and their signs have not
  changed for ``patience`` rounds.

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

from .game import CachedGame, FunctionGame, Game  # noqa: F401  (FunctionGame: doctest)

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

    def efficiency_gap(self) -> float:
        return float(abs(self.values.sum() - (self.full_value - self.empty_value)))


def all_masks(n: int) -> np.ndarray:
    """All 2^n coalitions as a (2^n, n) boolean array; row s has player i iff bit i of s is set."""
    idx = np.arange(2**n, dtype=np.int64)[:, None]
    return ((idx >> np.arange(n)) & 1).astype(bool)


def exact_shapley_weights(masks: np.ndarray) -> np.ndarray:
    """(2^n, n) coefficients C with phi = v @ C, for v over ``all_masks(n)`` (any row order)."""
    n = masks.shape[1]
    sizes = masks.sum(1)
    # w[k] = k!(n-k-1)!/n!: weight of a coalition of size k not containing i.
    w = np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)])
    w_with = np.where(sizes > 0, w[np.clip(sizes - 1, 0, n - 1)], 0.0)  # S contains i, |S \ i| = size-1
    w_without = np.where(sizes < n, w[np.clip(sizes, 0, n - 1)], 0.0)
    return np.where(masks, w_with[:, None], -w_without[:, None])


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
                         time.perf_counter() - start, "exact enumeration")


def _stratum_weight(n: int, k: int) -> float:
    """Total Shapley-kernel weight of all coalitions of size k (up to a common constant)."""
    return (n - 1) / (k * (n - k))


def _solve_constrained_wls(masks: np.ndarray, y: np.ndarray, w: np.ndarray, total: float) -> np.ndarray:
    """argmin_phi sum_j w_j (y_j - masks_j . phi)^2 subject to sum(phi) = total."""
    n = masks.shape[1]
    X = masks.astype(float)
    A = X.T @ (X * w[:, None])
    b = X.T @ (w * y)
    # KKT system; lstsq copes with designs that do not pin every player down.
    kkt = np.zeros((n + 1, n + 1))
    kkt[:n, :n] = A
    kkt[:n, n] = 1.0
    kkt[n, :n] = 1.0
    rhs = np.concatenate([b, [total]])
    sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
    return sol[:n]


class _PairedStratifiedDesign:
    """Grows a set of complement-paired coalitions, stratum by stratum, without repeats."""

    def __init__(self, n: int, rng: np.random.Generator):
        self.n = n
        self.rng = rng
        self.sizes = list(range(1, n // 2 + 1))  # k and n-k are one stratum
        self.taken: dict[int, set[bytes]] = {k: set() for k in self.sizes}
        self.masks: list[np.ndarray] = []
        self.next_full = 0  # index into self.sizes of the first stratum not yet enumerated

    def stratum_size(self, k: int) -> int:
        """Number of coalitions (counting both members of each pair) in stratum k."""
        c = math.comb(self.n, k)
        return c if 2 * k == self.n else 2 * c

    def remaining(self, k: int) -> int:
        return self.stratum_size(k) - (len(self.taken[k]) * (1 if 2 * k == self.n else 2))

    def _add(self, k: int, mask: np.ndarray) -> bool:
        key = np.packbits(mask).tobytes()
        comp_key = np.packbits(~mask).tobytes()
        if key in self.taken[k] or comp_key in self.taken[k]:
            return False
        self.taken[k].add(key)
        self.masks.append(mask)
        if 2 * k != self.n:
            self.masks.append(~mask)
        return True

    def grow(self, budget: int) -> None:
        """Add up to ``budget`` coalitions."""
        n = self.n
        # 1) complete strata, in order of per-coalition weight, while they fit
        while self.next_full < len(self.sizes):
            k = self.sizes[self.next_full]
            need = self.remaining(k)
            if need > budget:
                break
            for combo in combinations(range(n), k):
                mask = np.zeros(n, dtype=bool)
                mask[list(combo)] = True
                if self._add(k, mask):
                    budget -= 1 if 2 * k == n else 2
            self.next_full += 1
        if budget < 2 or self.next_full >= len(self.sizes):
            return
        # 2) sample pairs without replacement inside the first open stratum: it carries the most
        #    weight per coalition, and a nearly complete stratum beats a thin spread over all.
        k = self.sizes[self.next_full]
        count = min(budget // 2, self.remaining(k) // (1 if 2 * k == n else 2))
        tries = 0
        while count > 0 and tries < 50 * (count + 10):
            tries += 1
            mask = np.zeros(n, dtype=bool)
            mask[self.rng.choice(n, k, replace=False)] = True
            if self._add(k, mask):
                count -= 1

    def weights(self) -> np.ndarray:
        """Regression weight per coalition: each stratum carries exactly its kernel mass."""
        n = self.n
        masks = np.array(self.masks)
        sizes = masks.sum(1)
        stratum = np.minimum(sizes, n - sizes)
        counts = np.bincount(stratum, minlength=n // 2 + 1)
        mass = np.array([_stratum_weight(n, k) if k > 0 else 0.0 for k in range(n // 2 + 1)])
        # Pairs (k, n-k) each carry a stratum's mass; the self-paired middle carries one.
        per_side = np.where(2 * np.arange(n // 2 + 1) == n, 1.0, 2.0)
        mass = mass * per_side
        # Strata deeper than any sampled one lend their mass to the deepest sampled stratum,
        # so the regression keeps the kernel's total mass instead of truncating it.
        deepest = int(stratum.max())
        mass[deepest] += mass[deepest + 1 :].sum()
        return (mass / np.maximum(counts, 1))[stratum]


def estimate_shapley(
    game: Game,
    budget: int | None = None,
    *,
    top_k: int = 5,
    patience: int = 1,
    round_size: int | None = None,
    seed: int = 0,
) -> ShapleyResult:
    """Estimate Shapley values with at most ``budget`` evaluations of the game.

    ``budget`` counts every coalition evaluated, including the empty and full
    ones. With ``budget=None`` the first round evaluates sizes 1 and n-1 (2n calls),
    then rounds of n calls follow (up to 16n in all) until the top-``top_k``
    players and their signs are the same for ``patience`` rounds in a row.
    """
    start = time.perf_counter()
    n = game.n_players
    cached = game if isinstance(game, CachedGame) else CachedGame(game)
    calls_before = cached.n_evaluations
    ends = cached.value(np.array([np.zeros(n, bool), np.ones(n, bool)]))
    v0, v1 = float(ends[0]), float(ends[1])
    if n == 1:
        return ShapleyResult(np.array([v1 - v0]), v0, v1, cached.n_evaluations - calls_before,
                             time.perf_counter() - start, "exact enumeration")
    adaptive = budget is None
    cap = 16 * n + 2 if adaptive else budget
    if cap < 4:
        raise ValueError("A Shapley estimate needs a budget of at least 4 model calls.")
    round_size = round_size or max(n, 16)
    design = _PairedStratifiedDesign(n, np.random.default_rng(seed))
    signatures: list[frozenset] = []  # top-k players with their signs, one per round
    values = np.full(n, (v1 - v0) / n)
    converged = False
    rounds = 0
    while True:
        spent = cached.n_evaluations - calls_before
        room = cap - spent
        if room < 2:
            break
        before = len(design.masks)
        # A fixed budget is spent in one design; an adaptive run grows round by round.
        first = 2 * n if rounds == 0 else round_size  # round one: the complete size-1 / n-1 stratum
        design.grow(min(room, first) if adaptive else room)
        if len(design.masks) == before:
            converged = True  # nothing left to sample: every coalition has been evaluated
            break
        masks = np.array(design.masks)
        y = cached.value(masks) - v0
        values = _solve_constrained_wls(masks, y, design.weights(), v1 - v0)
        rounds += 1
        order = np.argsort(-np.abs(values))[:top_k]
        signature = frozenset((int(i), bool(values[i] > 0)) for i in order)
        signatures.append(signature)
        if adaptive and len(signatures) > patience and all(
            earlier == signature for earlier in signatures[-patience - 1 :]
        ):
            converged = True
            break
    method = "kernel-paired-stratified"
    return ShapleyResult(values, v0, v1, cached.n_evaluations - calls_before,
                         time.perf_counter() - start, method,
                         # a fixed budget has no stopping rule, unless it evaluated every coalition
                         converged if adaptive or converged else None,
                         {"rounds": rounds, "coalitions": len(design.masks)})


def shapley_values(game: Game, budget: int | None = None, *, exact_up_to: int = 256, **kwargs) -> ShapleyResult:
    """Exact enumeration when 2^n fits the budget (or ``exact_up_to`` calls when there is no
    budget), else ``estimate_shapley`` (adaptive, with early stop, when there is no budget)."""
    n = game.n_players
    exact_budget = budget if budget is not None else exact_up_to
    if n <= EXACT_MAX_PLAYERS and 2**n <= exact_budget:
        return exact_shapley(game)
    return estimate_shapley(game, budget, **kwargs)
