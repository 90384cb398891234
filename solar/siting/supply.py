"""Capacity per cell, candidate sites (contiguous suitable cells) and the supply curve.

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

How much of a district's missing capacity target the sites could hold is :mod:`solar.siting.coverage`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio.features import shapes
from scipy import ndimage
from shapely.geometry import shape

from geo.crs import STORE_CRS
from solar.siting.cells import CandidateGrid
from solar.siting.errors import SitingInputError
from solar.siting.results import SITE_FIELDS

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
#: Cost proxy per km of access road to the nearest road (an OSM extract's) [-/km]: an assumption.
COST_PER_ROAD_KM = 0.005
HOURS_PER_YEAR = 8760.0
SUPPLY_COLUMNS = ("site_id", "capacity_mw", "capacity_factor", "annual_mwh", "specific_yield_kwh_per_kwp",
                  "dist_substation_km", "substation_id", "substation_voltage_kv", "substation_precision",
                  "mean_slope_deg", "area_km2", "score", "cost_proxy", "cumulative_capacity_mw", "cumulative_mwh",
                  "lon", "lat", "district")


def check_density(density_mw_per_km2: float) -> float:
    """Check a land-use density.

    Parameters
    ----------
    density_mw_per_km2 : float
        Land-use density [MWp/km²].

    Returns
    -------
    float
        The density [MWp/km²].

    Raises
    ------
    SitingInputError
        Not a finite number within :data:`DENSITY_LIMITS_MW_PER_KM2`.
    """
    lo, hi = DENSITY_LIMITS_MW_PER_KM2
    if not isinstance(density_mw_per_km2, int | float) or not np.isfinite(density_mw_per_km2) \
            or not lo <= density_mw_per_km2 <= hi:
        raise SitingInputError("density_mw_per_km2", f"{density_mw_per_km2!r} is outside {lo:g}..{hi:g} MW/km2")
    return float(density_mw_per_km2)


def cost_proxy(dist_substation_km: np.ndarray | pd.Series, mean_slope_deg: np.ndarray | pd.Series,
               dist_road_km: np.ndarray | pd.Series | None = None) -> np.ndarray:
    """Relative cost per MW: ``1 + 0.01 * km to the substation + 0.01 * mean slope [deg] + 0.005 * km to road``.

    A ranking device, not a price: it assumes (**assumption**) a grid connection adds ~1 % of a plant's
    cost per MW for each km of line, and grading and longer structures ~1 % per degree of slope. An unknown
    distance or slope (no substation, no DEM) adds nothing; the report says which terms were evaluated.

    Parameters
    ----------
    dist_substation_km : array-like
        Distance to the substation [km] (NaN: unknown).
    mean_slope_deg : array-like
        Mean slope of the site [degrees] (NaN: unknown).
    dist_road_km : array-like, optional
        Distance from the site to the nearest road [km] (NaN or None: unknown); a new access road costs
        ~0.5 % per km (**assumption**).

    Returns
    -------
    numpy.ndarray
        Relative cost per MW [-], at least 1.
    """
    d = np.nan_to_num(np.asarray(dist_substation_km, dtype=float), nan=0.0)
    s = np.nan_to_num(np.asarray(mean_slope_deg, dtype=float), nan=0.0)
    r = 0.0 if dist_road_km is None else np.nan_to_num(np.asarray(dist_road_km, dtype=float), nan=0.0)
    return 1.0 + COST_PER_KM * d + COST_PER_DEG * s + COST_PER_ROAD_KM * r


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
    """Union of each label's cells (the grid's CRS), clipped to the area's polygon."""
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


@dataclass(frozen=True)
class SiteOptions:
    """How suitable cells become candidate sites.

    Attributes
    ----------
    density_mw_per_km2 : float
        Land-use density [MWp/km²] (:func:`check_density`).
    min_score : float
        Cells scoring below it [0-1] are left out of sites.
    min_area_km2 : float
        Sites smaller than this [km²] (after clipping to the area) are dropped.
    block_m : float
        Side of the aggregation blocks [m]; rounded to whole cells, at least one.
    id_prefix : str
        Site ids are ``<prefix>-0001`` ... in order of descending score.

    Raises
    ------
    SitingInputError
        A density outside :data:`DENSITY_LIMITS_MW_PER_KM2`, a score outside 0..1, a negative minimum area or
        a block side that is not positive.
    """

    density_mw_per_km2: float = DEFAULT_DENSITY_MW_PER_KM2
    min_score: float = 0.0
    min_area_km2: float = DEFAULT_MIN_AREA_KM2
    block_m: float = DEFAULT_BLOCK_M
    id_prefix: str = "site"

    def __post_init__(self) -> None:
        """Check the values (the density is stored as float)."""
        object.__setattr__(self, "density_mw_per_km2", check_density(self.density_mw_per_km2))
        if not 0.0 <= self.min_score <= 1.0:
            raise SitingInputError("min_score", f"{self.min_score!r} is outside 0..1")
        if self.min_area_km2 < 0:
            raise SitingInputError("min_area_km2", f"{self.min_area_km2!r} must be >= 0")
        if not self.block_m > 0:
            raise SitingInputError("block_m", f"{self.block_m!r} must be > 0")


