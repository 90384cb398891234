"""Errors as RFC 9457 problem details, by the one error table (:mod:`api.errors`); no stack trace reaches a client."""

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from api.errors import DOMAIN_ERRORS, PROBLEM_JSON, RETRY_AFTER_S, TITLES, ApiError, http_status
from geo.errors import StoreError

BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI's detail
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
log = logging.getLogger("planner.api")
PROBLEM_DETAILS = "problem details (RFC 9457)"


class Problem(BaseModel):
    """An error answer: RFC 9457 problem details, as :func:`problem` writes every one the service sends."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem_docs(*codes: int, texts: Mapping[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of ``codes``: problem+json bodies (:class:`Problem`), each described by ``texts``."""
    return {code: {"description": (texts or {}).get(code, PROBLEM_DETAILS),
                   "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}} for code in codes}


def document_problems(doc: dict[str, Any]) -> dict[str, Any]:
    """Describe validation failures as what the service sends: problem+json (FastAPI documents its own 422 body).

    Every operation with query or path parameters documents 400; the :class:`Problem` schema joins the
    document's components.
    """
    problem = problem_docs(400)[400]
    for ops in doc.get("paths", {}).values():
        for op in ops.values():
            for code, response in list(op.get("responses", {}).items()):
                if "HTTPValidationError" in str(response):
                    op["responses"][code] = problem
            if any(p.get("in") in ("query", "path") for p in op.get("parameters", [])):
                op["responses"].setdefault("400", problem)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = Problem.model_json_schema()
    return doc


def problem(status: int, detail: str, instance: str, *, retry_after_s: int | None = None) -> Response:
    """A problem+json response (``Retry-After`` on a 503, ``WWW-Authenticate`` on a 401)."""
    body = {"type": "about:blank", "title": TITLES[status], "status": status, "detail": detail, "instance": instance}
    headers = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'} if status == 401 else \
        {"Retry-After": str(retry_after_s or RETRY_AFTER_S)} if status == 503 else None
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_detail(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    where = {str(e.get("loc", ("body",))[0]) for e in errors}
    parts = []
    for e in errors[:10]:
        loc = ".".join(str(x) for x in e.get("loc", ()))
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    status = 422 if where == {"body"} else 400
    return status, "; ".join(parts)


def install(app: FastAPI) -> None:
    """Register the handlers: domain errors by the table, validation, HTTP errors, and a last-resort 500."""

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return problem(exc.status, exc.detail, request.url.path, retry_after_s=exc.retry_after_s)

    async def domain_error(request: Request, exc: Exception) -> Response:
        status = http_status(exc)
        if status is None:  # pragma: no cover - only registered for the table's domain errors
            raise exc
        detail = str(exc)
        if isinstance(exc, StoreError):  # the store's name, not where the server keeps it
            store = request.app.state.service.settings.store
            detail = detail.replace(str(store), store.name)
        return problem(status, detail, request.url.path)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        status, detail = _validation_detail(exc)
        return problem(status, detail, request.url.path)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:  # FastAPI's answer to a body that is not UTF-8
            return problem(422, "body: not JSON (UTF-8 expected)", request.url.path)
        status = exc.status_code if exc.status_code in TITLES else 500
        response = problem(status, str(exc.detail), request.url.path)
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # Starlette names one route's methods; Allow lists all the path's (RFC 9110)
            allowed = [m for m in HTTP_METHODS if any(
                r.matches({**request.scope, "method": m})[0] is Match.FULL for r in request.app.router.routes)]
            response.headers["Allow"] = ", ".join(allowed)
        return response

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "the error was logged on the server", request.url.path)

    app.add_exception_handler(ApiError, api_error)
    for cls in DOMAIN_ERRORS:
        app.add_exception_handler(cls, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
