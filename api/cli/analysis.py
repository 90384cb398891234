"""Analysis commands: ``yield`` (a site, a registry project, a district) and ``map``."""

import argparse
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from api.cli.output import add_lang, assumption, print_json, print_table, say
from api.settings import Settings
from api.state import command_state
from geo.errors import NotFoundError
from layers.assumption_words import source_words
from layers.i18n import gwh, mw, number, t, vocab_label
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


def _print_p50_p90(result: SiteYield | WindSiteYield, lang: str) -> None:
    """The P50/P90 line of a site's yield, when it has one."""
    if result.energy_p90_1y_mwh is not None and result.energy_p90_10y_mwh is not None:
        print(t("cli.yield.p50_p90", lang, p50=number(result.energy_p50_mwh), p90_1y=number(result.energy_p90_1y_mwh),
                p90_10y=number(result.energy_p90_10y_mwh), sd=f"{result.interannual_std_pct:.1f}"))


def _monthly(result: SiteYield | WindSiteYield, lang: str) -> str:
    return t("cli.yield.monthly", lang, values=" ".join(number(v) for v in result.monthly_energy_mwh))


def _print_site(result: SiteYield, json: bool, lang: str) -> None:
    if json:
        print_json(as_json(result))
        return
    estimate = t("cli.estimate", lang) if result.is_estimate else ""
    mounting_name = result.mounting if lang == "en" else vocab_label("mounting", result.mounting, lang)
    print(t("cli.yield.pv_site", lang, mwp=f"{result.capacity_mw:g}", capacity=mw(result.capacity_mw, lang),
            mounting=mounting_name, lat=f"{result.latitude:.4f}", lon=f"{result.longitude:.4f}"))
    print(t("cli.yield.annual", lang, energy=number(result.annual_energy_mwh), estimate=estimate))
    print(t("cli.yield.specific", lang, value=number(result.specific_yield_kwh_per_kwp)))
    _print_p50_p90(result, lang)
    print(t("cli.yield.capacity_factor", lang, value=f"{result.capacity_factor:.1%}"))
    print(t("cli.yield.pr", lang, value=f"{result.performance_ratio:.2f}"))
    print(t("cli.yield.poa", lang, poa=number(result.poa_kwh_per_m2), ghi=number(result.ghi_kwh_per_m2)))
    print(_monthly(result, lang))
    if result.crop_light is not None:
        print(t("cli.yield.crop_light", lang, fraction=f"{result.crop_light.fraction:.0%}",
                monthly=" ".join(f"{v:.0%}" for v in result.crop_light.monthly)))
    say(t("cli.yield.weather", lang, source=source_words(result.weather_source, lang)))
    if result.weather_clipped_hours:
        say(t("cli.yield.clipped", lang, n=result.weather_clipped_hours))


def _print_wind(result: WindSiteYield, json: bool, lang: str) -> None:
    if json:
        print_json(as_json(result))
        return
    estimate = t("cli.estimate", lang) if result.is_estimate else ""
    say(t("cli.yield.wind_site", lang, mw=f"{result.capacity_mw:g}", capacity=mw(result.capacity_mw, lang),
          turbines=f"{result.turbines:.1f}", turbine=result.turbine, hub=f"{result.hub_height_m:g}",
          lat=f"{result.latitude:.4f}", lon=f"{result.longitude:.4f}"))
    print(t("cli.yield.wind_annual", lang, energy=number(result.annual_energy_mwh), estimate=estimate,
            gross=number(result.gross_energy_mwh), loss=f"{result.total_loss_pct:.1f}"))
    print(t("cli.yield.full_load_hours", lang, hours=number(result.full_load_hours)))
    print(t("cli.yield.capacity_factor", lang, value=f"{result.capacity_factor:.1%}"))
    print(t("cli.yield.mean_wind", lang, speed=f"{result.mean_wind_hub_m_s:.2f}"))
    _print_p50_p90(result, lang)
    print(_monthly(result, lang))
    say(t("cli.yield.wind", lang, source=source_words(result.weather_source, lang)))
    for line in result.assumptions["wind"]:
        say(t("cli.yield.assumption", lang, text=line))
    say(t("cli.yield.turbine", lang, text=result.assumptions["turbine"]))
    say(t("cli.yield.losses", lang, text=result.assumptions["losses"]))


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
                                        dict(options.losses)), args.json, args.lang)
            return 0
        overrides = {field: getattr(args, opt) for opt, field in MOUNTING_OPTIONS.items()}
        check_capacity(args.capacity_mw, MAX_SITE_MW)
        m = mounting(args.mounting or "ground_fixed", **overrides)
        _print_site(site_yield(weather_at(args.lat, args.lon), args.capacity_mw, m), args.json, args.lang)
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
        say(t("cli.yield.project", args.lang, id=result.id, name=result.name_zh, note=result.location_note))
        if isinstance(result.site, WindSiteYield):
            _print_wind(result.site, False, args.lang)
        else:
            _print_site(result.site, False, args.lang)
        return 0
    summary = wind_portfolio.district_yield(args.district, state.projects, state.targets, state.districts, weather_at,
                                            settings.data_dir, wind_options(args))
    if args.json:
        print_json(as_json(summary))
        return 0
    _print_district(summary, args.lang)
    return 0


