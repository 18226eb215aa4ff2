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
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from parser_sets import SCHEMAS, evaluate, load_set, score  # noqa: E402

from explainer_nlg.chat.parser import parse  # noqa: E402


def report(name: str, show: bool) -> None:
    r = evaluate(name, parse)
    print(f"{name}: operation {r['op_right']}/{r['op_total']} ({r['op_right'] / r['op_total']:.1%}), "
          f"slots {r['slot_right']}/{r['slot_total']} ({r['slot_right'] / r['slot_total']:.1%})")
    if show:
        for text, op, wrong in r["failures"]:
            print(f"   {text!r} want {op}: {'; '.join(wrong)}")


def llm_report(names: list[str], model: str) -> None:
    """Router alone vs router + LLM on the low-confidence questions of ``names``."""
    from explainer_nlg.chat.fallback import is_unsure
    from explainer_nlg.narrate.llm import LlamaCppLLM

    llm = LlamaCppLLM(model)
    rows = []
    for name in names:
        for item in load_set(name):
            schema = SCHEMAS[item["schema"]]
            plain = parse(item["text"], schema)
            if "op" not in item or not is_unsure(plain):
                continue
            t = time.perf_counter()
            helped = parse(item["text"], schema, llm=llm)
            rows.append((item, plain, helped, (time.perf_counter() - t) * 1000 - plain["ms"]))
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
    ap.add_argument("sets", nargs="+", choices=["dev", "test"])
    ap.add_argument("--show-test", action="store_true", help="list the test set's failures too")
    ap.add_argument("--llm", help="a GGUF model name or path: measure the LLM fallback")
    args = ap.parse_args()
    parse("warm up", SCHEMAS["loan"])
    for name in args.sets:
        report(name, name == "dev" or args.show_test)
    if args.llm:
        llm_report(args.sets, args.llm)


if __name__ == "__main__":
    main()
