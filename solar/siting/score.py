"""Suitability: a weighted multi-criteria score 0-1 per cell, from documented monotone normalisations.

Each criterion's raw value is turned into a 0-1 score by a fixed, documented function (absolute, not
rescaled to the area's minimum and maximum, so a score means the same in every district and a tiny spread
in a raw value stays a tiny spread in its score):

============  =================================  ==============================================================
criterion     raw value                          score (monotone)
============  =================================  ==============================================================
``yield``     specific yield [kWh/kWp]           linear from 0 at 700 to 1 at 1,400 kWh/kWp, clipped (higher is
                                                 better; 700-1,400 spans China's resource grades D to A)
``grid``      distance to nearest substation     exp(-d / 10 km): 1 at the substation, 0.37 at 10 km, 0.05 at
              [km]                               30 km (closer is better: shorter, cheaper connection)
``slope``     terrain slope [degrees]            linear from 1 at 0 deg to 0 at 25 deg, clipped (flatter is
                                                 better: less grading, wider row spacing on north slopes)
``projects``  distance to nearest registry PV/   1 - exp(-d / 5 km) (farther is better: land and substation
              wind project [km]                  capacity not already claimed by a named project)
``road``      distance to the nearest road of    exp(-d / 2 km) (closer is better: a shorter access road; only
              an OSM extract [km]                with ``--osm``)
``land``      the land rule's verdict on the     1 where PV is allowed outright, 0.5 where only under a
              cell's land cover                  condition (forest land: 林光互补 only; a cropland mosaic:
                                                 arrays off its cultivated part): an assumption
============  =================================  ==============================================================

Weights are parameters (:data:`DEFAULT_WEIGHTS`). A criterion with no data ("not evaluated": no DEM
for slope, no substation) has its weight redistributed over the others in proportion to theirs; a cell
missing one criterion's value (outside the DEM, say) has that weight redistributed for that cell only.
Excluded cells and cells outside the area get no score (NaN).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from solar.siting.errors import SitingInputError

#: Default weights; they need not sum to 1 (they are normalised).
DEFAULT_WEIGHTS: dict[str, float] = {"yield": 0.4, "grid": 0.35, "slope": 0.15, "projects": 0.1, "road": 0.1,
                                     "land": 0.1}
YIELD_SCORE_RANGE_KWH_PER_KWP = (700.0, 1400.0)
GRID_DECAY_KM = 10.0
SLOPE_ZERO_SCORE_DEG = 25.0
PROJECT_DECAY_KM = 5.0
ROAD_DECAY_KM = 2.0
#: Land score of a cell allowed only under a condition (1 where allowed outright): an assumption.
CONDITIONAL_LAND_SCORE = 0.5
#: Beyond this distance a substation is no connection option: the grid criterion counts as unknown for the cell
#: and a site names no substation [km].
MAX_CONNECTION_KM = 50.0
#: Beyond this distance a known project says nothing about a cell (nearer ones may be among those without a site)
#: [km].
MAX_PROJECT_KM = 50.0


def yield_score(specific_yield_kwh_per_kwp: np.ndarray) -> np.ndarray:
    """0 at 700 kWh/kWp, 1 at 1,400 kWh/kWp, linear between and clipped; NaN stays NaN.

    Parameters
    ----------
    specific_yield_kwh_per_kwp : numpy.ndarray
        Specific yield [kWh/kWp].

    Returns
    -------
    numpy.ndarray
        Score [0-1].
    """
    lo, hi = YIELD_SCORE_RANGE_KWH_PER_KWP
    return np.clip((np.asarray(specific_yield_kwh_per_kwp, dtype=float) - lo) / (hi - lo), 0.0, 1.0)


def grid_score(dist_substation_km: np.ndarray) -> np.ndarray:
    """exp(-d / 10 km): strictly decreasing with the distance to the nearest substation; NaN stays NaN.

    Parameters
    ----------
    dist_substation_km : numpy.ndarray
        Distance to the nearest substation [km].

    Returns
    -------
    numpy.ndarray
        Score [0-1].
    """
    return np.exp(-np.asarray(dist_substation_km, dtype=float) / GRID_DECAY_KM)


def slope_score(slope_deg: np.ndarray) -> np.ndarray:
    """1 on flat ground, 0 at 25 deg and steeper, linear between; NaN stays NaN.

    Parameters
    ----------
    slope_deg : numpy.ndarray
        Terrain slope [degrees].

    Returns
    -------
    numpy.ndarray
        Score [0-1].
    """
    return np.clip(1.0 - np.asarray(slope_deg, dtype=float) / SLOPE_ZERO_SCORE_DEG, 0.0, 1.0)


def project_score(dist_project_km: np.ndarray) -> np.ndarray:
    """1 - exp(-d / 5 km): increasing with the distance to the nearest named PV/wind project; NaN stays NaN.

    Parameters
    ----------
    dist_project_km : numpy.ndarray
        Distance to the nearest named PV/wind project [km].

    Returns
    -------
    numpy.ndarray
        Score [0-1].
    """
    return 1.0 - np.exp(-np.asarray(dist_project_km, dtype=float) / PROJECT_DECAY_KM)


def road_score(dist_road_km: np.ndarray) -> np.ndarray:
    """exp(-d / 2 km): strictly decreasing with the distance to the nearest road; NaN stays NaN.

    Parameters
    ----------
    dist_road_km : numpy.ndarray
        Distance to the nearest road [km].

    Returns
    -------
    numpy.ndarray
        Score [0-1].
    """
    return np.exp(-np.asarray(dist_road_km, dtype=float) / ROAD_DECAY_KM)


def land_score(land: np.ndarray) -> np.ndarray:
    """The land values as they are (1 allowed outright, :data:`CONDITIONAL_LAND_SCORE` conditional); NaN stays NaN.

    Parameters
    ----------
    land : numpy.ndarray
        Land value per cell [0-1] (:func:`land_values`).

    Returns
    -------
    numpy.ndarray
        Score [0-1].
    """
    return np.clip(np.asarray(land, dtype=float), 0.0, 1.0)


def land_values(landcover: np.ndarray | None, conditional: np.ndarray) -> np.ndarray | None:
    """1 where the land cover allows PV outright, :data:`CONDITIONAL_LAND_SCORE` where only under a condition.

    Parameters
    ----------
    landcover : numpy.ndarray or None
        Land-cover codes (-1 = no data); None when no land cover was read.
    conditional : numpy.ndarray of bool
        Cells the rules allow only under a condition.

    Returns
    -------
    numpy.ndarray or None
        [0-1], NaN where the land cover has no data; None without land cover.
    """
    if landcover is None:
        return None
    out = np.where(conditional, CONDITIONAL_LAND_SCORE, 1.0)
    return np.where(np.asarray(landcover) < 0, np.nan, out)


NORMALISERS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "yield": (yield_score, "linear 0 at 700 -> 1 at 1400 kWh/kWp (higher is better)"),
    "grid": (grid_score, f"exp(-d / {GRID_DECAY_KM:g} km) of the distance to the nearest substation "
             "(closer is better)"),
    "slope": (slope_score, f"linear 1 at 0 deg -> 0 at {SLOPE_ZERO_SCORE_DEG:g} deg (flatter is better)"),
    "projects": (project_score, f"1 - exp(-d / {PROJECT_DECAY_KM:g} km) of the distance to the nearest named "
                 "PV/wind project (farther is better)"),
    "road": (road_score, f"exp(-d / {ROAD_DECAY_KM:g} km) of the distance to the nearest road (closer is better)"),
    "land": (land_score, f"1 where the land cover allows PV outright, {CONDITIONAL_LAND_SCORE:g} where only under a "
             "condition (assumption)"),
}


def parse_weights(text: str | None) -> dict[str, float]:
    """Weights from ``"yield=0.4,grid=0.35,..."``; ``None`` or ``""`` gives :data:`DEFAULT_WEIGHTS`.

    Criteria not named get weight 0 (the text replaces the defaults, it does not amend them).

    Parameters
    ----------
    text : str or None
        ``NAME=VALUE`` pairs joined with ``,``.

    Returns
    -------
    dict
        Weight per criterion of :data:`DEFAULT_WEIGHTS` [-].

    Raises
    ------
    SitingInputError
        An unknown criterion, a malformed pair, a negative or non-finite weight, or all weights 0.
    """
    if not text:
        return dict(DEFAULT_WEIGHTS)
    weights = dict.fromkeys(DEFAULT_WEIGHTS, 0.0)
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise SitingInputError("weights", f"{part.strip()!r} is not NAME=VALUE (e.g. yield=0.4,grid=0.35)")
        if name not in DEFAULT_WEIGHTS:
            raise SitingInputError("weights", f"unknown criterion {name!r} (allowed: {', '.join(DEFAULT_WEIGHTS)})")
        try:
            weights[name] = float(value)
        except ValueError:
            raise SitingInputError("weights", f"{name}: {value.strip()!r} is not a number") from None
    return check_weights(weights)


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Refuse unknown criteria, negative or non-finite weights, and weights that are all 0.

    Parameters
    ----------
    weights : mapping
        Weight per criterion [-].

    Returns
    -------
    dict
        Weight [-] of every criterion of :data:`DEFAULT_WEIGHTS` (0 for those not given), as floats.

    Raises
    ------
    SitingInputError
        As above.
    """
    unknown = [k for k in weights if k not in DEFAULT_WEIGHTS]
    if unknown:
        raise SitingInputError("weights", f"unknown criterion {', '.join(unknown)} (allowed: "
                               f"{', '.join(DEFAULT_WEIGHTS)})")
    for name, w in weights.items():
        if not np.isfinite(w) or w < 0:
            raise SitingInputError("weights", f"{name}: {w!r} must be a finite number >= 0")
    if sum(weights.values()) <= 0:
        raise SitingInputError("weights", "all weights are 0: nothing to score")
    return {k: float(weights.get(k, 0.0)) for k in DEFAULT_WEIGHTS}