def _table(results: Sequence[Any], columns: list[str], lang: str) -> pd.DataFrame:
    """Results as a table of their JSON members (:func:`solar.results.as_json`), in ``columns``.

    A project without a capacity says why it has no yield in ``lang``.
    """
    table = pd.DataFrame([as_json(r) for r in results]).reindex(columns=columns)
    if "yield_status" in table and "capacity_mw" in table:
        no_capacity = t("cli.yield.no_capacity", lang)
        table["yield_status"] = table["yield_status"].mask(table["capacity_mw"].isna(), no_capacity)
    return table


def _print_district(summary: DistrictYield, lang: str) -> None:
    ref = summary.reference_yield
    p90 = ref.specific_yield_p90_1y_kwh_per_kwp
    say(t("cli.district.reference", lang, adcode=summary.adcode, name=summary.name_zh,
          value=number(ref.specific_yield_kwh_per_kwp), source=source_words(ref.weather_source, lang),
          p90=t("cli.district.reference_p90", lang, p90=number(p90)) if p90 is not None else ""))
    cols = ["id", "subtype", "capacity_mw", "mounting", "location_precision", "annual_energy_mwh",
            "specific_yield_kwh_per_kwp", "yield_status"]
    print_table(_table(summary.pv_projects, cols, lang), lang)
    wind = summary.other("wind")
    wref = wind.reference
    assert isinstance(wref, WindReferenceYield)
    say(t("cli.district.wind_reference", lang, hours=number(wref.full_load_hours), turbine=wref.turbine,
          speed=f"{wref.mean_wind_hub_m_s:.2f}", source=source_words(wref.weather_source, lang)))
    if wind.rows:
        wcols = ["id", "capacity_mw", "location_precision", "mean_wind_hub_m_s", "annual_energy_mwh",
                 "energy_p90_1y_mwh", "full_load_hours", "capacity_factor", "yield_status"]
        print_table(_table(wind.rows, wcols, lang), lang)
    total = summary.total
    for cat, figures in (total.by_category or {}).items():
        p90 = figures.annual_energy_mwh_p90_1y
        energy = (figures.annual_energy_mwh or 0.0) / 1e3
        print(t("cli.district.category", lang, category=cat if lang == "en" else vocab_label("category", cat, lang),
                with_capacity=figures.projects_with_yield, n=figures.projects, capacity=mw(figures.capacity_mw, lang),
                mw=number(figures.capacity_mw, 1), energy=gwh(energy), gwh=number(energy, 1),
                p90=t("cli.district.category_p90", lang, p90=number(p90 / 1e3, 1)) if p90 else ""))
    p90, p90_10y = total.annual_energy_mwh_p90_1y, total.annual_energy_mwh_p90_10y
    energy = (total.annual_energy_mwh or 0.0) / 1e3
    print(t("cli.district.total", lang, capacity=mw(total.capacity_mw, lang), mw=number(total.capacity_mw, 1),
            energy=gwh(energy), gwh=number(energy, 1),
            p90=t("cli.district.total_p90", lang, p90=number(p90 / 1e3, 1), p90_10y=number(p90_10y / 1e3, 1))
            if p90 is not None and p90_10y is not None else ""))
    if summary.targets:
        tcols = ["target_id", "metric", "year", "target_mw", "named_mw", "missing_mw", "target_energy_gwh",
                 "target_energy_gwh_p90_1y", "named_energy_gwh", "named_energy_gwh_p90_1y", "missing_energy_gwh",
                 "missing_energy_gwh_p90_1y"]
        print_table(_table(summary.targets, tcols, lang), lang)
    for key, text in summary.assumptions.items():
        say(assumption(key, text, lang))


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
    add_lang(s)
    s.set_defaults(func=cmd_yield)
