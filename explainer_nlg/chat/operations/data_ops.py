"""Operations on the data and the model's description: show, count, statistics, define, describe."""

from __future__ import annotations

import pandas as pd

from ...narrate.amounts import fmt_amount
from ...narrate.facts import fmt_number, fmt_pct
from ..cohort import conditions, describe_filters
from ..reply import OpResult
from .context import Context


def _no_table(ctx: Context, op: str) -> OpResult:
    what = "messages" if ctx.kind == "text" else "photos"
    return OpResult(op, f"This is a {ctx.kind} model: there is no table of {what} to {op.replace('_', ' ')}; "
                        "I can explain the one in the panel.")


def _row_outcome(table, row_id: int) -> str:
    """"The model predicts “yes” (52%); in the data: “no”." for one row of the table."""
    r = table.frame.loc[row_id]
    p = r["prediction"]
    if table.is_regression:
        said = f"The model predicts {fmt_amount(float(p), table.unit)}"
        truth = fmt_amount(float(r["label"]), table.unit) if table.has_labels and pd.notna(r.get("label")) else None
    else:
        chance = r.get(f"p({p})")
        said = f"The model predicts “{p}”" + (f" ({fmt_pct(float(chance))})" if chance is not None and pd.notna(chance) else "")
        truth = f"“{r['label']}”" if table.has_labels and pd.notna(r.get("label")) else None
    return said + (f"; in the data: {truth}." if truth is not None else ".")


def show(ctx: Context) -> OpResult:
    if ctx.kind == "text":
        x = ctx.need_x()
        return OpResult("show", f"The message: “{x}”", table=[{"text": x}])
    if ctx.kind == "image":
        ctx.need_x()
        return OpResult("show", "The photo is shown in the panel beside the chat.")
    table = ctx.assistant.table()
    if ctx.x is not None and not ctx.filters and not ctx.slots.get("rank"):
        # ("who is most likely to buy MM" ranks every row, whichever one is in view)
        row = ctx.assistant.row_of(ctx.x)
        # "how many dependents does 25 have": the values asked for; the whole row where none is named
        named = [f for f in ctx.slots.get("features") or [] if f in table.features]
        lines = [f"{f}: {fmt_number(row[f])}" for f in named or table.features]
        if not named and isinstance(ctx.x, int) and ctx.x in table.frame.index:
            lines.append(_row_outcome(table, ctx.x))  # the whole row: what the model says of it too
        return OpResult("show", f"{ctx.input_name().capitalize()}:\n" + "\n".join(lines),
                        table=[{f: row[f] for f in table.features}])
    rows = table.filter(ctx.filters)
    if rows.empty:
        ctx.state.ids = []  # nothing listed: "the first one" after this refers to no row
        return OpResult("show", _none_match(ctx, table), figures={"rows": 0, "ids": []})
    k = int(ctx.slots.get("k") or 5)
    rank = ctx.slots.get("rank") or {}
    # "who is most likely to default": in order of the model's chance of that class; "the most
    # expensive" (a regressor): in order of its prediction
    # "top 3 lowest crime": in order of that column
    column = rank.get("feature") if rank.get("feature") in table.features else None
    amount = bool(rank) and not column and "class" not in rank and pd.api.types.is_numeric_dtype(rows["prediction"])
    chance = column or ("prediction" if amount else f"p({rank.get('class')})")
    if chance not in rows.columns:
        rank = {}
    if rank:
        rows = rows.sort_values(chance, ascending=rank.get("order") == "ascending", kind="stable")
    ids = [int(i) for i in rows.index[:k]]
    ctx.state.ids = ids
    shown = rows.head(k)

    def predicted(i) -> str:
        p = shown.loc[i, "prediction"]
        return fmt_amount(float(p), table.unit) if amount or pd.api.types.is_float(p) else f"“{p}”"

    # (the column the rows are in order of is always shown, first)
    listed = ([column] if column else []) + [f for f in table.features if f != column][:8 - bool(column)]
    lines = [f"id {i}: " + ", ".join(f"{f}={fmt_number(shown.loc[i, f])}" for f in listed) +
             f"; predicted {predicted(i)}" +
             (f" (chance of “{rank['class']}” {fmt_pct(shown.loc[i, chance])})" if rank and not amount and not column else "")
             for i in shown.index]
    order = "lowest" if rank.get("order") == "ascending" else "highest"
    which = (f"the {len(ids)} with the {order} {column}" if rank and column else
             f"the {len(ids)} with the {order} {ctx.ex.class_names[0]} the model predicts" if rank and amount else
             f"the {len(ids)} with the {order} chance of “{rank['class']}” the model gives" if rank else
             "the first" if len(ids) == 1 else f"the first {len(ids)}")
    text = f"{len(rows)} {ctx.noun} ({ctx.where}); {which}:\n" + "\n".join(lines)
    return OpResult("show", text, figures={"rows": len(rows), "ids": ids},
                    table=shown[table.features + ["prediction"]].reset_index().to_dict("records"))


