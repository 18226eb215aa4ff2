"""The held-out set files: loading them, the fixed dev/test split rule, and a check that every
gold entry is well formed (known operations, reasons, features, categories and classes).

>>> split_of(1), split_of(2), split_of(3), split_of(5), split_of(6)
('dev', 'test', 'dev', 'test', 'dev')
"""

from __future__ import annotations

import re
from pathlib import Path

from score import PSEUDO, Schema, gold_reasons

from explainer_nlg.prompt_files import read_toml

CMPS = (">", ">=", "<", "<=", "==", "!=")
# The closed set of operations, as the lead fixed it for issues 11 and 12.
OPERATIONS = ("predict", "why", "why_not", "top_features", "confidence", "what_if", "counterfactual",
              "show", "count", "statistics", "define", "describe_model", "describe_data", "performance",
              "mistakes", "interactions", "help", "effect", "compare", "similar", "rules", "unsupported")
REASONS = ("empty", "too_long", "language", "injection", "off_topic", "unknown_feature", "unclear")
GOLD_KEYS = {"id", "split", "q", "ops", "instance", "filters", "changes", "target", "features", "reason",
             "clarify_ok", "note", "x", "row", "tag"}


def check_gold(entry: dict, schema: Schema) -> list[str]:
    """What is wrong with one gold entry (or dialogue turn): unknown keys, operations, reasons,
    features, categories, comparisons or classes. Empty when it is well formed."""
    problems = [f"unknown key {k!r}" for k in entry if k not in GOLD_KEYS]
    ops = entry.get("ops") or []
    if not ops:
        problems.append("no ops")
    problems += [f"unknown op {o!r}" for o in ops if o not in OPERATIONS]
    if ops == ["unsupported"]:
        problems += [f"unknown reason {r!r}" for r in gold_reasons(entry) if r not in REASONS]
    elif "unsupported" in ops or entry.get("reason"):
        problems.append("reason belongs with ops = ['unsupported'] alone")

    def known(name: str) -> bool:
        return schema.name(name) in schema.columns or schema.name(name) in schema.families \
            or schema.name(name) in PSEUDO

    for f in entry.get("filters") or []:
        if not known(f.get("feature", "")):
            problems.append(f"unknown filter feature {f.get('feature')!r}")
        elif f.get("cmp") not in CMPS:
            problems.append(f"bad cmp {f.get('cmp')!r}")
        elif schema.name(f["feature"]) in schema.families and not schema.category_column(schema.name(f["feature"]), f.get("value")):
            problems.append(f"unknown category {f.get('value')!r} of {f['feature']}")
        elif schema.name(f["feature"]) in ("prediction", "label") and schema.class_name(f.get("value")) not in schema.classes:
            problems.append(f"unknown class {f.get('value')!r}")
    for c in entry.get("changes") or []:
        if not known(c.get("feature", "")):
            problems.append(f"unknown change feature {c.get('feature')!r}")
        elif c.get("action") not in ("set", "increase", "decrease"):
            problems.append(f"bad action {c.get('action')!r}")
        elif schema.name(c["feature"]) in schema.families and not schema.category_column(schema.name(c["feature"]), c.get("value")):
            problems.append(f"unknown category {c.get('value')!r} of {c['feature']}")
    for name in list(entry.get("features") or []) + list(entry.get("row") or {}):
        if not known(name):
            problems.append(f"unknown feature {name!r}")
    if entry.get("target") is not None and entry["target"] not in schema.classes:
        problems.append(f"unknown target {entry['target']!r}")
    inst = entry.get("instance")
    if inst is not None and not isinstance(inst, int) and not (
            isinstance(inst, str) and (inst == "new" or re.fullmatch(r"listed:(any|[1-9][0-9]*)", inst))):
        problems.append(f"bad instance {inst!r}")
    if (inst == "new") != ("row" in entry):
        problems.append("instance 'new' goes with a row, and only it")
    return problems


def load_toml(path: Path | str) -> dict:
    return read_toml(path)


def split_of(number: int) -> str:
    """The fixed split rule: the n-th entry of a file (from 1) is dev when n % 5 is 1 or 3."""
    return "dev" if number % 5 in (1, 3) else "test"


def perfect_parse(entry: dict) -> dict:
    """The parse a perfect parser would give for a gold entry (the scorer's tests check that it
    scores as fully right)."""
    op = {"changes": [], "features": entry.get("features", [])}
    if entry.get("target") is not None:
        op["target"] = entry["target"]
    ops = [dict(op, op=name) for name in entry["ops"]]
    # the changes belong to one operation ("why is 3 low and what if she was a student"): the
    # what-if where there is one, else the first
    names = list(entry["ops"])
    ops[names.index("what_if") if "what_if" in names else 0]["changes"] = entry.get("changes", [])
    if entry["ops"] == ["unsupported"]:
        reason = entry.get("reason")
        ops = [{"op": "unsupported", "reason": reason if isinstance(reason, str) else reason[0]}]
    return {"ops": ops, "filters": entry.get("filters", []), "instance": entry.get("instance")}
