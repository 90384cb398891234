"""Terrain for siting: slope and aspect from a user's DEM, sampled onto the candidate grid.

No usable DEM ships offline (the offline elevation grids are 9-20 km, useless for slope): the user
supplies a GeoTIFF (SRTM, ASTER GDEM, Copernicus GLO-30, a survey). Slope and aspect are computed on
the DEM's own grid with Horn's 3×3 method (Horn 1981, "Hill shading and the reflectance map", Proc. IEEE
69(1); the method of GDAL ``gdaldem`` and ArcGIS), then resampled onto the candidate grid.

Conventions
-----------
- ``slope_deg``: 0 (flat) to 90 [degrees].
- ``aspect_deg``: the *downslope* direction, degrees clockwise from north, [0, 360); NaN where the
  surface is flat. :func:`slope_aspect` measures it from the array's "up" (row 0 is north);
  :func:`sample_slope_aspect` returns it from **true north** (the meridian convergence of a projected
  DEM's grid is removed), which is what pvlib's ``surface_azimuth`` means.
- Elevations are taken to be metres (a DEM's vertical unit is not recorded in GeoTIFF reliably); values
  outside -500..9,000 m are refused (an undeclared nodata, or not metres).
- NaN at the DEM's edges, next to nodata, and on candidate cells the DEM does not cover.

The raster reading and resampling it shares with the other inputs are in :mod:`solar.siting.rasters`.
"""

from pathlib import Path

import numpy as np
import pyproj
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling

from solar.siting.errors import SitingInputError
from solar.siting.rasters import check_grid, read_window, reproject_to_grid

#: Gradients (rise over run) below this are flat: aspect NaN.
FLAT_GRADIENT = 1e-8
#: Plausible elevations [m]: the Dead Sea shore (-430 m) to above Everest's summit (8,849 m).
ELEVATION_RANGE_M = (-500.0, 9000.0)


def check_elevations(z: np.ndarray, window_transform: Affine, where: str) -> None:
    """Refuse elevations outside :data:`ELEVATION_RANGE_M` (NaN, i.e. nodata, is allowed).

    Such a value is an undeclared nodata (e.g. -32768 or -9999 without a nodata tag) or a DEM not in
    metres; either would make cliffs out of flat land. The message names the value and where it is (the
    pixel centre in the DEM's CRS).

    Parameters
    ----------
    z : numpy.ndarray
        Elevations [m], NaN for nodata.
    window_transform : affine.Affine
        The array's transform, in the DEM's CRS.
    where : str
        The file, for the message.

    Raises
    ------
    SitingInputError
        An elevation outside the range.
    """
    lo, hi = ELEVATION_RANGE_M
    with np.errstate(invalid="ignore"):
        bad = np.argwhere(np.isfinite(z) & ((z < lo) | (z > hi)))
    if bad.size:
        row, col = (int(v) for v in bad[0])
        x, y = window_transform @ (col + 0.5, row + 0.5)
        raise SitingInputError(where, f"elevation {z[row, col]:g} m at ({x:.6g}, {y:.6g}) in the DEM's CRS is outside "
                               f"{lo:g}..{hi:g} m ({len(bad)} such pixel(s)): an undeclared nodata value (declare it, "
                               "e.g. gdal_edit.py -a_nodata -32768) or elevations not in metres")


