"""FastAPI dependencies: the snapshot a request reads and its query parameters, checked once (titiler's style).

A route names what it needs as parameters and FastAPI resolves each once per request:

- ``snap: CurrentSnapshot`` — the service's current :class:`api.service.Snapshot`, taken once, so every part of
  the answer reads the same version of the store (``service: CurrentService`` for settings and edits);
- ``params = QueryParams("f", "limit", ...)`` at registration, then ``Depends(params)`` for the checked
  parameters (an unknown or repeated one is 400, OGC API – Features), ``Depends(params.paging)`` for
  ``(limit, offset)``, ``Depends(params.html)`` for the output format, ``Depends(params.lang)`` for a page's
  language and ``Depends(params.items(spec))`` for a collection's items query (bbox, filters, the district
  known to the snapshot).

The parsing itself is :mod:`api.params` (plain functions); the API definition documents the parameters
(``openapi_extra``), so the dependencies read the raw query string and answer with the same problem details
as before: a value FastAPI would refuse with 422 is a 400 here, and a ``limit`` above the maximum is clamped.
They are coroutines: cheap checks run on the event loop, not in a thread of the pool (a sync dependency would
cost a thread hand-off per request).
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from api.errors import BadRequest
from api.features import DISTRICT_FILTER, Query, Spec
from api.params import check_params, items_query, page_lang, paging, wants_html
from api.service import Service, Snapshot


async def current_service(request: Request) -> Service:
    """The running service (started by the app's lifespan)."""
    service: Service = request.app.state.service
    return service


CurrentService = Annotated[Service, Depends(current_service)]


async def current_snapshot(service: CurrentService) -> Snapshot:
    """The snapshot this request reads, taken once: one consistent version of the store from start to end."""
    return service.snapshot


CurrentSnapshot = Annotated[Snapshot, Depends(current_snapshot)]


def check_district(q: Query, snap: Snapshot) -> Query:
    """``q`` when its ``district`` filter (if any) names a unit of ``snap``; 400 listing the known ones otherwise."""
    district = q.filters.get(DISTRICT_FILTER)
    if district is not None and district not in snap.units:
        known = sorted(snap.units)
        raise BadRequest(f"{DISTRICT_FILTER}: no unit {district[:20]!r} in the store; it holds {len(known)}: "
                         f"{', '.join(known[:20])}{' ...' if len(known) > 20 else ''}")
    return q


class QueryParams:
    """The query parameters one route takes, and dependencies reading them once they are checked.

    Calling it (as ``Depends(params)``) gives the parameters as a dict, 400 for one not in ``allowed`` or
    given twice; the attributes are dependencies built on that check, so it runs first and once.
    """

    def __init__(self, *allowed: str):
        self.allowed = allowed
        checked = Annotated[dict[str, str], Depends(self)]

        async def limit_offset(params: checked) -> tuple[int, int]:
            return paging(params)

        async def html(request: Request, params: checked) -> bool:
            return wants_html(request, params)

        async def lang(request: Request, params: checked) -> str:
            return page_lang(request, params)

        self.paging: Callable[..., Awaitable[tuple[int, int]]] = limit_offset
        self.html: Callable[..., Awaitable[bool]] = html
        self.lang: Callable[..., Awaitable[str]] = lang

    async def __call__(self, request: Request) -> dict[str, str]:
        """The request's query parameters as a dict; 400 for one not allowed or given twice."""
        return check_params(request, self.allowed)

    def items(self, spec: Spec) -> Callable[..., Awaitable[Query]]:
        """A dependency giving the checked items query of ``spec``'s collection (limit, offset, bbox, filters)."""
        checked = Annotated[dict[str, str], Depends(self)]

        async def query(params: checked, snap: CurrentSnapshot) -> Query:
            return check_district(items_query(params, spec), snap)

        return query