def suitability(criteria: Mapping[str, np.ndarray | None], weights: Mapping[str, float], candidate: np.ndarray,
                reasons: Mapping[str, str] | None = None) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The weighted score (0-1) of every candidate cell, and a report per criterion.

    Parameters
    ----------
    criteria : mapping of str to array or None
        Raw values by criterion name (:data:`NORMALISERS`): ``yield`` [kWh/kWp], ``grid`` [km], ``slope``
        [degrees], ``projects`` [km], each the grid's shape with NaN where unknown; ``None`` when the
        criterion has no data at all.
    weights : mapping of str to float
        Weight per criterion (normalised here); missing names weigh 0.
    candidate : numpy.ndarray of bool
        Cells to score: inside the area and not excluded. Others get NaN.
    reasons : mapping of str to str, optional
        Why a criterion has no data, for its report line.

    Returns
    -------
    score : numpy.ndarray of float
        0-1 on candidate cells (NaN elsewhere, and where no weighted criterion has a value).
    report : list of dict
        Per criterion: ``criterion``, ``status`` ("evaluated", "not evaluated", "weight 0"),
        ``weight_given``, ``weight_used`` (after redistribution), ``normalisation``, ``cells_without_value``
        (candidate cells where it had no value and its weight went to the others), ``reason``.
    """
    w = check_weights({k: float(weights.get(k, 0.0)) for k in DEFAULT_WEIGHTS})
    reasons = reasons or {}
    candidate = np.asarray(candidate, dtype=bool)
    total = sum(w.values())
    num = np.zeros(candidate.shape)
    den = np.zeros(candidate.shape)
    evaluated: dict[str, bool] = {}
    missing: dict[str, int] = {}
    for name, (normalise, _) in NORMALISERS.items():
        raw = criteria.get(name)
        values = None if raw is None else np.where(candidate, normalise(np.asarray(raw, dtype=float)), np.nan)
        has = values is not None and bool(np.isfinite(values).any())
        evaluated[name] = has
        if not has or w[name] == 0 or values is None:
            missing[name] = int(candidate.sum()) if not has else 0
            continue
        ok = np.isfinite(values)
        missing[name] = int((candidate & ~ok).sum())
        num += np.where(ok, w[name] * values, 0.0)
        den += np.where(ok, w[name], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(candidate & (den > 0), num / den, np.nan)
    used_total = sum(w[k] for k in w if evaluated[k])
    report = []
    for name, (_, how) in NORMALISERS.items():
        if w[name] == 0:
            status, reason = "weight 0", "weight 0 given: not part of the score"
        elif not evaluated[name]:
            status = "not evaluated"
            reason = (reasons.get(name, "no data") + f"; its weight {w[name] / total:.2f} is redistributed over the "
                      "evaluated criteria in proportion to theirs")
        else:
            status = "evaluated"
            reason = reasons.get(name, "")
            if missing[name]:
                reason = (reason + "; " if reason else "") + (
                    f"{missing[name]} candidate cell(s) had no value: its weight went to the other criteria there")
        report.append({
            "criterion": name, "status": status, "weight_given": round(w[name] / total, 4),
            "weight_used": round(w[name] / used_total, 4) if evaluated[name] and used_total > 0 else 0.0,
            "normalisation": how, "cells_without_value": missing[name], "reason": reason,
        })
    return score, report


def within_reach(arrays: Mapping[str, np.ndarray | None]) -> dict[str, np.ndarray]:
    """The scan's distances with the substations and projects beyond reach removed.

    Parameters
    ----------
    arrays : mapping
        The scan's ``dist_substation_km`` [km], ``substation_index`` [-], ``dist_project_km`` [km] and
        ``project_index`` [-].

    Returns
    -------
    dict
        The same four arrays: NaN (distances) and -1 (indices) on cells farther than
        :data:`MAX_CONNECTION_KM` from every substation or :data:`MAX_PROJECT_KM` from every project.
    """
    out: dict[str, np.ndarray] = {}
    for what, limit in (("substation", MAX_CONNECTION_KM), ("project", MAX_PROJECT_KM)):
        dist, index = arrays[f"dist_{what}_km"], arrays[f"{what}_index"]
        if dist is None or index is None:
            raise ValueError(f"scan result: dist_{what}_km or {what}_index missing")
        with np.errstate(invalid="ignore"):
            near = dist <= limit
        out[f"dist_{what}_km"] = np.where(near, dist, np.nan)
        out[f"{what}_index"] = np.where(near, index, -1)
    return out


def score_criteria(arrays: Mapping[str, np.ndarray | None], reach: Mapping[str, np.ndarray], *,
                   has_substations: bool, has_projects: bool, land: np.ndarray | None = None
                   ) -> dict[str, np.ndarray | None]:
    """The raw values :func:`suitability` scores, from the scan.

    Parameters
    ----------
    arrays : mapping
        The scan's ``specific_yield_kwh_per_kwp`` [kWh/kWp] and ``slope_deg`` [degrees] (None: no DEM).
    reach : mapping
        :func:`within_reach` (distances [km] within reach, else NaN).
    has_substations, has_projects : bool
        Whether any substation / project was measured to (else the criterion has no data).
    land : numpy.ndarray, optional
        :func:`land_values` (None: no land cover).

    Returns
    -------
    dict
        ``yield`` [kWh/kWp], ``grid`` [km], ``slope`` [degrees], ``projects`` [km], ``road`` [km] (the scan's
        ``dist_road_km``), ``land`` [0-1]; None for no data.
    """
    return {
        "yield": arrays["specific_yield_kwh_per_kwp"],
        "grid": reach["dist_substation_km"] if has_substations else None,
        "slope": arrays["slope_deg"],
        "projects": reach["dist_project_km"] if has_projects else None,
        "road": arrays.get("dist_road_km"),
        "land": land,
    }
