"""Plain data: what every record, answer and API response is turned into before it leaves the package.

``to_plain`` is the one conversion (records, answers, the chat's figures and the app's cells all
use it), so a value reads the same in the Evidence JSON, a chat answer and the page.

>>> import numpy as np
>>> to_plain({"p": np.float64(0.25), "ids": np.array([3, 4]), 7: (1.5, float("nan"))})
{'p': 0.25, 'ids': [3, 4], '7': [1.5, None]}
"""

from __future__ import annotations

import math
from typing import Any


def to_plain(obj: Any) -> Any:
    """``obj`` as JSON-native data: dict keys become strings, tuples and arrays lists, numpy and
    pandas scalars Python numbers, NaN None, and a record (anything with ``to_dict``) its dict;
    anything else that JSON cannot hold becomes its ``str``.

    >>> import pandas as pd
    >>> to_plain(pd.Series([1.0, None])), to_plain(pd.Timestamp("2024-01-02")), to_plain(True)
    ([1.0, None], '2024-01-02 00:00:00', True)
    """
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, str) or obj is None:
        return obj
    if hasattr(obj, "tolist"):  # numpy arrays and scalars (np.float64 too), pandas Series and Index
        return to_plain(obj.tolist())
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, (bool, int)):
        return obj
    if callable(getattr(obj, "to_dict", None)):  # our records; a pandas DataFrame reads as {column: {row: value}}
        return to_plain(obj.to_dict())
    if callable(getattr(obj, "item", None)):
        return to_plain(obj.item())
    return str(obj)
