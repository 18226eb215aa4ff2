"""Narration benchmark: the verifier on a labelled set, and LLM rephrasings on demo records.

    python benchmarks/narration.py                      # verifier accuracy + templates on records
    python benchmarks/narration.py --records 30 \
        --llm qwen2.5-coder-0.5b@transformers:bfloat16 --llm qwen2.5-coder-0.5b@transformers:float32 \
        --llm qwen2.5-coder-0.5b@transformers:int8 --llm qwen2.5-coder-0.5b@llama.cpp

Part 1: the verifier's accuracy on ``data/verifier_labelled.toml`` (hand-written correct and
deliberately wrong rationales about the records in ``data/verifier_records.json``).
Part 2: template narration of every cached demo record (``narration_records.py`` builds the cache
of >= 100 records from the three demos once): the share of template sentences the verifier passes
(must be 100%) and the median time per narration.
Part 3 (per ``--llm``, a model name with an optional ``@backend:dtype``, side by side in one
run): load time, then each record narrated for the ``--audience`` audiences twice. Without time
limits: the share of reworded sentences the verifier accepts, how many differ from the template,
repeated claims and words per answer, first token and tokens per second. With the chat's limits
(first sentence by 1.5 s, a short answer by 4 s): the first verified sentence and the whole answer
(medians), and the share reworded in time.
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


def verifier_accuracy() -> dict:
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
    for spec in args.llm:
        bench_llm(spec, subset, audiences)


def bench_llm(spec: str, subset: list, audiences: list[str]) -> None:
    """One model on one backend: load, wording without limits, then speed under the chat's limits."""
    from narration_judge import repeated_claims, words

    from explainer_nlg.narrate import narrate
    from explainer_nlg.narrate.llm_loader import load_llm

    name, _, how = spec.partition("@")
    backend, _, dtype = (how or "auto").partition(":")
    t0 = time.perf_counter()
    llm = load_llm(name, backend=backend, **({"dtype": dtype} if dtype else {}))
    load_s = time.perf_counter() - t0
    label = f"{name} @ {getattr(llm, 'backend', backend)}{':' + dtype if dtype else ''}"
    firsts, rates, counts, changed, reasons = [], [], {"rephrased": 0, "fallback": 0}, 0, {}
    repeats = n_answers = 0
    n_words = []
    for ev in subset:
        for audience in audiences:
            a = narrate(ev, audience, llm=llm, time_limits=None)
            if a.llm.first_token_seconds is not None:
                firsts.append(a.llm.first_token_seconds)
                decode = a.llm.total_seconds - a.llm.first_token_seconds
                if decode > 0:
                    rates.append(llm.count_tokens(a.llm.raw_output) / decode)
            n_answers += 1
            repeats += repeated_claims(a.text, ev)
            n_words.append(words(a.text))
            for s in a.sentences:
                counts[s.status] = counts.get(s.status, 0) + 1
                changed += s.status == "rephrased" and s.text != s.template
                if s.status == "fallback":
                    key = s.reason.split(":")[0]
                    reasons[key] = reasons.get(key, 0) + 1
    n = counts["rephrased"] + counts["fallback"]
    print(f"LLM {label}: load {load_s:.1f}s; {len(subset)} records x {len(audiences)} audience(s)")
    print(f"  no time limit: accepted {counts['rephrased']}/{n} ({counts['rephrased'] / max(n, 1):.1%}), "
          f"{changed} worded differently from the template; repeated claims {repeats} in {n_answers} answers; "
          f"words per answer median {statistics.median(n_words):.0f}; first token median "
          f"{statistics.median(firsts):.2f}s; {statistics.median(rates):.1f} tokens/s (median)")
    top = sorted(reasons.items(), key=lambda t: -t[1])[:6]
    print("  fallback reasons: " + "; ".join(f"{k} x{v}" for k, v in top))
    first_sentence, whole, in_time, total = [], [], 0, 0
    for ev in subset:
        for audience in audiences:
            t = time.perf_counter()
            seen: list[float] = []
            a = narrate(ev, audience, llm=llm, on_sentence=lambda s, seen=seen, t=t: seen.append(time.perf_counter() - t))
            first_sentence.append(seen[0])
            whole.append(time.perf_counter() - t)
            in_time += sum(s.status == "rephrased" and s.text != s.template for s in a.sentences)
            total += len(a.sentences)
    print(f"  chat limits: first verified sentence median {statistics.median(first_sentence):.2f}s "
          f"(max {max(first_sentence):.2f}s), whole answer median {statistics.median(whole):.2f}s "
          f"(max {max(whole):.2f}s); reworded in time {in_time}/{total} ({in_time / max(total, 1):.1%})")
    del llm


def _spread(records, n):
    """``n`` records spread over the kinds in proportion."""
    step = max(1, len(records) // n)
    return records[::step][:n]


if __name__ == "__main__":
    main()
