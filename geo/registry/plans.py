"""The source plans: metadata (data/plans/plans.csv) and line-addressed text for provenance checks."""

import csv
from functools import cache
from pathlib import Path

from geo.errors import Problem, RegistryError
from geo.files import not_regular_file
from geo.registry.records import Plan


def read_plans(plans_dir: Path) -> dict[str, Plan]:
    """Read ``plans.csv`` in ``plans_dir``; return plans by plan_id.

    Raises
    ------
    RegistryError
        If a plan's text file is missing or a required field is empty.
    """
    path = plans_dir / "plans.csv"
    plans: dict[str, Plan] = {}
    problems = []
    not_regular = not_regular_file(path)
    if not_regular:
        raise RegistryError([Problem(str(path), None, None, not_regular)])
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            line = reader.line_num
            for name in ("plan_id", "title", "admin_unit", "adcode", "kind"):
                if not (row.get(name) or "").strip():
                    problems.append(Problem(str(path), line, name, "required"))
            pid = row["plan_id"]
            text_problem = not_regular_file(plans_dir / f"{pid}.txt")
            if text_problem:
                message = f"plan text {pid}.txt in {plans_dir}: {text_problem}"
                problems.append(Problem(str(path), line, "plan_id", message))
            plans[pid] = Plan(
                plan_id=pid,
                title=row["title"],
                issuer=row["issuer"] or None,
                doc_number=row["doc_number"] or None,
                date=row["date"] or None,
                admin_unit=row["admin_unit"],
                adcode=row["adcode"],
                kind=row["kind"],
                source_file=row["source_file"] or None,
                note=row["note"] or None,
            )
    if problems:
        raise RegistryError(problems)
    return plans


@cache
def plan_lines(path: Path) -> tuple[str, ...]:
    """Return the lines of a plan text file (index 0 is line 1)."""
    return tuple(path.read_text(encoding="utf-8").split("\n"))


def parse_line_span(spec: str) -> tuple[int, int]:
    """Parse ``"12"`` or ``"12-14"`` to an inclusive 1-based (first, last) pair.

    Raises
    ------
    ValueError
        If ``spec`` is not a positive line number or an ascending range.
    """
    first, sep, last = spec.strip().partition("-")
    try:
        lo, hi = int(first), int(last) if sep else int(first)
    except ValueError:
        raise ValueError(f"line must be N or N-M, got {spec!r}") from None
    if lo < 1 or hi < lo:
        raise ValueError(f"line range must be ascending and start at 1 or later, got {spec!r}")
    return lo, hi


def span_text(lines: tuple[str, ...], spec: str) -> str:
    """Text of the lines ``spec`` (N or N-M), each stripped, joined with nothing between them.

    Hard-wrapped plans split sentences over lines (and put blank lines between); joining stripped lines
    lets a quote that wraps be found exactly.
    """
    lo, hi = parse_line_span(spec)
    if hi > len(lines):
        raise ValueError(f"line {hi} is past the end of the plan ({len(lines)} lines)")
    return "".join(s.strip() for s in lines[lo - 1 : hi])
