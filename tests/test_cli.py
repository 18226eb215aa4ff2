"""The command line, every subcommand in one place: explain (text, JSON, pictures, an audience),
counterfactual and what-if, effect, compare, similar and rules, reasons, verify, export and audit.
Exit codes: 0 done, 1 a check failed (verify), 2 bad input, named on stderr. (``batch`` and
``serve`` are tested with their packages: tests/batch/, tests/api/.)"""

from __future__ import annotations

import json
import sqlite3

import pytest

from explainer_nlg import Evidence, Explainer
from explainer_nlg.cli import main
from explainer_nlg.evidence.effects import FeatureEffect
from explainer_nlg.service import Service
from explainer_nlg.store.audit import AuditLog

# Written by a support person about a house-price model's evidence (as tests/test_regression.py's).
HOUSE = Evidence.from_contributions(
    [("Living area", 1698, 12757.84), ("Year built", 1963, -8000.0), ("Garage", 2, 3100.0), ("Lot area", 9000, 450.0)],
    prediction=189549.0, base_value=181241.16, unit="$", name="price")


@pytest.fixture(scope="module")
def denied():
    """Loan rows the demo model denies."""
    loan = Explainer.demo("loan")
    X = loan.rows()[loan.info["features"]]
    p_bad = loan.predictor.predict_proba(X)[:, loan.class_names.index("bad")]
    return [int(i) for i in X.index[p_bad > 0.5][:8]]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A service whose audit log holds one answer (case #1)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cases') / 'audit.sqlite'}"
    svc = Service(store=False, audit=url, budget=128)
    svc.ask("why was 3 denied?", "loan", "3", "", "support")
    return svc


# ---- explain ----------------------------------------------------------------------------------

def test_cli_text_and_json(capsys):
    assert main(["explain", "--demo", "loan", "--row", "17"]) == 0
    out = capsys.readouterr().out
    assert "Prediction: good" in out and "Income = 330" in out
    assert main(["explain", "--demo", "text", "--text", "stale and broken", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["predicted_label"] == "other" and len(d["attributions"]) == 3

def test_cli_bad_input_exit_code_and_message(capsys):
    assert main(["explain", "--demo", "loan", "--row", "abc"]) == 2
    assert "no row with id 'abc'" in capsys.readouterr().err
    assert main(["explain", "--demo", "text"]) == 2
    assert "needs --text" in capsys.readouterr().err


def test_explain_narrates_for_an_audience(capsys):
    assert main(["explain", "--demo", "loan", "--row", "17", "--audience", "customer", "--budget", "300"]) == 0
    out = capsys.readouterr().out
    assert "The model" in out or "For this case" in out



def test_explain_image_out_saves_the_pictures(tmp_path, capsys):
    out = tmp_path / "cli" / "overlay.png"
    assert main(["explain", "--demo", "image", "--image", "chelsea", "--budget", "16", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Hottest region" in text and "Deletion AUC" in text
    assert out.exists() and (tmp_path / "cli" / "overlay-grid.png").exists()
    assert main(["explain", "--demo", "loan", "--row", "17", "--out", str(out)]) == 2
    assert "--demo image only" in capsys.readouterr().err


# ---- what would change it ---------------------------------------------------------------

def test_cli_counterfactual_and_what_if(capsys, denied):
    assert main(["counterfactual", "--demo", "loan", "--row", str(denied[0]), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["target_label"] == "good" and d["found"] and d["constraints"]["immutable"] == ["Marital", "Records"]
    assert main(["counterfactual", "--demo", "loan", "--row", str(denied[0])]) == 0
    out = capsys.readouterr().out
    assert "Changes that make it good:" in out and "Searched" in out
    assert main(["what-if", "--demo", "loan", "--row", "17", "--change", "Amount=3000", "--change", "Income-=100"]) == 0
    out = capsys.readouterr().out
    assert "Amount 1500 -> 3000; Income 330 -> 230" in out
    assert main(["what-if", "--demo", "loan", "--row", "17", "--change", "Weather=3"]) == 2
    assert "There is no feature 'Weather'" in capsys.readouterr().err
    assert main(["counterfactual", "--demo", "loan", "--row", "17", "--target", "good"]) == 2
    assert "already predicts 'good'" in capsys.readouterr().err


# ---- data-level views --------------------------------------------------------------------

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


# ---- reasons, verify, the record ----------------------------------------------------------

def test_cli_reasons_prints_the_notice_and_its_case(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EXPLAINER_NLG_AUDIT", str(tmp_path / "audit.sqlite"))
    assert main(["reasons", "--demo", "loan", "--row", "3", "--k", "2", "--no-counterfactual"]) == 0
    out = capsys.readouterr().out
    assert "1. A requested amount of 2,000 counted against “good”." in out and "3." not in out.split("Protected")[0]
    assert "On the record as case #1" in out
    assert main(["reasons", "--demo", "loan", "--row", "99999"]) == 2
    assert "99999" in capsys.readouterr().err


def test_cli_verify_reads_evidence_and_text_files(tmp_path, capsys):
    ev_file, text_file = tmp_path / "ev.json", tmp_path / "narrative.txt"
    ev_file.write_text(HOUSE.to_json())
    text_file.write_text("The living area added about $12,800.\nThe year built took about $8,000 off.\n")
    assert main(["verify", "--evidence", str(ev_file), "--text", str(text_file)]) == 0
    assert "Verdict: accepted" in capsys.readouterr().out
    text_file.write_text("The garage mattered more than the living area.")
    assert main(["verify", "--evidence", str(ev_file), "--text", str(text_file), "--json"]) == 1
    assert '"verdict": "rejected"' in capsys.readouterr().out
    ev_file.write_text("{not json")
    assert main(["verify", "--evidence", str(ev_file), "--text", str(text_file)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_export_writes_html_and_pdf_and_names_a_missing_case(recorded, tmp_path, capsys):
    db = recorded.audit.url
    assert main(["export", "1", "--db", db, "--html", str(tmp_path / "c.html"), "--pdf", str(tmp_path / "c.pdf")]) == 0
    assert (tmp_path / "c.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    assert main(["export", "77", "--db", db, "--html", str(tmp_path / "x.html")]) == 2
    assert "There is no case #77" in capsys.readouterr().err


def test_cli_verify_names_the_first_bad_entry(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    log = AuditLog(url)
    for i in range(3):
        log.append({"session": "s-1", "question": f"why {i}?", "answer": f"Because {i}."})
    assert main(["audit", "verify", "--db", url]) == 0
    assert "OK: 3 entries" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "audit.sqlite") as c:
        c.execute("UPDATE audit_log SET payload = replace(payload, 'why 1?', 'why not?') WHERE seq = 2")
    assert main(["audit", "verify", "--db", url]) == 1
    out = capsys.readouterr().out
    assert "BROKEN at entry #2" in out and "edited" in out
    assert main(["audit", "list", "--db", str(tmp_path / "audit.sqlite"), "--search", "why 2"]) == 0
    assert "#3" in capsys.readouterr().out
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"garbage" * 500)
    assert main(["audit", "verify", "--db", str(garbage)]) == 2
    assert "cannot be read" in capsys.readouterr().err
