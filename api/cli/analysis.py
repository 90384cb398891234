"""Analysis commands: ``yield`` (a site, a registry project, a district) and ``map``."""

import argparse
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from api.cli.output import print_frame, print_json, say
from api.settings import Settings
from api.state import command_state
from geo.errors import NotFoundError
from layers.planner_map import BASEMAPS, write_map
from solar.mounting import MODULES, PRESETS, mounting
from solar.portfolio import project_yield, project_yields
from solar.results import DistrictYield, ProjectYield, SiteYield, as_json
from solar.site import MAX_SITE_MW, check_capacity, site_yield
from solar.weather import WEATHER_SOURCES, Weather, check_altitude, check_lat_lon, check_near, load_weather
from wind import portfolio as wind_portfolio
from wind.resource import SITE_TYPES
from wind.results import WindProjectYield, WindReferenceYield, WindSiteYield
from wind.site import LOSSES
from wind.site import site_yield as wind_site_yield
from wind.turbines import GENERIC, turbine


def wind_options(args: argparse.Namespace) -> wind_portfolio.WindOptions:
    """The wind options of the command line (checked)."""
    losses = []
    for item in getattr(args, "wind_loss", None) or []:
        name, _, value = item.partition("=")
        try:
            losses.append((name, float(value)))
        except ValueError:
            raise ValueError(f"--wind-loss: {item!r} is not NAME=PERCENT (names: {', '.join(LOSSES)})") from None
    options = wind_portfolio.WindOptions(
        turbine=getattr(args, "turbine", None), hub_height_m=getattr(args, "hub_height", None),
        site_type=getattr(args, "site_type", None), mean_speed_m_s=getattr(args, "mean_speed", None),
        height_m=getattr(args, "wind_height", None), weibull_k=getattr(args, "weibull_k", None),
        altitude_m=getattr(args, "altitude", None), wind_file=getattr(args, "wind_file", None), losses=tuple(losses))
    options.check()
    return options


def _weather_at(args: argparse.Namespace, settings: Settings) -> Callable[[float, float], Weather]:
    """Weather for a point from ``--weather`` (default: offline), cached per point for this run."""

    @functools.cache
    def at(lat: float, lon: float) -> Weather:
        weather = load_weather(args.weather, lat, lon, data_dir=settings.data_dir, cache_dir=settings.weather_cache,
                               altitude_m=args.altitude)
        check_near(weather, lat, lon)
        return weather

    return lambda lat, lon: at(round(lat, 4), round(lon, 4))


MOUNTING_OPTIONS = {"tilt": "tilt", "azimuth": "azimuth", "gcr": "gcr", "height": "height",
                    "dc_ac": "dc_ac_ratio", "losses": "losses_pct", "bifaciality": "bifaciality",
                    "albedo": "albedo", "module": "module"}


def _print_site(result: SiteYield, json: bool) -> None:
    if json:
        print_json(as_json(result))
        return
    estimate = " (planning estimate)" if result.is_estimate else ""
    print(f"{result.capacity_mw:g} MWp {result.mounting} at {result.latitude:.4f} N, {result.longitude:.4f} E")
    print(f"  annual energy      {result.annual_energy_mwh:,.0f} MWh{estimate}")
    print(f"  specific yield     {result.specific_yield_kwh_per_kwp:,.0f} kWh/kWp")
    if result.energy_p90_1y_mwh is not None and result.energy_p90_10y_mwh is not None:
        print(f"  P50 / P90          {result.energy_p50_mwh:,.0f} / {result.energy_p90_1y_mwh:,.0f} MWh "
              f"(one year), {result.energy_p90_10y_mwh:,.0f} MWh (ten-year mean); interannual SD "
              f"{result.interannual_std_pct:.1f} %")
    print(f"  capacity factor    {result.capacity_factor:.1%}")
    print(f"  performance ratio  {result.performance_ratio:.2f}")
    print(f"  plane of array     {result.poa_kwh_per_m2:,.0f} kWh/m2 (GHI {result.ghi_kwh_per_m2:,.0f})")
    print("  monthly MWh        " + " ".join(f"{v:,.0f}" for v in result.monthly_energy_mwh))
    if result.crop_light is not None:
        print(f"  crop light         {result.crop_light.fraction:.0%} of open-field PAR; monthly "
              + " ".join(f"{v:.0%}" for v in result.crop_light.monthly))
    say(f"  weather            {result.weather_source}")
    if result.weather_clipped_hours:
        say(f"  clipped            {result.weather_clipped_hours} implausible hour(s) of the file (see --json)")


