"""Records -> true sentences, from the templates in ``prompts/templates.toml``.

(Over 400 lines on purpose: every record kind and audience shares one filler, one context and
the same list helpers, and splitting them apart would scatter one wording decision over files.)

>>> from explainer_nlg.evidence import Attribution, Evidence
>>> ev = Evidence("tabular", "good", {"good": 0.93, "bad": 0.07}, "good", 0.7,
...               [Attribution("Income", 1200.0, 0.15), Attribution("Records", "yes", -0.03),
...                Attribution("Amount", 900.0, 0.06)], "exact enumeration", 16, 0.1)
>>> for s in template_sentences(ev, "customer"):
...     print(s.text)
The model's decision for this case is “good”, and it is very confident.
The main reasons were an income of 1,200 and a requested amount of 900.
Prior default records on file counted against “good”.
>>> [s.text for s in template_sentences(ev, "customer")] == [s.text for s in template_sentences(ev, "customer")]
True
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from typing import Any

from ..evidence import Evidence
from .amounts import amount_sentences, change_sentences, fmt_amount
from .facts import (
    EPS,
    Facts,
    Player,
    confidence_words,
    facts_for,
    fmt_apart,
    fmt_number,
    fmt_pct,
    fmt_points,
    fmt_value,
    heat_shares,
    is_number,
    label_display,
    quote,
)
from .vocabulary import AUDIENCES, templates, vocabulary

FOCUSES = ("why", "confidence", "contrast")


@dataclass(frozen=True)
class TemplateSentence:
    """One true sentence and the template slot it came from."""

    slot: str
    text: str


class _Filler:
    """Picks a variant per slot with a seed from the record, and fills it in."""

    def __init__(self, record: Any, audience: str, section: dict, ctx: dict):
        self.rng = random.Random(_seed(record, audience))
        self.section = section
        self.ctx = ctx
        self.out: list[TemplateSentence] = []

    def add(self, slot: str, section: dict | None = None, **extra) -> None:
        variants = (section or self.section)[slot]
        choice = variants[self.rng.randrange(len(variants))]
        # str.format substitutes values once and never re-reads them, so a word such as "{name}"
        # or "<b>" in the user's text stays literal.
        self.out.append(TemplateSentence(slot, _capitalise(choice.format(**{**self.ctx, **extra}))))


def _seed(record: Any, audience: str) -> int:
    """A stable seed: the same record reads the same in every process (unlike ``hash``)."""
    if isinstance(record, Evidence) and record.heatmap is not None:
        # The heatmap's pixels are narrated only through ``regions``; converting 224x224 floats
        # was most of an image answer's time.
        record = replace(record, heatmap="a heatmap")
    data = record.to_dict() if isinstance(record, Evidence) else record
    # Timing varies between otherwise identical runs, and the uncertainty figures were added to
    # the record after its wording was settled; neither should change the wording.
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "seconds"}
        if isinstance(record, Evidence):
            # Schema 2 added these keys; a classification reads as it did under schema 1.
            if not record.is_regression:
                data["schema_version"] = "1"
                for key in ("output_kind", "unit", "prediction"):
                    data.pop(key, None)
        if isinstance(data.get("attributions"), list):
            data["attributions"] = [{k: v for k, v in a.items() if k != "standard_error"}
                                    if isinstance(a, dict) else a for a in data["attributions"]]
        if isinstance(data.get("extra"), dict):
            data["extra"] = {k: v for k, v in data["extra"].items() if k != "close_calls"}
    blob = json.dumps(data, sort_keys=True, default=str) + "|" + audience
    return int.from_bytes(hashlib.sha256(blob.encode()).digest()[:8], "big")


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:] if s[:1].islower() else s


def join_list(items: list[str]) -> str:
    """Items as a list in a sentence.

    >>> join_list(["a", "b", "c"]), join_list(["a"])
    ('a, b and c', 'a')
    """
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def template_sentences(record: Any, audience: str = "customer", focus: str = "why",
                       descriptions: dict[str, str] | None = None,
                       premise: tuple[str, bool] | None = None) -> list[TemplateSentence]:
    """The template narration of an Evidence record or a counterfactual/what-if dict.

    ``audience``: "customer", "support" or "developer". ``focus``: "why" (the reasons),
    "confidence" (how sure the model is) or "contrast" (a record of ``Explainer.contrast``: one
    row measured against another); counterfactual records ignore it. ``premise``: what the
    question took for granted, ``(class, True)`` for "why was it X?" and ``(class, False)`` for
    "why not X?"; where the evidence says otherwise, the first sentence corrects it, once.

    >>> from explainer_nlg.evidence import Attribution, Evidence
    >>> ev = Evidence("tabular", "good", {"good": 0.93, "bad": 0.07}, "good", 0.7,
    ...               [Attribution("Income", 1200.0, 0.15)], "exact enumeration", 16, 0.1)
    >>> template_sentences(ev, premise=("bad", True))[0].text
    'The model predicted “good”, not “bad”, and it is very confident.'
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}.")
    if focus not in FOCUSES:
        raise ValueError(f"focus must be one of {', '.join(FOCUSES)}, not {focus!r}.")
    f = facts_for(record, descriptions)
    if f.is_change and f.in_amounts:  # a regressor's counterfactual or what-if: amounts.py
        return [TemplateSentence(slot, text) for slot, text in change_sentences(f, audience)]
    if f.is_change:
        return _counterfactual(f, audience)
    if focus == "contrast" and isinstance(record, Evidence) and (record.extra or {}).get("reference"):
        return _contrast(f, record, audience)
    if f.in_amounts:  # a regressor's dollars or points, log-odds from elsewhere: amounts.py
        return [TemplateSentence(slot, text) for slot, text in amount_sentences(f, audience)]
    ctx = _context(f)
    ctx["asked"] = ""
    if premise is not None and premise[0] in f.probabilities:
        ctx["asked"], ctx["asked_pct"] = label_display(premise[0]), fmt_pct(f.probabilities[premise[0]])
        ctx["premise"] = ("not" if premise[1] and premise[0] != f.predicted else
                          "did" if not premise[1] and premise[0] == f.predicted else "")
    if focus == "confidence":
        filler = _Filler(record, audience + ":confidence", templates()["confidence"][audience], ctx)
        filler.add("sentence")
        return filler.out
    filler = _Filler(record, audience, templates()["why"][audience], ctx)
    {"customer": _why_customer, "support": _why_support, "developer": _why_developer}[audience](f, filler)
    return filler.out


