"""Batch throughput, side by side in one run: rows per second on the loan and text demos for a
plain loop, a LocalCluster of 1 worker and one of 2, beside shap.TreeExplainer on the loan rows.

    OMP_NUM_THREADS=1 python benchmarks/batch.py                  # 16 loan rows, 6 texts
    OMP_NUM_THREADS=1 python benchmarks/batch.py --loan-rows 40 --text-rows 12 --loan-budget 0

Per configuration it prints the cluster start, the time to send the explainer to every worker
(its pickled size too), rows per second over the explanations, and whether the figures equal the
plain loop's bit for bit. The load average is printed before and after: on a shared machine the
figures are only comparable within one run.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

import cloudpickle


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def same(a, b) -> bool:
    def plain(v):
        return None if isinstance(v, float) and v != v else v

    return all(list(map(plain, a[c])) == list(map(plain, b[c])) for c in a.columns if c != "seconds")


def run_demo(name: str, rows, budget: int | None, workers: list[int]) -> list[dict]:
    from dask.distributed import Client, LocalCluster

    from explainer_nlg import Explainer

    ex = Explainer.demo(name)
    ex.explain_many(rows[:1], budget=budget)  # warm: first-call caches, lazy imports
    out = []
    t0 = time.perf_counter()
    plain = ex.explain_many(rows, budget=budget)
    loop_s = time.perf_counter() - t0
    out.append({"demo": name, "how": "plain loop", "rows": len(rows), "start_s": 0.0, "send_s": 0.0,
                "explain_s": loop_s, "same": True, "errors": int(plain["error"].notna().sum())})
    size = len(cloudpickle.dumps(ex))  # as Dask sends it
    for n in workers:
        t0 = time.perf_counter()
        with LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None,
                          silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
            start_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            # What explain_many does first, timed alone (it includes each worker's first import of
            # the package and the model's libraries, which unpickling the explainer triggers).
            remote = client.scatter(ex, broadcast=True, hash=False)
            send_s = time.perf_counter() - t1
            t2 = time.perf_counter()
            result = ex.explain_many(rows, client=client, budget=budget, scattered=remote)
            explain_s = time.perf_counter() - t2
        out.append({"demo": name, "how": f"LocalCluster, {n} worker{'s' if n > 1 else ''}", "rows": len(rows),
                    "start_s": start_s, "send_s": send_s, "explain_s": explain_s, "same": same(result, plain),
                    "errors": int(result["error"].notna().sum())})
    out[0]["model_bytes"] = size
    return out


def shap_tree(rows, background_rows: int = 100) -> dict:
    """shap.TreeExplainer on the loan model's trees (its categories ordinal-coded as the pipeline
    codes them), interventional, in probability units, against the same background size."""
    import shap

    from explainer_nlg import Explainer

    ex = Explainer.demo("loan")
    pipe = ex.predictor.model
    prep, trees = pipe[:-1], pipe[-1]
    background = prep.transform(ex.rows()[ex.info["features"]].sample(background_rows, random_state=0))
    X = prep.transform(rows)
    t0 = time.perf_counter()
    explainer = shap.TreeExplainer(trees, background, feature_perturbation="interventional",
                                   model_output="probability")
    explainer.shap_values(X)
    s = time.perf_counter() - t0
    return {"demo": "loan", "how": "shap.TreeExplainer (interventional, probability)", "rows": len(rows),
            "start_s": 0.0, "send_s": 0.0, "explain_s": s, "same": None, "errors": 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loan-rows", type=int, default=16)
    ap.add_argument("--text-rows", type=int, default=6)
    ap.add_argument("--loan-budget", type=int, default=0, help="0: the default (exact enumeration)")
    ap.add_argument("--text-budget", type=int, default=0, help="0: the default (adaptive sampling)")
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    from explainer_nlg import Explainer

    workers = [int(w) for w in args.workers.split(",") if w]
    print(f"load average before (1/5/15 min): {load()}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}; "
          f"{os.cpu_count()} cores", flush=True)
    loan = Explainer.demo("loan")
    loan_rows = loan.rows().loc[:, loan.info["features"]].iloc[100:100 + args.loan_rows]
    results = run_demo("loan", loan_rows, args.loan_budget or None, workers)
    results.append(shap_tree(loan_rows))
    results += run_demo("text", _texts(args.text_rows), args.text_budget or None, workers)
    print(f"load average after: {load()}\n")
    print("| demo | how | rows | cluster start s | send model s | explain s | rows/s | same figures as the loop |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        rate = r["rows"] / r["explain_s"] if r["explain_s"] else float("nan")
        same_text = "" if r["same"] is None else ("yes" if r["same"] else "NO")
        print(f"| {r['demo']} | {r['how']} | {r['rows']} | {r['start_s']:.1f} | {r['send_s']:.2f} | "
              f"{r['explain_s']:.1f} | {rate:.2f} | {same_text} |")
    for r in results:
        if "model_bytes" in r:
            print(f"{r['demo']}: the pickled explainer is {r['model_bytes'] / 1e6:.1f} MB")


def _texts(n: int):
    import pandas as pd

    base = ["The cookies arrived stale and the box was broken.", "Lovely tea, fast delivery, will buy again.",
            "The coffee tasted burnt and bitter.", "Great value for the price, my kids love these snacks.",
            "Not what the picture showed; too salty.", "Fresh, crunchy and well packed.",
            "The sauce was bland but the pasta was fine.", "Terrible smell, I threw it away.",
            "Best chocolate I have had in years.", "Arrived late and half the bars were melted.",
            "Good flavour, a bit expensive.", "My dog refuses to eat this food."]
    return pd.DataFrame({"text": (base * (n // len(base) + 1))[:n]})


if __name__ == "__main__":
    main()
