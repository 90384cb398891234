"""Typed yield results (frozen dataclasses) and :func:`as_json`, the one place they become JSON.

:func:`solar.site.site_yield`, :mod:`solar.portfolio`'s project, reference and district yields and
:mod:`solar.p50p90`'s P50/P90 return these; :mod:`wind.results` adds wind's and registers them with
:func:`as_json`. The service (:mod:`api.workers`), the CLI's ``--json`` output and the district report take
their JSON from :func:`as_json`, so the members, their order and their values are written once. Code reads a
result by attribute; every figure carries its unit in its name, as in the JSON.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, fields
from typing import Any, Protocol


@dataclass(frozen=True)
class CropLight:
    """PAR on the ground between and under the rows, as shares [-] of the open field's (agrivoltaic presets)."""

    fraction: float  # mean over the row pitch and the year [-]
    monthly: tuple[float, ...]  # 12 shares [-]
    by_segment: tuple[float, ...]  # shares [-] by segment of the pitch, segment 0 under the row's centre line
    method: str


@dataclass(frozen=True)
class SiteYield:
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


@dataclass(frozen=True)
class ProjectYield:
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


@dataclass(frozen=True)
class ReferenceYield:
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


@dataclass(frozen=True)
class TechnologyTotal:
    """Projects, capacity and energy (P50/P90) of a district's projects of one technology."""

    projects: int
    projects_with_yield: int
    capacity_mw: float  # of the projects with a yield [MW]
    annual_energy_mwh: float | None  # P50 [MWh]
    annual_energy_mwh_p90_1y: float | None  # [MWh]
    annual_energy_mwh_p90_10y: float | None  # [MWh]


@dataclass(frozen=True)
class DistrictTotal(TechnologyTotal):
    """All of a district's projects, and by technology."""

    by_category: dict[str, TechnologyTotal] | None = None


@dataclass(frozen=True)
class TargetEnergy:
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


class SiteFigures(Protocol):
    """What a district's totals read of a site's yield: PV's :class:`SiteYield` or wind's."""

    @property
    def capacity_mw(self) -> float:
        """Capacity [MW] (PV: DC [MWp])."""

    @property
    def annual_energy_mwh(self) -> float:
        """Annual energy, P50 [MWh]."""

    @property
    def interannual_std_pct(self) -> float | None:
        """Interannual SD of the annual energy [% of P50]; None when unknown."""


class ProjectFigures(Protocol):
    """What a district's totals read of a project's yield: PV's :class:`ProjectYield` or wind's."""

    @property
    def id(self) -> Any:
        """The project's registry id."""

    @property
    def category(self) -> str | None:
        """The technology (``pv``, ``wind``); PV rows carry it in a district's result."""

    @property
    def yield_status(self) -> str:
        """``computed``, or the reason there is no yield."""

    @property
    def site(self) -> SiteFigures | None:
        """The site yield, when computed."""


class ReferenceFigures(Protocol):
    """What a target's missing MW are valued at: 1 kW of a technology at a district's representative point."""

    @property
    def specific_yield_kwh_per_kwp(self) -> float:
        """Specific yield [kWh/kWp] (wind: full-load hours [kWh/kW])."""

    @property
    def interannual_std_pct(self) -> float | None:
        """Interannual SD of the annual energy [% of P50]; None when unknown."""


@dataclass(frozen=True)
class OtherYields:
    """Yields of another technology's projects in a district (wind), computed by its package and handed in.

    ``rows`` are its project results and ``reference`` the yield of 1 MW of the technology at the district's
    representative point; both are serialised by :func:`as_json` (their package registers their types).
    """

    category: str
    metric: str  # the capacity metric of this technology alone, e.g. wind_capacity_mw
    rows: tuple[ProjectFigures, ...]
    reference: ReferenceFigures
    assumptions: dict[str, str]


@dataclass(frozen=True)
class DistrictYield:
    """A district's PV projects and other technologies', totals with P50/P90, and its targets in energy."""

    adcode: str
    name_zh: Any
    pv_projects: tuple[ProjectYield, ...]
    others: tuple[OtherYields, ...]  # each serialised as <category>_projects and <category>_reference_yield
    total: DistrictTotal
    reference_yield: ReferenceYield
    targets: tuple[TargetEnergy, ...]
    assumptions: dict[str, str]

    def other(self, category: str) -> OtherYields:
        """The yields of another technology handed in (``others``).

        Parameters
        ----------
        category : str
            The technology, e.g. ``wind``.

        Returns
        -------
        OtherYields
            Its project rows, its reference yield (1 MW [kWh/kW]) and its assumptions.

        Raises
        ------
        KeyError
            When the district's result holds no yields of that technology.
        """
        for o in self.others:
            if o.category == category:
                return o
        raise KeyError(f"no {category} yields in the district's result (have: "
                       f"{', '.join(o.category for o in self.others) or 'none'})")


