"""Read the curated registry (data/registry/*.projects.csv, *.targets.csv) into records.

Reading checks each cell (length, control characters, the id's form, types, codes, capacity against its
raw string, the quote at its plan line); cross-file checks (duplicate ids, districts, places, points inside
districts) are in ``geo.registry.dataset``.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.capacity import CapacityParseError, parse_capacity_mw
from geo.errors import Problem
from geo.registry import vocab
from geo.registry.plans import plan_lines, span_text
from geo.registry.records import ID_RULE, Project, Provenance, Target, data_ref, is_id
from geo.registry.rows import RowReader, read_csv_rows

PROVENANCE_COLUMNS = ("line", "quote", "note")
PROJECT_COLUMNS = (
    "id", "name_zh", "name_en", "category", "subtype", "capacity_raw", "capacity_mw", "energy_mwh",
    "voltage_kv", "count", "count_unit", "length_km", "action", "status", "target_year",
    "district_adcode", "township", "village", "site", *PROVENANCE_COLUMNS,
)
TARGET_COLUMNS = (
    "id", "adcode", "metric", "value", "value_raw", "unit", "comparator", "year", "basis",
    *PROVENANCE_COLUMNS,
)
# besides these, a file may have a ``curation`` column (CURATION_VALUES), as ``energy-planner ingest`` writes it
COMPARATORS = (">=", "<=", "=", "~")
CURATION_VALUES = ("proposed", "confirmed")  # optional column: empty or absent means confirmed (curated by hand)
YEARS = (2000, 2100)
MAX_CELL = 2000  # characters in any cell; the longest shipped one (a note) has 519
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # C0 control characters but tab and newline


@dataclass(frozen=True)
class Registry:
    """Everything read from the registry folder; ``refs`` maps a record id to its file:line list."""

    projects: tuple[Project, ...]
    targets: tuple[Target, ...]
    refs: dict[str, list[tuple[str, int]]]


def _cells_ok(r: RowReader) -> bool:
    """Check every cell's length and characters, and the id's form; a Problem per bad cell."""
    before = len(r.problems)
    for name, value in r.row.items():
        if not isinstance(name, str) or not value:
            continue
        bad = CONTROL.search(value)
        if len(value) > MAX_CELL:
            r.problem(name, f"{len(value):,} characters; a cell holds at most {MAX_CELL:,}")
        elif bad:
            r.problem(name, f"control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
                            "none allowed but tab and newline")
    row_id = (r.row.get("id") or "").strip()
    if len(r.problems) == before and row_id and not is_id(row_id):
        r.problem("id", f"{row_id!r} is not an id: {ID_RULE}")
    return len(r.problems) == before


def _rows(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> Iterator[RowReader]:
    """The rows of ``path``, as :func:`geo.registry.rows.read_csv_rows` yields them.

    A row the csv module cannot read (a cell over its size limit) ends the file with one Problem at the
    line where that row starts, instead of a traceback.
    """
    line = 1
    try:
        for r in read_csv_rows(path, columns, problems):
            line = r.line
            yield r
    except csv.Error as exc:
        message = f"cannot read this row or any after it: {exc} (a cell holds at most {MAX_CELL:,} characters)"
        problems.append(Problem(str(path), line + 1, None, message))


def _provenance(r: RowReader, plans_dir: Path, plan_id: str, ref: str) -> Provenance | None:
    """The row's provenance; ``method`` is ``parsed`` for a row ``curation=proposed``, else ``curated``."""
    before = len(r.problems)
    curation = r.code("curation", CURATION_VALUES)
    spec, quote = r.text("line", required=True), r.text("quote", required=True)
    if spec is None or quote is None or len(r.problems) > before:
        return None
    plan_path = plans_dir / f"{plan_id}.txt"
    if not plan_path.is_file():
        r.problem(None, f"no plan {plan_path} for this registry file (its name must start with a plan_id)")
        return None
    try:
        text = span_text(plan_lines(plan_path), spec)
    except ValueError as exc:
        r.problem("line", str(exc))
        return None
    if quote not in text:
        r.problem("quote", f"not found at {plan_path.name}:{spec}: {quote!r}")
        return None
    method = "parsed" if curation == "proposed" else "curated"
    return Provenance(plan_id=plan_id, line=spec, quote=quote, method=method, ref=ref)


