"""Distance from many points (siting cells) to the nearest of a set of targets (substations).

The nearest target is picked with a KD-tree in the metric projection the caller gives (the siting grid's:
the area's UTM zone, :func:`geo.crs.area_crs`) and the reported distance is the geodesic on the WGS-84
ellipsoid (``pyproj.Geod``), so it does not carry the projection's scale error. Because UTM is conformal
with a scale error of ~0.1 % at most over an area in its own zone, a projected ranking can only disagree
with the geodesic one for near-ties; every point whose first and k-th projected candidates are within
``TIE_TOLERANCE`` is re-ranked by geodesic distance among its ``CANDIDATES`` nearest projected candidates.

Targets must be points. Lines and polygons (a substation's fenced area) are refused rather than guessed
at: reduce them to points first (e.g. ``representative_point()``), and say so where the distance is
reported.
"""

import numpy as np
import pyproj
from geopandas import GeoDataFrame
from scipy.spatial import cKDTree

from geo.crs import STORE_CRS
from grid.errors import GridInputError

#: How many projected candidates a near-tie is re-ranked among.
CANDIDATES = 4
#: Relative margin of projected distance within which candidates count as tied (UTM scale error < 1e-3).
TIE_TOLERANCE = 2e-3
_GEOD = pyproj.Geod(ellps="WGS84")


def target_lonlat(targets: GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes [degrees, WGS-84] of point targets, in row order.

    Raises
    ------
    GridInputError
        No CRS, or a geometry that is missing, empty or not a Point (row given by position).
    """
    if targets.crs is None:
        raise GridInputError("crs", "targets have no CRS")
    geoms = targets.geometry.to_crs(STORE_CRS)
    for pos, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            raise GridInputError("geometry", "missing or empty", f"targets: row {pos}")
        if geom.geom_type != "Point":
            raise GridInputError("geometry", f"only Point targets are accepted, got {geom.geom_type}",
                                 f"targets: row {pos}")
    return geoms.x.to_numpy(dtype=float), geoms.y.to_numpy(dtype=float)


def nearest(lon: np.ndarray, lat: np.ndarray, targets: GeoDataFrame,
            crs: str) -> tuple[np.ndarray, np.ndarray]:
    """For each query point, the geodesic distance to the nearest target and that target's position.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Query points [degrees, WGS-84], any (equal) shape.
    targets : geopandas.GeoDataFrame
        Point targets in any CRS (reprojected internally).
    crs : str
        The metric projection the KD-tree works in: the siting grid's, a UTM zone covering the area
        (:func:`geo.crs.area_crs`; EPSG:32649 for Hunan).

    Returns
    -------
    distance_km : numpy.ndarray
        Geodesic distance on the WGS-84 ellipsoid [km], the shape of ``lon``; NaN where the query
        point is not finite or there are no targets.
    index : numpy.ndarray
        int64 position (``targets.iloc``) of the nearest target; -1 where ``distance_km`` is NaN.
        Ties between targets at the same place resolve to one of them.

    Raises
    ------
    GridInputError
        Shapes differ, the targets have no CRS, or a target is not a point.
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    if lon_a.shape != lat_a.shape:
        raise GridInputError("lon/lat", f"shapes differ: {lon_a.shape} and {lat_a.shape}")
    dist = np.full(lon_a.shape, np.nan)
    index = np.full(lon_a.shape, -1, dtype=np.int64)
    if len(targets) == 0:
        return dist, index
    t_lon, t_lat = target_lonlat(targets)
    to_metric = pyproj.Transformer.from_crs(STORE_CRS, crs, always_xy=True)
    tx, ty = to_metric.transform(t_lon, t_lat)
    tree = cKDTree(np.column_stack([tx, ty]))

    flat_lon, flat_lat = lon_a.ravel(), lat_a.ravel()
    ok = np.flatnonzero(np.isfinite(flat_lon) & np.isfinite(flat_lat))
    q_lon, q_lat = flat_lon[ok], flat_lat[ok]
    qx, qy = to_metric.transform(q_lon, q_lat)
    k = min(CANDIDATES, len(targets))
    proj_d, cand = tree.query(np.column_stack([qx, qy]), k=k)
    proj_d = proj_d.reshape(len(ok), k)
    cand = cand.reshape(len(ok), k)
    best = cand[:, 0].copy()
    _, _, best_m = _GEOD.inv(q_lon, q_lat, t_lon[best], t_lat[best])
    best_m = np.asarray(best_m, dtype=float)
    if k > 1:
        tied = np.flatnonzero(proj_d[:, 1] <= proj_d[:, 0] * (1 + TIE_TOLERANCE) + 1.0)
        for j in range(1, k):
            sel = tied[proj_d[tied, j] <= proj_d[tied, 0] * (1 + TIE_TOLERANCE) + 1.0]
            if not len(sel):
                break
            _, _, d_j = _GEOD.inv(q_lon[sel], q_lat[sel], t_lon[cand[sel, j]], t_lat[cand[sel, j]])
            better = np.asarray(d_j) < best_m[sel]
            best[sel[better]] = cand[sel[better], j]
            best_m[sel[better]] = np.asarray(d_j)[better]
    flat_dist, flat_idx = dist.ravel(), index.ravel()  # views of the outputs
    flat_dist[ok] = best_m / 1000.0
    flat_idx[ok] = best
    return dist, index
