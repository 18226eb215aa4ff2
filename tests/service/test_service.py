"""The Gradio-free service layer, unit by unit: request checks, the error boundary, session keys and
owned models, image sources, model files, the store, budgets and long texts."""

import json
import os
import re
import time

import numpy as np
import pytest

from explainer_nlg import Explainer, ExplainerInputError
from explainer_nlg.service import (
    Service,
    ServiceError,
    TooLarge,
    as_service_error,
    json_safe,
    requests,
)


@pytest.fixture(scope="module")
def service():
    return Service(budget=128, store=False)


# ---- request fields -----------------------------------------------------------------------------

@pytest.mark.parametrize("x,expected", [("17", 17), (" 17 ", 17), (17, 17), (17.0, 17), ("", None),
                                        ('{"Income": 5}', {"Income": 5})])
def test_table_x_reads_ids_and_rows(x, expected):
    assert requests.table_x(x) == expected


@pytest.mark.parametrize("x,error,says", [
    ("17.5", ExplainerInputError, "whole number, not 17.5"),
    ("1e308", ExplainerInputError, "There is no row with id 1e308"),
    ("nan", ExplainerInputError, "whole number, not nan"),
    ("[1, 2]", ExplainerInputError, "row id or a JSON row"),
    (True, ExplainerInputError, "not True"),
    ('{"a":' * 10 + "1" + "}" * 10, ExplainerInputError, "nested 10 levels deep"),
    ('{"a": [1, 2]}', ExplainerInputError, "holds one value per feature"),
    ("{" + "x" * 70_000, TooLarge, "limit is 65,536"),
])
def test_table_x_refuses_with_a_message(x, error, says):
    with pytest.raises(error, match=says.replace("[", r"\[").replace("(", r"\(")):
        requests.table_x(x)


def test_fields_that_are_not_text_are_named():
    with pytest.raises(ExplainerInputError, match="audience must be text, not a list"):
        requests.audience(["customer"])
    with pytest.raises(ExplainerInputError, match="Unknown audience 'boss'"):
        requests.audience("boss")
    with pytest.raises(ExplainerInputError, match="demo must be one model name such as 'loan', not a dict"):
        requests.demo_name({"a": 1})
    with pytest.raises(ExplainerInputError, match="There is no model"):
        requests.demo_name("../../etc/passwd")
    with pytest.raises(TooLarge, match="questions may have up to 1,000"):
        requests.question("x" * 200_000)
    assert requests.question("\x1b[1mwhy?\x1b[0m") == "why?"


def test_json_safe_writes_every_number():
    out = json_safe({"a": [10**30, -(10**30), float("inf"), np.float32(0.5), np.int64(3)], "b": (1, 2)})
    assert json.loads(json.dumps(out, allow_nan=False)) == {"a": [str(10**30), str(-(10**30)), None, 0.5, 3],
                                                             "b": [1, 2]}


# ---- the error boundary ---------------------------------------------------------------------------

def test_the_boundary_logs_internal_failures_and_tells_the_truth(caplog):
    err = as_service_error(KeyError("secret/path"), "answering")
    assert err.status == 500 and err.ref and err.ref in err.message and "KeyError" in err.message
    assert "secret/path" not in err.message  # the detail goes to the log, not to the client
    assert err.ref in caplog.text and "secret/path" in caplog.text
    assert as_service_error(RecursionError()).status == 400
    assert as_service_error(TimeoutError()).status == 504


def test_the_boundary_gives_a_rest_api_its_statuses():
    fastapi = pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from explainer_nlg.service.http import install_error_handlers

    app = fastapi.FastAPI()
    install_error_handlers(app)

    @app.get("/bad")
    def bad():
        raise ExplainerInputError("There is no row with id 9.")

    @app.get("/big")
    def big():
        raise TooLarge("The text is 200,000 characters long.")

    @app.get("/broken")
    def broken():
        raise ZeroDivisionError("x")

    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/bad")
    assert r.status_code == 400 and r.json() == {"error": "There is no row with id 9.", "status": 400,
                                                 "kind": "bad_input"}
    assert client.get("/big").status_code == 413
    r = client.get("/broken")
    assert r.status_code == 500 and r.json()["kind"] == "internal" and "ZeroDivisionError" in r.json()["error"]


def test_service_requests_raise_only_service_errors(service):
    with pytest.raises(ServiceError) as info:
        service.ask("why?", "loan", "not a row")
    assert info.value.status == 400 and "row id or a JSON row" in info.value.message
    with pytest.raises(ServiceError, match="There is no model 'nope'"):
        service.explain("nope", "17")


