"""Errors as RFC 9457 problem details, from one exception → status table; no stack trace reaches a client."""

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from geo.errors import NotFoundError, RegistryError, StoreBusyError, StoreError
from geo.store.edits import ConflictError, EditError, ScopeError
from solar.errors import SolarInputError

PROBLEM_JSON = "application/problem+json"
BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI's detail
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
log = logging.getLogger("planner.api")


class ApiError(Exception):
    """An error the service answers with a problem document; subclasses set the status."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class BadRequest(ApiError):
    """An invalid or unknown query parameter (OGC API – Features: 400, not 422)."""


class Unauthorized(ApiError):
    """No API key, or one the store does not know."""

    status = 401
    title = "Unauthorized"


class Forbidden(ApiError):
    """A valid key whose scope does not cover the edit."""

    status = 403
    title = "Forbidden"


class PayloadTooLarge(ApiError):
    """A request body over the configured limit."""

    status = 413
    title = "Payload too large"


class Unprocessable(ApiError):
    """A well-formed body whose content is invalid (a point outside its district, say)."""

    status = 422
    title = "Unprocessable content"


class ServiceUnavailable(ApiError):
    """The service cannot take the request now (busy); ``Retry-After`` says when to try again."""

    status = 503
    title = "Service unavailable"


RETRY_AFTER_S = 5  # what a 503 for a busy store or a full queue asks the client to wait
# The one table: exception class → (status, title). Order matters: the first match wins.
STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (ScopeError, 403, "Forbidden"),
    (ConflictError, 409, "Conflict"),
    (NotFoundError, 404, "Not found"),
    (EditError, 422, "Unprocessable content"),
    (SolarInputError, 422, "Unprocessable content"),
    (RegistryError, 422, "Unprocessable content"),
    (StoreBusyError, 503, "Service unavailable"),
    (StoreError, 503, "Service unavailable"),
)


def problem(status: int, title: str, detail: str, instance: str, **extra: Any) -> Response:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance, **extra}
    headers = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'} if status == 401 else \
        {"Retry-After": str(RETRY_AFTER_S)} if status == 503 else None
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
        return problem(exc.status, exc.title, exc.detail, request.url.path, **exc.extra)

    async def domain_error(request: Request, exc: Exception) -> Response:
        detail = str(exc)
        if isinstance(exc, StoreError):  # the store's name, not where the server keeps it
            store = request.app.state.service.settings.store
            detail = detail.replace(str(store), store.name)
        for cls, status, title in STATUS:
            if isinstance(exc, cls):
                return problem(status, title, detail, request.url.path)
        raise exc  # pragma: no cover - only registered for classes in the table

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        status, detail = _validation_detail(exc)
        return problem(status, "Bad request" if status == 400 else "Unprocessable content", detail, request.url.path)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:  # FastAPI's answer to a body that is not UTF-8
            return problem(422, "Unprocessable content", "body: not JSON (UTF-8 expected)", request.url.path)
        titles = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 413: "Payload too large"}
        response = problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail), request.url.path)
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # Starlette names one route's methods; Allow lists all the path's (RFC 9110)
            allowed = [m for m in HTTP_METHODS if any(
                r.matches({**request.scope, "method": m})[0] is Match.FULL for r in request.app.router.routes)]
            response.headers["Allow"] = ", ".join(allowed)
        return response

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "Internal server error", "the error was logged on the server", request.url.path)

    app.add_exception_handler(ApiError, api_error)
    for cls, _, _ in STATUS:
        app.add_exception_handler(cls, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
