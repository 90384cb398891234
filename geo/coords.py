"""Chinese coordinate systems: GCJ-02 (Amap, Tencent) and BD-09 (Baidu) to WGS-84.

Coordinates copied from Chinese map apps are offset by ~0.5-0.7 km in this region. They are accepted only
with an explicit CRS flag and converted on input; everything stored is WGS-84 (EPSG:4326).
"""

import math

import numpy as np
import prcoords

COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")


class CoordinateError(ValueError):
    """A coordinate that is not finite, out of range, or in an unknown system."""


def coordinate_problem(lon: float, lat: float) -> tuple[str, str] | None:
    """The first bad coordinate as ``(field, message)``, or None when (lon, lat) are WGS-84 degrees.

    The one rule for every coordinate the planner takes: finite, lon -180..180, lat -90..90 [degrees].
    """
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        return "lat", f"{lat} is not a latitude (allowed: finite, -90..90 degrees)"
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        return "lon", f"{lon} is not a longitude (allowed: finite, -180..180 degrees)"
    return None


def check_lonlat(lon: float, lat: float) -> None:
    """Raise CoordinateError unless (lon, lat) are finite degrees within WGS-84 ranges."""
    problem = coordinate_problem(lon, lat)
    if problem:
        raise CoordinateError(f"{problem[0]}={problem[1]}")


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Convert a coordinate in ``crs`` (one of COORD_SYSTEMS) to WGS-84 (lon, lat) [degrees].

    GCJ-02 and BD-09 are inverted iteratively to ~1e-9 degrees (prcoords ``*_bored``), not with the
    one-step approximation that leaves metre-level errors.
    """
    check_lonlat(lon, lat)
    if crs == "wgs84":
        return lon, lat
    if crs == "gcj02":
        out = prcoords.gcj_wgs_bored((lat, lon))
    elif crs == "bd09":
        out = prcoords.bd_wgs_bored((lat, lon))
    else:
        raise CoordinateError(f"unknown coordinate system {crs!r}; allowed: {', '.join(COORD_SYSTEMS)}")
    return float(out.lon), float(out.lat)


# GCJ-02's published forward transform (Krasovsky 1940 ellipsoid), as prcoords ``wgs_gcj`` writes it
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
GCJ_ITERATIONS = 6


def _wgs_to_gcj_arrays(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 of WGS-84 (lon, lat) arrays [degrees]: prcoords' ``wgs_gcj`` without its China check."""
    x, y = lon - 105.0, lat - 35.0
    d_lat_m = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + (
        2 * np.sin(x * 6 * np.pi) + 2 * np.sin(x * 2 * np.pi) + 2 * np.sin(y * np.pi)
        + 4 * np.sin(y / 3 * np.pi) + 16 * np.sin(y / 12 * np.pi) + 32 * np.sin(y / 30 * np.pi)) * 20 / 3)
    d_lon_m = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + (
        2 * np.sin(x * 6 * np.pi) + 2 * np.sin(x * 2 * np.pi) + 2 * np.sin(x * np.pi)
        + 4 * np.sin(x / 3 * np.pi) + 15 * np.sin(x / 12 * np.pi) + 30 * np.sin(x / 30 * np.pi)) * 20 / 3)
    rad_lat = np.radians(lat)
    magic = 1 - _GCJ_EE * np.sin(rad_lat) ** 2
    lat_deg_m = np.radians(_GCJ_A * (1 - _GCJ_EE) / magic ** 1.5)
    lon_deg_m = np.radians(_GCJ_A * np.cos(rad_lat) / np.sqrt(magic))
    return lon + d_lon_m / lon_deg_m, lat + d_lat_m / lat_deg_m


def gcj02_to_wgs84_arrays(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 (lon, lat) arrays [degrees] to WGS-84 with the exact (iterated) inverse.

    The same fixed-point iteration as prcoords ``gcj_wgs_bored`` (Caijun 2014), vectorised for the
    millions of vertices of the boundary build. Each step shrinks the error about 10^5-fold, so a fixed
    :data:`GCJ_ITERATIONS` steps leave far below 1e-9 degrees; a fixed count also makes a vertex shared by
    two outlines convert bit for bit the same in both. Every input is converted: the caller keeps to China,
    where GCJ-02 is defined.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(GCJ_ITERATIONS):
        glon, glat = _wgs_to_gcj_arrays(wlon, wlat)
        wlon, wlat = wlon - (glon - lon), wlat - (glat - lat)
    return wlon, wlat
