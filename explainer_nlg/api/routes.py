"""The REST routes: each one checks the body's shape (pydantic), then calls one ``Service`` method.

The service does every other check (model names, rows, sizes, sessions) and raises ServiceError
with a message and a status; ``guards.install`` turns it into the HTTP answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response

from .. import __version__
from ..service import Service
from ..service.cases import export_case, find_cases, reopen_case
from ..service.errors import guarded
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
        return await run(service.ask, body.question, body.model, body.x, body.session, body.audience, scope=scope,
                         operator=body.operator)

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

    @r.get("/cases", response_model=list[s.CaseSummary], tags=["record"])
    async def cases(text: str = Query("", max_length=500, description="words in the question, the answer, the "
                                      "subject (\"row 17\"), the model, the operator or the input hash"),
                    session: str = Query("", max_length=200), since: str = Query("", description="YYYY-MM-DD (UTC)"),
                    until: str = Query("", description="YYYY-MM-DD (UTC), included"),
                    limit: int = Query(100, ge=1, le=1000)) -> Any:
        """Answers on the record, newest first (the page's Cases tab reads the same list)."""
        return await run(_guard("finding cases", find_cases), service, text, session, since, until, limit)

    @r.get("/cases/{case}", response_model=s.CaseEntry, tags=["record"])
    async def case(case: str) -> Any:
        """One answer on the record, whole, with its seal checked."""
        return await run(_guard("opening the case", reopen_case), service, case)

    @r.get("/cases/{case}/file", tags=["record"], response_class=Response,
           responses={200: {"content": {"text/html": {}, "application/pdf": {}},
                            "description": "the case file, as an attachment"}})
    async def case_file(case: str, format: Literal["html", "pdf"] = "html", conversation: bool = False) -> Response:
        """The case file support staff hand over: one self-contained HTML page (no external requests)
        or its PDF. ``conversation``: the whole conversation up to this answer."""
        data = await run(_guard("exporting the case", export_case), service, case, format, conversation)
        number = int(str(case).strip().lstrip("#"))  # export_case has read it as a case number
        kind = "text/html; charset=utf-8" if format == "html" else "application/pdf"
        # An attachment with a closed CSP: the file never runs as a page of this origin.
        return Response(data, media_type=kind, headers={
            "Content-Disposition": f'attachment; filename="case-{number}.{format}"',
            "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff"})

    return r


def _guard(doing: str, fn: Callable) -> Callable:
    """``fn`` with every exception turned into a ServiceError (the answer's status and message)."""
    return guarded(doing)(fn)
