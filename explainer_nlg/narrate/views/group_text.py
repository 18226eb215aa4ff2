"""GroupComparison -> true sentences, for customers, support staff and developers.

Every answer gives each group's positive-decision rate and size, says plainly whether the largest
gap is larger than its uncertainty (or that a group is too small to tell), checks the four-fifths
rule, and says that a gap is not by itself proof of unfairness. Support staff add accuracy, error
rates, equalized odds and the group feature's own mean contribution; developers the method. One
group is a cohort: its size, share predicted positive and mean predicted probability.

>>> from explainer_nlg.evidence.groups import GroupComparison, GroupStats
>>> a = GroupStats("Records = no", [], 3681, 3681, 0.80, 0.76, ci={"positive_rate": [0.79, 0.81]})
>>> b = GroupStats("Records = yes", [], 773, 773, 0.37, 0.40, ci={"positive_rate": [0.34, 0.40]})
>>> gaps = {"demographic_parity_difference": {"value": 0.43, "ci": [0.39, 0.47], "exceeds_uncertainty": True,
...                                           "between": ["Records = no", "Records = yes"]},
...         "demographic_parity_ratio": {"value": 0.46, "ci": [0.42, 0.5], "four_fifths": False,
...                                      "between": ["Records = no", "Records = yes"], "exceeds_uncertainty": True}}
>>> gc = GroupComparison("Records", "good", [a, b], gaps, {}, {"resamples": 1000, "level": 0.95, "seed": 0})
>>> for s in group_sentences(gc, "customer"):
...     print(s.text)
The model predicts “good” for 80.0% of Records = no (3,681) and 37.0% of Records = yes (773).
The largest gap, 43.0 points between Records = no and Records = yes, is larger than its uncertainty (95% interval 39.0 to 47.0 points).
The lowest rate is 0.46 of the highest, below the four-fifths (0.8) benchmark.
A gap is not by itself proof of unfairness: the groups can differ in other ways the model uses.
"""

from __future__ import annotations

from ...evidence.groups import GroupComparison, GroupStats
from ..templates import TemplateSentence, join_list
from .phrases import Filler, count, label, pct, points, signed_points, view_templates

MAX_LISTED = 8


def group_sentences(gc: GroupComparison, audience: str = "customer",
                    descriptions: dict[str, str] | None = None) -> list[TemplateSentence]:
    """The template narration of a GroupComparison for ``audience``."""
    t = view_templates()["groups"]
    if len(gc.groups) == 1:
        return _cohort(gc, audience, t)
    out = Filler(gc, audience, t)
    groups = _listed(gc.groups)
    positive = label(gc.positive_label)
    out.add("rates", positive=positive, rate_list=join_list([f"{pct(g.positive_rate)} of {g.name} ({count(g.size)})"
                                                             for g in groups]))
    dpd = gc.gaps.get("demographic_parity_difference")
    if dpd:
        slot = {True: "gap_exceeds", False: "gap_within", None: "gap_small"}[dpd["exceeds_uncertainty"]]
        ci = dpd.get("ci") or [dpd["value"], dpd["value"]]
        out.add(slot, gap_points=points(dpd["value"]), gap_high=dpd["between"][0], gap_low=dpd["between"][1],
                ci_low=points(ci[0]), ci_high=points(ci[1]), min_size=gc.min_group_size)
    ratio = gc.gaps.get("demographic_parity_ratio")
    if ratio:
        out.add("four_fifths_pass" if ratio["four_fifths"] else "four_fifths_fail", ratio=f"{ratio['value']:.2f}")
    out.add("not_proof")
    small = [g for g in gc.groups if g.small]
    if small:
        many = len(small) > 1
        out.add("small", small_list=join_list([g.name for g in small]), small_verb="have" if many else "has",
                small_pronoun="their" if many else "its", min_size=gc.min_group_size)
    if gc.protected and gc.feature:
        out.add("protected", feature=gc.feature)
    if audience != "customer":
        _support(gc, out, groups)
    if audience == "developer":
        out.add("method", method=gc.method, seconds=f"{gc.seconds:.2f}")
    return out.out


def _listed(groups: list[GroupStats]) -> list[GroupStats]:
    """The groups a sentence lists: all of them up to ``MAX_LISTED``; of more (51 states), those with
    the highest and the lowest rates, highest first, so that the gap named next is between groups
    the reader was shown (it named two states the first eight, alphabetically, left out)."""
    if len(groups) <= MAX_LISTED:
        return list(groups)
    ordered = sorted(groups, key=lambda g: -(g.positive_rate if g.positive_rate is not None else -1.0))
    half = MAX_LISTED // 2
    return ordered[:half] + ordered[-half:]


def _support(gc: GroupComparison, out: Filler, groups: list[GroupStats]) -> None:
    with_acc = [g for g in groups if g.accuracy is not None]
    if with_acc:
        out.add("accuracy", accuracy_list=join_list([f"{pct(g.accuracy)} of {g.name}" for g in with_acc]))
    with_err = [g for g in groups if g.fpr is not None or g.fnr is not None]
    if with_err:
        out.add("errors", fpr_list=", ".join(f"{g.name} {pct(g.fpr)}" for g in with_err),
                fnr_list=", ".join(f"{g.name} {pct(g.fnr)}" for g in with_err))
    eod = gc.gaps.get("equalized_odds_difference")
    if eod:
        slot = {True: "eod_exceeds", False: "eod_within", None: "eod_small"}[eod["exceeds_uncertainty"]]
        ci = eod.get("ci") or [eod["value"], eod["value"]]
        figure = {"tpr": "true-positive rates", "fpr": "false-positive rates"}[eod["figure"]]
        out.add(slot, eod_points=points(eod["value"]), eod_figure=figure, eod_high=eod["between"][0],
                eod_low=eod["between"][1], eod_ci_low=points(ci[0]), eod_ci_high=points(ci[1]))
    with_c = [g for g in groups if g.mean_contribution is not None]
    if with_c and gc.feature:
        out.add("contribution", feature=gc.feature, positive=label(gc.positive_label),
                contribution_list=join_list([f"{signed_points(g.mean_contribution)} points for {g.name}"
                                             for g in with_c]))
    if gc.unavailable:
        reasons: dict[str, list[str]] = {}
        for what, why in gc.unavailable.items():
            reasons.setdefault(why, []).append(what)
        out.add("unavailable", unavailable_list="; ".join(f"{join_list(ws)} ({why})" for why, ws in reasons.items()))


def _cohort(gc: GroupComparison, audience: str, t: dict) -> list[TemplateSentence]:
    g = gc.groups[0]
    out = Filler(gc, audience, t["cohort"])
    ci = g.ci.get("positive_rate") or [g.positive_rate, g.positive_rate]
    # (a rate over every row, "whats the approval rate", names no group)
    out.add("rate" if g.filters else "rate_all", size=count(g.size), group=g.name, positive=label(gc.positive_label), rate_pct=pct(g.positive_rate),
            rate_low=pct(ci[0]), rate_high=pct(ci[1]), mean_pct=pct(g.mean_probability))
    if g.small:
        out.add("small", min_size=gc.min_group_size)
    if audience != "customer" and g.accuracy is not None:
        out.add("accuracy", labelled=count(g.labelled), accuracy_pct=pct(g.accuracy))
    if audience == "developer":
        out.add("method", t, method=gc.method, seconds=f"{gc.seconds:.2f}")
    return out.out
