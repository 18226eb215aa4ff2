"""The record, for the shells: find past answers, reopen one, export it as a case file.

The page's "Cases" tab and any HTTP API call these; they read the Service's audit log only.

>>> from explainer_nlg.service import Service
>>> svc = Service(store=False, audit="sqlite://")
>>> _ = svc.ask("how many applicants are older than 60?", "loan")
>>> [r["question"] for r in find_cases(svc, "older than 60")]
['how many applicants are older than 60?']
>>> export_case(svc, 1, "html")[:15]
'<!DOCTYPE html>'
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..errors import ExplainerInputError


def _log(service: Any) -> Any:
    if service.audit is None:
        raise ExplainerInputError("This app keeps no audit log, so there are no cases to find.")
    return service.audit


def _day(text: Any, end: bool = False) -> float | None:
    s = str(text or "").strip()
    if not s:
        return None
    try:
        t = datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise ExplainerInputError(f"{s[:40]!r} is not a date like 2026-11-30.") from None
    return t + 86400 if end else t


def find_cases(service: Any, text: Any = "", session: Any = "", since: Any = "", until: Any = "",
               limit: int = 100) -> list[dict]:
    """Recorded answers, newest first: ``text`` in the question, answer, subject ("row 17"), model
    or operator; ``session``; ``since``/``until`` dates (YYYY-MM-DD, UTC, both included)."""
    rows = _log(service).search(str(text or "")[:500], str(session or "")[:200], _day(since), _day(until, end=True),
                                limit=limit)
    return [{"case": r["seq"], "time": datetime.fromtimestamp(r["created_at"], timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
             "kind": r["kind"], "session": r["session"], "subject": r["subject"], "question": r["question"],
             "answer": r["answer"], "hash": r["hash"]} for r in rows]


def reopen_case(service: Any, case: Any) -> dict:
    """One recorded entry (``{"seq", "hash", "prev_hash", "payload", "sealed"}``; ``sealed`` says
    whether its content still matches its hash and the chain), or a clear error."""
    from ..case_files import seal_status

    log = _log(service)
    entry = log.get(_case_number(case))
    if entry is None:
        raise ExplainerInputError(f"There is no case #{str(case)[:40]} on the record.")
    entry["sealed"] = seal_status(log, entry)
    return entry


def export_case(service: Any, case: Any, fmt: str = "html", conversation: bool = False) -> str | bytes:
    """The case file: HTML text or PDF bytes (``fmt``)."""
    from ..case_files import case_html, load_case

    if fmt not in ("html", "pdf"):
        raise ExplainerInputError("A case file is html or pdf.")
    try:
        case_data = load_case(_log(service), _case_number(case), conversation=conversation)
    except ValueError as err:
        raise ExplainerInputError(str(err)) from None
    if fmt == "html":
        return case_html(case_data)
    from ..case_pdf import case_pdf

    return case_pdf(case_data)


def _case_number(case: Any) -> int:
    try:
        n = int(str(case).strip().lstrip("#"))
    except ValueError:
        raise ExplainerInputError(f"A case number is a whole number such as 42, not {str(case)[:40]!r}.") from None
    if n < 1:
        raise ExplainerInputError("Case numbers start at 1.")
    return n
