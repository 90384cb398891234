"""The one place for coordinate reference systems.

Everything stored and served is WGS-84 longitude/latitude (:data:`STORE_CRS`, EPSG:4326). Lengths and areas
are measured in the WGS-84 UTM zone of the area being measured (:func:`area_crs`): the zone of the area's
centroid, EPSG:326zz north of the equator and EPSG:327zz south of it. China spans zones 43-53 (72-138° E).

A county spans less than 6° of longitude, so one zone fits it: a county whose centroid lies in a zone reaches
at most a few degrees beyond the zone's edge, where UTM's scale error stays within ~0.1 % (the scale factor
is 0.9996 on the central meridian and about 1.0010 at 3° from it, at the latitudes of China). A province or a
country measured in one zone carries more: measure such areas unit by unit, each in its own zone.

The special zones of Norway and Svalbard (32V, 31X-37X) are not applied; they are nowhere near China.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from shapely.geometry.base import BaseGeometry

#: The CRS of everything stored and served: WGS-84 longitude/latitude [degrees].
STORE_CRS = "EPSG:4326"
#: Width of a UTM zone [degrees of longitude].
ZONE_WIDTH_DEG = 6.0


def utm_zone(lon_deg: float) -> int:
    """The WGS-84 UTM zone number of a longitude.

    Parameters
    ----------
    lon_deg : float
        Longitude [degrees east], -180..180 (180 is zone 60).

    Returns
    -------
    int
        1..60; zone z covers ``-180 + 6 (z - 1)`` to ``-180 + 6 z`` degrees east (a zone's east edge
        belongs to the next zone).

    Raises
    ------
    ValueError
        Not a finite longitude within -180..180.
    """
    lon = float(lon_deg)
    if not math.isfinite(lon) or not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude {lon_deg!r} is outside -180..180 degrees")
    return min(60, math.floor((lon + 180.0) / ZONE_WIDTH_DEG) + 1)


def utm_crs(lon_deg: float, lat_deg: float) -> str:
    """The WGS-84 UTM CRS of a point: its longitude's zone, north or south by its latitude.

    Parameters
    ----------
    lon_deg : float
        Longitude [degrees east], -180..180.
    lat_deg : float
        Latitude [degrees north], -90..90; 0 and above is the northern hemisphere.

    Returns
    -------
    str
        ``"EPSG:326zz"`` (north) or ``"EPSG:327zz"`` (south); e.g. ``"EPSG:32649"`` at 113.1° E, 29.4° N.

    Raises
    ------
    ValueError
        A longitude or a latitude out of range or not finite.
    """
    zone = utm_zone(lon_deg)
    lat = float(lat_deg)
    if not math.isfinite(lat) or not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude {lat_deg!r} is outside -90..90 degrees")
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def area_crs(geometry_or_bounds: BaseGeometry | Sequence[float]) -> str:
    """The UTM CRS to measure an area in: the zone of its centroid.

    A county spans less than 6° of longitude, so the zone of its centroid holds it, give or take a few
    degrees beyond the zone's edge where the scale error stays within ~0.1 %.

    Parameters
    ----------
    geometry_or_bounds : shapely geometry or sequence of float
        The area [degrees, EPSG:4326], or its bounds ``(west, south, east, north)`` [degrees] (the centre of
        the bounds is taken).

    Returns
    -------
    str
        ``"EPSG:326zz"`` or ``"EPSG:327zz"`` (:func:`utm_crs`).

    Raises
    ------
    ValueError
        An empty geometry, bounds that are not four numbers, or a centroid out of range.
    """
    if isinstance(geometry_or_bounds, BaseGeometry):
        if geometry_or_bounds.is_empty:
            raise ValueError("an empty geometry has no UTM zone")
        centre = geometry_or_bounds.centroid
        return utm_crs(centre.x, centre.y)
    bounds = [float(v) for v in geometry_or_bounds]
    if len(bounds) != 4:
        raise ValueError(f"bounds need four numbers (west, south, east, north), got {len(bounds)}")
    west, south, east, north = bounds
    return utm_crs((west + east) / 2.0, (south + north) / 2.0)
