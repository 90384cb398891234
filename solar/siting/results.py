"""Typed siting results (frozen dataclasses), serialised by :func:`solar.results.as_json` like the yields.

A scan chunk's criteria (:class:`ScanChunk`, :func:`solar.siting.scan.scan_chunk`), one rule criterion's
outcome (:class:`CriterionOutcome`, :mod:`solar.siting.rules`), a candidate site (:class:`CandidateSite`, one
row of :func:`solar.siting.supply.candidate_sites`) and the report of a run (:class:`SitingReport`,
:func:`solar.siting.report.build_report`). Code reads them by attribute; ``report.json`` is
``as_json(report)``, so its members and their order are written here once. Every figure carries its unit in
its name, as in the JSON.

A chunk's result has no JSON form: its arrays are reassembled by :func:`solar.siting.scan.run_scan` and
written as rasters; the report's ``scan`` section (:class:`ScanSummary`) says how the scan ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from solar.results import as_json, members


@dataclass(frozen=True, eq=False)
class ScanChunk:
    """The criteria of the grid rows ``row0:row1`` (``row1`` exclusive): what one chunk of the scan returns.

    Plain and picklable: a Dask worker sends it back to the scan.
    """

    row0: int
    row1: int
    #: :data:`solar.siting.scan.FLOAT_FIELDS` (float64, NaN outside or unknown: ``specific_yield_kwh_per_kwp``
    #: [kWh/kWp], ``capacity_factor`` [-], distances [km], ``slope_deg``/``aspect_deg`` [degrees]) and
    #: :data:`solar.siting.scan.INT_FIELDS` (-1 outside), arrays (row1 - row0, cols); ``slope_deg``,
    #: ``aspect_deg``, ``landcover`` are None when no raster was given.
    arrays: dict[str, np.ndarray | None]
    masks: dict[str, np.ndarray]  # exclusion layer name -> bool array (True = excluded), inside cells only
    seconds: float  # the chunk's own wall time [s]


@dataclass(frozen=True)
class CriterionOutcome:
    """One criterion of a rule set (or one exclusion layer): checked, or not, and the cells it excluded.

    ``cells_*`` are None when the criterion was not evaluated (a criterion without data never passes
    silently); a cell can count under several criteria.
    """

    criterion: str  # exclusion kind, ``landcover:<class>``, ``slope`` or ``layer:<name>``
    status: str  # ``evaluated`` | ``not evaluated``
    reason: str
    cells_excluded: int | None  # [cells]
    cells_conditional: int | None  # [cells] allowed only under a condition (conditional classes), else None
    cells_without_data: int | None  # [cells] where the raster had no data, so the criterion was not checked
    basis: str  # the rule's clause or ``assumption: ...``
    coarse: str | None = None  # source and resolution of the coarse data used (solar.siting.report.mark_coarse)


@dataclass(frozen=True)
class CandidateSite:
    """A candidate site: contiguous suitable cells within one aggregation block (EPSG:4326).

    The fields are the columns of :func:`solar.siting.supply.candidate_sites`' frame
    (:data:`SITE_FIELDS`), values as they are there: a distance, voltage or slope that
    is unknown (nothing within reach, no DEM) is NaN, an id or precision None.
    """

    site_id: str
    district: str
    n_cells: int  # [cells]
    area_km2: float  # clipped to the area [km^2]
    capacity_mw: float  # DC [MWp]
    annual_mwh: float  # [MWh/yr]
    capacity_factor: float  # on DC capacity [-]
    specific_yield_kwh_per_kwp: float  # [kWh/kWp]
    score: float  # mean suitability of its cells [0-1]
    dist_substation_km: float  # geodesic [km]
    substation_id: str | None
    substation_voltage_kv: float  # [kV]
    substation_precision: str | None
    dist_project_km: float  # geodesic [km]
    project_id: str | None
    project_precision: str | None
    mean_slope_deg: float  # [degrees]
    max_slope_deg: float  # [degrees]
    conditional_share: float  # share of its cells allowed only under a condition [-]
    dist_road_km: float  # [km]
    cost_proxy: float  # [-]
    lon: float  # centroid [degrees]
    lat: float  # centroid [degrees]
    geometry: BaseGeometry  # outline [degrees, EPSG:4326]


#: The columns of a candidate-site frame, in order: :class:`CandidateSite`'s fields.
SITE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CandidateSite))


def candidate_list(sites: pd.DataFrame) -> tuple[CandidateSite, ...]:
    """The rows of a candidate-site frame as typed sites, in the frame's order.

    Parameters
    ----------
    sites : DataFrame
        :func:`solar.siting.supply.candidate_sites` (columns :data:`SITE_FIELDS`; ``geometry`` in its CRS,
        EPSG:4326 as returned), or its first rows.

    Returns
    -------
    tuple of CandidateSite
        One per row (capacity [MWp], energy [MWh/yr], distances [km], slopes [degrees]).

    Raises
    ------
    ValueError
        When the frame lacks a column of :data:`SITE_FIELDS` (named).
    """
    missing = [c for c in SITE_FIELDS if c not in sites.columns]
    if missing:
        raise ValueError(f"candidate sites: column(s) {', '.join(missing)} missing "
                         f"(expected: {', '.join(SITE_FIELDS)})")
    records = pd.DataFrame(sites[list(SITE_FIELDS)]).to_dict("records")
    return tuple(CandidateSite(**{str(k): v for k, v in r.items()}) for r in records)


@dataclass(frozen=True)
class CellCounts:
    """The grid's cells: how many, inside the area, excluded, conditional, candidate."""

    grid: int  # [cells]
    inside: int  # [cells]
    area_km2: float  # inside the area [km^2]
    excluded: int  # [cells]
    conditional: int  # [cells]
    candidate: int  # [cells]
    cell_area_km2: float  # [km^2]


