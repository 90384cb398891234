"""Analysis, exports and the map: PV yield of a posted site or a project, target gaps, files, map and layers.

Yields use the offline typical year (the service never goes online); every result states its assumptions.
They run in the analysis pool (:mod:`api.workers`: a few worker processes and a bounded queue, 503 with
Retry-After when full), awaited on the event loop, so a burst of yields neither holds the server's threads
and GIL nor takes memory per request.

Derived views (the map page, the ``pv_yield`` layer, district yields) are cached on the snapshot they were
computed from (:class:`api.service.Snapshot`): a view of the store before a change is never served after
it. Concurrent requests for the same uncached view share one computation.
"""

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import orjson
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import HTMLResponse, Response

from api.deps import CurrentService, CurrentSnapshot, QueryParams
from api.errors import BadRequest, ServiceUnavailable, Unprocessable
from api.features import page_bytes
from api.models import DistrictYield, MapLayers, PostedSiteYield, ProjectYield, TargetGaps, WindYield
from api.params import LANG_PARAM
from api.problems import problem_docs
from api.service import Service, Snapshot
from api.settings import Settings
from api.state import StoreState
from api.workers import (
    AnalysisPool,
    PoolBusy,
    TaskFailed,
    clean,
    district_task,
    project_task,
    pv_layer_task,
    site_task,
    wind_site_task,
)
from geo.errors import NotFoundError
from geo.export import FORMATS, LAYERS, export
from geo.rollup import target_gaps
from layers.planner_map import render_map
from solar.mounting import LIMITS, MODULES, PRESETS, mounting
from wind.portfolio import WindOptions
from wind.resource import HEIGHT_RANGE_M, MEAN_SPEED_RANGE, SITE_TYPES, WEIBULL_K_RANGE
from wind.turbines import GENERIC, HUB_HEIGHT_RANGE_M, library_names

JSON = "application/json"
GEOJSON = "application/geo+json"
MEDIA = {"geojson": GEOJSON, "csv": "text/csv; charset=utf-8",
         "gpkg": "application/geopackage+sqlite3"}
MAP_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
           "font-src data:; connect-src 'self'")  # connect: the desk's yield and edit calls to this service only
MAP_LAYERS = ("districts", "projects", "substations", "pv_yield")
log = logging.getLogger("planner.api")
Finite = Annotated[float, Field(allow_inf_nan=False)]


COVERAGE = ("WGS-84 degrees. The offline weather covers points near a climate station (mainland China): "
            "a point outside its coverage is refused with 422, naming the nearest station and its distance")


def _within(name: str) -> Any:
    """An optional override within the mounting parameter's range (:data:`solar.mounting.LIMITS`), in the schema."""
    lo, hi = LIMITS[name]
    return Field(None, ge=lo, le=hi)


