import itertools
import math

import numpy as np
import pytest

from explainer_nlg.attribution.game import CachedGame, FunctionGame
from explainer_nlg.attribution.shapley_estimators import (
    estimate_shapley,
    exact_shapley,
    shapley_values,
)


def brute_force_by_permutations(game):
    """Independent reference: average marginal contribution over all n! orderings."""
    n = game.n_players
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        mask = np.zeros(n, bool)
        prev = game.value(mask)[0]
        for i in order:
            mask[i] = True
            cur = game.value(mask)[0]
            phi[i] += cur - prev
            prev = cur
    return phi / math.factorial(n)


def random_game(n, seed=0):
    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(size=n), rng.normal(size=(n, n)) * 0.4
    w3 = rng.normal(size=(n, n, n)) * 0.08

    def f(m):
        m = m.astype(float)
        z = m @ w1 + np.einsum("bi,ij,bj->b", m, w2, m) + np.einsum("bi,ijk,bj,bk->b", m, w3, m, m)
        return 1 / (1 + np.exp(-z))

    return FunctionGame([f"p{i}" for i in range(n)], f)


def test_exact_matches_permutation_brute_force():
    game = random_game(6)
    assert np.allclose(exact_shapley(game).values, brute_force_by_permutations(game), atol=1e-12)


def test_exact_known_values_and_efficiency():
    game = FunctionGame(["a", "b", "c"], lambda m: m @ np.array([1.0, 2.0, 3.0]) + m[:, 0] * m[:, 1])
    r = exact_shapley(game)
    assert np.allclose(r.values, [1.5, 2.5, 3.0])
    assert r.efficiency_gap() < 1e-12
    assert r.n_evaluations == 8


@pytest.mark.parametrize("budget", [2 * 11, 4 * 11, 8 * 11, 300])
def test_estimator_efficiency_and_budget(budget):
    game = CachedGame(random_game(11))
    r = estimate_shapley(game, budget)
    assert r.efficiency_gap() < 1e-9
    assert game.n_evaluations <= budget
    assert r.n_evaluations == game.n_evaluations


@pytest.mark.parametrize("n", [10, 11])
def test_estimator_spends_its_whole_budget(n):
    """Complement pairs everywhere, the self-paired middle stratum too: at most one call unused."""
    for k in (2, 4, 8):
        game = CachedGame(random_game(n, seed=k))
        estimate_shapley(game, k * n)
        assert k * n - 1 <= game.n_evaluations <= k * n


def test_sampled_strata_are_balanced_over_players():
    from explainer_nlg.attribution.shapley_estimators import _PairedStratifiedDesign

    design = _PairedStratifiedDesign(20, np.random.default_rng(0))
    design.grow(40)  # sizes 1 and 19, whole
    design.grow(300)  # then pairs spread over the next strata
    masks = np.array(design.masks)
    sizes = masks.sum(1)
    sampled = [k for k in range(2, 10) if (sizes == k).any()]
    assert len(sampled) >= 3  # spread over several strata, not piled into the next one
    for k in sampled:
        counts = masks[sizes == k].sum(0)
        # independent draws spread these counts wider; the permutation stream keeps them level
        assert counts.max() - counts.min() <= 4, (k, counts)


def test_estimator_error_shrinks_with_budget():
    game = random_game(11, seed=3)
    exact = exact_shapley(game).values
    errs = []
    for budget in (22, 88, 352):
        errs.append(np.mean([np.abs(estimate_shapley(game, budget, seed=s).values - exact).mean() for s in range(4)]))
    assert errs[0] > errs[1] > errs[2]
    assert errs[2] < 0.35 * errs[0]


def test_estimator_is_exact_on_additive_and_pairwise_games():
    # Complete strata of size 1 and n-1 make the estimate exact when interactions are at most pairwise.
    n = 9
    rng = np.random.default_rng(5)
    w1, w2 = rng.normal(size=n), rng.normal(size=(n, n))
    game = FunctionGame([str(i) for i in range(n)], lambda m: m @ w1 + np.einsum("bi,ij,bj->b", m * 1.0, w2, m * 1.0))
    assert np.allclose(estimate_shapley(game, 2 * n + 2).values, exact_shapley(game).values, atol=1e-9)


def test_estimator_reaches_exact_when_budget_covers_all_coalitions():
    game = random_game(7)
    r = estimate_shapley(game, 2**7)
    assert np.allclose(r.values, exact_shapley(game).values, atol=1e-9)


def test_cache_never_evaluates_a_coalition_twice():
    seen = []

    def f(m):
        seen.extend(np.packbits(row).tobytes() for row in m)
        return m.sum(1) ** 1.5

    game = FunctionGame([str(i) for i in range(12)], f)
    estimate_shapley(game, None)  # adaptive: several rounds over one growing design
    assert len(seen) == len(set(seen))


def test_adaptive_stops_early_once_top_players_are_stable():
    n = 30
    w = np.linspace(3, 0.1, n)
    game = CachedGame(FunctionGame([str(i) for i in range(n)], lambda m: m @ w))
    r = estimate_shapley(game, None)
    assert r.converged
    assert game.n_evaluations < 16 * n
    assert list(np.argsort(-r.values)[:5]) == [0, 1, 2, 3, 4]


def test_convergence_is_reported_only_for_adaptive_runs():
    game = random_game(10)
    assert estimate_shapley(game, 40).converged is None  # a fixed budget has no stopping rule
    assert estimate_shapley(game, None).converged in (True, False)


def test_shapley_values_picks_exact_when_it_fits():
    game = random_game(5)
    assert shapley_values(game).method == "exact enumeration"
    assert shapley_values(random_game(12)).method == "kernel-paired-stratified"


def test_standard_errors_cover_the_exact_values():
    """Over many seeds and games, the exact value lies within 2 standard errors of the estimate in
    about 95% of cases once every stratum is sampled (measured 0.89 at 8n on these games)."""
    hits = []
    for g in range(4):
        game = random_game(12, seed=g)
        exact = exact_shapley(game).values
        for seed in range(15):
            r = estimate_shapley(game, 8 * 12, seed=seed)
            assert r.standard_errors.shape == (12,) and np.all(r.standard_errors >= 0)
            hits.extend(np.abs(r.values - exact) <= 2 * r.standard_errors)
    assert 0.85 <= np.mean(hits) < 1.0  # too wide would be as wrong as too narrow


def test_exact_results_have_zero_standard_error():
    assert np.all(exact_shapley(random_game(5)).standard_errors == 0)


def test_adaptive_rounds_build_the_design_a_fixed_budget_would():
    from explainer_nlg.attribution.shapley_estimators import _PairedStratifiedDesign

    n = 30
    fixed, rounds = (_PairedStratifiedDesign(n, np.random.default_rng(0)) for _ in range(2))
    fixed.grow(2 * n + 6 * n)
    rounds.grow(2 * n)
    for _ in range(6):
        rounds.grow(n)

    def per_stratum(d):
        s = np.array(d.masks).sum(1)
        return np.bincount(np.minimum(s, n - s), minlength=n // 2 + 1)

    assert per_stratum(rounds).tolist() == per_stratum(fixed).tolist()
    assert rounds.reaches_every_stratum()


def test_adaptive_stops_only_once_every_stratum_is_sampled():
    game = CachedGame(random_game(24, seed=3))
    r = estimate_shapley(game, None, seed=0)
    n = 24
    # 2n for sizes 1 / n-1, then at least 3 pairs in each of the other n/2 - 1 strata
    assert r.converged and r.n_evaluations >= 2 + 2 * n + 2 * 3 * (n // 2 - 1)
