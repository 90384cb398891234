"""``energy-planner``: validate, build, roll-ups, target gaps, PV yield, export, serve.

Errors print one clear message (what and where) and exit non-zero, never a traceback.
"""

import argparse
import functools
import json
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from api.errors import EXIT_INVALID, exit_code
from api.keys import add_key, list_keys, revoke_key
from api.settings import Settings
from api.site_cli import add_site_parser
from api.state import load_state
from api.terminal import escape_control, escape_frame, escape_json, escape_lines
from geo.errors import NotFoundError
from geo.export import FORMATS, LAYERS, export
from geo.rollup import rollup, target_gaps
from geo.store.build import build
from geo.validate import load
from layers.planner_map import BASEMAPS, write_map
from solar.mounting import MODULES, PRESETS, mounting
from solar.portfolio import district_yield, project_yield, project_yields
from solar.site import MAX_SITE_MW, check_capacity, site_yield
from solar.weather import WEATHER_SOURCES, Weather, check_altitude, check_lat_lon, check_near, load_weather


def _print_frame(df: pd.DataFrame, as_json: bool) -> None:
    """A table (text cells' control characters escaped) or JSON records (DEL and C1 escaped too)."""
    if as_json:
        print(escape_json(df.to_json(orient="records", force_ascii=False, indent=1)))
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 40):
            print(escape_frame(df).to_string(index=False))


def _say(*parts: object) -> None:
    """Print one line of text with its control characters escaped (user and registry text is shown, not obeyed)."""
    print(escape_control(" ".join(str(p) for p in parts)))


def _print_json(doc: object) -> None:
    print(escape_json(json.dumps(doc, ensure_ascii=False, indent=1, default=str)))


def _check_district(adcode: str, districts: pd.DataFrame) -> None:
    """Refuse an adcode that is not a district (county or city) of the store; the message lists the known ones."""
    if adcode not in set(districts["adcode"].astype(str)):
        known = ", ".join(f"{a} {n}" for a, n in zip(districts["adcode"], districts["name_zh"], strict=True))
        raise NotFoundError(f"unknown district {adcode}; known: {known}")


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Check the data folder; print every problem as file:line: field: message."""
    ds, problems = load(settings.data_dir)
    for p in problems:
        _say(p)
    if problems:
        print(escape_control(f"{len(problems)} problem(s) in {settings.data_dir}"), file=sys.stderr)
        return EXIT_INVALID
    precisions: dict[str, int] = {}
    for loc in ds.locations.values():
        precisions[loc.precision] = precisions.get(loc.precision, 0) + 1
    print(f"ok: {len(ds.plans)} plans, {len(ds.registry.projects)} projects, {len(ds.registry.targets)} targets, "
          f"{len(ds.places)} places, {len(ds.districts)} districts; locations by precision: {precisions}")
    return 0


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build the store from the registry, keeping user edits."""
    report = build(settings.data_dir, settings.store)
    print(f"built {report.store}: {report.projects} projects, {report.targets} targets, {report.districts} districts, "
          f"{report.edits_applied} user edit(s) applied; locations by precision: {report.precision_counts}")
    for skipped in report.skipped_edits:
        print(f"warning: {skipped}; kept in the audit trail, not applied", file=sys.stderr)
    return 0


def cmd_rollup(args: argparse.Namespace, settings: Settings) -> int:
    """Print counts and MW per district, year, category, subtype and status."""
    state = load_state(settings.data_dir, settings.store)
    projects = state.projects
    if args.adcode is not None:
        _check_district(args.adcode, state.districts)
        projects = projects[projects["district_adcode"] == args.adcode]
    _print_frame(rollup(projects), args.json)
    return 0


