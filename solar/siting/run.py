"""The siting orchestrator: grid -> scan -> rules -> score -> sites -> supply curve -> coverage -> files.

:func:`site_area` wires the plain functions of :mod:`solar.siting` together and holds no physics or
geometry of its own; :func:`site_district` and :func:`site_polygon` build the grid first. The CLI
(``energy-planner site``) and ``benchmarks/bench_siting.py`` call them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geo.rollup import GAP_ASSUMPTION, target_gaps
from grid.substations import read_substations, substations_frame
from solar.mounting import mounting as mounting_preset
from solar.portfolio import PV_METRICS
from solar.siting.cells import CandidateGrid, candidate_grid, district_polygon, read_polygon
from solar.siting.errors import SitingInputError
from solar.siting.exclusions import ExclusionLayer, layer_names, masks_by_kind, parse_exclude
from solar.siting.landcover import NO_DATA, class_mask
from solar.siting.outputs import (
    EXCLUSION_CODES,
    EXCLUSION_NODATA,
    NODATA,
    write_candidates,
    write_cog,
    write_json,
    write_markdown,
    write_supply_curve,
)
from solar.siting.rules import NO_SLOPE, RuleSet, evaluate, get_rule
from solar.siting.scan import DEFAULT_CHUNK_ROWS, ScanResult, run_scan, scan_inputs
from solar.siting.score import DEFAULT_WEIGHTS, check_weights, suitability
from solar.siting.supply import (
    COST_PER_DEG,
    COST_PER_KM,
    DEFAULT_BLOCK_M,
    DEFAULT_DENSITY_MW_PER_KM2,
    DEFAULT_MIN_AREA_KM2,
    DENSITY_BASIS,
    candidate_sites,
    check_density,
    supply_curve,
    target_coverage,
)

#: Registry project categories whose distance is the ``projects`` criterion.
PROJECT_CATEGORIES = ("pv", "wind")
#: Precisions that place a point no better than its district (a distance to it is a distance to the district).
COARSE_PRECISIONS = ("district", "city")
TOP_N = 10
#: Beyond this distance a substation is no connection option: the grid criterion counts as unknown for the cell
#: and a site names no substation.
MAX_CONNECTION_KM = 50.0
#: Beyond this distance a known project says nothing about a cell (nearer ones may be among those without a site).
MAX_PROJECT_KM = 50.0
#: Below this spread of the candidates' scores the ranking is called uninformative in the report.
RANKING_SPREAD = 0.02


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Everything a siting run produced.

    Attributes
    ----------
    grid : CandidateGrid
        The cells.
    scan : ScanResult
        Per-cell criteria.
    excluded, conditional : numpy.ndarray of bool
        Excluded cells; cells allowed only under a condition.
    score : numpy.ndarray
        Suitability 0-1 (NaN outside and on excluded cells).
    criteria : list of dict
        The rule set's report per criterion (:func:`solar.siting.rules.evaluate`).
    score_report : list of dict
        Per score criterion: status, weights (:func:`solar.siting.score.suitability`).
    sites : GeoDataFrame
        Candidate sites, best score first.
    curve : DataFrame
        The supply curve.
    coverage : list of dict
        Coverage of the area's missing targets.
    report : dict
        The JSON report.
    outputs : dict
        File kind -> path (empty when no output folder was given).
    seconds : float
        Wall time of the whole run.
    """

    grid: CandidateGrid
    scan: ScanResult
    excluded: np.ndarray
    conditional: np.ndarray
    score: np.ndarray
    criteria: list[dict[str, Any]]
    score_report: list[dict[str, Any]]
    sites: gpd.GeoDataFrame
    curve: pd.DataFrame
    coverage: list[dict[str, Any]]
    report: dict[str, Any]
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def _precision_counts(frame: pd.DataFrame) -> dict[str, int]:
    if frame.empty or "location_precision" not in frame:
        return {}
    return {str(k): int(v) for k, v in frame["location_precision"].value_counts().items()}