@dataclass(frozen=True)
class SitesTotal:
    """All candidate sites of a run together."""

    count: int
    capacity_mw: float  # DC [MWp]
    annual_mwh: float  # [MWh/yr]


@dataclass(frozen=True)
class ScanSummary:
    """How the scan ran."""

    scheduler: str
    chunks: int
    chunk_rows: int  # grid rows per chunk [-]
    seconds: float  # wall time [s]
    cells_per_second: float | None  # cells inside per second of wall time [1/s]; None when no time was measured
    rows_factor: float  # rows-model calibration of the batch engine [-]


@dataclass(frozen=True)
class SitingReport:
    """The report of a siting run: the one serialisation of a run (``report.json`` is its :func:`as_json`).

    ``runtime_s`` and ``outputs`` are set when the files are written (:func:`solar.siting.run.site_area`).
    """

    warnings: tuple[str, ...]  # every warning the CLI prints
    data: dict[str, Any]  # what was read, with licences (:func:`solar.siting.report.data_sources`)
    area: str
    adcode: str | None
    target_unit: str | None  # adcode whose targets were weighed
    resolution_m: float  # [m]
    crs: str
    grid_shape: tuple[int, int]  # (rows, cols)
    cells: CellCounts
    rule_set: str
    criteria: tuple[CriterionOutcome, ...]
    not_evaluated: tuple[str, ...]
    score: tuple[dict[str, Any], ...]  # per score criterion (:func:`solar.siting.score.suitability`)
    score_spread: float  # max - min of the candidate cells' scores [-]
    ranking_note: str
    sites: SitesTotal
    top_candidates: tuple[CandidateSite, ...]
    coverage: tuple[dict[str, Any], ...]  # per target (:func:`solar.siting.coverage.area_coverage`) [MW]
    assumptions: dict[str, str]  # topic -> sentence
    scan: ScanSummary
    exclusion_codes: dict[int, str]  # code of ``exclusion.tif`` -> meaning
    runtime_s: float | None = None  # wall time of the run [s]
    outputs: dict[str, str] = field(default_factory=dict)  # file kind -> path


@as_json.register
def _(result: CandidateSite) -> dict[str, Any]:
    out = members(result)
    del out["geometry"]  # the outline is in the GeoJSON/GeoPackage, not in the report
    return out


@as_json.register
def _(result: SitingReport) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(result):
        value = getattr(result, f.name)
        if isinstance(value, tuple):
            out[f.name] = [as_json(v) for v in value]
        elif f.name in ("cells", "sites", "scan"):
            out[f.name] = as_json(value)
        else:
            out[f.name] = value
    return out
