"""``explainer-nlg verify --evidence ev.json --text narrative.txt``: check a narrative written
anywhere (by a person, another tool, an LLM) against an Evidence record saved as JSON
(``Evidence.to_json()``, or ``Evidence.from_shap`` / ``from_contributions`` output saved so).

Prints each sentence with its verdict and the reason of any failed claim, what the text left
out, and the overall verdict; ``--json`` prints the Report as JSON. Exit status: 0 accepted,
1 rejected, 2 bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .errors import ExplainerInputError

MAX_FILE_BYTES = 5_000_000


def add_command(sub: Any) -> None:
    v = sub.add_parser("verify", help="check a narrative against an Evidence record saved as JSON")
    v.add_argument("--evidence", required=True, help="the Evidence record, a JSON file")
    v.add_argument("--text", required=True, help="the narrative, a text file ('-' reads standard input)")
    v.add_argument("--json", action="store_true", help="print the Report as JSON")


def _read(path: str, what: str) -> str:
    if path == "-":
        return sys.stdin.read(MAX_FILE_BYTES)
    p = Path(path)
    if not p.is_file():
        raise ExplainerInputError(f"--{what}: no file at {path!r}.")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ExplainerInputError(f"--{what}: {path!r} is over {MAX_FILE_BYTES:,} bytes.")
    return p.read_text(encoding="utf-8", errors="replace")


def run(args: Any) -> int:
    from .evidence import Evidence
    from .narrate.verify import verify

    try:
        try:
            data = json.loads(_read(args.evidence, "evidence"))
        except json.JSONDecodeError as err:
            raise ExplainerInputError(f"--evidence: not JSON ({err.msg} at line {err.lineno}).") from None
        if not isinstance(data, dict) or "attributions" not in data:
            raise ExplainerInputError("--evidence: expected an Evidence record (a JSON object with attributions).")
        try:
            ev = Evidence.from_dict(data)
        except (TypeError, ValueError, KeyError) as err:
            raise ExplainerInputError(f"--evidence: not a valid Evidence record ({err}).") from None
        report = verify(_read(args.text, "text"), ev)
    except ExplainerInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for v in report.sentences:
            print(f"[{'ok' if v.ok else 'FAIL'}] {v.sentence}")
            if not v.ok:
                print(f"       {v.reason}")
        if report.left_out:
            print(f"Not mentioned: {', '.join(report.left_out)}")
        for note in report.notes:
            print(f"Note: {note}")
        print(f"Verdict: {report.verdict}")
    return 0 if report.accepted else 1
