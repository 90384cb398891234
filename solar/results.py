"""Typed yield results (frozen dataclasses) and :func:`as_json`, the one place they become JSON.

:func:`solar.site.site_yield`, :mod:`solar.portfolio`'s project, reference and district yields return these;
the service (:mod:`api.workers`), the CLI's ``--json`` output and the district report take their JSON from
:func:`as_json`, so the members, their order and their values are written once. Every figure carries its unit
in its name, as in the JSON.

A result also reads as a read-only mapping of its JSON members (``result["annual_energy_mwh"]``), for code
that reads results by key.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any


class JsonView(Mapping[str, Any]):
    """A result's JSON members (:func:`as_json`), read by key; computed once per result."""

    def _members(self) -> dict[str, Any]:
        cached: dict[str, Any] | None = self.__dict__.get("_json")
        if cached is None:
            cached = as_json(self)
            self.__dict__["_json"] = cached  # a frozen dataclass: a cache, not a field
        return cached

    def __getitem__(self, key: str) -> Any:
        return self._members()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._members())

    def __len__(self) -> int:
        return len(self._members())


@dataclass(frozen=True, eq=False)
class CropLight(JsonView):
    """PAR on the ground between and under the rows, as shares [-] of the open field's (agrivoltaic presets)."""

    fraction: float  # mean over the row pitch and the year [-]
    monthly: tuple[float, ...]  # 12 shares [-]
    by_segment: tuple[float, ...]  # shares [-] by segment of the pitch, segment 0 under the row's centre line
    method: str


@dataclass(frozen=True, eq=False)
class SiteYield(JsonView):
    """Yield of one PV site on one weather year, with its P50/P90 and the assumptions behind it."""

    latitude: float  # [degrees]
    longitude: float  # [degrees]
    capacity_mw: float  # DC [MWp]
    mounting: str
    annual_energy_mwh: float  # AC [MWh]
    specific_yield_kwh_per_kwp: float  # [kWh/kWp]
    capacity_factor: float  # AC energy over DC capacity x hours [-]
    performance_ratio: float  # [-]
    poa_kwh_per_m2: float  # front plane-of-array irradiation [kWh/m^2]
    ghi_kwh_per_m2: float  # [kWh/m^2]
    monthly_energy_mwh: tuple[float, ...]  # 12 months [MWh]
    weather_source: str
    is_estimate: bool
    weather_clipped_hours: int
    assumptions: dict[str, Any]  # capacity, performance_ratio, weather, mounting, accuracy, weather_clipped, p50_p90
    energy_p50_mwh: float  # [MWh]
    energy_p90_1y_mwh: float | None  # [MWh]; None when the interannual variability is unknown
    energy_p90_10y_mwh: float | None  # [MWh]
    specific_yield_p90_1y_kwh_per_kwp: float | None  # [kWh/kWp]
    specific_yield_p90_10y_kwh_per_kwp: float | None  # [kWh/kWp]
    interannual_std_pct: float | None  # [%]
    crop_light: CropLight | None = None  # agrivoltaic presets only


@dataclass(frozen=True, eq=False)
class ProjectYield(JsonView):
    """A registry PV project's yield at its location (precision stated), or why it has none (``yield_status``).

    Identity columns are the store's values as they are; ``site`` is the yield of its subtype's preset.
    """

    id: Any
    name_zh: Any
    subtype: Any
    district_adcode: Any
    capacity_mw: float | None  # DC [MWp]; None when the plan states none
    mounting: str | None  # the preset used
    lon: float  # [degrees]
    lat: float  # [degrees]
    location_precision: Any
    yield_status: str  # "computed" or the reason there is no yield
    site: SiteYield | None = None
    location_note: str | None = None
    category: str | None = None  # set in a district's rows, where technologies mix


@dataclass(frozen=True, eq=False)
class ReferenceYield(JsonView):
    """1 kWp of the reference mounting at a district's representative point: what missing MW are valued at."""

    lat: float  # [degrees]
    lon: float  # [degrees]
    specific_yield_kwh_per_kwp: float  # [kWh/kWp]
    specific_yield_p90_1y_kwh_per_kwp: float | None  # [kWh/kWp]
    specific_yield_p90_10y_kwh_per_kwp: float | None  # [kWh/kWp]
    interannual_std_pct: float | None  # [%]
    weather_source: str
    is_estimate: bool
    p50_p90: str
    weather: list[str]


@dataclass(frozen=True, eq=False)
class TechnologyTotal(JsonView):
    """Projects, capacity and energy (P50/P90) of a district's projects of one technology."""

    projects: int
    projects_with_yield: int
    capacity_mw: float  # of the projects with a yield [MW]
    annual_energy_mwh: float | None  # P50 [MWh]
    annual_energy_mwh_p90_1y: float | None  # [MWh]
    annual_energy_mwh_p90_10y: float | None  # [MWh]


@dataclass(frozen=True, eq=False)
class DistrictTotal(TechnologyTotal):
    """All of a district's projects, and by technology."""

    by_category: dict[str, TechnologyTotal] | None = None


