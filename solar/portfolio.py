"""Yield of the registry's PV projects, per district, and the targets in energy as well as MW.

Every PV project with a capacity gets the yield of its subtype's preset (:data:`SUBTYPE_PRESETS`) at its
location, with the location's precision stated: most projects sit at their district's representative
point because the plans name no site. A capacity target is shown with its energy equivalent, and its gap
(from :func:`geo.rollup.target_gaps`) with the energy still missing, both at the district's reference
yield: ground-mounted fixed PV (``ground_fixed``) at the district's representative point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import NotFoundError
from geo.rollup import GAP_ASSUMPTION, target_gaps
from solar.mounting import SUBTYPE_PRESETS, mounting
from solar.p50p90 import combined
from solar.results import (
    DistrictTotal,
    DistrictYield,
    OtherYields,
    ProjectFigures,
    ProjectYield,
    ReferenceFigures,
    ReferenceYield,
    SiteFigures,
    TargetEnergy,
    TechnologyTotal,
)
from solar.site import site_yield
from solar.weather import Weather

WeatherAt = Callable[[float, float], Weather]
#: The metrics whose MW the reference PV yield turns into energy (wind and other MW are not PV).
PV_METRICS = ("pv_capacity_mw", "new_energy_capacity_mw", "renewable_capacity_mw")
#: The capacity targets shown in energy as well as MW (a technology handed in adds its own metric: wind).
ENERGY_METRICS = PV_METRICS
REFERENCE_PRESET = "ground_fixed"
P90_ASSUMPTION = (
    "P50 energies are the typical year's (PV) or the long-term mean wind's; within a technology a district has "
    "one weather, so its projects' years move together and their SDs add; PV and wind years are taken as "
    "independent (correlation 0, an assumption), so their SDs add in quadrature; P90 (1 year) = P50 - 1.2816 SD, "
    "P90 (10-year mean) = P50 - 1.2816 SD / sqrt(10); each project's method and what it leaves out: its p50_p90"
)
TARGET_ENERGY_ASSUMPTION = (
    "named energy = the named projects' computed yields (projects of a kind with no yield model, or without a "
    "capacity, are counted in MW only: named_mw_without_yield); missing energy = missing MW x the reference "
    "yield at the district's representative point of the target's technology (missing_valued_as: ground_fixed PV "
    "for PV, new-energy and renewable targets, i.e. as if the rest were built as ground PV; the wind reference "
    "for wind targets); target energy = named energy + missing energy, or, when the named projects exceed the "
    "target, the target's share of the named energy"
)
ENERGY_ASSUMPTION = TARGET_ENERGY_ASSUMPTION


def _point(row: pd.Series) -> tuple[float, float]:
    return float(row["lat"]), float(row["lon"])


def project_yield(project: pd.Series, weather_at: WeatherAt) -> ProjectYield:
    """Yield of one PV project from the store: its subtype's preset at its location, precision stated.

    Parameters
    ----------
    project : pandas.Series
        The store's row: ``id``, ``name_zh``, ``category``, ``subtype``, ``district_adcode``,
        ``capacity_mw`` [MWp], ``lon``, ``lat`` [degrees], ``location_precision``.
    weather_at : callable
        ``(lat, lon)`` [degrees] -> the weather year at that point.

    Returns
    -------
    ProjectYield
        The project's identity, ``yield_status`` ("computed" or why there is no yield) and, when computed, its
        ``site`` yield (``annual_energy_mwh`` [MWh], ``specific_yield_kwh_per_kwp`` [kWh/kWp], P50/P90).

    Raises
    ------
    geo.errors.NotFoundError
        For a project that is not PV.
    """
    pid = project["id"]
    if project["category"] != "pv":
        raise NotFoundError(f"project {pid}: category {project['category']!r} is not PV, no yield to compute")
    base = ProjectYield(
        id=pid, name_zh=project["name_zh"], subtype=project["subtype"], district_adcode=project["district_adcode"],
        capacity_mw=None, mounting=None, lon=float(project["lon"]), lat=float(project["lat"]),
        location_precision=project["location_precision"], yield_status="no capacity stated in the plan: no yield",
    )
    if pd.isna(project["capacity_mw"]) or float(project["capacity_mw"]) <= 0:
        return base
    preset = SUBTYPE_PRESETS.get(str(project["subtype"]), REFERENCE_PRESET)
    result = site_yield(weather_at(*_point(project)), float(project["capacity_mw"]), mounting(preset))
    precision_note = (
        f"computed at the project's {project['location_precision']} location"
        + ("" if project["location_precision"] in ("surveyed", "site") else
           " (the plan names no site; the yield is that of a point in the area, not of the site)")
    )
    return replace(base, capacity_mw=float(project["capacity_mw"]), mounting=preset, yield_status="computed",
                   site=result, location_note=precision_note)


def project_yields(projects: pd.DataFrame, weather_at: WeatherAt) -> list[ProjectYield]:
    """A yield (or the reason there is none) for every PV project, in registry order.

    Parameters
    ----------
    projects : pandas.DataFrame
        The store's projects (any category; only ``pv`` rows are taken), columns as :func:`project_yield`'s.
    weather_at : callable
        ``(lat, lon)`` [degrees] -> the weather year at that point.

    Returns
    -------
    list of ProjectYield
        One per PV project (:func:`project_yield`).
    """
    pv = projects[projects["category"] == "pv"]
    return [project_yield(row, weather_at) for _, row in pv.iterrows()]


def reference_yield(district: pd.Series, weather_at: WeatherAt) -> ReferenceYield:
    """The ground_fixed specific yield at a district's representative point: what missing PV MW are valued at.

    Parameters
    ----------
    district : pandas.Series
        The district's row, with its ``geometry`` (EPSG:4326).
    weather_at : callable
        ``(lat, lon)`` [degrees] -> the weather year at that point.

    Returns
    -------
    ReferenceYield
        The point (``lat``, ``lon`` [degrees]), ``specific_yield_kwh_per_kwp`` [kWh/kWp] and its P90s,
        ``interannual_std_pct`` [%], the weather's source and the P50/P90 method.
    """
    point = district.geometry.representative_point()
    r = site_yield(weather_at(point.y, point.x), 1.0, mounting(REFERENCE_PRESET))
    return ReferenceYield(
        lat=point.y, lon=point.x, specific_yield_kwh_per_kwp=r.specific_yield_kwh_per_kwp,
        specific_yield_p90_1y_kwh_per_kwp=r.specific_yield_p90_1y_kwh_per_kwp,
        specific_yield_p90_10y_kwh_per_kwp=r.specific_yield_p90_10y_kwh_per_kwp,
        interannual_std_pct=r.interannual_std_pct, weather_source=r.weather_source, is_estimate=r.is_estimate,
        p50_p90=r.assumptions["p50_p90"], weather=r.assumptions["weather"],
    )


#: Computes another technology's yields for (the district's projects, the district's row).
OtherProvider = Callable[[pd.DataFrame, pd.Series], OtherYields]


def _computed(row: ProjectFigures) -> SiteFigures:
    """A project's yield; only projects whose ``yield_status`` is "computed" have one."""
    if row.site is None:
        raise ValueError(f"project {row.id}: no yield ({row.yield_status})")
    return row.site


