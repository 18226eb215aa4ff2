"""The command line's effect, compare, similar and rules commands."""

import json

from explainer_nlg.cli import main
from explainer_nlg.effect_evidence import FeatureEffect


def test_effect_prints_the_narration_saves_the_chart_and_the_json_reads_back(tmp_path, capsys):
    out = tmp_path / "amount.png"
    assert main(["effect", "--demo", "loan", "--feature", "Amount", "--row", "3", "--audience", "customer",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "With amount requested below about 1,553 (it is 2,000 now), the decision would be “good”" in text
    assert out.stat().st_size > 1000
    assert main(["effect", "--demo", "loan", "--feature", "Income", "--json"]) == 0
    fe = FeatureEffect.from_json(capsys.readouterr().out)
    assert fe.scope == "global" and fe.shape["direction"] == "rising"


def test_compare_similar_rules_and_bad_input(capsys):
    assert main(["compare", "--demo", "loan", "--where", "Age>60", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["groups"][0]["size"] == 106
    assert main(["similar", "--demo", "loan", "--row", "17", "--k", "3"]) == 0
    assert "Among the 3 past applicants most like this one" in capsys.readouterr().out
    assert main(["rules", "--demo", "loan", "--row", "17"]) == 0
    captured = capsys.readouterr()
    assert "boosted ensemble of 200 trees" in captured.err and "precision" not in captured.err
    assert main(["effect", "--demo", "loan", "--feature", "Wealth"]) == 2
    assert "There is no feature 'Wealth'" in capsys.readouterr().err
    assert main(["compare", "--demo", "loan", "--where", "Age"]) == 2
    assert "write FEATURE>VALUE" in capsys.readouterr().err
