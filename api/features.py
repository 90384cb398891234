"""The feature collections the service serves, pre-serialised: each feature is GeoJSON bytes made once.

A page of items is the envelope around a join of ready-made feature bytes, so a request costs a few numpy
comparisons (bbox, property filters) and a concatenation, never a JSON encoding of the features (FastAPI's
default encoder manages ~9 pages of these 1,000 features a second here; joined bytes, ~1,300:
``benchmarks/bench_api.py``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from api.state import StoreState
from geo.frames import plain

COORD_DECIMALS = 6  # RFC 7946: ~0.1 m, far below any location precision here
LIMIT_DEFAULT = 10
LIMIT_MAX = 10_000
DISTRICT_FILTER = "district"  # matches the unit and, for a city, its counties


@dataclass(frozen=True)
class Spec:
    """What one collection is: its id, title, id column and filters (query parameter → column)."""

    id: str
    title: str
    description: str
    id_column: str
    filters: dict[str, str]
    item_type: str = "feature"


SPECS = {
    "projects": Spec("projects", "规划能源项目 · Energy projects named in the plans",
                     "Every named energy project with the plan line it comes from and an honest location precision.",
                     "id", {"category": "category", "subtype": "subtype", DISTRICT_FILTER: "district_adcode",
                            "status": "status", "target_year": "target_year"}),
    "substations": Spec("substations", "变电站 · Substations named in the plans",
                        "The projects of category substation (new, extended or upgraded), with voltage in kV.",
                        "id", {"subtype": "subtype", DISTRICT_FILTER: "district_adcode", "status": "status",
                               "target_year": "target_year"}),
    "districts": Spec("districts", "行政区 · Districts (not an official map)",
                      "County- and city-level boundaries, WGS-84 (Amap outlines converted from GCJ-02).",
                      "adcode", {DISTRICT_FILTER: "adcode", "level": "level"}),
    "targets": Spec("targets", "规划目标 · Targets set in the plans",
                    "Quantitative energy and climate targets. A target has no geometry of its own: it is served "
                    "without one, and a bbox selects the targets of the units it intersects.",
                    "id", {DISTRICT_FILTER: "adcode", "metric": "metric", "target_year": "year"}),
}


def geometry_json(geom: BaseGeometry | None) -> bytes:
    """GeoJSON geometry bytes, coordinates rounded to :data:`COORD_DECIMALS` (``null`` for none)."""
    if geom is None or geom.is_empty:
        return b"null"
    rounded = shapely.set_precision(geom, 10.0 ** -COORD_DECIMALS, mode="pointwise")
    return shapely.to_geojson(rounded).encode()


def feature_bytes(fid: str, geom: BaseGeometry | None, properties: dict[str, Any]) -> bytes:
    """One GeoJSON Feature as bytes."""
    return (b'{"type":"Feature","id":' + orjson.dumps(fid) + b',"geometry":' + geometry_json(geom)
            + b',"properties":' + orjson.dumps({k: plain(v) for k, v in properties.items()}) + b"}")


@dataclass(frozen=True)
class Collection:
    """One collection ready to serve: feature bytes, bounds and filter columns as arrays (never mutated)."""

    spec: Spec
    ids: list[str]
    features: list[bytes]
    bounds: np.ndarray  # (n, 4) minx, miny, maxx, maxy; NaN where a feature has no extent
    polygons: list[BaseGeometry | None]  # for exact bbox tests of non-point features
    columns: dict[str, np.ndarray]  # filter parameter → values as strings ("" for none)
    index: dict[str, int] = field(init=False)
    extent: list[float] | None = field(init=False)
    years: tuple[int, int] | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {fid: i for i, fid in enumerate(self.ids)})
        b = self.bounds
        extent = None
        if len(b) and not np.isnan(b).all():
            extent = [round(float(x), COORD_DECIMALS) for x in (np.nanmin(b[:, 0]), np.nanmin(b[:, 1]),
                                                               np.nanmax(b[:, 2]), np.nanmax(b[:, 3]))]
        object.__setattr__(self, "extent", extent)
        known = [int(y) for y in self.columns.get("target_year", ()) if y]
        object.__setattr__(self, "years", (min(known), max(known)) if known else None)

    @cached_property
    def codes(self) -> dict[str, tuple[np.ndarray, dict[str, int]]]:
        """Per filter: each feature's value as an int code, and the code of each value (int compares, not str)."""
        out = {}
        for param, values in self.columns.items():
            uniques, inverse = np.unique(values.astype(str), return_inverse=True)
            out[param] = (inverse.astype(np.int32), {str(v): k for k, v in enumerate(uniques)})
        return out

    @cached_property
    def edges(self) -> tuple[np.ndarray, ...]:
        """The bounds' columns as contiguous arrays: minx, miny, maxx, maxy."""
        return tuple(np.ascontiguousarray(self.bounds[:, k]) for k in range(4))

    @cached_property
    def with_polygon(self) -> np.ndarray:
        """Positions of the features whose bbox test needs their exact shape (not points)."""
        return np.array([i for i, p in enumerate(self.polygons) if p is not None], dtype=np.intp)

    def with_feature(self, i: int, properties: dict[str, Any], geom: BaseGeometry) -> "Collection":
        """A copy with feature ``i`` replaced (a point feature of the same id): what an update needs."""
        features = list(self.features)
        features[i] = feature_bytes(self.ids[i], geom, properties)
        bounds = self.bounds.copy()
        bounds[i] = geom.bounds
        columns = {param: values.copy() for param, values in self.columns.items()}
        for param, column in self.spec.filters.items():
            columns[param][i] = _as_text([properties.get(column)])[0]
        return Collection(self.spec, self.ids, features, bounds, self.polygons, columns)