# ---- sessions and owned models --------------------------------------------------------------------

def test_owned_models_are_the_owners_alone_and_expire():
    from explainer_nlg.service.sessions import OwnedModels

    owned = OwnedModels(ttl_s=0.2, max_models=2)
    owned.put("s-a", "model a")
    assert owned.get("s-a") == "model a" and owned.get("s-b") is None and owned.get(None) is None
    time.sleep(0.3)
    assert owned.get("s-a") is None
    for i in range(3):
        owned.put(f"s-{i}", i)
    assert len(owned) == 2 and owned.get("s-0") is None


def test_an_upload_is_the_uploading_sessions_only(service, tmp_path):
    import pandas as pd
    import skops.io as sio
    from sklearn.tree import DecisionTreeClassifier

    df = pd.DataFrame({"zq": [1, 2, 3, 4], "ok": ["n", "n", "y", "y"]})
    df.to_csv(tmp_path / "d.csv", index=False)
    sio.dump(DecisionTreeClassifier().fit(df[["zq"]], df["ok"]), tmp_path / "m.skops")
    mine, theirs = service.keys.new(), service.keys.new()
    said = service.load_custom(mine, str(tmp_path / "d.csv"), str(tmp_path / "m.skops"), "ok", "")
    assert "sklearn.tree._tree.Tree" in said and "yours alone" in said
    assert service.explain("custom", "3", owner=mine)["evidence"]["predicted_label"] == "y"
    with pytest.raises(ServiceError, match="There is no model 'custom'"):
        service.explain("custom", "3", owner=theirs)
    assert "custom" in service.model_names(mine) and "custom" not in service.model_names(theirs)


# ---- images --------------------------------------------------------------------------------------

def test_image_sources_stay_inside_the_allowed_folders(tmp_path):
    from PIL import Image

    from explainer_nlg.service.images import ImageSources

    folder, outside = tmp_path / "images", tmp_path / "private"
    folder.mkdir(), outside.mkdir()
    Image.new("RGB", (32, 32)).save(folder / "ok.png")
    Image.new("RGB", (32, 32)).save(outside / "secret.png")
    os.symlink(outside / "secret.png", folder / "link.png")
    src = ImageSources(folder=folder, upload_roots=())
    assert src.resolve("ok.png").endswith("ok.png") and src.resolve(str(folder / "ok.png")).endswith("ok.png")
    refused = []
    for x in ["link.png", "../private/secret.png", str(outside / "secret.png"), str(outside / "missing.png"),
              "/etc/passwd", "nul\x00byte.png"]:
        with pytest.raises(ExplainerInputError) as info:
            src.resolve(x)
        refused.append(re.sub(r"'[^']*'", "X", str(info.value), count=1))
    assert len(set(refused)) == 1 and "Images are read from uploads and the image folder only" in refused[0]
    with pytest.raises(ExplainerInputError, match="no readable image called 'missing.png'"):
        src.resolve("missing.png")
    with pytest.raises(ExplainerInputError, match="not valid base64"):
        src.resolve("data:image/png;base64,@@@")


# ---- model files ---------------------------------------------------------------------------------

def test_model_files_load_skops_and_refuse_untrusted_types(tmp_path):
    import skops.io as sio
    from sklearn.ensemble import HistGradientBoostingClassifier

    from explainer_nlg.models.model_files import load_sklearn_model

    X, y = np.arange(40.0).reshape(-1, 1), ["a", "b"] * 20
    sio.dump(HistGradientBoostingClassifier(max_iter=3).fit(X, y), tmp_path / "m.skops")
    loaded = load_sklearn_model(tmp_path / "m.skops")
    assert loaded.untrusted_types == ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]

    class Custom:  # a type of the uploader's own: skops names it, the app does not trust it
        pass

    sio.dump({"x": Custom()}, tmp_path / "custom.skops")
    with pytest.raises(ExplainerInputError, match="does not trust.*Custom"):
        load_sklearn_model(tmp_path / "custom.skops")


# ---- store ---------------------------------------------------------------------------------------

def test_the_store_is_sqlite_in_wal_mode_and_keeps_records_across_engines(tmp_path):
    from sqlalchemy import create_engine

    from explainer_nlg.store import JsonRecords, make_engine

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    recs = JsonRecords(make_engine(url), "dialogue/loan")
    recs.save("s-1", {"instance": 17, "ops": [{"op": "why"}]})
    recs.save("s-1", {"instance": 18, "ops": []})
    with make_engine(url).connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    other = JsonRecords(create_engine(url), "dialogue/loan")  # another process's engine
    assert other.load("s-1") == {"instance": 18, "ops": []}
    assert JsonRecords(create_engine(url), "dialogue/text").load("s-1") is None
    assert other.prune(older_than_s=-1) == 1 and other.load("s-1") is None


