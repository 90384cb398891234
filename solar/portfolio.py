"""Yield of the registry's PV projects, per district, and the targets in energy as well as MW.

Every PV project with a capacity gets the yield of its subtype's preset (:data:`SUBTYPE_PRESETS`) at its
location, with the location's precision stated: most projects sit at their district's representative
point because the plans name no site. A capacity target is shown with its energy equivalent, and its gap
(from :func:`geo.rollup.target_gaps`) with the energy still missing, both at the district's reference
yield: ground-mounted fixed PV (``ground_fixed``) at the district's representative point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import NotFoundError
from geo.rollup import GAP_ASSUMPTION, target_gaps
from solar.mounting import SUBTYPE_PRESETS, mounting
from solar.site import site_yield
from solar.weather import Weather

WeatherAt = Callable[[float, float], Weather]
#: The metrics whose MW the reference PV yield turns into energy (wind and other MW are not PV).
PV_METRICS = ("pv_capacity_mw", "new_energy_capacity_mw", "renewable_capacity_mw")
REFERENCE_PRESET = "ground_fixed"
P90_ASSUMPTION = (
    "P50 energies are the typical year's; P90 (one year, ten-year mean) of targets, gaps and the district total "
    "scale them by the reference yield's P90/P50 (one weather for the district, so its projects' years move "
    "together and their P90s add); method and what it leaves out: reference_yield.p50_p90"
)
ENERGY_ASSUMPTION = (
    "energy equivalent = MW x the district's reference specific yield (ground_fixed preset at the district's "
    "representative point): the energy the MW would give if built as ground-mounted PV; for new-energy and "
    "renewable targets part may be wind or other sources, which yield differently"
)


def _point(row: pd.Series) -> tuple[float, float]:
    return float(row["lat"]), float(row["lon"])


def project_yield(project: pd.Series, weather_at: WeatherAt) -> dict[str, Any]:
    """Yield of one PV project from the store (needs ``capacity_mw``, ``subtype``, ``lon``, ``lat``)."""
    pid = project["id"]
    if project["category"] != "pv":
        raise NotFoundError(f"project {pid}: category {project['category']!r} is not PV, no yield to compute")
    base = {
        "id": pid, "name_zh": project["name_zh"], "subtype": project["subtype"],
        "district_adcode": project["district_adcode"], "capacity_mw": None, "mounting": None,
        "lon": float(project["lon"]), "lat": float(project["lat"]),
        "location_precision": project["location_precision"],
    }
    if pd.isna(project["capacity_mw"]) or float(project["capacity_mw"]) <= 0:
        return {**base, "yield_status": "no capacity stated in the plan: no yield"}
    preset = SUBTYPE_PRESETS.get(str(project["subtype"]), REFERENCE_PRESET)
    result = site_yield(weather_at(*_point(project)), float(project["capacity_mw"]), mounting(preset))
    precision_note = (
        f"computed at the project's {project['location_precision']} location"
        + ("" if project["location_precision"] in ("surveyed", "site") else
           " (the plan names no site; the yield is that of a point in the area, not of the site)")
    )
    return {**base, **result, "capacity_mw": float(project["capacity_mw"]), "mounting": preset,
            "yield_status": "computed", "location_note": precision_note}


def project_yields(projects: pd.DataFrame, weather_at: WeatherAt) -> list[dict[str, Any]]:
    """A yield (or the reason there is none) for every PV project, in registry order."""
    pv = projects[projects["category"] == "pv"]
    return [project_yield(row, weather_at) for _, row in pv.iterrows()]


def reference_yield(district: pd.Series, weather_at: WeatherAt) -> dict[str, Any]:
    """The ground_fixed specific yield at a district's representative point."""
    point = district.geometry.representative_point()
    result = site_yield(weather_at(point.y, point.x), 1.0, mounting(REFERENCE_PRESET))
    keys = ("specific_yield_kwh_per_kwp", "specific_yield_p90_1y_kwh_per_kwp", "specific_yield_p90_10y_kwh_per_kwp",
            "interannual_std_pct", "weather_source", "is_estimate")
    return {"lat": point.y, "lon": point.x, **{k: result[k] for k in keys},
            "p50_p90": result["assumptions"]["p50_p90"], "weather": result["assumptions"]["weather"]}


