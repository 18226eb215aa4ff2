"""Operations that change the input: what-if and counterfactuals (the smallest flip)."""

from __future__ import annotations

import re

from ...narrate.facts import fmt_apart, fmt_number, fmt_pct
from ...narrate.records import as_record
from ..assemble import description_scale
from ..reply import OpResult
from .context import Context


def _step(ctx: Context, feature: str) -> float | int:
    """A change of a tenth of the feature's range, for "what if I earned more" with no amount."""
    lo, hi = ctx.ex.schema.numeric_range[feature]
    step = (hi - lo) / 10
    return int(round(step)) if step >= 1 else round(step, 3)


def what_if(ctx: Context) -> OpResult:
    x = ctx.need_x()
    changes = [dict(c) for c in ctx.slots.get("changes") or []]
    if not changes:
        hint = {"tabular": "“what if Income was 500?” or “what if Debt went down by 200?”",
                "text": "“what if I remove 'stale'?” or “replace 'stale' with 'fresh'”",
                "image": "“what if we cover the centre?”"}[ctx.kind]
        features = ""
        if ctx.kind == "tabular":
            unread = unreadable_value(ctx.question, ctx.ex.schema)
            if unread:  # "what if income was lots": name the word that is not a number
                f, word = unread
                lo, hi = ctx.ex.schema.numeric_range[f]
                return OpResult("what_if", f"I could not read “{word}” as a value for {f}: give a number (in the "
                                           f"data {f} runs from {fmt_number(lo)} to {fmt_number(hi)}), for example "
                                           f"“what if {f} was {fmt_number(round((lo + hi) / 2))}?”.")
            features = f" Features: {', '.join(ctx.assistant.table().features)}."
        return OpResult("what_if", f"Tell me what to change, for example {hint}.{features}")
    notes = []
    if ctx.kind == "tabular":
        row = ctx.assistant.row_of(x)
        same = [c for c in changes if c.get("action") == "set" and same_value(row.get(c["feature"]), c.get("value"))]
        notes += [f"{c['feature']} is already {fmt_number(c['value'])}." for c in same]
        changes = [c for c in changes if c not in same]
        if not changes:
            table = ctx.assistant.table()
            if table.is_regression:
                from ...narrate.amounts import fmt_amount

                value = float(ctx.assistant.evidence(x).output_value)
                said, figures = fmt_amount(value, table.unit), {"prediction": value}
            else:
                probs = ctx.ex.predict(x)
                label = max(probs, key=probs.get)
                said, figures = f"“{label}” ({probs[label]:.0%})", {"probabilities": probs}
            return OpResult("what_if", " ".join(notes) + f" So nothing changes: the model still predicts {said} "
                                                        f"for {ctx.input_name()}.",
                            figures={**figures, "decision_changed": False})
    for c in changes:
        factor = c.pop("factor", None)
        if factor is not None and ctx.kind == "tabular":
            current = float(ctx.assistant.row_of(x)[c["feature"]])
            c["value"] = abs(current * (factor - 1))
            if c["value"] == 0:
                notes.append(f"{c['feature']} is 0, so doubling or halving it changes nothing.")
            continue
        if c.get("action") in ("increase", "decrease") and c.get("value") is None:
            c["value"] = _step(ctx, c["feature"])
            notes.append(f"(No amount was given, so I used a tenth of {c['feature']}'s range: "
                         f"{fmt_number(c['value'])}.)")
    w = ctx.ex.what_if(x, changes)
    # Feature, word and region edits all go through the narration's verified change templates.
    answer = ctx.narrate(w)
    text = " ".join(notes + [answer.text])
    if w.evidence is not None:
        text += " After the change: " + ctx.narrate(w.evidence).text
    return OpResult("what_if", text, narration=answer, evidence=w,
                    figures={"probability_change": w.probability_change, "decision_changed": w.decision_changed,
                             "new_probabilities": w.new_probabilities})


def same_value(current, wanted) -> bool:
    """Whether a row's value already is the one a what-if sets: numbers by value (a stored 0.0 is
    the 0 asked for), anything else as written.

    >>> same_value(0.0, 0), same_value(1.5, 1), same_value("yes", "yes"), same_value("3", 3)
    (True, False, True, True)
    """
    try:
        return float(current) == float(wanted)
    except (TypeError, ValueError):
        return str(current) == str(wanted)


