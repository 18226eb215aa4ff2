"""Evidence records from the three demos for the narration benchmark, cached to a JSON file.

    python benchmarks/narration_records.py [--out benchmarks/data/narration_evidence.json]

Builds once (about half an hour on 2 busy cores: every record runs the real attribution) and is
reused by ``benchmarks/narration.py``; an interrupted build resumes. 40 loan rows, 40 held-out
reviews cut to 20 words, and the sample photos (as they are and mirrored) explained toward their
predicted class and toward their runner-up: up to 104 records (photos that fail to load are skipped).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
DEFAULT_PATH = Path(__file__).parent / "data" / "narration_evidence.json"


def build(path: Path, n_loan: int = 40, n_text: int = 40) -> None:
    """Append records to ``path``.partial (one JSON per line) so an interrupted build resumes."""
    import numpy as np

    from explainer_nlg import Explainer
    from explainer_nlg.demos.image_model import SAMPLE_PHOTOS, sample_photo
    from explainer_nlg.demos.text_model import load_reviews

    partial = path.with_suffix(".partial.jsonl")
    done = sum(1 for _ in open(partial)) if partial.exists() else 0
    todo = []
    loan = Explainer.demo("loan")
    ids = list(loan.rows().index)
    step = max(1, len(ids) // n_loan)
    # Fixed budgets keep the build to minutes; the narration only needs realistic records.
    todo += [(lambda rid=rid: loan.explain(rid, budget=300)) for rid in ids[::step][:n_loan]]
    _, test = load_reviews()
    reviews = [" ".join(r.split()[:20]) for r in test["text"].head(n_text)]
    todo += [(lambda r=r: Explainer.demo("text").explain(r, budget=150)) for r in reviews]
    for name in SAMPLE_PHOTOS:
        for flip in (False, True):
            def one(name=name, flip=flip, runner_up=False):
                img = sample_photo(name)
                img = np.ascontiguousarray(img[:, ::-1]) if flip else img
                ex = Explainer.demo("image")
                ev = ex.explain(img)
                if not runner_up:
                    return ev
                return ex.explain(img, target=sorted(ev.probabilities, key=ev.probabilities.get)[-2])
            todo += [one, (lambda one=one: one(runner_up=True))]
    t0 = time.time()
    with open(partial, "a") as out:
        for i, job in enumerate(todo[done:], done):
            try:
                out.write(json.dumps(job().to_dict()) + "\n")
                out.flush()
            except Exception as err:  # noqa: BLE001 - a demo input that fails is skipped, not fatal
                print(f"record {i} skipped: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
                out.write("null\n")
            print(f"{i + 1}/{len(todo)} at {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    records = [json.loads(line) for line in open(partial)]
    path.write_text(json.dumps([r for r in records if r]))
    partial.unlink()


def load_records(path: Path = DEFAULT_PATH) -> list[dict]:
    """The cached records (building them first if the file is missing)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path)
    return json.loads(path.read_text())


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = ap.parse_args()
    print(len(load_records(args.out)), "records in", args.out)