def _contrast(f: Facts, ev: Evidence, audience: str) -> list[TemplateSentence]:
    """One row measured against another (``Explainer.contrast``): both outputs, then the details
    that raised and lowered the explained output; for support staff and developers each with its
    share of the gap between the two, for a customer the main ones only, in words."""
    ref = ev.extra["reference"]
    ctx = {**_context(f), "reference": f"row {ref.get('row_id')}" if ref.get("row_id") is not None else "the other row"}
    if (ev.input or {}).get("row_id") is not None:
        ctx["subject"] = f"row {ev.input['row_id']}"
    out = _Filler(ev, "contrast", templates()["contrast"], ctx)
    theirs = ref.get("predicted_label")
    if f.in_amounts:
        out.add("decision_amount", value=fmt_amount(ev.prediction, ev.unit), base_value=fmt_amount(ev.base_value, ev.unit))
    elif f.target != f.predicted:
        out.add("decision_other")
    elif theirs == f.predicted or theirs not in (ref.get("probabilities") or {}):
        out.add("decision_same" if theirs == f.predicted else "decision_other")
    else:
        out.add("decision", ref_label=label_display(theirs))
    moved = sorted([p for p in f.players if abs(p.contribution) > EPS], key=lambda p: -abs(p.contribution))
    th = vocabulary()["thresholds"]
    customer = audience == "customer"
    up_to, down_to = (th["max_reasons"], th["max_against"]) if customer else (th["max_support_factors"],) * 2
    ups, downs = [p for p in moved if p.contribution > 0][:up_to], [p for p in moved if p.contribution < 0][:down_to]
    if customer:  # only what moved it noticeably
        ups, downs = _strong(f, +1, up_to), _strong(f, -1, down_to)

    def listed(players: list[Player]) -> str:
        if customer:
            return short_list(players, f.input_kind)
        if f.in_amounts:
            return join_list([f"{p.phrase} by {fmt_amount(abs(p.contribution), ev.unit)}" for p in players])
        return _with_points(players)

    amount = "_amount" if f.in_amounts else ""
    if ups:
        out.add("up" + amount, factors=listed(ups))
    if downs:
        out.add("down" if ups else "down_only" + amount, factors=listed(downs))
    if not moved:
        out.add("none")
    elif len(moved) < len(f.players):
        out.add("same")
    return out.out


