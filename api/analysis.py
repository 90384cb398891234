"""Analysis, exports and the map: PV yield of a posted site or a project, target gaps, files, map and layers.

Yields use the offline typical year (the service never goes online); every result states its assumptions.
"""

import functools
import tempfile
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import HTMLResponse, Response

from api.features import page_bytes
from api.params import check_params
from api.problems import PROBLEM_JSON, BadRequest
from api.service import Service
from geo.errors import NotFoundError
from geo.export import FORMATS, LAYERS, export
from geo.frames import plain
from geo.rollup import target_gaps
from layers.planner_map import render_map
from solar.mounting import MODULES, PRESETS, mounting
from solar.portfolio import district_yield, project_yield, project_yields
from solar.site import site_yield
from solar.weather import Weather, typical_year

JSON = "application/json"
GEOJSON = "application/geo+json"
MEDIA = {"geojson": GEOJSON, "csv": "text/csv; charset=utf-8",
         "gpkg": "application/geopackage+sqlite3"}
MAP_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
           "font-src data:")
MAP_LAYERS = ("districts", "projects", "substations", "pv_yield")
Finite = Annotated[float, Field(allow_inf_nan=False)]


class Site(BaseModel):
    """A PV site to estimate: location, capacity and mounting (a preset with optional overrides)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    capacity_mw: Annotated[float, Field(gt=0, le=10_000, allow_inf_nan=False)]
    mounting: Annotated[str, Field(json_schema_extra={"enum": list(PRESETS)})] = "ground_fixed"
    tilt: Finite | None = None
    azimuth: Finite | None = None
    gcr: Finite | None = None
    height: Finite | None = None
    dc_ac: Finite | None = None
    losses: Finite | None = None
    bifaciality: Finite | None = None
    albedo: Finite | None = None
    module: Annotated[str, Field(json_schema_extra={"enum": list(MODULES)})] | None = None
    altitude_m: Annotated[float, Field(ge=-500, le=9000, allow_inf_nan=False)] | None = None


OVERRIDES = {"tilt": "tilt", "azimuth": "azimuth", "gcr": "gcr", "height": "height", "dc_ac": "dc_ac_ratio",
             "losses": "losses_pct", "bifaciality": "bifaciality", "albedo": "albedo", "module": "module"}
_PROBLEM = {"content": {PROBLEM_JSON: {"schema": {"type": "object"}}}}
_OK_JSON = {"description": "OK", "content": {JSON: {"schema": {"type": "object"}}}}


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"description": "problem details (RFC 9457)", **_PROBLEM} for code in codes}


def _json(body: Any) -> Response:
    """JSON of a result with NaN as null and numpy values as Python ones (:func:`_clean`)."""
    return Response(orjson.dumps(_clean(body)), media_type=JSON)


def _clean(obj: Any) -> Any:
    """NaN → None everywhere (orjson would write null too, but say it explicitly), numpy → Python."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, str):
        return _clean(obj.tolist())
    return plain(obj)


@functools.lru_cache(maxsize=256)
def _weather(data_dir: Path, lat: float, lon: float, altitude_m: float | None) -> Weather:
    return typical_year(data_dir, lat, lon, altitude_m)


def _weather_at(service: Service) -> Any:
    data_dir = service.settings.data_dir
    return lambda lat, lon: _weather(data_dir, round(lat, 4), round(lon, 4), None)


def _cached(service: Service, key: str, make: Any) -> Any:
    if key not in service.cache:
        service.cache[key] = make()
    return service.cache[key]


