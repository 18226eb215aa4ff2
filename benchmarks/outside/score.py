"""The verifier on the labelled narratives about outside SHAP explanations (issue 14).

    OMP_NUM_THREADS=1 python benchmarks/outside/score.py dev          # the half the verifier was tuned on
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py test         # measured once, at the end
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py dev --misses # and every case it got wrong
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py dev2         # four new domains' dev half (2026-12-01)
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py test2        # their first held-out half (read since: dev now)
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py dev3         # four more domains' dev half (2026-12-01, 05:05)
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py test3        # their held-out half: once before, once at the end
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py dev4 test4   # four more with percentiles (2026-12-03): test4 held out
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py dev5 test5   # four more (2026-12-03 night): test5 held out
    OMP_NUM_THREADS=1 python benchmarks/outside/score.py dev --strict # every unknown word rejects (before 0024)

Each explanation in ``explanations.json`` (made with shap itself, see build_explanations.py) becomes
an Evidence record through ``Evidence.from_contributions``, exactly as a user would bring it: the
numbers, the unit, the classes. Each narrative goes through the public ``verify(text, evidence)``;
a narrative is accepted when the Report's verdict is "accepted". Prints the share of correct
narratives accepted and of wrong ones rejected, by planted error type.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent


def evidence(rec: dict):
    from explainer_nlg.evidence import Evidence

    kw = dict(prediction=rec["prediction"], base_value=rec["base_value"], unit=rec["unit"], kind=rec["kind"])
    if rec["kind"] == "classification":
        kw.update(label=rec["label"], probabilities=rec["probabilities"])
    else:
        kw.update(name=rec.get("target"))
    # The row's name, as a user who knows which row they explained would give it (from 2026-12-01
    # 05:20; the tables before that were scored without it): the car, or the country and year. A row
    # number is not given: it would make one more figure a sentence may state.
    name = rec.get("car") or rec.get("school") or rec.get("name") or (rec["row"] if isinstance(rec["row"], str) else None)
    if name:
        kw.update(row_id=name)
    # Each numeric feature's standing among the rows the model was trained on (decision 0023; added
    # to the records on 2026-12-01 by add_percentiles.py), as a user who has the training table
    # would give it.
    if rec.get("percentiles"):
        kw.update(percentiles=rec["percentiles"])
    if "text" in rec:  # the reviews and the tweets: words of a text
        kw.update(input_kind="text", text=rec["text"])
    return Evidence.from_contributions([tuple(c) for c in rec["contributions"]], **kw)


def records() -> dict:
    raw = json.loads((HERE / "explanations.json").read_text())
    raw.update(json.loads((HERE / "explanations2.json").read_text()))  # the four domains of 2026-12-01
    raw.update(json.loads((HERE / "explanations3.json").read_text()))  # four more, 2026-12-01 05:05
    raw.update(json.loads((HERE / "explanations4.json").read_text()))  # four more, with percentiles, 2026-12-03
    raw.update(json.loads((HERE / "explanations5.json").read_text()))  # four more, 2026-12-03 night
    return {k: evidence(v) for k, v in raw.items()}


STRICT = False  # --strict: every unknown word rejects (before decision 0024), for side-by-side figures


def accepted(text: str, ev) -> tuple[bool, str]:
    try:
        from explainer_nlg import verify
    except ImportError:  # before the public verify existed: the narration's verifier, sentence by sentence
        from explainer_nlg.narrate import verify_text

        try:
            verdicts = verify_text(text, ev)
        except Exception as err:  # noqa: BLE001 - that verifier was never meant for these records
            return False, f"the verifier failed: {type(err).__name__}: {err}"
        ok = all(v.ok for v in verdicts)
        return ok, "" if ok else next(v.reason for v in verdicts if not v.ok)
    report = verify(text, ev, claim_scoped=False) if STRICT else verify(text, ev)
    return report.accepted, report.reason


def score(half: str) -> dict:
    from explainer_nlg.prompt_files import read_toml

    recs = records()
    cases = read_toml(HERE / f"narratives_{half}.toml")["case"]
    out = {"correct": 0, "correct_accepted": 0, "wrong": 0, "wrong_rejected": 0, "by_error": {}, "misses": []}
    for case in cases:
        ok, reason = accepted(case["text"], recs[case["record"]])
        if case["expect"] == "accept":
            out["correct"] += 1
            out["correct_accepted"] += ok
            if not ok:
                out["misses"].append(("rejected a correct one", case["record"], case["text"], reason))
        else:
            n = out["by_error"].setdefault(case["error"], [0, 0])
            n[0] += 1
            n[1] += not ok
            out["wrong"] += 1
            out["wrong_rejected"] += not ok
            if ok:
                out["misses"].append((f"accepted a wrong one ({case['error']})", case["record"], case["text"], ""))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("halves", nargs="*", default=["dev"], choices=["dev", "test", "dev2", "test2", "dev3", "test3",
                                                                       "dev4", "test4", "dev5", "test5"])
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--strict", action="store_true", help="every unknown word rejects (before decision 0024)")
    args = ap.parse_args()
    global STRICT
    STRICT = args.strict
    for half in args.halves:
        s = score(half)
        print(f"{half}: correct accepted {s['correct_accepted']}/{s['correct']} "
              f"({s['correct_accepted'] / s['correct']:.1%}); wrong rejected {s['wrong_rejected']}/{s['wrong']}")
        for err, (n, caught) in sorted(s["by_error"].items()):
            print(f"  {err:10s} rejected {caught}/{n}")
        if args.misses:
            for what, rec, text, reason in s["misses"]:
                print(f"  - {what} [{rec}]: {text}\n      {reason}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    main()
