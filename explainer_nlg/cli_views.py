"""Command-line access to the data-level answers (loan demo): effect, compare, similar, rules.

Each prints the verified narration (``--audience``, default support), or the record as JSON
(``--json``); ``effect`` and ``compare`` save their picture with ``--out``::

    explainer-nlg effect --demo loan --feature Income --out income.png
    explainer-nlg effect --demo loan --feature Amount --row 3
    explainer-nlg compare --demo loan --by Marital --out marital.png
    explainer-nlg compare --demo loan --where "Age>60"          # cohort likelihood
    explainer-nlg similar --demo loan --row 17 --k 5
    explainer-nlg rules --demo loan --row 3                      # local rule (the demo is no single tree)
    explainer-nlg rules --demo loan --surrogate
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from .errors import ExplainerInputError

COMMANDS = ("effect", "compare", "similar", "rules")
FILTER_RE = re.compile(r"^\s*(\w+)\s*(>=|<=|!=|==|=|>|<)\s*(.+?)\s*$")


def add_commands(sub: Any) -> None:
    """Add the four commands to ``sub`` (the parser's subparsers)."""
    def common(p):
        p.add_argument("--demo", required=True, choices=["loan"])
        p.add_argument("--audience", default="support", choices=["customer", "support", "developer"])
        p.add_argument("--json", action="store_true", help="print the record as JSON")

    e = sub.add_parser("effect", help="how a feature moves the decision (partial dependence, or one applicant's curve)")
    common(e)
    e.add_argument("--feature", required=True)
    e.add_argument("--row", help="one applicant's curve (ICE) instead of the average over the data")
    e.add_argument("--where", action="append", default=[], help='restrict to a cohort, e.g. "Age>60" (repeatable)')
    e.add_argument("--out", help="save the chart (PNG)")
    c = sub.add_parser("compare", help="compare groups: rates, errors, fairness gaps with intervals")
    common(c)
    c.add_argument("--by", help="a feature: a group per category, or a split at --split (default the median)")
    c.add_argument("--split", type=float)
    c.add_argument("--where", action="append", default=[],
                   help='without --by: the group (compared with nothing: its likelihood), e.g. "Age>60"')
    c.add_argument("--out", help="save the chart (PNG)")
    s = sub.add_parser("similar", help="the most similar labelled applicants and what happened to them")
    common(s)
    s.add_argument("--row", required=True)
    s.add_argument("--k", type=int, default=5)
    r = sub.add_parser("rules", help="the decision path, a local rule, or a surrogate tree")
    common(r)
    r.add_argument("--row")
    r.add_argument("--surrogate", action="store_true", help="the depth-4 tree imitating the model")


def parse_filter(text: str) -> dict:
    """'Age>60' -> {"feature": "Age", "cmp": ">", "value": 60.0}.

    >>> parse_filter("Home = rent")
    {'feature': 'Home', 'cmp': '==', 'value': 'rent'}
    """
    m = FILTER_RE.match(text)
    if not m:
        raise ExplainerInputError(f"--where {text!r}: write FEATURE>VALUE, FEATURE=VALUE, ... (one comparison).")
    feature, cmp, value = m.groups()
    try:
        value = float(value)
    except ValueError:
        pass
    return {"feature": feature, "cmp": "==" if cmp == "=" else cmp, "value": value}


def run(args: argparse.Namespace) -> int:
    from .explainer import Explainer

    try:
        ex = Explainer.demo(args.demo)
        picture = None
        if args.command == "effect":
            within = [parse_filter(w) for w in args.where] or None
            record = ex.effect(args.feature, x=args.row, within=within)
            from .effect_pictures import effect_chart

            picture = effect_chart
        elif args.command == "compare":
            if args.by:
                record = ex.compare(by=args.by, split=args.split)
            elif args.where:
                record = ex.cohort([parse_filter(w) for w in args.where])
            else:
                raise ExplainerInputError("compare needs --by FEATURE, or --where for one group's likelihood.")
            from .effect_pictures import group_chart

            picture = group_chart
        elif args.command == "similar":
            record = ex.similar(args.row, k=args.k)
        else:
            if args.surrogate or args.row is None:
                record = ex.surrogate(x=args.row)
            else:
                try:
                    record = ex.decision_path(args.row)
                except ExplainerInputError as err:
                    print(f"note: {err}", file=sys.stderr)
                    record = ex.local_rule(args.row)
    except ExplainerInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(record.to_json(indent=2))
    else:
        print(ex.narrate(record, args.audience).text)
    if getattr(args, "out", None) and picture is not None:
        picture(record).save(args.out, format="PNG")
        print(f"Saved {args.out}.", file=sys.stderr)
    return 0
