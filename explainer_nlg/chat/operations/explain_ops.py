"""Operations on one prediction: predict, why, why-not, confidence, top features."""

from __future__ import annotations

import pandas as pd

from ...errors import resolve_class
from ...narrate.amounts import fmt_amount
from ...narrate.facts import fmt_number, fmt_pct
from ..reply import OpResult
from .cohort_ops import cohort_top_features, named_ranks
from .context import Context


def _probs_line(probs: dict[str, float], k: int = 3) -> str:
    top = sorted(probs.items(), key=lambda kv: -kv[1])[:k]
    return ", ".join(f"“{c}” {fmt_pct(p)}" for c, p in top)


def predict(ctx: Context) -> OpResult:
    # "how likely are people over 60 to be approved?"; with no group, "whats the approval rate": all rows
    if ctx.slots.get("scope") == "cohort":
        from .group_ops import cohort_likelihood

        return cohort_likelihood(ctx)
    x = ctx.need_x()
    probs = ctx.assistant.predict(x)
    if getattr(ctx.ex.predictor, "is_regression", False):
        return _predicted_number(ctx, x, probs)
    label = max(probs, key=probs.get)
    k = int(ctx.slots.get("k") or 3)
    text = f"The model predicts “{label}” for {ctx.input_name()} ({_probs_line(probs, k)})."
    figures = {"predicted_label": label, "probabilities": probs}
    if ctx.kind == "tabular" and isinstance(x, int) and ctx.assistant.table().has_labels:
        truth = str(ctx.assistant.table().frame.loc[x, "label"])
        text += f" The true label in the data is “{truth}”, so the model is {'right' if truth == label else 'wrong'} here."
        figures["label"] = truth
    return OpResult("predict", text, figures=figures)


def _predicted_number(ctx: Context, x, outputs: dict[str, float]) -> OpResult:
    """A regressor's prediction in its unit ("The model puts the price for row 12 at $34,851"),
    with the true value where the data has one: never as a class and a percentage."""
    (name, value), = outputs.items()
    unit = ctx.ex.predictor.unit
    text = f"The model puts the {name} for {ctx.input_name()} at {fmt_amount(value, unit)}."
    figures = {"prediction": value, "output": name, "unit": unit}
    if ctx.kind == "tabular" and isinstance(x, int) and ctx.assistant.table().has_labels:
        truth = float(ctx.assistant.table().frame.loc[x, "label"])
        gap = value - truth
        text += (f" The true {name} in the data is {fmt_amount(truth, unit)}, so the model is "
                 f"{fmt_amount(abs(gap), unit)} {'above' if gap > 0 else 'below'} it.")
        figures["label"] = truth
    return OpResult("predict", text, figures=figures)


def why(ctx: Context) -> OpResult:
    x = ctx.need_x()
    target = ctx.slots.get("target")
    ev = ctx.assistant.evidence(x)  # cached: its probabilities spare a second model call
    # "why was I approved?" when the model predicted the other class: explain the prediction, and
    # the narration's first sentence says plainly which class it was (once, not in a second note).
    premise = (target, True) if target and ctx.kind != "image" and target in ev.probabilities else None
    answer = ctx.narrate(ev, premise=premise)
    named = named_contributions(ev, (ctx.slots.get("features") or []) + (ctx.slots.get("words") or []))
    return OpResult("why", " ".join([answer.text, *named]), narration=answer, evidence=ev,
                    figures={"predicted_label": ev.predicted_label, "probabilities": ev.probabilities})


def named_contributions(ev, names: list[str]) -> list[str]:
    """A sentence of numbers for each feature or word the question named ("why did 'refund'
    matter?"): its contribution and rank, or that it is not in the input."""
    order = ev.top(len(ev.attributions))
    out = []
    for name in dict.fromkeys(names):
        hits = [a for a in order if a.name.lower() == str(name).lower()]
        if not hits:
            what = "word" if ev.kind == "text" else "feature"
            out.append(f"There is no {what} “{name}” in this input.")
            continue
        a = hits[0]
        rank = order.index(a) + 1
        amount = (fmt_amount(a.contribution, ev.unit, signed=True) if ev.is_regression
                  else f"{a.contribution * 100:+.1f} percentage points")
        out.append(f"“{a.name}” contributed {amount} toward “{ev.target_label}” "
                   f"(rank {rank} of {len(order)} by size).")
    return out


def why_not(ctx: Context) -> OpResult:
    x = ctx.need_x()
    probs = ctx.assistant.predict(x)
    predicted = max(probs, key=probs.get)
    target = ctx.slots.get("target")
    if target is None or target == predicted:
        others = sorted((c for c in probs if c != predicted), key=lambda c: -probs[c])
        if target == predicted:
            ev = ctx.assistant.evidence(x)
            answer = ctx.narrate(ev, premise=(target, False))  # "The model did predict ..."
            return OpResult("why_not", answer.text, narration=answer, evidence=ev)
        target = others[0]
    target = ctx.ex.class_names[resolve_class(target, ctx.ex.class_names)]
    ev = ctx.assistant.evidence(x, target=target)
    answer = ctx.narrate(ev)
    return OpResult("why_not", answer.text, narration=answer, evidence=ev,
                    figures={"predicted_label": predicted, "contrast": target, "probabilities": probs})