def _none_match(ctx: Context, table) -> str:
    """What an empty listing says: where the rows asked for are the model's mistakes and it made
    none, that it got every labelled one right."""
    if any(f.get("feature") == "correct" and f.get("value") is False for f in ctx.filters) and table.has_labels:
        rest = [f for f in ctx.filters if f.get("feature") != "correct"]
        labelled = int(table.filter(rest)["label"].notna().sum())
        return (f"The model got all {labelled} labelled {ctx.noun} ({describe_filters(rest, ctx.noun)}) right, so there is no "
                "mistake to show. These rows include the rows the model was trained on, so they flatter it.")
    return f"No {ctx.noun} match ({ctx.where}), so there is nothing to show."


def count(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return _no_table(ctx, "count")
    table = ctx.assistant.table()
    unread = [f for f in ctx.slots.get("features") or [] if f in table.features
              and f not in {flt.get("feature") for flt in ctx.filters}]
    if unread:  # a condition named but not understood is never dropped from the count in silence
        return OpResult("count", _condition_not_read(ctx, unread[0]))
    rows = table.filter(ctx.filters)
    if table.is_regression:

        text = _matching(ctx, len(rows), len(table.frame))
        if len(rows):
            text += (f" The model's prediction for them averages {fmt_amount(float(rows['prediction'].mean()), table.unit)}"
                     f" (from {fmt_amount(float(rows['prediction'].min()), table.unit)} to "
                     f"{fmt_amount(float(rows['prediction'].max()), table.unit)}).")
        figures = {"rows": len(rows), "total": len(table.frame),
                   "mean_prediction": float(rows["prediction"].mean()) if len(rows) else None}
        said = [f for f in ctx.filters if f.get("feature") == "prediction"]
        if said and table.has_labels:
            # "how many items have more than 1000 calories": counted by the prediction, and by the
            # true values the data records, since the question may mean either
            recorded = table.filter([{**f, "feature": "label"} if f.get("feature") == "prediction" else f
                                     for f in ctx.filters])
            figures["rows_by_true_value"] = len(recorded)
            text += f" By the true {table.classes[0] if table.classes else 'value'} in the data, {len(recorded)} do."
        return OpResult("count", text, figures=figures)
    by = rows["prediction"].value_counts().to_dict()
    split = ", ".join(f"“{c}” for {n}" for c, n in sorted(by.items()))
    text = _matching(ctx, len(rows), len(table.frame))
    figures = {"rows": len(rows), "total": len(table.frame), "by_prediction": by}
    said = [f for f in ctx.filters if f.get("feature") == "prediction"]
    if len(rows) and not said:  # (where the rows are the model's "out of work", its split says it again)
        text += f" The model predicts {split}."
    if len(said) == 1 and table.has_labels and not any(f.get("feature") in ("label", "correct") for f in ctx.filters):
        # "how many people are out of work": counted by the model's prediction, and by what the data
        # records, since the question may mean either
        swapped = [{**f, "feature": "label"} if f is said[0] else f for f in ctx.filters]
        recorded = table.filter(swapped)
        figures["rows_by_true_label"] = len(recorded)
        text += f" By the true labels, {len(recorded)} of {len(table.frame)} {ctx.noun} match ({conditions(swapped)})."
    return OpResult("count", text, figures=figures)


def _matching(ctx: Context, n: int, total: int) -> str:
    """'106 of 4454 applicants match (Age > 60).': the rows by their own noun, then the conditions."""
    return f"{n} of {total} {ctx.noun} match ({conditions(ctx.filters) or 'all ' + ctx.noun})."


def _condition_not_read(ctx: Context, feature: str) -> str:
    schema = ctx.ex.schema
    if feature in schema.categorical:
        values = ", ".join(f"“{v}”" for v in schema.categorical[feature][:12])
        return f"I could not tell which {feature} to count, so I have not counted. Its values are {values}."
    return (f"I could not tell what condition on {feature} to count, so I have not counted. Ask, for example, "
            f"“how many have {feature} above {fmt_number(schema.numeric_range[feature][0])}?”.")


def _features_or_ask(ctx: Context, op: str) -> list[str] | OpResult:
    feats = ctx.slots.get("features") or ctx.state.features
    if not feats:
        table = ctx.assistant.table()
        return OpResult(op, f"Which feature? The features are: {', '.join(table.features)}.")
    return feats


def statistics(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return _no_table(ctx, "statistics")
    table = ctx.assistant.table()
    if table.is_regression and (ctx.slots.get("of") == "prediction" or not (ctx.slots.get("features") or ctx.state.features)):
        # "average price of houses with central air": on a regressor, the quantity predicted
        return _predicted_statistics(ctx, table)
    feats = _features_or_ask(ctx, "statistics")
    if isinstance(feats, OpResult):
        return feats
    by, classes = ctx.slots.get("by"), ctx.slots.get("classes") or []
    if by in ("label", "prediction") and len(classes) >= 2:
        # "average age of smokers vs non smokers": each class's rows, side by side
        texts, figures = [], {}
        for c in classes:
            filters = list(ctx.filters) + [{"feature": by, "cmp": "==", "value": c}]
            rows = table.filter(filters)
            if len(rows) == 0:
                texts.append(f"No {ctx.noun} match ({describe_filters(filters, ctx.noun)}).")
                continue
            said, figures[str(c)] = _column_statistics(rows, feats, describe_filters(filters, ctx.noun), ctx.noun)
            texts += said
        return OpResult("statistics", " ".join(texts), figures=figures)
    rows = table.filter(ctx.filters)
    if len(rows) == 0:
        return OpResult("statistics", ctx.no_match())
    texts, figures = _column_statistics(rows, feats, ctx.where, ctx.noun)
    return OpResult("statistics", " ".join(texts), figures=figures)


def _column_statistics(rows: pd.DataFrame, feats: list[str], where: str, noun: str) -> tuple[list[str], dict]:
    """Each column's figures over ``rows`` (described as ``where``), in sentences and as data."""
    texts, figures = [], {}
    for f in feats:
        s = rows[f]
        if pd.api.types.is_numeric_dtype(s):
            d = {"mean": float(s.mean()), "median": float(s.median()), "min": float(s.min()),
                 "max": float(s.max()), "std": float(s.std()) if len(s) > 1 else 0.0}
            # A column of whole amounts (incomes, counts) gets a mean in whole units from 100 up, and
            # one decimal below: "5,403.98" claims a precision the data does not have.
            whole = bool(len(s.dropna())) and bool((s.dropna().astype(float) % 1 == 0).all())
            places = (0 if abs(d["mean"]) >= 100 else 1) if whole else 2
            texts.append(f"{f} over {len(s)} {noun} ({where}): mean "
                         f"{fmt_number(round(d['mean'], places))}, median {fmt_number(d['median'])}, from "
                         f"{fmt_number(d['min'])} to {fmt_number(d['max'])} (standard deviation "
                         f"{fmt_number(round(d['std'], places))}).")
        else:
            counts = s.astype(str).value_counts()
            d = {str(k): int(v) for k, v in counts.items()}
            texts.append(f"{f} over {len(s)} {noun} ({where}): " +
                         ", ".join(f"{k} {v} ({fmt_pct(v / len(s))})" for k, v in d.items()) + ".")
        figures[f] = d
    return texts, figures


def _predicted_statistics(ctx: Context, table) -> OpResult:
    """A regressor's predictions over the rows asked about, and the true values where the data has them."""
    from ...narrate.amounts import fmt_amount

    rows = table.filter(ctx.filters)
    if len(rows) == 0:
        return OpResult("statistics", ctx.no_match())
    name = table.classes[0] if table.classes else "prediction"  # a regressor's one output, by its name
    figures = {}
    texts = []
    for column, what in (("prediction", f"The model's predicted {name}"), ("label", f"The true {name}")):
        if column not in rows.columns or rows[column].isna().all():
            continue
        s = rows[column].dropna()
        d = {"mean": float(s.mean()), "median": float(s.median()), "min": float(s.min()), "max": float(s.max())}
        figures[column] = d
        texts.append(f"{what} over {len(s)} {ctx.noun} ({ctx.where}): mean {fmt_amount(d['mean'], table.unit)}, "
                     f"median {fmt_amount(d['median'], table.unit)}, from {fmt_amount(d['min'], table.unit)} to "
                     f"{fmt_amount(d['max'], table.unit)}.")
    return OpResult("statistics", " ".join(texts), figures=figures)


def define(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return describe_model(ctx)
    if ctx.slots.get("of") == "target":
        return _define_target(ctx)
    feats = _features_or_ask(ctx, "define")
    if isinstance(feats, OpResult):
        return feats
    schema = ctx.ex.schema
    desc = ctx.ex.info.get("descriptions") or {}
    texts = []
    for f in feats:
        said = str(desc.get(f) or "").strip()
        # (a description that ends a sentence already, "heating?" or "regime).", keeps its own stop)
        d = f"{f}: {said}{'' if said.endswith(('.', '?', '!')) else '.'}" if said else \
            f"{f}: the data does not describe this feature."
        if f in schema.categorical:
            d += f" Its values: {', '.join(schema.categorical[f])}."
        elif f in schema.numeric_range:
            lo, hi = schema.numeric_range[f]
            d += f" A number from {fmt_number(lo)} to {fmt_number(hi)} in the data."
        texts.append(d)
    return OpResult("define", " ".join(texts), figures={"features": feats})


def _define_target(ctx: Context) -> OpResult:
    """"What does poverty mean here?" of the column the model predicts: its description, and its
    classes (or its unit), as the data documents them."""
    ex = ctx.ex
    target = ex.info.get("target") or "the outcome"
    said = str((ex.info.get("descriptions") or {}).get(target) or "").strip()
    text = f"{target} is what the model predicts" + (f": {said}" if said else "")
    text += "" if text.endswith((".", "?", "!")) else "."
    if ex.info.get("output_kind") == "regression":
        unit = ex.info.get("unit")
        text += f" The model predicts a number{f' (in {unit})' if unit else ''}."
    else:
        text += f" Its classes: {', '.join(map(str, ex.class_names))}."
    return OpResult("define", text, figures={"features": [], "target": target})


def describe_model(ctx: Context) -> OpResult:
    ex = ctx.ex
    classes = ex.class_names
    shown = ", ".join(f"“{c}”" for c in classes[:10]) + (f" and {len(classes) - 10} more" if len(classes) > 10 else "")
    text = f"The model is {ex.name or type(ex.predictor).__name__}, a {ex.kind} classifier with {len(classes)} classes: {shown}."
    if ex.kind == "tabular":
        text += f" It reads {len(ctx.assistant.table().features)} features: {', '.join(ctx.assistant.table().features)}."
    m = ex.info.get("metrics") or {}
    figures = {"classes": len(classes), "metrics": m}
    acc = m.get("held_out_accuracy")
    if acc is not None:
        text += f" On {m.get('held_out_rows', 'its')} held-out rows it was right {fmt_pct(acc)} of the time"
        text += f" (ROC AUC {m['held_out_roc_auc']:.3f})." if m.get("held_out_roc_auc") is not None else "."
    text += (" Explanations use Shapley values (each feature's share of the probability) and, for photos, "
             "Grad-CAM heatmaps.")
    return OpResult("describe_model", text, figures=figures)


def describe_data(ctx: Context) -> OpResult:
    if ctx.kind != "tabular":
        return _no_table(ctx, "describe_data")
    table = ctx.assistant.table()
    schema = ctx.ex.schema
    num = [f for f in table.features if f in schema.numeric_range]
    cat = [f for f in table.features if f in schema.categorical]
    text = (f"The data has {len(table.frame)} rows and {len(table.features)} features: numeric "
            f"{', '.join(num) or 'none'}; categorical {', '.join(cat) or 'none'}.")
    figures = {"rows": len(table.frame), "numeric": num, "categorical": cat}
    if table.has_labels:
        counts = table.frame["label"].value_counts()
        text += f" True labels ({table.target}): " + ", ".join(
            f"“{k}” {v} ({fmt_pct(v / len(table.frame))})" for k, v in counts.items()) + "."
        figures["labels"] = {str(k): int(v) for k, v in counts.items()}
    return OpResult("describe_data", text, figures=figures)
