"""Coverage: how much of the area's missing PV capacity targets the candidate sites could hold.

The targets are those of the area's district and of its parent city whose metric counts PV
(:data:`solar.portfolio.PV_METRICS`); a target's gap is target - named pipeline (:func:`geo.rollup.target_gaps`,
zero baseline). A drawn polygon takes the targets of the county holding most of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.rollup import target_gaps
from solar.portfolio import PV_METRICS
from solar.siting.cells import CandidateGrid
from solar.siting.report import coverage_line, target_label, upper_bound_note
from solar.siting.results import CriterionOutcome

GAP_COLUMNS = ["target_id", "adcode", "metric", "year", "target_mw", "named_mw", "gap_mw"]


def area_gaps(grid: CandidateGrid, projects: pd.DataFrame, targets: pd.DataFrame, districts: gpd.GeoDataFrame
              ) -> tuple[pd.DataFrame, str | None]:
    """PV-relevant capacity targets of the area's district and its parent city, with their gaps.

    Parameters
    ----------
    grid : CandidateGrid
        The cells (``adcode``; None for a drawn polygon).
    projects, targets, districts
        The store's layers.

    Returns
    -------
    gaps : DataFrame
        Rows of :func:`geo.rollup.target_gaps` (``target_mw``, ``named_mw``, ``gap_mw`` [MW]): the district's own
        targets first, then its city's, each by year and id.
    adcode : str or None
        The district whose targets they are; None when a polygon overlaps no county.
    """
    adcode = grid.adcode
    if adcode is None:  # a drawn polygon: the county holding most of it
        counties = districts[districts["level"] != "city"].to_crs(grid.crs)
        overlap = counties.geometry.intersection(grid.polygon_utm).area
        if overlap.empty or float(overlap.max()) <= 0:
            return pd.DataFrame(columns=GAP_COLUMNS), None
        adcode = str(counties["adcode"].iloc[int(np.argmax(overlap.to_numpy()))])
    parents = dict(zip(districts["adcode"].astype(str), districts["parent_adcode"].astype(str), strict=True))
    gaps = target_gaps(projects, targets, parents)
    units = {adcode, parents.get(adcode, "")}
    mine = gaps[gaps["adcode"].astype(str).isin(units) & gaps["metric"].isin(PV_METRICS)]
    order = (mine["adcode"].astype(str) != adcode).astype(int)  # the district's own targets first, then its city's
    return mine.assign(_o=order).sort_values(["_o", "year", "target_id"], kind="stable").drop(columns="_o"), adcode


def target_coverage(curve: pd.DataFrame, gaps: pd.DataFrame, names: Mapping[str, str] | None = None
                    ) -> list[dict[str, Any]]:
    """How much of each target's missing capacity the candidate sites could hold.

    Parameters
    ----------
    curve : DataFrame
        :func:`solar.siting.supply.supply_curve` output (``capacity_mw``, ``cumulative_capacity_mw`` [MWp]).
    gaps : DataFrame
        Rows of :func:`geo.rollup.target_gaps` (``target_id``, ``adcode``, ``metric``, ``year``,
        ``target_mw``, ``named_mw``, ``gap_mw`` [MW]).
    names : mapping, optional
        District name by adcode, for the text.

    Returns
    -------
    list of dict
        Per target: ``target_id``, ``adcode``, ``metric``, ``year``, ``target_mw`` [MW], ``named_mw`` [MW],
        ``missing_mw`` (gap, at least 0) [MW], ``coverable_mw`` (min of missing and candidate capacity) [MW],
        ``candidate_mw`` [MWp], ``sites_needed`` (cheapest-first sites to cover it; None when they cannot),
        ``cost_proxy_at_cover`` [-], ``line`` (a sentence).
    """
    names = names or {}
    total = float(curve["capacity_mw"].sum()) if len(curve) else 0.0
    cumulative = curve["cumulative_capacity_mw"].to_numpy(dtype=float) if len(curve) else np.zeros(0)
    out = []
    for g in gaps.to_dict("records"):
        missing = max(float(g["gap_mw"]), 0.0)
        year = "no year" if pd.isna(g["year"]) else str(int(g["year"]))
        unit = f"{g['adcode']} {names.get(str(g['adcode']), '')}".strip()
        coverable = min(missing, total)
        needed: int | None = None
        cost: float | None = None
        if missing > 0 and total >= missing:
            needed = int(np.searchsorted(cumulative, missing, side="left")) + 1
            cost = float(curve["cost_proxy"].iloc[needed - 1])
        line = coverage_line(target_label(g["target_id"], unit, g["metric"], year, g["target_mw"]),
                             missing_mw=missing, coverable_mw=coverable, candidate_mw=total, named_mw=g["named_mw"],
                             sites_needed=needed, cost_proxy=cost)
        out.append({"target_id": g["target_id"], "adcode": str(g["adcode"]), "metric": g["metric"],
                    "year": None if pd.isna(g["year"]) else int(g["year"]), "target_mw": float(g["target_mw"]),
                    "named_mw": float(g["named_mw"]), "missing_mw": missing, "coverable_mw": coverable,
                    "candidate_mw": total, "sites_needed": needed, "cost_proxy_at_cover": cost, "line": line})
    return out


def area_coverage(grid: CandidateGrid, curve: pd.DataFrame, criteria: Sequence[CriterionOutcome], *,
                  projects: pd.DataFrame, targets: pd.DataFrame, districts: gpd.GeoDataFrame
                  ) -> tuple[list[dict[str, Any]], str | None]:
    """The coverage step: the area's targets, how much of each the sites could hold, flagged as upper bounds.

    Parameters
    ----------
    grid : CandidateGrid
        The cells.
    curve : DataFrame
        The supply curve (capacities [MWp]).
    criteria : sequence of CriterionOutcome
        The rule criteria: any "not evaluated" makes every coverage an upper bound.
    projects, targets, districts
        The store's layers.

    Returns
    -------
    coverage : list of dict
        :func:`target_coverage` rows with ``upper_bound`` (bool); the line of a target with missing capacity
        says when it is an upper bound.
    target_unit : str or None
        The district whose targets were weighed.
    """
    gaps, target_unit = area_gaps(grid, projects, targets, districts)
    names = dict(zip(districts["adcode"].astype(str), districts["name_zh"].astype(str), strict=True))
    coverage = target_coverage(curve, gaps, names)
    unchecked = [r.criterion for r in criteria if r.status == "not evaluated"]
    for c in coverage:
        c["upper_bound"] = bool(unchecked)
        if unchecked and c["missing_mw"] > 0:
            c["line"] += upper_bound_note(len(unchecked))
    return coverage, target_unit