def _ids(frame: pd.DataFrame, limit: int = 6) -> str:
    ids = [str(v) for v in frame["id"]]
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def distance_targets(projects: pd.DataFrame, substations_file: Path | None, *, include_district_points: bool = False,
                     area: BaseGeometry | None = None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, str]]:
    """Substations and PV/wind projects to measure distances to, and notes on what they are.

    Most registry points have no known site and sit at their district's representative point
    (precision ``district`` or ``city``): a distance to such a point is a distance to the district's
    point, not to a facility, so they are left out unless ``include_district_points`` (then the distances
    are indicative and the notes say so). A user file of surveyed substations is used in full, with the
    registry substations placed better than their district.

    Returns
    -------
    substations, projects : GeoDataFrame
        EPSG:4326 points with ``id``, ``location_precision`` (and ``voltage_kv``, ``category``).
    notes : dict
        ``grid`` and ``projects``: what was used and what was left out (naming those in ``area``, EPSG:4326),
        for the report.
    """
    registry = substations_frame(projects)
    coarse = registry["location_precision"].isin(COARSE_PRECISIONS)
    kept = registry if include_district_points else registry[~coarse]
    parts = []
    if substations_file is not None:
        user = read_substations(Path(substations_file))
        parts.append(user)
        head = f"{len(user)} substation(s) from {Path(substations_file).name}"
    else:
        head = "no substation file (--substations)"
    parts.append(kept)
    subs = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    n_coarse = int(coarse.sum())
    if include_district_points and n_coarse:
        tail = (f"; {len(kept)} registry substation(s) used, {n_coarse} of them at their district's representative "
                "point (the plans name no site): distances to those are INDICATIVE, to the district's point, not to a "
                "substation")
    else:
        left = registry[coarse]
        here = left[left.geometry.within(area)] if area is not None else left
        tail = (f"; {len(kept)} registry substation(s) with a known location used"
                + (f", {n_coarse} left out because the plans name no site for them ({len(here)} of them at this "
                   f"area's district point{': ' + _ids(here) if len(here) else ''}); give --substations FILE with "
                   "surveyed ones" if n_coarse else ""))
    grid_note = head + tail

    pts = projects[projects["category"].isin(PROJECT_CATEGORIES)]
    pts = pts[pd.to_numeric(pts["lon"], errors="coerce").notna() & pd.to_numeric(pts["lat"], errors="coerce").notna()]
    pts_coarse = pts["location_precision"].isin(COARSE_PRECISIONS)
    used = pts if include_district_points else pts[~pts_coarse]
    proj = gpd.GeoDataFrame(
        pd.DataFrame({"id": used["id"].astype(str).to_numpy(), "category": used["category"].astype(str).to_numpy(),
                      "location_precision": used["location_precision"].astype(str).to_numpy()}),
        geometry=gpd.points_from_xy(used["lon"].astype(float), used["lat"].astype(float)), crs="EPSG:4326")
    project_note = (f"{len(used)} registry PV/wind project(s) used (location precision {_precision_counts(used)})"
                    + (f"; {int(pts_coarse.sum())} at district points left out (no known site)"
                       if not include_district_points and pts_coarse.any() else "")
                    + ("; distances to district points are INDICATIVE" if include_district_points and pts_coarse.any()
                       else ""))
    return subs, proj, {"grid": grid_note, "projects": project_note}


def _array(arrays: dict[str, np.ndarray | None], name: str) -> np.ndarray:
    value = arrays[name]
    if value is None:
        raise ValueError(f"scan result: {name} missing")
    return value


def _span(values: np.ndarray | None, where: np.ndarray) -> str:
    v = values[where] if values is not None else np.zeros(0)
    v = v[np.isfinite(v)]
    return f"{v.min():,.2f}-{v.max():,.2f}" if len(v) else "n/a"


def _layer_reasons(layers: list[ExclusionLayer]) -> dict[str, str]:
    return {name: f"{layer.path} (kind {layer.kind}, buffer {layer.buffer_m:g} m)"
            for name, layer in zip(layer_names(layers), layers, strict=True)}


def exclusion_code(grid: CandidateGrid, scan: ScanResult, rule: RuleSet, legend: str, conditional: np.ndarray
                   ) -> np.ndarray:
    """uint8 codes of :data:`solar.siting.outputs.EXCLUSION_CODES` (255 outside the area)."""
    code = np.zeros(grid.shape, dtype=np.uint8)
    by_layer = np.zeros(grid.shape, dtype=bool)
    for mask in scan.masks.values():
        by_layer |= mask
    lc = scan.arrays.get("landcover")
    names = rule.excluded_landcover.get(legend, ())
    by_lc = class_mask(lc, legend, names) if lc is not None and names else np.zeros(grid.shape, dtype=bool)
    slope = scan.arrays.get("slope_deg")
    with np.errstate(invalid="ignore"):
        by_slope = (slope > rule.max_slope_deg) if slope is not None else np.zeros(grid.shape, dtype=bool)
    code[conditional] = 4
    code[by_slope] = 3
    code[by_lc] = 2
    code[by_layer] = 1
    code[~grid.inside] = EXCLUSION_NODATA
    return code


