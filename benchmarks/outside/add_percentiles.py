"""Adds each record's "percentiles" to the frozen explanations*.json, changing nothing else (run once, by hand).

    OMP_NUM_THREADS=1 python benchmarks/outside/add_percentiles.py          # check, then write
    OMP_NUM_THREADS=1 python benchmarks/outside/add_percentiles.py --check  # check only

Decision 0023 lets a record carry each numeric feature's standing among the rows the model was
trained on; the build scripts now compute it (``_percentiles`` in build_explanations.py). Re-running
them whole would not leave the files as they are: the text domains (the reviews' transformer, the
tweets' TF-IDF pipeline) differ in their last digits from run to run. So this script rebuilds only
the tabular domains, checks that every field they had is identical to the frozen record (the
records were built deterministically: same trees, same SHAP values to the last digit), and adds
the one new key. The text records have no numeric features, so no percentiles.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import build_explanations as one  # noqa: E402
import build_explanations2 as two  # noqa: E402
import build_explanations3 as three  # noqa: E402

TABULAR = {"explanations.json": (one.ames, one.diabetes, one.pima, one.insurance),
           "explanations2.json": (two.articles, two.lifeexp, two.penguins),
           "explanations3.json": (three.mpg, three.ozone, three.labour, three.teaching)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = ap.parse_args()
    for file, builders in TABULAR.items():
        path = HERE / file
        text = path.read_text()
        frozen = json.loads(text)
        for build in builders:
            for rec in build():
                key = next(k for k, v in frozen.items() if v["domain"] == rec["domain"] and v["row"] == rec["row"])
                old = {k: v for k, v in frozen[key].items() if k != "percentiles"}
                new = {k: v for k, v in rec.items() if k != "percentiles"}
                if old != new:
                    raise SystemExit(f"{file} {key}: the rebuilt record differs from the frozen one; nothing written")
                frozen[key] = {**old, "percentiles": rec["percentiles"]}
                print(f"{file} {key}: {len(rec['percentiles'])} percentiles")
        # Every number already there stays as written: the file is written as it was written (the
        # dump reproduces it byte for byte), and without the new key it is the old file.
        bare = {k: {f: v for f, v in r.items() if f != "percentiles"} for k, r in frozen.items()}
        if json.dumps(json.loads(text), indent=1) + "\n" != text or bare != json.loads(text):
            raise SystemExit(f"{file}: the other fields would change; nothing written")
        if not args.check:
            path.write_text(json.dumps(frozen, indent=1) + "\n")


if __name__ == "__main__":
    main()
