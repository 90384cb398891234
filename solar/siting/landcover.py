"""Land cover for siting: a user's classified raster, sampled onto the candidate grid.

No land-cover data ships offline; the user supplies one of the legends below (a code outside the
legend is an error, never guessed at):

- ``worldcover``: ESA WorldCover 10 m 2021 v200 (Zanaga et al. 2022, doi:10.5281/zenodo.7254221),
  11 classes; its files declare nodata 0.
- ``modis_igbp``: MODIS MCD12C1 2019 (IGBP classes, majority of a 0.05° cell, ~5 km; Friedl & Sulla-Menashe
  2015, doi:10.5067/MODIS/MCD12C1.006): the coarse layer that ships in ``data/siting`` (used when no
  ``--landcover`` is given; labelled coarse wherever it is used).
- ``clcd``: the annual China Land Cover Dataset, 30 m (Yang & Huang 2021, "The 30 m annual land cover
  dataset and its dynamics in China from 1990 to 2019", Earth Syst. Sci. Data 13, 3907-3925,
  doi:10.5194/essd-13-3907-2021), 9 classes.

A remote-sensing class is a proxy for the legal land category of the land survey (三调): "cropland" is
not exactly 耕地, "forest" not exactly 林地. Rules that cite the law say so in their report.
"""

from pathlib import Path

import numpy as np
from affine import Affine
from rasterio.enums import Resampling

from solar.siting.errors import SitingInputError
from solar.siting.rasters import check_grid, read_window, reproject_to_grid

#: Legends by name: raster code -> class name.
LEGENDS: dict[str, dict[int, str]] = {
    "worldcover": {10: "tree_cover", 20: "shrubland", 30: "grassland", 40: "cropland", 50: "built_up", 60: "bare",
                   70: "snow_ice", 80: "water", 90: "wetland", 95: "mangroves", 100: "moss_lichen"},
    "clcd": {1: "cropland", 2: "forest", 3: "shrub", 4: "grassland", 5: "water", 6: "snow_ice", 7: "barren",
             8: "impervious", 9: "wetland"},
    # MODIS MCD12C1 IGBP (Type 1) majority class, 0.05 deg: the coarse land cover that ships (data/siting)
    "modis_igbp": {0: "water", 1: "evergreen_needleleaf_forest", 2: "evergreen_broadleaf_forest",
                   3: "deciduous_needleleaf_forest", 4: "deciduous_broadleaf_forest", 5: "mixed_forest",
                   6: "closed_shrubland", 7: "open_shrubland", 8: "woody_savanna", 9: "savanna", 10: "grassland",
                   11: "wetland", 12: "cropland", 13: "built_up", 14: "cropland_mosaic", 15: "snow_ice",
                   16: "barren"},
}
#: How a land-cover raster is resampled onto the grid.
RESAMPLINGS = {"mode": Resampling.mode, "nearest": Resampling.nearest}
#: Code for "no land-cover data" on the grid.
NO_DATA = -1


def legend_classes(legend: str) -> dict[int, str]:
    """The legend's codes and class names.

    Parameters
    ----------
    legend : str
        A legend of :data:`LEGENDS` (``worldcover``, ``clcd``).

    Returns
    -------
    dict
        Raster code -> class name.

    Raises
    ------
    SitingInputError
        An unknown legend (the legends are listed).
    """
    if legend not in LEGENDS:
        raise SitingInputError("legend", f"unknown legend {legend!r}; allowed: {', '.join(LEGENDS)}")
    return LEGENDS[legend]


def class_mask(codes: np.ndarray, legend: str, names: tuple[str, ...] | list[str]) -> np.ndarray:
    """Boolean mask of the cells whose code is one of the named classes of ``legend``.

    Parameters
    ----------
    codes : numpy.ndarray
        Class codes of ``legend`` on the grid (-1 = no data).
    legend : str
        The legend.
    names : tuple or list of str
        Class names of the legend.

    Returns
    -------
    numpy.ndarray of bool
        The shape of ``codes``.

    Raises
    ------
    SitingInputError
        A name that is not a class of the legend (the legend's class names are listed).
    """
    classes = legend_classes(legend)
    by_name = {name: code for code, name in classes.items()}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SitingInputError("legend", f"class(es) {', '.join(unknown)} not in legend {legend!r}; classes: "
                                         f"{', '.join(classes.values())}")
    return np.isin(codes, [by_name[n] for n in names])


def sample_landcover(path: Path, transform: Affine, shape: tuple[int, int], crs: str,
                     legend: str = "worldcover", band: int | None = None, nodata: int | None = None,
                     resampling: str = "mode") -> np.ndarray:
    """Land-cover codes on the candidate grid.

    Parameters
    ----------
    path : pathlib.Path
        A classified raster (GeoTIFF) with a declared CRS, integer codes of ``legend``.
    transform, shape, crs
        The candidate grid (north-up transform, (rows, cols), its CRS).
    legend : str
        A key of ``LEGENDS``.
    band : int, optional
        1-based band of a multi-band file.
    nodata : int, optional
        A code to treat as no data in addition to the one the file declares (e.g. 0 or 255 in a file
        that declares none).
    resampling : str
        ``mode`` (default): the most frequent class among the raster pixels falling in a cell (GDAL's
        mode resampling; with a raster finer than the grid this is the cell's majority class, with one
        as coarse or coarser it is the pixel at the cell centre). ``nearest``: the pixel at the cell
        centre only.

    Returns
    -------
    numpy.ndarray
        int32 codes, ``shape``; ``NO_DATA`` (-1) where the raster has no data or does not reach.

    Raises
    ------
    SitingInputError
        Unknown legend or resampling, unreadable file, no CRS, several bands and no ``band``, no overlap,
        non-integer values, or codes outside the legend (listing them and the legend's codes).
    """
    classes = legend_classes(legend)
    if resampling not in RESAMPLINGS:
        raise SitingInputError("resampling", f"unknown {resampling!r}; allowed: {', '.join(RESAMPLINGS)}")
    rows, cols = check_grid(transform, shape)
    data, win_transform, src_crs = read_window(Path(path), transform, (rows, cols), crs, band, what="land cover")
    where = f"{path} (land cover, legend {legend})"
    valid = ~np.ma.getmaskarray(data)
    values = np.ma.getdata(data)
    if np.issubdtype(values.dtype, np.floating):
        valid &= np.isfinite(values)
        if np.any(values[valid] != np.round(values[valid])):
            raise SitingInputError(where, "holds non-integer values: a land-cover raster holds class codes")
    elif not np.issubdtype(values.dtype, np.integer):
        raise SitingInputError(where, f"unsupported data type {values.dtype}")
    if nodata is not None:
        valid &= values != nodata
    present = np.unique(values[valid]).astype(np.int64)
    unknown = sorted(set(present.tolist()) - set(classes))
    if unknown:
        shown = ", ".join(str(c) for c in unknown[:20]) + (" ..." if len(unknown) > 20 else "")
        raise SitingInputError(where, f"code(s) not in the legend: {shown}; legend codes: "
                                      f"{', '.join(f'{c} {n}' for c, n in classes.items())} (pass nodata= for a fill "
                                      "value the file does not declare)")
    src = np.where(valid, values.astype(np.int32), NO_DATA).astype(np.int32)
    return reproject_to_grid(src, win_transform, src_crs, transform, (rows, cols), crs, nodata=NO_DATA,
                             resampling=RESAMPLINGS[resampling])
