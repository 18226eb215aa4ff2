"""Parser accuracy on the frozen dev and test question sets (tests/data/parser_{dev,test}.toml).

    OMP_NUM_THREADS=1 python benchmarks/parser_accuracy.py dev               # counts + dev failures
    OMP_NUM_THREADS=1 python benchmarks/parser_accuracy.py test              # counts only
    OMP_NUM_THREADS=1 python benchmarks/parser_accuracy.py dev test --llm qwen2.5-coder-0.5b

Prints operation accuracy (first operation, or the whole list for compound questions) and slot
accuracy (filters, instance, target, changes, ... where the question names them). Failures are
listed for the dev set only unless --show-test is given: the test set is for the final figure, not
for tuning. With --llm, also compares router-only with router + LLM fallback on the questions the
router is unsure of, and times each fallback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from parser_sets import SCHEMAS, evaluate, load_set, score  # noqa: E402

from explainer_nlg.chat.parser import parse  # noqa: E402


def report(name: str, show: bool) -> None:
    r = evaluate(name, parse)
    slots = f", slots {r['slot_right']}/{r['slot_total']}" if r["slot_total"] else ""
    print(f"{name}: operation {r['op_right']}/{r['op_total']} ({r['op_right'] / r['op_total']:.1%}){slots}")
    if show:
        for text, op, wrong in r["failures"]:
            print(f"   {text!r} want {op}: {'; '.join(wrong)}")


class Asked:
    """Stands in for an LLM: records that the parser asked, answers nothing (the router stands)."""

    name = "asked"

    def __init__(self):
        self.calls = 0

    def choose(self, system, user, grammar):
        self.calls += 1
        return ""


def calibrate(names: list[str]) -> None:
    """Router accuracy on the questions each (score, margin) threshold would send to the LLM."""
    from explainer_nlg.chat import fallback as fb

    keep = fb.UNSURE_SCORE, fb.UNSURE_MARGIN
    fb.UNSURE_SCORE, fb.UNSURE_MARGIN = 9.0, 9.0  # ask on every question a rule does not decide
    seen = []
    for name in names:
        for item in load_set(name):
            if "op" not in item:
                continue
            schema = SCHEMAS[item["schema"]]
            asked = Asked()
            p = parse(item["text"], schema, llm=asked)
            if asked.calls == 1 and len(p["ops"]) == 1:
                ranked = parse.__globals__["Router"].default().classify(item["text"], schema)
                seen.append((ranked[0][1], ranked[0][1] - ranked[1][1], bool(score(item, p)[0])))
    fb.UNSURE_SCORE, fb.UNSURE_MARGIN = keep
    print(f"{len(seen)} one-part questions no rule decides; router right on {sum(ok for *_, ok in seen)}")
    for lo in (0.45, 0.5, 0.55, 0.6, 0.65):
        for margin in (0.0, 0.02, 0.03, 0.05):
            flagged = [ok for s, m, ok in seen if s < lo or m < margin]
            rest = [ok for s, m, ok in seen if not (s < lo or m < margin)]
            print(f"  score < {lo} or margin < {margin}: ask on {len(flagged)}, router right there "
                  f"{sum(flagged)}; elsewhere right {sum(rest)}/{len(rest)}")


def llm_report(names: list[str], model: str) -> None:
    """Router alone vs router + LLM on the low-confidence questions of ``names``."""
    from explainer_nlg.narrate.llm import LlamaCppLLM

    llm = LlamaCppLLM(model)
    rows = []
    for name in names:
        for item in load_set(name):
            schema = SCHEMAS[item["schema"]]
            asked = Asked()
            plain = parse(item["text"], schema, llm=asked)
            if "op" not in item or not asked.calls:
                continue
            helped = parse(item["text"], schema, llm=llm)
            rows.append((item, plain, helped, helped.get("llm_ms", 0.0)))
    if not rows:
        print("no low-confidence questions")
        return
    plain_ok = sum(bool(score(i, p)[0]) for i, p, _, _ in rows)
    llm_ok = sum(bool(score(i, h)[0]) for i, _, h, _ in rows)
    settled = sum(h.get("settled_by") == "llm" for _, _, h, _ in rows)
    print(f"low-confidence questions in {'+'.join(names)}: {len(rows)}; operation right: router alone "
          f"{plain_ok}, router + {model} {llm_ok} (LLM settled {settled}); added time per fallback "
          f"median {statistics.median(ms for *_, ms in rows):.0f} ms, max {max(ms for *_, ms in rows):.0f} ms")
    for item, p, h, _ in rows:
        print(f"   {item['text']!r} want {item['op']}: router {p['ops'][0]['op']} -> {h['ops'][0]['op']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+", choices=["dev", "test", "held"], help="held: the bank's held-out slice")
    ap.add_argument("--show-test", action="store_true", help="list the test set's failures too")
    ap.add_argument("--llm", help="a GGUF model name or path: measure the LLM fallback")
    ap.add_argument("--calibrate", action="store_true", help="router accuracy by fallback threshold")
    args = ap.parse_args()
    parse("warm up", SCHEMAS["loan"])
    for name in args.sets:
        report(name, name != "test" or args.show_test)
    if args.calibrate:
        calibrate(args.sets)
    if args.llm:
        llm_report(args.sets, args.llm)


if __name__ == "__main__":
    main()
