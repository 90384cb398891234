"""The words of a siting run: notes, reasons, assumptions, coverage sentences, the JSON report and its Markdown.

Every sentence the report, the CLI summary and the map show about a run is written here, from the figures
the steps computed; the steps compute, this module says. :func:`build_report` assembles the report, a
:class:`solar.siting.results.SitingReport` (its :func:`solar.results.as_json` is the one serialisation of a run,
:func:`plain` makes that plain JSON), and :func:`report_markdown` renders it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.rollup import GAP_ASSUMPTION
from geo.store.frames import plain as plain_cell
from solar.mounting import Mounting
from solar.results import as_json
from solar.siting.cells import CandidateGrid
from solar.siting.results import (
    CellCounts,
    CriterionOutcome,
    ScanSummary,
    SitesTotal,
    SitingReport,
    candidate_list,
)
from solar.siting.rules import EXCLUSION_CODES, NO_SLOPE, RuleSet
from solar.siting.scan import ScanInputs, ScanResult
from solar.siting.score import MAX_CONNECTION_KM, MAX_PROJECT_KM
from solar.siting.supply import (
    COST_PER_DEG,
    COST_PER_KM,
    COST_PER_ROAD_KM,
    DEFAULT_DENSITY_MW_PER_KM2,
    DENSITY_BASIS,
)

#: Sites listed in the report's top candidates.
TOP_N = 10
#: Below this spread of the candidates' scores the ranking is called uninformative in the report.
RANKING_SPREAD = 0.02


# -- notes on the distance targets ------------------------------------------------------------------------


def ids_text(ids: Sequence[str], limit: int = 6) -> str:
    """Ids joined with ``, ``: the first ``limit`` of them and ``and N more``.

    Parameters
    ----------
    ids : sequence of str
        The ids.
    limit : int
        Ids shown [-].

    Returns
    -------
    str
        The text.
    """
    ids = [str(v) for v in ids]
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def substation_note(file_name: str | None, n_user: int, n_kept: int, n_coarse: int, here_ids: Sequence[str],
                    include_district_points: bool) -> str:
    """What the grid distances are measured to, and which registry substations were left out.

    Parameters
    ----------
    file_name : str or None
        Name of the user's substation file; None when none was given.
    n_user : int
        Substations read from it [-].
    n_kept : int
        Registry substations used [-].
    n_coarse : int
        Registry substations at their district's representative point (no known site) [-].
    here_ids : sequence of str
        Ids of those at this area's district point.
    include_district_points : bool
        Whether the district points were used (distances then indicative).

    Returns
    -------
    str
        One sentence for the report (``assumptions.substations``) and the grid criterion's reason.
    """
    head = f"{n_user} substation(s) from {file_name}" if file_name is not None else "no substation file (--substations)"
    if include_district_points and n_coarse:
        return head + (f"; {n_kept} registry substation(s) used, {n_coarse} of them at their district's representative "
                       "point (the plans name no site): distances to those are INDICATIVE, to the district's point, "
                       "not to a substation")
    return head + (f"; {n_kept} registry substation(s) with a known location used"
                   + (f", {n_coarse} left out because the plans name no site for them ({len(here_ids)} of them at this "
                      f"area's district point{': ' + ids_text(here_ids) if len(here_ids) else ''}); give --substations "
                      "FILE with surveyed ones" if n_coarse else ""))


def osm_substation_note(file_name: str, substations: pd.DataFrame) -> str:
    """What an OSM extract gave the grid distances: how many substations, at which voltages.

    Parameters
    ----------
    file_name : str
        The extract's name.
    substations : DataFrame
        Its substations (``voltage_kv`` [kV]).

    Returns
    -------
    str
        One sentence.
    """
    volts = (pd.to_numeric(substations["voltage_kv"], errors="coerce") if len(substations)
             else pd.Series([], dtype=float))
    by_kv = volts.dropna().astype(int).value_counts().sort_index(ascending=False)
    kv = ", ".join(f"{n} x {v} kV" for v, n in by_kv.items())
    untagged = int(volts.isna().sum())
    return (f"{len(substations)} substation(s) from the OpenStreetMap extract {file_name}"
            + (f" ({kv}" + (f", {untagged} without voltage" if untagged else "") + ")" if kv else
               (f" ({untagged} without voltage)" if untagged else ""))
            + " (© OpenStreetMap contributors, ODbL)")


def project_note(n_used: int, precisions: Mapping[str, int], n_coarse: int, include_district_points: bool) -> str:
    """What the project distances are measured to.

    Parameters
    ----------
    n_used : int
        Registry PV/wind projects used [-].
    precisions : mapping of str to int
        Their count per location precision.
    n_coarse : int
        Projects at a district point [-].
    include_district_points : bool
        Whether those were used (distances then indicative).

    Returns
    -------
    str
        One sentence for the report (the projects criterion's reason).
    """
    return (f"{n_used} registry PV/wind project(s) used (location precision {dict(precisions)})"
            + (f"; {n_coarse} at district points left out (no known site)" if not include_district_points and n_coarse
               else "")
            + ("; distances to district points are INDICATIVE" if include_district_points and n_coarse else ""))


def out_of_reach_note(dist_km: np.ndarray, near: np.ndarray, candidate: np.ndarray, limit_km: float) -> str:
    """``"; none ... within N km ..."`` when no candidate cell is within reach of a known point, else ``""``.

    Parameters
    ----------
    dist_km : numpy.ndarray
        Distance to the nearest point [km], NaN where unknown.
    near : numpy.ndarray of bool
        Cells within ``limit_km``.
    candidate : numpy.ndarray of bool
        Candidate cells.
    limit_km : float
        The reach [km].

    Returns
    -------
    str
        The suffix to add to the note.
    """
    if not near[candidate].any() and np.isfinite(dist_km[candidate]).any():
        return (f"; none with a known location within {limit_km:g} km of any cell (nearest "
                f"{np.nanmin(dist_km[candidate]):,.0f} km)")
    return ""


def reach_notes(notes: Mapping[str, str], arrays: Mapping[str, np.ndarray | None], reach: Mapping[str, np.ndarray],
                candidate: np.ndarray) -> dict[str, str]:
    """The ``grid`` and ``projects`` notes, each with :func:`out_of_reach_note` added.

    Parameters
    ----------
    notes : mapping
        ``grid`` and ``projects`` notes (:func:`solar.siting.neighbours.distance_targets`).
    arrays : mapping
        The scan's ``dist_substation_km`` and ``dist_project_km`` [km].
    reach : mapping
        :func:`solar.siting.score.within_reach` (NaN beyond reach).
    candidate : numpy.ndarray of bool
        Candidate cells.

    Returns
    -------
    dict
        The notes.
    """
    out = dict(notes)
    for key, what, limit in (("grid", "substation", MAX_CONNECTION_KM), ("projects", "project", MAX_PROJECT_KM)):
        dist = arrays[f"dist_{what}_km"]
        if dist is not None:
            out[key] += out_of_reach_note(dist, np.isfinite(reach[f"dist_{what}_km"]), candidate, limit)
    return out


# -- reasons of the score criteria ------------------------------------------------------------------------


def value_span(values: np.ndarray | None, where: np.ndarray) -> str:
    """``"min-max"`` of the finite values at ``where`` (two decimals), ``"n/a"`` when there are none.

    Parameters
    ----------
    values : numpy.ndarray or None
        Values in their own unit (e.g. [kWh/kWp]).
    where : numpy.ndarray of bool
        Cells to look at.

    Returns
    -------
    str
        The span, in the values' unit.
    """
    v = values[where] if values is not None else np.zeros(0)
    v = v[np.isfinite(v)]
    return f"{v.min():,.2f}-{v.max():,.2f}" if len(v) else "n/a"


def score_reasons(scan: ScanResult, inputs: ScanInputs, candidate: np.ndarray, notes: Mapping[str, str],
                  dem: Path | None) -> dict[str, str]:
    """Why each score criterion has the values it has (or none), for the score report.

    Parameters
    ----------
    scan : ScanResult
        The scan (``specific_yield_kwh_per_kwp`` [kWh/kWp], ``slope_deg`` [degrees]).
    inputs : ScanInputs
        Its inputs (``rows_factor`` [-]).
    candidate : numpy.ndarray of bool
        Candidate cells.
    notes : mapping
        ``grid`` and ``projects`` notes (:func:`substation_note`, :func:`project_note`).
    dem : pathlib.Path or None
        The DEM given.

    Returns
    -------
    dict
        Criterion name -> reason.
    """
    a = scan.arrays
    slope = a.get("slope_deg")
    return {
        "yield": (f"batch engine x rows-model factor {inputs.rows_factor:.4f}; one weather year for the area: specific "
                  f"yield spans {value_span(a['specific_yield_kwh_per_kwp'], candidate)} kWh/kWp over the candidate "
                  "cells"),
        "grid": notes["grid"],
        "slope": ("no DEM supplied (--dem)" if dem is None else f"DEM {dem}"
                  if slope is not None and np.isfinite(slope).any() else f"DEM {dem}: {NO_SLOPE}"),
        "projects": notes["projects"],
        "road": notes.get("road", "no OpenStreetMap extract (--osm)"),
        "land": notes.get("land", "no land cover"),
    }


def road_note(osm: Any, dist_road_km: np.ndarray | None, candidate: np.ndarray) -> str:
    """What the distance to road is measured to.

    Parameters
    ----------
    osm : OsmFeatures or None
        The extract's features (:mod:`solar.siting.osm`).
    dist_road_km : numpy.ndarray or None
        The scan's distance to road [km].
    candidate : numpy.ndarray of bool
        Candidate cells.

    Returns
    -------
    str
        One sentence.
    """
    if osm is None:
        return "no OpenStreetMap extract (--osm): no road data"
    return (f"{osm.counts.get('roads', 0):,} road(s) of the OpenStreetMap extract {osm.path.name} (highway classes "
            f"motorway to residential; tracks and paths left out): distance spans "
            f"{value_span(dist_road_km, candidate)} km over the candidate cells (© OpenStreetMap contributors, ODbL)")


def land_note(landcover: Path | None, legend: str, coarse_label: str | None) -> str:
    """Where the land criterion's values come from.

    Parameters
    ----------
    landcover : pathlib.Path or None
        The land-cover raster read.
    legend : str
        Its legend.
    coarse_label : str or None
        The coarse layer's label when the shipped land cover was used.

    Returns
    -------
    str
        One sentence.
    """
    if landcover is None:
        return "no land cover (--landcover), and the shipped coarse one not used"
    head = f"COARSE: {coarse_label}" if coarse_label else f"land cover {landcover} (legend {legend})"
    return head + "; 1 where the rules allow PV outright, 0.5 where only under a condition (assumption)"


def mark_coarse(criteria: Sequence[CriterionOutcome], layers: Sequence[Any], coarse_used: Mapping[str, str]
                ) -> tuple[CriterionOutcome, ...]:
    """The criteria, those that used coarse data labelled: ``coarse`` holds the source and resolution.

    A kind row is coarse when every layer of that kind is a coarse one; the land-cover rows when the shipped
    land cover was read; a ``layer:`` row when its layer is coarse. Others get ``coarse`` None.

    Parameters
    ----------
    criteria : sequence of CriterionOutcome
        :func:`solar.siting.rules.apply_rules`' rows.
    layers : sequence of ExclusionLayer
        The layers used.
    coarse_used : mapping
        :attr:`solar.siting.coarse.CoarseInputs.used`.

    Returns
    -------
    tuple of CriterionOutcome
        The rows in order; a coarse one's ``reason`` starts with ``COARSE (<label>):``.
    """
    by_kind: dict[str, list[str]] = {}
    for layer in layers:
        by_kind.setdefault(layer.kind, []).append(layer.coarse)
    by_name = {layer.name: layer.coarse for layer in layers}
    out = []
    for row in criteria:
        name = row.criterion
        label = None
        if name.startswith("layer:"):
            label = by_name.get(name.removeprefix("layer:")) or None
        elif name.startswith("landcover") and row.status == "evaluated":
            label = coarse_used.get("landcover")
        elif name in by_kind and all(by_kind[name]):
            label = "; ".join(sorted(set(by_kind[name])))
        out.append(replace(row, coarse=label, reason=f"COARSE ({label}): {row.reason}" if label else row.reason))
    return tuple(out)


def data_sources(*, osm: Any, coarse: Any, dem: Path | None, dem_tiles: Sequence[Path], landcover: Path | None,
                 landcover_tiles: Sequence[Path], legend: str, layers: Sequence[Any]) -> dict[str, Any]:
    """What data the run read, with licences: the report's ``data`` section.

    Parameters
    ----------
    osm : OsmFeatures or None
        The extract's features.
    coarse : CoarseInputs
        The coarse layers used and skipped.
    dem, landcover : pathlib.Path or None
        The rasters read (a mosaic, a file).
    dem_tiles, landcover_tiles : sequence of pathlib.Path
        The tiles behind them.
    legend : str
        The land-cover legend.
    layers : sequence of ExclusionLayer
        The exclusion layers.

    Returns
    -------
    dict
        ``osm`` (file, counts, licence) or None, ``coarse`` (used: label by layer; skipped: reason), ``dem``,
        ``landcover`` (path, tiles, legend), ``exclusion_layers`` (name, kind, buffer [m], coarse).
    """
    return {
        "osm": None if osm is None else {"file": str(osm.path), "features": dict(osm.counts),
                                         "licence": osm.attribution},
        "coarse": {"used": dict(coarse.used), "skipped": dict(coarse.skipped)},
        "dem": None if dem is None else {"file": str(dem), "tiles": [p.name for p in dem_tiles]},
        "landcover": None if landcover is None else {"file": str(landcover), "legend": legend,
                                                     "tiles": [p.name for p in landcover_tiles],
                                                     "coarse": coarse.used.get("landcover")},
        "exclusion_layers": [{"name": layer.name, "kind": layer.kind, "buffer_m": layer.buffer_m,
                              "coarse": layer.coarse or None} for layer in layers],
    }


def tie_note(sites: pd.DataFrame, top_n: int = TOP_N) -> str:
    """A warning when top sites share one score (to 3 decimals), else ``""``.

    Parameters
    ----------
    sites : DataFrame
        Candidate sites, best first (``score`` [0-1]).
    top_n : int
        Sites looked at.

    Returns
    -------
    str
        The note.
    """
    if len(sites) < 2:
        return ""
    top = sites["score"].head(top_n).round(3)
    n = int(top.duplicated(keep=False).sum())
    if not n:
        return ""
    return (f"{n} of the top {len(top)} sites tie with another on score (to 3 decimals): their order among "
            "themselves is by capacity, not by merit")


def warnings_list(*, ranking: str, ties: str, not_evaluated: Sequence[str], criteria: Sequence[CriterionOutcome],
                  sources: Mapping[str, Any]) -> list[str]:
    """Every warning of a run, as the CLI prints them and the report carries them.

    Parameters
    ----------
    ranking : str
        :func:`ranking_note`.
    ties : str
        :func:`tie_note`.
    not_evaluated : sequence of str
        Criteria not evaluated.
    criteria : sequence of CriterionOutcome
        The rule rows (with ``coarse``).
    sources : mapping
        :func:`data_sources`.

    Returns
    -------
    list of str
        The warnings.
    """
    out = []
    if not_evaluated:
        out.append(f"not evaluated (no data): {', '.join(not_evaluated)}; candidate capacity is an upper bound")
    coarse = [r for r in criteria if r.coarse]
    if coarse:
        labels = "; ".join(f"{k}: {v}" for k, v in sources["coarse"]["used"].items())
        out.append(f"COARSE data used for {len(coarse)} criteria ({labels}): screening only, check on site")
    if ranking:
        out.append(ranking)
    if ties:
        out.append(ties)
    if sources.get("osm"):
        out.append(f"contains OpenStreetMap data: {sources['osm']['licence']}")
    return out


def ranking_note(spread: float, evaluated: Sequence[str]) -> str:
    """A warning when the candidates' scores span less than :data:`RANKING_SPREAD`, else ``""``.

    Parameters
    ----------
    spread : float
        Max - min of the candidate cells' scores [-].
    evaluated : sequence of str
        The score criteria evaluated.

    Returns
    -------
    str
        The note.
    """
    if spread >= RANKING_SPREAD:
        return ""
    return (f"scores of the candidate cells span only {spread:.3f} (evaluated: {', '.join(evaluated)}): the "
            "ranking carries little information; supply --osm, --dem, --landcover, --substations")


# -- coverage of the targets -----------------------------------------------------------------------------


def target_label(target_id: str, unit: str, metric: str, year: str, target_mw: float) -> str:
    """``target ID (UNIT, METRIC, YEAR: N MW)``.

    Parameters
    ----------
    target_id, unit, metric, year : str
        The target's id, ``adcode name``, metric and year (or ``no year``).
    target_mw : float
        The target [MW].

    Returns
    -------
    str
        The label.
    """
    return f"target {target_id} ({unit}, {metric}, {year}: {target_mw:,.1f} MW)"


def coverage_line(label: str, *, missing_mw: float, coverable_mw: float, candidate_mw: float, named_mw: float,
                  sites_needed: int | None, cost_proxy: float | None) -> str:
    """One sentence on how much of a target's missing capacity the candidates could hold.

    Parameters
    ----------
    label : str
        :func:`target_label`.
    missing_mw : float
        Target minus named pipeline, at least 0 [MW].
    coverable_mw : float
        The part the candidates could hold [MW].
    candidate_mw : float
        Capacity of all candidate sites [MWp].
    named_mw : float
        The named pipeline [MW].
    sites_needed : int or None
        Cheapest-first sites that cover it; None when they cannot.
    cost_proxy : float or None
        Cost proxy of the last of them [-].

    Returns
    -------
    str
        The sentence.
    """
    if missing_mw <= 0:
        return (f"{label}: nothing missing, the named pipeline ({named_mw:,.1f} MW) already meets it; the "
                f"candidates ({candidate_mw:,.0f} MW) would be additional")
    return (f"candidates could cover {coverable_mw:,.1f} of the {missing_mw:,.1f} MW missing for {label}"
            + (f"; the {sites_needed} cheapest site(s) suffice (cost proxy <= {cost_proxy:.3f})" if sites_needed else
               f"; {missing_mw - coverable_mw:,.1f} MW would remain"))


def upper_bound_note(n_unchecked: int) -> str:
    """The suffix of a coverage line when exclusion criteria were not evaluated.

    Parameters
    ----------
    n_unchecked : int
        Criteria not evaluated [-].

    Returns
    -------
    str
        The suffix.
    """
    return f" [an upper bound: {n_unchecked} exclusion criteria not evaluated for lack of data]"


# -- assumptions and the report --------------------------------------------------------------------------


def assumptions(*, grid: CandidateGrid, inputs: ScanInputs, mounting: Mounting, rule: RuleSet,
                weights: Mapping[str, float], density_mw_per_km2: float, block_m: float, min_area_km2: float,
                min_score: float, notes: Mapping[str, str], projects_reason: str) -> dict[str, str]:
    """Every assumption of the run, by topic, as the report states them.

    Parameters
    ----------
    grid : CandidateGrid
        The cells (``resolution_m`` [m]).
    inputs : ScanInputs
        The scan's inputs (weather, ``rows_factor`` [-], ``sun_band_deg`` [degrees]).
    mounting : Mounting
        The mounting of the yields (tilt, azimuth [degrees], GCR [-]).
    rule : RuleSet
        The rule set.
    weights : mapping
        Score weights [-].
    density_mw_per_km2 : float
        Land-use density used [MWp/km²].
    block_m : float
        Aggregation block side [m].
    min_area_km2 : float
        Smallest site [km²].
    min_score : float
        Lowest cell score in a site [0-1].
    notes : mapping
        ``grid`` note (:func:`substation_note`).
    projects_reason : str
        The projects criterion's reason.

    Returns
    -------
    dict
        Topic -> sentence, in the report's order.
    """
    weather = inputs.weather.weather()
    m = mounting
    return {
        "weather": weather.source,  # an estimate's source says so itself (": a planning estimate")
        "weather_area": (f"one weather year for the whole area, built at its representative point "
                         f"({inputs.weather.lat:.4f} N, {inputs.weather.lon:.4f} E); the sun per latitude band of grid "
                         "rows; so the yield hardly varies within a district and ranks little"),
        "yield_model": (f"batch engine (solar.batch, {m.name}: tilt {m.tilt:g}, azimuth {m.azimuth:g}, fixed; no row "
                        f"shading; sun shared per {inputs.sun_band_deg:g} deg latitude band) x "
                        f"{inputs.rows_factor:.4f}, the ratio of the per-site rows model (pvlib ANTS-2D, "
                        f"GCR {m.gcr}) to the batch engine at the representative point; flat ground assumed (terrain "
                        "slope and aspect do not tilt the arrays)"),
        "capacity_factor": "specific yield / 8760 h, on DC capacity (MWp)",
        "density": DENSITY_BASIS + (f"; used {density_mw_per_km2:g} MW/km2"
                                    if density_mw_per_km2 != DEFAULT_DENSITY_MW_PER_KM2 else ""),
        "weights": ", ".join(f"{k} {v:g}" for k, v in weights.items()) + " (normalised; a criterion not evaluated "
                   "has its weight redistributed)",
        "substations": notes["grid"],
        "grid_criterion": (f"cells farther than {MAX_CONNECTION_KM:g} km from every known substation have no grid "
                           "score (its weight goes to the other criteria there) and their sites name no substation; "
                           f"the same for projects beyond {MAX_PROJECT_KM:g} km; distances are geodesic (WGS-84); "
                           "dist_substation.tif holds the distance to the nearest known substation, however far"),
        "projects": projects_reason,
        "cells": (f"{grid.resolution_m:g} m cells in {grid.crs}, bounds snapped to the resolution; a cell is in the "
                  "area when its centre is; site outlines are clipped to the area and their capacity is that of the "
                  "clipped area"),
        "sites": (f"contiguous suitable cells (8-connectivity) within {block_m:g} m aggregation blocks; sites under "
                  f"{min_area_km2:g} km2 dropped; min score {min_score:g}"),
        "cost_proxy": (f"1 + {COST_PER_KM:g} x km to the substation + {COST_PER_DEG:g} x mean slope [deg] + "
                       f"{COST_PER_ROAD_KM:g} x km to the nearest road (assumption: a ranking device, not a price; "
                       "unknown terms add 0)"),
        "targets": GAP_ASSUMPTION,
        "rules": rule.source,
    }


def build_report(*, grid: CandidateGrid, target_unit: str | None, rule: RuleSet, excluded: np.ndarray,
                 conditional: np.ndarray, candidate: np.ndarray, criteria: Sequence[CriterionOutcome],
                 score: np.ndarray, score_report: list[dict[str, Any]], sites: pd.DataFrame,
                 coverage: list[dict[str, Any]], assumptions: dict[str, str], scan: ScanResult, chunk_rows: int,
                 rows_factor: float, sources: dict[str, Any] | None = None) -> SitingReport:
    """The report of a run (without ``runtime_s`` and ``outputs``, set when the files are written).

    Parameters
    ----------
    grid : CandidateGrid
        The cells (``resolution_m`` [m], ``cell_area_km2`` [km²]).
    target_unit : str or None
        Adcode whose targets were weighed.
    rule : RuleSet
        The rule set.
    excluded, conditional, candidate : numpy.ndarray of bool
        Cells excluded, allowed under a condition, candidate.
    criteria : sequence of CriterionOutcome
        Rule criteria (:func:`solar.siting.rules.apply_rules`, :func:`mark_coarse`).
    score : numpy.ndarray
        Suitability [0-1], NaN where not scored.
    score_report : list of dict
        Score criteria (:func:`solar.siting.score.suitability`; weights [-]).
    sites : DataFrame
        Candidate sites, best first (capacity [MWp], energy [MWh/yr]).
    coverage : list of dict
        Target coverage (:func:`solar.siting.coverage.area_coverage`; capacities [MW]).
    assumptions : dict
        :func:`assumptions`.
    scan : ScanResult
        The scan (scheduler, chunks, seconds [s]).
    chunk_rows : int
        Grid rows per chunk [-].
    rows_factor : float
        Rows-model calibration [-].
    sources : dict, optional
        :func:`data_sources` (the ``data`` section).

    Returns
    -------
    SitingReport
        ``warnings`` (every warning the CLI prints), ``data`` (what was read, licences), the area, the cell
        counts (``area_km2`` [km²]), the criteria and those not evaluated, the score criteria and their
        spread [-], the sites' totals (``capacity_mw`` [MWp], ``annual_mwh`` [MWh/yr]), the top
        :data:`TOP_N` candidates, coverage, assumptions, the scan (``seconds`` [s], ``cells_per_second``
        [1/s]) and the exclusion codes. ``as_json`` of it is ``report.json``.
    """
    spread = float(np.nanmax(score) - np.nanmin(score)) if np.isfinite(score).any() else 0.0
    evaluated = [r["criterion"] for r in score_report if r["status"] == "evaluated"]
    not_evaluated = sorted({r.criterion for r in criteria if r.status == "not evaluated"}
                           | {r["criterion"] for r in score_report if r["status"] == "not evaluated"})
    sources = sources or {"osm": None, "coarse": {"used": {}, "skipped": {}}}
    ranking = ranking_note(spread, evaluated)
    return SitingReport(
        warnings=tuple(warnings_list(ranking=ranking, ties=tie_note(sites), not_evaluated=not_evaluated,
                                     criteria=criteria, sources=sources)),
        data=sources,
        area=grid.name, adcode=grid.adcode, target_unit=target_unit, resolution_m=grid.resolution_m,
        crs=grid.crs, grid_shape=(grid.shape[0], grid.shape[1]),
        cells=CellCounts(grid=int(grid.shape[0] * grid.shape[1]), inside=grid.n_inside,
                         area_km2=grid.n_inside * grid.cell_area_km2, excluded=int(excluded.sum()),
                         conditional=int(conditional.sum()), candidate=int(candidate.sum()),
                         cell_area_km2=grid.cell_area_km2),
        rule_set=rule.name,
        criteria=tuple(criteria),
        not_evaluated=tuple(not_evaluated),
        score=tuple(score_report),
        score_spread=spread,
        ranking_note=ranking,
        sites=SitesTotal(count=len(sites), capacity_mw=float(sites["capacity_mw"].sum()) if len(sites) else 0.0,
                         annual_mwh=float(sites["annual_mwh"].sum()) if len(sites) else 0.0),
        top_candidates=candidate_list(sites.head(TOP_N)) if len(sites) else (),
        coverage=tuple(coverage),
        assumptions=assumptions,
        scan=ScanSummary(scheduler=scan.scheduler, chunks=scan.chunks, chunk_rows=chunk_rows, seconds=scan.seconds,
                         cells_per_second=grid.n_inside / scan.seconds if scan.seconds else None,
                         rows_factor=rows_factor),
        exclusion_codes=EXCLUSION_CODES,
    )


# -- serialisation ---------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as plain JSON.

    Parameters
    ----------
    value : any
        Mappings, lists, tuples, numpy arrays and scalars, paths, NaN, None, str, int.

    Returns
    -------
    any
        The same structure with numpy types as Python ones, paths as str, non-finite floats and
        missing values as None, anything else as its str.
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, Path):
        return str(value)
    cell = plain_cell(value)  # the one cell cleaner: NaN/NA/NaT and infinities as None, numpy as Python
    if cell is None or isinstance(cell, str | int | float):
        return cell
    return None if pd.isna(cell) else str(cell)


def _md_cell(value: Any, column: str = "") -> str:
    """A table cell: numbers rounded for reading (coordinates to 4 decimals, scores to 3, the rest to 1)."""
    if isinstance(value, float) and math.isfinite(value):
        if column in ("lon", "lat"):
            text = f"{value:.4f}"
        elif column in ("score", "weight_given", "weight_used") or abs(value) < 10:
            text = f"{value:,.3f}".rstrip("0").rstrip(".") if column not in ("score",) else f"{value:.3f}"
        else:
            text = f"{value:,.1f}"
    else:
        text = "" if value is None or (isinstance(value, float) and not math.isfinite(value)) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    if not rows:
        return ["(none)"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(row.get(c), c) for c in columns) + " |")
    return lines


def report_markdown(report: SitingReport) -> str:
    """The report as Markdown: summary, criteria, score, coverage, top candidates, assumptions, files.

    Rendered from the report's JSON form (``report.json``), so both say the same, in the same numbers.

    Parameters
    ----------
    report : SitingReport
        :func:`build_report` with ``runtime_s`` [s] and ``outputs``.

    Returns
    -------
    str
        The Markdown text, ending in a newline.
    """
    r = plain(as_json(report))
    cells = r["cells"]
    lines = [f"# PV siting: {r['area']}", "",
             f"Resolution {r['resolution_m']:g} m, {r['crs']}; {cells['inside']:,} cells inside the area "
             f"({cells['area_km2']:,.1f} km²), {cells['excluded']:,} excluded, {cells['candidate']:,} candidate cells; "
             f"{r['sites']['count']} candidate sites, {r['sites']['capacity_mw']:,.1f} MW, "
             f"{r['sites']['annual_mwh']:,.0f} MWh/yr. Runtime {r['runtime_s']:.1f} s ({r['scan']['scheduler']}).", "",
             f"Scores of the candidate cells span {r.get('score_spread') or 0:.3f}.", "", "## Warnings", ""]
    lines += [f"- {_md_cell(w)}" for w in r.get("warnings") or []] or ["- none"]
    data = r.get("data") or {}
    lines += ["", "## Data read", ""]
    if data.get("osm"):
        feats = ", ".join(f"{k} {v:,}" for k, v in data["osm"]["features"].items())
        lines.append(f"- OpenStreetMap extract `{data['osm']['file']}`: {feats}. {data['osm']['licence']}")
    for what, label in (data.get("coarse") or {}).get("used", {}).items():
        lines.append(f"- COARSE {what}: {label}")
    for what, why in (data.get("coarse") or {}).get("skipped", {}).items():
        lines.append(f"- coarse {what} not used: {why}")
    for what in ("dem", "landcover"):
        if data.get(what):
            tiles = data[what].get("tiles") or []
            shown = f" (tiles: {', '.join(tiles)})" if len(tiles) > 1 else ""
            lines.append(f"- {what}: `{data[what]['file']}`{shown}")
    lines += ["", "## Exclusion criteria", ""]
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
