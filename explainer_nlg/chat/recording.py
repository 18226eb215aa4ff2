"""Put an answer on the record: the audit entry for one ChatAnswer, appended to the audit log.

The Assistant calls this for the Python API (``ex.ask``); the Service calls it for the app and
the HTTP API, after it has added the notes every reader sees, so the entry holds the text as
shown. An entry keeps what the person sent and saw (question, input, answer, sentences) and what
the answer rests on (the evidence, the LLM's prompt and raw output, the model's identity); nothing
else. When the log cannot be written the answer is still given, and says it is not recorded.

>>> from explainer_nlg.store.audit import AuditLog
>>> from explainer_nlg.chat.reply import ChatAnswer, OpResult
>>> log = AuditLog("sqlite://")
>>> a = ChatAnswer("There are 3 rows.", {"ops": [{"op": "count"}]}, (OpResult("count", "There are 3 rows."),), "s-1")
>>> r = record_answer(log, None, a, question="how many?", source="python")
>>> r.audit["recorded"], r.audit["case"], log.get(1)["payload"]["answer"]
(True, 1, 'There are 3 rows.')
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import io
import json
import logging
import weakref
from typing import Any

from ..evidence.serialise import to_plain
from ..store.audit import AuditLog, AuditUnavailable
from .reply import ChatAnswer

log = logging.getLogger(__name__)
_identities: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
THUMBNAIL = 256  # longest side of the photo kept with an image answer (the person sent it)


def not_recorded_notice(error: str) -> str:
    return f"(Not on the record: {error} This answer was shown but not recorded.)"


def record_answer(audit: AuditLog | None, ex: Any, answer: ChatAnswer, *, question: str, source: str,
                  operator: str | None = None, audience: str = "", x: Any = None, kind: str = "answer",
                  revises: int | None = None) -> ChatAnswer:
    """``answer`` with its ``audit`` field set: ``{"recorded": True, "case", "hash"}``, or, where the
    log cannot be written, ``{"recorded": False, "error"}`` and a sentence saying so in its text.
    ``x``: the input (default: the one the Assistant kept on the answer). ``revises``: the case
    this entry revises (kind "revision": the same answer, reworded by the LLM after it was shown)."""
    if audit is None:
        return answer
    try:
        content = entry_content(ex, answer, question=question, source=source, operator=operator,
                                audience=audience, x=answer.input if x is None else x, kind=kind)
        if revises is not None:
            content["revises"] = int(revises)
        where = audit.append(content)
    except AuditUnavailable as err:
        log.warning("answer not recorded: %s", err)
        return dataclasses.replace(answer, text=f"{answer.text}\n\n{not_recorded_notice(str(err))}",
                                   audit={"recorded": False, "error": str(err)})
    except Exception as err:  # noqa: BLE001 - a failure to record never takes the answer away
        log.exception("answer not recorded")
        msg = f"The answer could not be recorded ({type(err).__name__})."
        return dataclasses.replace(answer, text=f"{answer.text}\n\n{not_recorded_notice(msg)}",
                                   audit={"recorded": False, "error": msg})
    return dataclasses.replace(answer, audit={"recorded": True, "case": where.seq, "hash": where.hash})


def entry_content(ex: Any, answer: ChatAnswer, *, question: str, source: str, operator: str | None = None,
                  audience: str = "", x: Any = None, kind: str = "answer") -> dict:
    """The JSON an audit entry holds for ``answer`` (before the log adds its number, time and hash)."""
    parts = [part_content(p) for p in answer.parts]
    records = [p.evidence for p in answer.parts if p.evidence is not None]
    return {
        "kind": kind, "source": source, "session": str(answer.session), "operator": operator or "",
        "audience": audience, "question": str(question), "parsed": to_plain(answer.parsed),
        "answer": answer.text, "parts": parts,
        "model": identity(ex), "input": input_content(ex, x),
        "subject": subject(ex, x, answer.parsed),
        "package_version": package_version(), "seed": estimator_seed(),
        "model_calls": sum(model_calls(r) for r in records), "seconds": round(float(answer.seconds), 4),
    }


def part_content(p: Any) -> dict:
    """One operation's share of the entry: its text, figures, full evidence, and each sentence with
    its status and the verifier's verdict, plus the LLM call behind it."""
    out: dict[str, Any] = {"op": p.op, "text": p.text, "figures": to_plain(p.figures),
                           "evidence": to_plain(p.evidence), "table": to_plain(p.table), "sentences": [], "llm": None}
    n = p.narration
    if n is not None:
        out["sentences"] = [{"text": s.text, "template": s.template, "status": s.status, "slot": s.slot,
                             "verdict": "verified" if s.status in ("template", "rephrased") and not s.reason
                             else f"failed: {s.reason}" if s.reason else s.status, "reason": s.reason}
                            for s in n.sentences]
        out["llm"] = to_plain(dataclasses.asdict(n.llm)) if getattr(n, "llm", None) else None
        if out["evidence"] is None and n.evidence is not None:
            out["evidence"] = to_plain(n.evidence)
    return out


