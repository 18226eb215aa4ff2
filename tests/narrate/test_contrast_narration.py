"""Narration of one row measured against another (``focus="contrast"``): every template sentence
passes the verifier, on classifiers and regressors, and the verifier rejects a wrong claim about
either row."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from explainer_nlg import Explainer
from explainer_nlg.narrate import narrate, template_sentences, verify_sentence
from explainer_nlg.narrate.verify import verify

PAIRS = [(1, 2), (3, 10), (5, 50), (7, 8), (12, 40), (20, 21), (33, 90), (60, 61)]


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"age": rng.integers(20, 70, 200), "income": rng.normal(50, 15, 200).round(1),
                       "debt": rng.normal(10, 5, 200).round(1), "kids": rng.integers(0, 3, 200)})
    df["status"] = np.where(df.income - df.debt + rng.normal(0, 8, 200) > 40, "good", "bad")
    df.index = pd.RangeIndex(1, 201)
    return df


@pytest.fixture(scope="module")
def classifier(frames):
    X = frames.drop(columns=["status"])
    return Explainer.from_sklearn(RandomForestClassifier(40, random_state=0).fit(X, frames.status), frames,
                                  target="status", row_noun="applicants")


@pytest.fixture(scope="module")
def regressor(frames):
    X = frames.drop(columns=["status", "income"])
    return Explainer.from_sklearn(RandomForestRegressor(40, random_state=0).fit(X, frames.income),
                                  frames.drop(columns=["status"]), target="income", row_noun="applicants")


@pytest.mark.parametrize("audience", ["customer", "support", "developer"])
def test_every_contrast_sentence_passes_the_verifier(classifier, regressor, audience):
    for ex in (classifier, regressor):
        for a, b in PAIRS:
            ev = ex.contrast(a, b)
            sentences = template_sentences(ev, audience, "contrast")
            assert sentences[0].text.count(f"row {b}") == 1, sentences[0].text  # both rows named at once
            for s in sentences:
                v = verify_sentence(s.text, ev)
                assert v.ok, (s.text, v.reason)
            if audience == "customer":
                assert len(narrate(ev, audience, focus="contrast").text.split()) < 60


def test_a_wrong_claim_about_either_row_is_rejected(classifier):
    a, b = next((a, b) for a, b in PAIRS
                if classifier.contrast(a, b).predicted_label != classifier.contrast(a, b).extra["reference"]["predicted_label"])
    ev = classifier.contrast(a, b)
    mine, theirs = ev.predicted_label, ev.extra["reference"]["predicted_label"]
    top = max(ev.attributions, key=lambda t: abs(t.contribution))
    true = f"The model predicted “{mine}” for row {a}; for row {b} it predicted “{theirs}”."
    assert verify(true, ev).accepted
    assert not verify(f"The model predicted “{mine}” for row {a}; for row {b} it predicted “{mine}”.", ev).accepted
    assert not verify(f"The model predicted “{theirs}” for row {a}; for row {b} it predicted “{theirs}”.", ev).accepted
    way = "lowered" if top.contribution > 0 else "raised"
    lie = f"Compared with row {b}, what {way} the chance of “{ev.target_label}”: {top.name.lower()}."
    assert not verify(lie, ev).accepted, lie
