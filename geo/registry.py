"""Read the curated registry (data/registry/*.projects.csv, *.targets.csv) into records.

Reading checks each cell (types, codes, capacity against its raw string, the quote at its plan line);
cross-file checks (duplicate ids, districts, places, points inside districts) are in ``geo.validate``.
"""

from dataclasses import dataclass
from pathlib import Path

from geo import vocab
from geo.capacity import CapacityParseError, parse_capacity_mw
from geo.errors import Problem
from geo.plans import plan_lines, span_text
from geo.records import Project, Provenance, Target
from geo.rows import RowReader, read_csv_rows

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
COMPARATORS = (">=", "<=", "=", "~")
YEARS = (2000, 2100)


@dataclass(frozen=True)
class Registry:
    """Everything read from the registry folder; ``refs`` maps a record id to its file:line list."""

    projects: tuple[Project, ...]
    targets: tuple[Target, ...]
    refs: dict[str, list[tuple[str, int]]]


def _provenance(r: RowReader, plans_dir: Path, plan_id: str) -> Provenance | None:
    spec, quote = r.text("line", required=True), r.text("quote", required=True)
    if spec is None or quote is None:
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
    return Provenance(plan_id=plan_id, line=spec, quote=quote, method="curated", ref=f"{r.path}:{r.line}")


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
    the returned registry; a caller that must not lose rows checks ``problems`` first.
    """
    projects: list[Project] = []
    targets: list[Target] = []
    refs: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(registry_dir.glob("*.projects.csv")) + sorted(registry_dir.glob("*.targets.csv")):
        plan_id, kind = path.name.split(".")[0], path.name.split(".")[1]
        columns = PROJECT_COLUMNS if kind == "projects" else TARGET_COLUMNS
        for r in read_csv_rows(path, columns, problems):
            prov = _provenance(r, plans_dir, plan_id)
            record = _project(r, prov) if kind == "projects" else _target(r, prov)
            row_id = (r.row.get("id") or "").strip()
            if row_id:
                refs.setdefault(row_id, []).append((r.path, r.line))
            if isinstance(record, Project):
                projects.append(record)
            elif isinstance(record, Target):
                targets.append(record)
    return Registry(tuple(projects), tuple(targets), refs)