@dataclass(frozen=True, eq=False)
class TargetEnergy(JsonView):
    """A capacity target in MW (:func:`geo.rollup.target_gaps`' row) and in energy [GWh], P50 and P90."""

    target_id: Any
    adcode: Any
    metric: Any
    year: Any
    comparator: Any
    basis: Any
    target_mw: float  # [MW]
    named_mw: float  # [MW]
    gap_mw: float  # target - named [MW]
    named_projects: Any  # ids, comma-separated
    projects_without_capacity: Any
    backed: Any
    missing_mw: float  # [MW]
    named_mw_with_yield: float  # [MW]
    named_mw_without_yield: float  # [MW]
    missing_valued_as: str | None  # the technology whose reference yield values the missing MW
    named_energy_gwh: float | None  # [GWh]
    named_energy_gwh_p90_1y: float | None
    named_energy_gwh_p90_10y: float | None
    missing_energy_gwh: float | None
    missing_energy_gwh_p90_1y: float | None
    missing_energy_gwh_p90_10y: float | None
    target_energy_gwh: float | None
    target_energy_gwh_p90_1y: float | None
    target_energy_gwh_p90_10y: float | None


@dataclass(frozen=True)
class OtherYields:
    """Yields of another technology's projects in a district (wind), computed by its package and handed in.

    ``rows`` are per project, as JSON members like :class:`ProjectYield`'s (``id``, ``yield_status``,
    ``capacity_mw``, ``annual_energy_mwh``, ``interannual_std_pct``); ``reference`` is the yield of 1 MW of the
    technology at the district's representative point (``specific_yield_kwh_per_kwp`` [kWh/kW], its P90s,
    ``interannual_std_pct``).
    """

    category: str
    metric: str  # the capacity metric of this technology alone, e.g. wind_capacity_mw
    rows: list[dict[str, Any]]
    reference: dict[str, Any]
    assumptions: dict[str, str]


@dataclass(frozen=True, eq=False)
class DistrictYield(JsonView):
    """A district's PV projects and other technologies', totals with P50/P90, and its targets in energy."""

    adcode: str
    name_zh: Any
    pv_projects: tuple[ProjectYield, ...]
    others: tuple[OtherYields, ...]  # each serialised as <category>_projects and <category>_reference_yield
    total: DistrictTotal
    reference_yield: ReferenceYield
    targets: tuple[TargetEnergy, ...]
    assumptions: dict[str, str]


def _members(result: Any) -> dict[str, Any]:
    """A flat result's fields in order, as they are."""
    return {f.name: getattr(result, f.name) for f in fields(result)}


@functools.singledispatch
def as_json(result: Any) -> Any:
    """The JSON members of a result, in their documented order (values as they are: NaN stays NaN).

    The one serialisation of :mod:`solar.results`: the service, the CLI's ``--json`` and the report use it.
    """
    return result


@as_json.register
def _(result: CropLight) -> dict[str, Any]:
    return {"crop_light_monthly": list(result.monthly), "crop_light_by_segment": list(result.by_segment),
            "crop_light_method": result.method}


@as_json.register
def _(result: SiteYield) -> dict[str, Any]:
    out = _members(result)
    out["monthly_energy_mwh"] = list(result.monthly_energy_mwh)
    crop = out.pop("crop_light")
    figures = list(out.items())
    at = [k for k, _ in figures].index("monthly_energy_mwh") + 1  # the fraction follows the months
    figures.insert(at, ("crop_light_fraction", crop.fraction if crop is not None else None))
    return {**dict(figures), **(as_json(crop) if crop is not None else {})}


@as_json.register
def _(result: ProjectYield) -> dict[str, Any]:
    out = {k: v for k, v in _members(result).items()
           if k not in ("yield_status", "site", "location_note", "category")}
    if result.site is not None:
        for k, v in as_json(result.site).items():
            out.setdefault(k, v)  # the project's capacity and preset stay where they are
    out["yield_status"] = result.yield_status
    if result.location_note is not None:
        out["location_note"] = result.location_note
    if result.category is not None:
        out["category"] = result.category
    return out


@as_json.register
def _(result: ReferenceYield) -> dict[str, Any]:
    return _members(result)


@as_json.register
def _(result: TechnologyTotal) -> dict[str, Any]:
    out = _members(result)
    if isinstance(result, DistrictTotal):
        out["by_category"] = {c: as_json(t) for c, t in (result.by_category or {}).items()}
    return out


@as_json.register
def _(result: TargetEnergy) -> dict[str, Any]:
    return _members(result)


@as_json.register
def _(result: DistrictYield) -> dict[str, Any]:
    return {
        "adcode": result.adcode,
        "name_zh": result.name_zh,
        "pv_projects": [as_json(r) for r in result.pv_projects],
        **{f"{o.category}_projects": o.rows for o in result.others},
        "total": as_json(result.total),
        "reference_yield": as_json(result.reference_yield),
        **{f"{o.category}_reference_yield": o.reference for o in result.others},
        "targets": [as_json(t) for t in result.targets],
        "assumptions": result.assumptions,
    }
