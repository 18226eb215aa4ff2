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
    ap.add_argument("--dtype", action="append", default=[], help="transformers dtype (repeatable; default bfloat16)")
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
    for dtype in args.dtype or ["bfloat16"]:
        bench(args, dtype, subset)


def bench(args, dtype: str, subset: list) -> None:
    from explainer_nlg.narrate import narrate
    from explainer_nlg.narrate.llm_loader import load_llm
    from explainer_nlg.narrate.llm_refine import reword

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    llm = load_llm(args.model, backend=args.backend, **({"dtype": dtype} if args.backend == "transformers" else {}))
    load_s = time.perf_counter() - t0
    shown_s, done_s, accepted, total, whole, changed = [], [], 0, 0, 0, 0
    reasons: dict[str, int] = {}
    firsts: list[float] = []
    for ev in subset:
        pending: list = []
        t = time.perf_counter()
        shown = narrate(ev, args.audience, llm=llm, defer=pending)
        shown_s.append(time.perf_counter() - t)
        later = reword(pending[0], args.limit)
        done_s.append(time.perf_counter() - t)
        ok = [s.status == "rephrased" for s in later.sentences]
        accepted += sum(ok)
        changed += sum(s.status == "rephrased" and s.text != s.template for s in later.sentences)
        total += len(ok)
        whole += all(ok)
        for s in later.sentences:
            if s.status == "fallback":
                key = s.reason.split(":")[0][:60]
                reasons[key] = reasons.get(key, 0) + 1
        first = later.llm.first_token_seconds if later.llm else None
        firsts.append(first if first is not None else float("nan"))
        print(f"  row answer: {len(shown.sentences)} sentences shown in {shown_s[-1] * 1000:.0f} ms; reworded "
              f"{sum(ok)}/{len(ok)} after {done_s[-1]:.1f} s (first token {first or float('nan'):.1f} s, "
              f"{len(later.llm.raw_output) if later.llm else 0} characters)", flush=True)
    load_after = os.getloadavg()
    print(f"{args.model} @ {args.backend}:{dtype}, limit {args.limit:.0f} s, {len(subset)} loan answers "
          f"({args.audience}); load {load_s:.1f} s; load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after (1-min)")
    print(f"  templates shown: median {statistics.median(shown_s) * 1000:.0f} ms; the LLM's first token "
          f"median {statistics.median(firsts):.1f} s")
    print(f"  whole answer reworded (verified or rejected): median {statistics.median(done_s):.1f} s, "
          f"max {max(done_s):.1f} s")
    print(f"  sentences accepted {accepted}/{total} ({accepted / max(total, 1):.0%}), {changed} worded "
          f"differently; answers entirely reworded {whole}/{len(subset)}")
    print("  fallback reasons: " + "; ".join(f"{k} x{v}" for k, v in sorted(reasons.items(), key=lambda t: -t[1])))
    del llm


if __name__ == "__main__":
    main()
