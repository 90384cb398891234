"""Typed wind results (frozen dataclasses): a site's, a wind farm's and a district's reference wind yield.

:func:`wind.site.site_yield` and :mod:`wind.portfolio`'s project and reference yields return these; they are
serialised by :func:`solar.results.as_json` (registered here), the one place results become JSON, so a
district's wind rows and PV rows are written the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solar.results import as_json, members, project_members


@dataclass(frozen=True)
class WindSiteYield:
    """Yield of a wind farm of one turbine type on one site's wind, with its P50/P90 and the assumptions."""

    latitude: float  # [degrees]
    longitude: float  # [degrees]
    capacity_mw: float  # rated [MW]
    turbine: str
    hub_height_m: float  # [m]
    turbines: float  # capacity over the turbine's rating (fractional: a planning figure) [-]
    mean_wind_hub_m_s: float  # long-term mean wind at hub height [m/s]
    annual_energy_mwh: float  # net of the farm losses [MWh]
    gross_energy_mwh: float  # [MWh]
    full_load_hours: float  # [h] = [kWh/kW]
    specific_yield_kwh_per_kwp: float  # the full-load hours [kWh/kW], for tables shared with PV
    capacity_factor: float  # [-]
    gross_capacity_factor: float  # [-]
    monthly_energy_mwh: tuple[float, ...]  # 12 months, net [MWh]
    losses_pct: dict[str, float]  # farm losses by name [% of the gross energy]
    total_loss_pct: float  # compounded [%]
    energy_sensitivity_to_speed: float  # % energy per % mean wind [-]
    weather_source: str
    is_estimate: bool
    assumptions: dict[str, Any]  # wind, turbine, physics, losses, capacity, accuracy, p50_p90
    energy_p50_mwh: float  # [MWh]
    energy_p90_1y_mwh: float | None  # [MWh]
    energy_p90_10y_mwh: float | None  # [MWh]
    specific_yield_p90_1y_kwh_per_kwp: float | None  # [kWh/kW]
    specific_yield_p90_10y_kwh_per_kwp: float | None  # [kWh/kW]
    interannual_std_pct: float | None  # [% of P50]


@dataclass(frozen=True)
class WindProjectYield:
    """A registry wind farm's yield at its location (precision stated), or why it has none (``yield_status``).

    Identity columns are the store's values as they are; ``site`` is the farm's yield.
    """

    id: Any
    name_zh: Any
    category: str  # "wind"
    subtype: Any
    district_adcode: Any
    capacity_mw: float | None  # rated [MW]; None when the plan states none
    lon: float  # [degrees]
    lat: float  # [degrees]
    location_precision: Any
    yield_status: str  # "computed" or the reason there is no yield
    site: WindSiteYield | None = None
    location_note: str | None = None


@dataclass(frozen=True)
class WindReferenceYield:
    """1 MW of the default (or chosen) turbine on the stated wind at a district's representative point."""

    lat: float  # [degrees]
    lon: float  # [degrees]
    specific_yield_kwh_per_kwp: float  # full-load hours [kWh/kW]
    specific_yield_p90_1y_kwh_per_kwp: float | None  # [kWh/kW]
    specific_yield_p90_10y_kwh_per_kwp: float | None  # [kWh/kW]
    full_load_hours: float  # [h]
    capacity_factor: float  # [-]
    interannual_std_pct: float | None  # [% of P50]
    mean_wind_hub_m_s: float  # [m/s]
    turbine: str
    weather_source: str
    is_estimate: bool
    p50_p90: str
    wind: list[str]  # the wind's assumptions


@as_json.register
def _(result: WindSiteYield) -> dict[str, Any]:
    return {"category": "wind", **members(result), "monthly_energy_mwh": list(result.monthly_energy_mwh)}


@as_json.register
def _(result: WindProjectYield) -> dict[str, Any]:
    return project_members(result)
