"""Scoring a parse (or a dialogue turn) against a held-out gold parse.

Pure functions over plain dicts: no model is built here, so the scorer's own tests are fast.

Rules (the lead's contract, docs: benchmarks/heldout/README.md):

- **Operations**: the op names as a multiset (order-insensitive, so a compound question may list
  its operations in any order). A parse with a non-empty "clarify" key asked back instead of
  answering: it counts as right (operation and full parse) only where the gold says
  ``clarify_ok``, and as wrong otherwise.
- **Full parse**: operations, filters, row id and changes all right. Gold ``unsupported`` also needs
  the reason (one of the gold's accepted reasons); its other slots are not compared.
- **Filters** are compared as multisets after canonicalisation: feature names case-insensitively;
  a one-hot family filter (``{"feature": "education", "value": "grade 12"}``) equals the column
  form (``{"feature": "education_grade_12", "value": 1}``); booleans and one-hot columns read
  yes/true/1 as 1 and no/false/0 as 0, and ``!= 1``, ``> 0``, ``>= 1`` as their ``==`` forms; on an
  integer column ``> 50`` equals ``>= 51``; numbers match within a relative tolerance of 1e-3; the
  pseudo-features "prediction" and "label" read a raw target value ("yes", 1) as its class name.
  For a ``compare`` question, filters on the compared feature (the groups) are not counted.
- **Changes**: ``decrease v`` equals ``increase -v``; a one-hot ``set`` may name the family and a
  category, or set the category's column to 1 (and the others to 0).
- **Target** and **features** are scored separately, only where the gold gives them.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

REL_TOL = 1e-3
PSEUDO = ("prediction", "label", "correct")


@dataclass(frozen=True)
class Schema:
    """What canonicalisation needs to know about one table."""

    columns: tuple[str, ...]
    classes: tuple[str, ...] = ()
    target_values: tuple[Any, ...] = ()      # the raw target values, in the classes' order
    families: dict[str, dict[str, str]] = field(default_factory=dict)   # family -> {column: category}
    booleans: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()            # integer-valued columns (not booleans or one-hot)
    target: str | None = None                 # the target column: a filter on it is on "label"
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)  # integer columns' min, max

    def __post_init__(self):
        lookup = {c.lower(): c for c in self.columns}
        lookup.update({f.lower(): f for f in self.families})
        lookup.update({p: p for p in PSEUDO})
        if self.target:
            lookup[self.target.lower()] = "label"
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_column_family", {c: fam for fam, cols in self.families.items() for c in cols})

    def name(self, feature: Any) -> str:
        """The schema's own spelling of ``feature`` (case-insensitive), or the lower-cased text."""
        text = str(feature).strip()
        return self._lookup.get(text.lower(), text.lower())

    def family_of(self, column: str) -> str | None:
        return self._column_family.get(column)

    def category_column(self, family: str, value: Any) -> str | None:
        """The one-hot column of ``family`` whose category is ``value`` (plain words, the column's
        suffix or the whole column name, compared without case, spaces or punctuation)."""
        want = norm_text(value)
        for column, category in self.families.get(family, {}).items():
            suffix = column[len(family):] if column.lower().startswith(family.lower()) else column
            if want in (norm_text(category), norm_text(suffix), norm_text(column)):
                return column
        return None

    def class_name(self, value: Any) -> Any:
        """A class name for ``value`` (a class name in any case, or a raw target value)."""
        for c in self.classes:
            if norm_text(value) == norm_text(c):
                return c
        for raw, c in zip(self.target_values, self.classes):
            if norm_text(value) == norm_text(raw):
                return c
        return norm_value(value)


def norm_text(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(value).lower())


def bool01(value: Any) -> float | None:
    """1.0 / 0.0 for a yes/no-like value, else None."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return float(value)
    text = norm_text(value)
    if text in ("yes", "true", "y", "1"):
        return 1.0
    if text in ("no", "false", "n", "0"):
        return 0.0
    return None


def norm_value(value: Any) -> Any:
    """Numbers as floats; text lower-cased with runs of spaces, '_' and '-' as one space."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return norm_value(value.item())
    text = str(value).strip()
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return re.sub(r"[\s_\-]+", " ", text.lower()).strip()


