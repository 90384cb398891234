"""OGC API – Features Part 1 (core, geojson, html, oas30): landing page, conformance, collections, items.

Each collection gets its own literal paths, so the API definition lists exactly the filters it takes;
query parameters are checked by the routes' dependencies (:mod:`api.deps`): unknown or invalid → 400,
``limit`` clamped.
"""

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel
from starlette.responses import Response

from api import desk
from api.deps import CurrentService, CurrentSnapshot, QueryParams
from api.features import DISTRICT_FILTER, LIMIT_DEFAULT, LIMIT_MAX, SPECS, Collection, Query, page_bytes, select
from api.html_pages import links_html, page, table_html
from api.models import Collections, Conformance, Landing
from api.params import ITEMS_PARAMS, MAX_VALUE_CHARS, VOCABULARIES, wants_html
from api.problems import problem_docs
from geo.errors import NotFoundError
from geo.store.frames import plain

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
TITLE = "规划能源项目 · Energy-infrastructure planner"
FILTER_DOCS = {
    "category": "project category (pv, wind, substation, storage, charging, ...)",
    "subtype": "project subtype (rooftop, agrivoltaic, ground, ...)",
    DISTRICT_FILTER: "adcode of an admin unit; a city's code also matches its counties",
    "status": "project status (proposed, planned, under_construction, ...)",
    "target_year": "the year the plan gives",
    "level": "county or city",
    "metric": "target metric (new_energy_capacity_mw, ...)",
}

_OBJECT = {"type": "object"}
_LINK = {"type": "object", "required": ["href", "rel"],
         "properties": {"href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"}}}
_FEATURE = {"type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "string"},
                           "geometry": {"type": "object", "nullable": True},
                           "properties": {"type": "object", "nullable": True}}}
_COLLECTION = {"type": "object", "required": ["type", "features"],
               "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                              "features": {"type": "array", "items": _FEATURE},
                              "numberMatched": {"type": "integer", "minimum": 0},
                              "numberReturned": {"type": "integer", "minimum": 0},
                              "links": {"type": "array", "items": _LINK}}}


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _filter_schema(name: str) -> dict[str, Any]:
    """What the filter accepts, as :func:`api.params.items_query` checks it (an empty value is a 400)."""
    if name == "target_year":
        return {"type": "integer", "minimum": 0}
    if name == DISTRICT_FILTER:
        return {"type": "string", "pattern": "^[0-9]+$", "maxLength": MAX_VALUE_CHARS}
    if name in VOCABULARIES:
        return {"type": "string", "enum": list(VOCABULARIES[name])}
    return {"type": "string", "pattern": "\\S", "minLength": 1, "maxLength": MAX_VALUE_CHARS}


def _f_param() -> dict[str, Any]:
    return _param("f", {"type": "string", "enum": ["json", "geojson", "html"]},
                  "output format; without it the Accept header decides (JSON by default)")


def _responses(media: str, schema: dict[str, Any] | type[BaseModel], *codes: int) -> dict[int | str, dict[str, Any]]:
    """The 200 answer in ``media`` (a schema, or a model FastAPI documents as JSON) or HTML, and problems."""
    ok: dict[str, Any] = {"description": "OK", "content": {HTML: {"schema": {"type": "string"}}}}
    if isinstance(schema, dict):
        ok["content"] = {media: {"schema": schema}, **ok["content"]}
    else:
        ok["model"] = schema
    return {200: ok, **problem_docs(*codes)}


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _json(body: Any, media: str = JSON) -> Response:
    return Response(orjson.dumps(body), media_type=media)


def _self_links(request: Request, path: str, title: str, media: str = JSON) -> list[dict[str, Any]]:
    base = _base(request)
    return [{"href": f"{base}{path}?f=json", "rel": "self", "type": media, "title": title},
            {"href": f"{base}{path}?f=html", "rel": "alternate", "type": HTML, "title": f"{title} (HTML)"}]


def _collection_doc(request: Request, coll: Collection) -> dict[str, Any]:
    base, cid = _base(request), coll.spec.id
    extent: dict[str, Any] = {}
    if coll.extent:
        extent["spatial"] = {"bbox": [coll.extent], "crs": CRS84}
    if coll.years:
        extent["temporal"] = {"interval": [[f"{coll.years[0]}-01-01T00:00:00Z", f"{coll.years[1]}-12-31T23:59:59Z"]],
                              "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return {
        "id": cid, "title": coll.spec.title, "description": coll.spec.description, "itemType": coll.spec.item_type,
        "crs": [CRS84], "extent": extent,
        "links": [
            *_self_links(request, f"/collections/{cid}", coll.spec.title),
            {"href": f"{base}/collections/{cid}/items?f=json", "rel": "items", "type": GEOJSON, "title": "items"},
            {"href": f"{base}/collections/{cid}/items?f=html", "rel": "items", "type": HTML, "title": "items (HTML)"},
        ],
    }


