"""Edits of projects behind API keys (OGC API – Features Part 4 style): create, update, delete, audit trail.

Reads stay open. Every edit is checked like the registry (``geo.store.edits.check_edit``), committed with the
audit row in one ``BEGIN IMMEDIATE`` transaction, and only then acknowledged.
"""

from enum import Enum
from typing import Annotated, Any, Literal

import orjson
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from api.deps import CurrentService, QueryParams
from api.errors import BadRequest, Unauthorized, Unprocessable
from api.keys import ApiKey, check_key
from api.models import Edits
from api.problems import problem_docs
from api.service import Service, Snapshot
from geo.coords import COORD_SYSTEMS
from geo.registry import vocab
from geo.registry.records import ID_PATTERN
from geo.store.edits import (
    MAX_CAPACITY_MW,
    MAX_VOLTAGE_KV,
    POINT_PRECISIONS,
    StaleEditError,
    count_edits,
    read_edits,
)

GEOJSON = "application/geo+json"
REQUIRED = ("name_zh", "category", "district_adcode")  # may not be set to null
Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]  # strict: "113.4" and true are not numbers
Text = Annotated[str, Field(min_length=1, max_length=200)]


class Point(BaseModel):
    """A GeoJSON point: [lon, lat], finite numbers (range and district are checked by the store)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["Point"]
    coordinates: Annotated[list[Finite], Field(min_length=2, max_length=2)]


class Properties(BaseModel):
    """The editable fields of a project (vocabularies and the district are checked by the store)."""

    model_config = ConfigDict(extra="forbid")
    name_zh: Text | None = None
    name_en: Text | None = None
    category: Annotated[str, Field(max_length=40, json_schema_extra={"enum": list(vocab.CATEGORIES)})] | None = None
    subtype: Annotated[str, Field(max_length=40)] | None = None
    capacity_mw: Annotated[float, Field(ge=0, le=MAX_CAPACITY_MW, allow_inf_nan=False, strict=True)] | None = None
    voltage_kv: Annotated[float, Field(ge=0, le=MAX_VOLTAGE_KV, allow_inf_nan=False, strict=True)] | None = None
    action: Annotated[str, Field(max_length=40, json_schema_extra={"enum": list(vocab.ACTIONS)})] | None = None
    status: Annotated[str, Field(max_length=40, json_schema_extra={"enum": list(vocab.STATUSES)})] | None = None
    target_year: Annotated[int, Field(ge=1990, le=2100, strict=True)] | None = None
    district_adcode: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = None
    township: Text | None = None
    village: Text | None = None
    site: Text | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None
    location_precision: Annotated[str, Field(
        max_length=20, json_schema_extra={"enum": list(POINT_PRECISIONS)},
        description="what the point sent with it is (default surveyed); only with a geometry")] | None = None


class NewProject(BaseModel):
    """A project to create, as a GeoJSON Feature; no geometry puts it at its district's point, flagged."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["Feature"]
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    geometry: Point | None = None
    properties: Properties
    edit_note: Annotated[str, Field(max_length=500)] | None = None


