"""Substations as grid-connection targets: the registry's, and a user's surveyed file.

Both readers return the same frame, in EPSG:4326, one row per substation:

==================  ===============================================================================
id                  registry project id, or the file's ``id`` column, else ``<file stem>-<n>``
name_zh             the name as written
voltage_kv          float [kV]; NaN when the plan (or the file) gives none
location_precision  ``surveyed``, ``site``, ``village``, ``township``, ``district`` (geo.registry.vocab)
location_source     where the coordinate comes from (gazetteer row, district point, ``file:line``)
source              ``registry``, or the user file's name
geometry            Point (lon, lat) [degrees, WGS-84]
==================  ===============================================================================

Most registry substations have no known coordinate and sit at their district's representative point
(``location_precision = district``). That precision is carried through unchanged, never improved by
guessing: a distance measured to such a point is a distance to the district's point, and callers must
say so.
"""

import csv
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo.coords import COORD_SYSTEMS, CoordinateError, check_lonlat, to_wgs84
from geo.crs import STORE_CRS
from geo.registry.vocab import LOCATION_PRECISIONS
from grid.errors import GridInputError

#: Columns of every substations frame, in order.
COLUMNS = ("id", "name_zh", "voltage_kv", "location_precision", "location_source", "source", "geometry")
#: Columns a substations CSV must have (``location_precision``, ``crs`` and ``id`` are optional).
CSV_REQUIRED = ("name", "voltage_kv", "lon", "lat")
#: File suffixes read as vector files (anything else but ``.csv`` is refused).
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg")
DEFAULT_PRECISION = "surveyed"


def _frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    gdf = gpd.GeoDataFrame(df, geometry="geometry", crs=STORE_CRS)
    gdf["voltage_kv"] = gdf["voltage_kv"].astype(float)
    return gdf


def substations_frame(projects: pd.DataFrame) -> gpd.GeoDataFrame:
    """The registry's substations (category ``substation``) from the store's ``projects`` table.

    Parameters
    ----------
    projects : pandas.DataFrame
        The store's ``projects`` layer (``geo.store.file.read_table(store, "projects")``); needs the columns
        id, name_zh, category, voltage_kv [kV], lon, lat [degrees, WGS-84], location_precision,
        location_source.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``COLUMNS``, source ``registry``, the precision exactly as stored.

    Raises
    ------
    GridInputError
        A required column is missing, or a substation has no valid coordinate (the store gives every
        project one, at least its district's point: a missing one is a broken store, never dropped here).
    """
    needed = ("id", "name_zh", "category", "voltage_kv", "lon", "lat", "location_precision", "location_source")
    missing = [c for c in needed if c not in projects.columns]
    if missing:
        raise GridInputError(", ".join(missing), f"missing in the projects table; needed: {', '.join(needed)}")
    rows = []
    records: list[dict[str, Any]] = projects[projects["category"] == "substation"].to_dict("records")  # type: ignore[assignment]
    for rec in records:
        try:
            lon, lat = float(rec["lon"]), float(rec["lat"])
            check_lonlat(lon, lat)
        except (TypeError, ValueError) as exc:
            raise GridInputError("lon/lat", str(exc), f"projects: {rec['id']}") from None
        volt = math.nan if pd.isna(rec["voltage_kv"]) else float(rec["voltage_kv"])
        rows.append({"id": str(rec["id"]), "name_zh": str(rec["name_zh"]), "voltage_kv": volt,
                     "location_precision": str(rec["location_precision"]),
                     "location_source": str(rec["location_source"]), "source": "registry",
                     "geometry": shapely.Point(lon, lat)})
    return _frame(rows)


