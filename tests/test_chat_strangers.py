"""What strangers asked in a chat test (parser brief, 2026-11-30 night): outcome words that say
what happened are counted from the true labels; a bare yes/true after a yes/no column is its value.

Each test failed on main at e7f2e5b. The learned model is the cached full one (as in
test_chat_parser.py)."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from explainer_nlg.chat.parser import parse
from explainer_nlg.chat.schema import ChatSchema


@pytest.fixture(scope="module")
def loan():
    from explainer_nlg import Explainer

    return ChatSchema.from_explainer(Explainer.demo("loan"))


@pytest.fixture(scope="module")
def mortgage():
    """A user's table: yes/no string columns, a True/False column, classes approved / denied."""
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame({"loan.to.value": rng.uniform(0.2, 1.1, n).round(2),
                       "condo": rng.choice(["no", "yes"], n), "single": rng.choice(["no", "yes"], n),
                       "self.employed": rng.choice(["no", "yes"], n), "HasTelephone": rng.random(n) < 0.5})
    s = ChatSchema.from_frame(df, classes=["approved", "denied"], target="deny")
    s.has_labels = True
    return s


def filters(p):
    return sorted((f["feature"], f["cmp"], str(f["value"])) for f in p["filters"])


def test_the_schema_knows_whether_the_data_has_true_labels(loan):
    assert loan.has_labels
    assert not ChatSchema.from_frame(pd.DataFrame({"x": [1, 2]}), classes=["a", "b"]).has_labels


@pytest.mark.parametrize("question,feature,cls", [
    ("how many defaulted", "label", "bad"),
    ("how many defaulted?", "label", "bad"),
    ("how many were actually approved", "label", "good"),
    ("how many does the model think will default", "prediction", "bad"),
    ("how many were denied", "prediction", "bad"),  # a decision: the model's, as the frozen sets read it
])
def test_what_happened_is_counted_from_the_true_labels(question, feature, cls, loan):
    p = parse(question, loan)
    assert [o["op"] for o in p["ops"]] == ["count"], p
    assert filters(p) == [(feature, "==", cls)], p


def test_without_true_labels_what_happened_is_the_models_prediction(loan):
    p = parse("how many defaulted", replace(loan, has_labels=False))
    assert filters(p) == [("prediction", "==", "bad")], p


@pytest.mark.parametrize("question,want", [
    ("how many with condo True", [("condo", "==", "yes")]),
    ("count rows where single is yes", [("single", "==", "yes")]),
    ("how many are single = no", [("single", "==", "no")]),
    ("show self.employed yes", [("self.employed", "==", "yes")]),
    ("list condo=True applicants", [("condo", "==", "yes")]),
])
def test_a_yes_or_true_after_a_yes_no_column_is_its_value_not_an_outcome(question, want, mortgage):
    p = parse(question, mortgage)
    assert filters(p) == want, p
    assert not any(o.get("target") for o in p["ops"]), p


def test_a_yes_after_the_loan_demos_records_is_its_value(loan):
    p = parse("how many with records yes", loan)
    assert filters(p) == [("Records", "==", "yes")], p


def test_statistics_of_whole_amounts_are_not_given_to_the_cent():
    import re

    from explainer_nlg import Explainer

    ex = Explainer.demo("loan")
    text = ex.ask("stats on assets", session="strangers-stats").text
    assert re.search(r"mean [\d,]+ ", text) and not re.search(r"mean [\d,]+\.\d", text), text
    assert not re.search(r"standard deviation [\d,]+\.\d", text), text
