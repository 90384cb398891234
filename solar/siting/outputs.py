"""Files of a siting run: Cloud-Optimised GeoTIFFs, candidate sites, the supply curve and the report.

Every file is written to a temporary name beside its destination and renamed over it
(:func:`geo.files.atomic_write`), so an interrupted run leaves the old file or a complete new one.

- Rasters (GDAL's ``COG`` driver: tiled, DEFLATE, internal overviews; the candidate grid's CRS,
  the area's UTM zone):
  ``suitability.tif`` (score 0-1, float32), ``specific_yield.tif`` [kWh/kWp, float32],
  ``dist_substation.tif`` [km, float32], nodata :data:`NODATA` outside the area (and, for the score, on
  excluded cells); ``exclusion.tif`` (uint8 codes :data:`solar.siting.rules.EXCLUSION_CODES`, 255 outside).
  Tiles of 128 to 512 px; rasters larger than one tile get internal overviews (average; nearest for the codes).
- ``candidates.geojson`` (RFC 7946, EPSG:4326) and ``candidates.gpkg`` (layer ``candidates``).
- ``supply_curve.csv``: UTF-8 with BOM (Chinese shows in spreadsheets), formula-like text neutralised, CRLF
  rows (:func:`geo.export.write_csv`).
- ``report.json`` and ``report.md``: criteria status, assumptions, top candidates, target coverage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
from affine import Affine

from geo.export import write_csv
from geo.files import atomic_write
from solar.results import as_json
from solar.siting.cells import CandidateGrid
from solar.siting.report import plain, report_markdown
from solar.siting.results import SitingReport
from solar.siting.rules import EXCLUSION_CODES, EXCLUSION_NODATA

NODATA = -9999.0
#: COG tile sizes tried, largest first (GDAL's COG driver wants >= 128); a raster no larger than one tile
#: gets no overview (GDAL builds overviews until one fits in a tile).
BLOCK_SIZES = (512, 256, 128)


def _block_size(shape: tuple[int, int]) -> int:
    """The largest COG tile size that still gives at least one overview level, at least 128 px."""
    longest = max(shape)
    return next((b for b in BLOCK_SIZES if b <= longest / 2), BLOCK_SIZES[-1])


def write_cog(path: Path, data: np.ndarray, transform: Affine, crs: str, *, nodata: float | int,
              description: str, units: str = "", resampling: str = "average") -> Path:
    """Write one band as a Cloud-Optimised GeoTIFF, atomically.

    Parameters
    ----------
    path : pathlib.Path
        Destination (``.tif``).
    data : numpy.ndarray
        (rows, cols); float data is written float32 with NaN replaced by ``nodata``; integer data as is.
    transform : affine.Affine
        The grid's north-up transform [m, ``crs``].
    crs : str
        The grid's CRS.
    nodata : float or int
        The nodata value declared in the file.
    description, units : str
        Band description and units (GDAL metadata, e.g. ``kWh/kWp``, ``km``).
    resampling : str
        Overview resampling (``average`` for continuous values, ``nearest`` for codes).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if np.issubdtype(data.dtype, np.floating):
        arr = np.where(np.isfinite(data), data, nodata).astype("float32")
    else:
        arr = data
    rows, cols = arr.shape

    def write(tmp: Path) -> None:
        profile = {"driver": "COG", "width": cols, "height": rows, "count": 1, "dtype": arr.dtype.name, "crs": crs,
                   "transform": transform, "nodata": nodata, "compress": "deflate",
                   "blocksize": _block_size((rows, cols)), "overview_resampling": resampling,
                   "BIGTIFF": "IF_SAFER"}
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(arr, 1)
            dst.set_band_description(1, description)
            if units:
                dst.update_tags(1, units=units)

    atomic_write(path, write)
    return path


def write_candidates(sites: gpd.GeoDataFrame, geojson: Path, gpkg: Path) -> list[Path]:
    """Candidate sites as RFC 7946 GeoJSON and as a GeoPackage layer ``candidates`` (EPSG:4326), atomically.

    Parameters
    ----------
    sites : GeoDataFrame
        :func:`solar.siting.supply.candidate_sites` (any CRS); floats rounded (6 decimals for lon, lat [degrees]
        and capacity factor, else 4).
    geojson, gpkg : pathlib.Path
        Destinations.

    Returns
    -------
    list of pathlib.Path
        ``[geojson, gpkg]``.
    """
    frame = sites.to_crs("EPSG:4326") if sites.crs is not None else sites.set_crs("EPSG:4326")
    frame = gpd.GeoDataFrame(_rounded(pd.DataFrame(frame.drop(columns="geometry"))), geometry=list(frame.geometry),
                             crs="EPSG:4326")

    def write_geojson(tmp: Path) -> None:
        pyogrio.write_dataframe(frame, tmp, driver="GeoJSON", layer="candidates", RFC7946="YES",
                                COORDINATE_PRECISION=6, WRITE_NAME="NO")

    def write_gpkg(tmp: Path) -> None:
        pyogrio.write_dataframe(frame, tmp, driver="GPKG", layer="candidates")

    atomic_write(geojson, write_geojson)
    atomic_write(gpkg, write_gpkg)
    return [geojson, gpkg]


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            digits = 6 if col in ("lon", "lat", "capacity_factor") else 4
            out[col] = out[col].round(digits)
    return out