def _sd_mwh(row: ProjectFigures) -> float | None:
    """A project's interannual SD of energy [MWh] (None when unknown)."""
    site = _computed(row)
    s = site.interannual_std_pct
    return None if s is None or pd.isna(s) else site.annual_energy_mwh * s / 100


def _by_category(rows: Sequence[ProjectFigures]) -> dict[str, tuple[float, float | None]]:
    """(P50 MWh, SD MWh) per category: one weather per technology in a district, so SDs add within it."""
    out: dict[str, tuple[float, float | None]] = {}
    for r in rows:
        category = str(r.category)
        e, sd = out.get(category, (0.0, 0.0))
        one = _sd_mwh(r)
        out[category] = (e + _computed(r).annual_energy_mwh, None if sd is None or one is None else sd + one)
    return out


def _capacity_mw(rows: Sequence[ProjectFigures]) -> float:
    """The capacity of projects with a computed yield [MW]."""
    return sum(_computed(r).capacity_mw for r in rows)


def _energy_fields(prefix: str, parts: dict[str, tuple[float, float | None]]) -> dict[str, float | None]:
    """``<prefix>``, ``<prefix>_p90_1y``, ``<prefix>_p90_10y`` in GWh from per-category (P50, SD) MWh."""
    c = combined(parts.values())
    p90_1y, p90_10y = c.energy_p90_1y_mwh, c.energy_p90_10y_mwh
    return {prefix: (c.energy_p50_mwh or 0.0) / 1e3,
            f"{prefix}_p90_1y": None if p90_1y is None else p90_1y / 1e3,
            f"{prefix}_p90_10y": None if p90_10y is None else p90_10y / 1e3}