def _context(f: Facts) -> dict:
    t = templates()
    kind = f.input_kind if f.input_kind in t["subject"] else "tabular"
    ctx = {
        "subject": t["subject"][kind], "things": t["things"][kind],
        "label": label_display(f.predicted), "target": label_display(f.target),
        "confidence": confidence_words(f.p_predicted), "prob_pct": fmt_pct(f.p_predicted),
        "target_pct": fmt_pct(f.probabilities.get(f.target, 0.0)), "base_pct": fmt_pct(f.base),
    }
    ru = f.runner_up
    ctx["runner_up"], ctx["runner_pct"] = (label_display(ru[0]), fmt_pct(ru[1])) if ru else ("", "")
    top = sorted(f.probabilities.items(), key=lambda t: -t[1])[:5]
    ctx["prob_list"] = ", ".join(f"{label_display(c)} {fmt_pct(p)}" for c, p in top)
    p_target = f.probabilities.get(f.target, 0.0)
    ctx["from_base"] = t["from_base"]["up" if p_target >= f.base else "down"].format(base_pct=ctx["base_pct"])
    return ctx


def _decision_slot(out: _Filler, plain: str = "decision") -> str:
    """The first sentence's slot: the premise corrected (decision_not), confirmed against a
    "why not" (decision_did), or the plain decision."""
    premise = out.ctx.get("premise")
    slot = {"not": "decision_not", "did": "decision_did"}.get(premise or "", plain)
    return slot if slot in out.section else plain


def short_list(players: list[Player], kind: str) -> str:
    """Players as one compact list: "the words “a”, “b” and “c”", "the centre and the top left of
    the image", "an income of 330 and assets of 16,500".

    >>> from explainer_nlg.narrate.facts import image_player, text_player
    >>> short_list([text_player(0, "best", None, 0.1), text_player(1, "ever", None, 0.1)], "text")
    'the words “best” and “ever”'
    >>> short_list([image_player(0, "centre", None, 0.1), image_player(1, "top left", None, 0.1)], "image")
    'the centre and the top left of the image'
    """
    if kind == "text" and len(players) > 1:
        return "the words " + join_list([quote(p.name) for p in players])
    if kind == "image" and len(players) > 1:
        return join_list([f"the {p.name}" for p in players]) + " of the image"
    return join_list([p.phrase for p in players])


def _strong(f: Facts, sign: int, limit: int) -> list[Player]:
    """The players pushing the ``sign`` way hard enough to be called reasons, strongest first."""
    floor = max(EPS, vocabulary()["thresholds"]["min_share"] * f.max_abs())
    chosen = [p for p in f.players if p.contribution * sign >= floor]
    return sorted(chosen, key=lambda p: -abs(p.contribution))[:limit]


def _why_customer(f: Facts, out: _Filler) -> None:
    th = vocabulary()["thresholds"]
    out.add(_decision_slot(out))
    other = f.target != f.predicted
    if f.max_abs() <= EPS:
        if other:
            out.add("target_note")
        out.add("nothing")
        return
    ups, downs = _strong(f, +1, th["max_reasons"]), _strong(f, -1, th["max_against"])
    # For "why not X?" the reasons and what counted against X tell it; "overall down" adds nothing.
    downhill = sum(p.contribution for p in f.players) < 0 and not other
    if downhill and ups and downs:
        # The net effect is down: say so once, with both sides, and keep it short.
        out.add("downhill_both", against=short_list(downs[:2], f.input_kind), reasons=short_list(ups[:2], f.input_kind))
        return
    if downhill:
        out.add("downhill")
    if ups:
        slot = "reasons_other" if other else "reasons_downhill" if downhill else "reasons"
        out.add(slot, reasons=short_list(ups, f.input_kind))
    elif other:
        out.add("target_note")
    if downs:
        against = short_list(downs, f.input_kind)
        slot = "against_figure" if against[:1].isdigit() else "against_other" if other and ups else "against"
        out.add(slot, against=against)
    elif not downhill:
        out.add("no_against")


def _why_support(f: Facts, out: _Filler) -> None:
    th = vocabulary()["thresholds"]
    other = f.target != f.predicted
    slot = _decision_slot(out, "decision_plain" if other else "decision")
    out.add(slot)
    if other:
        out.add("target_note")
    elif slot != "decision":
        out.add("start")
    if f.max_abs() <= EPS:
        out.add("nothing")
    else:
        strong = sorted([p for p in f.players if abs(p.contribution) > EPS],
                        key=lambda p: -abs(p.contribution))[:th["max_support_factors"]]
        ups = [p for p in strong if p.contribution > 0]
        downs = [p for p in strong if p.contribution < 0]
        if ups:
            out.add("factors_up", factors=_with_points(ups))
        if downs:
            out.add("factors_down" if ups else "factors_down_only", factors=_with_points(downs))
    heat = _heat_shares(f)
    if heat:
        region, share = max(heat.items(), key=lambda t: t[1])
        out.add("regions", region=region, share_pct=fmt_pct(share))
    _cautions(f, out)