def same_value(a: Any, b: Any, rel: float = REL_TOL) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
    return a == b


# ---- filters ----------------------------------------------------------------------------------

def canon_filter(f: dict, schema: Schema) -> tuple[str, str, Any]:
    """One filter as (feature, cmp, value) in the canonical form the module docstring describes."""
    feature = schema.name(f.get("feature", ""))
    cmp = str(f.get("cmp", "==")).strip()
    cmp = "==" if cmp == "=" else cmp
    value = f.get("value")
    if feature in schema.families:
        column = schema.category_column(feature, value)
        if column is None or cmp not in ("==", "!="):
            return feature, cmp, norm_value(value)
        return column, "==", 1.0 if cmp == "==" else 0.0
    if feature in schema.booleans or schema.family_of(feature) or feature == "correct":
        b = bool01(value)
        if b is not None:
            return _binary(feature, cmp, b)
        return feature, cmp, norm_value(value)
    if feature in ("prediction", "label"):
        return feature, cmp, schema.class_name(value)
    v = norm_value(value)
    if feature in schema.integers and isinstance(v, float):
        if cmp == ">":
            cmp, v = ">=", float(math.floor(v) + 1)
        elif cmp == "<":
            cmp, v = "<=", float(math.ceil(v) - 1)
        elif cmp == ">=":
            v = float(math.ceil(v))
        elif cmp == "<=":
            v = float(math.floor(v))
        lo, hi = schema.bounds.get(feature, (None, None))
        if (cmp == "<=" and v == lo) or (cmp == ">=" and v == hi):
            cmp = "=="
    return feature, cmp, v


def _binary(feature: str, cmp: str, b: float) -> tuple[str, str, Any]:
    """A 0/1 column's comparison as ``== 0`` or ``== 1`` where it is one of those."""
    if cmp == "==":
        return feature, "==", b
    if cmp == "!=":
        return feature, "==", 1.0 - b
    ones = {(">", 0.0), (">=", 1.0)}
    zeros = {("<", 1.0), ("<=", 0.0)}
    if (cmp, b) in ones:
        return feature, "==", 1.0
    if (cmp, b) in zeros:
        return feature, "==", 0.0
    return feature, cmp, b


def same_items(a: Iterable[tuple], b: Iterable[tuple]) -> bool:
    """Equal as multisets, numbers compared with the tolerance."""
    a, b = list(a), list(b)
    if len(a) != len(b):
        return False
    unused = list(b)
    for x in a:
        hit = next((i for i, y in enumerate(unused)
                    if len(x) == len(y) and all(same_value(p, q) for p, q in zip(x, y))), None)
        if hit is None:
            return False
        unused.pop(hit)
    return True


def same_filters(got: list[dict] | None, gold: list[dict] | None, schema: Schema,
                 ignore_features: Iterable[str] = ()) -> bool:
    ignore = {canon_feature(f, schema) for f in ignore_features}
    g = [canon_filter(f, schema) for f in got or []]
    g = [f for f in g if (schema.family_of(f[0]) or f[0]).lower() not in ignore]
    return same_items(g, [canon_filter(f, schema) for f in gold or []])


# ---- changes, features, instances -------------------------------------------------------------