def slope_aspect(dem: np.ndarray, dx_m: float | np.ndarray, dy_m: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slope and aspect of a gridded surface with Horn's 3×3 method.

    Parameters
    ----------
    dem : numpy.ndarray
        Elevation [m], 2-D, row 0 to the north, columns west to east; NaN for nodata.
    dx_m : float or numpy.ndarray
        Column spacing [m] (> 0); an array of shape (rows,) gives one per row (geographic grids).
    dy_m : float or numpy.ndarray
        Row spacing [m] (> 0), rows going north to south; scalar or per row.

    Returns
    -------
    slope_deg : numpy.ndarray
        Slope [degrees], float64, the shape of ``dem``.
    aspect_deg : numpy.ndarray
        Downslope direction [degrees clockwise from the grid's north, 0..360); NaN where flat
        (gradient below ``FLAT_GRADIENT``).

    Notes
    -----
    With the window ``a b c / d e f / g h i``: ``dz/dx = ((c + 2f + i) - (a + 2d + g)) / (8 dx)`` and
    ``dz/dy_north = ((a + 2b + c) - (g + 2h + i)) / (8 dy)``. Both are NaN on the outer ring of cells
    and where any of the nine cells is NaN.
    """
    z = np.asarray(dem, dtype=float)
    if z.ndim != 2:
        raise SitingInputError("dem", f"must be 2-D, got shape {z.shape}")
    rows, cols = z.shape
    dx = np.broadcast_to(np.asarray(dx_m, dtype=float).reshape(-1, 1) if np.ndim(dx_m) else float(dx_m), (rows, 1))
    dy = np.broadcast_to(np.asarray(dy_m, dtype=float).reshape(-1, 1) if np.ndim(dy_m) else float(dy_m), (rows, 1))
    for name, arr in (("dx_m", dx), ("dy_m", dy)):
        if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
            raise SitingInputError(name, "must be finite and > 0")
    slope = np.full(z.shape, np.nan)
    aspect = np.full(z.shape, np.nan)
    if rows < 3 or cols < 3:
        return slope, aspect
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, e, f = z[1:-1, :-2], z[1:-1, 1:-1], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    with np.errstate(invalid="ignore"):
        dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * dx[1:-1])
        dzdn = ((a + 2 * b + c) - (g + 2 * h + i)) / (8 * dy[1:-1])
        grad = np.hypot(dzdx, dzdn)
        grad = np.where(np.isfinite(e), grad, np.nan)
        slope[1:-1, 1:-1] = np.degrees(np.arctan(grad))
        # downslope = minus the gradient; azimuth = atan2(east, north)
        az = _wrap_deg(np.degrees(np.arctan2(-dzdx, -dzdn)))
        aspect[1:-1, 1:-1] = np.where(grad >= FLAT_GRADIENT, az, np.nan)
    return slope, aspect


def _wrap_deg(angle_deg: np.ndarray) -> np.ndarray:
    """Angles into [0, 360) (``x % 360`` alone can give 360.0 for tiny negative x)."""
    out = np.mod(angle_deg, 360.0)
    return np.where(out >= 360.0, 0.0, out)


def pixel_size_m(window_transform: Affine, rows: int, raster_crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    """Column and row spacing [m] of each row of a north-up raster, shape (rows,) each.

    Projected CRS: the pixel size times the CRS's linear unit. Geographic CRS: arcs on the CRS's
    ellipsoid at each row's centre latitude, ``dx = Δλ N(φ) cos φ`` and ``dy = Δφ M(φ)`` (N prime
    vertical, M meridional radius of curvature).

    Parameters
    ----------
    window_transform : affine.Affine
        The raster's north-up transform, in ``raster_crs``.
    rows : int
        Rows of the raster.
    raster_crs : rasterio.crs.CRS
        Its CRS.

    Returns
    -------
    dx_m, dy_m : numpy.ndarray
        Column and row spacing per row [m].
    """
    if raster_crs.is_geographic:
        ell = pyproj.CRS.from_user_input(raster_crs.to_wkt()).ellipsoid
        if ell is None:
            raise SitingInputError("crs", f"geographic CRS without an ellipsoid: {raster_crs}")
        a_m = ell.semi_major_metre
        e2 = 1.0 - (ell.semi_minor_metre / a_m) ** 2
        lat = np.radians(window_transform.f + window_transform.e * (np.arange(rows) + 0.5))
        w = 1.0 - e2 * np.sin(lat) ** 2
        n_rad = a_m / np.sqrt(w)
        m_rad = a_m * (1.0 - e2) / w**1.5
        dx = np.radians(window_transform.a) * n_rad * np.cos(lat)
        dy = np.radians(-window_transform.e) * m_rad
        return dx, dy
    _, factor = raster_crs.linear_units_factor
    return (np.full(rows, window_transform.a * factor), np.full(rows, -window_transform.e * factor))


def grid_north_azimuth_deg(raster_crs: CRS, transform: Affine, shape: tuple[int, int],
                           crs: str) -> np.ndarray:
    """Azimuth of true north in ``raster_crs``'s grid [degrees clockwise from grid north] at each cell centre.

    Zero for a geographic CRS. For a projected one it is measured, not looked up: the cell centre and a
    point 1e-5 degrees north of it along its meridian are projected and the angle between them taken.
    Subtract it from a grid azimuth to get a true one.

    Parameters
    ----------
    raster_crs : rasterio.crs.CRS
        The DEM's CRS.
    transform : affine.Affine
        The candidate grid's north-up transform [m, ``crs``].
    shape : tuple of int
        (rows, cols) of the candidate grid.
    crs : str
        The candidate grid's CRS.

    Returns
    -------
    numpy.ndarray
        ``shape`` [degrees clockwise from grid north].
    """
    rows, cols = shape
    if raster_crs.is_geographic:
        return np.zeros(shape)
    cc, rr = np.meshgrid(np.arange(cols) + 0.5, np.arange(rows) + 0.5)
    x, y = transform @ (cc, rr)
    raster_pj = pyproj.CRS.from_user_input(raster_crs.to_wkt())
    geodetic = raster_pj.geodetic_crs
    to_lonlat = pyproj.Transformer.from_crs(crs, geodetic, always_xy=True)
    to_raster = pyproj.Transformer.from_crs(geodetic, raster_pj, always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    x0, y0 = to_raster.transform(lon, lat)
    x1, y1 = to_raster.transform(lon, lat + 1e-5)
    return np.asarray(np.degrees(np.arctan2(x1 - x0, y1 - y0)), dtype=float)


def _warp(src: np.ndarray, src_transform: Affine, src_crs: CRS, transform: Affine, shape: tuple[int, int],
          crs: str) -> np.ndarray:
    return reproject_to_grid(src, src_transform, src_crs, transform, shape, crs, nodata=np.nan,
                             resampling=Resampling.bilinear)


def sample_slope_aspect(dem_path: Path, transform: Affine, shape: tuple[int, int], crs: str,
                        band: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Slope and aspect of a DEM on the candidate grid.

    Parameters
    ----------
    dem_path : pathlib.Path
        A DEM GeoTIFF [m] in any CRS with a declared CRS: projected (any linear unit) or geographic
        (degrees: the metre spacing of every row comes from its latitude on the CRS's ellipsoid).
    transform : affine.Affine
        The candidate grid's north-up transform in ``crs``.
    shape : tuple of int
        (rows, cols) of the candidate grid.
    crs : str
        The candidate grid's CRS.
    band : int, optional
        1-based band of a multi-band file.

    Returns
    -------
    slope_deg : numpy.ndarray
        [degrees], float64, ``shape``: bilinear resampling of the DEM-grid slope.
    aspect_deg : numpy.ndarray
        Downslope direction [degrees clockwise from true north, 0..360): the sine and cosine of the
        DEM-grid aspect are resampled bilinearly and recombined; NaN where flat or where the
        neighbouring directions cancel.

    Both are NaN on cells the DEM does not cover (or covers with nodata).

    Raises
    ------
    SitingInputError
        Unreadable file, no CRS, several bands and no ``band``, no overlap, no valid elevation over
        the grid, an elevation outside ``ELEVATION_RANGE_M``.
    """
    rows, cols = check_grid(transform, shape)
    data, win_transform, dem_crs = read_window(Path(dem_path), transform, (rows, cols), crs, band, what="DEM")
    z = np.ma.filled(data.astype(float), np.nan)
    if not np.isfinite(z).any():
        raise SitingInputError(f"{dem_path} (DEM)", "no valid elevation over the candidate grid (all nodata)")
    check_elevations(z, win_transform, f"{dem_path} (DEM)")
    dx, dy = pixel_size_m(win_transform, z.shape[0], dem_crs)
    slope, aspect = slope_aspect(z, dx, dy)
    slope_out = _warp(slope, win_transform, dem_crs, transform, (rows, cols), crs)
    rad = np.radians(aspect)
    sin_out = _warp(np.sin(rad), win_transform, dem_crs, transform, (rows, cols), crs)
    cos_out = _warp(np.cos(rad), win_transform, dem_crs, transform, (rows, cols), crs)
    with np.errstate(invalid="ignore"):
        aspect_out = np.degrees(np.arctan2(sin_out, cos_out))
        aspect_out[~(np.hypot(sin_out, cos_out) > 1e-6)] = np.nan
    if not dem_crs.is_geographic and np.isfinite(aspect_out).any():
        aspect_out = aspect_out - grid_north_azimuth_deg(dem_crs, transform, (rows, cols), crs)
    return slope_out, _wrap_deg(aspect_out)
