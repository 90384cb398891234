"""The one error table: every error the planner answers, its HTTP status and title, and the CLI's exit code.

Domain errors stay plain exceptions in their packages (a message that says what and where); this table is
the only place that decides what a client or a shell sees for them. The service's handlers
(:mod:`api.problems`), the request-limit middleware, the HTTP protocol and the CLI all read it. No FastAPI
here: the CLI imports it without the web stack.
"""

from geo.capacity import CapacityParseError
from geo.coords import CoordinateError
from geo.errors import NotFoundError, RegistryError, StoreError
from geo.files import OutputPathError
from geo.ingest.errors import IngestError
from geo.store.edits import ConflictError, EditError, ScopeError, StaleEditError
from grid.errors import GridInputError
from solar.errors import SolarInputError
from solar.siting.errors import SitingInputError
from wind.errors import WindInputError

PROBLEM_JSON = "application/problem+json"
EXIT_INVALID = 1  # the data folder does not validate
EXIT_ERROR = 2  # anything else the user can fix: a bad argument, a missing file, a busy or broken store
RETRY_AFTER_S = 5  # what a 503 asks the client to wait unless the error says otherwise
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          408: "Request timeout", 409: "Conflict", 412: "Precondition failed", 413: "Payload too large",
          414: "URI too long",
          422: "Unprocessable content", 431: "Request header fields too large", 500: "Internal server error",
          503: "Service unavailable"}


class ApiError(Exception):
    """An error of the service's own (a request it refuses); subclasses set the status."""

    status = 400

    def __init__(self, detail: str, *, retry_after_s: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.retry_after_s = retry_after_s

    @property
    def title(self) -> str:
        """The status's title (:data:`TITLES`)."""
        return TITLES[self.status]


class BadRequest(ApiError):
    """An invalid or unknown query parameter (OGC API – Features: 400, not 422)."""


class Unauthorized(ApiError):
    """No API key, or one the store does not know."""

    status = 401


class Forbidden(ApiError):
    """A valid key whose scope does not cover the edit."""

    status = 403


class PayloadTooLarge(ApiError):
    """A request body over the configured limit."""

    status = 413


class Unprocessable(ApiError):
    """A well-formed body whose content is invalid (a point outside its district, say)."""

    status = 422


class ServiceUnavailable(ApiError):
    """The service cannot take the request now (a full queue, a worker lost); ``Retry-After`` says when."""

    status = 503


# exception class → HTTP status (None: not an answer the service gives) and CLI exit code. First match wins.
ERRORS: tuple[tuple[type[Exception], int | None, int], ...] = (
    (RegistryError, 422, EXIT_INVALID),
    (ScopeError, 403, EXIT_ERROR),
    (ConflictError, 409, EXIT_ERROR),
    (StaleEditError, 412, EXIT_ERROR),
    (NotFoundError, 404, EXIT_ERROR),
    (EditError, 422, EXIT_ERROR),
    (CoordinateError, 422, EXIT_ERROR),
    (CapacityParseError, 422, EXIT_ERROR),
    (GridInputError, 422, EXIT_ERROR),
    (SolarInputError, 422, EXIT_ERROR),
    (SitingInputError, 422, EXIT_ERROR),
    (WindInputError, 422, EXIT_ERROR),
    (IngestError, 422, EXIT_ERROR),
    (StoreError, 503, EXIT_ERROR),  # and StoreBusyError: a build holds the store, or it cannot be written
    (OutputPathError, None, EXIT_ERROR),
    (ValueError, None, EXIT_ERROR),  # a bad argument at the command line; in the service, a bug (500)
    (OSError, None, EXIT_ERROR),
)
DOMAIN_ERRORS = tuple(cls for cls, status, _ in ERRORS if status is not None)


def http_status(exc: Exception) -> int | None:
    """The status the service answers ``exc`` with (``None``: not a domain error, a bug: 500)."""
    if isinstance(exc, ApiError):
        return exc.status
    for cls, status, _ in ERRORS:
        if isinstance(exc, cls):
            return status
    return None


def exit_code(exc: Exception) -> int | None:
    """The CLI's exit code for ``exc`` (``None``: not an error the user can fix, a bug)."""
    for cls, _, code in ERRORS:
        if isinstance(exc, cls):
            return code
    return None
