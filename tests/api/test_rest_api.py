"""The REST API through real HTTP: a uvicorn server on a free local port (the page mounted beside
it, as app.py serves them), httpx as the client, one call with curl, and ``explainer-nlg serve`` as
a separate process for the token rule."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import httpx
import pytest

from explainer_nlg import Explainer

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def run_server(app, port: int):
    """Serve ``app`` with uvicorn in a thread; returns (url, server)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return url, server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The API with the page mounted on it, a token, and a small body limit."""
    from explainer_nlg.api import build_api, with_page
    from explainer_nlg.service import Service
    from explainer_nlg.ui import build_app
    from tests.serving import free_port

    tmp = tmp_path_factory.mktemp("rest")
    service = Service(budget=256, store=f"sqlite:///{tmp / 'store.sqlite'}")
    app = with_page(build_api(service, token=TOKEN, max_body=200_000), build_app(service=service))
    url, server = run_server(app, free_port())
    with httpx.Client(base_url=url, headers=AUTH, timeout=120) as client:
        yield client
    server.should_exit = True


def test_health_models_and_docs(api):
    assert httpx.get(f"{api.base_url}/v1/health").json()["status"] == "ok"  # open without the token
    api.post("/v1/explain", json={"model": "loan", "x": 17})
    models = {m["name"]: m for m in api.get("/v1/models").json()}
    assert models["loan"]["loaded"] and models["loan"]["classes"] == ["bad", "good"]
    income = next(f for f in models["loan"]["features"] if f["name"] == "Income")
    assert income["type"] == "number" and income["range"] == [6.0, 959.0]
    spec = api.get("/openapi.json").json()
    assert {"/v1/explain", "/v1/ask", "/v1/narrate", "/v1/verify", "/v1/counterfactuals", "/v1/what-if",
            "/v1/models", "/v1/health"} <= set(spec["paths"])
    evidence = spec["components"]["schemas"]["EvidenceRecord"]["properties"]
    assert evidence["base_value"]["description"].startswith("the model's output (in ``unit``) with every player missing")
    assert api.get("/docs").status_code == 200
    assert api.get("/config").json()["mode"] == "blocks"  # the Gradio page, same port


def test_explain_matches_the_facade(api):
    r = api.post("/v1/explain", json={"model": "loan", "x": 17, "audience": "support"})
    assert r.status_code == 200, r.text
    ev = r.json()["evidence"]
    ref = Explainer.demo("loan").explain(17)
    assert ev["predicted_label"] == ref.predicted_label and ev["probabilities"] == ref.probabilities
    total = sum(a["contribution"] for a in ev["attributions"])
    assert abs(total - (ev["probabilities"][ev["target_label"]] - ev["base_value"])) < 1e-9
    assert all("standard_error" in a for a in ev["attributions"])
    assert r.json()["text"] and r.json()["sentences"][0]["status"] == "template"


def test_ask_follow_up_by_session(api):
    first = api.post("/v1/ask", json={"question": "why was 17 denied?", "model": "loan"}).json()
    assert first["session"].startswith("s-") and first["text"].startswith("About row 17")
    follow = api.post("/v1/ask", json={"question": "and the next one?", "model": "loan", "session": first["session"]})
    assert follow.json()["parsed"]["resolved"]["instance"] == 18


def test_cases_are_found_reopened_and_exported_with_their_operator(api):
    asked = api.post("/v1/ask", json={"question": "why was 23 denied?", "model": "loan",
                                      "operator": "agent <b>Ann</b>"}).json()
    case = asked["audit"]["case"]
    found = api.get("/v1/cases", params={"text": "agent <b>Ann</b>"}).json()
    assert [c["case"] for c in found] == [case]
    assert found[0]["question"] == "why was 23 denied?" and found[0]["subject"] == "row 23"
    entry = api.get(f"/v1/cases/{case}").json()
    assert entry["payload"]["operator"] == "agent <b>Ann</b>" and entry["sealed"].startswith("verified")
    assert entry["payload"]["answer"] == asked["text"]
    page = api.get(f"/v1/cases/{case}/file")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-disposition"] == f'attachment; filename="case-{case}.html"'
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "agent &lt;b&gt;Ann&lt;/b&gt;" in page.text and "<b>Ann</b>" not in page.text
    pdf = api.get(f"/v1/cases/{case}/file", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("path, status, message", [
    ("/v1/cases/999999", 400, "There is no case #999999"),
    ("/v1/cases/abc", 400, "not 'abc'"),
    ("/v1/cases/999999/file", 400, "999999"),
    ("/v1/cases/1/file?format=exe", 422, "format"),
    ("/v1/cases?since=yesterday", 400, "'yesterday' is not a date"),
    ("/v1/cases?limit=0", 422, "limit"),
])
def test_bad_case_requests_name_the_problem(api, path, status, message):
    r = api.get(path)
    assert r.status_code == status, r.text
    assert message in r.json()["error"]


def test_narrate_and_verify_any_evidence(api):
    ev = api.post("/v1/explain", json={"model": "loan", "x": 17}).json()["evidence"]
    n = api.post("/v1/narrate", json={"evidence": ev, "audience": "customer", "model": "loan"}).json()
    assert "“good”" in n["text"] and all(s["reason"] == "" for s in n["sentences"])
    v = api.post("/v1/verify", json={"text": n["text"] + " The model predicted “bad”.", "evidence": ev}).json()
    assert v["all_true"] is False
    assert [s["ok"] for s in v["sentences"]][-1] is False and all(s["ok"] for s in v["sentences"][:-1])
    assert "not “bad”" in v["sentences"][-1]["reason"]


def test_counterfactuals_and_what_if_are_re_predicted(api):
    ex = Explainer.demo("loan")
    cfs = api.post("/v1/counterfactuals", json={"model": "loan", "x": 3, "k": 2}).json()["counterfactuals"]
    assert cfs["found"] and 1 <= len(cfs["counterfactuals"]) <= 2
    for c in cfs["counterfactuals"]:
        assert ex.predict(c["new_input"]["row"])[cfs["target_label"]] > 0.5
    w = api.post("/v1/what-if", json={"model": "loan", "x": 17,
                                      "changes": [{"feature": "Income", "action": "set", "value": 50}]}).json()
    assert w["what_if"]["changes"][0]["from"] == 330 and w["what_if"]["changes"][0]["to"] == 50
    assert w["what_if"]["new_probabilities"] == pytest.approx(ex.predict(w["what_if"]["new_input"]["row"]))


@pytest.mark.parametrize("body, status, message", [
    ('{"model": "loan", "x": 17', 400, "not valid JSON"),
    ('[1, 2]', 422, "must be a JSON object"),
    ('{"model": "loan", "x": 17, "audeince": "support"}', 422, "audeince: is not a field"),
    ('{"model": "nope", "x": 17}', 400, "There is no model 'nope'"),
    ('{"model": ["loan"], "x": 17}', 422, "model: Input should be a valid string"),
    ('{"model": "loan", "x": 17.5}', 400, "A row id is a whole number"),
    ('{"model": "loan", "x": {"Income": 330}}', 400, "Missing column(s): Seniority"),
    ('{"model": "loan", "x": 17, "audience": "martians"}', 400, "Unknown audience"),
])
def test_bad_requests_get_a_4xx_that_names_the_problem(api, body, status, message):
    r = api.post("/v1/explain", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert message in r.json()["error"] and r.json()["status"] == status


def test_bad_record_requests(api):
    r = api.post("/v1/verify", json={"text": "x", "evidence": {"kind": "tabular"}})
    assert r.status_code == 422 and "evidence.predicted_label: Field required" in r.json()["error"]
    r = api.post("/v1/what-if", json={"model": "loan", "x": 17, "changes": [{"feature": "Wealth", "value": 1}]})
    assert r.status_code == 400 and "Wealth" in r.json()["error"]
    r = api.post("/v1/counterfactuals", json={"model": "loan", "x": 3, "k": 50})
    assert r.status_code == 400 and "k must be a whole number from 1 to 10" in r.json()["error"]
    r = api.post("/v1/ask", json={"question": "why?", "model": "loan", "session": "s" * 500})
    assert r.status_code == 400 and "session is 500 characters long" in r.json()["error"]


def test_a_50_mb_body_is_refused_with_413(api):
    big = b'{"model": "loan", "x": "' + b"1" * (50 * 1024 * 1024) + b'"}'
    r = api.post("/v1/explain", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "this server takes at most 200,000 bytes" in r.json()["error"]

    def chunks():  # no Content-Length: the body is counted as it arrives
        yield b'{"model": "loan", "x": "'
        for _ in range(30):
            yield b"1" * 10_000
        yield b'"}'

    r = api.post("/v1/explain", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["kind"] == "too_large"


def test_token_is_required_where_one_is_set(api):
    url = str(api.base_url)
    assert httpx.post(f"{url}/v1/explain", json={"x": 17}).status_code == 401
    r = httpx.get(f"{url}/v1/models", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and "needs an API token" in r.json()["error"]
    assert r.headers["www-authenticate"] == "Bearer"
    assert httpx.get(f"{url}/v1/models", headers={"X-API-Token": TOKEN}).status_code == 200


def test_a_slow_request_ends_with_504_naming_the_limit():
    from explainer_nlg.api import build_api
    from tests.serving import free_port

    class Slow:  # a service whose explanation takes longer than the server allows
        def model_names(self):
            return []

        def explain(self, *args):
            time.sleep(3)
            return {}

    url, server = run_server(build_api(Slow(), seconds=0.5), free_port())
    try:
        t0 = time.perf_counter()
        r = httpx.post(f"{url}/v1/explain", json={"x": 17}, timeout=30)
        assert r.status_code == 504 and "limit of 0.5 s" in r.json()["error"]
        assert time.perf_counter() - t0 < 2.5
    finally:
        server.should_exit = True


def test_curl_explains_a_row(api):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    out = subprocess.run(["curl", "-s", "-X", "POST", f"{api.base_url}/v1/explain", "-H", f"Authorization: Bearer {TOKEN}",
                          "-H", "Content-Type: application/json", "-d", '{"model": "loan", "x": 17}'],
                         capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout)["evidence"]["predicted_label"] == "good"


def _serve(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "explainer_nlg", "serve", *args], env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_serve_beyond_localhost_needs_a_token_and_says_so(tmp_path):
    from tests.serving import free_port

    env = {"EXPLAINER_NLG_TOKEN": "", "EXPLAINER_NLG_STORE": f"sqlite:///{tmp_path / 's.sqlite'}"}
    p = _serve(["--host", "0.0.0.0", "--port", str(free_port())], env)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 2 and "Refusing to listen on 0.0.0.0 without an API token" in out
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    port = free_port()
    p = _serve(["--host", "0.0.0.0", "--port", str(port), "--token-file", str(token_file)], env)
    try:
        said = [p.stdout.readline() for _ in range(2)]
        assert said[0].startswith(f"REST API on http://0.0.0.0:{port}/v1")
        assert "An API token is required" in said[1]
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert httpx.get(f"{url}/v1/models", timeout=10).status_code == 401
        assert httpx.get(f"{url}/v1/models", headers=AUTH, timeout=10).json()[0]["name"] == "loan"
    finally:
        p.terminate()
        p.wait(timeout=30)
