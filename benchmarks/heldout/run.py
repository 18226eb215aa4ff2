"""Run the held-out parser sets (and dialogues) against today's parser and print the figures.

    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --split dev
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --split test      # measure once, at the end
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --dialogues       # all conversations
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --probe [--dialogues]  # probe 2 (hmda, biopsy)
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --probe3 a [--dialogues]  # probe 3a (lending, insurance)
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --probe3 b [--dialogues]  # 3b: frozen, run once at the end
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --probe4 a [--dialogues]  # probe 4a (nmes, cards)
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --probe4 b [--dialogues]  # 4b: frozen, run once at the end
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --probe5 a [--dialogues]  # probe 5a (k401k, rotterdam)
    OMP_NUM_THREADS=1 python benchmarks/heldout/run.py --probe5 b [--dialogues]  # 5b: frozen, run once at the end
    python benchmarks/heldout/run.py --split dev --dataset pima --by-op --failures

Single questions go through ``ex.parse(q)``; each conversation through ``ex.ask(q, x=...)`` in a
fresh session. Rules of the scoring: score.py. The sets are frozen: never tune on them, and on
the test split never look at individual failures (``--failures`` refuses it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import models  # noqa: E402
from gold import check_gold, load_toml, split_of  # noqa: E402
from score import score_parse, score_turn, summarise  # noqa: E402

DATASETS = ("creditcard", "pima", "rossi", "attrition")
PROBE = ("hmda", "biopsy")  # probe 2: probe2_*.toml, every entry split "probe"
PROBE3 = ("lending", "insurance")  # probe 3: probe3a_*.toml (readable) and probe3b_*.toml (frozen)
PROBE4 = ("nmes", "cards")  # probe 4: probe4a_*.toml (readable) and probe4b_*.toml (frozen)
PROBE5 = ("k401k", "rotterdam")  # probe 5: probe5a_*.toml (readable) and probe5b_*.toml (frozen)
NEW_OPS = {"effect", "compare", "similar", "rules"}  # issue 12's operations: today's parser has none


def probe_of(name: str) -> str | None:
    """'probe3', 'probe4' or 'probe5' for a table of a split probe, else None."""
    return ("probe3" if name in PROBE3 else "probe4" if name in PROBE4 else "probe5" if name in PROBE5
            else None)


def load_set(name: str, probe3: str | None = None) -> list[dict]:
    """``probe3`` is the half (a or b) of probe 3, 4 or 5, whichever ``name`` belongs to."""
    if probe_of(name):
        if probe3 not in ("a", "b"):
            raise SystemExit(f"{name} belongs to {probe_of(name)}: say --{probe_of(name)} a or b")
        path = HERE / f"{probe_of(name)}{probe3}_{name}.toml"
    else:
        path = HERE / (f"probe2_{name}.toml" if name in PROBE else f"{name}.toml")
    data = load_toml(path)
    assert data["dataset"] == name, f"{name}.toml says dataset {data['dataset']!r}"
    return data["q"]


def load_dialogues(probe: bool = False, probe3: str | None = None, which: str = "probe3") -> list[dict]:
    if probe3:
        return load_toml(HERE / f"{which}{probe3}_dialogues.toml")["dialogue"]
    return load_toml(HERE / ("probe2_dialogues.toml" if probe else "dialogues.toml"))["dialogue"]


def expected_split(name: str, n: int, probe3: str | None) -> str:
    """The split entry ``n`` (from 1) of a set file must carry."""
    if probe_of(name):
        return f"{probe_of(name)}{probe3}"
    return "probe" if name in PROBE else split_of(n)


_built: dict = {}


def explainer_and_schema(name: str):
    """The explainer (built once) and its scoring schema, checked against the built model."""
    if name not in _built:
        t = time.perf_counter()
        ex = models.build(name)
        seconds = time.perf_counter() - t
        schema = models.SCHEMAS[name]
        rows = ex.rows()
        if set(ex.info["features"]) != set(schema.columns):
            raise SystemExit(f"{name}: models.SCHEMAS columns differ from the model's features")
        if tuple(ex.class_names) != schema.classes:
            raise SystemExit(f"{name}: classes {ex.class_names} differ from models.SCHEMAS")
        model_classes = [str(c) for c in getattr(ex.predictor.model, "classes_", [])]
        if model_classes and model_classes != [str(v) for v in schema.target_values]:
            raise SystemExit(f"{name}: the model's classes_ {model_classes} differ from models.SCHEMAS")
        bounds = {c: (float(rows[c].min()), float(rows[c].max())) for c in schema.integers}
        _built[name] = (ex, replace(schema, bounds=bounds), seconds)
    return _built[name]


def _rate(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / n:.1f}%)" if n else "-"


def print_table(title: str, groups: dict[tuple, list[dict]]) -> list[dict]:
    print(f"\n{title}")
    head = f"{'data set':<12} {'split':<6} {'n':>4}  {'operation':<16} {'full parse':<16} " \
           f"{'clarified (ok)':<15} {'target':<14} {'features':<14} {'median ms':>9}"
    print(head)
    print("-" * len(head))
    out = []
    for (name, split), rows in groups.items():
        s = summarise(rows)
        ms = f"{s['median_ms']:.1f}" if s["median_ms"] is not None else "-"
        print(f"{name:<12} {split:<6} {s['n']:>4}  {_rate(s['op'], s['n']):<16} {_rate(s['full'], s['n']):<16} "
              f"{s['clarified']:>3} ({s['clarified_ok']})       {_rate(*s['target']):<14} "
              f"{_rate(*s['features']):<14} {ms:>9}")
        out.append({"dataset": name, "split": split, **s})
    return out


def run_sets(datasets: list[str], splits: list[str], by_op: bool, failures: bool, probe3: str | None = None) -> dict:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    per_op: dict[str, list[dict]] = defaultdict(list)
    builds, warmups = {}, {}
    for name in datasets:
        entries = load_set(name, probe3)
        ex, schema, seconds = explainer_and_schema(name)
        builds[name] = round(seconds, 2)
        for n, e in enumerate(entries, 1):
            problems = check_gold(e, schema)
            if problems or e["split"] != expected_split(name, n, probe3):
                raise SystemExit(f"{e.get('id')}: bad gold entry: {problems or 'split rule'}")
        t = time.perf_counter()
        ex.parse("hello")  # the first parse loads the sentence encoder: timed apart
        warmups[name] = round(time.perf_counter() - t, 2)
        for e in entries:
            if e["split"] not in splits:
                continue
            t = time.perf_counter()
            try:
                parsed = ex.parse(e["q"])
                error = None
            except Exception as err:  # a crash is a wrong parse, and is reported
                parsed, error = {"ops": []}, f"{type(err).__name__}: {err}"
            ms = (time.perf_counter() - t) * 1000
            s = score_parse(parsed, e, schema)
            row = {**s, "ms": ms, "clarify_ok": bool(e.get("clarify_ok")), "id": e["id"], "error": error}
            groups[(name, e["split"])].append(row)
            groups[("all", e["split"])].append(row)
            if not NEW_OPS & set(e["ops"]):
                groups[("all-new4", e["split"])].append(row)
            per_op["+".join(sorted(e["ops"]))].append(row)
            if failures and not s["full"]:
                got = {k: parsed.get(k) for k in ("ops", "filters", "instance", "clarify")}
                print(f"  FAIL {e['id']} {e['q']!r}\n       gold {json.dumps({k: e.get(k) for k in ('ops', 'instance', 'filters', 'changes', 'reason')})}"
                      f"\n       got  {json.dumps(got, default=str)}" + (f"\n       error {error}" if error else ""))
    known = DATASETS + PROBE + PROBE3 + PROBE4 + PROBE5
    order = sorted(groups, key=lambda k: (k[0] not in known, k[0] == "all-new4",
                                          known.index(k[0]) if k[0] in known else 0, k[1]))
    table = print_table("Single questions (ex.parse); all-new4: without effect, compare, similar, rules",
                        {k: groups[k] for k in order})
    print(f"\nbuild seconds {builds}; first parse (warm-up) seconds {warmups}")
    errors = [r["id"] for rows in groups.values() for r in rows if r["error"]]
    if errors:
        print(f"parse raised on: {sorted(set(errors))}")
    if by_op:
        print_table("By gold operation (all selected data sets and splits)",
                    {(op, "+".join(splits)): rows for op, rows in sorted(per_op.items())})
    return {"sets": table, "build_s": builds, "warmup_s": warmups}


def listed_ids(answer, id_key: str) -> list:
    """The row ids an answer listed, in order (from its parts' tables)."""
    ids = []
    for part in answer.parts:
        for row in part.table or []:
            if isinstance(row, dict) and id_key in row:
                ids.append(row[id_key])
    return ids


def run_dialogues(datasets: list[str], splits: list[str], failures: bool, probe: bool = False,
                  probe3: str | None = None, which: str = "probe3") -> dict:
    dialogues = load_dialogues(probe, probe3, which)
    groups: dict[tuple, list[dict]] = defaultdict(list)
    by_tag: dict[str, list[dict]] = defaultdict(list)
    whole: dict[str, list[bool]] = defaultdict(list)
    for n, d in enumerate(dialogues, 1):
        want = ((f"{which}{probe3}", f"{which}{probe3}-dlg-{n:03d}") if probe3 else
                ("probe", f"probe2-dlg-{n:03d}") if probe else (split_of(n), f"dlg-{n:03d}"))
        if (d["split"], d["id"]) != want:
            raise SystemExit(f"{d['id']}: split or id breaks the rule")
        if d["dataset"] not in datasets or d["split"] not in splits:
            continue
        ex, schema, _ = explainer_and_schema(d["dataset"])
        id_key = ex.rows().index.name or "index"
        session = f"heldout-{d['id']}-{time.time_ns()}"
        listed: list = []
        oks = []
        for turn in d["turn"]:
            problems = check_gold(turn, schema)
            if problems:
                raise SystemExit(f"{d['id']} {turn['q']!r}: bad gold turn: {problems}")
            t = time.perf_counter()
            try:
                answer = ex.ask(turn["q"], x=turn.get("x"), session=session)
                parsed, error = answer.parsed, None
            except Exception as err:
                answer, parsed, error = None, {"ops": []}, f"{type(err).__name__}: {err}"
            ms = (time.perf_counter() - t) * 1000
            s = score_turn(parsed, turn, schema, listed)
            row = {**s, "ms": ms, "clarify_ok": bool(turn.get("clarify_ok")), "id": d["id"], "error": error}
            groups[(d["dataset"], d["split"])].append(row)
            groups[("all", d["split"])].append(row)
            by_tag[turn.get("tag", "-")].append(row)
            oks.append(s["full"])
            if answer is not None:
                now = listed_ids(answer, id_key)
                listed = now or listed
            if failures and not s["full"]:
                print(f"  FAIL {d['id']} {turn['q']!r} gold {json.dumps({k: turn.get(k) for k in ('ops', 'instance', 'filters', 'changes')})}"
                      f"\n       got {json.dumps(parsed.get('resolved'), default=str)} listed {listed[:5]}"
                      + (f"\n       error {error}" if error else ""))
        whole[d["split"]].append(all(oks))
    order = sorted(groups, key=lambda k: (k[0] == "all", k[0], k[1]))
    table = print_table("Dialogue turns (ex.ask, resolved; time is the whole answer)", {k: groups[k] for k in order})
    print_table("Dialogue turns by what they test", {(tag, "+".join(splits)): rows for tag, rows in sorted(by_tag.items())})
    for split, oks in sorted(whole.items()):
        print(f"conversations with every turn right, {split}: {_rate(sum(oks), len(oks))}")
    return {"dialogues": table, "conversations": {s: [sum(o), len(o)] for s, o in whole.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "test", "all"), default=None)
    ap.add_argument("--dialogues", action="store_true", help="run the conversations (default: the single questions)")
    ap.add_argument("--dataset", action="append", choices=DATASETS + PROBE + PROBE3 + PROBE4 + PROBE5 + ("loan",),
                    help="only these (repeatable)")
    ap.add_argument("--probe", action="store_true", help="probe 2 (hmda, biopsy; all entries) instead of the frozen sets")
    ap.add_argument("--probe3", choices=("a", "b"),
                    help="probe 3 (lending, insurance): half a may be read, half b is run once at the end")
    ap.add_argument("--probe4", choices=("a", "b"),
                    help="probe 4 (nmes, cards): half a may be read, half b is run once now and once at the end")
    ap.add_argument("--probe5", choices=("a", "b"),
                    help="probe 5 (k401k, rotterdam): half a may be read, half b is run once now and once at the end")
    ap.add_argument("--by-op", action="store_true", help="also break the single questions down by gold operation")
    ap.add_argument("--failures", action="store_true", help="print each wrong parse (dev only)")
    ap.add_argument("--json", type=Path, help="write the summary figures here")
    args = ap.parse_args()
    which = "probe5" if args.probe5 else "probe4" if args.probe4 else "probe3"
    half = args.probe5 or args.probe4 or args.probe3
    split = args.split or ("all" if args.dialogues else "dev")
    splits = ([f"{which}{half}"] if half else ["probe"] if args.probe
              else ["dev", "test"] if split == "all" else [split])
    if args.failures and ("test" in splits or half == "b"):
        raise SystemExit("--failures is for the dev split and probes 3a, 4a and 5a: the test split and probes "
                         "3b, 4b and 5b are measured, never read for tuning.")
    if sum(bool(p) for p in (args.probe3, args.probe4, args.probe5)) > 1:
        raise SystemExit("one probe at a time: --probe3, --probe4 or --probe5")
    group = (PROBE5 if args.probe5 else PROBE4 if args.probe4 else PROBE3 if args.probe3
             else PROBE if args.probe else DATASETS)
    t = time.perf_counter()
    if args.dialogues:
        result = run_dialogues(args.dataset or list(group if (args.probe or half) else DATASETS + ("loan",)),
                               splits, args.failures, args.probe, half, which)
    else:
        result = run_sets([d for d in (args.dataset or group) if d != "loan"], splits,
                          args.by_op, args.failures, half)
    result["seconds"] = round(time.perf_counter() - t, 1)
    print(f"\n{result['seconds']} s in all")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