def unreadable_value(question: str, schema) -> tuple[str, str] | None:
    """(feature, word) where the question sets a numeric feature to a word that is not a number.

    >>> from explainer_nlg.models.tabular import TabularSchema
    >>> s = TabularSchema(["Income"], {}, {"Income": (6.0, 959.0)}, {"Income": False})
    >>> unreadable_value("what if income was lots?", s), unreadable_value("what if income was 500?", s)
    (('Income', 'lots'), None)
    """
    t = question.lower()
    for f in schema.numeric_range:
        m = re.search(rf"(?<![a-z0-9]){re.escape(f.lower())}(?![a-z0-9])\s+(?:was|were|is|=|of|to|at|becomes?|"
                      rf"became|went to|equals?)\s+([^\s?!,;]+)", t)
        if m and not re.fullmatch(r"[-+]?[\d.,]+(?:e[-+]?\d+)?k?", m.group(1).rstrip(".")):
            return f, m.group(1).rstrip(".")
    return None


def counterfactual(ctx: Context) -> OpResult:
    x = ctx.need_x()
    if ctx.kind == "image":
        return OpResult("counterfactual", "For a photo I cannot search for a smallest change; ask “what if we "
                        "cover the centre?” to see how covering a part of it changes the prediction.")
    k = int(ctx.slots.get("k") or 3)
    if getattr(ctx.ex.predictor, "is_regression", False):
        return _counterfactual_range(ctx, x, k)
    target = ctx.slots.get("target")
    probs = ctx.assistant.predict(x)
    predicted = max(probs, key=probs.get)
    if target is not None and target == predicted:
        # "what could they change to get approved?" when already approved: say so; searching for
        # the opposite would answer a question nobody asked.
        others = [c for c in probs if c != predicted]
        offer = f" Ask “what would make it {others[0]}?” to see what would change that." if len(others) == 1 else ""
        return OpResult("counterfactual", f"{ctx.input_name().capitalize()} is already predicted “{predicted}” "
                                          f"({fmt_pct(probs[predicted])}), so nothing needs to change.{offer}",
                        figures={"predicted_label": predicted, "probabilities": probs, "already": True})
    cs = ctx.assistant.counterfactuals(x, target=target, k=k)
    if not cs.found:
        c = cs.constraints
        text = (f"I found no change of at most {c.get('max_changes')} "
                f"{'words' if ctx.kind == 'text' else 'features'} that makes the model predict "
                f"“{cs.target_label}” (searched {cs.candidates_searched} candidates).")
        return OpResult("counterfactual", text, evidence=cs)
    texts, answers = [], []
    for i, cf in enumerate(cs.counterfactuals[:k], 1):
        # Every option, words and features alike, is a template narration checked by the verifier;
        # only the computed probability (and, for tables, the moves) is added after it.
        answer = ctx.narrate(as_record(cs, which=i - 1))
        answers.append(answer)
        pct = fmt_pct(cf.probabilities[cf.predicted_label])
        extra = [] if pct in answer.text else [f"p(“{cf.predicted_label}”) {pct}"]  # support already says it
        if ctx.kind == "tabular":
            extra.insert(0, "; ".join(f"{ch.feature} {' → '.join(fmt_apart(ch.from_value, ch.to_value))}"
                                      for ch in cf.changes))
        texts.append(f"{i}. {answer.text}" + (f" ({'; '.join(extra)})" if extra else ""))
    fixed = cs.constraints.get("immutable") or []
    tail = f" ({', '.join(fixed)} were kept fixed.)" if fixed else ""
    head = (f"{len(texts)} way{'s' if len(texts) > 1 else ''} to make the model predict “{cs.target_label}” "
            f"instead of “{cs.original_label}” ({fmt_pct(cs.original_probabilities[cs.original_label])}), "
            f"fewest changes first:")
    return OpResult("counterfactual", head + "\n" + "\n".join(texts) + tail, narration=_joined(answers),
                    evidence=cs, figures={"found": len(texts), "candidates_searched": cs.candidates_searched,
                                          "probabilities": [cf.probabilities for cf in cs.counterfactuals[:k]]})


AMOUNT = r"[$€£]?\s*(\d+(?:\.\d+)?)\s*(k|thousand|million|m)?\b"


def _amount(m: re.Match, i: int = 1) -> float:
    """The amount ``AMOUNT`` matched at group ``i``, its scale word applied ("2.5k": 2500)."""
    scale = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}.get(m.group(i + 1) or "", 1.0)
    return float(m.group(i)) * scale


