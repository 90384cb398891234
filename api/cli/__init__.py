"""``energy-planner``: validate, build, roll-ups, target gaps, PV yield, maps, siting, export, serve, keys.

One module per command group (:mod:`api.cli.registry`, :mod:`api.cli.analysis`, :mod:`api.cli.site`,
:mod:`api.cli.service`); only the group of the command given is imported, so ``--help`` and a command
load no more than they need. Errors print one clear message (what and where) and exit non-zero by the one
error table (:mod:`api.errors`), never a traceback.
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# command → (module that adds its arguments and runs it, one line of help)
COMMANDS = {
    "validate": ("api.cli.registry", "check plans, registry, gazetteer and boundaries; file:line messages"),
    "build": ("api.cli.registry", "compile the registry into the GeoPackage store, keeping user edits"),
    "rollup": ("api.cli.registry", "count and MW per district, year, category, subtype, status"),
    "targets": ("api.cli.registry", "capacity targets against the named pipeline, and the gaps"),
    "export": ("api.cli.registry", "write projects, districts or targets to a file"),
    "yield": ("api.cli.analysis", "PV yield (pvlib) of a site, a project or a district's projects and targets"),
    "map": ("api.cli.analysis", "write the interactive planner map (one self-contained HTML file)"),
    "site": ("api.cli.site", "site new PV: candidate grid, exclusions, score, sites, supply curve, coverage"),
    "serve": ("api.cli.service", "run the planner service (uvicorn)"),
    "keys": ("api.cli.service", "API keys for edits: add (printed once), list, revoke"),
    "report": ("api.cli.report", "a district's report: targets vs named pipeline in MW and GWh (P50/P90), projects, "
               "map, yields; .html or .pdf"),
    "ingest": ("api.cli.ingest", "propose registry rows from a plan's text (proposed, with line and quote)"),
}
_TOP_OPTIONS = ("--data-dir", "--store")
DESCRIPTION = ("The energy-infrastructure planner: the energy projects and targets of Chinese county and city plans, "
               "their registry and store, PV yield, maps, siting and the service.")


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; only ``command``'s own arguments are added (and its module imported)."""
    p = argparse.ArgumentParser(prog="energy-planner", description=DESCRIPTION,
                                epilog="energy-planner COMMAND --help: the options of a command")
    p.add_argument("--data-dir", type=Path, help="data folder (default: the repository's data/; env PLANNER_DATA_DIR)")
    p.add_argument("--store", type=Path, help="GeoPackage store (default var/planner.gpkg; env PLANNER_STORE)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, text) in COMMANDS.items():
        s = sub.add_parser(name, help=text, description=text)
        if name == command:
            importlib.import_module(module).add_arguments(name, s)
    return p


def _command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not a top-level option or its value)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _TOP_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``energy-planner``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser(_command(argv)).parse_args(argv)
    try:
        from api.settings import Settings

        overrides = {k: v for k, v in (("data_dir", args.data_dir), ("store", args.store)) if v is not None}
        status = int(args.func(args, Settings(**overrides)))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except BrokenPipeError:  # the reader stopped (`| head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, the status a shell reports for a tool the pipe closed on
    except Exception as exc:
        from api.cli.output import escape_lines
        from api.errors import exit_code

        code = exit_code(exc)  # the one error table
        if code is None:
            raise
        print(f"error: {escape_lines(exc)}", file=sys.stderr)
        return code