def _gaps_for(grid: CandidateGrid, projects: pd.DataFrame, targets: pd.DataFrame, districts: gpd.GeoDataFrame
              ) -> tuple[pd.DataFrame, str | None]:
    """PV-relevant capacity targets of the area's district and its parent city, with their gaps."""
    adcode = grid.adcode
    if adcode is None:  # a drawn polygon: the county holding most of it
        counties = districts[districts["level"] != "city"].to_crs("EPSG:32649")
        overlap = counties.geometry.intersection(grid.polygon_utm).area
        if overlap.empty or float(overlap.max()) <= 0:
            empty = ["target_id", "adcode", "metric", "year", "target_mw", "named_mw", "gap_mw"]
            return pd.DataFrame(columns=empty), None
        adcode = str(counties["adcode"].iloc[int(np.argmax(overlap.to_numpy()))])
    parents = dict(zip(districts["adcode"].astype(str), districts["parent_adcode"].astype(str), strict=True))
    gaps = target_gaps(projects, targets, parents)
    units = {adcode, parents.get(adcode, "")}
    mine = gaps[gaps["adcode"].astype(str).isin(units) & gaps["metric"].isin(PV_METRICS)]
    order = (mine["adcode"].astype(str) != adcode).astype(int)  # the district's own targets first, then its city's
    return mine.assign(_o=order).sort_values(["_o", "year", "target_id"], kind="stable").drop(columns="_o"), adcode


