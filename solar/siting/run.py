"""The siting orchestrator: grid -> criteria (scan) -> rules -> score -> sites -> supply/coverage -> report -> files.

:func:`site_area` wires the steps of :mod:`solar.siting` together and holds no physics, geometry or words of
its own (pvlib's ``ModelChain`` is the model); :func:`site_district` and :func:`site_polygon` build the grid
first. The CLI (``energy-planner site``) and ``benchmarks/bench_siting.py`` call them.

======================  ============================================  =========================================
step                    function                                      module
======================  ============================================  =========================================
grid                    :func:`~solar.siting.cells.candidate_grid`    :mod:`solar.siting.cells`
distance targets        :func:`distance_targets`                      :mod:`solar.siting.neighbours`
criteria per cell       :func:`~solar.siting.scan.run_scan`           :mod:`solar.siting.scan` (rasters, layers)
rules                   :func:`~solar.siting.rules.apply_rules`       :mod:`solar.siting.rules`
score                   :func:`~solar.siting.score.suitability`       :mod:`solar.siting.score`
sites, supply curve     :func:`~solar.siting.supply.candidate_sites`  :mod:`solar.siting.supply`
coverage of targets     :func:`~solar.siting.coverage.area_coverage`  :mod:`solar.siting.coverage`
report (words)          :func:`~solar.siting.report.build_report`     :mod:`solar.siting.report`
files                   :func:`~solar.siting.outputs.write_report`    :mod:`solar.siting.outputs`
======================  ============================================  =========================================
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from solar.mounting import mounting as mounting_preset
from solar.siting.cells import CandidateGrid, candidate_grid, district_polygon, read_polygon
from solar.siting.coarse import coarse_inputs
from solar.siting.coverage import area_coverage
from solar.siting.errors import SitingInputError
from solar.siting.exclusions import parse_exclude
from solar.siting.neighbours import distance_targets
from solar.siting.options import SitingOptions
from solar.siting.osm import read_osm_features
from solar.siting.outputs import write_data_files, write_report
from solar.siting.report import (
    assumptions,
    build_report,
    data_sources,
    land_note,
    mark_coarse,
    reach_notes,
    road_note,
    score_reasons,
)
from solar.siting.results import CandidateSite, CriterionOutcome, SitingReport, candidate_list
from solar.siting.rules import apply_rules, exclusion_code, get_rule
from solar.siting.scan import ScanResult, run_scan, scan_inputs
from solar.siting.score import (
    DEFAULT_WEIGHTS,
    check_weights,
    land_values,
    score_criteria,
    suitability,
    within_reach,
)
from solar.siting.supply import SiteOptions, candidate_sites, site_arrays, supply_curve
from solar.siting.tiles import area_raster


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
        Suitability [0-1] (NaN outside and on excluded cells).
    outcomes : tuple of CriterionOutcome
        The rule set's outcome per criterion (:func:`solar.siting.rules.apply_rules`, coarse data marked).
    score_report : list of dict
        Per score criterion: status, weights (:func:`solar.siting.score.suitability`).
    sites : GeoDataFrame
        Candidate sites, best score first (capacity [MWp], energy [MWh/yr]).
    curve : DataFrame
        The supply curve.
    coverage : list of dict
        Coverage of the area's missing targets [MW].
    run_report : SitingReport
        The report (:func:`solar.siting.report.build_report`); ``report.json`` is its
        :func:`solar.results.as_json`.
    outputs : dict
        File kind -> path (empty when no output folder was given).
    seconds : float
        Wall time of the whole run [s].
    overlays : dict
        The user's own layers for the map (EPSG:4326): ``substations`` (with names), ``power_lines``,
        ``exclusions`` (one frame per exclusion layer, ``layer`` and ``kind`` columns) (:func:`map_overlays`).
    """

    grid: CandidateGrid
    scan: ScanResult
    excluded: np.ndarray
    conditional: np.ndarray
    score: np.ndarray
    outcomes: tuple[CriterionOutcome, ...]
    score_report: list[dict[str, Any]]
    sites: gpd.GeoDataFrame
    curve: pd.DataFrame
    coverage: list[dict[str, Any]]
    run_report: SitingReport
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    overlays: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)

    @property
    def candidates(self) -> tuple[CandidateSite, ...]:
        """The candidate sites as typed sites, best score first (capacity [MWp], energy [MWh/yr])."""
        return candidate_list(self.sites)