def test_dialogue_state_fields_added_later_are_saved_too(tmp_path):
    from dataclasses import dataclass, field

    from explainer_nlg.chat import state as st

    @dataclass
    class Later(st.DialogueState):
        compared_with: list = field(default_factory=list)

    saved = st.state_to_dict(Later(instance=3, compared_with=[1, 2]))
    assert saved["compared_with"] == [1, 2] and saved["instance"] == 3
    assert st.state_from_dict({"instance": 4, "gone_field": 1}).instance == 4


# ---- budgets and long texts ----------------------------------------------------------------------

def test_an_explanation_stops_at_its_call_budget_with_errors_and_a_note():
    from explainer_nlg.attribution.limits import explain_limits

    ex = Explainer.demo("loan")
    with explain_limits(calls=40):  # (without a budget, tabular rows are exact: bounded by their own row cap)
        ev = ex.explain(21, budget=500)
    assert ev.n_evaluations <= 40 and ev.extra["estimator"].get("stopped") == "calls"
    assert any(n.startswith("The explanation stopped at its budget of model calls") for n in ev.notes)
    assert all(a.standard_error is not None for a in ev.attributions)
    gap = abs(sum(a.contribution for a in ev.attributions) - (ev.probabilities[ev.target_label] - ev.base_value))
    assert gap < 1e-9


def test_an_explanation_stops_at_its_time_budget():
    from explainer_nlg.attribution.game import FunctionGame
    from explainer_nlg.attribution.limits import explain_limits
    from explainer_nlg.attribution.shapley_estimators import estimate_shapley

    def slow(masks):
        time.sleep(0.05)
        return masks @ np.arange(30.0)

    with explain_limits(seconds=0.3):
        result = estimate_shapley(FunctionGame([f"p{i}" for i in range(30)], slow))
    assert result.diagnostics["stopped"] == "time" and result.converged is False
    assert result.n_evaluations < 16 * 30 + 2


def test_long_text_passages_cover_the_text_in_order():
    from explainer_nlg.attribution.long_text import passages
    from explainer_nlg.attribution.text_game import split_words

    text = " ".join(f"Sentence number {i} has some words in it." for i in range(40))
    parts = passages(text, split_words(text), 10)
    assert len(parts) <= 10 and parts[0].span[0] == 0 and parts[-1].span[1] == len(text)
    assert all(a.span[1] <= b.span[0] for a, b in zip(parts, parts[1:]))
    assert all(p.text.endswith(".") for p in parts)  # cut at sentence ends


def test_a_long_text_is_explained_by_passages_then_words():
    from explainer_nlg.attribution.limits import explain_limits
    from explainer_nlg.demos.text_model import load_reviews

    ex = Explainer.demo("text")
    text = " ".join(load_reviews()[0]["text"][:8])
    with explain_limits(seconds=120):
        ev = ex.explain(text)
    assert "passage Shapley" in ev.method and ev.extra["long_text"]["words"] > 64
    assert any(n.startswith("The text has") for n in ev.notes)
    assert ev.n_evaluations < 1000
    gap = abs(sum(a.contribution for a in ev.attributions) - (ev.probabilities[ev.target_label] - ev.base_value))
    assert gap < 1e-9
    for a in ev.attributions:  # each name is the text at its span (a passage by its first words)
        assert ev.input["text"][a.span[0]:a.span[1]].startswith(a.name.rstrip("…"))


# ---- the text demo's cache ----------------------------------------------------------------------

def test_a_damaged_text_model_cache_is_rebuilt(tmp_path, monkeypatch):
    import shutil

    from explainer_nlg import demos
    from explainer_nlg.demos import text_model

    good = text_model.ensure_text_model(progress=False)
    monkeypatch.setenv("EXPLAINER_NLG_CACHE", str(tmp_path))
    damaged = text_model.model_dir()
    shutil.copytree(good, damaged)
    (damaged / "model.safetensors").write_bytes(b"truncated")
    trained = []

    def retrain(target, progress=True):  # a real retrain takes minutes: copy the good model instead
        trained.append(target)
        shutil.copytree(good, target)
        return target

    monkeypatch.setattr(text_model, "train_text_model", retrain)
    parts = demos.text()
    assert trained == [damaged] and text_model.text_model_intact(damaged)
    assert Explainer.from_transformers(parts.model).predict("Stale cookies.")["other"] > 0.5