def write_supply_curve(curve: pd.DataFrame, path: Path) -> Path:
    """The supply curve as CSV: UTF-8 with BOM, formula-like text cells neutralised, atomically.

    Parameters
    ----------
    curve : DataFrame
        :func:`solar.siting.supply.supply_curve` (capacities [MWp], energy [MWh/yr], distances [km]).
    path : pathlib.Path
        Destination.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    frame = _rounded(curve)
    atomic_write(path, lambda tmp: write_csv(frame, tmp))
    return path


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    """JSON (UTF-8, indented, NaN as null), atomically.

    Parameters
    ----------
    data : mapping
        Anything :func:`solar.siting.report.plain` makes JSON.
    path : pathlib.Path
        Destination.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = json.dumps(plain(data), ensure_ascii=False, indent=1)

    def write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    atomic_write(path, write)
    return path


def write_markdown(report: SitingReport, path: Path) -> Path:
    """:func:`solar.siting.report.report_markdown`, atomically.

    Parameters
    ----------
    report : SitingReport
        The report (with ``runtime_s`` [s] and ``outputs``).
    path : pathlib.Path
        Destination.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = report_markdown(report)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(path, write)
    return path


def write_data_files(out_dir: Path, grid: CandidateGrid, arrays: Mapping[str, np.ndarray | None], score: np.ndarray,
                     exclusion: np.ndarray, sites: gpd.GeoDataFrame, curve: pd.DataFrame) -> dict[str, Path]:
    """Write the rasters, the candidates and the supply curve of a run (the report comes last: :func:`write_report`).

    Parameters
    ----------
    out_dir : pathlib.Path
        The output folder.
    grid : CandidateGrid
        The cells (transform, CRS).
    arrays : mapping
        The scan's ``specific_yield_kwh_per_kwp`` [kWh/kWp] and ``dist_substation_km`` [km].
    score : numpy.ndarray
        Suitability [0-1], NaN where not scored.
    exclusion : numpy.ndarray of uint8
        :func:`solar.siting.rules.exclusion_code`.
    sites : GeoDataFrame
        Candidate sites.
    curve : DataFrame
        The supply curve.

    Returns
    -------
    dict
        File kind -> path, with ``report_json`` and ``report_md`` (not yet written) last.
    """
    out_dir = Path(out_dir)
    t, crs = grid.transform, grid.crs
    outputs: dict[str, Path] = {}
    outputs["suitability"] = write_cog(out_dir / "suitability.tif", score, t, crs, nodata=NODATA,
                                       description="suitability score 0-1 (nodata outside the area and on "
                                       "excluded cells)")
    outputs["specific_yield"] = write_cog(out_dir / "specific_yield.tif", _array(arrays, "specific_yield_kwh_per_kwp"),
                                          t, crs, nodata=NODATA, description="specific yield", units="kWh/kWp")
    outputs["dist_substation"] = write_cog(out_dir / "dist_substation.tif", _array(arrays, "dist_substation_km"), t,
                                           crs, nodata=NODATA, description="geodesic distance to the nearest "
                                           "substation", units="km")
    outputs["exclusion"] = write_cog(out_dir / "exclusion.tif", exclusion, t, crs, nodata=EXCLUSION_NODATA,
                                     description="exclusion code: " + "; ".join(
                                         f"{k} {v}" for k, v in EXCLUSION_CODES.items()), resampling="nearest")
    geojson, gpkg = write_candidates(sites, out_dir / "candidates.geojson", out_dir / "candidates.gpkg")
    outputs["candidates_geojson"], outputs["candidates_gpkg"] = geojson, gpkg
    outputs["supply_curve"] = write_supply_curve(curve, out_dir / "supply_curve.csv")
    outputs["report_json"] = out_dir / "report.json"
    outputs["report_md"] = out_dir / "report.md"
    return outputs


def write_report(report: SitingReport, outputs: Mapping[str, Path]) -> None:
    """Write ``report.json`` (the report's :func:`solar.results.as_json`) and ``report.md``.

    Parameters
    ----------
    report : SitingReport
        :func:`solar.siting.report.build_report` with ``runtime_s`` [s] and ``outputs``.
    outputs : mapping
        File kind -> path (``report_json``, ``report_md``), as :func:`write_data_files` named them.
    """
    write_json(as_json(report), outputs["report_json"])
    write_markdown(report, outputs["report_md"])


def _array(arrays: Mapping[str, np.ndarray | None], name: str) -> np.ndarray:
    value = arrays[name]
    if value is None:
        raise ValueError(f"scan result: {name} missing")
    return value
