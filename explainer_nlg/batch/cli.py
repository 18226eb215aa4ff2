"""``explainer-nlg batch``: explain every row of a file into one Parquet file, resumably, on Dask.

Examples::

    explainer-nlg batch --model loan --data rows.csv --out evidence.parquet
    explainer-nlg batch --model text --data reviews.jsonl --out text.parquet --narrate
    explainer-nlg batch --model model.skops --data rows.parquet --target Status --out ev.parquet
    explainer-nlg batch --model loan --data rows.csv --out ev.parquet --scheduler tcp://10.0.0.5:8786
"""

from __future__ import annotations

import argparse
import sys
import time


def add_batch_command(sub) -> None:
    b = sub.add_parser("batch", help="explain every row of a file (Parquet, CSV, JSONL) into a Parquet file, on Dask")
    b.add_argument("--model", required=True, help="a demo name (loan, text) or a scikit-learn model file (.skops)")
    b.add_argument("--data", required=True, help="the rows: .parquet, .csv or .jsonl (text models: a 'text' field)")
    b.add_argument("--out", required=True, help="the output .parquet file (a run that stops resumes into it)")
    b.add_argument("--id-column", default="id", help="the column holding each row's id (default 'id'; without "
                                                     "it, the row's position from 0)")
    b.add_argument("--target", help="a model file's target column in --data (not a feature)")
    b.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2; 0: no Dask, "
                                                          "a plain loop)")
    b.add_argument("--scheduler", help="run on an existing Dask cluster: tcp://host:8786")
    b.add_argument("--budget", type=int, help="most model calls per explanation (default: each model's own)")
    b.add_argument("--narrate", action="store_true", help="add the narrated sentences (templates) to each row")
    b.add_argument("--notice", action="store_true", help="add the reason notice (tabular classifiers: the principal "
                                                        "reasons for an adverse decision, verified) to each row")
    b.add_argument("--audience", default="customer", choices=["customer", "support", "developer"])
    b.add_argument("--trust-pickle", action="store_true", help="also load a pickle/joblib model file (it can run "
                                                               "code: only files you made)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")


def main(args: argparse.Namespace) -> int:
    from ..errors import ExplainerInputError
    from .files import read_rows
    from .run import connect, load_explainer, run_batch

    t0 = time.perf_counter()
    try:
        items = read_rows(args.data, args.id_column)
        ex = load_explainer(args.model, items, args.target, args.trust_pickle)
        with connect(args.scheduler, args.workers) as client:
            where = ("no Dask (a plain loop)" if client is None else
                     f"Dask at {args.scheduler}" if args.scheduler else f"a LocalCluster of {args.workers} workers")
            if not args.quiet:
                print(f"Explaining {len(items)} rows of {args.data} with {args.model} on {where}.", file=sys.stderr)
            counts = run_batch(ex, items, args.out, client, budget=args.budget, narrate=args.narrate,
                               audience=args.audience, progress=not args.quiet, notice=args.notice)
    except ExplainerInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Wrote {counts['rows']} rows to {args.out} ({counts['explained']} explained now, {counts['skipped']} "
          f"already done, {counts['failed']} with an error) in {time.perf_counter() - t0:.1f} s.", file=sys.stderr)
    return 0
