"""Checking a sentence about a RuleEvidence: its conditions, its precision, coverage and fidelity.

- A feature followed by a bound ("Income above 120", "Amount at most 1,500") or a category
  ("Records no") must be a condition of the rule (or of one of the surrogate's leaves or the
  ensemble's paths), with that value;
- a percentage tied to the rule's outcome ("for 96.2% of such applicants", "precision") is its
  precision; one of the rows that meet it ("31.0% of applicants meet it") its coverage; one of the
  agreement with the model ("agrees ... on 84.1%") the surrogate's fidelity;
- "the rule", "always" may only be said of a rule with precision of at least ``min_precision``;
- other numbers are thresholds, counts, depths and figures of the record.

>>> from explainer_nlg.evidence.rules import Condition, RuleEvidence
>>> r = RuleEvidence("local-rule", {"row_id": 3}, "bad", [Condition("Amount", ">", 1500)], "bad", 0.71, 0.2, 890, 4454)
>>> check_rule_sentence("When Amount above 1,500, the model gives “bad” for only 71.0% of such applicants.", r).ok
True
>>> check_rule_sentence("When Amount above 1,500, the model gives “bad” for 91.0% of such applicants.", r).reason
"number: 91.0% is not the rule's precision (71.0%)"
>>> check_rule_sentence("The rule: when Amount above 1,500, the model predicts “bad”.", r).reason
'rule: its precision is 71.0%, under 90%: it is not the rule'
>>> check_rule_sentence("When Amount above 2,000, the model predicts “bad”.", r).reason
'condition: the rule has Amount above 1500, not above 2,000'
"""

from __future__ import annotations

from ...evidence.rules import Condition, RuleEvidence
from ..views.phrases import feature_names
from .verdict import Claim, Verdict
from .view_claims import (
    Clause,
    Tok,
    any_close,
    close,
    is_method_sentence,
    make_context,
    method_numbers,
    names_said,
    number_claim,
    read,
    verdict,
)

LOWER = ("above", "over", "exceeds", "exceeding", "beyond", ">")
UPPER = ("most", "below", "under", "within", "<=", "<", "up")
PRECISION_WORDS = {"such", "precision", "precise", "holds", "hold"}
COVERAGE_WORDS = {"meet", "meets", "cover", "covers", "coverage", "covered"}
FIDELITY_WORDS = {"agrees", "agree", "agreement", "fidelity", "imitates", "matches"}


def _all_conditions(r: RuleEvidence) -> list[Condition]:
    found = list(r.conditions)
    for group in (r.leaves, r.paths):
        for item in group:
            found += list(item.conditions)
    return found


def rule_context(r: RuleEvidence, descriptions: dict[str, str] | None = None,
                 aliases: dict[str, list[str]] | None = None):
    names: dict[str, list[tuple]] = {}
    conds = _all_conditions(r)
    for f in dict.fromkeys(c.feature for c in conds):
        for n in feature_names(f, descriptions):
            names.setdefault(n, []).append(("feature", f))
    for c in conds:
        if c.op in ("==", "!=", "in", "not in"):
            for v in (c.value if isinstance(c.value, list) else [c.value]):
                names.setdefault(str(v), []).append(("category", c.feature, str(v)))
    labels = {r.prediction, r.predicted_label} | {leaf.prediction for leaf in r.leaves}
    for c in (x for x in labels if x):
        names.setdefault(c, []).append(("label", c))
        for a in (aliases or {}).get(c, []):
            names.setdefault(a, []).append(("label", c))
    return make_context(names, r.method, r.row_noun)


def check_rule_sentence(sentence: str, r: RuleEvidence, descriptions: dict[str, str] | None = None,
                        aliases: dict[str, list[str]] | None = None) -> Verdict:
    """Check one sentence against a RuleEvidence (see the module docstring)."""
    ctx = rule_context(r, descriptions, aliases)
    clauses, claims, toks = read(sentence, ctx)
    mentioned, said = names_said(clauses, {"feature", "label"})  # a category: _conditions checks it
    claims += said
    if any(c.has("the_rule") for c in clauses) and not r.is_rule:
        shown = "no" if r.precision is None else f"{r.precision * 100:.1f}%"
        claims.append(Claim("rule", "the rule", False, f"its precision is {shown}, under "
                                                       f"{r.min_precision:.0%}: it is not the rule"))
    for c in clauses:
        claims += _conditions(c, r)
    claims += _numbers(clauses, r)
    return verdict(sentence, claims, mentioned)


