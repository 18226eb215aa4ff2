"""Reason notices (ex.reasons): adverse reasons in order, protected features never listed, close
calls flagged, every reason verified, the wording from prompts/notice.toml, on the record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.explainer_notices import Reason, _flag_close
from explainer_nlg.store.audit import AuditLog


@pytest.fixture(scope="module")
def loan():
    return Explainer.demo("loan")


def test_adverse_reasons_are_the_strongest_against_the_favourable_class(loan):
    n = loan.reasons(3, record=False)
    ev = loan.explain(3, target="good")
    against = sorted((a for a in ev.attributions if a.contribution < 0 and a.name not in loan.protected),
                     key=lambda a: a.contribution)[:4]
    assert n.adverse and n.decision == "bad" and n.favourable == "good"
    assert [r.feature for r in n.reasons] == [a.name for a in against]
    assert all(r.verified and r.contribution < 0 for r in n.reasons)
    assert n.reasons[0].sentence == "A requested amount of 2,000 counted against “good”."
    assert "high compared with approved applicants (their median is 1,000)" in n.reasons[0].comparison
    approved = loan.rows()[loan.data_probabilities().argmax(axis=1) == loan.class_names.index("good")]
    assert n.reasons[0].reference["median"] == approved["Amount"].median() == 1000
    assert "Illustrative only" in n.text and n.counterfactual and "“good”" in n.counterfactual
    assert len(loan.reasons(3, k=2, counterfactual=False, record=False).reasons) == 2
    with pytest.raises(ExplainerInputError, match="more than four"):
        loan.reasons(3, k=5, record=False)


def test_a_favourable_decision_has_no_reasons(loan):
    n = loan.reasons(17, record=False)
    assert not n.adverse and n.reasons == [] and "not an adverse decision" in n.text


def _protected_model():
    """A lender's model where the protected feature matters most for the denied applicant."""
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame({"age": rng.integers(18, 80, n), "income": rng.normal(500, 150, n).round(),
                       "debt": rng.normal(200, 80, n).round()})
    score = -0.08 * (df["age"] - 50) + 0.004 * (df["income"] - 500) - 0.004 * (df["debt"] - 200)
    df["ok"] = np.where(score + rng.normal(0, 0.3, n) > 0, "yes", "no")
    model = LogisticRegression(max_iter=1000).fit(df[["age", "income", "debt"]], df["ok"])
    ex = Explainer.from_sklearn(model, df, target="ok", protected=["age"])
    ev_rows = [i for i in df.index if ex.predict(i)["no"] > 0.7]
    row = max(ev_rows, key=lambda i: df.loc[i, "age"])
    return ex, row


def test_protected_features_are_never_listed_and_the_notice_says_so():
    ex, row = _protected_model()
    ev = ex.explain(row, target="yes")
    assert ev.top(1)[0].name == "age" and ev.top(1)[0].contribution < 0   # it would be the first reason
    n = ex.reasons(row, record=False)
    assert n.adverse and "age" not in [r.feature for r in n.reasons]
    assert "Protected characteristics (age) are never given as reasons" in n.text
    assert n.counterfactual is None or "age" not in n.counterfactual


def test_reasons_within_sampling_error_are_flagged():
    rs = [Reason(1, "a", 1, -0.20, 0.02, "", "", True), Reason(2, "b", 1, -0.17, 0.02, "", "", True),
          Reason(3, "c", 1, -0.05, 0.01, "", "", True), Reason(4, "d", 1, -0.049, 0.0, "", "", True)]
    out = _flag_close(rs)
    assert [r.close_to for r in out] == [[2], [1], [4], [3]]
    exact = [Reason(1, "a", 1, -0.2, 0.0, "", "", True), Reason(2, "b", 1, -0.19, 0.0, "", "", True)]
    assert [r.close_to for r in _flag_close(exact)] == [[], []]


def test_close_calls_appear_in_the_notice(monkeypatch, loan):
    import explainer_nlg.explainer_notices as notices

    real = notices._flag_close
    monkeypatch.setattr(notices, "_flag_close", lambda rs: real([r.__class__(**{**r.__dict__, "standard_error": 0.2})
                                                                for r in rs]))
    n = loan.reasons(3, counterfactual=False, record=False)
    assert "Reasons 1 and 2 are within sampling error of each other" in n.text


def test_a_reworded_template_is_verified_and_falls_back_when_it_says_too_much(monkeypatch, loan):
    import explainer_nlg.prompt_files as pf

    real = pf.load_prompt_file

    def lender(name):
        words = real(name)
        if name == "notice.toml":
            words = {**words, "notice": {**words["notice"], "reason": "{feature} helped your case for {favourable}."}}
        return words

    monkeypatch.setattr(pf, "load_prompt_file", lender)
    n = loan.reasons(3, counterfactual=False, record=False)
    assert n.template_fallbacks == 4
    assert all(r.sentence.endswith("counted against “good”.") and r.verified for r in n.reasons)
    assert all("default wording used" in r.verdict for r in n.reasons)

    def plain(name):
        words = real(name)
        if name == "notice.toml":
            words = {**words, "notice": {**words["notice"], "reason": "{feature} worked against {favourable}."}}
        return words

    monkeypatch.setattr(pf, "load_prompt_file", plain)
    n = loan.reasons(3, counterfactual=False, record=False)
    assert n.template_fallbacks == 0 and n.reasons[0].sentence == "A requested amount of 2,000 worked against “good”."


def test_the_notice_is_on_the_record(tmp_path, loan):
    from explainer_nlg.explainer_notices import reason_notice, record_notice

    log = AuditLog(f"sqlite:///{tmp_path / 'a.sqlite'}")
    n = record_notice(loan, reason_notice(loan, 3, counterfactual=False), 3, operator="agent-2", audit=log)
    assert n.audit["recorded"] and n.audit["case"] == 1
    e = log.get(1)["payload"]
    assert e["kind"] == "notice" and e["answer"] == n.text and e["operator"] == "agent-2"
    assert [s["text"] for s in e["parts"][0]["sentences"]] == [r.sentence for r in n.reasons]
    assert e["parts"][0]["figures"]["reasons"][0]["feature"] == "Amount" and e["subject"] == "row 3"
    with pytest.raises(ExplainerInputError, match="tabular"):
        from explainer_nlg.explainer_notices import reason_notice as rn

        rn(type("T", (), {"kind": "text"})(), "x")