def _page_links(request: Request, cid: str, params: dict[str, str], limit: int, offset: int,
                matched: int) -> list[dict[str, Any]]:
    root = _base(request)
    keep = urlencode({k: v for k, v in params.items() if k not in ("f", "limit", "offset")})
    base = f"{root}/collections/{cid}/items?{keep}{'&' if keep else ''}"

    def href(f: str, off: int) -> str:
        return f"{base}f={f}&limit={limit}&offset={off}"

    links = [{"href": href("json", offset), "rel": "self", "type": GEOJSON, "title": "this page"},
             {"href": href("html", offset), "rel": "alternate", "type": HTML, "title": "this page (HTML)"},
             {"href": f"{root}/collections/{cid}?f=json", "rel": "collection", "type": JSON}]
    if offset + limit < matched:
        links.append({"href": href("json", offset + limit), "rel": "next", "type": GEOJSON, "title": "next page"})
    if offset > 0:
        links.append({"href": href("json", max(0, offset - limit)), "rel": "prev", "type": GEOJSON,
                      "title": "previous page"})
    return links


def _items_html(coll: Collection, positions: list[int], links: list[dict[str, Any]], matched: int) -> Response:
    rows = []
    for i in positions:
        feature = orjson.loads(coll.features[i])
        rows.append({"id": feature["id"], **(feature["properties"] or {})})
    nav = [link for link in links if link["rel"] in ("next", "prev", "collection")]
    body = f"<p>{len(positions)} of {matched} matching features.</p>{links_html(nav)}{table_html(rows)}"
    return page(coll.spec.title, body)


def register(app: FastAPI) -> None:
    """Add the OGC API – Features routes."""
    router = APIRouter()
    landing_params, desk_params, f_params = QueryParams("f"), QueryParams("lang", "q"), QueryParams("f")
    Html = Annotated[bool, Depends(f_params.html)]

    @router.get("/", summary="Landing page", tags=["OGC API – Features"],
                openapi_extra={"parameters": [_f_param()]}, responses=_responses(JSON, Landing, 400))
    async def landing(request: Request, service: CurrentService) -> Response:
        if "f" not in request.query_params and wants_html(request, {}):  # a browser: the planners' landing page
            params = await desk_params(request)
            return desk.landing_page(request, service.snapshot, params, await desk_params.lang(request, params))
        html = await landing_params.html(request, await landing_params(request))
        base = _base(request)
        links = [*_self_links(request, "/", TITLE),
                 {"href": f"{base}/api", "rel": "service-desc", "type": OPENAPI_30, "title": "API definition"},
                 {"href": f"{base}/api.html", "rel": "service-doc", "type": HTML, "title": "API documentation"},
                 {"href": f"{base}/conformance?f=json", "rel": "conformance", "type": JSON, "title": "conformance"},
                 {"href": f"{base}/collections?f=json", "rel": "data", "type": JSON, "title": "collections"},
                 {"href": f"{base}/map", "rel": "alternate", "type": HTML, "title": "interactive planner map"}]
        doc = {"title": TITLE, "description": "Energy projects and targets named in Chinese county and city plans "
               "(碳达峰实施方案, 五年规划), each citing its plan line; not an official map.", "links": links}
        if html:
            return page(TITLE, f"<p>{doc['description']}</p>{links_html(links)}")
        return _json(doc)

    @router.get("/conformance", summary="Conformance classes", tags=["OGC API – Features"],
                openapi_extra={"parameters": [_f_param()]}, responses=_responses(JSON, Conformance, 400))
    async def conformance(html: Html) -> Response:
        if html:
            return page("Conformance", links_html([{"href": c, "rel": "conformance"} for c in CONFORMANCE]))
        return _json({"conformsTo": CONFORMANCE})

    @router.get("/collections", summary="The feature collections", tags=["OGC API – Features"],
                openapi_extra={"parameters": [_f_param()]}, responses=_responses(JSON, Collections, 400))
    async def collections(request: Request, snap: CurrentSnapshot, html: Html) -> Response:
        docs = [_collection_doc(request, c) for c in snap.collections.values()]
        links = _self_links(request, "/collections", "collections")
        if html:
            rows = [{"id": d["id"], "title": d["title"], "description": d["description"]} for d in docs]
            items = [{"href": f"{_base(request)}/collections/{d['id']}/items?f=html", "rel": "items",
                      "title": d["title"], "type": HTML} for d in docs]
            return page("Collections", links_html(items) + table_html(rows))
        return _json({"links": links, "collections": docs})

    for cid, spec in SPECS.items():
        _register_collection(router, cid, spec.filters, f_params)
    app.include_router(router)