def canon_changes(changes: list[dict] | None, schema: Schema) -> list[tuple]:
    """Changes as (feature, action, value): one-hot columns set to 1 become (family, "set",
    category), and their siblings set to 0 in the same list are dropped."""
    out, families_set = [], set()
    raw = []
    for c in changes or []:
        if "feature" not in c:  # text and image changes: compared as they are
            raw.append(tuple(sorted((k, norm_value(v)) for k, v in c.items())))
            continue
        feature = schema.name(c["feature"])
        action = str(c.get("action", "set")).lower()
        value = c.get("value")
        if feature in schema.families and action == "set":
            column = schema.category_column(feature, value)
            value = schema.families[feature][column] if column else norm_value(value)
            families_set.add(feature)
            out.append((feature, "set", norm_value(value)))
            continue
        family = schema.family_of(feature)
        if family and action == "set" and bool01(value) == 1.0:
            families_set.add(family)
            out.append((family, "set", norm_value(schema.families[family][feature])))
            continue
        if family or feature in schema.booleans:
            b = bool01(value)
            value = b if b is not None else value
        v = norm_value(value)
        if action == "decrease" and isinstance(v, float):
            action, v = "increase", -v
        out.append((feature, action, v))
    out = [c for c in out if not (schema.family_of(c[0]) in families_set and c[1] == "set" and c[2] == 0.0)]
    return out + raw


def same_changes(got: list[dict] | None, gold: list[dict] | None, schema: Schema) -> bool:
    return same_items(canon_changes(got, schema), canon_changes(gold, schema))


def canon_feature(name: Any, schema: Schema) -> str:
    """A feature name as the scorer compares it: lower case, a one-hot column as its family."""
    feature = schema.name(name)
    return (schema.family_of(feature) or feature).lower()


def same_instance(got: Any, gold: Any) -> bool:
    if gold is None or got is None:
        return gold is None and got is None
    try:
        return float(got) == float(gold)
    except (TypeError, ValueError):
        return norm_text(got) == norm_text(gold)


def same_row(got: dict | None, gold: dict, schema: Schema) -> bool:
    """Every value the gold gives for a new row is in ``got`` (one-hot families either way)."""
    got = got or {}
    have = {}
    for k, v in got.items():
        feature = schema.name(k)
        family = schema.family_of(feature)
        if family and bool01(v) == 1.0:
            have[family] = norm_value(schema.families[family][feature])
        have[feature] = norm_value(v)
    for k, v in gold.items():
        feature = schema.name(k)
        if feature in schema.families:
            column = schema.category_column(feature, v)
            want = norm_value(schema.families[feature][column]) if column else norm_value(v)
        elif feature in schema.booleans:
            want = bool01(v)
            have_b = bool01(have.get(feature)) if feature in have else None
            if have_b != want:
                return False
            continue
        else:
            want = norm_value(v)
        if feature not in have or not same_value(have[feature], want):
            return False
    return True


# ---- one parse --------------------------------------------------------------------------------

def op_names(parsed: dict) -> list[str]:
    return [o["op"] if isinstance(o, dict) else str(o) for o in parsed.get("ops") or []]


def gold_reasons(gold: dict) -> list[str]:
    r = gold.get("reason")
    return [r] if isinstance(r, str) else list(r or [])


def parsed_changes(parsed: dict) -> list[dict]:
    return [c for o in parsed.get("ops") or [] if isinstance(o, dict) for c in o.get("changes") or []]


def score_parse(parsed: dict, gold: dict, schema: Schema) -> dict:
    """{"op", "full", "clarified", "target", "features"}: booleans (target/features None where the
    gold gives none). ``gold``: a set entry (ops, instance, filters, changes, target, features,
    reason, clarify_ok)."""
    clarified = bool(parsed.get("clarify"))
    gold_ops = list(gold["ops"])
    ops = op_names(parsed)
    target = features = None
    if gold.get("target") is not None:
        targets = [o.get("target") for o in parsed.get("ops") or [] if isinstance(o, dict) and o.get("target") is not None]
        target = any(norm_text(schema.class_name(t)) == norm_text(gold["target"]) for t in targets)
    if gold.get("features"):
        got = {canon_feature(f, schema) for o in parsed.get("ops") or [] if isinstance(o, dict)
               for f in o.get("features") or []}
        features = got == {canon_feature(f, schema) for f in gold["features"]}
    if clarified:
        ok = bool(gold.get("clarify_ok"))
        return {"op": ok, "full": ok, "clarified": True, "target": target, "features": features}
    op_ok = sorted(ops) == sorted(gold_ops)
    if not op_ok:
        return {"op": False, "full": False, "clarified": False, "target": target, "features": features}
    if gold_ops == ["unsupported"]:
        reasons = gold_reasons(gold)
        got = [o.get("reason") for o in parsed["ops"] if isinstance(o, dict)]
        full = not reasons or any(r in reasons for r in got)
    else:
        ignore = gold.get("features") or () if "compare" in gold_ops else ()
        full = (same_filters(parsed.get("filters"), gold.get("filters"), schema, ignore)
                and same_instance(parsed.get("instance"), gold.get("instance"))
                and same_changes(parsed_changes(parsed), gold.get("changes"), schema))
    return {"op": True, "full": full, "clarified": False, "target": target, "features": features}


