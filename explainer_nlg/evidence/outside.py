"""Evidence computed elsewhere: plain contributions, or a ``shap.Explanation``, read into an Evidence
record so that it can be narrated and verified like our own.

Whatever the source, the record says what it holds and nothing more: contributions in the unit they
were computed in (dollars, points, log-odds, probability), the base value and the prediction they
explain. Contributions that do not add up to prediction minus base value are accepted, with the gap
in a note and in ``extra["efficiency_gap"]``; the narration then never states a total the
contributions do not make.

The functions here return the record's fields; ``Evidence.from_contributions`` and
``Evidence.from_shap`` build the record from them (this module does not import attributions.py,
which imports it). One module of a little over 400 lines: both readers build the same fields and
share their checks (unit, row id, numbers).

>>> from explainer_nlg.evidence import Evidence
>>> ev = Evidence.from_contributions([("bmi", 26.2, -24.5), ("blood pressure", 114, 12.0)],
...                                  prediction=141.0, base_value=153.5, unit="points", name="progression")
>>> ev.output_kind, ev.unit, [a.name for a in ev.top(1)]
('regression', 'points', ['bmi'])
>>> odd = Evidence.from_contributions([("bmi", 26.2, -24.5)], prediction=141.0, base_value=153.5, unit="points")
>>> odd.extra["efficiency_gap"], odd.notes[0][:44]
(12.0, 'The contributions add up to -24.5, but the p')
>>> contribution_fields([("bmi", 26.2, float("nan"))], prediction=1.0, base_value=0.0)
Traceback (most recent call last):
...
explainer_nlg.errors.ExplainerInputError: Every contribution must be a finite number: bmi is nan.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ExplainerInputError
from .percentiles import record_percentiles
from .serialise import to_plain

# attributions.OUTPUT_KINDS, not imported: attributions.py imports this module (Evidence.from_contributions,
# Evidence.from_shap build the record from the fields made here).
OUTPUT_KINDS = ("classification", "regression")
UNIT_MAX_CHARS = 24
LOG_ODDS_UNITS = ("log-odds", "log odds", "logit", "logits", "log-odds units")
# A gap below this share of the largest figure is float error, not a gap.
GAP_TOLERANCE = 1e-6


def check_unit(unit: Any) -> str | None:
    """The unit as the record keeps it: plain text, at most ``UNIT_MAX_CHARS`` characters, one line.

    Markup is kept as the literal text it is (a shell that renders HTML escapes it).

    >>> check_unit(" $ "), check_unit(None), check_unit("<b>$</b>")
    ('$', None, '<b>$</b>')
    """
    if unit is None:
        return None
    if not isinstance(unit, str):
        raise ExplainerInputError(f"unit must be text such as '$' or 'points', not {type(unit).__name__}.")
    unit = unit.strip()
    if not unit:
        return None
    if len(unit) > UNIT_MAX_CHARS or any(ord(ch) < 32 for ch in unit):
        raise ExplainerInputError(f"unit must be a short name on one line (at most {UNIT_MAX_CHARS} characters), "
                                  f"such as '$' or 'points'; got {unit[:40]!r}.")
    return unit


ROW_ID_MAX_CHARS = 80


def check_row_id(row_id: Any) -> str | int:
    """A row's id as the record keeps it: a whole number, or a name on one line.

    >>> check_row_id(17), check_row_id(" India 2005 ")
    (17, 'India 2005')
    >>> check_row_id(["a"])
    Traceback (most recent call last):
    ...
    explainer_nlg.errors.ExplainerInputError: row_id must be a number or a short name such as 'India 2005', not list.
    """
    if isinstance(row_id, (int, np.integer)) and not isinstance(row_id, bool):
        return int(row_id)
    if not isinstance(row_id, str):
        raise ExplainerInputError(f"row_id must be a number or a short name such as 'India 2005', not "
                                  f"{type(row_id).__name__}.")
    name = row_id.strip()
    if not name or len(name) > ROW_ID_MAX_CHARS or any(ord(ch) < 32 for ch in name):
        raise ExplainerInputError(f"row_id must be a short name on one line (at most {ROW_ID_MAX_CHARS} "
                                  f"characters); got {row_id[:40]!r}.")
    return name


def _number(v: Any, what: str) -> float:
    if isinstance(v, bool):
        raise ExplainerInputError(f"{what} must be a number, not {v!r}.")
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ExplainerInputError(f"{what} must be a number, not {v!r}.") from None
    if not math.isfinite(x):
        raise ExplainerInputError(f"{what} must be a finite number, not {v!r}.")
    return x


def _items(contributions: Any) -> list[tuple[str, Any, Any]]:
    """(name, value, contribution) triples from tuples, pairs, dicts or a {name: contribution} map."""
    if isinstance(contributions, dict):
        contributions = list(contributions.items())
    if isinstance(contributions, (str, bytes)) or not isinstance(contributions, Sequence) or not contributions:
        raise ExplainerInputError("contributions must be a non-empty list of (name, value, contribution) "
                                  "or (name, contribution).")
    out = []
    for i, item in enumerate(contributions):
        if isinstance(item, dict):
            if "name" not in item or "contribution" not in item:
                raise ExplainerInputError(f"Contribution {i} needs 'name' and 'contribution': {item!r}.")
            out.append((item["name"], item.get("value"), item["contribution"]))
        elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
            out.append((item[0], None, item[1]) if len(item) == 2 else tuple(item))
        else:
            raise ExplainerInputError(f"Contribution {i} must be (name, value, contribution) or (name, "
                                      f"contribution); got {item!r}.")
    return out


def _probabilities_from(unit: str | None, output: float, label: str, classes: list[str] | None) -> dict[str, float]:
    """p(label) where the unit says how to read it (probability, log-odds of a binary model), with the
    other class's share when there are exactly two."""
    if unit == "probability":
        p = output
    elif unit in LOG_ODDS_UNITS and (classes is None or len(classes) <= 2):
        p = 1.0 / (1.0 + math.exp(-output))
    else:
        return {}
    if not 0.0 <= p <= 1.0:
        raise ExplainerInputError(f"A probability must lie between 0 and 1; the prediction is {output:g}.")
    probs = {label: p}
    if classes is not None and len(classes) == 2:
        probs[next(c for c in classes if c != label)] = 1.0 - p
    return probs


