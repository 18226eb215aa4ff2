"""Group comparison and fairness figures for a tabular model: rates per group and the gaps between.

Per group: the positive-decision (selection) rate, the mean predicted probability of the positive
class, and on labelled rows the accuracy and the false-positive, false-negative and true-positive
rates of the positive class; the mean Shapley value of the group feature itself (when one feature
defines the groups). Gaps, as fairlearn defines them (a test checks the figures against
fairlearn's): demographic parity difference (largest minus smallest selection rate), its ratio
(smallest over largest; the four-fifths rule asks for at least 0.8) and equalized odds difference
(the larger of the true- and false-positive-rate differences).

Uncertainty: a percentile bootstrap that resamples rows within each group (``resamples`` times,
seeded). A gap's interval is that of the signed difference (or ratio) between the two groups that
give the gap at the point estimate, so "larger than its uncertainty" means that interval excludes
0 (a ratio: 1). Groups under ``MIN_GROUP_SIZE`` rows get their figures but no verdict.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> from explainer_nlg.attribution.tabular_attributor import TabularAttributor
>>> from explainer_nlg.models.tabular import SklearnPredictor
>>> df = pd.DataFrame({"income": list(range(40)) * 2, "group": ["a"] * 40 + ["b"] * 40,
...                    "ok": (["no"] * 20 + ["yes"] * 20) * 2})
>>> model = LogisticRegression().fit(df[["income"]], df["ok"])
>>> att = TabularAttributor(SklearnPredictor(model, ["income"]), df)
>>> gc = compare_groups(att, [("a", [{"feature": "group", "cmp": "==", "value": "a"}]),
...                           ("b", [{"feature": "group", "cmp": "==", "value": "b"}])],
...                     positive=1, labels=df["ok"])
>>> [g.size for g in gc.groups], gc.gaps["demographic_parity_difference"]["value"]
([40, 40], 0.0)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from ..evidence.groups import FIGURES, MIN_GROUP_SIZE, GroupComparison, GroupStats
from .cohort_shapley import sample_ids
from .row_filters import describe, select
from .tabular_sampled_estimators import rows_shapley

RESAMPLES = 1000
LEVEL = 0.95
CONTRIBUTION_ROWS = 60  # rows per group whose Shapley value of the group feature is averaged
CONTRIBUTION_DRAWS = 24  # sampling draws per row: a group mean averages their noise over its rows


def _rates(pred_pos: np.ndarray, prob: np.ndarray, correct: np.ndarray, true_pos: np.ndarray,
           labelled: np.ndarray) -> dict[str, np.ndarray]:
    """Figures over the last axis (rows), for one sample or a stack of bootstrap resamples."""
    with np.errstate(invalid="ignore", divide="ignore"):
        lab = labelled.sum(-1)
        pos, neg = (true_pos & labelled), (~true_pos & labelled)
        return {
            "positive_rate": pred_pos.mean(-1), "mean_probability": prob.mean(-1),
            "accuracy": np.where(lab > 0, (correct & labelled).sum(-1) / lab, np.nan),
            "fpr": (pred_pos & neg).sum(-1) / neg.sum(-1),
            "fnr": (~pred_pos & pos).sum(-1) / pos.sum(-1),
            "tpr": (pred_pos & pos).sum(-1) / pos.sum(-1),
        }


def _interval(samples: np.ndarray) -> list[float] | None:
    s = samples[np.isfinite(samples)]
    if len(s) < 0.9 * len(samples) or not len(s):
        return None
    tail = (1 - LEVEL) / 2 * 100
    lo, hi = np.percentile(s, [tail, 100 - tail])
    return [float(lo), float(hi)]


def compare_groups(attributor: Any, groups: list[tuple[str, list[dict]]], positive: int,
                   labels: pd.Series | None = None, feature: str | None = None, within: list[dict] | None = None,
                   resamples: int = RESAMPLES, protected: bool = False, seed: int = 0) -> GroupComparison:
    """Compare ``groups`` ((name, filters) pairs, each filter {"feature", "cmp", "value"}) of the
    attributor's rows, counting ``positive`` (a class index) as the favourable decision.
    ``labels``: the true classes (a Series on the data's index, missing where unknown) or None.
    ``feature``: the feature the groups are defined by (its mean Shapley value per group is
    reported). ``within``: filters every group is restricted to as well."""
    start = time.perf_counter()
    data = attributor.data
    classes = list(attributor.class_names)
    probs = attributor.data_probabilities()
    predicted = probs.argmax(axis=1)
    base = select(data, within).to_numpy()
    has_labels = labels is not None and labels.notna().any()
    if has_labels:
        truth = labels.reindex(data.index).astype(object)
        labelled_all = truth.notna().to_numpy()
        truth_str = truth.where(truth.notna(), "").astype(str).to_numpy()
        correct_all = truth_str == np.asarray(classes, dtype=object)[predicted]
        true_pos_all = truth_str == classes[positive]
    else:
        labelled_all = np.zeros(len(data), bool)
        correct_all = true_pos_all = labelled_all
    rng = np.random.default_rng(seed)
    stats, boots, notes = [], [], []
    members = [np.flatnonzero(select(data, filters).to_numpy() & base) for _, filters in groups]
    contributions = _mean_contributions(attributor, [data.index[rows] for rows in members], feature, positive, seed)
    for (name, filters), rows, (contribution, used) in zip(groups, members, contributions):
        arrays = (predicted[rows] == positive, probs[rows, positive], correct_all[rows], true_pos_all[rows],
                  labelled_all[rows])
        if len(rows):
            point = _rates(*arrays)
            # one gather of the four yes/no columns packed into bits, one of the probabilities
            idx = rng.integers(0, len(rows), size=(resamples, len(rows)), dtype=np.int32)
            bits = (arrays[0] | arrays[2] << 1 | arrays[3] << 2 | arrays[4] << 3).astype(np.uint8)[idx]
            boot = _rates(bits & 1 > 0, arrays[1][idx], bits & 2 > 0, bits & 4 > 0, bits & 8 > 0)
        else:
            point = dict.fromkeys(FIGURES, np.nan)
            boot = {k: np.full(resamples, np.nan) for k in FIGURES}
        boots.append(boot)
        figs = {k: (None if not np.isfinite(v) else float(v)) for k, v in point.items()}
        if not has_labels:
            figs.update({"accuracy": None, "fpr": None, "fnr": None, "tpr": None})
        ci = {k: _interval(boot[k]) for k, v in figs.items() if v is not None}
        stats.append(GroupStats(name, list(filters), len(rows), int(labelled_all[rows].sum()), figs["positive_rate"],
                                figs["mean_probability"], figs["accuracy"], figs["fpr"], figs["fnr"], figs["tpr"],
                                {k: v for k, v in ci.items() if v is not None}, contribution, used))
        if len(rows) < MIN_GROUP_SIZE:
            notes.append(f"The group {name} has only {len(rows)} rows: its figures are shown, but too few rows to "
                         "draw a conclusion.")
    unavailable = {}
    if not has_labels:
        for k in ("accuracy", "false-positive rate", "false-negative rate", "equalized odds difference"):
            unavailable[k] = "the data has no true labels"
    gaps = _gaps(stats, boots) if len(stats) > 1 else {}
    if len(stats) > 1 and has_labels and gaps.get("equalized_odds_difference") is None:
        unavailable["equalized odds difference"] = "a group has no labelled rows of one of the classes"
    if within:
        notes.append(f"Every group is restricted to rows where {describe(within)}.")
    method = (f"rates counted over the data's rows with the model's predictions; {LEVEL:.0%} percentile "
              f"bootstrap intervals from {resamples} resamples within each group")
    if feature is not None:
        method += (f"; mean Shapley value of {feature} over up to {CONTRIBUTION_ROWS} sampled rows per group "
                   f"({CONTRIBUTION_DRAWS} permutation draws per row unless exact)")
    return GroupComparison(feature, classes[positive], stats, gaps, unavailable,
                           {"resamples": resamples, "level": LEVEL, "seed": seed}, MIN_GROUP_SIZE, protected,
                           method, round(time.perf_counter() - start, 4), notes)


def _mean_contributions(attributor: Any, groups: list[pd.Index], feature: str | None, positive: int,
                        seed: int) -> list[tuple[float | None, int]]:
    """Per group, the mean Shapley value of ``feature`` over up to CONTRIBUTION_ROWS sampled rows
    and how many rows that was; all groups in one batched call (None where there is no feature)."""
    if feature is None or feature not in attributor.predictor.features:
        return [(None, 0)] * len(groups)
    used = [sample_ids(list(ids), CONTRIBUTION_ROWS, seed) for ids in groups]
    flat = [i for ids in used for i in ids]
    if not flat:
        return [(None, 0)] * len(groups)
    frame = attributor.data.loc[flat, list(attributor.predictor.features)]
    phi, _, _ = rows_shapley(attributor, frame, [positive] * len(flat), feature=feature, seed=seed,
                             draws=CONTRIBUTION_DRAWS)
    out, pos = [], 0
    for ids in used:
        part = np.asarray(phi[pos:pos + len(ids)])
        pos += len(ids)
        out.append((float(part.mean()), len(ids)) if len(ids) else (None, 0))
    return out


def _gap(stats: list[GroupStats], boots: list[dict], figure: str, ratio: bool = False) -> dict | None:
    values = [(g.figure(figure), i) for i, g in enumerate(stats) if g.figure(figure) is not None]
    if len(values) < 2:
        return None
    (hi_v, hi), (lo_v, lo) = max(values), min(values)
    small = stats[hi].small or stats[lo].small
    with np.errstate(invalid="ignore", divide="ignore"):
        if ratio:
            value = lo_v / hi_v if hi_v > 0 else None
            samples = boots[lo][figure] / boots[hi][figure]
        else:
            value = hi_v - lo_v
            samples = boots[hi][figure] - boots[lo][figure]
    if value is None:
        return None
    ci = _interval(samples)
    if ci is None or small:
        exceeds = None
    else:
        exceeds = bool(ci[1] < 1) if ratio else bool(ci[0] > 0)
    gap = {"value": float(value), "ci": ci, "between": [stats[hi].name, stats[lo].name], "figure": figure,
           "exceeds_uncertainty": exceeds}
    if ratio:
        gap["four_fifths"] = bool(value >= 0.8)
    return gap


def _gaps(stats: list[GroupStats], boots: list[dict]) -> dict[str, Any]:
    gaps: dict[str, Any] = {
        "demographic_parity_difference": _gap(stats, boots, "positive_rate"),
        "demographic_parity_ratio": _gap(stats, boots, "positive_rate", ratio=True),
    }
    tpr, fpr = _gap(stats, boots, "tpr"), _gap(stats, boots, "fpr")
    # fairlearn: the larger of the two differences; its interval is that component's
    parts = [g for g in (tpr, fpr) if g is not None]
    gaps["equalized_odds_difference"] = max(parts, key=lambda g: g["value"]) if len(parts) == 2 else None
    return gaps
