"""The error boundary for a FastAPI (or any Starlette) app: ServiceError -> its HTTP status.

The REST API to come (issue 15) mounts its routes beside the Gradio app and calls
``install_error_handlers(app)``; its routes then raise what ``Service`` raises, and clients get
``{"error", "status", "kind"[, "ref"]}`` with a 4xx or 5xx status, never a traceback.
"""

from __future__ import annotations

from typing import Any

from .errors import ServiceError, as_service_error


def error_response(exc: BaseException, doing: str = "answering") -> tuple[int, dict]:
    """(HTTP status, JSON body) for any exception a request raised.

    >>> from explainer_nlg.errors import ExplainerInputError
    >>> error_response(ExplainerInputError("There is no row with id 9."))
    (400, {'error': 'There is no row with id 9.', 'status': 400, 'kind': 'bad_input'})
    """
    err = as_service_error(exc, doing)
    return err.status, err.body()


def install_error_handlers(app: Any) -> None:
    """Make every exception a route raises an HTTP error with a short, true message."""
    from starlette.responses import JSONResponse

    async def handle(_request: Any, exc: Exception) -> JSONResponse:
        status, body = error_response(exc)
        return JSONResponse(body, status_code=status)

    app.add_exception_handler(ServiceError, handle)
    app.add_exception_handler(Exception, handle)
