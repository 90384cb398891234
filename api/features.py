"""The feature collections the service serves: feature bytes made once, on first use; indexed bbox and filters.

A page of items is the envelope around a join of ready-made feature bytes, so a request costs an index
look-up (bbox, property filters) and a concatenation, never a JSON encoding of the features (FastAPI's
default encoder manages ~9 pages of these 1,000 features a second here; joined bytes, ~1,300:
``benchmarks/bench_api.py``).

Flat in store size (issue 18): start-up does column-wise work only (values as Python lists, bounds and
filter columns as arrays); each feature's bytes are made the first time a page holds it and kept
(:class:`LazyFeatures`). A bbox is answered from a grid index of the features' bounds and a filter from
per-value posting lists (sorted positions), so a request's cost follows the size of its answer, not of
the store.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, overload

import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from api.state import StoreState
from geo.store.frames import plain

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


class LazyFeatures(Sequence[bytes]):
    """Feature bytes by position, each made by ``make(i)`` the first time it is asked for, then kept."""

    def __init__(self, n: int, make: Callable[[int], bytes], cache: list[bytes | None] | None = None):
        self._make = make
        self._cache: list[bytes | None] = [None] * n if cache is None else cache

    def __len__(self) -> int:
        return len(self._cache)

    @overload
    def __getitem__(self, i: int) -> bytes: ...

    @overload
    def __getitem__(self, i: slice) -> list[bytes]: ...

    def __getitem__(self, i: int | slice) -> bytes | list[bytes]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        b = self._cache[i]
        if b is None:
            b = self._cache[i] = self._make(i)
        return b

    def __iter__(self) -> Iterator[bytes]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Sequence) and len(other) == len(self)
                and all(a == b for a, b in zip(self, other, strict=True)))

    __hash__ = None  # type: ignore[assignment]

    def replaced(self, i: int, feature: bytes) -> "LazyFeatures":
        """A copy with feature ``i`` replaced (the others still made on first use, by the same function)."""
        cache = list(self._cache)
        cache[i] = feature
        return LazyFeatures(len(cache), self._make, cache)


@dataclass(frozen=True)
class GridIndex:
    """Positions of features by cell of a regular grid over their bounds (CSR: ``starts`` into ``positions``)."""

    x0: float
    y0: float
    cell_x: float
    cell_y: float
    nx: int
    ny: int
    starts: np.ndarray  # (nx * ny + 1,)
    positions: np.ndarray  # feature positions, by cell
    spans_cells: bool  # some feature is in more than one cell (not points): candidates need deduplication

    @classmethod
    def of(cls, bounds: np.ndarray, per_cell: float = 4.0) -> "GridIndex":
        """A grid of about ``per_cell`` features per cell over the finite bounds (NaN bounds are left out)."""
        ok = np.flatnonzero(np.isfinite(bounds).all(axis=1))
        if not len(ok):
            return cls(0.0, 0.0, 1.0, 1.0, 1, 1, np.zeros(2, dtype=np.intp), np.zeros(0, dtype=np.intp), False)
        b = bounds[ok]
        x0, y0 = float(b[:, 0].min()), float(b[:, 1].min())
        w, h = max(float(b[:, 2].max()) - x0, 1e-9), max(float(b[:, 3].max()) - y0, 1e-9)
        side = max(1, int(np.ceil(np.sqrt(len(ok) / per_cell))))
        nx = ny = min(side, 4096)
        cx, cy = w / nx * (1 + 1e-9), h / ny * (1 + 1e-9)
        ix1 = np.clip(((b[:, 0] - x0) / cx).astype(np.intp), 0, nx - 1)
        iy1 = np.clip(((b[:, 1] - y0) / cy).astype(np.intp), 0, ny - 1)
        ix2 = np.clip(((b[:, 2] - x0) / cx).astype(np.intp), 0, nx - 1)
        iy2 = np.clip(((b[:, 3] - y0) / cy).astype(np.intp), 0, ny - 1)
        single = (ix1 == ix2) & (iy1 == iy2)
        cells = [iy1[single] * nx + ix1[single]]
        owners = [ok[single]]
        for k in np.flatnonzero(~single):  # features over several cells (polygons): one entry per cell
            gx, gy = np.meshgrid(np.arange(ix1[k], ix2[k] + 1), np.arange(iy1[k], iy2[k] + 1))
            cells.append((gy * nx + gx).ravel())
            owners.append(np.full(gx.size, ok[k]))
        cell = np.concatenate(cells)
        owner = np.concatenate(owners)
        order = np.lexsort((owner, cell))
        starts = np.searchsorted(cell[order], np.arange(nx * ny + 1))
        return cls(x0, y0, cx, cy, nx, ny, starts.astype(np.intp), owner[order].astype(np.intp),
                   bool((~single).any()))

    def candidates(self, x1: float, y1: float, x2: float, y2: float) -> np.ndarray:
        """Sorted positions of the features in the grid cells the box touches (a superset of the answer)."""
        ix1 = int(np.clip(np.floor((x1 - self.x0) / self.cell_x), 0, self.nx - 1))
        ix2 = int(np.clip(np.floor((x2 - self.x0) / self.cell_x), 0, self.nx - 1))
        iy1 = int(np.clip(np.floor((y1 - self.y0) / self.cell_y), 0, self.ny - 1))
        iy2 = int(np.clip(np.floor((y2 - self.y0) / self.cell_y), 0, self.ny - 1))
        if x2 < self.x0 or y2 < self.y0 or x1 > self.x0 + self.nx * self.cell_x or y1 > self.y0 + self.ny * self.cell_y:
            return np.zeros(0, dtype=np.intp)
        parts = [self.positions[self.starts[iy * self.nx + ix1]:self.starts[iy * self.nx + ix2 + 1]]
                 for iy in range(iy1, iy2 + 1)]
        out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
        return np.unique(out) if self.spans_cells else np.sort(out)


@dataclass(frozen=True)
class Collection:
    """One collection ready to serve: feature bytes (made on first use), bounds and filter columns as arrays."""

    spec: Spec
    ids: list[str]
    features: LazyFeatures
    bounds: np.ndarray  # (n, 4) minx, miny, maxx, maxy; NaN where a feature has no extent
    polygons: list[BaseGeometry | None]  # for exact bbox tests of non-point features
    columns: dict[str, np.ndarray]  # filter parameter → values as strings ("" for none)
    index: dict[str, int] = field(init=False)
    extent: list[float] | None = field(init=False)
    years: tuple[int, int] | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", dict(zip(self.ids, range(len(self.ids)), strict=True)))
        b = self.bounds
        extent = None
        if len(b) and not np.isnan(b).all():
            extent = [round(float(x), COORD_DECIMALS) for x in (np.nanmin(b[:, 0]), np.nanmin(b[:, 1]),
                                                               np.nanmax(b[:, 2]), np.nanmax(b[:, 3]))]
        object.__setattr__(self, "extent", extent)
        years = self.columns.get("target_year")
        known = np.array([], dtype=int) if years is None else pd.to_numeric(
            pd.Series(years[years != ""], dtype=object), errors="coerce").dropna().astype(int).to_numpy()
        object.__setattr__(self, "years", (int(known.min()), int(known.max())) if len(known) else None)

    @cached_property
    def codes(self) -> dict[str, tuple[np.ndarray, dict[str, int]]]:
        """Per filter: each feature's value as an int code, and the code of each value (int compares, not str)."""
        out = {}
        for param, values in self.columns.items():
            uniques, inverse = np.unique(values.astype(str), return_inverse=True)
            out[param] = (inverse.astype(np.int32), {str(v): k for k, v in enumerate(uniques)})
        return out

    @cached_property
    def postings(self) -> dict[str, list[np.ndarray]]:
        """Per filter: for each value code, the sorted positions of the features with that value."""
        out = {}
        for param, (codes, code_of) in self.codes.items():
            order = np.argsort(codes, kind="stable")
            starts = np.searchsorted(codes[order], np.arange(len(code_of) + 1))
            out[param] = [order[starts[k]:starts[k + 1]] for k in range(len(code_of))]
        return out

    @cached_property
    def has_polygons(self) -> bool:
        """Whether a bbox test needs some feature's exact shape (not points)."""
        return any(p is not None for p in self.polygons)

    @cached_property
    def grid(self) -> GridIndex:
        """The grid index of the features' bounds."""
        return GridIndex.of(self.bounds)

    @cached_property
    def edges(self) -> tuple[np.ndarray, ...]:
        """The bounds' columns as contiguous arrays: minx, miny, maxx, maxy."""
        return tuple(np.ascontiguousarray(self.bounds[:, k]) for k in range(4))

    def with_feature(self, i: int, properties: dict[str, Any], geom: BaseGeometry) -> "Collection":
        """A copy with feature ``i`` replaced (a point feature of the same id): what an update needs."""
        features = self.features.replaced(i, feature_bytes(self.ids[i], geom, properties))
        bounds = self.bounds.copy()
        bounds[i] = geom.bounds
        columns = {param: values.copy() for param, values in self.columns.items()}
        for param, column in self.spec.filters.items():
            columns[param][i] = _text(properties.get(column))
        return Collection(self.spec, self.ids, features, bounds, self.polygons, columns)


