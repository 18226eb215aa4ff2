"""Scoring a parse against a gold parse (the parser's own dev questions; the same rules as contracts.md).

- operation: the list of operations, in order (a bare follow-up with no operation of its own is
  right when the parse marks it as a follow-up);
- full parse: operations, filters (as a set), row id, changes (each gold change matched on the keys
  it gives) and a described applicant's values all right, and a question back where one is due;
- a one-hot family may be named either way: ``purpose == new car`` equals ``purpose_new_car == 1``,
  and ``race != white`` equals ``raceWhite == 0``; True/False equal 1/0; numbers compare as floats.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def load(name: str) -> list[dict]:
    import tomllib

    with open(DATA / name, "rb") as fh:
        return tomllib.load(fh)["q"]


def _family(schema, feature):
    fam = getattr(schema, "family_of", None)
    return fam(feature) if fam is not None and feature else None


def _value(v):
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    return str(v).strip().lower()


def norm_filter(f: dict, schema) -> tuple:
    feat, cmp, value = f.get("feature"), f.get("cmp", "=="), f.get("value")
    fam = _family(schema, feat)
    if fam is not None:  # purpose_new_car == 1 -> purpose == new car
        label = next(k for k, c in schema.families[fam].items() if c == feat)
        truth = _value(value) == 1.0
        return fam, "==" if (cmp == "==") == truth else "!=", label
    return feat, cmp, _value(value)


def norm_change(c: dict, schema) -> dict:
    c = dict(c)
    fam = _family(schema, c.get("feature"))
    if fam is not None and c.get("action") == "set":
        label = next(k for k, col in schema.families[fam].items() if col == c["feature"])
        if _value(c.get("value")) == 1.0:
            c = {**c, "feature": fam, "value": label}
    if "value" in c and c["value"] is not None:
        c["value"] = _value(c["value"])
    return c


def changes_match(want: list[dict], got: list[dict], schema) -> bool:
    if len(want) != len(got):
        return False
    left = [norm_change(g, schema) for g in got]
    for w in want:
        w = norm_change(w, schema)
        hit = next((g for g in left if all(g.get(k) == v for k, v in w.items())), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def row_match(want: dict, got: dict | None, schema) -> bool:
    if not got:
        return False
    have = {}
    for k, v in got.items():
        fam = _family(schema, k)
        if fam is not None:
            if _value(v) == 1.0:
                have[fam] = _value(next(lab for lab, c in schema.families[fam].items() if c == k))
        else:
            have[k] = _value(v)
    return all(have.get(k) == _value(v) for k, v in want.items())


def score(item: dict, parsed: dict, schema) -> dict:
    """{"op": bool, "full": bool, "asked": bool, "target": bool|None, "wrong": [...]}."""
    ops = [o["op"] for o in parsed.get("ops", [])]
    wrong = []
    if "ops" in item:
        op_ok = ops == item["ops"]
    else:  # a bare follow-up: it must be read as one
        op_ok = bool(parsed.get("followup"))
    if not op_ok:
        wrong.append(f"ops {ops}")
    if item.get("reason") and op_ok:
        got_reason = next((o.get("reason") for o in parsed["ops"] if o["op"] == "unsupported"), None)
        if got_reason != item["reason"]:
            op_ok = False
            wrong.append(f"reason {got_reason}")
    checks = {}
    want_f = {norm_filter(f, schema) for f in item.get("filters", [])}
    got_f = {norm_filter(f, schema) for f in parsed.get("filters", [])}
    checks["filters"] = (want_f == got_f, sorted(map(str, got_f)))
    checks["instance"] = (parsed.get("instance") == item.get("instance"), parsed.get("instance"))
    first = next((o for o in parsed.get("ops", []) if item.get("ops") and o["op"] == item["ops"][0]), {})
    got_changes = [c for o in parsed.get("ops", []) for c in o.get("changes", [])]
    checks["changes"] = (changes_match(item.get("changes", []), got_changes, schema), got_changes)
    if "row" in item:
        checks["row"] = (row_match(item["row"], parsed.get("row"), schema), parsed.get("row"))
    if "ref" in item:
        checks["ref"] = (parsed.get("ref") == item["ref"], parsed.get("ref"))
    asked = bool(parsed.get("clarify")) or any(o.get("reason") in ("ambiguous", "unclear") for o in parsed.get("ops", []))
    if item.get("ask"):
        checks["ask"] = (asked, asked)
    full = op_ok and all(ok for ok, _ in checks.values())
    wrong += [f"{k}={v!r}" for k, (ok, v) in checks.items() if not ok]
    target = None
    if "target" in item:
        got_t = first.get("target") or next((o.get("target") for o in parsed.get("ops", []) if o.get("target")), None)
        target = got_t == item["target"]
        if not target:
            wrong.append(f"target={got_t!r}")
    feats = None
    if "features" in item:
        feats = list(first.get("features") or []) == item["features"]
        if not feats:
            wrong.append(f"features={first.get('features')!r}")
    return {"op": op_ok, "full": full, "asked": asked, "target": target, "features": feats, "wrong": wrong}
