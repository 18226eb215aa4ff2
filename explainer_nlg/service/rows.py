"""An applicant's row as the page shows it and as a person edits it.

The page shows a row as a two-column table of strings; an edited table becomes a new row, typed
like the original. An edited value far outside what the data holds is refused with a message;
one merely outside the range is explained with a warning the customer sees.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ExplainerInputError
from ..models.value_checks import check_number, outside_note


def edited_row(ex: Any, row_id: Any, row_table: Any) -> Any:
    """The page's applicant: the row id, or, when a field in the table was edited, the whole row
    as a dict with the edits (asked about as a new applicant). Values are typed like the original
    row's; a value that cannot be read raises an ExplainerInputError that names the field."""
    if row_id is None or str(row_id).strip() == "":
        return None
    from ..attribution.tabular_attributor import lookup_id

    rid = int(row_id)
    original = ex.rows().loc[lookup_id(ex.rows(), rid)]
    edited = row_from_table(row_table)
    feats = list(ex.info.get("features") or [])
    if edited and any(not same_value(edited[f], original[f]) for f in feats if f in edited):
        return {f: typed(f, edited[f], original[f]) if f in edited else plain(original[f]) for f in feats}
    return rid


def row_warnings(ex: Any, row: dict) -> list[str]:
    """Warnings for the numeric values of ``row`` outside the data's range; an ExplainerInputError
    for one far outside it (1e12 for an age) or not a number at all.

    >>> from explainer_nlg import Explainer
    >>> ex = Explainer.demo("loan")
    >>> row_warnings(ex, {**ex.rows().loc[17, ex.info["features"]].to_dict(), "Age": -5})
    ['Age -5 is outside the range seen in the data (18 to 68): the model never saw such a value, so its answer is a guess.']
    """
    schema = ex.schema
    notes = []
    for f, v in row.items():
        if f in schema.numeric_range and not missing(v):
            note = outside_note(schema, f, check_number(schema, f, v))
            if note:
                notes.append(note)
    return notes


def edit_note(ex: Any, row_id: Any, row: dict) -> str:
    """'About row 17 as edited (Income 330 → 50):', from the edited row and the original.

    >>> from explainer_nlg import Explainer
    >>> ex = Explainer.demo("loan")
    >>> edit_note(ex, 17, {**ex.rows().loc[17, ex.info["features"]].to_dict(), "Income": 50})
    'About row 17 as edited (Income 330 → 50):'
    """
    from ..narrate.facts import fmt_number

    original = ex.rows().loc[int(row_id)]

    def shown(v):
        return "missing" if missing(v) else fmt_number(plain(v))

    changed = [f"{f} {shown(original[f])} → {shown(v)}" for f, v in row.items()
               if f in original.index and not same_value(v, original[f])]
    return f"About row {int(row_id)} as edited ({'; '.join(changed)}):"


def same_value(shown: Any, original: Any) -> bool:
    """Whether a table cell still holds the original value ("330" and 330.0 are the same)."""
    if str(shown) == str(original) or (missing(shown) and missing(original)):
        return True
    try:
        return float(shown) == float(original)
    except (TypeError, ValueError):
        return False


def cell(v: Any) -> str:
    """A value as the table shows it: 330.0 as "330" (a float column only because the data has
    gaps), a missing value as an empty cell (read back as missing by ``edited_row``).

    >>> cell(330.0), cell(2.5), cell(float("nan")), cell("priv")
    ('330', '2.5', '', 'priv')
    """
    if missing(v):
        return ""
    v = plain(v)
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def table_rows(ex: Any, row_id: Any) -> list[list[str]] | None:
    """The page's two-column table for a row id, or None when there is no such row."""
    from ..attribution.tabular_attributor import lookup_id

    if ex.kind != "tabular" or row_id is None:
        return None
    feats = list(ex.info.get("features") or [])
    row = ex.rows().loc[lookup_id(ex.rows(), int(row_id)), feats]
    return [[f, cell(row[f])] for f in feats]


def missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def row_from_table(table: Any) -> dict:
    if table is None:
        return {}
    rows = table.values.tolist() if hasattr(table, "values") else table
    if isinstance(rows, dict):
        rows = rows.get("data") or []
    return {str(r[0]): r[1] for r in rows if isinstance(r, (list, tuple)) and len(r) >= 2 and r[0] not in (None, "")}


def typed(feature: str, value: Any, like: Any) -> Any:
    """A table cell as the type of the original value; an emptied cell is a missing value (the
    row's validation then says whether the model accepts one)."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(like, (int, float, np.integer, np.floating)) and not isinstance(like, (bool, np.bool_)):
        try:
            v = float(str(value).replace(",", ""))
        except (TypeError, ValueError):
            raise ExplainerInputError(f"{feature} must be a number, not {str(value)[:60]!r}.") from None
        if not np.isfinite(v):
            raise ExplainerInputError(f"{feature} must be a finite number, not {str(value)[:60]!r}.")
        return int(v) if v.is_integer() and isinstance(like, (int, np.integer)) and abs(v) < 2**63 else v
    return str(value).strip()