def site_area(grid: CandidateGrid, *, data_dir: Path, projects: pd.DataFrame, targets: pd.DataFrame,
              districts: gpd.GeoDataFrame, out_dir: Path | None = None, **options: Any) -> SitingResult:
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
    **options
        The fields of :class:`solar.siting.options.SitingOptions` (``dem``, ``exclude``, ``rules``,
        ``weights``, ``density_mw_per_km2`` [MWp/km²], ``block_m`` [m], ...).

    Returns
    -------
    SitingResult
        Everything the run produced.

    Raises
    ------
    SitingInputError
        Bad options or input files (named with the problem), before the scan where it can tell.
    """
    start = time.perf_counter()
    opts = SitingOptions(**options)
    rule = get_rule(opts.rules)
    weights = check_weights(opts.weights if opts.weights is not None else DEFAULT_WEIGHTS)
    site_options = SiteOptions(opts.density_mw_per_km2, opts.min_score, opts.min_area_km2, opts.block_m,
                               grid.adcode or "site")
    layers = [parse_exclude(spec, rule.default_buffers_m) for spec in opts.exclude]
    osm = (read_osm_features(Path(opts.osm), grid.polygon, grid.crs, rule.default_buffers_m)
           if opts.osm is not None else None)
    kinds = {layer.kind for layer in layers} | ({layer.kind for layer in osm.layers} if osm else set())
    coarse = coarse_inputs(data_dir, grid.polygon, grid.crs, landcover_given=opts.landcover is not None,
                           kinds_given=kinds, buffers_m=rule.default_buffers_m, enabled=opts.coarse)
    layers += list(osm.layers if osm else ()) + list(coarse.layers)
    dem, dem_tiles = area_raster(opts.dem, grid.polygon.bounds, out_dir, "DEM")
    landcover, lc_tiles = area_raster(opts.landcover, grid.polygon.bounds, out_dir, "land cover")
    legend = opts.legend
    if landcover is None and coarse.landcover is not None:
        landcover, legend = coarse.landcover, str(coarse.legend)
    subs, proj, notes = distance_targets(projects, opts.substations, area=grid.polygon,
                                         include_district_points=opts.include_district_points,
                                         osm_substations=osm.substations if osm else None,
                                         osm_name=Path(opts.osm).name if opts.osm is not None else "")
    mounting = mounting_preset(opts.mounting)
    inputs = scan_inputs(grid, data_dir=data_dir, mounting=mounting, substations=subs, projects=proj,
                         weather=opts.weather, dem=dem, landcover=landcover, legend=legend,
                         exclusions=tuple(layers), engine=opts.engine, roads=osm.roads if osm else None)
    scan = run_scan(grid, inputs, chunk_rows=opts.chunk_rows, scheduler=opts.scheduler, progress=opts.progress,
                    n_workers=opts.n_workers)
    ruled = apply_rules(rule, layers, scan.masks, scan.arrays, legend, grid.inside)
    criteria = mark_coarse(ruled.criteria, layers, coarse.used)

    reach = within_reach(scan.arrays)
    notes = reach_notes(notes, scan.arrays, reach, ruled.candidate)
    notes["road"] = road_note(osm, scan.arrays.get("dist_road_km"), ruled.candidate)
    notes["land"] = land_note(landcover, legend, coarse.used.get("landcover"))
    reasons = score_reasons(scan, inputs, ruled.candidate, notes, dem)
    values = score_criteria(scan.arrays, reach, has_substations=len(inputs.substations) > 0,
                            has_projects=len(inputs.projects) > 0,
                            land=land_values(scan.arrays["landcover"], ruled.conditional))
    score, score_report = suitability(values, weights, ruled.candidate, reasons)

    sites = candidate_sites(grid, site_arrays(scan.arrays, reach, grid.shape), score, ruled.candidate,
                            substations=inputs.substations, projects=inputs.projects, conditional=ruled.conditional,
                            options=site_options)
    curve = supply_curve(sites)
    coverage, target_unit = area_coverage(grid, curve, criteria, projects=projects, targets=targets,
                                          districts=districts)

    said = assumptions(grid=grid, inputs=inputs, mounting=mounting, rule=rule, weights=weights,
                       density_mw_per_km2=site_options.density_mw_per_km2, block_m=opts.block_m,
                       min_area_km2=opts.min_area_km2, min_score=opts.min_score, notes=notes,
                       projects_reason=reasons["projects"])
    report = build_report(grid=grid, target_unit=target_unit, rule=rule, excluded=ruled.excluded,
                          conditional=ruled.conditional, candidate=ruled.candidate, criteria=criteria,
                          score=score, score_report=score_report, sites=sites, coverage=coverage, assumptions=said,
                          scan=scan, chunk_rows=opts.chunk_rows, rows_factor=inputs.rows_factor,
                          sources=data_sources(osm=osm, coarse=coarse, dem=dem, dem_tiles=dem_tiles,
                                               landcover=landcover, landcover_tiles=lc_tiles, legend=legend,
                                               layers=layers))
    outputs: dict[str, Path] = {}
    if out_dir is not None:
        code = exclusion_code(rule, scan.masks, scan.arrays, legend, grid.inside, ruled.conditional)
        outputs = write_data_files(Path(out_dir), grid, scan.arrays, score, code, sites, curve)
    seconds = time.perf_counter() - start
    report = replace(report, runtime_s=seconds, outputs={k: str(v) for k, v in outputs.items()})
    if out_dir is not None:
        write_report(report, outputs)
    return SitingResult(grid=grid, scan=scan, excluded=ruled.excluded, conditional=ruled.conditional, score=score,
                        outcomes=criteria, score_report=score_report, sites=sites, curve=curve,
                        coverage=coverage, run_report=report, outputs=outputs, seconds=seconds,
                        overlays=map_overlays(osm, layers, subs))


def map_overlays(osm: Any, layers: list[Any], substations: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """The layers a siting map draws besides the sites: substations measured to, power lines, exclusions.

    Parameters
    ----------
    osm : OsmFeatures or None
        The extract's features.
    layers : list of ExclusionLayer
        The exclusion layers used (those held in memory are drawn; files are the user's own to open).
    substations : GeoDataFrame
        The substations the grid distances were measured to (EPSG:4326).

    Returns
    -------
    dict
        ``substations``, ``power_lines``, ``exclusions`` (EPSG:4326; empty frames when none).
    """
    parts = []
    for layer in layers:
        frame = layer.frame
        if frame is None or frame.empty or layer.kind in ("road", "power_line"):
            continue
        n = len(frame)
        parts.append(gpd.GeoDataFrame({"layer": [layer.name] * n, "kind": [layer.kind] * n,
                                       "coarse": [layer.coarse] * n},
                                      geometry=list(frame.geometry), crs=frame.crs).to_crs("EPSG:4326"))
    empty = gpd.GeoDataFrame({"layer": [], "kind": [], "coarse": []}, geometry=[], crs="EPSG:4326")
    return {"substations": substations,
            "power_lines": osm.power_lines if osm is not None else empty.iloc[:0],
            "exclusions": gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326") if parts else empty}


def site_district(adcode: str, *, districts: gpd.GeoDataFrame, resolution_m: float = 250.0, **kwargs: Any
                  ) -> SitingResult:
    """:func:`site_area` over a district of the store's ``districts`` layer (by adcode).

    Parameters
    ----------
    adcode : str
        The district.
    districts : GeoDataFrame
        The store's districts (EPSG:4326).
    resolution_m : float
        Cell size [m].
    **kwargs
        :func:`site_area`'s other arguments.

    Returns
    -------
    SitingResult
        The run.
    """
    polygon, name = district_polygon(districts, adcode)
    grid = candidate_grid(polygon, resolution_m, name=name, adcode=str(adcode))
    return site_area(grid, districts=districts, **kwargs)


def site_polygon(path: Path, *, districts: gpd.GeoDataFrame, resolution_m: float = 250.0, **kwargs: Any
                 ) -> SitingResult:
    """:func:`site_area` over the polygon(s) of a vector file (e.g. drawn in QGIS).

    Parameters
    ----------
    path : pathlib.Path
        The vector file (GeoJSON, GeoPackage, Shapefile).
    districts : GeoDataFrame
        The store's districts (EPSG:4326; the targets of the county holding most of the polygon are weighed).
    resolution_m : float
        Cell size [m].
    **kwargs
        :func:`site_area`'s other arguments.

    Returns
    -------
    SitingResult
        The run.
    """
    polygon = read_polygon(Path(path))
    grid = candidate_grid(polygon, resolution_m, name=Path(path).name)
    return site_area(grid, districts=districts, **kwargs)


__all__ = ["SitingInputError", "SitingReport", "SitingResult", "distance_targets", "site_area", "site_district",
           "site_polygon"]
