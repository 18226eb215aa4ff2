"""What every REST request passes before a route runs, and the limits it runs under.

- ``BodyLimit``: a body over the limit is refused with 413 and a message giving both sizes, before
  any of it is parsed (a declared Content-Length is refused at once; a chunked body is counted).
- ``TokenCheck``: where the server has a token, every route but /v1/health needs it
  (``Authorization: Bearer <token>`` or ``X-API-Token``); compared in constant time.
- ``run_limited``: a route's work runs in a worker thread; past ``seconds`` the client gets 504
  with the limit named (the explanation inside also stops at the service's own budget).
- ``install``: malformed JSON and wrong field types become 400/422 with the field named, in the
  same ``{"error", "status", "kind"}`` body as every ServiceError.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..service import ServiceError

MAX_BODY_BYTES = 1_000_000     # a JSON row is at most 64 kB and a text 100,000 characters; images go by name
REQUEST_SECONDS = 60.0         # a request's wall time, queueing included (an explanation stops at 8 s)
WORKERS = 8                    # requests computed at once; more wait their turn within their time limit


class BodyLimit:
    """ASGI middleware: bodies of requests under ``prefix`` may hold at most ``limit`` bytes."""

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES, prefix: str = "/v1/"):
        self.app, self.limit, self.prefix = app, limit, prefix

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(int(declared), receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(size, receive, send, more=message.get("more_body", False))
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, size: int, receive: Callable, send: Callable, more: bool = True) -> None:
        # Read (and drop) the rest of a body that is not too absurd, so the client, still sending,
        # reads the answer instead of a reset connection; past 10x the limit, just answer and close.
        seen = 0
        while more and seen < 10 * self.limit:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            seen += len(message.get("body", b""))
            more = message.get("more_body", False)
        err = ServiceError(f"The request body is {size:,} bytes or more; this server takes at most {self.limit:,} "
                           "bytes per request. Send a smaller input (images by sample name or a smaller photo).",
                           413, "too_large")
        await _send_json(send, err.status, err.body())


class TokenCheck:
    """ASGI middleware: with a token set, /v1 routes other than /v1/health need it."""

    OPEN = ("/v1/health",)

    def __init__(self, app: Any, token: str | None, prefix: str = "/v1/"):
        self.app, self.token, self.prefix = app, token, prefix

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        path = scope.get("path", "")
        if (scope["type"] == "http" and self.token and path.startswith(self.prefix) and path not in self.OPEN
                and not self.allowed(dict(scope.get("headers") or []))):
            err = ServiceError("This server needs an API token: send the header 'Authorization: Bearer <token>' "
                               "(the operator has it).", 401, "unauthorized")
            await _send_json(send, err.status, err.body(), [(b"www-authenticate", b"Bearer")])
            return
        await self.app(scope, receive, send)

    def allowed(self, headers: dict) -> bool:
        given = headers.get(b"x-api-token", b"")
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer ":
            given = auth[7:].strip()
        return hmac.compare_digest(given, self.token.encode())


async def _send_json(send: Callable, status: int, body: dict, headers: list | None = None) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": data})


class Runner:
    """Runs a route's work in a bounded thread pool under a wall-time limit."""

    def __init__(self, seconds: float = REQUEST_SECONDS, workers: int = WORKERS):
        self.seconds = seconds
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="rest")

    async def __call__(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, lambda: fn(*args, **kwargs))
        try:
            return await asyncio.wait_for(future, self.seconds)
        except asyncio.TimeoutError:
            raise ServiceError(f"The request took longer than this server's limit of {self.seconds:g} s; ask about a "
                               "smaller input, or ask again when the server is less busy.", 504, "timeout") from None


def install(app: Any) -> None:
    """The error bodies: ServiceError and anything else (service.http), malformed JSON, wrong fields."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException
    from starlette.responses import JSONResponse

    from ..service.http import install_error_handlers

    install_error_handlers(app)

    async def invalid(_request: Any, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(*validation_message(exc.errors()))

    async def http_error(_request: Any, exc: HTTPException) -> JSONResponse:
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http")
        return JSONResponse({"error": str(exc.detail), "status": exc.status_code, "kind": kind},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)


def validation_message(errors: list[dict]) -> tuple[dict, int]:
    """(body, status) for pydantic's errors: one sentence per field, the JSON error with its place.

    >>> validation_message([{"type": "missing", "loc": ("body", "question"), "msg": "Field required"}])
    ({'error': 'question: Field required.', 'status': 422, 'kind': 'bad_input'}, 422)
    >>> validation_message([{"type": "json_invalid", "loc": ("body", 9), "msg": "JSON decode error",
    ...                      "ctx": {"error": "Expecting value"}}])[0]["error"]
    'The request body is not valid JSON (Expecting value at character 9).'
    """
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        where = first.get("loc", ("", "?"))[-1]
        why = (first.get("ctx") or {}).get("error", "invalid")
        return {"error": f"The request body is not valid JSON ({why} at character {where}).", "status": 400,
                "kind": "bad_input"}, 400
    parts = []
    for e in errors[:5]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "the body"
        msg = str(e.get("msg", "is not valid"))
        if e.get("type") == "extra_forbidden":
            msg = "is not a field of this request (a misspelt name?)"
        elif e.get("type") == "model_attributes_type" and loc == "the body":
            msg = "must be a JSON object"
        parts.append(f"{loc}: {msg}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return {"error": "; ".join(parts) + more + ".", "status": 422, "kind": "bad_input"}, 422
