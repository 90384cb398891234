"""The candidate grid: square cells in the area's UTM zone over a district or a drawn polygon.

The grid is laid in the WGS-84 UTM zone of the area's centroid (EPSG:32649, UTM 49N, for Hunan), so a cell's
area is right within ~0.1 % anywhere in China. The grid's bounds are snapped to multiples of the resolution in
UTM metres, so two runs at the same
resolution share cell edges (rasters from different runs line up). A cell belongs to the area when its
centre lies inside the polygon (GDAL's rasterisation rule, ``all_touched=False``); cells outside are kept
in the arrays (the rasters cover the bounding box) and marked ``inside = False``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from affine import Affine
from pyproj import Transformer
from rasterio.features import rasterize
from shapely.geometry.base import BaseGeometry

from geo.crs import STORE_CRS, area_crs
from solar.siting.errors import SitingInputError

#: Allowed cell sizes [m]: below 100 m the offline inputs mean nothing; above 5 km a cell is a district.
RESOLUTION_LIMITS_M = (100.0, 5000.0)
#: Refuse grids so large they would not fit in memory on one machine (about 40 bytes per cell are held).
MAX_CELLS = 60_000_000
POLYGON_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


@dataclass(frozen=True, eq=False)
class CandidateGrid:
    """Square cells over an area, in the area's UTM zone.

    Attributes
    ----------
    transform : affine.Affine
        North-up transform of the grid (cell (0, 0) is the north-west corner) [m, ``crs``].
    shape : tuple of int
        (rows, cols).
    crs : str
        The UTM zone of the area's centroid (:func:`geo.crs.area_crs`), e.g. ``"EPSG:32649"`` for Hunan.
    inside : numpy.ndarray of bool
        (rows, cols): the cell's centre is inside the polygon.
    lon, lat : numpy.ndarray of float
        (rows, cols): cell centres [degrees, WGS-84].
    cell_area_km2 : float
        Area of one cell [km²] (resolution², UTM grid metres; the scale error in the area's own zone is ~0.1 % at most).
    resolution_m : float
        Cell size [m].
    polygon : shapely geometry
        The area, EPSG:4326.
    polygon_utm : shapely geometry
        The area, in ``crs``.
    name : str
        What the area is (``"430682 临湘市"``, or the polygon file's name).
    adcode : str or None
        The district's adcode; None for a drawn polygon.
    """

    transform: Affine
    shape: tuple[int, int]
    crs: str
    inside: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    cell_area_km2: float
    resolution_m: float
    polygon: BaseGeometry
    polygon_utm: BaseGeometry
    name: str
    adcode: str | None = None

    @property
    def n_inside(self) -> int:
        """Number of cells inside the area.

        Returns
        -------
        int
            [-].
        """
        return int(self.inside.sum())

    @property
    def bounds_utm(self) -> tuple[float, float, float, float]:
        """Bounds of the grid.

        Returns
        -------
        tuple of float
            (west, south, east, north) [m, ``crs``].
        """
        rows, cols = self.shape
        west, north = self.transform.c, self.transform.f
        return west, north + rows * self.transform.e, west + cols * self.transform.a, north


def check_resolution(resolution_m: float) -> float:
    """Check a cell size.

    Parameters
    ----------
    resolution_m : float
        Cell size [m].

    Returns
    -------
    float
        The cell size [m].

    Raises
    ------
    SitingInputError
        Outside :data:`RESOLUTION_LIMITS_M` or not a finite number.
    """
    lo, hi = RESOLUTION_LIMITS_M
    if not isinstance(resolution_m, int | float) or not math.isfinite(resolution_m) or not lo <= resolution_m <= hi:
        raise SitingInputError("resolution_m", f"{resolution_m!r} is outside {lo:g}..{hi:g} m")
    return float(resolution_m)


def district_polygon(districts: gpd.GeoDataFrame, adcode: str) -> tuple[BaseGeometry, str]:
    """The polygon and label of a district of the store's ``districts`` layer.

    Parameters
    ----------
    districts : GeoDataFrame
        The store's districts (``adcode``, ``name_zh``; EPSG:4326).
    adcode : str
        The district.

    Returns
    -------
    polygon : shapely geometry
        The district [degrees, EPSG:4326].
    label : str
        ``"adcode name"``.

    Raises
    ------
    SitingInputError
        For an unknown adcode; the message lists the known ones.
    """
    match = districts[districts["adcode"].astype(str) == str(adcode)]
    if match.empty:
        known = ", ".join(f"{a} {n}" for a, n in zip(districts["adcode"], districts["name_zh"], strict=True))
        raise SitingInputError("district", f"unknown adcode {adcode!r} (known: {known})")
    crs = districts.crs
    if crs is not None and crs.to_epsg() != 4326:
        match = match.to_crs(STORE_CRS)
    row = match.iloc[0]
    return row.geometry, f"{row['adcode']} {row['name_zh']}"


def read_polygon(path: Path) -> BaseGeometry:
    """The union of the polygons in a vector file (GeoJSON, GeoPackage, Shapefile), in EPSG:4326.

    Parameters
    ----------
    path : pathlib.Path
        The file (any CRS it declares).

    Returns
    -------
    shapely geometry
        The union [degrees, EPSG:4326].

    Raises
    ------
    SitingInputError
        If the file is missing or unreadable, has no CRS (GeoJSON is WGS-84 by definition), or holds no
        polygon.
    """
    if not path.is_file():
        raise SitingInputError(f"polygon {path}", "no such file")
    if path.suffix.lower() not in POLYGON_SUFFIXES:
        raise SitingInputError(f"polygon {path}",
                               f"unknown file type {path.suffix!r} (allowed: {', '.join(POLYGON_SUFFIXES)})")
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError and others
        raise SitingInputError(f"polygon {path}", f"cannot read: {exc}") from exc
    if frame.crs is None:
        raise SitingInputError(f"polygon {path}",
                               "the file has no CRS (give a GeoJSON, which is WGS-84, or a file with one)")
    frame = frame.to_crs(STORE_CRS)
    polys = [g for g in frame.geometry if g is not None and g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        types = sorted({g.geom_type for g in frame.geometry if g is not None}) or ["none"]
        raise SitingInputError(f"polygon {path}", f"no polygon in the file (geometry types: {', '.join(types)})")
    return shapely.make_valid(shapely.union_all(polys))


def to_utm(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """A geometry from EPSG:4326 to a UTM zone.

    Parameters
    ----------
    geom : shapely geometry
        [degrees, WGS-84].
    crs : str
        The UTM zone (:func:`geo.crs.area_crs`).

    Returns
    -------
    shapely geometry
        [m, ``crs``].
    """
    return gpd.GeoSeries([geom], crs=STORE_CRS).to_crs(crs).iloc[0]


def cell_centres_lonlat(transform: Affine, row0: int, row1: int, cols: int, crs: str
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of the cell centres of rows ``row0:row1`` (all ``cols`` columns) of a grid.

    Parameters
    ----------
    transform : affine.Affine
        The grid's north-up transform [m, ``crs``].
    row0, row1 : int
        First row and the row after the last.
    cols : int
        Columns of the grid.
    crs : str
        The grid's CRS.

    Returns
    -------
    lon, lat : numpy.ndarray
        Shape (row1 - row0, cols) [degrees, WGS-84].
    """
    c, r = np.meshgrid(np.arange(cols) + 0.5, np.arange(row0, row1) + 0.5)
    x, y = transform @ (c, r)
    to_wgs = Transformer.from_crs(crs, STORE_CRS, always_xy=True)
    lon, lat = to_wgs.transform(np.asarray(x), np.asarray(y))
    return np.asarray(lon), np.asarray(lat)


def candidate_grid(polygon: BaseGeometry, resolution_m: float, *, name: str = "", adcode: str | None = None
                   ) -> CandidateGrid:
    """Cells of ``resolution_m`` over ``polygon`` (EPSG:4326), laid in the area's UTM zone.

    The zone is :func:`geo.crs.area_crs`'s; the bounds are snapped to the resolution in that zone's metres.

    Parameters
    ----------
    polygon : shapely geometry
        A Polygon or MultiPolygon [degrees, WGS-84].
    resolution_m : float
        Cell size [m], within :data:`RESOLUTION_LIMITS_M`.
    name : str
        What the area is, for reports.
    adcode : str, optional
        The district's adcode.

    Raises
    ------
    SitingInputError
        Resolution out of range, an empty or non-polygonal area, a grid too large, or an area smaller than
        one cell (no cell centre inside).

    Returns
    -------
    CandidateGrid
        The cells (in the area's UTM zone), with the inside mask and the centres [degrees].
    """
    res = check_resolution(resolution_m)
    if polygon is None or polygon.is_empty or polygon.geom_type not in ("Polygon", "MultiPolygon"):
        kind = "empty" if polygon is None or polygon.is_empty else polygon.geom_type
        raise SitingInputError("polygon", f"{name or 'area'}: needs a Polygon or MultiPolygon, got {kind}")
    crs = area_crs(polygon)
    utm = to_utm(polygon, crs)
    x0, y0, x1, y1 = utm.bounds
    x0, y0 = math.floor(x0 / res) * res, math.floor(y0 / res) * res
    x1, y1 = math.ceil(x1 / res) * res, math.ceil(y1 / res) * res
    cols, rows = max(1, round((x1 - x0) / res)), max(1, round((y1 - y0) / res))
    if rows * cols > MAX_CELLS:
        raise SitingInputError("resolution_m", f"{rows} x {cols} = {rows * cols:,} cells over {name or 'the area'} "
                               f"exceed {MAX_CELLS:,}; choose a coarser resolution or a smaller area")
    transform = Affine(res, 0.0, x0, 0.0, -res, y1)
    inside = rasterize([(utm, 1)], out_shape=(rows, cols), transform=transform, fill=0, all_touched=False,
                       dtype="uint8").astype(bool)
    if not inside.any():
        raise SitingInputError("resolution_m", f"{name or 'the area'} holds no cell centre at {res:g} m: choose a "
                               "finer resolution")
    lon, lat = cell_centres_lonlat(transform, 0, rows, cols, crs)
    return CandidateGrid(transform=transform, shape=(rows, cols), crs=crs, inside=inside, lon=lon, lat=lat,
                         cell_area_km2=res * res / 1e6, resolution_m=res, polygon=polygon, polygon_utm=utm,
                         name=name, adcode=adcode)