def model_calls(record: Any) -> int:
    """Model calls a record spent: its attributions' evaluations, a search's candidates."""
    total = 0
    for name in ("n_evaluations", "candidates_searched"):
        v = getattr(record, name, None)
        if isinstance(v, (int, float)):
            total += int(v)
    inner = getattr(record, "evidence", None)
    if inner is not None and inner is not record and not hasattr(record, "attributions"):
        total += model_calls(inner)
    return total


def identity(ex: Any) -> dict:
    """The answering model's identity, computed once per explainer (hashing weights takes a moment)."""
    if ex is None:
        return {"name": "", "sha256": "", "how": "no model"}
    try:
        return _identities[ex]
    except (KeyError, TypeError):
        pass
    from ..models.identity import data_hash, model_identity

    model = getattr(getattr(ex, "predictor", None), "model", None)
    ident = dict(model_identity(model)) if model is not None else {"name": "", "sha256": "", "how": "no model"}
    ident.update({"explainer": str(getattr(ex, "name", "")), "kind": str(getattr(ex, "kind", ""))})
    if getattr(ex, "kind", None) == "tabular":
        ident["data_sha256"] = data_hash(ex.rows())
    try:
        _identities[ex] = ident
    except TypeError:
        pass
    return ident


def input_content(ex: Any, x: Any) -> dict:
    """The input as the person gave it, with a SHA-256 of what the model saw: a row id and its
    values, a row, a text, or a photo (kept as a small thumbnail; the hash is of the full photo)."""
    if x is None or (isinstance(x, str) and not x.strip()):
        return {"kind": "none", "sha256": ""}
    kind = getattr(ex, "kind", "")
    if hasattr(x, "tobytes") and hasattr(x, "shape"):
        digest = hashlib.sha256(f"{x.shape}|{x.dtype}|".encode() + x.tobytes()).hexdigest()
        return {"kind": "image", "sha256": digest, "shape": list(x.shape), "thumbnail": thumbnail(x)}
    if kind == "tabular":
        row_id, row = (None, x) if isinstance(x, dict) else (x, _row(ex, x))
        shown = to_plain({"row_id": row_id, "row": row})
        return {"kind": "row", **shown, "sha256": _sha(shown)}
    text = str(x)
    return {"kind": "text", "text": text, "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()}


def subject(ex: Any, x: Any, parsed: dict) -> str:
    """What the answer is about, in a few words, for searching: "row 17", a message's start."""
    if x is None or (isinstance(x, str) and not x.strip()):
        filters = (parsed or {}).get("filters") or []
        return "rows where " + ", ".join(f"{f.get('feature')} {f.get('cmp', f.get('op', ''))} {f.get('value')}"
                                         for f in filters) if filters else ""
    if hasattr(x, "shape"):
        return f"photo {hashlib.sha256(x.tobytes()).hexdigest()[:12]}"
    if getattr(ex, "kind", "") == "tabular":
        return "row (edited)" if isinstance(x, dict) else f"row {x}"
    return str(x)[:200]


def thumbnail(image: Any) -> str:
    """The photo, at most THUMBNAIL pixels on its longest side, as a PNG data URL."""
    from PIL import Image

    im = Image.fromarray(image[..., :3].astype("uint8"))
    im.thumbnail((THUMBNAIL, THUMBNAIL))
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _row(ex: Any, row_id: Any) -> Any:
    try:
        return ex.rows().loc[row_id].to_dict()
    except Exception:  # noqa: BLE001 - the id alone still identifies the row
        return None


def _sha(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("explainer-nlg")
    except PackageNotFoundError:
        return "unknown"


@functools.cache
def estimator_seed() -> int:
    """The seed every sampled Shapley estimate runs with (the estimators' fixed default), so a
    sampled answer can be recomputed exactly."""
    import inspect

    from ..attribution.shapley_estimators import estimate_shapley

    return int(inspect.signature(estimate_shapley).parameters["seed"].default)
