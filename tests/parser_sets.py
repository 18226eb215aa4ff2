"""The parser's dev and test question sets (tests/data/parser_{dev,test}.toml): schemas, loading, scoring.

The sets were written as crowd users type, apart from the example bank, and frozen before any
tuning. The dev set may guide tuning; the test set is measured at the end only. Shared by
tests/chat/test_parser.py and benchmarks/parser_accuracy.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from explainer_nlg.attribution.heatmap_regions import GRID_NAMES_3X3
from explainer_nlg.chat.schema import ChatSchema
from explainer_nlg.prompt_files import read_toml

DATA = Path(__file__).parent / "data"

LOAN = ChatSchema(
    features=["Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses", "Income", "Assets",
              "Debt", "Amount", "Price"],
    categories={"Home": ["ignore", "other", "owner", "parents", "priv", "rent"],
                "Marital": ["divorced", "married", "separated", "single", "widow"], "Records": ["no", "yes"],
                "Job": ["fixed", "freelance", "others", "partime"]},
    classes=["bad", "good"], class_aliases={"bad": ["denied", "rejected"], "good": ["approved", "accepted"]},
    max_id=4454,
    numeric={"Seniority": (0, 48), "Time": (6, 72), "Age": (18, 68), "Expenses": (35, 180), "Income": (6, 959),
             "Assets": (0, 300000), "Debt": (0, 30000), "Amount": (100, 5000), "Price": (105, 11140)},
    booleans={"Records": ("no", "yes")}, target="Status")
# A data set the bank was not written for (German credit style names), to check nothing is loan-only.
GERMAN = ChatSchema(
    features=["duration_months", "credit_history", "purpose", "credit_amount", "age_years", "missed_payments"],
    categories={"credit_history": ["critical", "delayed", "paid"], "purpose": ["car", "education", "furniture"],
                "missed_payments": ["no", "yes"]},
    classes=["default", "repaid"], max_id=1000,
    numeric={"duration_months": (4, 72), "credit_amount": (250, 18424), "age_years": (19, 75)},
    booleans={"missed_payments": ("no", "yes")})
TEXT = ChatSchema([], {}, ["great", "other"], {"great": ["positive", "good"], "other": ["negative"]}, kind="text")
IMAGE = ChatSchema([], {}, ["tabby, tabby cat", "tiger cat", "Egyptian cat", "golden retriever", "coffee mug",
                            "tiger, Panthera tigris"], kind="image", regions=list(GRID_NAMES_3X3))
SCHEMAS = {"loan": LOAN, "german": GERMAN, "text": TEXT, "image": IMAGE}


def load_set(name: str) -> list[dict]:
    """The questions of one set ("dev" or "test"), each a dict as written in the TOML file; "held"
    is the bank's held-out slice (every 5th phrasing, which the router is not built from)."""
    if name == "held":
        from explainer_nlg.chat.registry import split_phrasings

        return [{"text": q, "schema": "loan", "op": op} for op, qs in split_phrasings()[1].items() for q in qs]
    return read_toml(DATA / f"parser_{name}.toml")["q"]


def _filters(parsed: dict, op: str | None) -> set:
    got = {(f["feature"], f["cmp"], f["value"]) for f in parsed["filters"]}
    if op == "mistakes":  # "the misclassified ones" is what the mistakes operation means anyway
        got.discard(("correct", "==", False))
    return got


def _changes_match(want: list[dict], got: list[dict]) -> bool:
    if len(want) != len(got):
        return False
    left = list(got)
    for w in want:
        hit = next((g for g in left if all(g.get(k) == v for k, v in w.items())), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def score(item: dict, parsed: dict) -> tuple[bool | None, bool | None, list[str]]:
    """(operation right?, slots right?, what was wrong); None where the item expects nothing of that kind."""
    got_ops = [o["op"] for o in parsed["ops"]]
    op_ok = None
    if "ops" in item:
        op_ok = got_ops == item["ops"]
    elif "op" in item:
        op_ok = got_ops[:1] == [item["op"]]
    wrong = [] if op_ok in (None, True) else [f"ops {got_ops}"]
    first = next((o for o in parsed["ops"] if o["op"] == item.get("op")), parsed["ops"][0] if parsed["ops"] else {})
    checks = {}
    if "filters" in item:
        want = {(f["feature"], f["cmp"], f["value"]) for f in item["filters"]}
        checks["filters"] = (_filters(parsed, item.get("op")) == want, sorted(map(str, parsed["filters"])))
    for key in ("instance", "ref", "followup"):
        if key in item:
            checks[key] = (parsed.get(key) == item[key], parsed.get(key))
    for key in ("target", "k", "metric", "features"):
        if key in item:
            checks[key] = (first.get(key) == item[key], first.get(key))
    if "changes" in item:
        checks["changes"] = (_changes_match(item["changes"], first.get("changes") or []), first.get("changes"))
    wrong += [f"{k}={v!r}" for k, (ok, v) in checks.items() if not ok]
    slots_ok = all(ok for ok, _ in checks.values()) if checks else None
    return op_ok, slots_ok, wrong


def evaluate(name: str, parse: Callable[[str, ChatSchema], dict]) -> dict:
    """Accuracy of ``parse`` on one set: operation and slot counts, and the questions it got wrong."""
    out = {"op_right": 0, "op_total": 0, "slot_right": 0, "slot_total": 0, "failures": [], "parsed": []}
    for item in load_set(name):
        parsed = parse(item["text"], SCHEMAS[item["schema"]])
        op_ok, slots_ok, wrong = score(item, parsed)
        out["parsed"].append((item, parsed))
        if op_ok is not None:
            out["op_total"] += 1
            out["op_right"] += op_ok
        if slots_ok is not None:
            out["slot_total"] += 1
            out["slot_right"] += slots_ok
        if wrong:
            out["failures"].append((item["text"], item.get("ops", item.get("op")), wrong))
    return out
