"""Registry and store commands: ``validate``, ``build``, ``rollup``, ``targets``, ``export``."""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from api.cli.output import escape_control, print_frame, print_json, say
from api.errors import EXIT_INVALID
from api.settings import Settings
from api.state import command_state
from geo.errors import NotFoundError
from geo.export import FORMATS, LAYERS, export
from geo.registry.dataset import load
from geo.rollup import rollup, target_gaps, units_within
from geo.store.build import build


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Check the data folder; print every problem as file:line: field: message."""
    ds, problems = load(settings.data_dir)
    for p in problems:
        say(p)
    for w in ds.warnings:  # places that do not resolve: reported on stderr, not fatal
        print(escape_control(f"warning: {w}"), file=sys.stderr)
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
        print(escape_control(f"warning: {skipped}; kept in the audit trail, not applied"), file=sys.stderr)
    return 0


def _check_district(adcode: str, districts: pd.DataFrame) -> None:
    """Refuse an adcode that is not a district (county or city) of the store; the message lists the known ones."""
    if adcode not in set(districts["adcode"].astype(str)):
        known = ", ".join(f"{a} {n}" for a, n in zip(districts["adcode"], districts["name_zh"], strict=True))
        raise NotFoundError(f"unknown district {adcode}; known: {known}")


def cmd_rollup(args: argparse.Namespace, settings: Settings) -> int:
    """Print counts and MW per district, year, category, subtype and status."""
    state = command_state(settings)
    projects = state.projects
    if args.adcode is not None:
        _check_district(args.adcode, state.districts)
        units = units_within(args.adcode, state.parents)  # a city: its own rows and its counties'
        projects = projects[projects["district_adcode"].astype(str).isin(units)]
    table = rollup(projects)
    if table.empty and not args.json:
        say(f"No projects{' in ' + args.adcode if args.adcode else ''} in the store")
        return 0
    print_frame(table, args.json)
    return 0


def cmd_targets(args: argparse.Namespace, settings: Settings) -> int:
    """Print capacity targets against the named pipeline, and targets no project backs."""
    state = command_state(settings)
    targets = state.targets
    if args.adcode is not None:
        _check_district(args.adcode, state.districts)
        targets = targets[targets["adcode"] == args.adcode]
    gaps = target_gaps(state.projects, targets, state.parents)
    if args.json:
        print_json({"capacity_targets": json.loads(gaps.to_json(orient="records", force_ascii=False)),
                    "assumption": gaps["assumption"].iloc[0] if len(gaps) else None})
        return 0
    if gaps.empty:
        say(f"No capacity targets{' for ' + args.adcode if args.adcode else ''}; other targets: {len(targets)} "
            "(see `export --layer targets`)")
        return 0
    names = dict(zip(state.districts["adcode"], state.districts["name_zh"], strict=True))
    shown = gaps.assign(unit=gaps["adcode"].map(names)).drop(columns=["assumption", "named_projects"])
    print("Capacity targets against the projects the plans name [MW]:")
    print_frame(shown[["target_id", "unit", "metric", "year", "comparator", "target_mw", "named_mw", "gap_mw",
                       "projects_without_capacity", "backed"]], False)
    unbacked = gaps[~gaps["backed"]]
    print()
    say(f"Not backed by any named project with a capacity: {', '.join(unbacked['target_id']) or 'none'}")
    other = targets[~targets["id"].isin(gaps["target_id"])]
    print(f"Other targets (not capacity, not compared with projects): {len(other)}; see `export --layer targets`")
    say(f"Assumption: {gaps['assumption'].iloc[0]}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Export a layer (or all, for gpkg) to a file."""
    state = command_state(settings)
    written = export(state.layers(), args.format, Path(args.out), args.layer)
    say(f"wrote {', '.join(written)} to {args.out} ({args.format})")
    return 0


def add_arguments(name: str, s: argparse.ArgumentParser) -> None:
    """The arguments of the command ``name``."""
    if name in ("rollup", "targets"):
        s.add_argument("--adcode", help="only this admin unit")
        s.add_argument("--json", action="store_true", help="JSON instead of a table")
    if name == "export":
        s.add_argument("--format", required=True, choices=FORMATS)
        s.add_argument("--out", required=True, help="output file")
        s.add_argument("--layer", choices=LAYERS, help="default: projects (gpkg: all layers)")
    s.set_defaults(func={"validate": cmd_validate, "build": cmd_build, "rollup": cmd_rollup, "targets": cmd_targets,
                         "export": cmd_export}[name])
