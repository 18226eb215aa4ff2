"""One error boundary for every shell (the Gradio page, its HTTP API, the REST API to come).

Whatever goes wrong inside a request leaves it as a ServiceError: a short, true message that names
the problem, an HTTP status, and, for failures of the server itself, a reference that finds the
full traceback in the server log. Nothing else reaches a client: no traceback, no bare "error".

>>> err = as_service_error(ValueError("x"))
>>> err.status, err.kind, err.message.startswith("The server failed while answering")
(500, 'internal', True)
>>> from explainer_nlg.errors import ExplainerInputError
>>> as_service_error(ExplainerInputError("There is no row with id 9.")).body()
{'error': 'There is no row with id 9.', 'status': 400, 'kind': 'bad_input'}
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import ExplainerInputError

log = logging.getLogger("explainer_nlg.service")
F = TypeVar("F", bound=Callable[..., Any])


class ServiceError(Exception):
    """A request that cannot be answered, with what to tell the client."""

    def __init__(self, message: str, status: int = 400, kind: str = "bad_input", ref: str | None = None):
        super().__init__(message)
        self.message, self.status, self.kind, self.ref = message, status, kind, ref

    def body(self) -> dict:
        """The JSON an HTTP API returns with ``status``."""
        out = {"error": self.message, "status": self.status, "kind": self.kind}
        if self.ref:
            out["ref"] = self.ref
        return out


class TooLarge(ServiceError):
    def __init__(self, message: str):
        super().__init__(message, 413, "too_large")


def as_service_error(exc: BaseException, doing: str = "answering") -> ServiceError:
    """The ServiceError for any exception: input errors keep their message; the server's own
    failures get a short message with a reference, and their traceback goes to the log."""
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, ExplainerInputError):
        return ServiceError(str(exc), 400, "bad_input")
    from PIL import Image

    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return TooLarge("The image has too many pixels to decode safely (a decompression bomb?); send a smaller image.")
    if isinstance(exc, RecursionError):
        return ServiceError("The input is nested too deeply to read.", 400, "bad_input")
    if isinstance(exc, MemoryError):
        return ServiceError("The server ran out of memory for this request; send a smaller input.", 503, "busy")
    if isinstance(exc, TimeoutError):
        return ServiceError("The answer took longer than the server allows; ask again, or ask about a smaller "
                            "input.", 504, "timeout")
    ref = uuid.uuid4().hex[:10]
    log.error("internal error while %s (ref %s)", doing, ref, exc_info=exc)
    return ServiceError(f"The server failed while {doing} ({type(exc).__name__}, ref {ref}); the details are in "
                        "the server log.", 500, "internal", ref)


def guarded(doing: str) -> Callable[[F], F]:
    """Decorate a request handler so every exception leaves it as a ServiceError.

    >>> @guarded("adding")
    ... def add(a, b):
    ...     return a + b
    >>> try:
    ...     add(1, "x")
    ... except ServiceError as err:
    ...     print(err.status, err.kind)
    500 internal
    """

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the one place every failure is turned into a message
                raise as_service_error(exc, doing) from exc

        return inner  # type: ignore[return-value]

    return wrap
