"""Files of a siting run: Cloud-Optimised GeoTIFFs, candidate sites, the supply curve and the report.

Every file is written to a temporary name beside its destination and renamed over it
(:func:`geo.export.atomic_write`), so an interrupted run leaves the old file or a complete new one.

- Rasters (GDAL's ``COG`` driver: tiled, DEFLATE, internal overviews; EPSG:32649, the candidate grid):
  ``suitability.tif`` (score 0-1, float32), ``specific_yield.tif`` [kWh/kWp, float32],
  ``dist_substation.tif`` [km, float32], nodata :data:`NODATA` outside the area (and, for the score, on
  excluded cells); ``exclusion.tif`` (uint8 codes :data:`EXCLUSION_CODES`, 255 outside). Tiles of 128 to
  512 px; rasters larger than one tile get internal overviews (average; nearest for the codes).
- ``candidates.geojson`` (RFC 7946, EPSG:4326) and ``candidates.gpkg`` (layer ``candidates``).
- ``supply_curve.csv``: UTF-8 with BOM (Chinese shows in spreadsheets), formula-like text neutralised.
- ``report.json`` and ``report.md``: criteria status, assumptions, top candidates, target coverage.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
from affine import Affine

from geo.export import atomic_write, neutralise_formulas

NODATA = -9999.0
EXCLUSION_NODATA = 255
#: Codes of ``exclusion.tif`` (the first reason that applies, in this order).
EXCLUSION_CODES = {0: "candidate (not excluded)", 1: "excluded by an exclusion layer (with its buffer)",
                   2: "excluded by land cover", 3: "excluded by slope", 4: "allowed only under a condition (e.g. "
                   "forest land: 林光互补 only)"}
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
    transform, crs
        The grid.
    nodata : float or int
        The nodata value declared in the file.
    description, units : str
        Band description and units (GDAL metadata).
    resampling : str
        Overview resampling (``average`` for continuous values, ``nearest`` for codes).
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
    """Candidate sites as RFC 7946 GeoJSON and as a GeoPackage layer ``candidates`` (EPSG:4326)."""
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
    """The supply curve as CSV: UTF-8 with BOM, formula-like text cells neutralised, atomically."""
    frame = neutralise_formulas(_rounded(curve))

    def write(tmp: Path) -> None:
        frame.to_csv(tmp, index=False, encoding="utf-8-sig")

    atomic_write(path, write)
    return path


def plain(value: Any) -> Any:
    """A value as plain JSON (numpy scalars and arrays, paths, NaN -> None)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return None if not math.isfinite(f) else f
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int):
        return value
    if pd.isna(value):
        return None
    return str(value)


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    """JSON (UTF-8, indented, NaN as null), atomically."""
    text = json.dumps(plain(data), ensure_ascii=False, indent=1)

    def write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    atomic_write(path, write)
    return path


def _md_cell(value: Any) -> str:
    text = "" if value is None or (isinstance(value, float) and not math.isfinite(value)) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    if not rows:
        return ["(none)"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(row.get(c)) for c in columns) + " |")
    return lines


def report_markdown(report: Mapping[str, Any]) -> str:
    """The report as Markdown: summary, criteria, score, coverage, top candidates, assumptions, files."""
    r = plain(report)
    cells = r["cells"]
    lines = [f"# PV siting: {r['area']}", "",
             f"Resolution {r['resolution_m']:g} m, EPSG:32649; {cells['inside']:,} cells inside the area "
             f"({cells['area_km2']:,.1f} km²), {cells['excluded']:,} excluded, {cells['candidate']:,} candidate cells; "
             f"{r['sites']['count']} candidate sites, {r['sites']['capacity_mw']:,.1f} MW, "
             f"{r['sites']['annual_mwh']:,.0f} MWh/yr. Runtime {r['runtime_s']:.1f} s ({r['scan']['scheduler']}).", "",
             "## Exclusion criteria", ""]
    lines += _md_table(r["criteria"], ["criterion", "status", "cells_excluded", "reason", "basis"])
    lines += ["", "## Score", ""]
    lines += _md_table(r["score"], ["criterion", "status", "weight_given", "weight_used", "normalisation", "reason"])
    lines += ["", "## Target coverage", ""]
    lines += [f"- {c['line']}" for c in r["coverage"]] or ["- no PV / new-energy capacity target for this area"]
    lines += ["", "## Top candidates", ""]
    lines += _md_table(r["top_candidates"], ["site_id", "capacity_mw", "annual_mwh", "specific_yield_kwh_per_kwp",
                                             "score", "dist_substation_km", "substation_id", "substation_precision",
                                             "mean_slope_deg", "lon", "lat"])
    lines += ["", "## Assumptions", ""]
    lines += [f"- **{k}**: {_md_cell(v)}" for k, v in r["assumptions"].items()]
    lines += ["", "## Files", ""]
    lines += [f"- `{k}`: {v}" for k, v in r["outputs"].items()]
    return "\n".join(lines) + "\n"


def write_markdown(report: Mapping[str, Any], path: Path) -> Path:
    """:func:`report_markdown`, atomically."""
    text = report_markdown(report)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(path, write)
    return path
