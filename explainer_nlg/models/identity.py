"""Which model answered: a name and a SHA-256 of what the model is, for the audit log.

A torch model is hashed over its weights (each tensor's name, dtype, shape and bytes, in order),
so the same weights loaded from any file or directory give the same hash; a scikit-learn model
over its pickled bytes (the fitted estimator as Python sees it). Either changes when the model
is retrained. The data an explainer compares against is hashed apart (``data_sha256``): the same
model with other background rows gives other explanations.

>>> import pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> m = LogisticRegression().fit(pd.DataFrame({"a": [0, 1, 2, 3]}), [0, 0, 1, 1])
>>> ident = model_identity(m)
>>> ident["name"], ident["how"], len(ident["sha256"])
('LogisticRegression', 'pickled bytes', 64)
>>> model_identity(m) == ident
True
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any


def model_identity(model: Any) -> dict[str, str]:
    """``{"name", "sha256", "how"}`` for a fitted model (torch module or anything picklable)."""
    name = type(model).__name__
    state = getattr(model, "state_dict", None)
    if callable(state):
        h = hashlib.sha256()
        for key, tensor in state().items():
            t = tensor.detach().cpu().contiguous()
            h.update(f"{key}|{t.dtype}|{tuple(t.shape)}|".encode())
            # numpy has no bfloat16: such weights are hashed as their exact float32 values
            h.update((t.float() if str(t.dtype) == "torch.bfloat16" else t).numpy().tobytes())
        return {"name": name, "sha256": h.hexdigest(), "how": "weights (state_dict)"}
    try:
        blob = pickle.dumps(model, protocol=4)
    except Exception as err:  # noqa: BLE001 - an unpicklable model is still named, and says why
        return {"name": name, "sha256": "", "how": f"not hashable ({type(err).__name__})"}
    return {"name": name, "sha256": hashlib.sha256(blob).hexdigest(), "how": "pickled bytes"}


def data_hash(frame: Any) -> str:
    """SHA-256 of a DataFrame's values and index (pandas' own stable row hashes)."""
    import pandas as pd

    rows = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    cols = "|".join(map(str, frame.columns)).encode()
    return hashlib.sha256(cols + rows.tobytes()).hexdigest()