def site_area(grid: CandidateGrid, *, data_dir: Path, projects: pd.DataFrame, targets: pd.DataFrame,
              districts: gpd.GeoDataFrame, out_dir: Path | None = None, exclude: tuple[str, ...] = (),
              dem: Path | None = None, landcover: Path | None = None, legend: str = "worldcover",
              substations: Path | None = None, rules: str = "land-2023", weights: dict[str, float] | None = None,
              density_mw_per_km2: float = DEFAULT_DENSITY_MW_PER_KM2, mounting: str = "ground_fixed",
              weather: str | None = None, scheduler: str | None = None, chunk_rows: int = DEFAULT_CHUNK_ROWS,
              min_score: float = 0.0, min_area_km2: float = DEFAULT_MIN_AREA_KM2, block_m: float = DEFAULT_BLOCK_M,
              include_district_points: bool = False, progress: bool = True, engine: str = "auto",
              n_workers: int = 2) -> SitingResult:
    """Site new PV over ``grid``: scan, exclude, score, merge into sites, supply curve, coverage, files.

    Parameters
    ----------
    grid : CandidateGrid
        The cells (:func:`solar.siting.cells.candidate_grid`).
    data_dir : pathlib.Path
        The data folder (climate stations for the offline weather).
    projects, targets, districts
        The store's layers (``api.state.StoreState``).
    out_dir : pathlib.Path, optional
        Where to write the files (:mod:`solar.siting.outputs`); None writes nothing.
    exclude : tuple of str
        Exclusion layers as ``PATH[:kind][:buffer_m]`` (the rule set's default buffer when none is given).
    dem, landcover : pathlib.Path, optional
        Rasters; a criterion without its raster is reported "not evaluated".
    legend : str
        Land-cover legend (``worldcover``, ``clcd``).
    substations : pathlib.Path, optional
        A user file of surveyed substations (:func:`grid.substations.read_substations`).
    rules : str
        Rule set name (``land-2023``, ``none``).
    weights : dict, optional
        Score weights (default :data:`solar.siting.score.DEFAULT_WEIGHTS`).
    density_mw_per_km2 : float
        Land-use density [MWp/km²].
    mounting : str
        Mounting preset of the yields (default ``ground_fixed``).
    weather : str, optional
        ``offline`` (default) or a weather file.
    scheduler : str, optional
        ``None``/``"none"``, ``"local"`` or a scheduler address (:func:`solar.siting.scan.run_scan`).
    chunk_rows : int
        Grid rows per chunk.
    min_score, min_area_km2, block_m : float
        Site filters and aggregation block (:func:`solar.siting.supply.candidate_sites`).
    include_district_points : bool
        Also measure distances to registry substations and projects that sit at their district's point
        (indicative only; :func:`distance_targets`).
    progress : bool
        Progress bar on stderr (when it is a terminal).
    engine : str
        Batch-engine kernel.
    n_workers : int
        Workers of a local cluster.
    """
    start = time.perf_counter()
    rule = get_rule(rules)
    w = check_weights(weights if weights is not None else DEFAULT_WEIGHTS)
    density = check_density(density_mw_per_km2)
    layers = [parse_exclude(spec, rule.default_buffers_m) for spec in exclude]
    subs, proj, notes = distance_targets(projects, substations, include_district_points=include_district_points,
                                         area=grid.polygon)
    m = mounting_preset(mounting)
    inputs = scan_inputs(grid, data_dir=data_dir, mounting=m, substations=subs, projects=proj, weather=weather,
                         dem=dem, landcover=landcover, legend=legend, exclusions=tuple(layers), engine=engine)
    scan = run_scan(grid, inputs, chunk_rows=chunk_rows, scheduler=scheduler, progress=progress, n_workers=n_workers)

    # -- rules: exclusions by kind, land cover, slope --
    a = scan.arrays
    excluded, criteria, conditional = evaluate(rule, masks=masks_by_kind(layers, scan.masks), landcover=a["landcover"],
                                               legend=legend, slope_deg=a["slope_deg"], shape=grid.shape)
    inside = grid.inside
    for row in criteria:  # count only cells inside the area
        if row.get("cells_without_data") is not None:
            if row["criterion"] == "slope" and a["slope_deg"] is not None:
                row["cells_without_data"] = int((np.isnan(a["slope_deg"]) & inside).sum())
            elif row["criterion"].startswith("landcover") and a["landcover"] is not None:
                row["cells_without_data"] = int(((a["landcover"] == NO_DATA) & inside).sum())
    layer_reasons = _layer_reasons(layers)
    per_layer = [{"criterion": f"layer:{name}", "status": "evaluated", "reason": layer_reasons[name],
                  "cells_excluded": int(mask.sum()), "cells_conditional": None, "cells_without_data": None,
                  "basis": "user-supplied exclusion layer"} for name, mask in scan.masks.items()]
    criteria = criteria + per_layer
    excluded = excluded & inside
    conditional = conditional & inside & ~excluded
    candidate = inside & ~excluded

    # -- score --
    subs_t, proj_t = inputs.substations, inputs.projects
    dist_sub, dist_proj = _array(a, "dist_substation_km"), _array(a, "dist_project_km")
    with np.errstate(invalid="ignore"):
        grid_near = dist_sub <= MAX_CONNECTION_KM
        proj_near = dist_proj <= MAX_PROJECT_KM
    for key, near, dist, limit in (("grid", grid_near, dist_sub, MAX_CONNECTION_KM),
                                   ("projects", proj_near, dist_proj, MAX_PROJECT_KM)):
        if not near[candidate].any() and np.isfinite(dist[candidate]).any():
            notes[key] += (f"; none with a known location within {limit:g} km of any cell (nearest "
                           f"{np.nanmin(dist[candidate]):,.0f} km)")
    criteria_values = {
        "yield": a["specific_yield_kwh_per_kwp"],
        "grid": np.where(grid_near, dist_sub, np.nan) if len(subs_t) else None,
        "slope": a["slope_deg"],
        "projects": np.where(proj_near, dist_proj, np.nan) if len(proj_t) else None,
    }
    reasons = {
        "yield": (f"batch engine x rows-model factor {inputs.rows_factor:.4f}; one weather year for the area: specific "
                  f"yield spans {_span(a['specific_yield_kwh_per_kwp'], candidate)} kWh/kWp over the candidate cells"),
        "grid": notes["grid"],
        "slope": ("no DEM supplied (--dem)" if dem is None else f"DEM {dem}"
                  if np.isfinite(_array(a, "slope_deg")).any() else f"DEM {dem}: {NO_SLOPE}"),
        "projects": notes["projects"],
    }
    score, score_report = suitability(criteria_values, w, candidate, reasons)

    # -- sites, supply curve, coverage --
    arrays = {k: v for k, v in a.items() if v is not None}
    arrays.setdefault("slope_deg", np.full(grid.shape, np.nan))
    # beyond the limits a substation or project is no neighbour: the sites (and the cost proxy) say "none"
    arrays["dist_substation_km"] = np.where(grid_near, dist_sub, np.nan)
    arrays["substation_index"] = np.where(grid_near, _array(a, "substation_index"), -1)
    arrays["dist_project_km"] = np.where(proj_near, dist_proj, np.nan)
    arrays["project_index"] = np.where(proj_near, _array(a, "project_index"), -1)
    sites = candidate_sites(grid, arrays, score, candidate, substations=subs_t, projects=proj_t,
                            conditional=conditional, density_mw_per_km2=density, min_score=min_score,
                            min_area_km2=min_area_km2, block_m=block_m, id_prefix=grid.adcode or "site")
    curve = supply_curve(sites)
    gaps, target_unit = _gaps_for(grid, projects, targets, districts)
    names = dict(zip(districts["adcode"].astype(str), districts["name_zh"].astype(str), strict=True))
    coverage = target_coverage(curve, gaps, names)
    unchecked = [r["criterion"] for r in criteria if r["status"] == "not evaluated"]
    for c in coverage:
        c["upper_bound"] = bool(unchecked)
        if unchecked and c["missing_mw"] > 0:
            c["line"] += f" [an upper bound: {len(unchecked)} exclusion criteria not evaluated for lack of data]"

    weather_obj = inputs.weather.weather()
    assumptions = {
        "weather": weather_obj.source + (" (planning estimate)" if weather_obj.is_estimate else ""),
        "weather_area": (f"one weather year for the whole area, built at its representative point "
                         f"({inputs.weather.lat:.4f} N, {inputs.weather.lon:.4f} E); the sun per latitude band of grid "
                         "rows; so the yield hardly varies within a district and ranks little"),
        "yield_model": (f"batch engine (solar.batch, {m.name}: tilt {m.tilt:g}, azimuth {m.azimuth:g}, fixed; no row "
                        f"shading; sun shared per {inputs.sun_band_deg:g} deg latitude band) x "
                        f"{inputs.rows_factor:.4f}, the ratio of the per-site rows model (pvlib ANTS-2D, "
                        f"GCR {m.gcr}) to the batch engine at the representative point; flat ground assumed (terrain "
                        "slope and aspect do not tilt the arrays)"),
        "capacity_factor": "specific yield / 8760 h, on DC capacity (MWp)",
        "density": DENSITY_BASIS + (f"; used {density:g} MW/km2" if density != DEFAULT_DENSITY_MW_PER_KM2 else ""),
        "weights": ", ".join(f"{k} {v:g}" for k, v in w.items()) + " (normalised; a criterion not evaluated has its "
                   "weight redistributed)",
        "substations": notes["grid"],
        "grid_criterion": (f"cells farther than {MAX_CONNECTION_KM:g} km from every known substation have no grid "
                           "score (its weight goes to the other criteria there) and their sites name no substation; "
                           f"the same for projects beyond {MAX_PROJECT_KM:g} km; distances are geodesic (WGS-84); "
                           "dist_substation.tif holds the distance to the nearest known substation, however far"),
        "projects": reasons["projects"],
        "cells": (f"{grid.resolution_m:g} m cells in EPSG:32649, bounds snapped to the resolution; a cell is in the "
                  "area when its centre is; site outlines are clipped to the area and their capacity is that of the "
                  "clipped area"),
        "sites": (f"contiguous suitable cells (8-connectivity) within {block_m:g} m aggregation blocks; sites under "
                  f"{min_area_km2:g} km2 dropped; min score {min_score:g}"),
        "cost_proxy": (f"1 + {COST_PER_KM:g} x km to the substation + {COST_PER_DEG:g} x mean slope [deg] (assumption: "
                       "a ranking device, not a price; unknown terms add 0)"),
        "targets": GAP_ASSUMPTION,
        "rules": rule.source,
    }
    n_excluded = int(excluded.sum())
    spread = float(np.nanmax(score) - np.nanmin(score)) if np.isfinite(score).any() else 0.0
    evaluated = [r["criterion"] for r in score_report if r["status"] == "evaluated"]
    ranking_note = (f"scores of the candidate cells span only {spread:.3f} (evaluated: {', '.join(evaluated)}): the "
                    "ranking carries little information; supply --dem, --landcover, --substations"
                    if spread < RANKING_SPREAD else "")
    top = sites.head(TOP_N).drop(columns="geometry") if len(sites) else pd.DataFrame()
    report: dict[str, Any] = {
        "area": grid.name, "adcode": grid.adcode, "target_unit": target_unit, "resolution_m": grid.resolution_m,
        "crs": grid.crs, "grid_shape": list(grid.shape),
        "cells": {"grid": int(grid.shape[0] * grid.shape[1]), "inside": grid.n_inside,
                  "area_km2": grid.n_inside * grid.cell_area_km2, "excluded": n_excluded,
                  "conditional": int(conditional.sum()), "candidate": int(candidate.sum()),
                  "cell_area_km2": grid.cell_area_km2},
        "rule_set": rule.name,
        "criteria": criteria,
        "not_evaluated": sorted({r["criterion"] for r in criteria if r["status"] == "not evaluated"}
                                | {r["criterion"] for r in score_report if r["status"] == "not evaluated"}),
        "score": score_report,
        "score_spread": spread,
        "ranking_note": ranking_note,
        "sites": {"count": len(sites), "capacity_mw": float(sites["capacity_mw"].sum()) if len(sites) else 0.0,
                  "annual_mwh": float(sites["annual_mwh"].sum()) if len(sites) else 0.0},
        "top_candidates": top.to_dict("records"),
        "coverage": coverage,
        "assumptions": assumptions,
        "scan": {"scheduler": scan.scheduler, "chunks": scan.chunks, "chunk_rows": chunk_rows,
                 "seconds": scan.seconds, "cells_per_second": grid.n_inside / scan.seconds if scan.seconds else None,
                 "rows_factor": inputs.rows_factor},
        "exclusion_codes": EXCLUSION_CODES,
    }
    outputs: dict[str, Path] = {}
    if out_dir is not None:
        out_dir = Path(out_dir)
        t, crs = grid.transform, grid.crs
        outputs["suitability"] = write_cog(out_dir / "suitability.tif", score, t, crs, nodata=NODATA,
                                           description="suitability score 0-1 (nodata outside the area and on "
                                           "excluded cells)")
        yield_ = _array(a, "specific_yield_kwh_per_kwp")
        outputs["specific_yield"] = write_cog(out_dir / "specific_yield.tif", yield_, t, crs,
                                              nodata=NODATA, description="specific yield", units="kWh/kWp")
        outputs["dist_substation"] = write_cog(out_dir / "dist_substation.tif", _array(a, "dist_substation_km"), t, crs,
                                               nodata=NODATA, description="geodesic distance to the nearest "
                                               "substation", units="km")
        outputs["exclusion"] = write_cog(out_dir / "exclusion.tif",
                                         exclusion_code(grid, scan, rule, legend, conditional), t, crs,
                                         nodata=EXCLUSION_NODATA, description="exclusion code: " + "; ".join(
                                             f"{k} {v}" for k, v in EXCLUSION_CODES.items()), resampling="nearest")
        geojson, gpkg = write_candidates(sites, out_dir / "candidates.geojson", out_dir / "candidates.gpkg")
        outputs["candidates_geojson"], outputs["candidates_gpkg"] = geojson, gpkg
        outputs["supply_curve"] = write_supply_curve(curve, out_dir / "supply_curve.csv")
        outputs["report_json"] = out_dir / "report.json"
        outputs["report_md"] = out_dir / "report.md"
    seconds = time.perf_counter() - start
    report["runtime_s"] = seconds
    report["outputs"] = {k: str(v) for k, v in outputs.items()}
    if out_dir is not None:
        write_json(report, outputs["report_json"])
        write_markdown(report, outputs["report_md"])
    return SitingResult(grid=grid, scan=scan, excluded=excluded, conditional=conditional, score=score,
                        criteria=criteria, score_report=score_report, sites=sites, curve=curve, coverage=coverage,
                        report=report, outputs=outputs, seconds=seconds)


def site_district(adcode: str, *, districts: gpd.GeoDataFrame, resolution_m: float = 250.0, **kwargs: Any
                  ) -> SitingResult:
    """:func:`site_area` over a district of the store's ``districts`` layer (by adcode)."""
    polygon, name = district_polygon(districts, adcode)
    grid = candidate_grid(polygon, resolution_m, name=name, adcode=str(adcode))
    return site_area(grid, districts=districts, **kwargs)


def site_polygon(path: Path, *, districts: gpd.GeoDataFrame, resolution_m: float = 250.0, **kwargs: Any
                 ) -> SitingResult:
    """:func:`site_area` over the polygon(s) of a vector file (e.g. drawn in QGIS)."""
    polygon = read_polygon(Path(path))
    grid = candidate_grid(polygon, resolution_m, name=Path(path).name)
    return site_area(grid, districts=districts, **kwargs)


__all__ = ["SitingInputError", "SitingResult", "site_area", "site_district", "site_polygon"]
