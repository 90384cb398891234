"""``ingest``: propose registry rows (projects, targets) from a plan's text, and accept a reviewed proposal."""

import argparse
import sys
import time
from pathlib import Path

from api.cli.output import escape_control, say
from api.settings import Settings
from geo.ingest.accept import accept_proposal, check_proposal
from geo.ingest.errors import IngestError
from geo.ingest.propose import plan_row_csv, propose
from geo.ingest.write import write_proposal


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Write DIR/<plan_id>.projects.csv, .targets.csv, .txt and .plan.csv; or accept a proposal (--accept)."""
    if args.accept is not None:
        if args.file is None:
            raise IngestError("--accept DIR needs the plan id: energy-planner ingest PLAN_ID --accept DIR")
        written = accept_proposal(args.accept, Path(args.file).stem.split(".")[0], settings.data_dir)
        for path in written:
            say(f"wrote {path}")
        say("accepted; run energy-planner build to serve it")
        return 0
    if args.file is None or args.out is None:
        raise IngestError("give the plan file and --out DIR: energy-planner ingest FILE [--adcode A] --out DIR")
    t0 = time.perf_counter()
    proposal = propose(Path(args.file), settings.data_dir, args.adcode)
    seconds = time.perf_counter() - t0
    for message in proposal.messages:
        print(escape_control(message), file=sys.stderr)
    if proposal.adcode is None:
        say("nothing written: no project or target found")
        return 0
    out: Path = args.out
    paths = write_proposal(out, proposal.plan_id, proposal.projects, proposal.targets)
    text_path = out / f"{proposal.plan_id}.txt"
    text_path.write_text(proposal.text, encoding="utf-8")
    (out / f"{proposal.plan_id}.plan.csv").write_text(plan_row_csv(proposal.plan_row), encoding="utf-8")
    say(f"{len(proposal.projects)} project(s), {len(proposal.targets)} target(s) proposed in {seconds:.2f} s "
        f"(curation=proposed): {paths[0]}, {paths[1]}")
    problems = check_proposal(out, proposal.plan_id, settings.data_dir)
    for p in problems:
        say(p)
    if problems:
        say(f"{len(problems)} problem(s): fix them before accepting")
        return 1
    say(f"validate: ok. Review the rows (set curation=confirmed on those you checked), then: "
        f"energy-planner ingest {proposal.plan_id} --accept {out}")
    return 0


def add_arguments(name: str, p: argparse.ArgumentParser) -> None:
    """Add the ingest command's arguments."""
    p.add_argument("file", nargs="?", help="plan text (UTF-8 or GB18030); with --accept, the plan id")
    p.add_argument("--adcode", help="the county or city whose plan it is (default: inferred from the text)")
    p.add_argument("--out", type=Path, help="folder for the proposed files")
    p.add_argument("--accept", type=Path, metavar="DIR",
                   help="move the reviewed proposal in DIR into the data folder (plans/ and registry/)")
    p.set_defaults(func=cmd_ingest)
