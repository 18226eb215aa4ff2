"""Running the REST API: the token rule, what the server says at start, and ``explainer-nlg serve``.

The server listens on 127.0.0.1 unless told otherwise. Beyond this machine it needs a token (the
``EXPLAINER_NLG_TOKEN`` variable, or ``--token-file``; a token on the command line would show in
``ps``) and refuses to start without one; at start it says where it listens and whether a token
is required. ``app.py`` applies the same rule to the page and the API it serves together.

>>> exposure_problem("0.0.0.0", None)[:38]
'Refusing to listen on 0.0.0.0 without '
>>> exposure_problem("127.0.0.1", None) is None, exposure_problem("0.0.0.0", "s3cret") is None
(True, True)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..errors import ExplainerInputError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_ENV = "EXPLAINER_NLG_TOKEN"
MIN_TOKEN_CHARS = 16


def exposure_problem(host: str, token: str | None) -> str | None:
    """Why the server must not listen on ``host`` with this token, or None."""
    if host not in LOCAL_HOSTS and not token:
        return (f"Refusing to listen on {host} without an API token: anyone who can reach the port could use the "
                f"models and the CPU. Set {TOKEN_ENV} or --token-file (or listen on 127.0.0.1).")
    return None


def read_token(token_file: str | None = None, env: dict | None = None) -> str | None:
    """The token from ``token_file`` (its first line) or else the environment; None when neither.

    >>> read_token(None, {"EXPLAINER_NLG_TOKEN": " abc "})
    'abc'
    """
    env = os.environ if env is None else env
    if token_file:
        path = Path(token_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise ExplainerInputError(f"Cannot read the token file {token_file}: {err.strerror}.") from None
        token = lines[0].strip() if lines else ""
        if not token:
            raise ExplainerInputError(f"The token file {token_file} is empty.")
        return token
    token = (env.get(TOKEN_ENV) or "").strip()
    return token or None


def start_lines(host: str, port: int, token: str | None, gradio: bool = False) -> list[str]:
    """What the server says at start: where, the docs, and the token rule in force."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    lines = [f"REST API on {base}/v1 (OpenAPI docs: {base}/docs)" + (f"; the chat page on {base}/" if gradio else "")]
    if token:
        lines.append("An API token is required on every /v1 route but /v1/health: send 'Authorization: Bearer <token>'.")
        if len(token) < MIN_TOKEN_CHARS:
            lines.append(f"Warning: the token has {len(token)} characters; use {MIN_TOKEN_CHARS} or more "
                         "(python -c 'import secrets; print(secrets.token_urlsafe(24))').")
    else:
        lines.append("No API token: only programs on this machine can reach the server.")
    return lines


def add_serve_command(sub: Any) -> None:
    sv = sub.add_parser("serve", help="run the REST API alone (JSON over HTTP; docs at /docs)")
    sv.add_argument("--host", default="127.0.0.1", help="listen here (default 127.0.0.1: this machine only)")
    sv.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    sv.add_argument("--token-file", help=f"read the API token from this file (default: the {TOKEN_ENV} variable); "
                                         "required beyond 127.0.0.1")
    sv.add_argument("--max-body", type=int, default=None, help="most bytes in a request body (default 1,000,000)")
    sv.add_argument("--request-seconds", type=float, default=None, help="most seconds per request (default 60)")
    sv.add_argument("--budget", type=int, help="most model calls per explanation (default: each model's own)")
    sv.add_argument("--llm", metavar="MODEL", help="reword sentences with a local GGUF model (verified; default: "
                                                   "template sentences only)")
    sv.add_argument("--image-folder", help="the one folder images may be read from by name")
    sv.add_argument("--store", help="SQLAlchemy URL for conversations (default: EXPLAINER_NLG_STORE, else SQLite "
                                    "in the cache folder)")


def serve(args: argparse.Namespace) -> int:
    """``explainer-nlg serve``: check the token rule, say it, and serve until stopped."""
    import sys

    try:
        token = read_token(args.token_file)
    except ExplainerInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    problem = exposure_problem(args.host, token)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    import uvicorn

    from ..service import Service
    from . import build_api
    from .guards import MAX_BODY_BYTES, REQUEST_SECONDS

    llm = None
    if args.llm:
        from ..narrate.llm_loader import BackgroundLLM

        llm = BackgroundLLM(args.llm, on_status=lambda m: print(m, flush=True))
    service = Service(llm=llm, budget=args.budget, image_folder=args.image_folder, store=args.store)
    app = build_api(service, token=token, max_body=args.max_body or MAX_BODY_BYTES,
                    seconds=args.request_seconds or REQUEST_SECONDS)
    for line in start_lines(args.host, args.port, token):
        print(line, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
