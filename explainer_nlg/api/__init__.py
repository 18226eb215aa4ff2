"""The REST API: JSON endpoints under /v1 over the same ``Service`` the Gradio app uses.

``build_api(service)`` is a FastAPI app (OpenAPI docs at /docs); ``app.py`` mounts the Gradio page
on it, so one process serves both; ``explainer-nlg serve`` runs it alone (``api.server``).

>>> from fastapi.testclient import TestClient
>>> from explainer_nlg.service import Service
>>> client = TestClient(build_api(Service(store=False)))
>>> client.get("/v1/health").json()["status"]
'ok'
>>> r = client.post("/v1/explain", json={"model": "nope", "x": 17})
>>> r.status_code, r.json()["error"]
(400, "There is no model 'nope' loaded. Models: house, image, loan, text.")
"""

from __future__ import annotations

from typing import Any

from .guards import MAX_BODY_BYTES, REQUEST_SECONDS, WORKERS

__all__ = ["build_api", "with_page"]


def build_api(service: Any, token: str | None = None, max_body: int = MAX_BODY_BYTES,
              seconds: float = REQUEST_SECONDS, workers: int = WORKERS) -> Any:
    """The FastAPI app for ``service``. ``token``: required on every route but /v1/health (None:
    none; the server refuses to listen beyond this machine without one, see ``api.server``).
    ``max_body``: most bytes in a request body; ``seconds``: most wall time per request."""
    from fastapi import FastAPI

    from .. import __version__
    from .guards import BodyLimit, Runner, TokenCheck, install
    from .routes import router

    app = FastAPI(title="explainer-nlg", version=__version__,
                  description="Why did the model predict that? Evidence (Shapley values with standard errors), "
                              "verified plain-language sentences, what-if and counterfactuals. Errors are "
                              '`{"error", "status", "kind"}` with a message that names the problem.')
    install(app)
    app.include_router(router(service, Runner(seconds, workers)))
    # Outermost first: the token is checked before a byte of the body is read.
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(TokenCheck, token=token)
    return app


def with_page(api: Any, blocks: Any, auth: Any = None) -> Any:
    """``api`` with the Gradio page ``blocks`` mounted at /: one app, one port. The API's routes
    (/v1, /docs, /openapi.json) come first; everything else is the page's."""
    import gradio as gr

    return gr.mount_gradio_app(api, blocks.queue(), path="/", auth=auth, max_file_size="50mb", show_error=False)