def _target_row(g: dict[str, Any], computed: dict[str, ProjectFigures], refs: dict[str, ReferenceFigures],
                metric_ref: dict[str, str]) -> TargetEnergy:
    """One capacity target in MW and in energy (see :data:`TARGET_ENERGY_ASSUMPTION`)."""
    row: dict[str, Any] = {k: (None if pd.isna(v) else v) for k, v in g.items() if k != "assumption"}
    named_ids = [i for i in str(g["named_projects"] or "").split(",") if i]
    with_yield = [computed[i] for i in named_ids if i in computed]
    named_yield_mw = _capacity_mw(with_yield)
    named = _by_category(with_yield)
    missing_mw = max(float(g["gap_mw"]), 0.0)
    ref_cat = metric_ref.get(str(g["metric"]), "pv")
    ref = refs.get(ref_cat)
    row["missing_mw"] = missing_mw
    row["named_mw_with_yield"] = named_yield_mw
    row["named_mw_without_yield"] = max(float(g["named_mw"]) - named_yield_mw, 0.0)
    row["missing_valued_as"] = ref_cat if ref is not None else None
    row.update(_energy_fields("named_energy_gwh", named))
    missing: dict[str, tuple[float, float | None]] = {}
    if ref is not None:
        e = missing_mw * ref.specific_yield_kwh_per_kwp  # MW x kWh/kW = MWh
        s = ref.interannual_std_pct
        missing[ref_cat] = (e, None if s is None else e * s / 100)
        row.update(_energy_fields("missing_energy_gwh", missing))
    else:
        row.update({"missing_energy_gwh": None, "missing_energy_gwh_p90_1y": None, "missing_energy_gwh_p90_10y": None})
    target_mw = float(g["target_mw"])
    if named_yield_mw >= target_mw > 0:  # the named pipeline meets it: the target's share of the named energy
        scale = target_mw / named_yield_mw
        parts = {c: (e * scale, None if sd is None else sd * scale) for c, (e, sd) in named.items()}
    elif ref is not None or missing_mw == 0:
        parts = dict(named)
        for c, (e, sd) in missing.items():
            e0, sd0 = parts.get(c, (0.0, 0.0))
            parts[c] = (e0 + e, None if sd is None or sd0 is None else sd0 + sd)
    else:
        parts = {}
    if parts or target_mw == 0:
        row.update(_energy_fields("target_energy_gwh", parts))
    else:
        row.update({"target_energy_gwh": None, "target_energy_gwh_p90_1y": None, "target_energy_gwh_p90_10y": None})
    return TargetEnergy(**row)


