"""Yield of the registry's wind farms, and a district's new-energy pipeline (PV and wind) against its targets.

Every wind project with a capacity gets :func:`wind.site.site_yield` at its location, with the location's
precision stated (the plans name no site for most farms: the yield is that of the area's assumed wind, not of
the site). :func:`district_yield` hands the wind rows to :func:`solar.portfolio.district_yield`, the one place
that totals a district's technologies and weighs them against its capacity targets in energy.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import NotFoundError
from solar.portfolio import OtherProvider, WeatherAt
from solar.portfolio import district_yield as _district_yield
from solar.results import DistrictYield, OtherYields
from wind.errors import WindInputError
from wind.resource import WindResource, default_resource, read_wind_file, site_type
from wind.results import WindProjectYield, WindReferenceYield
from wind.site import check_losses, site_yield
from wind.turbines import turbine

WIND_METRIC = "wind_capacity_mw"


@dataclasses.dataclass(frozen=True)
class WindOptions:
    """How wind yields are computed (picklable, for the analysis workers); every field None = the default."""

    turbine: str | None = None  # generic_iec3, a windpowerlib library type, or a power-curve .csv
    hub_height_m: float | None = None
    site_type: str | None = None
    mean_speed_m_s: float | None = None  # long-term mean at height_m (else the site type's)
    height_m: float | None = None  # height of mean_speed_m_s or of the file's wind
    weibull_k: float | None = None
    altitude_m: float | None = None
    wind_file: str | None = None  # an hourly wind file (EPW or CSV): takes precedence
    losses: tuple[tuple[str, float], ...] = ()

    def check(self) -> None:
        """Refuse bad options before any yield runs."""
        site_type(self.site_type)
        check_losses(dict(self.losses))
        turbine(self.turbine, self.hub_height_m)


def resource_at(data_dir: Path, lat: float, lon: float, options: WindOptions) -> WindResource:
    """The wind at a point: the file when given (it must be near), else the stated default.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.
    lat, lon : float
        The point [degrees, WGS-84].
    options : WindOptions
        The wind options (file, site type, mean [m/s], height [m], shape, altitude [m]).

    Returns
    -------
    WindResource
        :func:`wind.resource.read_wind_file`'s or :func:`wind.resource.default_resource`'s wind.

    Raises
    ------
    wind.errors.WindInputError
        For a missing or bad file, or an option out of range.
    """
    if options.wind_file is not None:
        return _file_resource(data_dir, options.wind_file, round(lat, 4), round(lon, 4), options)
    return default_resource(data_dir, lat, lon, kind=options.site_type, mean_speed_m_s=options.mean_speed_m_s,
                            height_m=options.height_m, weibull_k=options.weibull_k, altitude_m=options.altitude_m)


@functools.lru_cache(maxsize=16)
def _file_resource(data_dir: Path, spec: str, lat: float, lon: float, options: WindOptions) -> WindResource:
    path = Path(spec)
    if not path.exists():
        raise WindInputError("wind", f"file {spec!r} does not exist")
    return read_wind_file(path, data_dir, height_m=options.height_m, kind=options.site_type,
                          altitude_m=options.altitude_m, lat=lat, lon=lon)


def project_yield(project: pd.Series, data_dir: Path, options: WindOptions = WindOptions()) -> WindProjectYield:
    """Yield of one wind project from the store: the chosen turbine on the wind at its location, precision stated.

    Parameters
    ----------
    project : pandas.Series
        The store's row: ``id``, ``name_zh``, ``category``, ``subtype``, ``district_adcode``,
        ``capacity_mw`` [MW], ``lon``, ``lat`` [degrees], ``location_precision``.
    data_dir : pathlib.Path
        The data folder (the stated default winds).
    options : WindOptions
        Turbine, hub height [m], wind and losses [%] (default: the generic turbine on the stated wind).

    Returns
    -------
    WindProjectYield
        The project's identity, ``yield_status`` ("computed" or why there is no yield) and, when computed, its
        ``site`` yield (``annual_energy_mwh`` [MWh], ``full_load_hours`` [h], P50/P90).

    Raises
    ------
    geo.errors.NotFoundError
        For a project that is not wind.
    """
    pid = project["id"]
    if project["category"] != "wind":
        raise NotFoundError(f"project {pid}: category {project['category']!r} is not wind")
    base = WindProjectYield(
        id=pid, name_zh=project["name_zh"], category="wind", subtype=project["subtype"],
        district_adcode=project["district_adcode"], capacity_mw=None, lon=float(project["lon"]),
        lat=float(project["lat"]), location_precision=project["location_precision"],
        yield_status="no capacity stated in the plan: no yield",
    )
    if pd.isna(project["capacity_mw"]) or float(project["capacity_mw"]) <= 0:
        return base
    lat, lon = float(project["lat"]), float(project["lon"])
    result = site_yield(resource_at(data_dir, lat, lon, options), turbine(options.turbine, options.hub_height_m),
                        float(project["capacity_mw"]), dict(options.losses))
    precision_note = (
        f"computed at the project's {project['location_precision']} location"
        + ("" if project["location_precision"] in ("surveyed", "site") else
           " (the plan names no site: the wind is the stated assumption for the area, not the site's)")
    )
    return dataclasses.replace(base, capacity_mw=float(project["capacity_mw"]), yield_status="computed",
                               site=result, location_note=precision_note)


def project_yields(projects: pd.DataFrame, data_dir: Path, options: WindOptions = WindOptions()
                   ) -> list[WindProjectYield]:
    """A yield (or the reason there is none) for every wind project, in registry order.

    Parameters
    ----------
    projects : pandas.DataFrame
        The store's projects (any category; only ``wind`` rows are taken), columns as :func:`project_yield`'s.
    data_dir : pathlib.Path
        The data folder.
    options : WindOptions
        As for :func:`project_yield`.

    Returns
    -------
    list of WindProjectYield
        One per wind project.
    """
    wind = projects[projects["category"] == "wind"]
    return [project_yield(row, data_dir, options) for _, row in wind.iterrows()]


def reference_yield(district: pd.Series, data_dir: Path, options: WindOptions = WindOptions()) -> WindReferenceYield:
    """1 MW of the default (or chosen) turbine on the stated wind at a district's representative point.

    Parameters
    ----------
    district : pandas.Series
        The district's row, with its ``geometry`` (EPSG:4326).
    data_dir : pathlib.Path
        The data folder.
    options : WindOptions
        As for :func:`project_yield`.

    Returns
    -------
    WindReferenceYield
        The point (``lat``, ``lon`` [degrees]), ``full_load_hours`` [h] (= ``specific_yield_kwh_per_kwp``
        [kWh/kW]) and its P90s, ``capacity_factor`` [-], ``mean_wind_hub_m_s`` [m/s], the method and the wind.
    """
    point = district.geometry.representative_point()
    r = site_yield(resource_at(data_dir, point.y, point.x, options),
                   turbine(options.turbine, options.hub_height_m), 1.0, dict(options.losses))
    return WindReferenceYield(
        lat=point.y, lon=point.x, specific_yield_kwh_per_kwp=r.specific_yield_kwh_per_kwp,
        specific_yield_p90_1y_kwh_per_kwp=r.specific_yield_p90_1y_kwh_per_kwp,
        specific_yield_p90_10y_kwh_per_kwp=r.specific_yield_p90_10y_kwh_per_kwp,
        full_load_hours=r.full_load_hours, capacity_factor=r.capacity_factor,
        interannual_std_pct=r.interannual_std_pct, mean_wind_hub_m_s=r.mean_wind_hub_m_s, turbine=r.turbine,
        weather_source=r.weather_source, is_estimate=r.is_estimate, p50_p90=r.assumptions["p50_p90"],
        wind=r.assumptions["wind"],
    )


def wind_provider(data_dir: Path, options: WindOptions = WindOptions()) -> OtherProvider:
    """The wind part of a district's yield, for :func:`solar.portfolio.district_yield`'s ``others``.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.
    options : WindOptions
        As for :func:`project_yield`.

    Returns
    -------
    callable
        ``(the district's projects, the district's row)`` -> :class:`solar.results.OtherYields`: the wind
        farms' yields, the wind reference (1 MW [kWh/kW]) and the wind assumptions.
    """

    def provide(projects: pd.DataFrame, district: pd.Series) -> OtherYields:
        rows = project_yields(projects, data_dir, options)
        return OtherYields(
            "wind", WIND_METRIC, tuple(rows), reference_yield(district, data_dir, options),
            {"wind": "wind farms: windpowerlib on the stated wind (a user's file, else the site type's assumed mean "
                     "wind, never the valley stations' level); each farm's assumptions in wind_projects[].assumptions",
             "wind_p50_p90": "wind P90: the interannual SD of the annual mean wind speed (6 %, an assumption when no "
                             "multi-year data is given) x the energy's sensitivity to it"},
        )

    return provide


def district_yield(adcode: str, projects: pd.DataFrame, targets: pd.DataFrame, districts: gpd.GeoDataFrame,
                   weather_at: WeatherAt, data_dir: Path, options: WindOptions = WindOptions()) -> DistrictYield:
    """PV and wind of a district, totals with P50/P90, and every capacity target in MW and in energy.

    Parameters
    ----------
    adcode : str
        The district (a city's code includes its counties).
    projects, targets : pandas.DataFrame
        The store's projects (``capacity_mw`` [MW]) and capacity targets (``target_mw`` [MW]).
    districts : geopandas.GeoDataFrame
        The store's districts.
    weather_at : callable
        ``(lat, lon)`` [degrees] -> the PV weather year at that point.
    data_dir : pathlib.Path
        The data folder.
    options : WindOptions
        As for :func:`project_yield`.

    Returns
    -------
    DistrictYield
        :func:`solar.portfolio.district_yield` with the wind farms and the wind reference as ``others``
        (JSON: ``wind_projects``, ``wind_reference_yield``; :func:`solar.results.as_json`).

    Raises
    ------
    geo.errors.NotFoundError
        For an adcode not among ``districts``.
    """
    return _district_yield(adcode, projects, targets, districts, weather_at, others=(wind_provider(data_dir, options),))