class ProjectPatch(BaseModel):
    """Changes to a project: only the members given change (surveyed coordinates, status, ...)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["Feature"] | None = None
    geometry: Point | None = None
    properties: Properties | None = None
    edit_note: Annotated[str, Field(max_length=500)] | None = None


_STATUS_TEXT = {400: "invalid query parameter", 401: "no or invalid API key", 403: "the key may not edit this district",
                404: "no such project", 409: "a project with this id exists",
                412: "If-Match: the project was edited since (stale version)", 413: "body too large",
                422: "invalid content", 503: "the store is being rebuilt: retry after the Retry-After seconds"}
_PROBLEMS = problem_docs(*_STATUS_TEXT, texts=_STATUS_TEXT)
_FEATURE = {"description": "the project as it now is",
            "content": {GEOJSON: {"schema": {"type": "object", "required": ["type", "properties"]}}}}
_CRS = {"name": "crs", "in": "query", "required": False,
        "schema": {"type": "string", "enum": list(COORD_SYSTEMS), "default": "wgs84"},
        "description": "datum of the coordinates sent: wgs84 (default), gcj02 (Amap/Tencent) or bd09 (Baidu); "
                       "converted to WGS-84 on input"}
_KEY_HEADER = {"name": "X-API-Key", "in": "header", "required": False, "schema": {"type": "string"},
               "description": "the editor's API key (or Authorization: Bearer <key>)"}


def _key(request: Request, service: Service) -> ApiKey:
    presented = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    if presented is None and auth.lower().startswith("bearer "):
        presented = auth[7:].strip()
    if not presented:
        raise Unauthorized("an API key is required to edit: send it in the X-API-Key header")
    key = check_key(service.settings.store, presented)
    if key is None:
        raise Unauthorized("the API key is not valid (unknown, wrong or revoked)")
    return key


def _allowed(key: ApiKey, service: Service) -> frozenset[str] | None:
    """The districts a key may edit (a city's code covers its counties); ``None``: all."""
    if key.scope is None:
        return None
    units = service.snapshot.units
    return frozenset().union(*(units.get(a, {a}) for a in key.scope))


def _fields(geometry: Point | None, properties: Properties | None, crs: str) -> dict[str, Any]:
    fields = properties.model_dump(exclude_unset=True) if properties else {}
    nulls = [name for name in REQUIRED if name in fields and fields[name] is None]
    if nulls:
        raise Unprocessable(f"{', '.join(nulls)}: may not be null")
    if geometry is not None:
        fields["lon"], fields["lat"] = geometry.coordinates
        fields["crs"] = crs
    return fields


def _crs(params: dict[str, str]) -> str:
    crs = params.get("crs", "wgs84")
    if crs not in COORD_SYSTEMS:
        raise BadRequest(f"crs: unknown {crs[:40]!r}; allowed: {', '.join(COORD_SYSTEMS)}")
    return crs


def _feature(request: Request, snap: Snapshot, project_id: str, edit_id: int, status: int) -> Response:
    coll = snap.collections["projects"]
    body = coll.features[coll.index[project_id]]
    location = f"{str(request.base_url).rstrip('/')}/collections/projects/items/{project_id}"
    return Response(body, status_code=status, media_type=GEOJSON,
                    headers={"Location": location, "X-Edit-Id": str(edit_id)})


def _if_match(request: Request) -> int | None:
    """The edit version an update was made against (``If-Match``: the project's number of edits), if any.

    The map sends the version it read when the edit form opened; someone else's edit since then makes it
    stale, which the edit transaction refuses (412).
    """
    wanted = request.headers.get("if-match")
    if wanted is None or wanted.strip() == "*":
        return None
    tag = wanted.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 9:
        raise StaleEditError(f"If-Match: {wanted[:20]!r} is not an edit version of this service (an ETag it gave)")
    return int(tag)


def register(app: FastAPI) -> None:
    """Add the edit and audit routes."""
    tags: list[str | Enum] = ["edits"]
    crs_params, no_params = QueryParams("crs"), QueryParams()
    audit_params = QueryParams("project_id", "limit", "offset")
    Crs = Annotated[dict[str, str], Depends(crs_params)]

    @app.post("/collections/projects/items", status_code=201, tags=tags, summary="Create a project (API key)",
              responses={201: _FEATURE, **_PROBLEMS}, openapi_extra={"parameters": [_CRS, _KEY_HEADER]})
    def create(request: Request, body: NewProject, service: CurrentService, params: Crs) -> Response:
        key = _key(request, service)
        fields = _fields(body.geometry, body.properties, _crs(params))
        result, snap = service.edit(body.id, "create", fields, key.name, body.edit_note, _allowed(key, service))
        return _feature(request, snap, body.id, result.edit_id, 201)

    @app.patch("/collections/projects/items/{featureId}", tags=tags, summary="Update a project (API key)",
               responses={200: _FEATURE, **_PROBLEMS}, openapi_extra={"parameters": [_CRS, _KEY_HEADER]})
    def update(request: Request, featureId: str, body: ProjectPatch, service: CurrentService, params: Crs) -> Response:
        key = _key(request, service)
        fields = _fields(body.geometry, body.properties, _crs(params))
        if not fields:
            raise Unprocessable("nothing to change: give properties and/or a geometry")
        result, snap = service.edit(featureId, "update", fields, key.name, body.edit_note, _allowed(key, service),
                                    _if_match(request))
        response = _feature(request, snap, featureId, result.edit_id, 200)
        response.headers["ETag"] = f'"{result.version}"'
        return response

    @app.delete("/collections/projects/items/{featureId}", status_code=204, tags=tags,
                summary="Delete a project (API key)", responses={204: {"description": "deleted"}, **_PROBLEMS},
                openapi_extra={"parameters": [_KEY_HEADER]}, dependencies=[Depends(no_params)])
    def delete(request: Request, featureId: str, service: CurrentService) -> Response:
        key = _key(request, service)
        result, _ = service.edit(featureId, "delete", {}, key.name, None, _allowed(key, service))
        return Response(status_code=204, headers={"X-Edit-Id": str(result.edit_id)})

    @app.get("/edits", tags=tags, summary="The audit trail: who changed what, when, before and after",
             response_model=Edits, responses={200: {"description": "edits, oldest first"}, 400: _PROBLEMS[400]},
             openapi_extra={"parameters": [
                 {"name": "project_id", "in": "query", "required": False, "schema": {"type": "string"}},
                 {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
                 {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}}]})
    def audit(service: CurrentService, params: Annotated[dict[str, str], Depends(audit_params)],
              page_at: Annotated[tuple[int, int], Depends(audit_params.paging)]) -> Response:
        limit, offset = page_at
        project_id = params.get("project_id")
        matched = count_edits(service.settings.store, project_id)
        page = read_edits(service.settings.store, project_id, limit, min(offset, matched))
        for r in page:
            r["fields"] = orjson.loads(r["fields"])
            r["before"] = orjson.loads(r["before"]) if r["before"] else None
        return Response(orjson.dumps({"numberMatched": matched, "numberReturned": len(page), "edits": page}),
                        media_type="application/json")