def contribution_fields(contributions: Any, prediction: float | None = None, base_value: float | None = None,
                        unit: str | None = None, kind: str = "regression", *, label: str | None = None,
                        classes: list[str] | None = None, probabilities: dict[str, float] | None = None,
                        predicted_label: str | None = None, name: str | None = None, input_kind: str = "tabular",
                        text: str | None = None, method: str = "contributions computed elsewhere",
                        standard_errors: Sequence[float] | None = None, notes: list[str] | None = None,
                        extra: dict | None = None, row_id: str | int | None = None,
                        percentiles: dict[str, float] | None = None, background: Any = None) -> dict:
    """The fields of an Evidence record from plain contributions ``[(name, value, contribution), ...]``
    (attributions as dicts); ``Evidence.from_contributions`` builds the record.

    ``kind``: "regression" (``prediction`` and ``base_value`` in the model's unit, ``name`` the
    predicted quantity, default "prediction") or "classification" (``label``: the class the
    contributions explain; ``classes`` and ``probabilities`` where known). Give ``prediction``,
    ``base_value`` or both: a missing one is taken as the other plus (or minus) the sum of the
    contributions, and a note says so. ``unit``: "$", "points", "probability", "log-odds", ... or
    None for unnamed units. For a classification in "probability" or in the log-odds of a two-class
    model, the probabilities follow from the prediction when they are not given. ``input_kind``:
    "tabular" (names are features) or "text" (names are words of ``text``, repeats allowed).
    ``row_id``: which row this is, a number or a short name ("India 2005", "buick estate wagon"):
    the verifier reads a text that calls the row by its name ("India's life expectancy").
    ``percentiles``: {feature: share of other rows whose value is below this row's, ties counting
    half}, or ``background``: those other rows (a DataFrame, a dict of columns, or a 2-D array with
    one column per contribution, in their order), from which they are computed; kept as
    ``extra["percentiles"]`` so that the verifier can check "a light car" or "her low income"
    (``percentiles.record_percentiles``: given ones win; the background's non-numeric columns and
    features it lacks are left out).
    """
    if kind not in OUTPUT_KINDS:
        raise ExplainerInputError(f"kind must be one of {', '.join(OUTPUT_KINDS)}, not {kind!r}.")
    if input_kind not in ("tabular", "text", "image"):
        raise ExplainerInputError(f"input_kind must be 'tabular', 'text' or 'image', not {input_kind!r}.")
    unit = check_unit(unit)
    items = _items(contributions)
    names = []
    for i, (n, _, _) in enumerate(items):
        if n is None or not str(n).strip():
            raise ExplainerInputError(f"Contribution {i} has no name.")
        names.append(str(n).strip() if input_kind != "text" else str(n))
    bad = [f"{n} is {c!r}" for n, (_, _, c) in zip(names, items)
           if isinstance(c, bool) or not isinstance(c, (int, float, np.integer, np.floating))
           or not math.isfinite(float(c))]
    if bad:
        raise ExplainerInputError(f"Every contribution must be a finite number: {'; '.join(bad[:5])}.")
    if input_kind != "text":
        seen: set[str] = set()
        twice = sorted({n for n in names if n in seen or seen.add(n)})
        if twice:
            raise ExplainerInputError(f"Each feature may be given once; given twice: {', '.join(twice)}.")
    values = [float(c) for _, _, c in items]
    errors = None
    if standard_errors is not None:
        if len(standard_errors) != len(values):
            raise ExplainerInputError(f"standard_errors has {len(standard_errors)} entries but there are "
                                      f"{len(values)} contributions.")
        errors = [_number(e, f"The standard error of {n}") for n, e in zip(names, standard_errors)]
    total = float(sum(values))
    notes = list(notes or [])
    probs = {str(k): _number(v, f"The probability of {k!r}") for k, v in (probabilities or {}).items()}
    classes = [str(c) for c in classes] if classes is not None else (list(probs) or None)
    if kind == "classification":
        if label is None:
            if not probs:
                raise ExplainerInputError("A classification needs label= (the class the contributions explain) "
                                          "or probabilities=.")
            label = max(probs, key=probs.get)
        label = str(label)
        if classes is not None and label not in classes:
            raise ExplainerInputError(f"label {label!r} is not one of the classes: {', '.join(map(repr, classes))}.")
        if prediction is None and base_value is None and unit == "probability" and label in probs:
            prediction = probs[label]
    if prediction is None and base_value is None:
        raise ExplainerInputError("Give prediction= or base_value= (or both): the contributions explain the "
                                  "difference between them.")
    if prediction is None:
        base_value = _number(base_value, "base_value")
        prediction = base_value + total
        notes.append("The prediction was not given; it is taken as the base value plus the contributions.")
    elif base_value is None:
        prediction = _number(prediction, "prediction")
        base_value = prediction - total
        notes.append("The base value was not given; it is taken as the prediction minus the contributions.")
    prediction, base_value = _number(prediction, "prediction"), _number(base_value, "base_value")
    gap = (prediction - base_value) - total
    scale = max(abs(prediction), abs(base_value), max(abs(v) for v in values), 1e-12)
    if abs(gap) <= GAP_TOLERANCE * scale:
        gap = 0.0
    else:
        share = f" ({abs(gap) / abs(prediction - base_value):.1%} of it)" if prediction != base_value else ""
        notes.append(f"The contributions add up to {total:.6g}, but the prediction minus the base value is "
                     f"{prediction - base_value:.6g}: a gap of {gap:.6g}{share}. No sentence states a total "
                     "the contributions do not make.")
    if kind == "regression":
        output = str(name).strip() if name is not None and str(name).strip() else "prediction"
        predicted, target, probs = output, output, {}
    else:
        target = label
        if not probs:
            probs = _probabilities_from(unit, prediction, label, classes)
        if predicted_label is not None:
            predicted = str(predicted_label)
        elif probs and (len(probs) == len(classes or probs) or max(probs.values()) > 0.5):
            predicted = max(probs, key=probs.get)
        else:
            predicted = ""  # the record cannot say which class won
    spans: list[tuple[int, int] | None] = [None] * len(items)
    if input_kind == "text" and (percentiles or background is not None):
        raise ExplainerInputError("percentiles and background are for the features of a table; the words of a "
                                  "text have no standing among other rows.")
    standing = record_percentiles(names, [v for _, v, _ in items], percentiles, background)
    if input_kind == "text":
        text = "".join(names) if text is None else str(text)
        spans = _spans(text, names)
        names = [n.strip() for n in names]
        input_ = {"text": text}
    else:
        input_ = {"row": {n: to_plain(v) for n, (_, v, _) in zip(names, items)}}
    if row_id is not None:
        input_["row_id"] = check_row_id(row_id)
    attributions = [{"name": n, "value": to_plain(v) if input_kind != "text" else n, "contribution": c,
                     "span": s, "standard_error": None if errors is None else errors[i]}
                    for i, (n, (_, v, _), c, s) in enumerate(zip(names, items, values, spans))]
    return dict(kind=input_kind, predicted_label=predicted, probabilities=probs, target_label=target,
                base_value=base_value, attributions=attributions, method=method, n_evaluations=0, seconds=0.0,
                input=input_, notes=notes,
                extra={**(extra or {}), "source": "outside", "efficiency_gap": gap,
                       **({"percentiles": standing} if standing else {})},
                output_kind=kind, unit=unit, prediction=prediction)