def _with_points(players: list[Player]) -> str:
    """'an income of 330 by 12.7 points and assets of 16,500 by 7.8 points'."""
    return join_list([f"{p.phrase} by {fmt_points(p.contribution)} points" for p in players])


def _why_developer(f: Facts, out: _Filler) -> None:
    th = vocabulary()["thresholds"]
    ev: Evidence = f.record
    out.add("decision_other" if f.target != f.predicted else _decision_slot(out))
    out.add("method", method=ev.method, calls=fmt_number(ev.n_evaluations), seconds=f"{ev.seconds:.2f}")
    listed = sorted(f.players, key=lambda p: -abs(p.contribution))[:th["max_developer_list"]]
    if listed:
        out.add("contributions", signed_list=", ".join(_developer_item(p, f.input_kind) for p in listed))
    fa = ev.faithfulness or {}
    if fa.get("comprehensiveness") is not None:
        out.add("faithfulness", k=fa.get("k"), comp_points=_signed_points(fa["comprehensiveness"]),
                random_points=_signed_points(fa.get("comprehensiveness_random_k") or 0.0),
                suff_points=_signed_points(fa.get("sufficiency") or 0.0))
    if ev.extra.get("converged") is False:
        out.add("converged")
    heat = _heat_shares(f)
    if heat:
        items = sorted(heat.items(), key=lambda t: -t[1])
        out.add("regions", region_list=", ".join(f"{r} {fmt_pct(s)}" for r, s in items))
    _cautions(f, out)


def _developer_item(p: Player, kind: str) -> str:
    sign = "+" if p.contribution >= 0 else "-"
    amount = f"{abs(p.contribution) * 100:.2f}"
    if kind == "tabular":
        # A missing value reads "unknown", unquoted: it is not a value the data holds.
        shown = fmt_number(p.value) if p.numeric or p.value is None else quote(fmt_number(p.value))
        return f"{p.name} ({shown}) {sign}{amount}"
    if kind == "text":
        return f"{quote(p.name)} {sign}{amount}"
    return f"{p.name} {sign}{amount}"


def _signed_points(x: float) -> str:
    return f"{x * 100:.1f}"


def _heat_shares(f: Facts) -> dict[str, float]:
    return heat_shares(f.record)


def caution_reasons(f: Facts) -> list[str]:
    """Which cautions apply to the evidence (low confidence, close call, weak faithfulness, ...)."""
    th = vocabulary()["thresholds"]
    found = []
    if f.p_predicted < th["low_confidence"]:
        found.append("low_confidence")
    ru = f.runner_up
    if ru and f.p_predicted - ru[1] < th["close_call"]:
        found.append("close_call")
    ev = f.record
    fa = getattr(ev, "faithfulness", None) or {}
    comp, rnd = fa.get("comprehensiveness"), fa.get("comprehensiveness_random_k")
    if comp is not None and rnd is not None and comp <= rnd + th["faithfulness_margin"]:
        found.append("low_faithfulness")
    if getattr(ev, "extra", {}).get("converged") is False:
        found.append("not_converged")
    if _close_pair(f):
        found.append("close_ranking")
    heat = _heat_shares(f)
    ups = _strong(f, +1, 1)
    if heat and ups and th.get("heat_disagree", True):
        heat_top = max(heat.items(), key=lambda t: t[1])[0]
        if heat_top != ups[0].name:
            found.append("methods_disagree")
    return found


def _close_pair(f: Facts) -> tuple[Player, Player] | None:
    """The first pair among the top three by size (the ones the reasons list names) that the
    estimate cannot put in order (``extra["close_calls"]``, from the standard errors)."""
    calls = (getattr(f.record, "extra", None) or {}).get("close_calls") or []
    by_name = {p.name: p for p in f.players}
    for c in calls:
        names = c.get("players") or []
        if c.get("ranks", [99])[0] <= 3 and len(names) == 2 and all(n in by_name for n in names):
            return by_name[names[0]], by_name[names[1]]
    return None


