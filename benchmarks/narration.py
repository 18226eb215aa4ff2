"""Narration benchmark: the verifier on a labelled set, and LLM rephrasings on demo records.

    python benchmarks/narration.py                      # verifier accuracy + templates on records
    python benchmarks/narration.py --llm qwen2.5-coder-0.5b --llm smollm2-135m --records 100

Part 1: the verifier's accuracy on ``data/verifier_labelled.toml`` (hand-written correct and
deliberately wrong rationales about the records in ``data/verifier_records.json``).
Part 2: template narration of every cached demo record (``narration_records.py`` builds the cache
of >= 100 records from the three demos once): the share of template sentences the verifier passes
(must be 100%) and the median time per narration.
Part 3 (per ``--llm``): each record narrated with the LLM for the ``--audience`` audiences: the
share of rephrased sentences the verifier accepts, and the median first-token and full latency.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def load_labelled():
    """(records by name, cases) of the labelled verifier set."""
    from explainer_nlg.evidence import Evidence
    from explainer_nlg.prompt_files import read_toml

    raw = json.loads((HERE / "data" / "verifier_records.json").read_text())
    records = {k: (v if v.get("kind") in ("counterfactual", "what-if") else Evidence.from_dict(v))
               for k, v in raw.items()}
    cases = read_toml(HERE / "data" / "verifier_labelled.toml")["case"]
    return records, cases


def verifier_accuracy(verbose: bool = False) -> dict:
    from explainer_nlg.narrate import verify_text

    records, cases = load_labelled()
    good = bad = good_ok = bad_caught = 0
    misses = []
    by_error: dict[str, list[int]] = {}
    for case in cases:
        verdicts = verify_text(case["text"], records[case["record"]])
        accepted = all(v.ok for v in verdicts)
        if case["expect"] == "accept":
            good += 1
            good_ok += accepted
            if not accepted:
                misses.append(("rejected a correct one", case["text"],
                               next(v.reason for v in verdicts if not v.ok)))
        else:
            bad += 1
            bad_caught += not accepted
            by_error.setdefault(case["error"], [0, 0])
            by_error[case["error"]][0] += 1
            by_error[case["error"]][1] += not accepted
            if accepted:
                misses.append(("accepted a wrong one", case["text"], case["error"]))
    return {"correct": good, "correct_accepted": good_ok, "wrong": bad, "wrong_rejected": bad_caught,
            "by_error": by_error, "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--llm", action="append", default=[], help="model name or GGUF path (repeatable)")
    ap.add_argument("--records", type=int, default=0, help="how many records for the LLM part (0: all)")
    ap.add_argument("--audience", action="append", default=[], help="audiences for the LLM part (default customer)")
    args = ap.parse_args()

    acc = verifier_accuracy()
    print(f"verifier, labelled set: correct accepted {acc['correct_accepted']}/{acc['correct']} "
          f"({acc['correct_accepted'] / acc['correct']:.1%}); wrong rejected {acc['wrong_rejected']}/{acc['wrong']}")
    for err, (n, caught) in sorted(acc["by_error"].items()):
        print(f"  {err:17s} rejected {caught}/{n}")
    for kind, text, why in acc["misses"]:
        print(f"  MISS ({kind}): {text}  [{why}]")

    from narration_records import load_records

    from explainer_nlg.evidence import Evidence
    from explainer_nlg.narrate import narrate

    records = [Evidence.from_dict(d) for d in load_records()]
    kinds = {k: sum(1 for r in records if r.kind == k) for k in ("tabular", "text", "image")}
    n_sent = n_ok = 0
    times = []
    for ev in records:
        for audience in ("customer", "support", "developer"):
            t0 = time.perf_counter()
            a = narrate(ev, audience)
            times.append(time.perf_counter() - t0)
            n_sent += len(a.sentences)
            n_ok += sum(1 for s in a.sentences if not s.reason)
    print(f"templates: {len(records)} records ({kinds}), 3 audiences: {n_ok}/{n_sent} sentences pass "
          f"the verifier; median {statistics.median(times) * 1000:.1f} ms per narration")

    audiences = args.audience or ["customer"]
    subset = records if not args.records else _spread(records, args.records)
    for name in args.llm:
        from explainer_nlg.narrate import LlamaCppLLM

        t0 = time.perf_counter()
        llm = LlamaCppLLM(name)
        load_s = time.perf_counter() - t0
        firsts, totals, counts = [], [], {"rephrased": 0, "fallback": 0}
        changed = 0
        reasons: dict[str, int] = {}
        for ev in subset:
            for audience in audiences:
                a = narrate(ev, audience, llm=llm)
                if a.llm.first_token_seconds is not None:
                    firsts.append(a.llm.first_token_seconds)
                totals.append(a.llm.total_seconds)
                for s in a.sentences:
                    counts[s.status] = counts.get(s.status, 0) + 1
                    changed += s.status == "rephrased" and s.text != s.template
                    if s.status == "fallback":
                        key = s.reason.split(":")[0]
                        reasons[key] = reasons.get(key, 0) + 1
        n = counts["rephrased"] + counts["fallback"]
        print(f"LLM {name}: load {load_s:.1f}s; {len(subset)} records x {len(audiences)} audience(s); "
              f"accepted {counts['rephrased']}/{n} rephrased sentences ({counts['rephrased'] / max(n, 1):.1%}; "
              f"{changed} of them worded differently from the template); "
              f"median first token {statistics.median(firsts):.2f}s, median full {statistics.median(totals):.2f}s")
        top = sorted(reasons.items(), key=lambda t: -t[1])[:6]
        print("  fallback reasons: " + "; ".join(f"{k} x{v}" for k, v in top))


def _spread(records, n):
    """``n`` records spread over the kinds in proportion."""
    step = max(1, len(records) // n)
    return records[::step][:n]


if __name__ == "__main__":
    main()
