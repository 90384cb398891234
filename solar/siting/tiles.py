"""Tiles as they come: several DEM or land-cover tiles (files or a folder) mosaicked for the area.

DEMs and land cover are published in tiles: SRTM 1″ ``N29E113.hgt`` (1° x 1°), Copernicus GLO-30
``Copernicus_DSM_COG_10_N29_00_E113_00_DEM.tif``, ESA WorldCover ``ESA_WorldCover_10m_2021_v200_N27E111_Map.tif``
(3° x 3°). :func:`tile_paths` expands files and folders into the tiles, :func:`mosaic_for_area` keeps the
tiles that meet the area and writes their mosaic over the area's bounds (plus a margin) as one GeoTIFF that
the scan reads like a single file. A single file is used as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import rasterio
import rasterio.merge
from rasterio.errors import RasterioIOError
from rasterio.warp import transform_bounds

from solar.siting.errors import SitingInputError

#: File names read as tiles inside a folder.
TILE_SUFFIXES = (".tif", ".tiff", ".hgt")
#: Margin around the area [degrees] (Horn's 3x3 window and the resampling kernels need pixels beyond it).
MARGIN_DEG = 0.01


def tile_paths(paths: Sequence[Path] | Path, what: str) -> list[Path]:
    """The tile files named by ``paths`` (files, or folders whose tiles are taken), sorted, without repeats.

    Parameters
    ----------
    paths : sequence of pathlib.Path or pathlib.Path
        Files and folders.
    what : str
        ``DEM`` or ``land cover``, for messages.

    Returns
    -------
    list of pathlib.Path
        The tiles.

    Raises
    ------
    SitingInputError
        A path that does not exist, or a folder with no tile (the suffixes allowed are listed).
    """
    items = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    out: list[Path] = []
    for item in items:
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.is_file() and p.name.lower().endswith(TILE_SUFFIXES))
            if not found:
                raise SitingInputError(f"{item} ({what})", f"folder holds no tile; allowed: {', '.join(TILE_SUFFIXES)}")
            out += found
        elif item.is_file():
            out.append(item)
        else:
            raise SitingInputError(f"{item} ({what})", "file not found")
    return list(dict.fromkeys(out))


def _bounds_in(path: Path, crs: rasterio.crs.CRS, bounds_4326: tuple[float, float, float, float]
               ) -> tuple[float, float, float, float]:
    return transform_bounds("EPSG:4326", crs, *bounds_4326, densify_pts=21)


def mosaic_for_area(paths: Sequence[Path] | Path, area_bounds: tuple[float, float, float, float], out: Path, *,
                    what: str) -> tuple[Path, list[Path]]:
    """One raster for the area from one or several tiles.

    Parameters
    ----------
    paths : sequence of pathlib.Path or pathlib.Path
        Tiles or folders of tiles (:func:`tile_paths`).
    area_bounds : tuple of float
        (west, south, east, north) of the area [degrees, WGS-84].
    out : pathlib.Path
        Where the mosaic is written (GeoTIFF), when there is more than one tile.
    what : str
        ``DEM`` or ``land cover``.

    Returns
    -------
    path : pathlib.Path
        The single tile as it is, or ``out``.
    used : list of pathlib.Path
        The tiles that meet the area.

    Raises
    ------
    SitingInputError
        An unreadable or empty tile, a tile without CRS, tiles in different CRSs or with different numbers of
        bands, or no tile meeting the area (the area's bounds and the tiles' are named).
    """
    tiles = tile_paths(paths, what)
    if len(tiles) == 1:
        return tiles[0], tiles
    west, south, east, north = area_bounds
    padded = (west - MARGIN_DEG, south - MARGIN_DEG, east + MARGIN_DEG, north + MARGIN_DEG)
    used, crs, seen = [], None, []
    for tile in tiles:
        where = f"{tile} ({what} tile)"
        if tile.stat().st_size == 0:
            raise SitingInputError(where, "the file is empty; allowed: GeoTIFF or SRTM .hgt")
        try:
            with rasterio.open(tile) as src:
                if src.crs is None:
                    raise SitingInputError(where, "the tile has no CRS; assign one (gdal_edit.py -a_srs EPSG:4326)")
                if crs is None:
                    crs = src.crs
                elif src.crs != crs:
                    raise SitingInputError(where, f"CRS {src.crs} differs from the other tiles' {crs}; warp them to "
                                                  "one CRS first")
                b = src.bounds
                left, bottom, right, top = _bounds_in(tile, src.crs, padded)
                seen.append(f"{tile.name} {tuple(round(v, 4) for v in b)}")
                if left < b.right and right > b.left and bottom < b.top and top > b.bottom:
                    used.append(tile)
        except RasterioIOError as exc:
            raise SitingInputError(where, f"cannot read as a raster ({exc}); allowed: GeoTIFF or SRTM .hgt") from None
    if not used or crs is None:
        shown = tuple(round(v, 4) for v in area_bounds)
        raise SitingInputError(f"{what} tiles", f"none meets the area (bounds {shown}); tiles: {'; '.join(seen)}")
    if len(used) == 1:
        return used[0], used
    try:
        data, transform = rasterio.merge.merge([str(p) for p in used])  # whole tiles: a cut would shift pixels
    except (RasterioIOError, ValueError) as exc:
        raise SitingInputError(f"{what} tiles", f"cannot mosaic {', '.join(p.name for p in used)}: {exc}") from None
    with rasterio.open(used[0]) as first:
        profile = {"driver": "GTiff", "dtype": data.dtype, "count": data.shape[0], "width": data.shape[2],
                   "height": data.shape[1], "crs": crs, "transform": transform, "nodata": first.nodata,
                   "compress": "deflate", "tiled": True}
    out.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(data)
        dst.update_tags(tiles=",".join(p.name for p in used))
    return out, used


def area_raster(given: Sequence[Path] | Path | None, area_bounds: tuple[float, float, float, float],
                out_dir: Path | None, what: str) -> tuple[Path | None, list[Path]]:
    """The raster a run reads for ``what``: None, the single file given, or the mosaic of the tiles given.

    Parameters
    ----------
    given : pathlib.Path, sequence of pathlib.Path or None
        What the user gave (files and folders).
    area_bounds : tuple of float
        (west, south, east, north) [degrees, WGS-84].
    out_dir : pathlib.Path or None
        The run's output folder (the mosaic is written there as ``<what>_mosaic.tif``); None: a temporary
        folder.
    what : str
        ``DEM`` or ``land cover``.

    Returns
    -------
    path : pathlib.Path or None
        The raster to read.
    tiles : list of pathlib.Path
        The tiles used (empty when nothing was given).
    """
    if given is None or (not isinstance(given, str | Path) and len(given) == 0):
        return None, []
    items = [Path(given)] if isinstance(given, str | Path) else [Path(p) for p in given]
    if len(items) == 1 and items[0].is_file():
        return items[0], items  # one file as it is (the scan checks it)
    if out_dir is None:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="siting-tiles-"))
    else:
        folder = Path(out_dir)
    name = what.lower().replace(" ", "") + "_mosaic.tif"
    return mosaic_for_area(items, area_bounds, folder / name, what=what)
