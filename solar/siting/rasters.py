"""Raster helpers every siting input shares: the grid's description, reading a window, resampling onto the grid.

The candidate grid is north-up and axis-aligned in a metric CRS (the area's UTM zone, :mod:`solar.siting.cells`). A
user raster (DEM, land cover) may be in any CRS with a declared one: :func:`read_window` reads only the part
that covers the grid (plus :data:`PAD_PX` pixels for 3x3 windows and resampling kernels),
:func:`reproject_to_grid` resamples an array onto the grid, and :func:`raster_overlaps` tells whether a
raster reaches a grid at all (checked before reading, so a chunk it misses gets no data rather than an
error).
"""

import math
from pathlib import Path

import numpy as np
import rasterio
import rasterio.warp
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.errors import RasterioIOError
from rasterio.windows import Window

from solar.siting.errors import SitingInputError

#: Pixels read beyond the grid's footprint on every side (Horn's window and the resampling kernel).
PAD_PX = 3


def check_grid(transform: Affine, shape: tuple[int, int]) -> tuple[int, int]:
    """Validate a candidate grid's description.

    Parameters
    ----------
    transform : affine.Affine
        The grid's transform [m, the grid's CRS].
    shape : tuple of int
        (rows, cols).

    Returns
    -------
    tuple of int
        (rows, cols) as Python ints.

    Raises
    ------
    SitingInputError
        The transform is not north-up and axis-aligned (``b == d == 0``, ``a > 0``, ``e < 0``), or the
        shape is not two positive integers.
    """
    if not isinstance(transform, Affine):
        raise SitingInputError("transform", f"must be an affine.Affine, got {type(transform).__name__}")
    if transform.b != 0 or transform.d != 0 or not transform.a > 0 or not transform.e < 0:
        raise SitingInputError("transform", f"must be north-up and axis-aligned (b = d = 0, a > 0, e < 0), "
                                            f"got {tuple(transform)[:6]}")
    if len(shape) != 2 or any(int(n) != n or n <= 0 for n in shape):
        raise SitingInputError("shape", f"must be (rows, cols), two positive integers, got {shape!r}")
    return int(shape[0]), int(shape[1])


def grid_bounds(transform: Affine, shape: tuple[int, int]) -> tuple[float, float, float, float]:
    """Bounds of a north-up grid.

    Parameters
    ----------
    transform : affine.Affine
        The grid's north-up transform.
    shape : tuple of int
        (rows, cols).

    Returns
    -------
    tuple of float
        (west, south, east, north) [the grid's CRS units, m for the candidate grid].
    """
    rows, cols = shape
    return transform.c, transform.f + transform.e * rows, transform.c + transform.a * cols, transform.f