def _as_text(values: Iterable[Any]) -> np.ndarray:
    out = []
    for v in values:
        v = plain(v)
        out.append("" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    return np.array(out, dtype=object)


def make_collection(spec: Spec, frame: pd.DataFrame, geoms: list[BaseGeometry | None],
                    extent_geoms: list[BaseGeometry | None] | None = None) -> Collection:
    """Serialise ``frame``'s rows as features with ``geoms``; ``extent_geoms`` (default ``geoms``) drive bbox."""
    props: list[dict[str, Any]] = frame.drop(columns=[c for c in ("geometry", "geom") if c in frame]).to_dict(
        "records")  # type: ignore[assignment]
    ids = [str(p[spec.id_column]) for p in props]
    features = [feature_bytes(fid, g, p) for fid, g, p in zip(ids, geoms, props, strict=True)]
    extent_geoms = geoms if extent_geoms is None else extent_geoms
    bounds = np.array([g.bounds if g is not None and not g.is_empty else (np.nan,) * 4 for g in extent_geoms],
                      dtype=float).reshape(-1, 4)
    polygons = [g if g is not None and g.geom_type != "Point" else None for g in extent_geoms]
    columns = {param: _as_text(frame[col]) for param, col in spec.filters.items()}
    return Collection(spec, ids, features, bounds, polygons, columns)


def project_collections(projects: pd.DataFrame) -> dict[str, Collection]:
    """The collections made from the projects layer (what an edit changes)."""
    point_geoms = list(projects.geometry)
    substation = (projects["category"] == "substation").to_numpy()
    return {
        "projects": make_collection(SPECS["projects"], projects, point_geoms),
        "substations": make_collection(SPECS["substations"], projects[substation],
                                       [g for g, s in zip(point_geoms, substation, strict=True) if s]),
    }


def build_collections(state: StoreState) -> dict[str, Collection]:
    """All collections of a store state."""
    projects = state.projects
    districts = state.districts
    district_geoms = list(districts.geometry)
    by_adcode = dict(zip(districts["adcode"], district_geoms, strict=True))
    targets = state.targets
    return {
        **project_collections(projects),
        "districts": make_collection(SPECS["districts"], districts, district_geoms),
        "targets": make_collection(SPECS["targets"], targets, [None] * len(targets),
                                   extent_geoms=[by_adcode.get(a) for a in targets["adcode"]]),
    }


@dataclass(frozen=True)
class Query:
    """A checked items query."""

    limit: int
    offset: int
    bbox: tuple[float, float, float, float] | None
    filters: dict[str, str]


def select(coll: Collection, q: Query, units_within: dict[str, set[str]]) -> tuple[int, list[int]]:
    """``(numberMatched, positions of the page)`` for a query; ``units_within`` maps an adcode to itself + children."""
    n = len(coll.ids)
    mask = np.ones(n, dtype=bool)
    for param, value in q.filters.items():
        codes, code_of = coll.codes[param]
        if param == DISTRICT_FILTER:
            wanted = np.zeros(len(code_of) + 1, dtype=bool)  # a lookup table by code: no np.isin on strings
            wanted[[code_of[v] for v in units_within.get(value, {value}) if v in code_of]] = True
            mask &= wanted[codes]
        else:
            mask &= codes == code_of.get(value, -1)
    if q.bbox is not None and n:
        x1, y1, x2, y2 = q.bbox
        minx, miny, maxx, maxy = coll.edges
        with np.errstate(invalid="ignore"):
            mask &= (minx <= x2) & (maxx >= x1) & (miny <= y2) & (maxy >= y1)
        exact = coll.with_polygon[mask[coll.with_polygon]]
        if len(exact):
            box = shapely.box(x1, y1, x2, y2)
            for i in exact:
                if not coll.polygons[i].intersects(box):
                    mask[i] = False
    matched = np.flatnonzero(mask)
    return len(matched), matched[q.offset:q.offset + q.limit].tolist()


def page_bytes(coll: Collection, positions: list[int], envelope: dict[str, Any]) -> bytes:
    """A FeatureCollection: the envelope's members around the ready-made features."""
    head = orjson.dumps({"type": "FeatureCollection", **envelope})[:-1] + b',"features":['
    if not positions:
        return head + b"]}"
    parts = [coll.features[i] for i in positions]  # one join: the page is copied once, not three times
    parts[0] = head + parts[0]
    parts[-1] = parts[-1] + b"]}"
    return b",".join(parts)
