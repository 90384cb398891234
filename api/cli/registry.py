"""Registry and store commands: ``validate``, ``build``, ``rollup``, ``targets``, ``export``."""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from api.cli.output import add_lang, escape_control, print_frame, print_json, print_table, say
from api.errors import EXIT_INVALID
from api.settings import Settings
from api.state import command_state
from geo.errors import NotFoundError
from geo.export import FORMATS, LAYERS, export
from geo.registry.dataset import load
from geo.rollup import rollup, target_gaps, units_within
from geo.store.build import build
from layers.assumption_words import assumption_words
from layers.i18n import t, vocab_label


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
    print(t("cli.validate.ok", args.lang, plans=len(ds.plans), projects=len(ds.registry.projects),
            targets=len(ds.registry.targets), places=len(ds.places), districts=len(ds.districts),
            precisions=_precisions(precisions, args.lang)))
    return 0


def _precisions(counts: dict[str, int], lang: str) -> str:
    """Locations counted by precision, for reading: ``村庄位置 4、乡镇位置 5`` / ``village 4, township 5``."""
    if lang == "en":
        return ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
    return "、".join(f"{vocab_label('precision', code, lang)} {n}" for code, n in sorted(counts.items()))


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build the store from the registry, keeping user edits."""
    report = build(settings.data_dir, settings.store)
    say(t("cli.build.ok", args.lang, store=report.store, projects=report.projects, targets=report.targets,
          districts=report.districts, edits=report.edits_applied,
          precisions=_precisions(report.precision_counts, args.lang)))
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
    if args.json:
        print_frame(table, True)
    elif table.empty:
        say(t("cli.rollup.none_in", args.lang, adcode=args.adcode) if args.adcode else t("cli.rollup.none", args.lang))
    else:  # a sum of no stated capacity is not 0 MW: shown as "—"
        print_table(table.assign(capacity_mw=table["capacity_mw"].where(table["with_capacity"] > 0)), args.lang)
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
    lang = args.lang
    if gaps.empty:
        say(t("cli.targets.none_for", lang, adcode=args.adcode, n=len(targets)) if args.adcode
            else t("cli.targets.none", lang, n=len(targets)))
        return 0
    names = dict(zip(state.districts["adcode"], state.districts["name_zh"], strict=True))
    shown = gaps.assign(unit=gaps["adcode"].map(names))
    print(t("cli.targets.title", lang))
    print_table(shown[["target_id", "unit", "metric", "year", "comparator", "target_mw", "named_mw", "gap_mw",
                       "projects_without_capacity", "backed"]], lang)
    unbacked = gaps[~gaps["backed"]]
    print()
    say(t("cli.targets.unbacked", lang, ids=", ".join(unbacked["target_id"]) or t("app.none", lang)))
    other = targets[~targets["id"].isin(gaps["target_id"])]
    print(t("cli.targets.other", lang, n=len(other)))
    text = gaps["assumption"].iloc[0]
    say(t("cli.assumption", lang, text=assumption_words("gap", text, lang)))
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
    if name in ("validate", "build", "rollup", "targets"):
        add_lang(s)
    if name == "export":
        s.add_argument("--format", required=True, choices=FORMATS)
        s.add_argument("--out", required=True, help="output file")
        s.add_argument("--layer", choices=LAYERS, help="default: projects (gpkg: all layers)")
    s.set_defaults(func={"validate": cmd_validate, "build": cmd_build, "rollup": cmd_rollup, "targets": cmd_targets,
                         "export": cmd_export}[name])
