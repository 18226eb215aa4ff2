import numpy as np
import pytest

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.attribution.shapley_estimators import estimate_shapley, exact_shapley


@pytest.fixture(scope="module")
def text():
    return Explainer.demo("text")  # trains once (minutes) and caches; later runs load in seconds


def test_text_demo_loads_offline_and_is_better_than_majority(text):
    m = text.info["metrics"]
    assert text.class_names == ["great", "other"]
    assert m["held_out_accuracy"] > m["majority_baseline"] + 0.1
    probs = text.predict("Stale, broken and tasteless. I want a refund.")
    assert probs["other"] > 0.5


def test_short_text_is_exact_and_equals_brute_force(text):
    msg = "Stale cookies, terrible taste."
    ev = text.explain(msg)
    assert ev.method == "exact enumeration"
    brute = exact_shapley(text.game(msg))
    assert np.allclose([a.contribution for a in ev.attributions], brute.values, atol=1e-9)
    # The model computes in float32: the whole text's probability, from its own forward pass, may
    # differ from the game's by one float32 step at 1.0 (1.2e-7; seen in CI with another thread count)
    assert ev.efficiency_gap() < 1e-6
    for a in ev.attributions:  # spans point at the words as the user wrote them
        assert msg[a.span[0] : a.span[1]] == a.name


def test_players_are_words_not_word_pieces(text):
    ev = text.explain("Unbelievably overpriced snacks")
    assert [a.name for a in ev.attributions] == ["Unbelievably", "overpriced", "snacks"]


def test_estimator_on_real_text_game_efficient_and_improves_with_budget(text):
    msg = "I ordered this tea twice and the second box tasted stale and cheap"
    game = text.game(msg)
    exact = exact_shapley(game).values
    errs = []
    for budget in (2 * len(exact), 8 * len(exact)):
        r = estimate_shapley(game, budget)
        assert r.efficiency_gap() < 1e-9
        errs.append(np.abs(r.values - exact).mean())
    assert errs[1] < errs[0]


def test_long_text_adaptive_estimate(text):
    msg = ("The coffee smelled wonderful when I opened the bag but the taste was flat and bitter "
           "and after a week it was stale so I would not buy this brand again")
    ev = text.explain(msg)
    assert ev.method == "kernel-paired-stratified"
    assert ev.efficiency_gap() < 1e-9
    assert ev.n_evaluations <= 16 * len(ev.attributions) + 2 + 20  # + faithfulness checks
    # sampled contributions carry their standard errors, and close calls are named
    errors = [a.standard_error for a in ev.attributions]
    assert all(e is not None and e >= 0 for e in errors) and max(errors) > 0
    by_name = {a.name: a for a in ev.attributions}
    ranked = [a.name for a in ev.top(6)]
    for c in ev.extra["close_calls"]:
        a, b = (by_name[p] for p in c["players"])
        assert c["ranks"] == [ranked.index(a.name) + 1, ranked.index(b.name) + 1]
        assert abs(a.contribution) - abs(b.contribution) < 2 * (a.standard_error ** 2 + b.standard_error ** 2) ** 0.5
    assert any(n.startswith("Too close to order") for n in ev.notes) == bool(ev.extra["close_calls"])
    again = type(ev).from_json(ev.to_json())
    assert [a.standard_error for a in again.attributions] == errors


def test_text_bad_inputs(text):
    with pytest.raises(ExplainerInputError, match="empty"):
        text.explain("   ")
    with pytest.raises(ExplainerInputError, match="no words"):
        text.explain("!!! ???")
    with pytest.raises(ExplainerInputError, match="not int"):
        text.explain(42)
    with pytest.raises(ExplainerInputError, match="characters long"):
        text.explain("word " * 10_000)
    with pytest.raises(ExplainerInputError, match="There is no class 'positive'"):
        text.explain("good tea", target="positive")


def test_text_over_model_length_says_what_was_truncated(text):
    msg = " ".join(["tasty"] * 300) + " ENDWORD"
    ev = text.explain(msg, budget=64)
    assert any("were not seen" in n for n in ev.notes)
    assert "ENDWORD" not in [a.name for a in ev.attributions]


def test_markup_and_non_ascii_words_are_plain_players(text):
    ev = text.explain("<script>alert(1)</script> café délicieux")
    names = [a.name for a in ev.attributions]
    assert "café" in names and "délicieux" in names and "script" in names


def test_from_transformers_bad_sources():
    with pytest.raises(ExplainerInputError, match="not a local model directory"):
        Explainer.from_transformers("no/such/model-dir")
    with pytest.raises(ExplainerInputError, match="from_transformers takes"):
        Explainer.from_transformers(12)