def _cautions(f: Facts, out: _Filler) -> None:
    section = templates()["caution"]
    fa = getattr(f.record, "faithfulness", None) or {}
    for reason in caution_reasons(f):
        extra: dict = {}
        if reason == "low_faithfulness":
            comp, rnd = fa["comprehensiveness"], fa["comprehensiveness_random_k"]
            # the caution fires when the top k beat random by at most a margin, or not at all
            extra = {"k": fa.get("k"), "comp_points": _signed_points(comp), "random_points": _signed_points(rnd),
                     "compared": "little more than" if comp > rnd else "no more than"}
        elif reason == "close_ranking":
            first, second = _close_pair(f)
            extra = {"first": first.phrase, "second": second.phrase}
        elif reason == "methods_disagree":
            heat = _heat_shares(f)
            extra = {"heat_region": max(heat.items(), key=lambda t: t[1])[0],
                     "shapley_region": _strong(f, +1, 1)[0].name}
        out.add(reason, section=section, **extra)


def _counterfactual(f: Facts, audience: str) -> list[TemplateSentence]:
    rec = f.record
    t = templates()["counterfactual"]
    ctx = {
        "label": label_display(f.predicted), "new_label": label_display(f.new_label),
        "prob_pct": fmt_pct(f.p_predicted), "new_prob_pct": fmt_pct(f.new_probability),
        "method": rec.get("method", "search"), "alternatives": fmt_number(rec.get("alternatives") or 0),
    }
    if f.input_kind == "tabular":
        ctx.update({
            "changes": join_list([_change(p) for p in f.players]),
            "changes_short": join_list([f"the {p.noun}" for p in f.players]),
            "changes_list": ", ".join(f"{p.name} {_ends(p)}" for p in f.players),
        })
    else:
        forms = change_phrases(f)
        ctx.update({"changes": join_list(forms["first"][:1] + forms["more"][1:]),
                    "changes_doing": join_list(forms["doing"]), "changes_list": ", ".join(forms["listed"])})
    # A text or image record may replace a slot of its audience's section (templates.toml).
    section = {**t[audience], **t.get(f.input_kind, {}).get(audience, {})}
    filler = _Filler(rec, audience, section, ctx)
    filler.add("flip" if f.new_label != f.predicted else "same")
    if (rec.get("alternatives") or 0) > 1 and "alternatives" in section:
        filler.add("alternatives")
    return filler.out


def change_phrases(f: Facts) -> dict[str, list[str]]:
    """Each text or image change in every form of ``[counterfactual.phrases]`` (first, more, doing,
    listed), in the record's order; a grouped action reads as one phrase where it first occurs.

    >>> from explainer_nlg.narrate.facts import counterfactual_facts
    >>> rec = {"input_kind": "text", "label": "other", "probability": 0.9, "new_label": "great",
    ...        "new_probability": 0.6, "changes": [{"feature": "stale", "from": "stale", "to": "fresh"},
    ...                                            {"feature": "<b>box</b>", "from": "<b>box</b>", "to": None}]}
    >>> change_phrases(counterfactual_facts(rec))["more"]
    ['“stale” replaced by “fresh”', 'the word “<b>box</b>” removed']
    """
    table = templates()["counterfactual"]["phrases"][f.input_kind]
    forms: dict[str, list[str]] = {"first": [], "more": [], "doing": [], "listed": []}
    seen: set = set()
    for p in f.players:
        pattern = table[p.action]
        if pattern.get("grouped"):
            key = (p.action,)
            group = [q for q in f.players if q.action == p.action]
            fill = {"regions": join_list([f"the {q.name}" for q in group])}
        else:
            # The same word in several places is one edit to the reader.
            key = (p.action, p.name, p.value[1])
            fill = {"word": quote(p.name), "to": quote(str(p.value[1])) if p.value[1] is not None else ""}
        if key in seen:
            continue
        seen.add(key)
        for form in forms:
            forms[form].append(pattern[form].format(**fill))
    return forms


def _shown(p: Player, which: int) -> str:
    v = p.value[which]
    if is_number(v):
        return fmt_value(p.name, v)
    phrases = {k: ph for ph, k in p.category_phrases.items()}
    said = phrases.get(str(v), quote(fmt_number(v)))
    # 'the sex changed from “female”', not 'from sex “female”': the noun is said once
    return said[len(p.noun) + 1:] if p.noun and said.lower().startswith(p.noun.lower() + " “") else said


def _ends(p: Player) -> str:
    """"from A to B" for a changed feature; a small change is not "from 0.99 to 0.99"."""
    if is_number(p.value[0]) and is_number(p.value[1]):
        return "from {} to {}".format(*fmt_apart(p.value[0], p.value[1], p.name))
    return f"from {_shown(p, 0)} to {_shown(p, 1)}"


def _change(p: Player) -> str:
    return f"the {p.noun} changed {_ends(p)}"