def _spans(text: str, words: list[str]) -> list[tuple[int, int] | None]:
    """Each word's [start, end) in ``text``, found left to right; None where a word is not there."""
    out, pos = [], 0
    for w in words:
        w = w.strip()
        at = text.find(w, pos) if w else -1
        if at < 0:
            out.append(None)
        else:
            out.append((at, at + len(w)))
            pos = at + len(w)
    return out


# ---- shap.Explanation ----------------------------------------------------------------------------

def shap_fields(explanation: Any, output: Any = None, *, row: int | None = None, kind: str | None = None,
                unit: str | None = None, name: str | None = None, classes: list[str] | None = None,
                probabilities: dict[str, float] | None = None, method: str | None = None,
                percentiles: dict[str, float] | None = None, background: Any = None) -> dict:
    """The fields of an Evidence record from a ``shap.Explanation`` of one prediction (values,
    base_values, data, feature_names, output_names), in any unit; ``Evidence.from_shap`` builds it.

    ``row``: which row, when the explanation holds several (otherwise several rows are refused:
    pass ``explanation[i]``, or make one record per row). ``output``: the output's name or index
    for a multi-output explanation (default: the one with the highest prediction, i.e. the
    predicted class when the outputs are probabilities). ``kind``: "regression" or
    "classification" (default: classification when there are several outputs or the unit is
    "probability" or log-odds, else regression). ``unit``: "$", "points", "log-odds", ...;
    a multi-output explanation whose outputs sum to 1 is read as "probability". Text explanations
    (the data are tokens, as shap's text masker gives them) become text Evidence over the words.
    ``percentiles`` or ``background`` (the rows the row is compared with: the explainer's masker
    data, or the training table; a 2-D array's columns are the explanation's features): as for
    ``contribution_fields``.
    """
    values = getattr(explanation, "values", None)
    if values is None or not hasattr(explanation, "base_values"):
        raise ExplainerInputError(f"from_shap takes a shap.Explanation; got {type(explanation).__name__}.")
    data = getattr(explanation, "display_data", None)
    if data is None:
        data = getattr(explanation, "data", None)
    base = explanation.base_values
    values, base, data, n_rows = _one_row(values, base, data, row)
    feature_names = getattr(explanation, "feature_names", None)
    text = _is_text(data)
    if text:
        names = [str(t) for t in np.asarray(data, dtype=object).reshape(-1)]
    elif feature_names is not None:
        fn = np.asarray(feature_names, dtype=object)
        if fn.ndim == 2:  # one list of names per row
            fn = fn[0 if row is None else row]
        names = [str(n) for n in fn.reshape(-1)]
    else:
        names = [f"feature {i}" for i in range(values.shape[0])]
    if len(names) != values.shape[0]:
        raise ExplainerInputError(f"The Explanation has {values.shape[0]} values but {len(names)} feature names.")
    shown = [None] * len(names)
    if data is not None and not text:
        flat = np.asarray(data, dtype=object).reshape(-1)
        if len(flat) != len(names):
            raise ExplainerInputError(f"The Explanation has {len(names)} values but {len(flat)} data values.")
        shown = [to_plain(v) for v in flat]
    out_names = getattr(explanation, "output_names", None)
    if isinstance(out_names, str):
        out_names = [out_names]
    if values.ndim == 2 and values.shape[1] == 1:
        values, base = values[:, 0], np.asarray(base, dtype=float).reshape(-1)[0]
    if values.ndim == 2:  # several outputs
        k = values.shape[1]
        out_names = [str(o) for o in out_names] if out_names is not None and len(out_names) == k else \
            (list(classes) if classes is not None and len(classes) == k else [f"output {j}" for j in range(k)])
        base = np.asarray(base, dtype=float).reshape(-1)
        if len(base) != k:
            raise ExplainerInputError(f"The Explanation has {k} outputs but {len(base)} base values.")
        totals = base + values.sum(axis=0)
        if unit is None and np.all((totals >= -1e-6) & (totals <= 1 + 1e-6)) and abs(totals.sum() - 1) < 0.01:
            unit = "probability"
        if output is None:
            j = int(np.argmax(totals))
        elif isinstance(output, (int, np.integer)) and not isinstance(output, bool):
            if not 0 <= output < k:
                raise ExplainerInputError(f"output {output} is out of range: the Explanation has {k} outputs.")
            j = int(output)
        elif str(output) in out_names:
            j = out_names.index(str(output))
        else:
            raise ExplainerInputError(f"There is no output {output!r}. Outputs: {', '.join(map(repr, out_names))}.")
        if unit == "probability" and probabilities is None:
            probabilities = {o: float(t) for o, t in zip(out_names, totals)}
        if classes is None:
            classes = out_names
        contribs, base_value, label = values[:, j], float(base[j]), out_names[j]
        kind = kind or "classification"
    else:
        base_value = float(np.asarray(base, dtype=float).reshape(-1)[0])
        contribs = values
        label = str(out_names[0]) if out_names else None
        if kind is None:
            kind = "classification" if (unit == "probability" or unit in LOG_ODDS_UNITS or probabilities) else "regression"
        if kind == "classification" and label is None:
            if classes is not None and len(classes) == 2:
                label = str(classes[1])  # one output of a two-class model: the second class, as sklearn orders them
            elif probabilities:
                label = max(probabilities, key=probabilities.get)
            else:
                raise ExplainerInputError("This one-output Explanation does not name its class: pass classes=[...] "
                                          "(two classes: the output is the second's) or probabilities=.")
    items = list(zip(names, shown, (float(c) for c in contribs)))
    if text:
        items = [(n, n, c) for n, _, c in items if n.strip() or abs(c) > 1e-12]
    errors = getattr(explanation, "error_std", None)
    se = None
    if errors is not None and not text:
        e = np.asarray(errors, dtype=float)
        e = e[row] if (row is not None and e.ndim > 1) else e
        e = e.reshape(len(names), -1)[:, 0] if e.size >= len(names) else None
        se = None if e is None else [float(x) for x in e]
    prediction = base_value + float(np.sum(contribs))
    note = [] if n_rows is None else [f"Row {row} of the {n_rows} rows the Explanation holds."]
    return contribution_fields(
        items, prediction=prediction, base_value=base_value, unit=unit, kind=kind,
        label=label if kind == "classification" else None, classes=classes, probabilities=probabilities,
        name=name or (label if kind == "regression" else None), input_kind="text" if text else "tabular",
        text="".join(n for n, _, _ in items) if text else None, standard_errors=se,
        method=method or "shap values (computed elsewhere)", notes=note, percentiles=percentiles,
        background=background)


