"""Answer at once, then refine: how long the LLM takes to reword a shown customer answer, and
how much of it the verifier accepts (the chat page's path, ``narrate(defer=...)`` + ``reword``).

    OMP_NUM_THREADS=1 python benchmarks/refinement.py --rows 10 --dtype bfloat16 --dtype float32

For each of ``--rows`` loan records (spread over the cached demo records): the templates shown
(time to show), then the rewording with the page's limit (``--limit``, default 30 s): seconds
until the whole answer is reworded (all its lines verified or rejected), sentences accepted,
answers entirely reworded. The load average is printed before and after each model: the machine
is shared, and decoding speed follows it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-0.5b")
    ap.add_argument("--backend", default="transformers")
    ap.add_argument("--dtype", action="append", default=[], help="transformers dtype (repeatable; default float32)")
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--limit", type=float, default=30.0)
    ap.add_argument("--audience", default="customer")
    args = ap.parse_args()

    from narration_records import load_records

    from explainer_nlg.evidence import Evidence

    records = [Evidence.from_dict(d) for d in load_records()]
    loan = [r for r in records if r.kind == "tabular"]
    step = max(1, len(loan) // args.rows)
    subset = loan[::step][:args.rows]
    from explainer_nlg.narrate.llm_loader import load_llm

    models = {}
    for dtype in args.dtype or ["float32"]:
        t0 = time.perf_counter()
        models[dtype] = load_llm(args.model, backend=args.backend,
                                 **({"dtype": dtype} if args.backend == "transformers" else {}))
        print(f"{args.model} @ {args.backend}:{dtype}: loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    stats = {dtype: Stats() for dtype in models}
    load_before = os.getloadavg()
    for ev in subset:  # the models take turns, row by row: both meet the same load
        for dtype, llm in models.items():
            stats[dtype].run(ev, llm, args, dtype)
    load_after = os.getloadavg()
    print(f"limit {args.limit:.0f} s, {len(subset)} loan answers ({args.audience}); load average (1-min) "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after; OMP_NUM_THREADS="
          f"{os.environ.get('OMP_NUM_THREADS', 'unset')}")
    for dtype, st in stats.items():
        st.report(f"{args.model} @ {args.backend}:{dtype}")


class Stats:
    def __init__(self):
        self.shown_s, self.done_s, self.firsts = [], [], []
        self.accepted = self.total = self.whole = self.changed = 0
        self.reasons: dict[str, int] = {}

    def run(self, ev, llm, args, dtype: str) -> None:
        from explainer_nlg.narrate import narrate
        from explainer_nlg.narrate.llm_refine import reword

        pending: list = []
        t = time.perf_counter()
        shown = narrate(ev, args.audience, llm=llm, defer=pending)
        self.shown_s.append(time.perf_counter() - t)
        later = reword(pending[0], args.limit)
        self.done_s.append(time.perf_counter() - t)
        ok = [s.status == "rephrased" for s in later.sentences]
        self.accepted += sum(ok)
        self.changed += sum(s.status == "rephrased" and s.text != s.template for s in later.sentences)
        self.total += len(ok)
        self.whole += all(ok)
        for s in later.sentences:
            if s.status == "fallback":
                key = s.reason.split(":")[0][:60]
                self.reasons[key] = self.reasons.get(key, 0) + 1
        first = later.llm.first_token_seconds if later.llm else None
        self.firsts.append(first if first is not None else float("nan"))
        print(f"  {dtype}: {len(shown.sentences)} sentences shown in {self.shown_s[-1] * 1000:.0f} ms; reworded "
              f"{sum(ok)}/{len(ok)} after {self.done_s[-1]:.1f} s (first token {first or float('nan'):.1f} s, "
              f"{len(later.llm.raw_output) if later.llm else 0} characters; load {os.getloadavg()[0]:.1f})",
              flush=True)

    def report(self, label: str) -> None:
        n = len(self.done_s)
        print(f"{label}: templates shown, median {statistics.median(self.shown_s) * 1000:.0f} ms; the LLM's "
              f"first token median {statistics.median(self.firsts):.1f} s")
        print(f"  whole answer reworded (verified or rejected): median {statistics.median(self.done_s):.1f} s, "
              f"max {max(self.done_s):.1f} s")
        print(f"  sentences accepted {self.accepted}/{self.total} ({self.accepted / max(self.total, 1):.0%}), "
              f"{self.changed} worded differently; answers entirely reworded {self.whole}/{n}")
        print("  fallback reasons: " + "; ".join(f"{k} x{v}" for k, v in
                                                 sorted(self.reasons.items(), key=lambda t: -t[1])))


if __name__ == "__main__":
    main()