def district_yield(adcode: str, projects: pd.DataFrame, targets: pd.DataFrame, districts: gpd.GeoDataFrame,
                    weather_at: WeatherAt, others: Sequence[OtherProvider] = ()) -> DistrictYield:
    """A district's PV projects and other technologies' (``others``: wind), totals, and targets in energy.

    A city includes its counties. Totals and every capacity target's named, missing and target energy carry
    P50/P90 (:data:`P90_ASSUMPTION`, :data:`TARGET_ENERGY_ASSUMPTION`).

    Parameters
    ----------
    adcode : str
        The district (a city's code includes its counties).
    projects, targets : pandas.DataFrame
        The store's projects (``capacity_mw`` [MW]) and capacity targets (``target_mw`` [MW]).
    districts : geopandas.GeoDataFrame
        The store's districts (``adcode``, ``name_zh``, ``parent_adcode``, geometry in EPSG:4326).
    weather_at : callable
        ``(lat, lon)`` [degrees] -> the weather year at that point.
    others : sequence of callable
        Providers of other technologies' yields, ``(the district's projects, the district's row)`` ->
        :class:`solar.results.OtherYields` (wind: :func:`wind.portfolio.wind_provider`).

    Returns
    -------
    DistrictYield
        PV rows, the others' rows and references, ``total`` (``capacity_mw`` [MW], ``annual_energy_mwh`` and
        its P90s [MWh], by technology), the PV ``reference_yield`` [kWh/kWp], ``targets`` in MW and energy
        [GWh] with P90s, and the assumptions (JSON: :func:`solar.results.as_json`).

    Raises
    ------
    geo.errors.NotFoundError
        For an adcode not among ``districts`` (the message lists them).
    """
    match = districts[districts["adcode"] == adcode]
    if match.empty:
        allowed = ", ".join(f"{a} {n}" for a, n in zip(districts["adcode"], districts["name_zh"], strict=True))
        raise NotFoundError(f"district: unknown adcode {adcode!r} (allowed: {allowed})")
    district = match.iloc[0]
    parents = dict(zip(districts["adcode"], districts["parent_adcode"], strict=True))
    units = {adcode} | {a for a, p in parents.items() if p == adcode}
    mine = projects[projects["district_adcode"].isin(units)]
    pv_rows = [replace(r, category="pv") for r in project_yields(mine, weather_at)]
    reference = reference_yield(district, weather_at)
    extra = tuple(provider(mine, district) for provider in others)
    all_rows: list[ProjectFigures] = [*pv_rows, *[r for o in extra for r in o.rows]]
    computed = {r.id: r for r in all_rows if r.yield_status == "computed"}
    refs: dict[str, ReferenceFigures] = {"pv": reference, **{o.category: o.reference for o in extra}}
    metric_ref = {m: "pv" for m in ENERGY_METRICS} | {o.metric: o.category for o in extra}
    gaps = target_gaps(projects, targets, parents)
    gaps = gaps[(gaps["adcode"] == adcode) & gaps["metric"].isin(ENERGY_METRICS + tuple(o.metric for o in extra))]
    target_rows = tuple(_target_row({str(k): v for k, v in g.items()}, computed, refs, metric_ref)
                        for g in gaps.to_dict("records"))
    total = combined(_by_category(list(computed.values())).values())
    categories = ["pv", *[o.category for o in extra]]
    assumptions = {"gap": GAP_ASSUMPTION, "energy": TARGET_ENERGY_ASSUMPTION, "p50_p90": P90_ASSUMPTION,
                   "projects": "each PV project's preset from its subtype: " + ", ".join(
                       f"{k}->{v}" for k, v in SUBTYPE_PRESETS.items())}
    for o in extra:
        assumptions.update(o.assumptions)
    return DistrictYield(
        adcode=adcode, name_zh=district["name_zh"], pv_projects=tuple(pv_rows), others=extra,
        total=DistrictTotal(
            projects=len(all_rows), projects_with_yield=len(computed),
            capacity_mw=_capacity_mw(list(computed.values())),
            annual_energy_mwh=total.energy_p50_mwh, annual_energy_mwh_p90_1y=total.energy_p90_1y_mwh,
            annual_energy_mwh_p90_10y=total.energy_p90_10y_mwh,
            by_category={c: _category_total(c, [r for r in all_rows if r.category == c]) for c in categories},
        ),
        reference_yield=reference, targets=target_rows, assumptions=assumptions,
    )


def _category_total(category: str, rows: list[ProjectFigures]) -> TechnologyTotal:
    """Projects, capacity and energy (P50/P90) of one technology's rows."""
    computed = [r for r in rows if r.yield_status == "computed"]
    e, sd = _by_category(computed).get(category, (0.0, 0.0))
    c = combined([(e, sd)])
    return TechnologyTotal(projects=len(rows), projects_with_yield=len(computed),
                           capacity_mw=_capacity_mw(computed), annual_energy_mwh=e,
                           annual_energy_mwh_p90_1y=c.energy_p90_1y_mwh,
                           annual_energy_mwh_p90_10y=c.energy_p90_10y_mwh)
