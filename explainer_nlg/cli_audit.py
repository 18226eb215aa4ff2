"""Command-line access to the record: verify the audit log, find entries, prune, export a case.

::

    explainer-nlg audit verify                      # walk the chain; exit 1 naming the first bad entry
    explainer-nlg audit list --search "row 17"      # newest first; --session, --since 2026-11-01
    explainer-nlg audit show 42                     # one entry's full JSON
    explainer-nlg audit prune --older-than-days 365 # retention (at least 183 days)
    explainer-nlg reasons --demo loan --row 3       # a reason notice, put on the record
    explainer-nlg export 42 --html case.html --pdf case.pdf   # a case file; --conversation for all of it

``--db`` names the log (a SQLAlchemy URL or a SQLite file); default: ``EXPLAINER_NLG_AUDIT``,
else ``EXPLAINER_NLG_STORE``, else ``~/.local/share/explainer-nlg/audit.sqlite``.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Any

COMMANDS = ("audit", "reasons", "export")


def add_commands(sub: Any) -> None:
    """Add ``audit`` to ``sub`` (the parser's subparsers)."""
    a = sub.add_parser("audit", help="the audit log: verify, list, show, prune")
    asub = a.add_subparsers(dest="audit_command", required=True)
    for name, text in (("verify", "walk the hash chain and name the first broken or edited entry"),
                       ("list", "list entries, newest first"), ("show", "print one entry as JSON"),
                       ("prune", "delete entries older than a number of days (retention)")):
        p = asub.add_parser(name, help=text)
        p.add_argument("--db", help="the audit log: a SQLAlchemy URL or a SQLite file (default: see the docs)")
        if name == "list":
            p.add_argument("--search", default="", help="text in the question, answer, subject or model")
            p.add_argument("--session", default="")
            p.add_argument("--since", help="a date (YYYY-MM-DD, UTC)")
            p.add_argument("--until", help="a date (YYYY-MM-DD, UTC), not included")
            p.add_argument("--limit", type=int, default=50)
        if name == "show":
            p.add_argument("case", help="the entry's number")
        if name == "prune":
            p.add_argument("--older-than-days", type=float, required=True)
    _add_reasons(sub)
    e = sub.add_parser("export", help="a case file (HTML, PDF) of one recorded answer or notice")
    e.add_argument("case", help="the entry's number (the answer's case id)")
    e.add_argument("--db", help="the audit log (default: see the docs)")
    e.add_argument("--html", help="write the self-contained HTML case file here")
    e.add_argument("--pdf", help="write the PDF case file here")
    e.add_argument("--conversation", action="store_true", help="the whole conversation the answer belongs to")


def _add_reasons(sub: Any) -> None:
    r = sub.add_parser("reasons", help="a reason notice: the principal reasons for an adverse decision (on the record)")
    r.add_argument("--demo", required=True, choices=["loan"])
    r.add_argument("--row", required=True, help="the applicant's row id")
    r.add_argument("--k", type=int, default=4, help="at most this many reasons (1 to 4; default 4)")
    r.add_argument("--no-counterfactual", action="store_true", help="leave out the illustrative counterfactual line")
    r.add_argument("--operator", help="who is issuing the notice, for the record")
    r.add_argument("--json", action="store_true", help="print the notice as JSON")


def _log(args):
    from .store.audit import AuditLog

    log = AuditLog.at(args.db) if args.db else AuditLog.at()
    if log is None:
        raise SystemExit("error: the audit log is off (EXPLAINER_NLG_AUDIT=off); name one with --db.")
    return log


def _day(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise SystemExit(f"error: {text!r} is not a date like 2026-11-30.") from None


def run(args) -> int:
    from .errors import ExplainerInputError
    from .store.audit import AuditUnavailable

    try:
        if args.command == "reasons":
            return _reasons(args)
        if args.command == "export":
            return _export(args)
        return _audit(args)
    except AuditUnavailable as err:
        print(f"error: {str(err).replace('cannot be written', 'cannot be read')}", file=sys.stderr)
        return 2
    except (ValueError, ExplainerInputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _reasons(args) -> int:
    from .explainer import Explainer

    ex = Explainer.demo(args.demo)
    notice = ex.reasons(ex.row_id(args.row), k=args.k, counterfactual=not args.no_counterfactual,
                        operator=args.operator)
    if args.json:
        print(json.dumps(notice.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(notice.text)
    if notice.audit and notice.audit.get("recorded"):
        print(f"\nOn the record as case #{notice.audit['case']} ({notice.audit['hash'][:16]}...): "
              f"explainer-nlg export {notice.audit['case']} --html notice.html")
    return 0


def _audit(args) -> int:
    log = _log(args)
    cmd = args.audit_command
    if cmd == "verify":
        v = log.verify()
        print(f"{log.where()}: {v.message()}")
        return 0 if v.ok else 1
    if cmd == "show":
        entry = log.get(args.case)
        if entry is None:
            print(f"error: there is no entry #{args.case} in {log.where()}.", file=sys.stderr)
            return 2
        print(json.dumps(entry, indent=2, ensure_ascii=False))
        return 0
    if cmd == "prune":
        gone = log.prune(args.older_than_days)
        print(f"Deleted {gone} entries older than {args.older_than_days:g} days; the chain verifies from the "
              f"first entry kept ({log.verify().message()})")
        return 0
    rows = log.search(args.search, args.session, _day(args.since), _day(args.until), limit=args.limit)
    for r in rows:
        when = datetime.fromtimestamp(r["created_at"], timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        print(f"#{r['seq']}  {when}  {r['kind']:<9} {r['session'][:14]:<14} {r['subject'][:24]:<24} "
              f"{_one_line(r['question'], 50)}")
    if not rows:
        print("No entries match.")
    return 0


def _one_line(text: str, n: int) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= n else s[: n - 1] + "…"



def _export(args) -> int:
    from .case_files import case_html, load_case
    from .case_pdf import case_pdf

    if not (args.html or args.pdf):
        print("error: say where to write: --html FILE and/or --pdf FILE.", file=sys.stderr)
        return 2
    case = load_case(_log(args), args.case, conversation=args.conversation)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as f:
            f.write(case_html(case))
        print(f"Wrote {args.html}", file=sys.stderr)
    if args.pdf:
        with open(args.pdf, "wb") as f:
            f.write(case_pdf(case))
        print(f"Wrote {args.pdf}", file=sys.stderr)
    return 0
