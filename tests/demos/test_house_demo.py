"""The offline regression demo (issue 14): sale prices of Ames houses, explained in dollars."""

import numpy as np
import pytest

from explainer_nlg import Explainer


@pytest.fixture(scope="module")
def house():
    return Explainer.demo("house")


def test_the_house_demo_is_a_regressor_in_dollars_with_exact_tree_shap(house):
    assert house.predictor.is_regression and house.info["unit"] == "$" and house.info["row_noun"] == "houses"
    assert house.info["metrics"]["held_out_r2"] > 0.8  # measured on a held-out quarter before refitting
    ev = house.explain(7)
    assert ev.is_regression and ev.unit == "$" and ev.predicted_label == "price"
    assert ev.output_value == pytest.approx(float(house.predictor.predict_proba(house.rows().loc[[7], house.predictor.features])[0, 0]))
    assert abs(ev.efficiency_gap()) < 1e-9 * abs(ev.output_value)  # float error on dollars
    assert "tree" in ev.method.lower()


def test_the_chat_answers_a_buyers_questions_in_dollars(house):
    a = house.assistant()
    why = a.ask("why is house 7 so expensive?", session="buyer")
    assert why.parts[0].op == "why" and "$" in why.text and "%" not in why.text
    under = a.ask("what could bring it under 150000?", x=7, session="buyer")
    assert under.parts[0].op == "counterfactual", under.text
    found = under.parts[0].evidence.counterfactuals
    assert found and all(c.probabilities["price"] < 150_000 for c in found)  # each re-predicted under the bound
    assert "within the range asked for (price under 150,000)" in under.text
    effect = a.ask("how does living area affect the price?", session="buyer")
    assert "houses" in effect.text and "rises with" in effect.text


def test_the_cli_explains_a_house(capsys):
    from explainer_nlg.cli import main

    assert main(["explain", "--demo", "house", "--row", "7", "--audience", "support"]) in (0, None)
    out = capsys.readouterr().out
    assert "$" in out and "price" in out
    assert np.isfinite(float(Explainer.demo("house").explain(7).base_value))


def test_the_page_answers_about_a_house_with_its_chart_and_a_broken_chart_never_hides_an_answer(monkeypatch):
    from explainer_nlg.service import Service
    from explainer_nlg.ui import visuals
    from explainer_nlg.ui.app import PageHandlers

    page = PageHandlers(Service(store=False, audit=False, budget=256))
    *_, last = page.respond("why is house 7 so expensive?", [], "house", 7, None, "", None, None, "customer", "")
    assert "$" in last[0][-1]["content"] and "Error" not in last[0][-1]["content"]
    chart = last[4]
    assert chart["value"] is not None and chart["label"] == "Contributions"  # drawn in dollars, not p(...)

    def broken(*a, **k):
        raise KeyError("price")

    monkeypatch.setattr(visuals, "contribution_chart", broken)
    *_, last = page.respond("why is house 8 so cheap?", [], "house", 8, None, "", None, None, "customer", "")
    assert "About row 8" in last[0][-1]["content"]  # the answer stands; the picture is skipped