def _text(v: Any) -> str:
    v = plain(v)
    return "" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _as_text(values: Iterable[Any] | pd.Series) -> np.ndarray:
    """Values as filter strings: "" for none, whole numbers without ".0"; column-wise where the dtype allows."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        f = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        out = np.full(len(f), "", dtype=object)
        finite = np.isfinite(f)
        whole = finite & (f == np.floor(np.where(finite, f, 0.0)))
        out[whole] = f[whole].astype(np.int64).astype(str).astype(object)
        rest = np.flatnonzero(finite & ~whole)
        out[rest] = [str(float(v)) for v in f[rest]]
        return out
    raw = series.to_numpy(dtype=object)
    missing = pd.isna(series).to_numpy()
    if all(isinstance(v, str) for v in raw[~missing]):
        out = raw.copy()
        out[missing] = ""
        return out
    return np.array([_text(v) for v in raw], dtype=object)


def _column_values(series: pd.Series) -> list[Any]:
    return series.to_numpy(dtype=object).tolist()


def make_collection(spec: Spec, frame: pd.DataFrame, geoms: list[BaseGeometry | None],
                    extent_geoms: list[BaseGeometry | None] | None = None) -> Collection:
    """``frame``'s rows as features with ``geoms``; ``extent_geoms`` (default ``geoms``) drive bbox.

    Column-wise only: the features' bytes are made on first use (:class:`LazyFeatures`), exactly as
    :func:`feature_bytes` of the row's properties.
    """
    table = frame.drop(columns=[c for c in ("geometry", "geom") if c in frame])
    names = [str(c) for c in table.columns]
    values = [_column_values(table[c]) for c in table.columns]
    ids = [str(v) for v in table[spec.id_column].tolist()]
    geom_list = list(geoms)

    def make(i: int) -> bytes:
        return feature_bytes(ids[i], geom_list[i], {k: col[i] for k, col in zip(names, values, strict=True)})

    extent_geoms = geom_list if extent_geoms is None else list(extent_geoms)
    extent_arr = np.array([*extent_geoms, None], dtype=object)[:-1]  # an object array even of one geometry
    bounds = np.asarray(shapely.bounds(extent_arr), dtype=float).reshape(-1, 4)
    kind = shapely.get_type_id(extent_arr)
    polygons: list[BaseGeometry | None] = [g if k > 0 else None for g, k in zip(extent_arr.tolist(), kind.tolist(),
                                                                                strict=True)]
    columns = {param: _as_text(table[col].reset_index(drop=True)) for param, col in spec.filters.items()}
    return Collection(spec, ids, LazyFeatures(len(ids), make), bounds, polygons, columns)


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


def _wanted_codes(coll: Collection, param: str, value: str, units_within: dict[str, set[str]]) -> list[int]:
    code_of = coll.codes[param][1]
    if param == DISTRICT_FILTER:  # the unit and, for a city, its counties
        return sorted({code_of[v] for v in units_within.get(value, {value}) if v in code_of})
    return [code_of[value]] if value in code_of else []


def select(coll: Collection, q: Query, units_within: dict[str, set[str]]) -> tuple[int, list[int]]:
    """``(numberMatched, positions of the page)`` for a query; ``units_within`` maps an adcode to itself + children.

    Positions come in store order. Without a bbox, one filter is answered from its posting lists alone (the
    count is their lengths; the page, the first positions of each merged); with a bbox the candidates are the
    grid cells' and the filters are tested on them; several filters start from the smallest posting lists.
    """
    n = len(coll.ids)
    end = q.offset + q.limit
    empty = np.zeros(0, dtype=np.intp)
    filters = [(param, _wanted_codes(coll, param, value, units_within)) for param, value in q.filters.items()]
    if q.bbox is None:
        if not filters:
            return n, list(range(min(q.offset, n), min(end, n)))
        sized = sorted(filters, key=lambda f: sum(len(coll.postings[f[0]][k]) for k in f[1]))
        param, wanted = sized[0]
        lists = [coll.postings[param][k] for k in wanted]
        if len(sized) == 1:
            total = sum(len(x) for x in lists)
            head = np.sort(np.concatenate([x[:end] for x in lists]))[:end] if lists else empty
            return total, head[q.offset:end].tolist()
        candidates = np.sort(np.concatenate(lists)) if lists else empty
        rest = sized[1:]
    else:
        x1, y1, x2, y2 = q.bbox
        candidates = coll.grid.candidates(x1, y1, x2, y2)
        minx, miny, maxx, maxy = coll.edges
        with np.errstate(invalid="ignore"):
            candidates = candidates[(minx[candidates] <= x2) & (maxx[candidates] >= x1)
                                    & (miny[candidates] <= y2) & (maxy[candidates] >= y1)]
        shaped = [int(i) for i in candidates if coll.polygons[i] is not None] if coll.has_polygons else []
        if shaped:
            box = shapely.box(x1, y1, x2, y2)
            drop = {i for i in shaped if not box.intersects(coll.polygons[i])}
            if drop:
                candidates = np.array([i for i in candidates if int(i) not in drop], dtype=np.intp)
        rest = filters
    for param, wanted in rest:
        codes, code_of = coll.codes[param]
        table = np.zeros(len(code_of) + 1, dtype=bool)  # a lookup table by code: no np.isin on strings
        table[wanted] = True
        candidates = candidates[table[codes[candidates]]]
    return len(candidates), candidates[q.offset:end].tolist()


def page_bytes(coll: Collection, positions: list[int], envelope: dict[str, Any]) -> bytes:
    """A FeatureCollection: the envelope's members around the ready-made features."""
    head = orjson.dumps({"type": "FeatureCollection", **envelope})[:-1] + b',"features":['
    if not positions:
        return head + b"]}"
    parts = [coll.features[i] for i in positions]  # one join: the page is copied once, not three times
    parts[0] = head + parts[0]
    parts[-1] = parts[-1] + b"]}"
    return b",".join(parts)
