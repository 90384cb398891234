"""``energy-planner``: validate, build, roll-ups, target gaps, export, serve.

Errors print one clear message (what and where) and exit non-zero, never a traceback.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from api.settings import Settings
from api.state import load_state
from geo.errors import NotFoundError, RegistryError
from geo.export import FORMATS, LAYERS, export
from geo.rollup import rollup, target_gaps
from geo.store import EditError, build
from geo.validate import load

EXIT_INVALID = 1
EXIT_ERROR = 2


def _print_frame(df: pd.DataFrame, as_json: bool) -> None:
    if as_json:
        print(df.to_json(orient="records", force_ascii=False, indent=1))
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 40):
            print(df.to_string(index=False))


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Check the data folder; print every problem as file:line: field: message."""
    ds, problems = load(settings.data_dir)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {settings.data_dir}", file=sys.stderr)
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
    if report.orphan_edits:
        print(f"warning: edits {list(report.orphan_edits)} refer to projects the registry no longer has; "
              "kept in the audit trail, not applied", file=sys.stderr)
    return 0


def cmd_rollup(args: argparse.Namespace, settings: Settings) -> int:
    """Print counts and MW per district, year, category, subtype and status."""
    state = load_state(settings.data_dir, settings.store)
    projects = state.projects
    if args.adcode:
        projects = projects[projects["district_adcode"] == args.adcode]
    _print_frame(rollup(projects), args.json)
    return 0


def cmd_targets(args: argparse.Namespace, settings: Settings) -> int:
    """Print capacity targets against the named pipeline, and targets no project backs."""
    state = load_state(settings.data_dir, settings.store)
    targets = state.targets
    if args.adcode:
        targets = targets[targets["adcode"] == args.adcode]
    gaps = target_gaps(state.projects, targets, state.parents)
    if args.json:
        print(json.dumps({"capacity_targets": json.loads(gaps.to_json(orient="records", force_ascii=False)),
                          "assumption": gaps["assumption"].iloc[0] if len(gaps) else None},
                         ensure_ascii=False, indent=1))
        return 0
    names = dict(zip(state.districts["adcode"], state.districts["name_zh"], strict=True))
    shown = gaps.assign(unit=gaps["adcode"].map(names)).drop(columns=["assumption", "named_projects"])
    print("Capacity targets against the projects the plans name [MW]:")
    _print_frame(shown[["target_id", "unit", "metric", "year", "comparator", "target_mw", "named_mw", "gap_mw",
                        "projects_without_capacity", "backed"]], False)
    unbacked = gaps[~gaps["backed"]]
    print(f"\nNot backed by any named project with a capacity: {', '.join(unbacked['target_id']) or 'none'}")
    other = targets[~targets["id"].isin(gaps["target_id"])]
    print(f"Other targets (not capacity, not compared with projects): {len(other)}; see `export --layer targets`")
    if len(gaps):
        print(f"Assumption: {gaps['assumption'].iloc[0]}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Export a layer (or all, for gpkg) to a file."""
    state = load_state(settings.data_dir, settings.store)
    written = export(state.layers(), args.format, Path(args.out), args.layer)
    print(f"wrote {', '.join(written)} to {args.out} ({args.format})")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the planner service."""
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(settings), host=args.host or settings.host, port=args.port or settings.port)
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
    s = sub.add_parser("serve", help="run the planner service (uvicorn)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``energy-planner``."""
    args = parser().parse_args(argv)
    overrides = {k: v for k, v in (("data_dir", args.data_dir), ("store", args.store)) if v is not None}
    try:
        settings = Settings(**overrides)
        return int(args.func(args, settings))
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except (NotFoundError, EditError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
