"""The REST routes: each one checks the body's shape (pydantic), then calls one ``Service`` method.

The service does every other check (model names, rows, sizes, sessions) and raises ServiceError
with a message and a status; ``guards.install`` turns it into the HTTP answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import __version__
from ..service import Service
from . import schemas as s
from .guards import Runner

ERRORS = {400: {"model": s.ErrorBody, "description": "the input is wrong; the message names what"},
          401: {"model": s.ErrorBody, "description": "this server needs an API token"},
          413: {"model": s.ErrorBody, "description": "the body or a field is over its limit"},
          422: {"model": s.ErrorBody, "description": "a field is missing, unknown or of the wrong type"},
          504: {"model": s.ErrorBody, "description": "the request took longer than the server allows"}}


def router(service: Service, run: Runner) -> APIRouter:
    r = APIRouter(prefix="/v1", responses=ERRORS)

    @r.get("/health", response_model=s.Health, tags=["server"])
    async def health() -> dict:
        """Liveness: the server answers (no token needed, no model is called)."""
        return {"status": "ok", "version": __version__,
                "loaded_models": [m for m in service.model_names() if service.loaded_explainer(m) is not None]}

    @r.get("/models", response_model=list[s.ModelInfo], tags=["server"])
    async def models() -> Any:
        """The models this server explains; loaded ones with their classes and (tables) the row schema."""
        return service.model_list()

    @r.post("/explain", response_model=s.ExplainResponse, tags=["explain"])
    async def explain(body: s.ExplainRequest) -> Any:
        """The Evidence for one prediction (Shapley values with standard errors, faithfulness, notes)
        and its verified narration for the audience."""
        return await run(service.explain, body.model, body.x, body.audience)

    @r.post("/ask", response_model=s.AskResponse, tags=["explain"])
    async def ask(body: s.AskRequest, request: Request) -> Any:
        """A chat answer. Send back the answer's ``session`` to ask a follow-up; a session name of your
        own is tied to your address (two clients that both say "ann" get two conversations)."""
        scope = f"rest:{request.client.host if request.client else ''}"
        return await run(service.ask, body.question, body.model, body.x, body.session, body.audience, scope=scope)

    @r.post("/narrate", response_model=s.Narrated, tags=["records"])
    async def narrate(body: s.NarrateRequest) -> Any:
        """Verified sentences for an Evidence record (yours, or one this API returned)."""
        return await run(service.narrate, body.evidence.model_dump(by_alias=True), body.audience, body.model)

    @r.post("/verify", response_model=s.VerifyResponse, tags=["records"])
    async def verify(body: s.VerifyRequest) -> Any:
        """Check any text, sentence by sentence, against an Evidence record."""
        return await run(service.verify, body.text, body.evidence.model_dump(by_alias=True))

    @r.post("/counterfactuals", response_model=s.CounterfactualsResponse, tags=["explain"])
    async def counterfactuals(body: s.CounterfactualsRequest) -> Any:
        """The smallest changes that would make the model predict ``target`` (each re-predicted)."""
        return await run(service.counterfactuals, body.model, body.x, body.target, body.k, body.immutable,
                         body.max_changes, body.audience)

    @r.post("/what-if", response_model=s.WhatIfResponse, tags=["explain"])
    async def what_if(body: s.WhatIfRequest) -> Any:
        """Re-predict and explain after the changes given."""
        return await run(service.what_if, body.model, body.x, body.changes, body.target, body.audience)

    return r