def confidence(ctx: Context) -> OpResult:
    x = ctx.need_x()
    ev = ctx.assistant.evidence(x)
    if ev.is_regression:
        return _regression_confidence(ctx, ev)
    answer = ctx.narrate(ev, focus="confidence")
    text = answer.text
    target = ctx.slots.get("target")
    if target and target in ev.probabilities and target != ev.predicted_label:
        text += f" The probability of “{target}” is {fmt_pct(ev.probabilities[target])}."
    return OpResult("confidence", text, narration=answer, evidence=ev,
                    figures={"probabilities": ev.probabilities})


def _regression_confidence(ctx: Context, ev) -> OpResult:
    """A regressor states no probability: its prediction, and how far off it typically is on the
    labelled rows (or that this cannot be measured)."""
    from ...narrate.amounts import fmt_amount
    from .model_ops import regression_errors

    table = ctx.assistant.table()
    value = fmt_amount(ev.output_value, ev.unit)
    text = (f"The model predicts {ev.predicted_label} of {value}. A model that predicts a number states no "
            "confidence of its own")
    figures: dict = {"prediction": ev.output_value}
    row = ctx.state.instance
    own = table.frame["label"].get(row) if table.has_labels and row is not None and row in table.frame.index else None
    if own is not None and not pd.isna(own):
        # "how far off is the prediction for row 200?": that row's own error, where its true value is known
        off = float(ev.output_value) - float(own)
        figures.update(true_value=float(own), error=off)
        # (a gap between two percentages is in points, never "0.577 percent")
        gap = f"{fmt_number(abs(off))} percentage points" if str(ev.unit or "").strip().lower() in (
            "%", "percent", "percentage", "pct") else fmt_amount(abs(off), ev.unit)
        miss = "exactly right" if off == 0 else f"{gap} too {'high' if off > 0 else 'low'}"
        text = (f"The model predicts {ev.predicted_label} of {value} for {ctx.input_name()}; its true value is "
                f"{fmt_amount(float(own), ev.unit)}, so the prediction is {miss}. A model that predicts a number "
                "states no confidence of its own")
    if table.has_labels and table.frame["label"].notna().sum() >= 2:
        e = regression_errors(table.frame)
        figures.update(e)
        text += (f"; on {e['rows']} labelled rows its predictions were within {fmt_amount(e['median_abs_error'], ev.unit)} "
                 f"of the true value half the time and within {fmt_amount(e['p90_abs_error'], ev.unit)} 90% of the "
                 f"time (these rows include its training rows, so they flatter it).")
    else:
        text += ", and the data has no true values to measure its typical error on."
    return OpResult("confidence", text, evidence=ev, figures=figures)


def top_features(ctx: Context) -> OpResult:
    k = int(ctx.slots.get("k") or 5)
    local = ctx.x is not None and ctx.slots.get("scope") != "global" and not ctx.filters
    if ctx.kind != "tabular" or local:
        x = ctx.need_x()
        ev = ctx.assistant.evidence(x)
        top = ev.top(k)
        answer = ctx.narrate(ev)
        unit = {"tabular": "features", "text": "words", "image": "regions"}[ctx.kind]
        every = ev.top(len(ev.attributions))
        if ev.is_regression:
            from ...narrate.amounts import fmt_amount

            said = {a.name: fmt_amount(a.contribution, ev.unit, signed=True) for a in every}
            listing = "; ".join(f"{a.name} {said[a.name]}" for a in top)
            text = (f"The {len(top)} {unit} with the largest contributions to the predicted {ev.predicted_label} "
                    f"for {ctx.input_name()}: {listing}. {answer.text}")
        else:
            said = {a.name: f"{a.contribution * 100:+.1f} points toward “{ev.target_label}”" for a in every}
            listing = "; ".join(f"{a.name} {a.contribution * 100:+.1f} points" for a in top)
            text = (f"The {len(top)} {unit} with the largest contributions toward “{ev.target_label}” for "
                    f"{ctx.input_name()} (in percentage points of probability): {listing}. {answer.text}")
        if ctx.kind == "tabular":  # "how important is income for 17?": its place first
            text = named_ranks(ctx.slots.get("features") or [], [a.name for a in every], said) + text
        return OpResult("top_features", text, narration=answer, evidence=ev,
                        figures={"top": [{"name": a.name, "value": a.value, "contribution": a.contribution} for a in top]})
    return cohort_top_features(ctx, k)
