"""Capacity per cell, candidate sites (contiguous suitable cells), the supply curve and target coverage.

- **Capacity** of a suitable cell = its area [km²] x a land-use density [MW/km²]
  (:data:`DEFAULT_DENSITY_MW_PER_KM2`, a parameter). The default, 50 MWp/km² (2 ha/MWp), is an
  **assumption** for ground-mounted fixed-tilt utility PV: NREL's land-use survey of US plants (Ong et al.
  2013, NREL/TP-6A20-56290) found a capacity-weighted mean of ~3.5 acres/MWac direct area for fixed-tilt
  plants over 20 MW (≈ 70 MWac/km²) and ~5.5-7.6 acres/MWac total area (≈ 32-45 MWac/km²); with today's
  denser modules and China's typical 1.5-2.5 ha/MWp the range is ~28-70 MW/km², 50 in the middle. A site's
  capacity is DC (MWp), as the yields are per kWp.
- **Sites** are the connected components (8-connectivity, :func:`scipy.ndimage.label`) of suitable cells
  *within aggregation blocks* (default 2 km x 2 km, in the spirit of the supply-curve points of NREL's reV),
  so an unconstrained county becomes many plant-sized sites instead of one; each site's outline is the
  union of its cells clipped to the area's polygon (its area and capacity are the clipped ones).
- **Supply curve**: the sites in order of a cost proxy (:func:`cost_proxy`), with cumulative MW and MWh,
  columns in the spirit of reV's supply-curve tables.
- **Coverage**: how much of a district's missing capacity target (target - named pipeline,
  :func:`geo.rollup.target_gaps`) the sites could hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.features import shapes
from scipy import ndimage
from shapely.geometry import shape

from solar.siting.cells import SITING_CRS, WGS84, CandidateGrid
from solar.siting.errors import SitingInputError

#: Land-use density of ground-mounted fixed-tilt utility PV [MWp/km²] (assumption; see the module text).
DEFAULT_DENSITY_MW_PER_KM2 = 50.0
DENSITY_LIMITS_MW_PER_KM2 = (5.0, 200.0)
DENSITY_BASIS = (
    "assumption: 50 MWp/km2 (2 ha/MWp) for ground-mounted fixed-tilt PV, mid-range of ~28-70 MW/km2 (NREL land-use "
    "survey, Ong et al. 2013, NREL/TP-6A20-56290: ~3.5 acres/MWac direct area for fixed-tilt plants > 20 MW; "
    "total area larger)"
)
#: Side of the aggregation blocks that bound a site [m].
DEFAULT_BLOCK_M = 2000.0
DEFAULT_MIN_AREA_KM2 = 0.25
#: Cost proxy: relative cost per MW = 1 + a * grid distance + b * slope (assumptions, see :func:`cost_proxy`).
COST_PER_KM = 0.01
COST_PER_DEG = 0.01
HOURS_PER_YEAR = 8760.0
SITE_COLUMNS = ("site_id", "district", "n_cells", "area_km2", "capacity_mw", "annual_mwh", "capacity_factor",
                "specific_yield_kwh_per_kwp", "score", "dist_substation_km", "substation_id", "substation_voltage_kv",
                "substation_precision", "dist_project_km", "project_id", "project_precision", "mean_slope_deg",
                "max_slope_deg", "conditional_share", "cost_proxy", "lon", "lat", "geometry")
SUPPLY_COLUMNS = ("site_id", "capacity_mw", "capacity_factor", "annual_mwh", "specific_yield_kwh_per_kwp",
                  "dist_substation_km", "substation_id", "substation_voltage_kv", "substation_precision",
                  "mean_slope_deg", "area_km2", "score", "cost_proxy", "cumulative_capacity_mw", "cumulative_mwh",
                  "lon", "lat", "district")


def check_density(density_mw_per_km2: float) -> float:
    """Return the density as float, or raise if outside :data:`DENSITY_LIMITS_MW_PER_KM2`."""
    lo, hi = DENSITY_LIMITS_MW_PER_KM2
    if not isinstance(density_mw_per_km2, int | float) or not np.isfinite(density_mw_per_km2) \
            or not lo <= density_mw_per_km2 <= hi:
        raise SitingInputError("density_mw_per_km2", f"{density_mw_per_km2!r} is outside {lo:g}..{hi:g} MW/km2")
    return float(density_mw_per_km2)


def cost_proxy(dist_substation_km: np.ndarray | pd.Series, mean_slope_deg: np.ndarray | pd.Series
               ) -> np.ndarray:
    """Relative cost per MW of a site: ``1 + 0.01 * km to the substation + 0.01 * mean slope [deg]``.

    A ranking device, not a price: it assumes (**assumption**) a grid connection adds ~1 % of a plant's
    cost per MW for each km of line, and grading and longer structures ~1 % per degree of slope. An unknown
    distance or slope (no substation, no DEM) adds nothing; the report says which terms were evaluated.
    """
    d = np.nan_to_num(np.asarray(dist_substation_km, dtype=float), nan=0.0)
    s = np.nan_to_num(np.asarray(mean_slope_deg, dtype=float), nan=0.0)
    return 1.0 + COST_PER_KM * d + COST_PER_DEG * s


def block_labels(suitable: np.ndarray, block_cells: int) -> np.ndarray:
    """Label connected suitable cells (8-connectivity) without crossing aggregation-block edges.

    Parameters
    ----------
    suitable : numpy.ndarray of bool
        (rows, cols).
    block_cells : int
        Block side in cells (>= 1).

    Returns
    -------
    numpy.ndarray of int32
        (rows, cols): 0 where not suitable, else a component number 1..n (in raster order of the blocks).
    """
    rows, cols = suitable.shape
    b = max(1, int(block_cells))
    pr, pc = -rows % b, -cols % b
    padded = np.pad(suitable, ((0, pr), (0, pc)))
    nby, nbx = padded.shape[0] // b, padded.shape[1] // b
    blocks = padded.reshape(nby, b, nbx, b).transpose(0, 2, 1, 3)  # (nby, nbx, b, b)
    structure = np.zeros((3, 3, 3, 3), dtype=bool)
    structure[1, 1] = True  # 8-connectivity inside a block, none across blocks
    labels, _ = ndimage.label(blocks, structure=structure)
    out = labels.transpose(0, 2, 1, 3).reshape(padded.shape)[:rows, :cols]
    return np.ascontiguousarray(out, dtype=np.int32)


def _site_geometries(labels: np.ndarray, grid: CandidateGrid, ids: np.ndarray) -> dict[int, Any]:
    """Union of each label's cells (EPSG:32649), clipped to the area's polygon."""
    parts: dict[int, list[Any]] = {}
    for geom, value in shapes(labels, mask=labels > 0, transform=grid.transform, connectivity=8):
        parts.setdefault(int(value), []).append(shape(geom))
    wanted = set(ids.tolist())
    area = grid.polygon_utm
    shapely.prepare(area)
    out = {}
    for label, polys in parts.items():
        if label not in wanted:
            continue
        geom = shapely.union_all(polys)
        out[label] = geom if shapely.contains(area, geom) else geom.intersection(area)
    return out


def candidate_sites(grid: CandidateGrid, arrays: Mapping[str, np.ndarray], score: np.ndarray,
                    suitable: np.ndarray, *, substations: pd.DataFrame, projects: pd.DataFrame,
                    conditional: np.ndarray | None = None,
                    density_mw_per_km2: float = DEFAULT_DENSITY_MW_PER_KM2, min_score: float = 0.0,
                    min_area_km2: float = DEFAULT_MIN_AREA_KM2, block_m: float = DEFAULT_BLOCK_M,
                    id_prefix: str = "site") -> gpd.GeoDataFrame:
    """Candidate sites: contiguous suitable cells within aggregation blocks, ranked by score.

    Parameters
    ----------
    grid : CandidateGrid
        The cells.
    arrays : mapping
        Full-grid arrays from the scan: ``specific_yield_kwh_per_kwp``, ``dist_substation_km``,
        ``substation_index``, ``dist_project_km``, ``project_index``, ``slope_deg``.
    score : numpy.ndarray
        Suitability 0-1 (NaN where not scored).
    suitable : numpy.ndarray of bool
        Cells that may hold PV (inside, not excluded).
    substations, projects : DataFrame
        The distance targets the ``*_index`` arrays point into (``id``, ``voltage_kv``,
        ``location_precision``).
    conditional : numpy.ndarray of bool, optional
        Cells allowed only under a condition (forest land: 林光互补 only); a site's ``conditional_share`` is
        the share of its cells that are.
    density_mw_per_km2 : float
        Land-use density [MWp/km²].
    min_score : float
        Cells scoring below it are left out of sites.
    min_area_km2 : float
        Sites smaller than this (after clipping to the area) are dropped.
    block_m : float
        Side of the aggregation blocks [m]; rounded to whole cells, at least one.
    id_prefix : str
        Site ids are ``<prefix>-0001`` ... in order of descending score.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`SITE_COLUMNS`, best score first.
    """
    density = check_density(density_mw_per_km2)
    if not 0.0 <= min_score <= 1.0:
        raise SitingInputError("min_score", f"{min_score!r} is outside 0..1")
    if min_area_km2 < 0:
        raise SitingInputError("min_area_km2", f"{min_area_km2!r} must be >= 0")
    if not block_m > 0:
        raise SitingInputError("block_m", f"{block_m!r} must be > 0")
    usable = suitable & grid.inside & np.isfinite(score) & (np.nan_to_num(score, nan=-1.0) >= min_score)
    labels = block_labels(usable, round(block_m / grid.resolution_m))
    sel = labels > 0
    if not sel.any():
        return gpd.GeoDataFrame(columns=list(SITE_COLUMNS), geometry="geometry", crs=WGS84)
    cells = pd.DataFrame({
        "label": labels[sel],
        "yield": arrays["specific_yield_kwh_per_kwp"][sel],
        "score": score[sel],
        "dsub": arrays["dist_substation_km"][sel],
        "isub": arrays["substation_index"][sel],
        "dproj": arrays["dist_project_km"][sel],
        "iproj": arrays["project_index"][sel],
        "slope": arrays["slope_deg"][sel],
        "conditional": (conditional[sel] if conditional is not None else np.zeros(int(sel.sum()), dtype=bool)),
    })
    g = cells.groupby("label", sort=True)
    stats = g.agg(n_cells=("label", "size"), specific_yield_kwh_per_kwp=("yield", "mean"), score=("score", "mean"),
                  mean_slope_deg=("slope", "mean"), max_slope_deg=("slope", "max"),
                  conditional_share=("conditional", "mean"))
    near_sub = cells.loc[cells["dsub"].fillna(np.inf).groupby(cells["label"]).idxmin()].set_index("label")
    near_proj = cells.loc[cells["dproj"].fillna(np.inf).groupby(cells["label"]).idxmin()].set_index("label")
    stats["dist_substation_km"] = near_sub["dsub"]
    stats["dist_project_km"] = near_proj["dproj"]
    geoms = _site_geometries(labels, grid, stats.index.to_numpy())
    stats["geometry_utm"] = [geoms.get(int(label)) for label in stats.index]
    stats = stats[stats["geometry_utm"].notna()]
    stats["area_km2"] = [geom.area / 1e6 for geom in stats["geometry_utm"]]
    stats = stats[(stats["area_km2"] >= min_area_km2) & (stats["area_km2"] > 0)]
    if stats.empty:
        return gpd.GeoDataFrame(columns=list(SITE_COLUMNS), geometry="geometry", crs=WGS84)

    def lookup(frame: pd.DataFrame, index: pd.Series, column: str) -> list[Any]:
        values = frame[column].tolist() if column in frame else [None] * len(frame)
        return [values[int(i)] if i >= 0 else None for i in index.to_numpy()]

    isub = near_sub.loc[stats.index, "isub"]
    iproj = near_proj.loc[stats.index, "iproj"]
    stats["substation_id"] = lookup(substations, isub, "id")
    stats["substation_voltage_kv"] = pd.to_numeric(pd.Series(lookup(substations, isub, "voltage_kv"),
                                                             index=stats.index), errors="coerce")
    stats["substation_precision"] = lookup(substations, isub, "location_precision")
    stats["project_id"] = lookup(projects, iproj, "id")
    stats["project_precision"] = lookup(projects, iproj, "location_precision")
    stats["capacity_mw"] = stats["area_km2"] * density
    stats["annual_mwh"] = stats["capacity_mw"] * stats["specific_yield_kwh_per_kwp"]  # kWh/kWp == MWh/MWp
    stats["capacity_factor"] = stats["specific_yield_kwh_per_kwp"] / HOURS_PER_YEAR
    stats["cost_proxy"] = cost_proxy(stats["dist_substation_km"], stats["mean_slope_deg"])
    stats = stats.sort_values(["score", "capacity_mw"], ascending=[False, False], kind="stable")
    utm = gpd.GeoSeries(list(stats["geometry_utm"]), crs=SITING_CRS)
    centroids = gpd.GeoSeries(utm.centroid, crs=SITING_CRS).to_crs(WGS84)
    out = gpd.GeoDataFrame(stats.drop(columns=["geometry_utm"]).reset_index(drop=True),
                           geometry=list(utm.to_crs(WGS84)), crs=WGS84)
    out["site_id"] = [f"{id_prefix}-{i + 1:04d}" for i in range(len(out))]
    out["district"] = grid.name
    out["lon"] = centroids.x.to_numpy()
    out["lat"] = centroids.y.to_numpy()
    return out[list(SITE_COLUMNS)]


def supply_curve(sites: pd.DataFrame) -> pd.DataFrame:
    """The sites in ascending cost-proxy order with cumulative capacity [MW] and energy [MWh/yr].

    Ties in the cost proxy are broken by descending score, then site id. Columns :data:`SUPPLY_COLUMNS`
    (reV's ``sc_point_gid`` is ``site_id`` here).
    """
    if sites.empty:
        return pd.DataFrame(columns=list(SUPPLY_COLUMNS))
    frame = pd.DataFrame(sites.drop(columns="geometry", errors="ignore"))
    frame = frame.sort_values(["cost_proxy", "score", "site_id"], ascending=[True, False, True], kind="stable")
    frame["cumulative_capacity_mw"] = frame["capacity_mw"].cumsum()
    frame["cumulative_mwh"] = frame["annual_mwh"].cumsum()
    return frame[list(SUPPLY_COLUMNS)].reset_index(drop=True)


def target_coverage(curve: pd.DataFrame, gaps: pd.DataFrame, names: Mapping[str, str] | None = None
                    ) -> list[dict[str, Any]]:
    """How much of each target's missing capacity the candidate sites could hold.

    Parameters
    ----------
    curve : DataFrame
        :func:`supply_curve` output.
    gaps : DataFrame
        Rows of :func:`geo.rollup.target_gaps` (``target_id``, ``adcode``, ``metric``, ``year``,
        ``target_mw``, ``named_mw``, ``gap_mw``).
    names : mapping, optional
        District name by adcode, for the text.

    Returns
    -------
    list of dict
        Per target: ``target_id``, ``adcode``, ``metric``, ``year``, ``target_mw``, ``named_mw``,
        ``missing_mw`` (gap, at least 0), ``coverable_mw`` (min of missing and candidate capacity),
        ``candidate_mw``, ``sites_needed`` (cheapest-first sites to cover it; None when they cannot),
        ``cost_proxy_at_cover``, ``line`` (a sentence).
    """
    names = names or {}
    total = float(curve["capacity_mw"].sum()) if len(curve) else 0.0
    cumulative = curve["cumulative_capacity_mw"].to_numpy(dtype=float) if len(curve) else np.zeros(0)
    out = []
    for g in gaps.to_dict("records"):
        missing = max(float(g["gap_mw"]), 0.0)
        year = "no year" if pd.isna(g["year"]) else str(int(g["year"]))
        unit = f"{g['adcode']} {names.get(str(g['adcode']), '')}".strip()
        label = f"target {g['target_id']} ({unit}, {g['metric']}, {year}: {g['target_mw']:,.1f} MW)"
        coverable = min(missing, total)
        needed: int | None = None
        cost: float | None = None
        if missing <= 0:
            line = (f"{label}: nothing missing, the named pipeline ({g['named_mw']:,.1f} MW) already meets it; the "
                    f"candidates ({total:,.0f} MW) would be additional")
        else:
            if total >= missing:
                needed = int(np.searchsorted(cumulative, missing, side="left")) + 1
                cost = float(curve["cost_proxy"].iloc[needed - 1])
            line = (f"candidates could cover {coverable:,.1f} of the {missing:,.1f} MW missing for {label}"
                    + (f"; the {needed} cheapest site(s) suffice (cost proxy <= {cost:.3f})" if needed else
                       f"; {missing - coverable:,.1f} MW would remain"))
        out.append({"target_id": g["target_id"], "adcode": str(g["adcode"]), "metric": g["metric"],
                    "year": None if pd.isna(g["year"]) else int(g["year"]), "target_mw": float(g["target_mw"]),
                    "named_mw": float(g["named_mw"]), "missing_mw": missing, "coverable_mw": coverable,
                    "candidate_mw": total, "sites_needed": needed, "cost_proxy_at_cover": cost, "line": line})
    return out