@dataclass(frozen=True)
class Exceedance:
    """P50 and P90s of one annual yield, with the method behind them (:func:`solar.p50p90.exceedance`)."""

    energy_p50_mwh: float  # [MWh]
    energy_p90_1y_mwh: float | None  # [MWh]; None when the interannual variability is unknown
    energy_p90_10y_mwh: float | None  # [MWh]
    specific_yield_p90_1y_kwh_per_kwp: float | None  # [kWh/kWp] (wind: [kWh/kW])
    specific_yield_p90_10y_kwh_per_kwp: float | None  # [kWh/kWp]
    interannual_std_pct: float | None  # [% of P50]
    p50_p90: str  # the method, the source of the variability and what it leaves out


@dataclass(frozen=True)
class CombinedEnergy:
    """P50 and P90s of a sum of independent parts (:func:`solar.p50p90.combined`)."""

    energy_p50_mwh: float  # [MWh]
    energy_p90_1y_mwh: float | None  # [MWh]; None when a part's SD is unknown
    energy_p90_10y_mwh: float | None  # [MWh]
    std_mwh: float | None  # SD of the sum [MWh]


def members(result: Any) -> dict[str, Any]:
    """A flat result's fields in order, as they are (no unit changes: the units are in the names).

    Parameters
    ----------
    result : dataclass
        A result instance.

    Returns
    -------
    dict
        Field name -> value, in field order.
    """
    return {f.name: getattr(result, f.name) for f in fields(result)}


@functools.singledispatch
def as_json(result: Any) -> Any:
    """The JSON members of a result, in their documented order (values as they are: NaN stays NaN).

    The one serialisation of typed results: the service, the CLI's ``--json`` and the report use it.

    Parameters
    ----------
    result : object
        A result of :mod:`solar.results` or :mod:`wind.results`; a flat result without a registered form
        (:class:`ReferenceYield`, :class:`TargetEnergy`, :class:`Exceedance`, ...) gives its fields in order.
        Anything else is returned as it is.

    Returns
    -------
    dict or object
        The members, with their units in their names (``annual_energy_mwh`` [MWh],
        ``specific_yield_kwh_per_kwp`` [kWh/kWp], ...); sequences of months as lists.
    """
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return members(result)
    return result


@as_json.register
def _(result: CropLight) -> dict[str, Any]:
    return {"crop_light_monthly": list(result.monthly), "crop_light_by_segment": list(result.by_segment),
            "crop_light_method": result.method}


@as_json.register
def _(result: SiteYield) -> dict[str, Any]:
    out = members(result)
    out["monthly_energy_mwh"] = list(result.monthly_energy_mwh)
    crop = out.pop("crop_light")
    figures = list(out.items())
    at = [k for k, _ in figures].index("monthly_energy_mwh") + 1  # the fraction follows the months
    figures.insert(at, ("crop_light_fraction", crop.fraction if crop is not None else None))
    return {**dict(figures), **(as_json(crop) if crop is not None else {})}


def project_members(result: Any, trailing: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON members of a project's result (PV's :class:`ProjectYield`, wind's): identity, figures, status.

    Parameters
    ----------
    result : dataclass
        A project result with the fields ``yield_status``, ``site`` (its site yield or None) and
        ``location_note``; its other fields are the project's identity (``capacity_mw`` [MW], ``lon``, ``lat``
        [degrees], ...).
    trailing : tuple of str
        Fields written last, after ``location_note``, and only when set.

    Returns
    -------
    dict
        The identity in field order, the site's members not already there (the project's capacity and preset
        stay where they are), ``yield_status``, then ``location_note`` and ``trailing`` when set.
    """
    last = ("location_note", *trailing)
    out = {k: v for k, v in members(result).items() if k not in ("yield_status", "site", *last)}
    if result.site is not None:
        for k, v in as_json(result.site).items():
            out.setdefault(k, v)
    out["yield_status"] = result.yield_status
    for k in last:
        if getattr(result, k) is not None:
            out[k] = getattr(result, k)
    return out


@as_json.register
def _(result: ProjectYield) -> dict[str, Any]:
    return project_members(result, trailing=("category",))


@as_json.register
def _(result: TechnologyTotal) -> dict[str, Any]:
    out = members(result)
    if isinstance(result, DistrictTotal):
        out["by_category"] = {c: as_json(t) for c, t in (result.by_category or {}).items()}
    return out


@as_json.register
def _(result: DistrictYield) -> dict[str, Any]:
    return {
        "adcode": result.adcode,
        "name_zh": result.name_zh,
        "pv_projects": [as_json(r) for r in result.pv_projects],
        **{f"{o.category}_projects": [as_json(r) for r in o.rows] for o in result.others},
        "total": as_json(result.total),
        "reference_yield": as_json(result.reference_yield),
        **{f"{o.category}_reference_yield": as_json(o.reference) for o in result.others},
        "targets": [as_json(t) for t in result.targets],
        "assumptions": result.assumptions,
    }
