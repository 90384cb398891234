"""Chinese coordinate systems: GCJ-02 (Amap, Tencent) and BD-09 (Baidu) to WGS-84.

Coordinates copied from Chinese map apps are offset by ~0.5-0.7 km in this region. They are accepted only
with an explicit CRS flag and converted on input; everything stored is WGS-84 (EPSG:4326).
"""

import math

import prcoords

COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")


class CoordinateError(ValueError):
    """A coordinate that is not finite, out of range, or in an unknown system."""


def check_lonlat(lon: float, lat: float) -> None:
    """Raise CoordinateError unless (lon, lat) are finite degrees within WGS-84 ranges."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise CoordinateError(f"coordinate must be finite, got lon={lon!r} lat={lat!r}")
    if not -180.0 <= lon <= 180.0:
        raise CoordinateError(f"lon={lon} is outside -180..180 degrees")
    if not -90.0 <= lat <= 90.0:
        raise CoordinateError(f"lat={lat} is outside -90..90 degrees")


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
