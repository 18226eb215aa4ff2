"""Evidence records from the three demos for the narration benchmark, cached to a JSON file.

    python benchmarks/narration_records.py [--out benchmarks/data/narration_evidence.json]

Builds once (minutes: every record runs the real attribution) and is reused by
``benchmarks/narration.py``. 45 loan rows, 45 held-out reviews cut to 25 words, and the six sample
photos explained toward their predicted class and toward their runner-up: 102 records.
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


def build(n_loan: int = 45, n_text: int = 45) -> list[dict]:
    from explainer_nlg import Explainer
    from explainer_nlg.demos.image_model import SAMPLE_PHOTOS, sample_photo
    from explainer_nlg.demos.text_model import load_reviews

    records = []
    t0 = time.time()
    loan = Explainer.demo("loan")
    ids = list(loan.rows().index)
    step = max(1, len(ids) // n_loan)
    for rid in ids[::step][:n_loan]:
        # A fixed budget keeps the build to minutes; the narration only needs realistic records.
        records.append(loan.explain(rid, budget=600).to_dict())
    print(f"loan: {n_loan} in {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    text = Explainer.demo("text")
    _, test = load_reviews()
    for review in test["text"].head(n_text):
        words = review.split()[:25]
        records.append(text.explain(" ".join(words), budget=300).to_dict())
    print(f"text: done at {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    image = Explainer.demo("image")
    for name in SAMPLE_PHOTOS:
        img = sample_photo(name)
        ev = image.explain(img)
        records.append(ev.to_dict())
        runner_up = sorted(ev.probabilities, key=ev.probabilities.get)[-2]
        records.append(image.explain(img, target=runner_up).to_dict())
    print(f"image: done at {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    return records


def load_records(path: Path = DEFAULT_PATH) -> list[dict]:
    """The cached records (building them first if the file is missing)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(build()))
    return json.loads(path.read_text())


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = ap.parse_args()
    print(len(load_records(args.out)), "records in", args.out)