def _project(r: RowReader, prov: Provenance | None) -> Project | None:
    category = r.code("category", vocab.CATEGORIES, required=True)
    subtype = r.text("subtype")
    if category in vocab.SUBTYPES and subtype is not None and subtype not in vocab.SUBTYPES[category]:
        allowed = ", ".join(vocab.SUBTYPES[category])
        r.problem("subtype", f"unknown {category} subtype {subtype!r}; allowed: {allowed}")
    capacity_raw, capacity_mw = r.text("capacity_raw"), r.number("capacity_mw")
    if capacity_raw is not None and capacity_mw is not None:
        try:
            parsed = parse_capacity_mw(capacity_raw)
        except CapacityParseError as exc:
            r.problem("capacity_raw", f"unparsable capacity: {exc}")
        else:
            if abs(parsed - capacity_mw) > 1e-6 * max(1.0, parsed):
                message = f"{capacity_mw:g} MW disagrees with capacity_raw {capacity_raw!r} = {parsed:g} MW"
                r.problem("capacity_mw", message)
    elif capacity_mw is not None:
        r.problem("capacity_raw", "capacity_mw is set but the capacity as written is empty")
    before = len(r.problems)
    project = Project(
        id=r.text("id", required=True) or "",
        name_zh=r.text("name_zh", required=True) or "",
        name_en=r.text("name_en", required=True) or "",
        category=category or "",
        subtype=subtype,
        capacity_raw=capacity_raw,
        capacity_mw=capacity_mw,
        energy_mwh=r.number("energy_mwh"),
        voltage_kv=r.number("voltage_kv"),
        count=r.integer("count"),
        count_unit=r.text("count_unit"),
        length_km=r.number("length_km"),
        action=r.code("action", vocab.ACTIONS),
        status=r.code("status", vocab.STATUSES),
        target_year=r.integer("target_year", lo=YEARS[0], hi=YEARS[1]),
        district_adcode=r.text("district_adcode", required=True) or "",
        township=r.text("township"),
        village=r.text("village"),
        site=r.text("site"),
        note=r.text("note"),
        provenance=(prov,) if prov else (),
    )
    return project if prov is not None and len(r.problems) == before and category else None


def _target(r: RowReader, prov: Provenance | None) -> Target | None:
    before = len(r.problems)
    target = Target(
        id=r.text("id", required=True) or "",
        adcode=r.text("adcode", required=True) or "",
        metric=r.code("metric", vocab.TARGET_METRICS, required=True) or "",
        value=r.number("value", required=True, minimum=None) or 0.0,
        value_raw=r.text("value_raw"),
        unit=r.text("unit", required=True) or "",
        comparator=r.code("comparator", COMPARATORS, required=True) or "",
        year=r.integer("year", lo=YEARS[0], hi=YEARS[1]),
        basis=r.text("basis"),
        note=r.text("note"),
        provenance=(prov,) if prov else (),
    )
    return target if prov is not None and len(r.problems) == before else None


def read_registry(registry_dir: Path, plans_dir: Path, problems: list[Problem]) -> Registry:
    """Read every ``<plan_id>.projects.csv`` and ``<plan_id>.targets.csv`` in ``registry_dir``.

    Rows with problems are reported in ``problems`` (file:line, field, allowed values) and left out of
    the returned registry; a caller that must not lose rows checks ``problems`` first. Each record's
    provenance ``ref`` is relative to the data folder (``registry_dir``'s parent).
    """
    projects: list[Project] = []
    targets: list[Target] = []
    refs: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(registry_dir.glob("*.projects.csv")) + sorted(registry_dir.glob("*.targets.csv")):
        plan_id, kind = path.name.split(".")[0], path.name.split(".")[1]
        columns = PROJECT_COLUMNS if kind == "projects" else TARGET_COLUMNS
        for r in _rows(path, columns, problems):
            if not _cells_ok(r):
                continue
            prov = _provenance(r, plans_dir, plan_id, data_ref(path, registry_dir.parent, r.line))
            record = _project(r, prov) if kind == "projects" else _target(r, prov)
            row_id = (r.row.get("id") or "").strip()
            if row_id:
                refs.setdefault(row_id, []).append((r.path, r.line))
            if isinstance(record, Project):
                projects.append(record)
            elif isinstance(record, Target):
                targets.append(record)
    return Registry(tuple(projects), tuple(targets), refs)
