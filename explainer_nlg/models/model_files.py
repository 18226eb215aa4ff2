"""Reading a model file someone uploaded, without running code the file carries.

A pickle (and joblib, which is pickle inside) is a program: loading one can run any command as the
server's user. So uploaded scikit-learn models are read in skops' format, which holds data and
type names only, and loads a type only when it is trusted. skops trusts plain containers, numpy
and most scikit-learn estimators itself; ``TRUSTED_TYPES`` adds the few scikit-learn internals
fitted trees need. Anything else the file asks for is named to the user and refused. Pickle and
joblib files are refused unless the operator opts in (``allow_pickle``; the app's
``--trust-uploaded-pickles``).

>>> import tempfile, skops.io as sio
>>> from sklearn.tree import DecisionTreeClassifier
>>> path = tempfile.mktemp(suffix=".skops")
>>> sio.dump(DecisionTreeClassifier().fit([[0], [1]], ["no", "yes"]), path)
>>> loaded = load_sklearn_model(path)
>>> loaded.format, loaded.untrusted_types, loaded.model.predict([[1]]).tolist()
('skops', ['sklearn.tree._tree.Tree'], ['yes'])
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExplainerInputError

log = logging.getLogger(__name__)

# Types beyond skops' defaults that fitted scikit-learn classifiers hold: fitted trees, neighbour
# indexes, optimiser and calibration state, numpy dtypes. Each is a scikit-learn or numpy class
# rebuilt from arrays and numbers; none runs user code. The list is what get_untrusted_types reported
# for 17 classifier kinds and a column-transformer pipeline (scikit-learn 1.9, skops 0.16).
TRUSTED_TYPES = (
    "numpy.dtype",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "sklearn.tree._tree.Tree",
    "sklearn.utils._bunch.Bunch",
)
MAX_MODEL_BYTES = 200 * 1024 * 1024
SKOPS_HINT = ("Save the model with skops instead (``import skops.io; skops.io.dump(model, 'model.skops')``) "
              "and upload that file")


@dataclass
class LoadedModel:
    """A model read from a file: the object, the format, and the types beyond skops' defaults that
    the file asked for (each of them in the trusted list, or the file would have been refused)."""

    model: Any
    format: str
    untrusted_types: list[str] = field(default_factory=list)


def sniff(path: str | Path) -> str:
    """'skops', 'pickle', 'joblib' (compressed pickle) or 'unknown', from the file's first bytes.

    >>> import pickle, tempfile
    >>> p = tempfile.mktemp()
    >>> _ = open(p, "wb").write(pickle.dumps([1]))
    >>> sniff(p)
    'pickle'
    """
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "skops"
    if head[:1] == b"\x80" or head[:1] in (b"(", b"]", b"}", b"c"):  # protocol 2+, or protocol 0/1 opcodes
        return "pickle"
    zlib = len(head) >= 2 and head[0] == 0x78 and (head[0] * 256 + head[1]) % 31 == 0
    if zlib or head.startswith((b"ZF", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"]\x00\x00")):
        return "joblib"  # joblib's compressed pickles: zlib, gzip, bz2, xz, lzma
    return "unknown"


def load_sklearn_model(path: str | Path, allow_pickle: bool = False,
                       trusted: tuple[str, ...] | list[str] = ()) -> LoadedModel:
    """The fitted model in ``path``: a skops file, or with ``allow_pickle`` a pickle/joblib file.

    ``trusted``: more type names to trust beyond ``TRUSTED_TYPES`` (the operator's choice).
    Raises ExplainerInputError naming the problem: a pickle when pickles are not allowed, the
    untrusted types a skops file asks for, a file that is no model, one over the size limit.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise ExplainerInputError(f"The model file is {size / 1e6:.0f} MB; the limit is {MAX_MODEL_BYTES / 1e6:.0f} MB.")
    kind = sniff(path)
    if kind == "skops":
        return _load_skops(path, tuple(TRUSTED_TYPES) + tuple(trusted))
    if kind in ("pickle", "joblib"):
        if not allow_pickle:
            raise ExplainerInputError(
                f"This is a {kind} file. Loading a {kind} file can run any code it carries, so this app does not "
                f"load them. {SKOPS_HINT}. (The operator of a private app can allow pickles with "
                "--trust-uploaded-pickles.)")
        return LoadedModel(_load_pickle(path, kind), kind)
    raise ExplainerInputError(f"The model file is not a skops file (nor a pickle). {SKOPS_HINT}.")


def _load_skops(path: Path, trusted: tuple[str, ...]) -> LoadedModel:
    import skops.io as sio

    try:
        asked = sorted(sio.get_untrusted_types(file=path))
    except Exception as err:  # noqa: BLE001 - a damaged zip or schema: any parse error means "unreadable"
        raise ExplainerInputError(f"The model file is not a skops file this app can read ({_short(err)}).") from None
    refused = [t for t in asked if t not in trusted]
    if refused:
        raise ExplainerInputError(
            "The model file asks for types this app does not trust, so it was not loaded: "
            f"{', '.join(refused)}. A scikit-learn model needs none of these; check where the file came from.")
    try:
        model = sio.load(path, trusted=asked)  # only names on our list reach here
    except Exception as err:  # noqa: BLE001 - version mismatches and damaged arrays surface as many types
        raise ExplainerInputError(f"The skops file could not be loaded ({_short(err)}). Save it with the "
                                  "scikit-learn version this app runs.") from None
    return LoadedModel(model, "skops", asked)


def _load_pickle(path: Path, kind: str) -> Any:
    log.warning("Loading an uploaded %s file (%s): allowed by --trust-uploaded-pickles; it may run code.", kind,
                path.name)
    try:
        if kind == "joblib":
            import joblib

            return joblib.load(path)  # noqa: S301 - the operator opted in
        import pickle

        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - the operator opted in
    except Exception as err:  # noqa: BLE001 - unpickling raises anything a class's code raises
        raise ExplainerInputError(f"The {kind} file could not be loaded ({_short(err)}).") from None


def _short(err: Exception) -> str:
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= 200 else text[:197] + "..."