def _is_text(data: Any) -> bool:
    if data is None:
        return False
    flat = np.asarray(data, dtype=object).reshape(-1)
    return len(flat) > 0 and all(isinstance(t, str) for t in flat) and any(t[-1:].isspace() for t in flat)


def _one_row(values: Any, base: Any, data: Any, row: int | None):
    """(values as (features,) or (features, outputs), base values, data, rows held or None) for one row."""
    vals = np.asarray(values, dtype=object if _ragged(values) else float)
    base_arr = np.asarray(base, dtype=float) if base is not None else np.zeros(1)
    # Rows are the first axis when there is a batch: text batches are ragged (one array per row), a
    # tabular batch has data of two dimensions or base values of one per row.
    rows = None
    if vals.dtype == object:
        rows = len(vals)
    elif vals.ndim == 3:
        rows = vals.shape[0]
    elif vals.ndim == 2 and data is not None and np.asarray(data, dtype=object).ndim == 2:
        rows = vals.shape[0]
    elif vals.ndim == 2 and base_arr.ndim == 1 and len(base_arr) == vals.shape[0] and base_arr.size > 1 \
            and not (data is not None and len(np.asarray(data, dtype=object).reshape(-1)) == vals.shape[0]):
        rows = vals.shape[0]
    if rows is None:
        return np.asarray(vals, dtype=float), base_arr, data, None
    if row is None:
        if rows == 1:
            row_data = None if data is None else np.asarray(data, dtype=object)[0]
            return np.asarray(vals[0], dtype=float), _row_base(base_arr, 0), row_data, None
        raise ExplainerInputError(f"This Explanation holds {rows} rows, and Evidence is about one prediction: "
                                  "pass one row (explanation[i], or row=i), or make one record per row "
                                  "([Evidence.from_shap(e) for e in explanation]).")
    if not 0 <= row < rows:
        raise ExplainerInputError(f"row {row} is out of range: the Explanation holds {rows} rows.")
    row_data = None if data is None else np.asarray(data, dtype=object)[row]
    return np.asarray(vals[row], dtype=float), _row_base(base_arr, row), row_data, rows


def _row_base(base: np.ndarray, i: int) -> np.ndarray:
    return base[i] if base.ndim >= 1 and base.shape[0] > i and base.size > 1 else base.reshape(-1)[:1] \
        if base.ndim >= 1 else base


def _ragged(values: Any) -> bool:
    try:
        np.asarray(values, dtype=float)
        return False
    except (ValueError, TypeError):
        return True