def amount_range(question: str) -> tuple[float | None, float | None] | None:
    """The range a question asks a regressor's prediction to reach, or None.

    >>> amount_range("what would bring the price under $150,000?"), amount_range("how to get over 2.5k")
    ((None, 150000.0), (2500.0, None))
    >>> amount_range("what would put it between 100 and 120 points?"), amount_range("why so high?")
    ((100.0, 120.0), None)
    >>> amount_range("what would make 12 cheaper than 2000"), amount_range("what makes it pricier than 3k")
    ((None, 2000.0), (3000.0, None))
    """
    t = question.lower().replace(",", "")
    value = _amount
    m = re.search(rf"\bbetween\s+{AMOUNT}\s+and\s+{AMOUNT}", t)
    if m:
        lo, hi = sorted((value(m, 1), value(m, 3)))
        return lo, hi
    m = re.search(rf"\b(?:under|below|less than|lower than|at most|no more than|beneath|down to|(?:cheaper|smaller|"
                  rf"shorter|less expensive|fewer|lighter) th[ae]n)\s+{AMOUNT}", t)
    if m:
        return None, value(m)
    m = re.search(rf"\b(?:over|above|more than|higher than|at least|exceeds?|up to|(?:more expensive|pricier|dearer|"
                  rf"bigger|larger|greater|longer|heavier) th[ae]n)\s+{AMOUNT}", t)
    if m:
        return value(m), None
    return None


def _in_target_units(ctx: Context, bounds: tuple | None) -> tuple | None:
    """Bounds said in full amounts ("30k") for a target its description counts in thousands
    ("median value of homes in $1000s"): in the target's own units, where only that fits its data."""
    target = ctx.ex.info.get("target")
    scale = description_scale(str((ctx.ex.info.get("descriptions") or {}).get(target) or ""))
    table = ctx.assistant.table()
    if bounds is None or not scale or "label" not in table.frame.columns:
        return bounds
    top = float(table.frame["label"].max())
    said = [b for b in bounds if b is not None]
    # (an amount beyond the data, "worth 300k", is in full units too: the search then says it is out of reach)
    if said and all(b > top * 5 and (b / scale <= top * 5 or b >= scale) for b in said):
        return tuple(None if b is None else b / scale for b in bounds)
    return bounds


def _counterfactual_range(ctx: Context, x, k: int) -> OpResult:
    """A regressor's counterfactual: the fewest changes that bring its prediction into the range
    the question names ("under 150,000")."""
    name = ctx.ex.class_names[0]
    bounds = amount_range(ctx.question)
    # ("to be worth 30k", "to reach 50 MPa", "get to 50", "hit 50", "a strength of 50")
    # (and a verb of the quantity itself: "to earn 5000", "make 50k", "score 80", "get paid 20")
    worth = re.search(rf"\b(?:be\s+)?(?:worth|cost|sell for|go for|priced at|reach|get to|hit|come to|rise to|"
                      rf"earn|make|score|weigh|get paid|be paid|bring in|get|"
                      rf"fall to|drop to|(?:an?|the)\s+[a-z]+\s+of)\s+{AMOUNT}", ctx.question.lower().replace(",", ""))
    if bounds is None and worth is not None:
        # "what would it take for 12 to be worth 30k": at least that where it is predicted less, at
        # most that where it is predicted more
        (_, now), = ctx.assistant.predict(x).items()
        amount = _amount(worth)
        bounds = (amount, None) if amount > now else (None, amount)
    bounds = _in_target_units(ctx, bounds)
    if bounds is None:
        return OpResult("counterfactual", f"This model predicts a number ({name}), so say the range to reach, "
                                          f"for instance “what would bring the {name} under 150,000?”.")
    cs = ctx.assistant.counterfactuals(x, target=bounds, k=k)
    if not cs.found:
        c = cs.constraints
        return OpResult("counterfactual", f"I found no change of at most {c.get('max_changes')} features that "
                                          f"brings the {cs.target_label} (searched {cs.candidates_searched} "
                                          "candidates).", evidence=cs)
    answers = [ctx.narrate(as_record(cs, which=i)) for i in range(min(k, len(cs.counterfactuals)))]
    texts = [f"{i}. {a.text}" for i, a in enumerate(answers, 1)]
    head = f"{len(texts)} way{'s' if len(texts) > 1 else ''} to reach {cs.target_label}, fewest changes first:"
    return OpResult("counterfactual", head + "\n" + "\n".join(texts), narration=_joined(answers), evidence=cs,
                    figures={"found": len(texts), "candidates_searched": cs.candidates_searched,
                             "predictions": [cf.target_probability for cf in cs.counterfactuals[:k]]})


def _joined(answers: list):
    """One Answer holding every option's verified sentences, so the evidence panel and the
    audit log show the status of all of them, not only the first option's."""
    from ...narrate import Answer

    first = answers[0]
    return Answer(" ".join(a.text for a in answers), tuple(s for a in answers for s in a.sentences),
                  [a.evidence for a in answers], first.audience, first.focus, first.llm,
                  sum(a.seconds for a in answers))