def register(app: FastAPI, service_of: Any) -> None:
    """Add the analysis, export, map and layer routes."""

    @app.post("/analysis/yield", tags=["analysis"], summary="PV yield of a site (pvlib, offline typical year)",
              responses={200: _OK_JSON, **_problems(400, 413, 422)})
    def yield_of_site(request: Request, site: Site) -> Response:
        check_params(request, [])
        service: Service = service_of(request)
        overrides = {field: getattr(site, name) for name, field in OVERRIDES.items()}
        m = mounting(site.mounting, **overrides)
        weather = _weather(service.settings.data_dir, round(site.lat, 4), round(site.lon, 4), site.altitude_m)
        result = site_yield(weather, site.capacity_mw, m)
        return _json({"lat": site.lat, "lon": site.lon, "capacity_mw": site.capacity_mw,
                      "mounting": site.mounting, **result})

    @app.get("/collections/projects/items/{featureId}/yield", tags=["analysis"],
             summary="PV yield of a registry project (its subtype's preset at its location, precision stated)",
             responses={200: _OK_JSON, **_problems(400, 404)})
    def yield_of_project(request: Request, featureId: str) -> Response:
        check_params(request, [])
        service: Service = service_of(request)
        projects = service.state.projects
        match = projects[projects["id"] == featureId]
        if match.empty:
            raise NotFoundError(f"no project {featureId[:80]!r}")
        return _json(project_yield(match.iloc[0], _weather_at(service)))

    @app.get("/analysis/targets", tags=["analysis"], summary="Capacity targets against the named pipeline: gaps",
             responses={200: _OK_JSON, **_problems(400)},
             openapi_extra={"parameters": [
                 {"name": "district", "in": "query", "required": False, "schema": {"type": "string"},
                  "description": "adcode; a city's code includes its counties' targets"}]})
    def targets(request: Request) -> Response:
        params = check_params(request, ["district"])
        service: Service = service_of(request)
        gaps = target_gaps(service.state.projects, service.state.targets, service.state.parents)
        if "district" in params:
            units = service.units.get(params["district"])
            if units is None:
                raise BadRequest(f"district: unknown adcode {params['district'][:20]!r}; "
                                 f"allowed: {', '.join(sorted(service.units))}")
            gaps = gaps[gaps["adcode"].astype(str).isin(units)]
        return _json({"assumption": "gap = target - MW of the projects the plans name; existing installed capacity "
                      "is not in the registry (zero baseline), so stock-target gaps are upper bounds",
                      "targets": gaps.to_dict("records")})

    @app.get("/analysis/districts/{adcode}/yield", tags=["analysis"],
             summary="A district's PV projects, totals, and its targets in energy",
             responses={200: _OK_JSON, **_problems(400, 404)})
    def yield_of_district(request: Request, adcode: str) -> Response:
        check_params(request, [])
        service: Service = service_of(request)
        if adcode not in service.units:
            raise NotFoundError(f"no district {adcode[:20]!r}; known: {', '.join(sorted(service.units))}")
        state = service.state
        result = _cached(service, f"district-yield-{adcode}", lambda: district_yield(
            adcode, state.projects, state.targets, state.districts, _weather_at(service)))
        return _json(result)

    @app.get("/exports/{layer}", tags=["exports"], summary="Download a layer: GeoJSON, CSV (BOM) or GeoPackage",
             responses={200: {"description": "the file", "content": {  # GeoJSON is an object, CSV and GPKG bytes
                 m: {"schema": {"type": "object"} if m == GEOJSON else {"type": "string"}} for m in MEDIA.values()}},
                        **_problems(400, 404)},
             openapi_extra={"parameters": [{"name": "format", "in": "query", "required": True,
                                            "schema": {"type": "string", "enum": list(FORMATS)}}]})
    def export_layer(request: Request, layer: str) -> Response:
        params = check_params(request, ["format"])
        fmt = params.get("format")
        if fmt not in FORMATS:
            raise BadRequest(f"format: give one of {', '.join(FORMATS)}")
        if layer not in LAYERS:
            raise NotFoundError(f"no layer {layer[:40]!r}; exportable: {', '.join(LAYERS)}")
        service: Service = service_of(request)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"{layer}.{fmt}"
            export(service.state.layers(), fmt, out, layer)
            data = out.read_bytes()
        return Response(data, media_type=MEDIA[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{layer}.{fmt}"'})

    @app.get("/map", tags=["map"], summary="The interactive planner map (self-contained, works offline)",
             response_class=HTMLResponse, responses=_problems(400))
    def planner_map(request: Request) -> Response:
        check_params(request, [])
        service: Service = service_of(request)
        html = _cached(service, "map", lambda: render_map(service.state.store))
        return HTMLResponse(html, headers={"Content-Security-Policy": MAP_CSP})

    @app.get("/layers", tags=["map"], summary="The map's layers", responses={200: _OK_JSON, **_problems(400)})
    async def layer_list(request: Request) -> Response:
        check_params(request, [])
        base = str(request.base_url).rstrip("/")
        return _json({"layers": [{"name": n, "href": f"{base}/layers/{n}", "type": GEOJSON} for n in MAP_LAYERS]})

    @app.get("/layers/{name}", tags=["map"], summary="One map layer as GeoJSON",
             responses={200: {"description": "GeoJSON", "content": {GEOJSON: {"schema": {"type": "object"}}}},
                        **_problems(400, 404)})
    def layer(request: Request, name: str) -> Response:
        check_params(request, [])
        service: Service = service_of(request)
        if name == "pv_yield":
            return Response(_cached(service, "pv_yield", lambda: _yield_layer(service)), media_type=GEOJSON)
        if name not in MAP_LAYERS:
            raise NotFoundError(f"no layer {name[:40]!r}; layers: {', '.join(MAP_LAYERS)}")
        coll = service.collections[name]
        return Response(page_bytes(coll, list(range(len(coll.ids))), {"name": name, "title": coll.spec.title}),
                        media_type=GEOJSON)


def _yield_layer(service: Service) -> bytes:
    rows = [r for r in project_yields(service.state.projects, _weather_at(service)) if r["yield_status"] == "computed"]
    features = []
    for r in rows:
        props = {k: v for k, v in _clean(r).items() if k not in ("monthly_energy_mwh", "crop_light_monthly",
                                                                   "crop_light_by_segment")}
        features.append({"type": "Feature", "id": r["id"], "properties": props,
                         "geometry": {"type": "Point", "coordinates": [round(r["lon"], 6), round(r["lat"], 6)]}})
    return orjson.dumps({"type": "FeatureCollection", "name": "pv_yield", "features": features})

