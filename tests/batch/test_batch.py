"""Batch explanations: a small LocalCluster gives the loop's figures bit for bit, the model is sent
to each worker once, bad rows get their error, an unreachable scheduler is named within 10 s, and
a run killed for real resumes without losing or redoing finished rows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from explainer_nlg import Explainer, ExplainerInputError

BUDGET = 64  # sampled (seeded) Shapley values: quick, and standard errors that are not all 0


def loan_rows(n: int = 6, bad_at: int | None = 2) -> pd.DataFrame:
    ex = Explainer.demo("loan")
    df = ex.rows().loc[:, ex.info["features"]].head(n).astype({"Home": object})
    if bad_at is not None:
        df.loc[df.index[bad_at], "Home"] = "castle"
    return df


def differences(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    """The columns that differ in any row, every field but the wall time compared exactly (floats
    bit for bit)."""
    def plain(v):  # a missing number (an error row's) reads NaN, which equals nothing
        return None if isinstance(v, float) and v != v else v

    return [c for c in a.columns if c != "seconds" and list(map(plain, a[c])) != list(map(plain, b[c]))]


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("dask.distributed")
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.CRITICAL) as cluster, distributed.Client(cluster) as c:
        yield c


def test_local_cluster_matches_the_loop_bit_for_bit(client):
    ex = Explainer.demo("loan")
    rows = loan_rows()
    copies = []

    def look(_row):  # while tasks run: how many copies of the explainer each worker holds
        copies.append(sorted(sum(k.startswith("Explainer-") for k in keys) for keys in client.has_what().values()))

    on_dask = ex.explain_many(rows, client=client, budget=BUDGET, on_row=look)
    plain = ex.explain_many(rows, budget=BUDGET)
    assert not differences(on_dask, plain), (on_dask.to_dict("records"), plain.to_dict("records"))
    assert on_dask["row"].tolist() == [str(i) for i in rows.index]
    assert copies and copies[0] == [1, 1]  # scattered once to each of the two workers
    good = on_dask[on_dask["error"].isna()]
    assert len(good) == 5 and any(se > 0 for c in good["contributions"] for se in [a["standard_error"] for a in c])
    first = good.iloc[0]
    ev = ex.explain(rows.iloc[0].to_dict(), budget=BUDGET)
    assert first["probabilities"] == ev.probabilities and first["top_reasons"] == [a.name for a in ev.top(3)]
    assert [c["contribution"] for c in first["contributions"]] == [a.contribution for a in ev.attributions]


def test_a_bad_row_gets_its_error_and_the_run_goes_on(client):
    out = Explainer.demo("loan").explain_many(loan_rows(4, bad_at=1), client=client, budget=BUDGET, narrate=True)
    assert out["error"].notna().tolist() == [False, True, False, False]
    assert "Home 'castle' is not a value this model has seen" in out.loc[1, "error"]
    assert out.loc[0, "prediction"] in out.loc[0, "narration"] and pd.isna(out.loc[1, "narration"])


def test_an_unreachable_scheduler_is_named_within_10_s():
    from explainer_nlg.batch.run import connect
    from tests.serving import free_port

    address = f"tcp://127.0.0.1:{free_port()}"
    t0 = time.perf_counter()
    with pytest.raises(ExplainerInputError, match=f"Cannot reach the Dask scheduler at {address}"):
        with connect(address):
            pass
    assert time.perf_counter() - t0 < 10


def _batch(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "explainer_nlg", "batch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"}, **kw)


def test_a_killed_run_resumes_without_losing_or_redoing_rows(tmp_path):
    rows = loan_rows(10, bad_at=4)
    data, out = tmp_path / "rows.csv", tmp_path / "ev.parquet"
    rows.to_csv(data, index_label="id")
    journal = tmp_path / "ev.parquet.partial.jsonl"
    args = ["--model", "loan", "--data", str(data), "--out", str(out), "--workers", "0", "--budget", str(BUDGET)]
    p = _batch(args, start_new_session=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and p.poll() is None:
        if journal.exists() and len(journal.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    assert p.poll() is None, "the run ended before it could be killed"
    os.killpg(p.pid, signal.SIGKILL)  # as a crash or an operator's kill -9 would
    p.wait(timeout=30)
    before = [json.loads(line) for line in journal.read_text().splitlines() if line.endswith("}")]
    assert 3 <= len(before) < 10 and not out.exists()

    p = _batch(args)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    assert f"Resuming: {len(before)} of 10 rows are already in" in err
    result = pd.read_parquet(out)
    assert result["row"].tolist() == [str(i) for i in rows.index] and not journal.exists()
    by_row = {r["row"]: r for r in result.to_dict("records")}
    for row in before:  # finished before the kill: kept as they were (their wall time too), not redone
        assert by_row[row["row"]]["seconds"] == row["seconds"]
    assert "castle" in by_row[str(rows.index[4])]["error"]
    plain = Explainer.demo("loan").explain_many(rows, budget=BUDGET)
    assert [c["contribution"] for c in result.loc[9, "contributions"]] == \
        [c["contribution"] for c in plain.loc[9, "contributions"]]


def test_text_rows_from_jsonl_with_broken_lines(tmp_path):
    from explainer_nlg.batch.files import read_rows
    from explainer_nlg.batch.run import run_batch

    data = tmp_path / "reviews.jsonl"
    data.write_text('{"id": "r1", "text": "The cookies arrived stale."}\n{"id": "r2", "txt": "typo"}\n'
                    '{"id": "r3", "text": "Lovely tea"\n', encoding="utf-8")
    ex = Explainer.demo("text")
    counts = run_batch(ex, read_rows(data), tmp_path / "t.parquet", budget=32, progress=False)
    out = pd.read_parquet(tmp_path / "t.parquet")
    assert counts == {"rows": 3, "explained": 3, "skipped": 0, "failed": 2}
    assert out.loc[0, "prediction"] == ex.explain("The cookies arrived stale.", budget=32).predicted_label
    assert "needs a 'text' field; it has: txt" in out.loc[1, "error"]
    assert "Line 3 is not valid JSON" in out.loc[2, "error"]


def test_a_skops_model_file_and_a_refused_pickle(tmp_path):
    import pickle

    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    df = pd.DataFrame({"income": [1, 2, 3, 4, 5, 6], "debt": [6, 5, 4, 3, 2, 1], "ok": ["no"] * 3 + ["yes"] * 3})
    model = LogisticRegression().fit(df[["income", "debt"]], df["ok"])
    sio.dump(model, tmp_path / "m.skops")
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(model))
    df.to_parquet(tmp_path / "rows.parquet")
    p = _batch(["--model", str(tmp_path / "m.skops"), "--data", str(tmp_path / "rows.parquet"), "--target", "ok",
                "--out", str(tmp_path / "o.parquet"), "--workers", "0", "--quiet"])
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    out = pd.read_parquet(tmp_path / "o.parquet")
    assert out["prediction"].tolist() == model.predict(df[["income", "debt"]]).tolist()
    p = _batch(["--model", str(tmp_path / "m.pkl"), "--data", str(tmp_path / "rows.parquet"), "--out",
                str(tmp_path / "p.parquet"), "--workers", "0"])
    _, err = p.communicate(timeout=300)
    assert p.returncode == 2 and "This is a pickle file" in err and not (tmp_path / "p.parquet").exists()


def test_rows_can_carry_their_reason_notice():
    ex = Explainer.demo("loan")
    probs = ex.data_probabilities()
    bad = ex.class_names.index("bad")
    ids = ex.rows().index
    denied = next(i for i, p in zip(ids, probs) if p[bad] > 0.5)
    approved = next(i for i, p in zip(ids, probs) if p[bad] < 0.5)
    rows = ex.rows().loc[[denied, approved], ex.info["features"]]
    out = ex.explain_many(rows, budget=BUDGET, notice=True)
    assert out["error"].tolist() == [None, None]
    expected = ex.reasons(rows.loc[denied].to_dict(), counterfactual=False, budget=BUDGET, record=False)
    assert out.loc[0, "notice"] == "\n".join(expected.lines)
    assert "1. " in out.loc[0, "notice"] and "counted against “good”" in out.loc[0, "notice"]
    assert "1. " not in out.loc[1, "notice"]  # a favourable decision lists no reasons against it
    assert ex.explain_many(rows.head(1), budget=BUDGET)["notice"].tolist() == [None]  # only when asked