def _print_wind(result: WindSiteYield, json: bool) -> None:
    if json:
        print_json(as_json(result))
        return
    estimate = " (planning estimate)" if result.is_estimate else ""
    print(f"{result.capacity_mw:g} MW wind, {result.turbines:.1f} x {result.turbine} at "
          f"{result.hub_height_m:g} m hub, at {result.latitude:.4f} N, {result.longitude:.4f} E")
    print(f"  annual energy      {result.annual_energy_mwh:,.0f} MWh{estimate} (gross "
          f"{result.gross_energy_mwh:,.0f}, losses {result.total_loss_pct:.1f} %)")
    print(f"  full-load hours    {result.full_load_hours:,.0f} h")
    print(f"  capacity factor    {result.capacity_factor:.1%}")
    print(f"  mean wind at hub   {result.mean_wind_hub_m_s:.2f} m/s")
    if result.energy_p90_1y_mwh is not None and result.energy_p90_10y_mwh is not None:
        print(f"  P50 / P90          {result.energy_p50_mwh:,.0f} / {result.energy_p90_1y_mwh:,.0f} MWh "
              f"(one year), {result.energy_p90_10y_mwh:,.0f} MWh (ten-year mean); interannual SD "
              f"{result.interannual_std_pct:.1f} %")
    print("  monthly MWh        " + " ".join(f"{v:,.0f}" for v in result.monthly_energy_mwh))
    say(f"  wind               {result.weather_source}")
    for line in result.assumptions["wind"]:
        say(f"  assumption         {line}")
    say(f"  turbine            {result.assumptions['turbine']}")
    say(f"  losses             {result.assumptions['losses']}")


def cmd_yield(args: argparse.Namespace, settings: Settings) -> int:
    """PV or wind yield of a site, a registry project, or a district's PV and wind against its targets."""
    modes = [args.lat is not None or args.lon is not None, args.project is not None, args.district is not None]
    if sum(modes) != 1:
        raise ValueError("yield: give exactly one of --lat/--lon (with --capacity-mw), --project ID, --district ADCODE")
    if args.altitude is not None:
        check_altitude(args.altitude)
    weather_at = _weather_at(args, settings)
    if modes[0]:
        if args.lat is None or args.lon is None or args.capacity_mw is None:
            raise ValueError("yield: a site needs --lat, --lon and --capacity-mw")
        check_lat_lon(args.lat, args.lon)
        if args.kind == "wind":
            check_capacity(args.capacity_mw, MAX_SITE_MW)
            options = wind_options(args)
            resource = wind_portfolio.resource_at(settings.data_dir, args.lat, args.lon, options)
            _print_wind(wind_site_yield(resource, turbine(options.turbine, options.hub_height_m), args.capacity_mw,
                                        dict(options.losses)), args.json)
            return 0
        overrides = {field: getattr(args, opt) for opt, field in MOUNTING_OPTIONS.items()}
        check_capacity(args.capacity_mw, MAX_SITE_MW)
        m = mounting(args.mounting or "ground_fixed", **overrides)
        _print_site(site_yield(weather_at(args.lat, args.lon), args.capacity_mw, m), args.json)
        return 0
    given = [f"--{opt.replace('_', '-')}" for opt in ("mounting", *MOUNTING_OPTIONS) if getattr(args, opt) is not None]
    if given:  # a project's mounting is its subtype's preset; silently ignoring the option would mislead
        raise ValueError(f"yield: {', '.join(given)} apply to a site (--lat/--lon); a project or district is "
                         "estimated with each project's subtype preset")
    state = command_state(settings)
    if modes[1]:
        match = state.projects[state.projects["id"] == args.project]
        if match.empty:
            raise NotFoundError(f"project: no project with id {args.project!r}")
        row = match.iloc[0]
        wind = row["category"] == "wind"
        result = (wind_portfolio.project_yield(row, settings.data_dir, wind_options(args)) if wind
                  else project_yield(row, weather_at))
        if args.json or result.site is None:
            print_json(as_json(result))
            return 0
        say(f"{result.id} {result.name_zh} ({result.location_note})")
        if isinstance(result.site, WindSiteYield):
            _print_wind(result.site, False)
        else:
            _print_site(result.site, False)
        return 0
    summary = wind_portfolio.district_yield(args.district, state.projects, state.targets, state.districts, weather_at,
                                            settings.data_dir, wind_options(args))
    if args.json:
        print_json(as_json(summary))
        return 0
    _print_district(summary)
    return 0