def cmd_targets(args: argparse.Namespace, settings: Settings) -> int:
    """Print capacity targets against the named pipeline, and targets no project backs."""
    state = load_state(settings.data_dir, settings.store)
    targets = state.targets
    if args.adcode is not None:
        _check_district(args.adcode, state.districts)
        targets = targets[targets["adcode"] == args.adcode]
    gaps = target_gaps(state.projects, targets, state.parents)
    if args.json:
        _print_json({"capacity_targets": json.loads(gaps.to_json(orient="records", force_ascii=False)),
                     "assumption": gaps["assumption"].iloc[0] if len(gaps) else None})
        return 0
    if gaps.empty:
        _say(f"No capacity targets{' for ' + args.adcode if args.adcode else ''}; other targets: {len(targets)} "
             "(see `export --layer targets`)")
        return 0
    names = dict(zip(state.districts["adcode"], state.districts["name_zh"], strict=True))
    shown = gaps.assign(unit=gaps["adcode"].map(names)).drop(columns=["assumption", "named_projects"])
    print("Capacity targets against the projects the plans name [MW]:")
    _print_frame(shown[["target_id", "unit", "metric", "year", "comparator", "target_mw", "named_mw", "gap_mw",
                        "projects_without_capacity", "backed"]], False)
    unbacked = gaps[~gaps["backed"]]
    print()
    _say(f"Not backed by any named project with a capacity: {', '.join(unbacked['target_id']) or 'none'}")
    other = targets[~targets["id"].isin(gaps["target_id"])]
    print(f"Other targets (not capacity, not compared with projects): {len(other)}; see `export --layer targets`")
    if len(gaps):
        _say(f"Assumption: {gaps['assumption'].iloc[0]}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Export a layer (or all, for gpkg) to a file."""
    state = load_state(settings.data_dir, settings.store)
    written = export(state.layers(), args.format, Path(args.out), args.layer)
    _say(f"wrote {', '.join(written)} to {args.out} ({args.format})")
    return 0


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


def _print_site(result: dict, as_json: bool) -> None:
    if as_json:
        _print_json(result)
        return
    estimate = " (planning estimate)" if result["is_estimate"] else ""
    print(f"{result['capacity_mw']:g} MWp {result['mounting']} at {result['latitude']:.4f} N, "
          f"{result['longitude']:.4f} E")
    print(f"  annual energy      {result['annual_energy_mwh']:,.0f} MWh{estimate}")
    print(f"  specific yield     {result['specific_yield_kwh_per_kwp']:,.0f} kWh/kWp")
    if result.get("energy_p90_1y_mwh") is not None:
        print(f"  P50 / P90          {result['energy_p50_mwh']:,.0f} / {result['energy_p90_1y_mwh']:,.0f} MWh "
              f"(one year), {result['energy_p90_10y_mwh']:,.0f} MWh (ten-year mean); interannual SD "
              f"{result['interannual_std_pct']:.1f} %")
    print(f"  capacity factor    {result['capacity_factor']:.1%}")
    print(f"  performance ratio  {result['performance_ratio']:.2f}")
    print(f"  plane of array     {result['poa_kwh_per_m2']:,.0f} kWh/m2 (GHI {result['ghi_kwh_per_m2']:,.0f})")
    print("  monthly MWh        " + " ".join(f"{v:,.0f}" for v in result["monthly_energy_mwh"]))
    if result.get("crop_light_fraction") is not None:
        print(f"  crop light         {result['crop_light_fraction']:.0%} of open-field PAR; monthly "
              + " ".join(f"{v:.0%}" for v in result["crop_light_monthly"]))
    _say(f"  weather            {result['weather_source']}")
    if result.get("weather_clipped_hours"):
        _say(f"  clipped            {result['weather_clipped_hours']} implausible hour(s) of the file (see --json)")


def cmd_yield(args: argparse.Namespace, settings: Settings) -> int:
    """PV yield of a site, a registry project, or a district's projects and targets."""
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
        overrides = {field: getattr(args, opt) for opt, field in MOUNTING_OPTIONS.items()}
        check_capacity(args.capacity_mw, MAX_SITE_MW)
        m = mounting(args.mounting, **overrides)
        _print_site(site_yield(weather_at(args.lat, args.lon), args.capacity_mw, m), args.json)
        return 0
    state = load_state(settings.data_dir, settings.store)
    if modes[1]:
        match = state.projects[state.projects["id"] == args.project]
        if match.empty:
            raise NotFoundError(f"project: no project with id {args.project!r}")
        result = project_yield(match.iloc[0], weather_at)
        if args.json or result["yield_status"] != "computed":
            _print_json(result)
        else:
            _say(f"{result['id']} {result['name_zh']} ({result['location_note']})")
            _print_site(result, False)
        return 0
    summary = district_yield(args.district, state.projects, state.targets, state.districts, weather_at)
    if args.json:
        _print_json(summary)
        return 0
    ref = summary["reference_yield"]
    p90 = ref["specific_yield_p90_1y_kwh_per_kwp"]
    _say(f"{summary['adcode']} {summary['name_zh']}: reference yield {ref['specific_yield_kwh_per_kwp']:,.0f} kWh/kWp "
         + (f"(P90 one year {p90:,.0f}) " if p90 is not None else "")
         + f"(ground_fixed at the district's representative point; {ref['weather_source']})")
    cols = ["id", "subtype", "capacity_mw", "mounting", "location_precision", "annual_energy_mwh",
            "specific_yield_kwh_per_kwp", "yield_status"]
    _print_frame(pd.DataFrame(summary["pv_projects"]).reindex(columns=cols).round(1), False)
    total = summary["total"]
    print(f"total: {total['projects_with_yield']} of {total['projects']} PV projects have a capacity: "
          f"{total['capacity_mw']:,.1f} MWp, {total['annual_energy_mwh']:,.0f} MWh/yr")
    if summary["targets"]:
        tcols = ["target_id", "metric", "year", "target_mw", "target_energy_gwh", "named_mw", "missing_mw",
                 "missing_energy_gwh", "missing_energy_gwh_p90_1y"]
        _print_frame(pd.DataFrame(summary["targets"])[tcols].round(1), False)
    for key, text in summary["assumptions"].items():
        _say(f"assumption ({key}): {text}")
    return 0


def cmd_map(args: argparse.Namespace, settings: Settings) -> int:
    """Write the interactive planner map as one self-contained HTML file."""
    state = load_state(settings.data_dir, settings.store)  # builds the store if missing
    yields = None
    if args.yields:
        rows = project_yields(state.projects, _weather_at(args, settings))
        yields = pd.DataFrame([r for r in rows if r["yield_status"] == "computed"])
    out = write_map(state.store, Path(args.out), yields=yields, basemap=args.basemap)
    _say(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB; opens offline in any browser)")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the planner service; with ``--build``, take the port first, then build the store, then serve."""
    import uvicorn

    from api.app import create_app
    from api.http import guarded_protocol

    host, port = args.host or settings.host, args.port or settings.port
    sock = _listen(host, port)  # a second `make run` stops here, before it builds anything
    try:
        if args.build:
            cmd_build(args, settings)
        config = uvicorn.Config(create_app(settings), http=guarded_protocol(settings.request_timeout_s),
                                limit_concurrency=1000,
                                access_log=settings.access_log and not args.no_access_log)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a clear error when the port is taken."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise OSError(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise OSError(f"serve: cannot listen on {host}:{port}: {exc.strerror} (is the planner already running? "
                      "stop it or give --port)") from None
    sock.set_inheritable(True)
    return sock


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    """Add, list or revoke the service's API keys (stored hashed in the store)."""
    load_state(settings.data_dir, settings.store)  # builds the store if missing
    if args.action == "add":
        key = add_key(settings.store, args.name or "", args.scope)
        print(f"{key}\n(shown once: only its hash is stored; send it as the X-API-Key header)")
    elif args.action == "list":
        _print_frame(pd.DataFrame(list_keys(settings.store), columns=["key_id", "name", "scope", "created", "revoked"]),
                     args.json)
    elif not revoke_key(settings.store, args.key_id or ""):
        raise NotFoundError(f"no active key {args.key_id!r}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="energy-planner", description=__doc__)
    p.add_argument("--data-dir", type=Path, help="data folder (default: the repository's data/; env PLANNER_DATA_DIR)")
    p.add_argument("--store", type=Path, help="GeoPackage store (default var/planner.gpkg; env PLANNER_STORE)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("validate", help="check plans, registry, gazetteer and boundaries; file:line messages")
    s.set_defaults(func=cmd_validate)
    s = sub.add_parser("build", help="compile the registry into the GeoPackage store, keeping user edits")
    s.set_defaults(func=cmd_build)
    for name, func, text in (("rollup", cmd_rollup, "count and MW per district, year, category, subtype, status"),
                             ("targets", cmd_targets, "capacity targets against the named pipeline, and the gaps")):
        s = sub.add_parser(name, help=text)
        s.add_argument("--adcode", help="only this admin unit")
        s.add_argument("--json", action="store_true", help="JSON instead of a table")
        s.set_defaults(func=func)
    s = sub.add_parser("export", help="write projects, districts or targets to a file")
    s.add_argument("--format", required=True, choices=FORMATS)
    s.add_argument("--out", required=True, help="output file")
    s.add_argument("--layer", choices=LAYERS, help="default: projects (gpkg: all layers)")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("yield", help="PV yield (pvlib) of a site, a project or a district's projects and targets")
    s.add_argument("--lat", type=float, help="site latitude, WGS-84 degrees")
    s.add_argument("--lon", type=float, help="site longitude, WGS-84 degrees")
    s.add_argument("--capacity-mw", type=float, help="site capacity, MWp DC")
    s.add_argument("--mounting", default="ground_fixed", help=f"preset: {', '.join(PRESETS)}")
    s.add_argument("--project", help="a registry project id (its subtype's preset at its location)")
    s.add_argument("--district", help="an adcode: its PV projects, totals and targets in energy")
    s.add_argument("--weather", help=f"source ({', '.join(WEATHER_SOURCES)}; default offline) or a file: PVGIS "
                   "TMY .json/.csv, .epw, or an hourly .csv")
    s.add_argument("--altitude", type=float, help="site altitude, m (offline default: the climate station's)")
    for opt in ("tilt", "azimuth", "gcr", "height", "dc_ac", "losses", "bifaciality", "albedo"):
        s.add_argument(f"--{opt.replace('_', '-')}", dest=opt, type=float, help=f"override the preset's {opt}")
    s.add_argument("--module", help=f"module type: {', '.join(MODULES)}")
    s.add_argument("--json", action="store_true", help="JSON instead of text")
    s.set_defaults(func=cmd_yield)
    s = sub.add_parser("map", help="write the interactive planner map (one self-contained HTML file)")
    s.add_argument("--out", required=True, help="output .html file")
    s.add_argument("--basemap", default="none", choices=BASEMAPS, help="none (offline, default) or online tiles")
    s.add_argument("--yields", action="store_true", help="add the PV yield layer (pvlib, offline weather)")
    s.set_defaults(func=cmd_map, weather=None, altitude=None)
    s = sub.add_parser("serve", help="run the planner service (uvicorn)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--no-access-log", action="store_true", help="no log line per request (env PLANNER_ACCESS_LOG)")
    s.add_argument("--build", action="store_true", help="build the store first (keeping user edits), once the port "
                   "is taken, so a second instance stops before it builds")
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("keys", help="API keys for edits: add (printed once), list, revoke")
    s.add_argument("action", choices=("add", "list", "revoke"))
    s.add_argument("--name", help="add: who edits with the key (it goes in the audit trail)")
    s.add_argument("--scope", default="*", help="add: '*' or comma-separated adcodes the key may edit")
    s.add_argument("--key-id", help="revoke: the key's id (see list)")
    s.add_argument("--json", action="store_true", help="list: JSON instead of a table")
    s.set_defaults(func=cmd_keys)
    add_site_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``energy-planner``."""
    args = parser().parse_args(argv)
    overrides = {k: v for k, v in (("data_dir", args.data_dir), ("store", args.store)) if v is not None}
    try:
        settings = Settings(**overrides)
        return int(args.func(args, settings))
    except Exception as exc:
        code = exit_code(exc)  # the one error table (api.errors)
        if code is None:
            raise
        print(f"error: {escape_lines(exc)}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