def _voltage(value: Any, where: str) -> float:
    """A voltage [kV]: empty -> NaN, else a finite number >= 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    if isinstance(value, float) and math.isnan(value):
        return math.nan
    try:
        volt = float(value)
    except (TypeError, ValueError):
        raise GridInputError("voltage_kv", f"not a number: {value!r}", where) from None
    if not math.isfinite(volt) or volt < 0:
        raise GridInputError("voltage_kv", f"must be a finite number >= 0 (or empty), got {value!r}", where)
    return volt


def _precision(value: Any, where: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
        return DEFAULT_PRECISION
    text = str(value).strip()
    if text not in LOCATION_PRECISIONS:
        raise GridInputError("location_precision", f"unknown value {text!r}; allowed: "
                             f"{', '.join(LOCATION_PRECISIONS)}", where)
    return text


def _name(value: Any, where: str, field: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
        raise GridInputError(field, "empty: every substation needs a name", where)
    return str(value).strip()


def _read_csv(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise GridInputError("header", f"empty file; needed columns: {', '.join(CSV_REQUIRED)}", f"{path}:1")
            header = [h.strip() for h in header]
            missing = [c for c in CSV_REQUIRED if c not in header]
            if missing:
                raise GridInputError(", ".join(missing), f"missing column(s); needed: {', '.join(CSV_REQUIRED)} "
                                     "(optional: id, location_precision, crs)", f"{path}:1")
            rows: list[dict[str, Any]] = []
            for values in reader:
                line = reader.line_num
                where = f"{path}:{line}"
                if not any(v.strip() for v in values):
                    continue  # a blank line is not a record
                if len(values) != len(header):
                    raise GridInputError("row", f"{len(values)} fields, the header has {len(header)}", where)
                rec = dict(zip(header, values, strict=True))
                coords = []
                for field in ("lon", "lat"):
                    try:
                        coords.append(float(rec[field]))
                    except ValueError:
                        raise GridInputError(field, f"not a number: {rec[field]!r}", where) from None
                crs = rec.get("crs", "").strip().lower() or "wgs84"
                if crs not in COORD_SYSTEMS:
                    raise GridInputError("crs", f"unknown coordinate system {crs!r}; allowed: "
                                         f"{', '.join(COORD_SYSTEMS)}", where)
                try:
                    lon, lat = to_wgs84(coords[0], coords[1], crs)
                except CoordinateError as exc:
                    raise GridInputError("lon/lat", str(exc), where) from None
                source = f"{path.name}:{line}" + ("" if crs == "wgs84" else f" (converted from {crs})")
                ident = rec.get("id", "").strip() or f"{path.stem}-{len(rows) + 1}"
                rows.append({"id": ident, "name_zh": _name(rec["name"], where, "name"),
                             "voltage_kv": _voltage(rec["voltage_kv"], where),
                             "location_precision": _precision(rec.get("location_precision"), where),
                             "location_source": source, "source": path.name, "geometry": shapely.Point(lon, lat)})
    except UnicodeDecodeError as exc:
        raise GridInputError("encoding", f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    return rows


def _read_vector(path: Path) -> list[dict[str, Any]]:
    try:
        gdf = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several DataSourceError/GDAL error types
        raise GridInputError("file", f"cannot read as a vector file: {exc}", str(path)) from None
    if gdf.crs is None:
        raise GridInputError("crs", "the file declares no CRS; save it with one (e.g. EPSG:4326)", str(path))
    name_field = "name" if "name" in gdf.columns else "name_zh" if "name_zh" in gdf.columns else None
    if name_field is None:
        raise GridInputError("name", "missing attribute (name or name_zh)", str(path))
    lonlat = gdf.geometry.to_crs(STORE_CRS)
    rows = []
    for i, (geom, geom_wgs) in enumerate(zip(gdf.geometry, lonlat, strict=True), start=1):
        where = f"{path}: feature {i}"
        if geom is None or geom.is_empty:
            raise GridInputError("geometry", "missing or empty", where)
        if geom.geom_type != "Point":
            raise GridInputError("geometry", f"only Point geometries are accepted, got {geom.geom_type}", where)
        try:
            check_lonlat(float(geom_wgs.x), float(geom_wgs.y))
        except CoordinateError as exc:
            raise GridInputError("geometry", str(exc), where) from None
        rec = gdf.iloc[i - 1]
        ident = rec.get("id")
        ident = f"{path.stem}-{i}" if ident is None or pd.isna(ident) or not str(ident).strip() else str(ident)
        rows.append({"id": ident, "name_zh": _name(rec[name_field], where, name_field),
                     "voltage_kv": _voltage(rec.get("voltage_kv"), where),
                     "location_precision": _precision(rec.get("location_precision"), where),
                     "location_source": f"{path.name}: feature {i}", "source": path.name,
                     "geometry": shapely.Point(float(geom_wgs.x), float(geom_wgs.y))})
    return rows


def read_substations(path: Path) -> gpd.GeoDataFrame:
    """Read a user's file of surveyed substations.

    Parameters
    ----------
    path : pathlib.Path
        A CSV (UTF-8, optional BOM) with columns ``name``, ``voltage_kv`` [kV, may be empty], ``lon``,
        ``lat`` [degrees] and optionally ``id``, ``location_precision`` (default ``surveyed``) and ``crs``
        (``wgs84`` default, ``gcj02``, ``bd09``: converted to WGS-84 on input); or a GeoJSON/GeoPackage of
        Point features with a ``name`` (or ``name_zh``) attribute and optionally ``id``, ``voltage_kv``,
        ``location_precision``, in any declared CRS (reprojected to EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``COLUMNS``; ``source`` is the file name, ``location_source`` the file line
        or feature.

    Raises
    ------
    GridInputError
        The first problem found, as ``file:line: field: message`` (CSV; line counts the header as 1) or
        ``file: feature N: field: message`` (vector files; N counts from 1): unreadable file, missing
        column, non-finite or out-of-range coordinate, non-point geometry, negative or non-numeric
        voltage, unknown precision, or a file without substations.
    """
    path = Path(path)
    if not path.is_file():
        raise GridInputError("file", "not found", str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(path)
    elif suffix in VECTOR_SUFFIXES:
        rows = _read_vector(path)
    else:
        raise GridInputError("file", f"unknown format {suffix!r}; allowed: .csv, {', '.join(VECTOR_SUFFIXES)}",
                             str(path))
    if not rows:
        raise GridInputError("file", "no substations in the file", str(path))
    return _frame(rows)