# ---- one dialogue turn ------------------------------------------------------------------------

def score_turn(parsed: dict, gold: dict, schema: Schema, listed: list | None = None) -> dict:
    """A turn's ``parsed`` (with ``parsed["resolved"]`` from ask) against its gold resolved dict.

    Gold ``instance`` may be a row id, absent (no row: the assistant must not pick one),
    "new" (a described applicant; ``row`` holds the values the question gave), "listed:N" (the
    N-th row the conversation's last list showed) or "listed:any" (any listed row). ``listed``:
    the ids of that list. The turn's changes are ``resolved["changes"]`` where the assistant
    gives them, else the changes in the parsed operations.
    """
    resolved = dict(parsed.get("resolved") or {})
    view = {"ops": [{"op": n} for n in resolved.get("ops", op_names(parsed))],
            "filters": resolved.get("filters", parsed.get("filters")),
            "clarify": parsed.get("clarify")}
    # Reasons and slots live on the parsed operations; keep them where the names line up.
    if sorted(op_names(view)) == sorted(op_names(parsed)):
        view["ops"] = parsed["ops"]
    changes = resolved["changes"] if "changes" in resolved else parsed_changes(parsed)
    view["ops"] = [dict(o, changes=[]) if isinstance(o, dict) else o for o in view["ops"]]
    if view["ops"]:
        view["ops"][0]["changes"] = changes
    instance = resolved.get("instance", parsed.get("instance"))
    want = gold.get("instance")
    g = dict(gold)
    if want is not None:  # a turn about one row: a cohort carried along does not change its answer
        view["filters"] = gold.get("filters") or []
    instance_ok = True
    if isinstance(want, str) and want.startswith("listed:"):
        which = want.split(":", 1)[1]
        listed = list(listed or [])
        if which == "any":
            instance_ok = any(same_instance(instance, i) for i in listed)
        else:
            n = int(which)
            instance_ok = len(listed) >= n and same_instance(instance, listed[n - 1])
        g.pop("instance")
        view["instance"] = None
    elif want == "new":
        row = resolved.get("row") or parsed.get("row")
        instance_ok = norm_text(instance) == "new" and same_row(row, gold.get("row") or {}, schema)
        g.pop("instance")
        view["instance"] = None
    else:
        view["instance"] = instance
    s = score_parse(view, g, schema)
    if not s["clarified"]:
        s["full"] = s["full"] and instance_ok
    return s


# ---- summaries --------------------------------------------------------------------------------

def summarise(rows: list[dict]) -> dict:
    """Totals over scored rows ({"op", "full", "clarified", "target", "features", "clarify_ok",
    "ms"}): counts, rates and the median time."""
    n = len(rows)
    ms = [r["ms"] for r in rows if r.get("ms") is not None]
    targets = [r["target"] for r in rows if r.get("target") is not None]
    feats = [r["features"] for r in rows if r.get("features") is not None]
    clar = [r for r in rows if r["clarified"]]
    return {
        "n": n,
        "op": sum(r["op"] for r in rows),
        "full": sum(r["full"] for r in rows),
        "clarified": len(clar),
        "clarified_ok": sum(bool(r.get("clarify_ok")) for r in clar),
        "target": (sum(targets), len(targets)),
        "features": (sum(feats), len(feats)),
        "median_ms": statistics.median(ms) if ms else None,
    }
