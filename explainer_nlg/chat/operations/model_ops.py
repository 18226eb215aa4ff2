"""Operations over labelled rows: performance and mistakes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...narrate.facts import fmt_number, fmt_pct
from ..reply import OpResult
from .context import Context


def _labelled(ctx: Context, op: str):
    if ctx.kind != "tabular":
        return OpResult(op, f"I have no labelled {('messages' if ctx.kind == 'text' else 'photos')} here to "
                            "measure that on. " + _recorded_metrics(ctx))
    table = ctx.assistant.table()
    if not table.has_labels:
        return OpResult(op, "The data has no true labels (no target column), so I cannot measure that.")
    rows = table.filter(ctx.filters)
    if len(rows) == 0:
        return OpResult(op, ctx.no_match())
    return rows


def _recorded_metrics(ctx: Context) -> str:
    m = ctx.ex.info.get("metrics") or {}
    acc = m.get("held_out_accuracy") or m.get("accuracy") or m.get("test_accuracy")
    return f"Accuracy recorded when it was trained: {fmt_pct(acc)}." if isinstance(acc, (int, float)) else ""


def performance(ctx: Context) -> OpResult:
    from sklearn.metrics import (
        accuracy_score,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    rows = _labelled(ctx, "performance")
    if isinstance(rows, OpResult):
        return rows
    if ctx.assistant.table().is_regression:
        return _regression_performance(ctx, rows)
    classes = ctx.assistant.table().classes
    # The "positive" class for precision/recall: the one named, else the class the model is asked
    # about most (the last class for two classes, as scikit-learn does).
    pos = ctx.slots.get("target") or classes[-1]
    y, p = rows["label"], rows["prediction"]
    figs = {"rows": len(rows), "accuracy": float(accuracy_score(y, p))}
    if len(classes) == 2:
        figs.update(precision=float(precision_score(y, p, pos_label=pos, zero_division=0)),
                    recall=float(recall_score(y, p, pos_label=pos, zero_division=0)),
                    f1=float(f1_score(y, p, pos_label=pos, zero_division=0)))
        if y.nunique() == 2:
            figs["roc_auc"] = float(roc_auc_score((y == pos).astype(int), rows[f"p({pos})"]))
    metric = ctx.slots.get("metric")
    wanted = [metric] if metric in figs else [m for m in ("accuracy", "precision", "recall", "f1", "roc_auc") if m in figs]
    if metric == "error_rate":
        wanted = ["error_rate"]
        figs["error_rate"] = 1 - figs["accuracy"]
    names = {"accuracy": "accuracy", "precision": f"precision for “{pos}”", "recall": f"recall for “{pos}”",
             "f1": f"F1 for “{pos}”", "roc_auc": "ROC AUC", "error_rate": "error rate"}
    listing = ", ".join(f"{names[m]} {figs[m]:.3f}" for m in wanted)
    text = (f"On {len(rows)} labelled {ctx.noun} ({ctx.where}): {listing}. These rows include the "
            f"rows the model was trained on, so they flatter it. {_recorded_metrics(ctx)}").strip()
    return OpResult("performance", text, figures=figs)


def regression_errors(rows: pd.DataFrame) -> dict:
    """How far a regressor's predictions are from the true values on ``rows`` (errors in its unit).

    >>> e = regression_errors(pd.DataFrame({"prediction": [1.0, 2.0, 4.0], "label": [1.0, 3.0, 2.0]}))
    >>> e["mae"], e["median_abs_error"], round(e["rmse"], 3), e["rows"]
    (1.0, 1.0, 1.291, 3)
    """
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    rows = rows.dropna(subset=["label"])
    y, p = rows["label"].to_numpy(float), rows["prediction"].to_numpy(float)
    err = np.abs(p - y)
    out = {"rows": len(rows), "mae": float(mean_absolute_error(y, p)),
           "rmse": float(np.sqrt(mean_squared_error(y, p))), "median_abs_error": float(np.median(err)),
           "p90_abs_error": float(np.percentile(err, 90))}
    if len(rows) >= 2 and np.ptp(y) > 0:
        out["r2"] = float(r2_score(y, p))
    return out


def _regression_performance(ctx: Context, rows: pd.DataFrame) -> OpResult:
    from ...narrate.amounts import fmt_amount

    unit = ctx.assistant.table().unit
    e = regression_errors(rows)
    if not e["rows"]:
        return OpResult("performance", "None of these rows has a true value to measure the model against.")
    r2 = f"R² {e['r2']:.3f}; " if "r2" in e else ""
    text = (f"On {e['rows']} labelled {ctx.noun} ({ctx.where}): {r2}mean absolute error "
            f"{fmt_amount(e['mae'], unit)}, root mean squared error {fmt_amount(e['rmse'], unit)}; half the "
            f"predictions are within {fmt_amount(e['median_abs_error'], unit)} of the true value and 90% within "
            f"{fmt_amount(e['p90_abs_error'], unit)}. These rows include the rows the model was trained on, "
            f"so they flatter it. {_recorded_metrics(ctx)}").strip()
    return OpResult("performance", text, figures=e)


def _regression_mistakes(ctx: Context, rows: pd.DataFrame, k: int = 5) -> OpResult:
    from ...narrate.amounts import fmt_amount

    unit = ctx.assistant.table().unit
    rows = rows.dropna(subset=["label"])
    worst = rows.reindex(rows["error"].abs().sort_values(ascending=False).index)[:k]
    e = regression_errors(rows)
    listing = "; ".join(f"row {i}: predicted {fmt_amount(float(r['prediction']), unit)}, in fact "
                        f"{fmt_amount(float(r['label']), unit)}" for i, r in worst.iterrows())
    text = (f"This model predicts a number, so it is never simply right or wrong: on {e['rows']} labelled {ctx.noun} "
            f"({ctx.where}) it is off by {fmt_amount(e['mae'], unit)} on average. "
            f"Furthest off: {listing}.")
    ctx.state.ids = list(worst.index)  # "why was the first one so far off?" follows up on them
    return OpResult("mistakes", text, figures={**e, "ids": list(worst.index)},
                    table=worst[["prediction", "label", "error"]].reset_index().to_dict("records"))


def mistakes(ctx: Context) -> OpResult:
    rows = _labelled(ctx, "mistakes")
    if isinstance(rows, OpResult):
        return rows
    table = ctx.assistant.table()
    if table.is_regression:
        return _regression_mistakes(ctx, rows)
    wrong = rows[~rows["correct"]]
    text = (f"The model is wrong on {len(wrong)} of {len(rows)} {ctx.noun} ({fmt_pct(len(wrong) / len(rows))}; "
            f"{ctx.where}).")
    pairs = wrong.groupby(["label", "prediction"]).size().sort_values(ascending=False)
    if len(pairs):
        text += " " + "; ".join(f"{n} were “{lab}” but predicted “{pred}”" for (lab, pred), n in pairs.items()) + "."
    figures = {"wrong": len(wrong), "rows": len(rows)}
    view = ctx.slots.get("view")
    if view == "typical" and len(wrong):
        diffs = []
        for f in table.features:
            s_all, s_wrong = rows[f], wrong[f]
            if pd.api.types.is_numeric_dtype(s_all):
                sd = float(s_all.std()) or 1.0
                diffs.append((abs(s_wrong.mean() - s_all.mean()) / sd, f,
                              f"{f} averages {fmt_number(round(float(s_wrong.mean()), 1))} in the mistakes vs "
                              f"{fmt_number(round(float(s_all.mean()), 1))} overall"))
            else:
                top = s_wrong.astype(str).value_counts(normalize=True)
                v = top.index[0]
                share_all = float((s_all.astype(str) == v).mean())
                diffs.append((abs(top.iloc[0] - share_all), f,
                              f"{f} = {v} in {fmt_pct(top.iloc[0])} of the mistakes vs {fmt_pct(share_all)} overall"))
        diffs.sort(reverse=True)
        text += " Where the mistakes differ most from all rows: " + "; ".join(d[2] for d in diffs[:3]) + "."
        figures["typical"] = [d[2] for d in diffs[:3]]
    elif len(wrong):
        ids = [int(i) for i in wrong.index[: int(ctx.slots.get("k") or 5)]]
        ctx.state.ids = ids
        text += " For example ids " + ", ".join(map(str, ids)) + "."
        figures["ids"] = ids
    return OpResult("mistakes", text, figures=figures)
