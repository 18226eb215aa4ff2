"""Counterfactuals for denied loan applicants: ours against DiCE (random, genetic). Run by hand:

    pip install -e ".[bench]"
    python benchmarks/counterfactuals.py [--n 50] [--k 3] [--methods ours,random,genetic]
    python benchmarks/counterfactuals.py --text 20     # text counterfactuals only (ours; DiCE has none)

The first ``--n`` applicants of the loan demo (by row id) that the model denies ("bad") and that
have no missing values (DiCE cannot take NaN), each asked for ``--k`` counterfactuals toward
"good". Same model, same constraints for every method: Marital and Records fixed, and Age, which
the demo marks protected (DiCE: ``features_to_vary``), Seniority only up (DiCE: ``permitted_range``
from the applicant's value to the data maximum), values within the data's range and categories.

Every counterfactual any method returns is re-predicted with the model here and checked against
the constraints; "valid" means it predicts "good" *and* keeps every constraint. Per method:

- applicants with a valid counterfactual (share of n);
- features changed: median over applicants of the sparsest valid counterfactual, and median over
  all valid counterfactuals returned;
- distance of the sparsest valid counterfactual (fewest features, then smallest change), in units of
  each feature's spread (scaled MAD, the unit our search ranks by), median over applicants;
- median wall time per applicant (methods run one after another on the same applicant, so
  machine load hits them alike), and the ratio to ours.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")  # 2 shared cores: OpenMP oversubscription is very slow
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from explainer_nlg import Explainer  # noqa: E402

IMMUTABLE = ["Age", "Marital", "Records"]   # Age and Marital are protected in the demo: never changed
MONOTONE_UP = ["Seniority"]


def changed_features(query: dict, cf: dict, numeric: set[str]) -> list[str]:
    out = []
    for f, v in query.items():
        w = cf[f]
        if f in numeric:
            if abs(float(w) - float(v)) > 1e-6 * max(1.0, abs(float(v))):
                out.append(f)
        elif str(w) != str(v):
            out.append(f)
    return out


def check(ex, query: dict, cfs: list[dict], numeric: set[str], ranges: dict,
          spread: dict) -> list[tuple[int, float] | None]:
    """For each counterfactual: (features changed, distance in spread units) if valid, else None."""
    if not cfs:
        return []
    frame = pd.DataFrame(cfs)[ex.info["features"]]
    for f in numeric:
        frame[f] = frame[f].astype(float)
    p_good = ex.predictor.predict_proba(frame)[:, ex.class_names.index("good")]
    out = []
    for cf, p in zip(cfs, p_good):
        ch = changed_features(query, cf, numeric)
        ok = p > 0.5 and not any(f in IMMUTABLE for f in ch)
        ok = ok and all(float(cf[f]) >= float(query[f]) for f in MONOTONE_UP)
        ok = ok and all(ranges[f][0] - 1e-9 <= float(cf[f]) <= ranges[f][1] + 1e-9 for f in numeric)
        dist = sum(abs(float(cf[f]) - float(query[f])) / spread[f] if f in numeric else 1.0 for f in ch)
        out.append((len(ch), dist) if ok else None)
    return out


def run_ours(ex, rid, k):
    cs = ex.counterfactuals(rid, target="good", k=k)
    return [c.new_input["row"] for c in cs.counterfactuals]


def make_dice(ex, data, method):
    import dice_ml

    numeric = list(ex.schema.numeric_range)
    # DiCE's genetic method fails on a string outcome ("'<=' not supported between int and str"),
    # so the outcome is coded 0/1 in the model's class order (bad=0, good=1) for both DiCE methods.
    data = data.assign(Status=(data["Status"] == ex.class_names[1]).astype(int))
    d = dice_ml.Data(dataframe=data, continuous_features=numeric, outcome_name="Status")
    m = dice_ml.Model(model=ex.predictor.model, backend="sklearn")
    return dice_ml.Dice(d, m, method=method)


def run_dice(dice, ex, query: pd.DataFrame, k, max_values):
    to_vary = [f for f in ex.info["features"] if f not in IMMUTABLE]
    permitted = {f: [float(query.iloc[0][f]), max_values[f]] for f in MONOTONE_UP}
    try:
        res = dice.generate_counterfactuals(query, total_CFs=k, desired_class="opposite",
                                            features_to_vary=to_vary, permitted_range=permitted,
                                            verbose=False)
    except Exception as err:  # noqa: BLE001 - DiCE raises a bare exception when it finds none
        return [], f"{type(err).__name__}: {str(err)[:80]}"
    df = res.cf_examples_list[0].final_cfs_df
    if df is None or df.empty:
        return [], None
    return df[ex.info["features"]].to_dict("records"), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--methods", default="ours,random,genetic")
    ap.add_argument("--text", type=int, default=0, help="instead: text counterfactuals for N held-out reviews")
    args = ap.parse_args()
    if args.text:
        return text_benchmark(args.text, args.k)
    methods = args.methods.split(",")

    ex = Explainer.demo("loan")
    features = ex.info["features"]
    numeric = set(ex.schema.numeric_range)
    data = ex.rows()
    complete = data.dropna()
    ranges = {f: (float(complete[f].min()), float(complete[f].max())) for f in numeric}
    p_bad = ex.predictor.predict_proba(complete[features])[:, ex.class_names.index("bad")]
    ids = [rid for rid, p in zip(complete.index, p_bad) if p > 0.5][: args.n]
    print(f"{len(ids)} denied applicants without missing values (first by row id); k={args.k}")

    dices = {}
    for m in methods:
        if m != "ours":
            t = time.perf_counter()
            dices[m] = make_dice(ex, complete, m)
            print(f"DiCE {m}: set up in {time.perf_counter() - t:.1f}s")
    max_values = {f: float(complete[f].max()) for f in MONOTONE_UP}
    if "ours" in methods:
        ex.counterfactuals(ids[0], k=args.k)  # build the search once, outside the timings

    from explainer_nlg.attribution.counterfactual_tabular import feature_spread

    spread = {f: feature_spread(data[f]) for f in numeric}
    stats = {m: {"times": [], "best": [], "dist": [], "all": [], "returned": 0, "valid": 0, "found": 0,
                 "errors": []} for m in methods}
    for i, rid in enumerate(ids):
        query_row = complete.loc[rid, features].to_dict()
        query = complete.loc[[rid], features]
        for m in methods:
            t = time.perf_counter()
            err = None
            if m == "ours":
                cfs = run_ours(ex, rid, args.k)
            else:
                cfs, err = run_dice(dices[m], ex, query, args.k, max_values)
            dt = time.perf_counter() - t
            s = stats[m]
            s["times"].append(dt)
            if err is not None:
                s["errors"].append(err)
            checked = check(ex, query_row, cfs, numeric, ranges, spread)
            valid = [c for c in checked if c is not None]
            s["returned"] += len(checked)
            s["valid"] += len(valid)
            s["all"] += [n for n, _ in valid]
            if valid:
                s["found"] += 1
                n, d = min(valid)
                s["best"].append(n)
                s["dist"].append(d)
        print(f"[{i + 1}/{len(ids)}] row {rid}: " + "  ".join(
            f"{m} {stats[m]['times'][-1]:.2f}s" for m in methods), flush=True)

    print()
    print(f"{'method':<14}{'valid share':>12}{'CFs valid/returned':>20}{'features (best)':>17}"
          f"{'features (all valid)':>22}{'distance (best)':>17}{'median s':>10}{'x ours':>8}")
    ours_t = statistics.median(stats["ours"]["times"]) if "ours" in stats else None
    for m in methods:
        s = stats[m]
        med_t = statistics.median(s["times"])
        best = statistics.median(s["best"]) if s["best"] else float("nan")
        allv = statistics.median(s["all"]) if s["all"] else float("nan")
        dist = statistics.median(s["dist"]) if s["dist"] else float("nan")
        ratio = f"{med_t / ours_t:.1f}" if ours_t else "-"
        name = m if m == "ours" else f"DiCE {m}"
        print(f"{name:<14}{s['found'] / len(ids):>12.0%}{s['valid']:>11}/{s['returned']:<8}{best:>17.1f}"
              f"{allv:>22.1f}{dist:>17.2f}{med_t:>10.3f}{ratio:>8}")
        if s["errors"]:
            print(f"   ({len(s['errors'])} applicant(s) where DiCE raised instead of returning, e.g. "
                  f"{s['errors'][0]})")
    print(f"\nmean of applicant p(bad) before: {float(np.mean(p_bad[p_bad > 0.5][: len(ids)])):.3f}")


def text_benchmark(n: int, k: int, max_words: int = 40):
    """Held-out reviews the text demo labels "other", cut to 40 words: flip each to "great"."""
    from explainer_nlg.demos.text_model import load_reviews

    ex = Explainer.demo("text")
    _, test = load_reviews()
    texts = [" ".join(t.split()[:max_words]) for t in test["text"]]
    probs = ex.predictor.predict_proba(texts[:200])
    other = ex.class_names.index("other")
    chosen = [t for t, p in zip(texts, probs) if p.argmax() == other][:n]
    found, edits, times, scored = 0, [], [], []
    for i, t in enumerate(chosen):
        cs = ex.counterfactuals(t, target="great", k=k)
        ok = [c for c in cs.counterfactuals if max(ex.predict(c.new_input["text"]).items(),
                                                     key=lambda kv: kv[1])[0] == "great"]
        found += bool(ok)
        if ok:
            edits.append(min(c.n_changed for c in ok))
        times.append(cs.seconds)
        scored.append(cs.candidates_searched)
        print(f"[{i + 1}/{len(chosen)}] {len(t.split())} words: {'found' if ok else 'none'}"
              f"{f' ({min(c.n_changed for c in ok)} edits)' if ok else ''} in {cs.seconds:.2f}s", flush=True)
    print(f"\ntext: {len(chosen)} held-out 'other' reviews (<= {max_words} words) -> 'great', at most 3 edits:")
    print(f"  found (re-predicted): {found}/{len(chosen)}; median edits of the sparsest: "
          f"{statistics.median(edits) if edits else float('nan')}; median time {statistics.median(times):.2f}s; "
          f"median texts scored {statistics.median(scored)}")


if __name__ == "__main__":
    main()