def _register_collection(router: APIRouter, cid: str, filters: dict[str, str], f_params: QueryParams) -> None:
    tags: list[str | Enum] = [f"collection {cid}"]
    item_params = [
        _f_param(),
        _param("limit", {"type": "integer", "minimum": 1, "default": LIMIT_DEFAULT},
               f"page size; values above {LIMIT_MAX} are clamped to {LIMIT_MAX}"),
        _param("offset", {"type": "integer", "minimum": 0, "default": 0}, "features to skip (follow the next link)"),
        {**_param("bbox", {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
                  "minlon,minlat,maxlon,maxlat in CRS84; features intersecting it"), "style": "form",
         "explode": False},
        *[_param(name, _filter_schema(name), FILTER_DOCS[name]) for name in filters],
    ]
    items_params = QueryParams(*ITEMS_PARAMS, *filters)
    Params = Annotated[dict[str, str], Depends(items_params)]
    ItemsQuery = Annotated[Query, Depends(items_params.items(SPECS[cid]))]
    ItemsHtml = Annotated[bool, Depends(items_params.html)]

    @router.get(f"/collections/{cid}", summary=f"Collection {cid}", tags=tags, name=f"collection_{cid}",
                openapi_extra={"parameters": [_f_param()]}, responses=_responses(JSON, _OBJECT, 400))
    async def collection(request: Request, snap: CurrentSnapshot,
                         html: Annotated[bool, Depends(f_params.html)]) -> Response:
        coll = snap.collections[cid]
        doc = _collection_doc(request, coll)
        if html:
            return page(coll.spec.title, f"<p>{doc['description']}</p>{links_html(doc['links'])}")
        return _json(doc)

    @router.get(f"/collections/{cid}/items", summary=f"Features of {cid}", tags=tags, name=f"items_{cid}",
                openapi_extra={"parameters": item_params}, responses=_responses(GEOJSON, _COLLECTION, 400))
    async def items(request: Request, snap: CurrentSnapshot, params: Params, q: ItemsQuery,
                    html: ItemsHtml) -> Response:
        coll = snap.collections[cid]
        matched, positions = select(coll, q, snap.units)
        links = _page_links(request, cid, params, q.limit, q.offset, matched)
        if html:
            return _items_html(coll, positions, links, matched)
        envelope = {"numberMatched": matched, "numberReturned": len(positions),
                    "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "links": links}
        return Response(page_bytes(coll, positions, envelope), media_type=GEOJSON)

    @router.get(f"/collections/{cid}/items/{{featureId}}", summary=f"One feature of {cid}", tags=tags,
                name=f"item_{cid}", openapi_extra={"parameters": [_f_param()]},
                responses=_responses(GEOJSON, _FEATURE, 400, 404))
    async def item(request: Request, featureId: str, snap: CurrentSnapshot,
                   params: Annotated[dict[str, str], Depends(f_params)]) -> Response:
        coll = snap.collections[cid]
        i = coll.index.get(featureId)
        if i is None:
            raise NotFoundError(f"no feature {featureId[:80]!r} in collection {cid}")
        base = f"{_base(request)}/collections/{cid}"
        fid = quote(featureId, safe="")
        links = [{"href": f"{base}/items/{fid}?f=json", "rel": "self", "type": GEOJSON},
                 {"href": f"{base}/items/{fid}?f=html", "rel": "alternate", "type": HTML},
                 {"href": f"{base}?f=json", "rel": "collection", "type": JSON}]
        if wants_html(request, params):  # after the look-up: an unknown feature is 404 whatever the format
            feature = orjson.loads(coll.features[i])
            rows = [{"field": k, "value": plain(v)} for k, v in (feature["properties"] or {}).items()]
            return page(f"{cid} {featureId}", links_html(links) + table_html(rows))
        return Response(coll.features[i][:-1] + b',"links":' + orjson.dumps(links) + b"}", media_type=GEOJSON)
