"""The logistic surrogate of estimate_shapley (issue 17): KR(v) - KR(u) + phi(u)."""

import numpy as np
import pytest

from explainer_nlg.attribution.game import FunctionGame
from explainer_nlg.attribution.logistic_surrogate import (
    ENUMERATE_UP_TO,
    LogisticGame,
    fit_logistic_game,
    is_probability_game,
)
from explainer_nlg.attribution.shapley_estimators import all_masks, estimate_shapley, exact_shapley


def saturating_game(n, seed=0, interactions=0.0):
    """A confident classifier's probability: sigmoid of word weights (a few strong ones), plus
    optional pairwise interactions the surrogate cannot represent."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 1.5, n) * (rng.random(n) < 0.6)
    q = np.triu(rng.normal(0, interactions, (n, n)), 1)
    a = rng.normal(-1.0, 1.0)

    def f(m):
        m = m.astype(float)
        return 1 / (1 + np.exp(-(a + m @ w + np.einsum("bi,ij,bj->b", m, q, m))))

    return FunctionGame([f"w{i}" for i in range(n)], f)


def errors(game, budget, seeds, surrogate):
    exact = exact_shapley(game).values
    return [np.abs(estimate_shapley(game, budget, seed=s, surrogate=surrogate).values - exact).mean()
            for s in seeds]


def test_fit_recovers_a_logistic_game():
    truth = LogisticGame(-1.0, np.array([2.5, -1.0, 0.0, 0.7, 1.5]))
    masks = all_masks(5)
    fitted = fit_logistic_game(masks, truth.value(masks))
    assert np.abs(fitted.value(masks) - truth.value(masks)).max() < 1e-4


def test_surrogate_shapley_values_by_permutations_match_enumeration():
    rng = np.random.default_rng(1)
    n = ENUMERATE_UP_TO + 2  # beyond enumeration: antithetic permutations of the surrogate
    u = LogisticGame(-0.5, rng.normal(0, 1.5, n))
    by_permutations = u.shapley_values(seed=0)
    exact = exact_shapley(FunctionGame(list(map(str, range(n))), u.value)).values
    assert np.abs(by_permutations - exact).max() < 0.004
    # every permutation's steps add up to u(all) - u(none): efficiency holds exactly
    ends = u.value(np.array([np.zeros(n, bool), np.ones(n, bool)]))
    assert abs(by_permutations.sum() - (ends[1] - ends[0])) < 1e-12


def test_a_logistic_game_is_nearly_exact_at_2n_calls_where_the_regression_alone_is_not():
    for seed in range(3):
        game = saturating_game(11, seed)
        with_u = np.mean(errors(game, 2 * 11 + 2, range(3), "logistic"))
        without = np.mean(errors(game, 2 * 11 + 2, range(3), None))
        assert with_u < 1e-3 < without


def test_lower_error_at_small_budgets_when_the_game_is_not_quite_logistic():
    for budget in (2 * 12, 4 * 12):
        with_u = np.mean([np.mean(errors(saturating_game(12, g, 0.15), budget, range(3), "logistic"))
                          for g in range(4)])
        without = np.mean([np.mean(errors(saturating_game(12, g, 0.15), budget, range(3), None))
                           for g in range(4)])
        assert with_u < 0.8 * without


@pytest.mark.parametrize("budget", [None, 24, 4 * 12, 8 * 12])
def test_efficiency_holds_exactly(budget):
    r = estimate_shapley(saturating_game(12, 2, 0.5), budget, surrogate="logistic")
    assert r.efficiency_gap() < 1e-9
    assert r.diagnostics["surrogate"] == "logistic"


def test_mean_over_seeds_converges_to_brute_force():
    """The correction vanishes as the design fills (KR(u) tends to phi(u)), so the estimator stays
    consistent: the mean of 40 seeds is far closer to brute force than one run."""
    ratios = []
    for gi in range(3):
        game = saturating_game(9, gi, interactions=0.8)
        exact = exact_shapley(game).values
        runs = np.array([estimate_shapley(game, 16 * 9, seed=s, surrogate="logistic").values for s in range(40)])
        ratios.append(np.abs(runs.mean(0) - exact).mean() / np.abs(runs - exact).mean())
    assert np.mean(ratios) < 0.4


def test_standard_errors_stay_calibrated_where_every_stratum_is_sampled():
    hits = []
    for gi in range(4):
        game = saturating_game(12, gi, interactions=0.8)
        exact = exact_shapley(game).values
        for seed in range(15):
            r = estimate_shapley(game, 8 * 12, seed=seed, surrogate="logistic")
            hits.extend(np.abs(r.values - exact) <= 2 * r.standard_errors)
    assert 0.8 <= np.mean(hits) < 1.0


def test_off_by_default_and_left_out_for_games_that_are_not_probabilities():
    game = saturating_game(10, 1)
    assert "surrogate" not in estimate_shapley(game, 40, seed=1).diagnostics
    rng = np.random.default_rng(0)
    w = rng.normal(0, 3, 10)
    game = FunctionGame(list(map(str, range(10))), lambda m: m @ w + 5.0 * m[:, 0] * m[:, 1])  # outside [0, 1]
    asked = estimate_shapley(game, 40, seed=1, surrogate="logistic")
    off = estimate_shapley(game, 40, seed=1)
    assert np.array_equal(asked.values, off.values)
    assert "surrogate" not in asked.diagnostics
    assert not is_probability_game(np.array([0.2, 1.3])) and is_probability_game(np.array([0.0, 1.0]))


def test_an_unknown_surrogate_is_refused_by_name():
    with pytest.raises(ValueError, match="surrogate must be"):
        estimate_shapley(saturating_game(5), 20, surrogate="trees")


def test_standard_errors_are_the_residual_games():
    """On a game the surrogate fits exactly, the residual is zero, and so are its standard errors;
    the regression alone has sampling error there."""
    game = saturating_game(12, 4)
    with_u = estimate_shapley(game, 6 * 12, seed=0, surrogate="logistic")
    without = estimate_shapley(game, 6 * 12, seed=0)
    assert with_u.standard_errors.max() < 1e-3 < without.standard_errors.max()