def _p90(mwh: float, p50_kwh_per_kwp: float, p90_kwh_per_kwp: float | None) -> float | None:
    """An energy at P90: the same ratio to P50 as the reference yield's (one weather for the district)."""
    return None if p90_kwh_per_kwp is None or p50_kwh_per_kwp <= 0 else mwh * p90_kwh_per_kwp / p50_kwh_per_kwp


def district_yield(adcode: str, projects: pd.DataFrame, targets: pd.DataFrame, districts: gpd.GeoDataFrame,
                   weather_at: WeatherAt) -> dict[str, Any]:
    """PV projects of a district (a city includes its counties), their totals, and its targets in energy."""
    match = districts[districts["adcode"] == adcode]
    if match.empty:
        allowed = ", ".join(f"{a} {n}" for a, n in zip(districts["adcode"], districts["name_zh"], strict=True))
        raise NotFoundError(f"district: unknown adcode {adcode!r} (allowed: {allowed})")
    district = match.iloc[0]
    parents = dict(zip(districts["adcode"], districts["parent_adcode"], strict=True))
    units = {adcode} | {a for a, p in parents.items() if p == adcode}
    rows = project_yields(projects[projects["district_adcode"].isin(units)], weather_at)
    computed = [r for r in rows if r["yield_status"] == "computed"]
    reference = reference_yield(district, weather_at)
    gaps = target_gaps(projects, targets, parents)
    gaps = gaps[(gaps["adcode"] == adcode) & gaps["metric"].isin(PV_METRICS)]
    kwh_per_kwp = reference["specific_yield_kwh_per_kwp"]
    p90_1y, p90_10y = reference["specific_yield_p90_1y_kwh_per_kwp"], reference["specific_yield_p90_10y_kwh_per_kwp"]
    target_rows = []
    for g in gaps.to_dict("records"):
        row = {k: (None if pd.isna(v) else v) for k, v in g.items() if k != "assumption"}
        for name, mw in (("target", g["target_mw"]), ("named", g["named_mw"]), ("missing", max(g["gap_mw"], 0.0))):
            row[f"{name}_energy_gwh"] = mw * kwh_per_kwp / 1e3
            row[f"{name}_energy_gwh_p90_1y"] = None if p90_1y is None else mw * p90_1y / 1e3
            row[f"{name}_energy_gwh_p90_10y"] = None if p90_10y is None else mw * p90_10y / 1e3
        row["missing_mw"] = max(g["gap_mw"], 0.0)
        target_rows.append(row)
    total_mwh = sum(r["annual_energy_mwh"] for r in computed)
    return {
        "adcode": adcode,
        "name_zh": district["name_zh"],
        "pv_projects": rows,
        "total": {
            "projects": len(rows),
            "projects_with_yield": len(computed),
            "capacity_mw": sum(r["capacity_mw"] for r in computed),
            "annual_energy_mwh": total_mwh,
            "annual_energy_mwh_p90_1y": _p90(total_mwh, kwh_per_kwp, p90_1y),
            "annual_energy_mwh_p90_10y": _p90(total_mwh, kwh_per_kwp, p90_10y),
        },
        "reference_yield": reference,
        "targets": target_rows,
        "assumptions": {"gap": GAP_ASSUMPTION, "energy": ENERGY_ASSUMPTION, "p50_p90": P90_ASSUMPTION,
                        "projects": "each project's preset from its subtype: " + ", ".join(
                            f"{k}->{v}" for k, v in SUBTYPE_PRESETS.items())},
    }