class Site(BaseModel):
    """A PV site to estimate: location, capacity and mounting (a preset with optional overrides)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description=COVERAGE)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description=COVERAGE)]
    capacity_mw: Annotated[float, Field(gt=0, le=10_000, allow_inf_nan=False)]
    mounting: Annotated[str, Field(json_schema_extra={"enum": list(PRESETS)})] = "ground_fixed"
    tilt: Finite | None = _within("tilt")
    azimuth: Finite | None = _within("azimuth")
    gcr: Finite | None = _within("gcr")
    height: Finite | None = _within("height")
    dc_ac: Finite | None = _within("dc_ac_ratio")
    losses: Finite | None = _within("losses_pct")
    bifaciality: Finite | None = _within("bifaciality")
    albedo: Finite | None = _within("albedo")
    module: Annotated[str, Field(json_schema_extra={"enum": list(MODULES)})] | None = None
    altitude_m: Annotated[float, Field(ge=-500, le=9000, allow_inf_nan=False)] | None = None


class WindSite(BaseModel):
    """A wind farm to estimate: location, capacity, turbine and the wind (the site type's stated default or a mean)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description=COVERAGE)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description=COVERAGE)]
    capacity_mw: Annotated[float, Field(gt=0, le=10_000, allow_inf_nan=False)]
    turbine: Annotated[str, Field(json_schema_extra={"enum": [GENERIC, *library_names()]})] = GENERIC
    hub_height_m: Annotated[float, Field(ge=HUB_HEIGHT_RANGE_M[0], le=HUB_HEIGHT_RANGE_M[1], allow_inf_nan=False,
                                         description="at least half the rotor + 10 m (generic: >= 80 m), "
                                         "else 422")] | None = None
    site_type: Annotated[str, Field(json_schema_extra={"enum": list(SITE_TYPES)})] = "ridge"
    mean_speed_m_s: Annotated[float, Field(ge=MEAN_SPEED_RANGE[0], le=MEAN_SPEED_RANGE[1], allow_inf_nan=False,
                                           description="long-term mean wind at height_m; without it the site "
                                           "type's stated assumption")] | None = None
    height_m: Annotated[float, Field(ge=HEIGHT_RANGE_M[0], le=HEIGHT_RANGE_M[1], allow_inf_nan=False)] | None = None
    weibull_k: Annotated[float, Field(ge=WEIBULL_K_RANGE[0], le=WEIBULL_K_RANGE[1], allow_inf_nan=False)] | None = None
    altitude_m: Annotated[float, Field(ge=-500, le=9000, allow_inf_nan=False)] | None = None


OVERRIDES = {"tilt": "tilt", "azimuth": "azimuth", "gcr": "gcr", "height": "height", "dc_ac": "dc_ac_ratio",
             "losses": "losses_pct", "bifaciality": "bifaciality", "albedo": "albedo", "module": "module"}
def _json(body: Any) -> Response:
    """JSON of a result with NaN as null and numpy values as Python ones (:func:`api.workers.clean`)."""
    return Response(orjson.dumps(clean(body)), media_type=JSON)


# -- the analysis pool ---------------------------------------------------------------------------------------

POOL = "analysis_pool"  # the app.state attribute holding the running pool


def start_pool(settings: Settings) -> AnalysisPool:
    """The analysis pool of ``settings``, its workers started (the app's lifespan closes it)."""
    pool = AnalysisPool(settings.analysis_workers, settings.analysis_queue, settings.analysis_recycle_after)
    pool.start()
    return pool


def _task_error(exc: TaskFailed) -> NoReturn:
    """Raise what the task raised in its worker as the error the service answers with."""
    if exc.kind in ("SolarInputError", "WindInputError"):
        raise Unprocessable(exc.message) from None
    if exc.kind == "NotFoundError":
        raise NotFoundError(exc.message) from None
    log.error("analysis task failed in its worker: %s", exc.trace)
    raise RuntimeError(f"analysis task failed: {exc.kind}") from None


async def _pooled(request: Request, fn: Callable[..., bytes], *args: Any) -> bytes:
    """``fn(*args)`` in the analysis pool: its JSON bytes, or 503 when the pool is full."""
    pool: AnalysisPool = getattr(request.app.state, POOL)
    try:
        result: bytes = await pool.run(fn, *args)
    except PoolBusy as exc:
        raise ServiceUnavailable(str(exc), retry_after_s=exc.retry_after_s) from None
    except TaskFailed as exc:
        _task_error(exc)
    return result


# -- views cached on their snapshot ---------------------------------------------------------------------------

T = TypeVar("T")


def _cached(snap: Snapshot, key: str, make: Callable[[StoreState], T]) -> T:
    """A view of ``snap`` computed by ``make`` in this thread (sync routes), kept with the snapshot."""
    if key not in snap.cache:
        snap.cache[key] = make(snap.state)
    value: T = snap.cache[key]
    return value


async def _cached_view(snap: Snapshot, key: str, make: Callable[[StoreState], Awaitable[bytes]]) -> bytes:
    """A view of ``snap`` computed by ``make`` (in the pool); concurrent requests share one computation."""
    running = snap.cache.get(key)
    if running is None:
        running = snap.cache[key] = asyncio.ensure_future(make(snap.state))

        def forget_failure(f: asyncio.Future[bytes]) -> None:  # a failed view is computed again next time
            if f.cancelled() or f.exception() is not None:
                snap.cache.pop(key, None)

        running.add_done_callback(forget_failure)
    return await asyncio.shield(running)


async def district_yield_json(request: Request, service: Service, snap: Snapshot, adcode: str) -> bytes:
    """A district's yields (PV and wind, totals with P50/P90, targets in energy) as JSON, cached on ``snap``.

    Raises
    ------
    geo.errors.NotFoundError
        For a district the store does not hold.
    """
    if adcode not in snap.units:
        raise NotFoundError(f"no district {adcode[:20]!r}; known: {', '.join(sorted(snap.units))}")
    data_dir = service.settings.data_dir

    async def make(state: StoreState) -> bytes:
        return await _pooled(request, district_task, data_dir, adcode, state.projects, state.targets, state.districts)

    return await _cached_view(snap, f"district-yield-{adcode}", make)


def register(app: FastAPI) -> None:
    """Add the analysis, export, map and layer routes."""
    no_params = QueryParams()
    targets_params, export_params, map_params = QueryParams("district"), QueryParams("format"), QueryParams("lang")
    checked = [Depends(no_params)]

    @app.post("/analysis/yield", tags=["analysis"], summary="PV yield of a site (pvlib, offline typical year)",
              response_model=PostedSiteYield, responses=problem_docs(400, 413, 422, 503), dependencies=checked)
    async def yield_of_site(request: Request, site: Site, service: CurrentService) -> Response:
        overrides = {field: getattr(site, name) for name, field in OVERRIDES.items()}
        m = mounting(site.mounting, **overrides)
        echo = {"lat": site.lat, "lon": site.lon, "capacity_mw": site.capacity_mw, "mounting": site.mounting}
        body = await _pooled(request, site_task, service.settings.data_dir, echo, m, site.altitude_m)
        return Response(body, media_type=JSON)

    @app.post("/analysis/wind-yield", tags=["analysis"],
              summary="Wind yield of a site (windpowerlib; the site type's stated default wind or a given mean)",
              response_model=WindYield, responses=problem_docs(400, 413, 422, 503), dependencies=checked)
    async def wind_yield_of_site(request: Request, site: WindSite, service: CurrentService) -> Response:
        options = WindOptions(turbine=site.turbine, hub_height_m=site.hub_height_m, site_type=site.site_type,
                              mean_speed_m_s=site.mean_speed_m_s, height_m=site.height_m, weibull_k=site.weibull_k,
                              altitude_m=site.altitude_m)
        echo = {"lat": site.lat, "lon": site.lon, "capacity_mw": site.capacity_mw}
        body = await _pooled(request, wind_site_task, service.settings.data_dir, echo, options)
        return Response(body, media_type=JSON)

    @app.get("/collections/projects/items/{featureId}/yield", tags=["analysis"],
             summary="Yield of a registry PV project or wind farm (its preset or the stated wind at its location, "
                     "precision stated)",
             response_model=ProjectYield, responses=problem_docs(400, 404, 503), dependencies=checked)
    async def yield_of_project(request: Request, featureId: str, service: CurrentService,
                               snap: CurrentSnapshot) -> Response:
        projects = snap.state.projects
        match = projects[projects["id"] == featureId]
        if match.empty:
            raise NotFoundError(f"no project {featureId[:80]!r}")
        row = match.iloc[0].to_dict()
        return Response(await _pooled(request, project_task, service.settings.data_dir, row), media_type=JSON)

    @app.get("/analysis/targets", tags=["analysis"], summary="Capacity targets against the named pipeline: gaps",
             response_model=TargetGaps, responses=problem_docs(400),
             openapi_extra={"parameters": [
                 {"name": "district", "in": "query", "required": False, "schema": {"type": "string"},
                  "description": "adcode; a city's code includes its counties' targets"}]})
    def targets(snap: CurrentSnapshot, params: Annotated[dict[str, str], Depends(targets_params)]) -> Response:
        gaps = target_gaps(snap.state.projects, snap.state.targets, snap.state.parents)
        if "district" in params:
            units = snap.units.get(params["district"])
            if units is None:
                raise BadRequest(f"district: unknown adcode {params['district'][:20]!r}; "
                                 f"allowed: {', '.join(sorted(snap.units))}")
            gaps = gaps[gaps["adcode"].astype(str).isin(units)]
        return _json({"assumption": "gap = target - MW of the projects the plans name; existing installed capacity "
                      "is not in the registry (zero baseline), so stock-target gaps are upper bounds",
                      "targets": gaps.to_dict("records")})

    @app.get("/analysis/districts/{adcode}/yield", tags=["analysis"],
             summary="A district's PV projects and wind farms, totals with P50/P90, and its capacity targets in energy",
             response_model=DistrictYield, responses=problem_docs(400, 404, 503), dependencies=checked)
    async def yield_of_district(request: Request, adcode: str, service: CurrentService,
                                snap: CurrentSnapshot) -> Response:
        return Response(await district_yield_json(request, service, snap, adcode), media_type=JSON)

    @app.get("/exports/{layer}", tags=["exports"], summary="Download a layer: GeoJSON, CSV (BOM) or GeoPackage",
             responses={200: {"description": "the file", "content": {  # GeoJSON is an object, CSV and GPKG bytes
                 m: {"schema": {"type": "object"} if m == GEOJSON else {"type": "string"}} for m in MEDIA.values()}},
                        **problem_docs(400, 404)},
             openapi_extra={"parameters": [{"name": "format", "in": "query", "required": True,
                                            "schema": {"type": "string", "enum": list(FORMATS)}}]})
    def export_layer(layer: str, snap: CurrentSnapshot,
                     params: Annotated[dict[str, str], Depends(export_params)]) -> Response:
        fmt = params.get("format")
        if fmt not in FORMATS:
            raise BadRequest(f"format: give one of {', '.join(FORMATS)}")
        if layer not in LAYERS:
            raise NotFoundError(f"no layer {layer[:40]!r}; exportable: {', '.join(LAYERS)}")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"{layer}.{fmt}"
            export(snap.state.layers(), fmt, out, layer)
            data = out.read_bytes()
        return Response(data, media_type=MEDIA[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{layer}.{fmt}"'})

    @app.get("/map", tags=["map"], summary="The interactive planner map (self-contained, works offline)",
             response_class=HTMLResponse, responses=problem_docs(400), openapi_extra={"parameters": [LANG_PARAM]})
    def planner_map(service: CurrentService, snap: CurrentSnapshot,
                    lang: Annotated[str, Depends(map_params.lang)]) -> Response:
        html = _cached(snap, f"map-{lang}", lambda state: render_map(
            state.store, lang=lang, data_dir=service.settings.data_dir, service=True))
        return HTMLResponse(html, headers={"Content-Security-Policy": MAP_CSP, "Content-Language": lang,
                                           "Vary": "Accept-Language"})

    @app.get("/layers", tags=["map"], summary="The map's layers", response_model=MapLayers,
             responses=problem_docs(400), dependencies=checked)
    async def layer_list(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return _json({"layers": [{"name": n, "href": f"{base}/layers/{n}", "type": GEOJSON} for n in MAP_LAYERS]})

    @app.get("/layers/{name}", tags=["map"], summary="One map layer as GeoJSON",
             responses={200: {"description": "GeoJSON", "content": {GEOJSON: {"schema": {"type": "object"}}}},
                        **problem_docs(400, 404, 503)}, dependencies=checked)
    async def layer(request: Request, name: str, service: CurrentService, snap: CurrentSnapshot) -> Response:
        if name == "pv_yield":
            data_dir = service.settings.data_dir

            async def make(state: StoreState) -> bytes:
                pv_wind = state.projects[state.projects["category"].isin(["pv", "wind"])]
                return await _pooled(request, pv_layer_task, data_dir, pv_wind)

            return Response(await _cached_view(snap, "pv_yield", make), media_type=GEOJSON)
        if name not in MAP_LAYERS:
            raise NotFoundError(f"no layer {name[:40]!r}; layers: {', '.join(MAP_LAYERS)}")
        coll = snap.collections[name]
        return Response(page_bytes(coll, list(range(len(coll.ids))), {"name": name, "title": coll.spec.title}),
                        media_type=GEOJSON)