def read_window(path: Path, transform: Affine, shape: tuple[int, int], crs: str,
                band: int | None = None, what: str = "raster") -> tuple[np.ma.MaskedArray, Affine, CRS]:
    """Read the part of one band of a raster that covers the candidate grid (plus ``PAD_PX`` pixels).

    Parameters
    ----------
    path : pathlib.Path
        The raster (GeoTIFF or anything GDAL reads).
    transform : affine.Affine
        The candidate grid's north-up transform [m, ``crs``].
    shape : tuple of int
        (rows, cols) of the candidate grid.
    crs : str
        The candidate grid's CRS.
    band : int, optional
        1-based band; required when the raster has more than one.
    what : str
        What the raster is, for error messages ("DEM", "land cover").

    Returns
    -------
    data : numpy.ma.MaskedArray
        The window in the file's dtype and units, masked where the file says nodata.
    window_transform : affine.Affine
        The window's transform, in the raster's CRS.
    raster_crs : rasterio.crs.CRS
        The raster's CRS.

    Raises
    ------
    SitingInputError
        Unreadable file, no CRS, a band choice needed or out of range, a rotated or south-up raster, no
        overlap with the grid.
    """
    check_grid(transform, shape)
    where = f"{path} ({what})"
    try:
        src = rasterio.open(path)
    except RasterioIOError as exc:
        raise SitingInputError(where, f"cannot read as a raster: {exc}") from None
    with src:
        if src.crs is None:
            raise SitingInputError(where, "the raster has no CRS; assign one (e.g. gdal_edit.py -a_srs EPSG:4326)")
        if band is None:
            if src.count != 1:
                raise SitingInputError(where, f"{src.count} bands: choose one (band=1..{src.count})")
            band = 1
        if not 1 <= band <= src.count:
            raise SitingInputError(where, f"band {band} does not exist; bands: 1..{src.count}")
        t = src.transform
        if t.b != 0 or t.d != 0 or not t.e < 0 or not t.a > 0:
            raise SitingInputError(where, f"only north-up, axis-aligned rasters are read; transform is {tuple(t)[:6]}"
                                          " (warp it first, e.g. gdalwarp)")
        left, bottom, right, top = rasterio.warp.transform_bounds(CRS.from_user_input(crs), src.crs,
                                                                  *grid_bounds(transform, shape), densify_pts=21)
        inv = ~t
        col0, row0 = inv @ (left, top)
        col1, row1 = inv @ (right, bottom)
        c0 = max(math.floor(min(col0, col1)) - PAD_PX, 0)
        c1 = min(math.ceil(max(col0, col1)) + PAD_PX, src.width)
        r0 = max(math.floor(min(row0, row1)) - PAD_PX, 0)
        r1 = min(math.ceil(max(row0, row1)) + PAD_PX, src.height)
        if c1 <= c0 or r1 <= r0:
            raise SitingInputError(where, f"does not overlap the candidate grid (grid bounds in the raster's CRS: "
                                          f"{left:.6g}, {bottom:.6g}, {right:.6g}, {top:.6g}; raster bounds: "
                                          f"{tuple(round(v, 6) for v in src.bounds)})")
        window = Window(c0, r0, c1 - c0, r1 - r0)
        data = src.read(band, window=window, masked=True)
        return data, t @ Affine.translation(c0, r0), src.crs


def reproject_to_grid(src: np.ndarray, src_transform: Affine, src_crs: CRS, transform: Affine,
                      shape: tuple[int, int], crs: str, *, nodata: float | int, resampling: Resampling
                      ) -> np.ndarray:
    """Resample an array onto the candidate grid.

    Parameters
    ----------
    src : numpy.ndarray
        (rows, cols) values in their own units, ``nodata`` where unknown.
    src_transform : affine.Affine
        ``src``'s transform, in ``src_crs``.
    src_crs : rasterio.crs.CRS
        ``src``'s CRS.
    transform : affine.Affine
        The candidate grid's north-up transform [m, ``crs``].
    shape : tuple of int
        (rows, cols) of the candidate grid.
    crs : str
        The candidate grid's CRS.
    nodata : float or int
        The no-data value of ``src`` and of the result (NaN for float data).
    resampling : rasterio.enums.Resampling
        ``bilinear`` for continuous values, ``nearest`` or ``mode`` for class codes.

    Returns
    -------
    numpy.ndarray
        ``shape``, ``src``'s dtype and units; ``nodata`` where ``src`` does not reach.
    """
    out = np.full(shape, nodata, dtype=src.dtype)
    rasterio.warp.reproject(src, out, src_transform=src_transform, src_crs=src_crs, src_nodata=nodata,
                            dst_transform=transform, dst_crs=CRS.from_user_input(crs), dst_nodata=nodata,
                            resampling=resampling)
    return out


def raster_overlaps(path: str | Path, transform: Affine, shape: tuple[int, int], crs: str) -> bool:
    """Whether a raster's extent meets the grid's.

    Parameters
    ----------
    path : str or pathlib.Path
        The raster.
    transform : affine.Affine
        The grid's north-up transform [m, ``crs``].
    shape : tuple of int
        (rows, cols) of the grid.
    crs : str
        The grid's CRS.

    Returns
    -------
    bool
        False only when the raster can be read, has a CRS and misses the grid; True otherwise (an unreadable
        file or one without a CRS is left to :func:`read_window`, which raises a clear error).
    """
    west, south, east, north = grid_bounds(transform, shape)
    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                return True  # let the reader raise its own error
            left, bottom, right, top = rasterio.warp.transform_bounds(CRS.from_user_input(crs), src.crs, west, south,
                                                                      east, north, densify_pts=21)
            b = src.bounds
    except RasterioIOError:
        return True  # the reader raises a clear error
    return left < b.right and right > b.left and bottom < b.top and top > b.bottom
