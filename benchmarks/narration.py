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
run: the models take turns record by record, so all meet the same load; ``--threads`` per
backend, 1 by default): load time, then each record narrated for the ``--audience`` audiences
twice. Without time
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
import threading
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
    ap.add_argument("--threads", type=int, default=1, help="threads per LLM backend (torch and llama.cpp alike)")
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
    if args.llm:
        bench_llms(args.llm, subset, audiences, args.threads)


def _load(spec: str, threads: int):
    """(label, model, load seconds) for ``NAME[@BACKEND[:DTYPE]]``."""
    from explainer_nlg.narrate.llm_loader import load_llm

    name, _, how = spec.partition("@")
    backend, _, dtype = (how or "auto").partition(":")
    options = {"dtype": dtype} if dtype else {}
    if backend == "llama.cpp":
        options["n_threads"] = threads
    t0 = time.perf_counter()
    llm = load_llm(name, backend=backend, **options)
    seconds = time.perf_counter() - t0
    label = f"{name} @ {getattr(llm, 'backend', backend)}{':' + dtype if dtype else ''}"
    return label, llm, seconds


class Tally:
    """One model's figures over the records."""

    def __init__(self):
        self.firsts, self.rates, self.n_words = [], [], []
        self.counts = {"rephrased": 0, "fallback": 0}
        self.changed = self.repeats = self.answers = 0
        self.reasons: dict[str, int] = {}
        self.first_sentence, self.whole = [], []
        self.in_time = self.total = 0

    def unlimited(self, a, ev, llm) -> None:
        from narration_judge import repeated_claims, words

        if a.llm is not None and a.llm.first_token_seconds is not None:
            self.firsts.append(a.llm.first_token_seconds)
            decode = a.llm.total_seconds - a.llm.first_token_seconds
            if decode > 0:
                self.rates.append(llm.count_tokens(a.llm.raw_output) / decode)
        self.answers += 1
        self.repeats += repeated_claims(a.text, ev)
        self.n_words.append(words(a.text))
        for s in a.sentences:
            self.counts[s.status] = self.counts.get(s.status, 0) + 1
            self.changed += s.status == "rephrased" and s.text != s.template
            if s.status == "fallback":
                key = s.reason.split(":")[0][:60]
                self.reasons[key] = self.reasons.get(key, 0) + 1

    def report(self, label: str, load_s: float) -> None:
        n = self.counts["rephrased"] + self.counts["fallback"]
        med = lambda xs: statistics.median(xs) if xs else float("nan")  # noqa: E731
        print(f"LLM {label}: load {load_s:.1f}s; {self.answers} answers")
        print(f"  no time limit: accepted {self.counts['rephrased']}/{n} ({self.counts['rephrased'] / max(n, 1):.1%}), "
              f"{self.changed}/{n} ({self.changed / max(n, 1):.1%}) worded differently from the template; "
              f"repeated claims {self.repeats} in {self.answers} answers; words per answer median "
              f"{med(self.n_words):.0f}; first token median {med(self.firsts):.2f}s; "
              f"{med(self.rates):.1f} tokens/s (median)")
        top = sorted(self.reasons.items(), key=lambda t: -t[1])[:6]
        print("  fallback reasons: " + ("; ".join(f"{k} x{v}" for k, v in top) or "none"))
        if self.whole:
            print(f"  chat limits: first verified sentence median {med(self.first_sentence):.2f}s "
                  f"(max {max(self.first_sentence):.2f}s), whole answer median {med(self.whole):.2f}s "
                  f"(max {max(self.whole):.2f}s); reworded in time {self.in_time}/{self.total} "
                  f"({self.in_time / max(self.total, 1):.1%})")


def bench_llms(specs: list[str], subset: list, audiences: list[str], threads: int) -> None:
    """The models side by side: loaded one after another, then taking turns record by record, so
    that all of them meet the same load on a shared machine. First the wording without limits
    (acceptance, share reworded, repeated claims, words, first token, tokens/s), then the speed
    under the chat's limits."""
    import torch

    from explainer_nlg.narrate import narrate

    torch.set_num_threads(threads)
    print(f"load average (1, 5, 15 min) at start: {_loadavg()}; OMP_NUM_THREADS="
          f"{os.environ.get('OMP_NUM_THREADS', 'unset')}, {threads} thread(s) per backend", flush=True)
    models = []
    for spec in specs:
        label, llm, load_s = _load(spec, threads)
        # One short call before the records: a process's first forward pass pays one-time costs
        # (kernel selection, allocations) that the first model measured would otherwise carry.
        t0 = time.perf_counter()
        "".join(llm.stream("Answer in one word.", "Say OK."))
        print(f"loaded {label} in {load_s:.1f}s, warm-up call {time.perf_counter() - t0:.1f}s "
              f"(load average {_loadavg()})", flush=True)
        models.append((label, llm, load_s, Tally()))
    for i, ev in enumerate(subset, 1):
        for audience in audiences:
            for label, llm, _, tally in models:
                t = time.perf_counter()
                a = narrate(ev, audience, llm=llm, time_limits=None)
                tally.unlimited(a, ev, llm)
                ok = sum(s.status == "rephrased" for s in a.sentences)
                print(f"  [{i}/{len(subset)} {ev.kind} {audience}] {label}: {ok}/{len(a.sentences)} accepted "
                      f"in {time.perf_counter() - t:.1f}s (load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"load average after the no-limit pass: {_loadavg()}", flush=True)
    for ev in subset:
        for audience in audiences:
            for _label, llm, _, tally in models:
                t = time.perf_counter()
                seen: list[float] = []
                a = narrate(ev, audience, llm=llm,
                            on_sentence=lambda s, seen=seen, t=t: seen.append(time.perf_counter() - t))
                tally.first_sentence.append(seen[0])
                tally.whole.append(time.perf_counter() - t)
                tally.in_time += sum(s.status == "rephrased" and s.text != s.template for s in a.sentences)
                tally.total += len(a.sentences)
    # Under the limits a late rewording is left running in its worker thread: let it end before
    # the interpreter does (exiting mid-forward aborts the process).
    for thread in threading.enumerate():
        if thread.name == "llm-rephrase":
            thread.join()
    print(f"load average at the end: {_loadavg()}")
    for label, _, load_s, tally in models:
        tally.report(label, load_s)


def _loadavg() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _spread(records, n):
    """``n`` records spread over the kinds in proportion."""
    step = max(1, len(records) // n)
    return records[::step][:n]


if __name__ == "__main__":
    main()