def _empty_sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns=list(SITE_FIELDS), geometry="geometry", crs=STORE_CRS)


def _site_cells(labels: np.ndarray, arrays: Mapping[str, np.ndarray], score: np.ndarray,
                conditional: np.ndarray | None) -> pd.DataFrame:
    """One row per labelled cell: its site label and the values the site statistics need."""
    sel = labels > 0
    return pd.DataFrame({
        "label": labels[sel],
        "yield": arrays["specific_yield_kwh_per_kwp"][sel],
        "score": score[sel],
        "dsub": arrays["dist_substation_km"][sel],
        "isub": arrays["substation_index"][sel],
        "dproj": arrays["dist_project_km"][sel],
        "iproj": arrays["project_index"][sel],
        "slope": arrays["slope_deg"][sel],
        "droad": arrays["dist_road_km"][sel] if "dist_road_km" in arrays else np.full(int(sel.sum()), np.nan),
        "conditional": (conditional[sel] if conditional is not None else np.zeros(int(sel.sum()), dtype=bool)),
    })


def _lookup(frame: pd.DataFrame, index: pd.Series, column: str) -> list[Any]:
    """``frame[column]`` at the row numbers ``index`` (None where the index is -1 or the column is missing)."""
    values = frame[column].tolist() if column in frame else [None] * len(frame)
    return [values[int(i)] if i >= 0 else None for i in index.to_numpy()]


def _name_neighbours(stats: pd.DataFrame, isub: pd.Series, iproj: pd.Series, substations: pd.DataFrame,
                     projects: pd.DataFrame) -> None:
    """Add the nearest substation's and project's id, voltage [kV] and precision to ``stats`` (in place)."""
    stats["substation_id"] = _lookup(substations, isub, "id")
    stats["substation_voltage_kv"] = pd.to_numeric(pd.Series(_lookup(substations, isub, "voltage_kv"),
                                                             index=stats.index), errors="coerce")
    stats["substation_precision"] = _lookup(substations, isub, "location_precision")
    stats["project_id"] = _lookup(projects, iproj, "id")
    stats["project_precision"] = _lookup(projects, iproj, "location_precision")


def _sites_frame(stats: pd.DataFrame, grid: CandidateGrid, id_prefix: str) -> gpd.GeoDataFrame:
    """The ranked site statistics (with ``geometry_utm``) as the EPSG:4326 frame of :data:`SITE_FIELDS`."""
    stats = stats.sort_values(["score", "capacity_mw"], ascending=[False, False], kind="stable")
    utm = gpd.GeoSeries(list(stats["geometry_utm"]), crs=grid.crs)
    centroids = gpd.GeoSeries(utm.centroid, crs=grid.crs).to_crs(STORE_CRS)
    out = gpd.GeoDataFrame(stats.drop(columns=["geometry_utm"]).reset_index(drop=True),
                           geometry=list(utm.to_crs(STORE_CRS)), crs=STORE_CRS)
    out["site_id"] = [f"{id_prefix}-{i + 1:04d}" for i in range(len(out))]
    out["district"] = grid.name
    out["lon"] = centroids.x.to_numpy()
    out["lat"] = centroids.y.to_numpy()
    return out[list(SITE_FIELDS)]


