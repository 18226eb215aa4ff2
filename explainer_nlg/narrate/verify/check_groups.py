"""Checking a sentence about a GroupComparison: each group's figures, the gaps, the verdicts.

- A percentage in a clause that names one group is a figure of that group (a rate, accuracy, error
  rate or mean probability) or a bound of its interval; elsewhere, any group's figure.
- Points are a gap (demographic parity or, where the sentence says "equalized" or "odds", the
  equalized odds difference), a bound of its interval, or a group's mean contribution; a gap
  stated for a named pair of groups must be that pair's.
- "Larger than its uncertainty", "significant", "may be chance" must match the gap's verdict, and no
  verdict may be stated when a group is under the minimum size.
- The four-fifths rule: "below" or "at least" must match the ratio.
- "Higher" or "lower" between two named groups compares their positive-decision rates (or the
  figure the clause names: accuracy, false-positive or false-negative rate).
- Bare numbers are group sizes, counts, the ratio, the interval level, the minimum group size.

>>> from explainer_nlg.evidence.groups import GroupComparison, GroupStats
>>> a = GroupStats("Records = no", [], 3681, 3681, 0.80, 0.76)
>>> b = GroupStats("Records = yes", [], 773, 773, 0.37, 0.40)
>>> gaps = {"demographic_parity_difference": {"value": 0.43, "ci": [0.39, 0.47], "exceeds_uncertainty": True,
...                                           "between": ["Records = no", "Records = yes"], "figure": "positive_rate"}}
>>> gc = GroupComparison("Records", "good", [a, b], gaps, {}, {})
>>> check_group_sentence("The gap between Records = no and Records = yes is 43.0 points.", gc).ok
True
>>> check_group_sentence("The gap between Records = no and Records = yes is 13.0 points.", gc).reason
'number: 13.0 is not the gap between Records = no and Records = yes (43.0 points)'
>>> check_group_sentence("The model predicts “good” for 37.0% of Records = no.", gc).reason
'number: 37.0% is not a figure of Records = no'
"""

from __future__ import annotations

from ...evidence.groups import FIGURES, GroupComparison, GroupStats
from ..views.phrases import feature_names
from .verdict import Claim, Verdict
from .view_claims import (
    Clause,
    any_close,
    close,
    make_context,
    method_numbers,
    names_said,
    number_claim,
    read,
    verdict,
)

FIGURE_WORDS = {"accuracy": {"right", "accuracy", "accurate", "correct"}, "fpr": {"false-positive", "positive"},
                "fnr": {"false-negative", "negative"}, "mean_probability": {"mean", "average"}}


def group_context(gc: GroupComparison, descriptions: dict[str, str] | None = None,
                  aliases: dict[str, list[str]] | None = None):
    names: dict[str, list[tuple]] = {}
    for i, g in enumerate(gc.groups):
        names.setdefault(g.name, []).append(("group", i))
        if len(g.filters) == 1 and g.filters[0].get("cmp", "==") == "==":
            names.setdefault(str(g.filters[0]["value"]), []).append(("group", i))
    features = {f.get("feature") for g in gc.groups for f in g.filters} | ({gc.feature} if gc.feature else set())
    for f in sorted(x for x in features if x):
        for n in feature_names(f, descriptions):
            names.setdefault(n, []).append(("feature", f))
    names.setdefault(gc.positive_label, []).append(("label", gc.positive_label))
    for a in (aliases or {}).get(gc.positive_label, []):
        names.setdefault(a, []).append(("label", gc.positive_label))
    return make_context(names, gc.method, gc.row_noun)


def check_group_sentence(sentence: str, gc: GroupComparison, descriptions: dict[str, str] | None = None,
                         aliases: dict[str, list[str]] | None = None) -> Verdict:
    """Check one sentence against a GroupComparison (see the module docstring)."""
    ctx = group_context(gc, descriptions, aliases)
    clauses, claims, toks = read(sentence, ctx)
    words = {t.norm for t in toks if t.kind == "word"}
    gap_key = "equalized_odds_difference" if words & {"equalized", "equalised", "odds"} else \
        "demographic_parity_difference"
    mentioned, said = names_said(clauses)
    claims += said
    claims += _verdicts(clauses, gc, gap_key)
    for c in clauses:
        claims += _comparisons(c, gc)
    claims += _numbers(clauses, gc, gap_key)
    return verdict(sentence, claims, mentioned)


