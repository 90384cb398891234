"""District boundaries of China (WGS-84 polygons with adcodes), representative points and point-in-polygon.

``data/boundaries/`` holds every province, city and county-level unit of China (``units.csv``) and the
outlines of the county-level units (``outlines.bin``, built by ``scripts/build_boundaries.py``). A city's
or a province's outline is the union of its counties', so a point in a county is always in its city.
"""

import csv
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import STORE_CRS, area_crs
from geo.files import not_regular_file

LEVELS = ("county", "city", "province")
OUTLINE_SCALE = 100_000  # outlines are stored as integers of 1e-5 degrees (~1 m)
_MAGIC = b"energy-planner outlines v1\n"


@dataclass(frozen=True)
class District:
    """An admin unit and its WGS-84 outline."""

    adcode: str
    name_zh: str
    name_en: str
    level: str
    parent_adcode: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class Unit:
    """A row of ``units.csv``: an admin unit of China, without its outline."""

    adcode: str
    name_zh: str
    name_en: str
    level: str
    parent_adcode: str


@dataclass(frozen=True)
class Boundaries:
    """Every unit of ``data/boundaries``; outlines are decoded once and united per city or province on demand."""

    units: dict[str, Unit]
    outlines: dict[str, BaseGeometry]  # the county-level (leaf) units
    _cache: dict[str, BaseGeometry] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """Adcodes of the units directly below each unit."""
        out: dict[str, list[str]] = {}
        for u in self.units.values():
            out.setdefault(u.parent_adcode, []).append(u.adcode)
        return out

    def leaves(self, adcode: str) -> list[str]:
        """The county-level units making up ``adcode`` (itself, for a county)."""
        if adcode in self.outlines:
            return [adcode]
        return [leaf for child in self.children.get(adcode, []) for leaf in self.leaves(child)]

    def geometry(self, adcode: str) -> BaseGeometry:
        """The outline of ``adcode``: stored for a county, the union of its counties for a city or province."""
        if adcode in self.outlines:
            return self.outlines[adcode]
        if adcode not in self._cache:
            parts = [self.outlines[a] for a in self.leaves(adcode)]
            self._cache[adcode] = shapely.coverage_union_all(parts) if parts else shapely.Polygon()
        return self._cache[adcode]

    def district(self, adcode: str) -> District:
        """The :class:`District` of ``adcode`` (KeyError if it is not a unit of China)."""
        u = self.units[adcode]
        return District(u.adcode, u.name_zh, u.name_en, u.level, u.parent_adcode, self.geometry(adcode))

    def county_containing(self, lon: float, lat: float) -> str | None:
        """Adcode of the county-level unit of China containing (lon, lat), or None."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="covered_by")
        return self._leaf_codes[int(hits[0])] if len(hits) else None

    @cached_property
    def _leaf_codes(self) -> list[str]:
        return list(self.outlines)

    @cached_property
    def _tree(self) -> shapely.STRtree:
        return shapely.STRtree(list(self.outlines.values()))


def write_outlines(path: Path, outlines: dict[str, BaseGeometry]) -> None:
    """Write county outlines compactly: zlib of a header, int32 adcodes and offsets, int16 coordinate steps.

    Layout after the magic line: int64 counts (units, polygons, rings, coordinates, escapes); int32
    adcodes, polygon offsets per unit, ring offsets per polygon, coordinate offsets per ring (as
    ``shapely.to_ragged_array`` gives them); then the coordinates as integers of 1e-5 degrees, each the
    step from the coordinate before: int16 steps of x and y with their low and high bytes in separate
    planes (they compress better), and the steps beyond int16 as int32 (index, dx, dy) escapes.
    """
    geoms = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in outlines.values()]
    _, coords, (ring_off, poly_off, unit_off) = shapely.to_ragged_array(geoms)
    q = np.round(coords * OUTLINE_SCALE).astype(np.int64)
    step = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    wide = np.flatnonzero((np.abs(step) > np.iinfo(np.int16).max).any(axis=1))
    small = step.copy()
    small[wide] = 0
    planes = small.astype(np.int16).view(np.uint8).reshape(-1, 2, 2).transpose(2, 1, 0).tobytes()
    escapes = np.column_stack([wide, step[wide]]).astype(np.int32)
    counts = np.array([len(geoms), len(poly_off) - 1, len(ring_off) - 1, len(q), len(wide)], dtype=np.int64)
    ints = [np.array([int(a) for a in outlines]), unit_off, poly_off, ring_off]
    payload = (_MAGIC + counts.tobytes() + b"".join(np.asarray(a, dtype=np.int32).tobytes() for a in ints)
               + planes + escapes.tobytes())
    path.write_bytes(zlib.compress(payload, 9))


def read_outlines(path: Path) -> dict[str, BaseGeometry]:
    """Read :func:`write_outlines`' file; return WGS-84 (Multi)Polygons by adcode.

    Raises
    ------
    ValueError
        If the file is not a regular file or not in this format.
    """
    not_regular = not_regular_file(path)
    if not_regular:
        raise ValueError(f"{path}: {not_regular}")
    try:
        raw = zlib.decompress(path.read_bytes())
    except zlib.error as exc:
        raise ValueError(f"{path}: not an outlines file ({exc})") from None
    if not raw.startswith(_MAGIC):
        raise ValueError(f"{path}: not an outlines file (no {_MAGIC!r} header)")
    pos = len(_MAGIC)
    n_units, n_polys, n_rings, n_coords, n_wide = (int(v) for v in np.frombuffer(raw, np.int64, 5, pos))
    pos += 40
    ints = []
    for n in (n_units, n_units + 1, n_polys + 1, n_rings + 1):
        ints.append(np.frombuffer(raw, np.int32, n, pos).astype(np.int64))
        pos += 4 * n
    planes = np.frombuffer(raw, np.uint8, 4 * n_coords, pos).reshape(2, 2, n_coords)
    pos += 4 * n_coords
    escapes = np.frombuffer(raw, np.int32, 3 * n_wide, pos).reshape(n_wide, 3)
    pos += 12 * n_wide
    if pos != len(raw):
        raise ValueError(f"{path}: truncated or corrupt outlines file")
    codes, unit_off, poly_off, ring_off = ints
    step = planes.transpose(2, 1, 0).copy().view(np.int16).reshape(n_coords, 2).astype(np.int64)
    step[escapes[:, 0]] = escapes[:, 1:]
    coords = np.cumsum(step, axis=0) / OUTLINE_SCALE
    geoms = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, (ring_off, poly_off, unit_off))
    return {f"{c:06d}": g for c, g in zip(codes.tolist(), geoms, strict=True)}


def read_units(path: Path) -> dict[str, Unit]:
    """Read ``units.csv``: every admin unit of China by adcode (no outlines)."""
    not_regular = not_regular_file(path)
    if not_regular:
        raise ValueError(f"{path}: {not_regular}")
    with path.open(encoding="utf-8", newline="") as f:
        return {r["adcode"]: Unit(r["adcode"], r["name_zh"], r["name_en"], r["level"], r["parent_adcode"])
                for r in csv.DictReader(f)}


def read_boundaries(folder: Path) -> Boundaries:
    """Read ``units.csv`` and ``outlines.bin`` of a boundaries folder.

    Raises
    ------
    ValueError
        If a file is missing, not a regular file or unreadable, or a county has no outline.
    """
    units = read_units(folder / "units.csv")
    outlines = read_outlines(folder / "outlines.bin")
    missing = [a for a in outlines if a not in units]
    if missing:
        raise ValueError(f"{folder / 'outlines.bin'}: outlines of units not in units.csv: {', '.join(missing[:5])}")
    return Boundaries(units, outlines)


def read_districts(folder: Path, adcodes: Iterable[str]) -> dict[str, District]:
    """The districts ``adcodes`` (units of China) with their outlines, by adcode; unknown codes are left out."""
    b = read_boundaries(folder)
    return {a: b.district(a) for a in adcodes if a in b.units}


def representative_point(district: District) -> tuple[float, float]:
    """A point guaranteed inside the district (lon, lat) [degrees], stable across runs."""
    p = district.geometry.representative_point()
    return round(p.x, 6), round(p.y, 6)


def county_containing(districts: dict[str, District], lon: float, lat: float) -> str | None:
    """Adcode of the county-level unit of ``districts`` containing (lon, lat), or None when outside all of them."""
    point = shapely.Point(lon, lat)
    for d in districts.values():
        if d.level == "county" and d.geometry.covers(point):
            return d.adcode
    return None


def contains(district: District, lon: float, lat: float) -> bool:
    """Whether the district (boundary included) contains (lon, lat)."""
    return bool(district.geometry.covers(shapely.Point(lon, lat)))


def districts_of_frame(frame: gpd.GeoDataFrame) -> dict[str, District]:
    """The districts of a frame made by :func:`districts_frame` (the store's ``districts`` layer), by adcode."""
    return {str(r.adcode): District(str(r.adcode), str(r.name_zh), str(r.name_en), str(r.level),
                                    r.parent_adcode if isinstance(r.parent_adcode, str) else "", r.geometry)
            for r in frame.itertuples(index=False)}


def _areas_m2(geometries: gpd.GeoSeries) -> np.ndarray:
    """Areas [m²] of WGS-84 geometries, each measured in its own UTM zone; NaN for a missing or empty one."""
    zones = [None if g is None or g.is_empty else area_crs(g) for g in geometries]
    out = np.array([np.nan if g is None else 0.0 for g in geometries])
    for zone in sorted({z for z in zones if z is not None}):
        rows = np.array([z == zone for z in zones])
        out[rows] = geometries[rows].to_crs(zone).area.to_numpy()
    return out


def districts_frame(districts: dict[str, District]) -> gpd.GeoDataFrame:
    """Districts as a GeoDataFrame in EPSG:4326; ``area_km2`` is measured in each district's own UTM zone.

    The zone is the district's centroid's (:func:`geo.crs.area_crs`): EPSG:32649 for Hunan's.
    """
    gdf = gpd.GeoDataFrame(
        [
            {"adcode": d.adcode, "name_zh": d.name_zh, "name_en": d.name_en, "level": d.level,
             "parent_adcode": d.parent_adcode, "geometry": d.geometry}
            for d in districts.values()
        ],
        geometry="geometry",
        crs=STORE_CRS,
    )
    gdf["area_km2"] = (pd.Series(_areas_m2(gdf.geometry), index=gdf.index) / 1e6).round(1)
    return gdf