def candidate_sites(grid: CandidateGrid, arrays: Mapping[str, np.ndarray], score: np.ndarray,
                    suitable: np.ndarray, *, substations: pd.DataFrame, projects: pd.DataFrame,
                    conditional: np.ndarray | None = None, options: SiteOptions | None = None) -> gpd.GeoDataFrame:
    """Candidate sites: contiguous suitable cells within aggregation blocks, ranked by score.

    Parameters
    ----------
    grid : CandidateGrid
        The cells.
    arrays : mapping
        Full-grid arrays from the scan: ``specific_yield_kwh_per_kwp`` [kWh/kWp], ``dist_substation_km``
        [km], ``substation_index`` [-], ``dist_project_km`` [km], ``project_index`` [-], ``slope_deg``
        [degrees].
    score : numpy.ndarray
        Suitability [0-1] (NaN where not scored).
    suitable : numpy.ndarray of bool
        Cells that may hold PV (inside, not excluded).
    substations, projects : DataFrame
        The distance targets the ``*_index`` arrays point into (``id``, ``voltage_kv`` [kV],
        ``location_precision``).
    conditional : numpy.ndarray of bool, optional
        Cells allowed only under a condition (forest land: 林光互补 only); a site's ``conditional_share`` is
        the share of its cells that are.
    options : SiteOptions, optional
        Density [MWp/km²], minimum score [0-1] and area [km²], block side [m], id prefix (default
        :class:`SiteOptions`).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`~solar.siting.results.SITE_FIELDS`, the fields of a
        :class:`~solar.siting.results.CandidateSite` (``capacity_mw`` [MWp], ``annual_mwh`` [MWh/yr],
        ``capacity_factor`` [-], distances [km], slopes [degrees]), best score first.
    """
    opts = options if options is not None else SiteOptions()
    usable = suitable & grid.inside & np.isfinite(score) & (np.nan_to_num(score, nan=-1.0) >= opts.min_score)
    labels = block_labels(usable, round(opts.block_m / grid.resolution_m))
    if not (labels > 0).any():
        return _empty_sites()
    cells = _site_cells(labels, arrays, score, conditional)
    g = cells.groupby("label", sort=True)
    stats = g.agg(n_cells=("label", "size"), specific_yield_kwh_per_kwp=("yield", "mean"), score=("score", "mean"),
                  mean_slope_deg=("slope", "mean"), max_slope_deg=("slope", "max"),
                  conditional_share=("conditional", "mean"), dist_road_km=("droad", "min"))
    near_sub = cells.loc[cells["dsub"].fillna(np.inf).groupby(cells["label"]).idxmin()].set_index("label")
    near_proj = cells.loc[cells["dproj"].fillna(np.inf).groupby(cells["label"]).idxmin()].set_index("label")
    stats["dist_substation_km"] = near_sub["dsub"]
    stats["dist_project_km"] = near_proj["dproj"]
    geoms = _site_geometries(labels, grid, stats.index.to_numpy())
    stats["geometry_utm"] = [geoms.get(int(label)) for label in stats.index]
    stats = stats[stats["geometry_utm"].notna()]
    stats["area_km2"] = [geom.area / 1e6 for geom in stats["geometry_utm"]]
    stats = stats[(stats["area_km2"] >= opts.min_area_km2) & (stats["area_km2"] > 0)]
    if stats.empty:
        return _empty_sites()
    _name_neighbours(stats, near_sub.loc[stats.index, "isub"], near_proj.loc[stats.index, "iproj"], substations,
                     projects)
    stats["capacity_mw"] = stats["area_km2"] * opts.density_mw_per_km2
    stats["annual_mwh"] = stats["capacity_mw"] * stats["specific_yield_kwh_per_kwp"]  # kWh/kWp == MWh/MWp
    stats["capacity_factor"] = stats["specific_yield_kwh_per_kwp"] / HOURS_PER_YEAR
    stats["cost_proxy"] = cost_proxy(stats["dist_substation_km"], stats["mean_slope_deg"], stats["dist_road_km"])
    return _sites_frame(stats, grid, opts.id_prefix)


def site_arrays(arrays: Mapping[str, np.ndarray | None], reach: Mapping[str, np.ndarray], shape: tuple[int, int]
                ) -> dict[str, np.ndarray]:
    """The full-grid arrays sites are built from: the scan's, with the distances within reach.

    Parameters
    ----------
    arrays : mapping
        The scan's arrays (None for a raster not given).
    reach : mapping
        :func:`solar.siting.score.within_reach`: beyond the limits a substation or project is no neighbour,
        so the sites (and the cost proxy) say "none".
    shape : tuple of int
        (rows, cols) of the grid.

    Returns
    -------
    dict
        The arrays :func:`candidate_sites` reads; ``slope_deg`` [degrees] all NaN when no DEM was given.
    """
    out = {k: v for k, v in arrays.items() if v is not None}
    out.setdefault("slope_deg", np.full(shape, np.nan))
    out.update(reach)
    return out


def supply_curve(sites: pd.DataFrame) -> pd.DataFrame:
    """The sites in ascending cost-proxy order with cumulative capacity [MW] and energy [MWh/yr].

    Ties in the cost proxy are broken by descending score, then site id.

    Parameters
    ----------
    sites : DataFrame
        :func:`candidate_sites` (``capacity_mw`` [MWp], ``annual_mwh`` [MWh/yr], ``cost_proxy`` [-]).

    Returns
    -------
    DataFrame
        Columns :data:`SUPPLY_COLUMNS` (reV's ``sc_point_gid`` is ``site_id`` here), with
        ``cumulative_capacity_mw`` [MWp] and ``cumulative_mwh`` [MWh/yr].
    """
    if sites.empty:
        return pd.DataFrame(columns=list(SUPPLY_COLUMNS))
    frame = pd.DataFrame(sites.drop(columns="geometry", errors="ignore"))
    frame = frame.sort_values(["cost_proxy", "score", "site_id"], ascending=[True, False, True], kind="stable")
    frame["cumulative_capacity_mw"] = frame["capacity_mw"].cumsum()
    frame["cumulative_mwh"] = frame["annual_mwh"].cumsum()
    return frame[list(SUPPLY_COLUMNS)].reset_index(drop=True)
