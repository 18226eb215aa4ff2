"""The additive control variate of estimate_shapley (issue 17 item 2): sample v - u, add g back."""

import numpy as np
import pytest

from explainer_nlg.attribution.game import FunctionGame
from explainer_nlg.attribution.shapley_estimators import estimate_shapley, exact_shapley


def random_game(n, seed=0):
    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(size=n), rng.normal(size=(n, n)) * 0.4
    w3 = rng.normal(size=(n, n, n)) * 0.08

    def f(m):
        m = m.astype(float)
        z = m @ w1 + np.einsum("bi,ij,bj->b", m, w2, m) + np.einsum("bi,ijk,bj,bk->b", m, w3, m, m)
        return 1 / (1 + np.exp(-z))

    return FunctionGame([f"p{i}" for i in range(n)], f)


def surrogates(game, exact, rng):
    """A good surrogate (the truth plus a little noise) and a bad one (random values)."""
    n = game.n_players
    return {"good": exact + rng.normal(0, 0.01, n), "bad": rng.normal(0, 1.0, n)}


@pytest.mark.parametrize("which", ["good", "bad"])
def test_mean_over_seeds_converges_to_brute_force(which):
    """Averaging 40 seeds shrinks the error toward zero, good surrogate or random: the error of
    the mean is a small fraction of one run's (1/sqrt(40) = 0.16 for a purely random error)."""
    ratios = []
    for gi in range(3):
        game = random_game(9, seed=gi)
        exact = exact_shapley(game).values
        g = surrogates(game, exact, np.random.default_rng(gi))[which]
        runs = np.array([estimate_shapley(game, 16 * 9, seed=s, control=g).values for s in range(40)])
        one_run = np.abs(runs - exact).mean()
        ratios.append(np.abs(runs.mean(0) - exact).mean() / one_run)
    assert np.mean(ratios) < 0.4


@pytest.mark.parametrize("budget", [None, 20, 4 * 11, 8 * 11])
def test_efficiency_holds_exactly_with_any_surrogate(budget):
    game = random_game(11, seed=5)
    g = np.random.default_rng(0).normal(0, 3.0, 11)  # far from the truth and not summing to it
    r = estimate_shapley(game, budget, control=g)
    assert r.efficiency_gap() < 1e-9
    assert r.diagnostics["control_variate"] == "additive"


def test_standard_errors_stay_calibrated():
    """2-SE coverage of the exact values over many seeds, where every stratum is sampled."""
    hits = []
    for gi in range(4):
        game = random_game(10, seed=gi)
        exact = exact_shapley(game).values
        g = surrogates(game, exact, np.random.default_rng(gi))["bad"]
        for seed in range(25):
            r = estimate_shapley(game, 16 * 10, seed=seed, control=g)
            hits.extend(np.abs(r.values - exact) <= 2 * r.standard_errors)
    assert 0.90 <= np.mean(hits) <= 0.98


def test_additive_surrogate_does_not_change_the_kernel_regression():
    """The constrained regression fits the additive part of every sample itself, so on the same
    design an additive surrogate changes nothing but rounding (docs/decisions/0001)."""
    game = random_game(12, seed=1)
    g = np.random.default_rng(1).normal(0, 1.0, 12)
    for budget in (2 * 12, 4 * 12, None):
        plain = estimate_shapley(game, budget, seed=3)
        cv = estimate_shapley(game, budget, seed=3, control=g)
        assert np.allclose(plain.values, cv.values, atol=1e-10)
        assert np.allclose(plain.standard_errors, cv.standard_errors, atol=1e-10)


def test_bad_control_is_refused_with_a_clear_message():
    game = random_game(5)
    with pytest.raises(ValueError, match="control must be 5 finite"):
        estimate_shapley(game, 20, control=np.ones(4))
    with pytest.raises(ValueError, match="finite"):
        estimate_shapley(game, 20, control=np.array([1.0, np.nan, 0, 0, 0]))