def _table(results: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    """Results as a table of their JSON members (:func:`solar.results.as_json`), in ``columns``."""
    return pd.DataFrame([as_json(r) for r in results]).reindex(columns=columns)


def _print_district(summary: DistrictYield) -> None:
    ref = summary.reference_yield
    p90 = ref.specific_yield_p90_1y_kwh_per_kwp
    say(f"{summary.adcode} {summary.name_zh}: reference yield {ref.specific_yield_kwh_per_kwp:,.0f} kWh/kWp "
         + (f"(P90 one year {p90:,.0f}) " if p90 is not None else "")
         + f"(ground_fixed at the district's representative point; {ref.weather_source})")
    cols = ["id", "subtype", "capacity_mw", "mounting", "location_precision", "annual_energy_mwh",
            "specific_yield_kwh_per_kwp", "yield_status"]
    print_frame(_table(summary.pv_projects, cols).round(1), False)
    wind = summary.other("wind")
    wref = wind.reference
    assert isinstance(wref, WindReferenceYield)
    say(f"wind reference: {wref.full_load_hours:,.0f} full-load hours ({wref.turbine}, mean wind at hub "
        f"{wref.mean_wind_hub_m_s:.2f} m/s; {wref.weather_source})")
    if wind.rows:
        wcols = ["id", "capacity_mw", "location_precision", "mean_wind_hub_m_s", "annual_energy_mwh",
                 "energy_p90_1y_mwh", "full_load_hours", "capacity_factor", "yield_status"]
        print_frame(_table(wind.rows, wcols).round(3), False)
    total = summary.total
    for cat, t in (total.by_category or {}).items():
        p90 = t.annual_energy_mwh_p90_1y
        print(f"{cat}: {t.projects_with_yield} of {t.projects} projects have a capacity: {t.capacity_mw:,.1f} "
              f"MW, {(t.annual_energy_mwh or 0.0) / 1e3:,.1f} GWh/yr"
              + (f" (P90 one year {p90 / 1e3:,.1f})" if p90 else ""))
    p90, p90_10y = total.annual_energy_mwh_p90_1y, total.annual_energy_mwh_p90_10y
    print(f"total: {total.capacity_mw:,.1f} MW, {(total.annual_energy_mwh or 0.0) / 1e3:,.1f} GWh/yr"
          + (f", P90 {p90 / 1e3:,.1f} (one year) / {p90_10y / 1e3:,.1f} (ten-year mean)"
             if p90 is not None and p90_10y is not None else ""))
    if summary.targets:
        tcols = ["target_id", "metric", "year", "target_mw", "named_mw", "missing_mw", "target_energy_gwh",
                 "target_energy_gwh_p90_1y", "named_energy_gwh", "named_energy_gwh_p90_1y", "missing_energy_gwh",
                 "missing_energy_gwh_p90_1y"]
        print_frame(_table(summary.targets, tcols).astype(float, errors="ignore").round(1), False)
    for key, text in summary.assumptions.items():
        say(f"assumption ({key}): {text}")


def cmd_map(args: argparse.Namespace, settings: Settings) -> int:
    """Write the interactive planner map as one self-contained HTML file."""
    state = command_state(settings)  # builds the default store if missing
    yields = None
    if args.yields:
        rows: list[ProjectYield | WindProjectYield] = [
            *project_yields(state.projects, _weather_at(args, settings)),
            *wind_portfolio.project_yields(state.projects, settings.data_dir)]
        yields = pd.DataFrame([as_json(r) for r in rows if r.yield_status == "computed"])
    out = write_map(state.store, Path(args.out), yields=yields, basemap=args.basemap, lang=args.lang,
                    data_dir=settings.data_dir)
    say(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB; opens offline in any browser)")
    return 0


def add_arguments(name: str, s: argparse.ArgumentParser) -> None:
    """The arguments of the command ``name``."""
    if name == "map":
        s.add_argument("--out", required=True, help="output .html file")
        s.add_argument("--basemap", default="none", choices=BASEMAPS, help="none (offline, default) or online tiles")
        s.add_argument("--yields", action="store_true", help="add the yield layer: PV (pvlib, offline weather) and "
                       "wind farms (windpowerlib, the stated default wind)")
        s.add_argument("--lang", default="zh", choices=("zh", "en"), help="page language (default zh)")
        s.set_defaults(func=cmd_map, weather=None, altitude=None)
        return
    s.add_argument("--lat", type=float, help="site latitude, WGS-84 degrees")
    s.add_argument("--lon", type=float, help="site longitude, WGS-84 degrees")
    s.add_argument("--capacity-mw", type=float, help="site capacity, MWp DC")
    s.add_argument("--mounting", help=f"a site's preset (default ground_fixed): {', '.join(PRESETS)}")
    s.add_argument("--project", help="a registry project id (its subtype's preset at its location)")
    s.add_argument("--district", help="an adcode: its PV projects, totals and targets in energy")
    s.add_argument("--weather", help=f"source ({', '.join(WEATHER_SOURCES)}; default offline) or a file: PVGIS "
                   "TMY .json/.csv, .epw, or an hourly .csv")
    s.add_argument("--altitude", type=float, help="site altitude, m (offline default: the climate station's)")
    for opt in ("tilt", "azimuth", "gcr", "height", "dc_ac", "losses", "bifaciality", "albedo"):
        s.add_argument(f"--{opt.replace('_', '-')}", dest=opt, type=float, help=f"override the preset's {opt}")
    s.add_argument("--module", help=f"module type: {', '.join(MODULES)}")
    wind = s.add_argument_group("wind (a wind project, a district's wind farms, or a site with --kind wind)")
    wind.add_argument("--kind", choices=("pv", "wind"), default="pv", help="a site's technology (default pv)")
    wind.add_argument("--turbine", help=f"{GENERIC} (default), a windpowerlib library type (e.g. N131/3000), or a "
                      "power-curve .csv (wind_speed, power_kw)")
    wind.add_argument("--hub-height", type=float, help="hub height, m (generic: 100)")
    wind.add_argument("--site-type", help=f"default wind for: {', '.join(SITE_TYPES)} (default ridge)")
    wind.add_argument("--mean-speed", type=float, help="long-term mean wind, m/s, at --wind-height (else the site "
                      "type's stated assumption)")
    wind.add_argument("--wind-height", type=float, help="height of --mean-speed or of the wind file's speeds, m")
    wind.add_argument("--weibull-k", type=float, help="Weibull shape (default 2.0)")
    wind.add_argument("--wind-file", help="hourly wind: .epw or .csv (time, wind_speed[, temp_air, pressure, "
                      "latitude, longitude, height_m]); takes precedence")
    wind.add_argument("--wind-loss", action="append", metavar="NAME=PCT",
                      help=f"override a farm loss ({', '.join(f'{k} {v:g}' for k, v in LOSSES.items())} %%)")
    s.add_argument("--json", action="store_true", help="JSON instead of text")
    s.set_defaults(func=cmd_yield)