def _conditions(c: Clause, r: RuleEvidence) -> list[Claim]:
    out = []
    conds = _all_conditions(r)
    toks = c.toks
    for pos, ref in c.names("feature"):
        feature = ref[1]
        mine = [x for x in conds if x.feature == feature]
        # the words up to the next feature name: its bound or categories
        end = next((p for p, _ in c.names("feature") if p > pos), len(toks))
        span = toks[pos + 1:end]
        bound_words = [t.norm for t in span[:3] if t.kind in ("word", "op")]
        nums = [t for t in span if t.kind == "num" and not t.unit]
        for side, words in (("lower", LOWER), ("upper", UPPER)):
            if not any(w in words for w in bound_words) or not nums:
                continue
            t = nums[0] if side == "lower" or not any(w in LOWER for w in bound_words) else (nums[1:] or nums)[0]
            t.used = True
            allowed = [_bound(x, side) for x in mine]
            ok = any(v is not None and close(t, float(v)) for v in allowed)
            have = next((v for v in allowed if v is not None), None)
            word = "above" if side == "lower" else "at most"
            out.append(Claim("condition", f"{feature} {word} {t.text}", ok, "" if ok else
                             f"the rule has {feature} {word} {have:g}, not {word} {t.text}" if have is not None else
                             f"the rule has no {'lower' if side == 'lower' else 'upper'} bound on {feature}"))
            if side == "lower" and len(nums) > 1 and any(w in UPPER for w in [x.norm for x in span]):
                t2 = nums[1]
                t2.used = True
                ups = [_bound(x, "upper") for x in mine]
                ok2 = any(v is not None and close(t2, float(v)) for v in ups)
                out.append(Claim("condition", f"{feature} at most {t2.text}", ok2, "" if ok2 else
                                 f"the rule has no upper bound {t2.text} on {feature}"))
            break
        for t in span:
            if t.ref and t.ref.tag == "name" and t.ref.first:
                for cref in (x for x in t.ref.meaning if x[0] == "category"):
                    ok = cref[1] == feature
                    out.append(Claim("condition", f"{feature} {cref[2]}", ok, "" if ok else
                                     f"{cref[2]} is a value of {cref[1]}, not of {feature}"))
    return out


def _bound(c: Condition, side: str):
    if side == "lower":
        return c.value if c.op == ">" else c.value[0] if c.op == "between" else None
    return c.value if c.op == "<=" else c.value[1] if c.op == "between" else None


def _role(c: Clause, i: int) -> str:
    after = [t.norm for t in c.toks[i + 1:i + 4] if t.kind == "word"]
    before = [t.norm for t in c.toks[max(0, i - 3):i] if t.kind == "word"]
    words = c.words()
    if set(after) & PRECISION_WORDS or set(before) & {"precision"}:
        return "precision"
    if words & FIDELITY_WORDS:
        return "fidelity"
    if words & COVERAGE_WORDS:
        return "coverage"
    return ""


def _numbers(clauses: list[Clause], r: RuleEvidence) -> list[Claim]:
    leaves = r.leaves
    precision = [r.precision] + [leaf.precision for leaf in leaves]
    coverage = [r.coverage] + [leaf.coverage for leaf in leaves]
    pct = [x * 100 for x in precision + coverage + [r.fidelity, r.min_precision] if x is not None]
    bare = [float(x) for x in (r.rows_matching, r.rows_total, r.fidelity_rows, r.depth or 0, len(r.paths))]
    bare += [float(leaf.rows) for leaf in leaves] + [r.min_precision, 90.0]
    for cond in _all_conditions(r):
        vals = cond.value if isinstance(cond.value, list) else [cond.value]
        bare += [float(v) for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if isinstance((r.input or {}).get("row_id"), (int, float)):
        bare.append(float(r.input["row_id"]))
    quoted = method_numbers(r)
    out = []
    method = is_method_sentence(clauses)
    for c in clauses:
        for i, t in c.numbers():
            t.used = True
            role = _role(c, i) if t.unit == "pct" and not method else ""
            if role == "precision" and not leaves:
                out.append(_exact(t, r.precision, "the rule's precision"))
            elif role == "fidelity" and r.fidelity is not None:
                out.append(_exact(t, r.fidelity, "the surrogate's fidelity"))
            elif role == "coverage" and not leaves:
                out.append(_exact(t, r.coverage, "the rule's coverage"))
            else:
                pool = (pct if t.unit == "pct" else bare) + quoted
                out.append(number_claim(t, any_close(t, pool), "a figure of this rule"))
    return out


def _exact(t: Tok, v: float | None, what: str) -> Claim:
    ok = v is not None and close(t, v * 100)
    shown = "none" if v is None else f"{v * 100:.1f}%"
    return number_claim(t, ok, f"{what} ({shown})")