def _verdicts(clauses: list[Clause], gc: GroupComparison, gap_key: str) -> list[Claim]:
    out = []
    gap = gc.gaps.get(gap_key)
    said = [(tag, c.toks[i].ref.text) for c in clauses for tag in ("exceeds", "within") for i in c.cues(tag)]
    for tag, text in said:
        if gap is None:
            out.append(Claim("verdict", text, False, "there is no such gap in the record"))
            continue
        truth = gap["exceeds_uncertainty"]
        if truth is None:
            out.append(Claim("verdict", text, False, f"a group has fewer than {gc.min_group_size} rows: no verdict "
                                                     "may be drawn"))
            continue
        ok = (tag == "exceeds") == truth
        out.append(Claim("verdict", text, ok, "" if ok else
                         f"the gap is {'larger than' if truth else 'within'} its uncertainty"))
    ratio = gc.gaps.get("demographic_parity_ratio")
    for tag in ("passes", "fails"):
        for c in clauses:
            for i in c.cues(tag):
                if ratio is None:
                    out.append(Claim("verdict", c.toks[i].ref.text, False, "there is no ratio in the record"))
                    continue
                ok = (tag == "passes") == bool(ratio["four_fifths"])
                out.append(Claim("verdict", c.toks[i].ref.text, ok, "" if ok else
                                 f"the ratio is {ratio['value']:.2f}, {'at least' if ratio['four_fifths'] else 'below'} 0.8"))
    return out


def _figure_named(c: Clause) -> str:
    words = c.words()
    for fig, cue in FIGURE_WORDS.items():
        if words & cue and not (fig == "fpr" and "false-negative" in words):
            return fig
    return "positive_rate"


def _comparisons(c: Clause, gc: GroupComparison) -> list[Claim]:
    groups = [r[1] for _, r in c.names("group")]
    ups, downs = c.cues("up"), c.cues("down")
    if len(groups) < 2 or not (ups or downs) or len(set(groups)) < 2:
        return []
    fig = _figure_named(c)
    a, b = gc.groups[groups[0]], gc.groups[groups[1]]
    va, vb = a.figure(fig), b.figure(fig)
    if va is None or vb is None:
        return [Claim("comparison", f"{a.name} vs {b.name}", False, f"the record has no {fig} for both groups")]
    higher = bool(ups) and not (downs and downs[0] < ups[0])
    ok = va > vb if higher else va < vb
    return [Claim("comparison", f"{a.name} vs {b.name}", ok, "" if ok else
                  f"{a.name} has {va * 100:.1f}% and {b.name} {vb * 100:.1f}% ({fig.replace('_', ' ')})")]


def _group_figures(g: GroupStats) -> list[float]:
    vals = [g.figure(f) for f in FIGURES] + [x for ci in g.ci.values() for x in ci]
    return [v * 100 for v in vals if v is not None]


def _nearest_group(mentions: list[tuple[int, tuple]], pos: int) -> int | None:
    """The group a figure belongs to: the one named right after it ("78.8% of married"), else the
    nearest one before it ("married: 78.8%")."""
    after = [(p - pos, r[1]) for p, r in mentions if p > pos]
    before = [(pos - p, r[1]) for p, r in mentions if p < pos]
    if after and (not before or min(after)[0] <= 3):
        return min(after)[1]
    return min(before)[1] if before else None


def _numbers(clauses: list[Clause], gc: GroupComparison, gap_key: str) -> list[Claim]:
    every = [v for g in gc.groups for v in _group_figures(g)] + [95.0, 80.0]
    gaps = [g for g in gc.gaps.values() if g]
    pts = [x * 100 for g in gaps if "four_fifths" not in g for x in [g["value"], *(g.get("ci") or [])]]
    pts += [g.mean_contribution * 100 for g in gc.groups if g.mean_contribution is not None]
    bare = [float(x) for g in gc.groups for x in (g.size, g.labelled, g.contribution_rows)]
    bare += [95.0, 0.8, 80.0, float(gc.min_group_size), float(gc.bootstrap.get("resamples") or 0)]
    ratio = gc.gaps.get("demographic_parity_ratio")
    if ratio:
        bare += [ratio["value"], *(ratio.get("ci") or [])]
    quoted = method_numbers(gc)
    out = []
    for c in clauses:
        named = sorted({r[1] for _, r in c.names("group")})
        gap = gc.gaps.get(gap_key)
        # "the gap between A and B is 18.0 points": that pair's gap (the interval has its own clause)
        pair = gap is not None and len(named) == 2 and {gc.groups[i].name for i in named} == set(gap["between"]) \
            and bool(c.words() & {"gap", "difference", "apart"})
        mentions = c.names("group")
        for pos, t in c.numbers():
            t.used = True
            if t.unit == "pct":
                near = _nearest_group(mentions, pos)
                if near is not None:
                    g = gc.groups[near]
                    out.append(number_claim(t, any_close(t, _group_figures(g)), f"a figure of {g.name}"))
                else:
                    out.append(number_claim(t, any_close(t, every + quoted), "a figure of these groups"))
            elif t.unit == "points":
                if pair and not c.has("within", "exceeds") and "interval" not in c.words():
                    ok = close(t, gap["value"] * 100)
                    out.append(number_claim(t, ok or any_close(t, quoted), f"the gap between {gap['between'][0]} and "
                                                                           f"{gap['between'][1]} ({gap['value'] * 100:.1f} points)"))
                else:
                    out.append(number_claim(t, any_close(t, pts + quoted), "a gap or contribution in the record"))
            else:
                out.append(number_claim(t, any_close(t, bare + pts + quoted), "a figure of these groups"))
    return out
