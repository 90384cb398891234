"""The orchestrator: a plan file in, proposed registry rows out (no rules of its own)."""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.districts import Unit, read_units
from geo.files import not_regular_file
from geo.gazetteer import Gazetteer, read_gazetteer
from geo.ingest.county import TITLE_LINE, infer_unit, short_name
from geo.ingest.errors import IngestError
from geo.ingest.figures import power_figures
from geo.ingest.places import county_in_name, places_in_name
from geo.ingest.projects import PROGRAMME_NOTE, is_specific, projects_in
from geo.ingest.rows import ProjectRow, TargetRow
from geo.ingest.targets import targets_in
from geo.ingest.text import Document, decode_plan, parse_document

PLAN_COLUMNS = ("plan_id", "title", "issuer", "doc_number", "date", "admin_unit", "adcode", "kind", "source_file",
                "note")
MAX_BYTES = 50_000_000
EN = {"pv": "PV", "wind": "wind", "hydro": "hydropower", "substation": "substation", "transmission": "power line",
      "grid_programme": "grid programme", "storage": "energy storage", "charging": "EV charging",
      "thermal": "coal power",
      "gas": "gas", "nuclear": "nuclear", "biomass": "biomass", "waste_to_energy": "waste-to-energy",
      "hydrogen": "hydrogen", "heat": "heat supply", "other": "energy"}


@dataclass
class Proposal:
    """What ingest proposes for one plan, and what it said about it."""

    plan_id: str
    text: str
    encoding: str
    adcode: str | None
    projects: list[ProjectRow]
    targets: list[TargetRow]
    plan_row: dict[str, str]
    messages: list[str] = field(default_factory=list)


def plan_id_for(path: Path) -> str:
    """The plan id (file stem) of a plan file: its stem with anything but letters, digits, ``_``, ``-`` as ``_``."""
    stem = re.sub(r"[^\w-]", "_", path.stem).strip("_")
    return stem or "plan"


def _prefix(plan_id: str, adcode: str | None) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "", plan_id.lower())[:20]
    return ascii_part or (adcode or "plan")


def _title(doc: Document) -> str:
    head = [s.strip() for s in doc.lines if s.strip()][:40]
    titles = re.findall(r"(?<!根据)(?<!按照)(?<!》)《([^》]{4,60})》", "".join(head))
    short = [s for s in head if TITLE_LINE.search(s) and len(s) < 60 and not re.search("[。，]", s)]
    return (titles or short or head or ["(untitled)"])[0][:200]


def _name_en(row: ProjectRow) -> str:
    sub = f"{row.subtype.replace('_', ' ')} " if row.subtype else ""
    cap = f", {row.capacity_mw:g} MW" if row.capacity_mw is not None else ""
    kv = f"{row.voltage_kv:g} kV " if row.voltage_kv is not None else ""
    return f"{kv}{sub}{EN[row.category]} (proposed by ingest{cap}; see name_zh)"


def read_plan_text(path: Path) -> tuple[str, str]:
    """Read and decode a plan file (UTF-8 or GB18030)."""
    problem = not_regular_file(path)
    if problem:
        raise IngestError(f"{path}: {problem}")
    if path.stat().st_size > MAX_BYTES:
        raise IngestError(f"{path}: {path.stat().st_size:,} bytes; a plan text holds at most {MAX_BYTES:,}")
    return decode_plan(path.read_bytes(), str(path))


def propose(path: Path, data_dir: Path, adcode: str | None = None) -> Proposal:
    """Read the plan at ``path`` and propose its projects and targets, placed with ``data_dir``'s geography.

    Raises
    ------
    IngestError
        If the file is not a plan text, ``adcode`` is not a unit of China, or rows were found but the
        county cannot be told from the text (pass ``adcode``).
    """
    text, encoding = read_plan_text(path)
    doc = parse_document(text, encoding)
    units = read_units(data_dir / "boundaries" / "units.csv")
    plan_id = plan_id_for(path)
    messages: list[str] = []
    projects, targets = projects_in(doc), targets_in(doc)
    if adcode is not None:
        if adcode not in units:
            raise IngestError(f"--adcode {adcode!r} is not a unit of China in {data_dir / 'boundaries' / 'units.csv'}")
        how = f"{units[adcode].name_zh} ({adcode}), as given"
    else:
        inferred = infer_unit(doc.lines, units)
        if inferred is None and (projects or targets):
            raise IngestError(f"{path}: the text names no county or city of China in its title or body; pass --adcode")
        adcode, how = (inferred.adcode, inferred.how) if inferred else (None, "")
    if not projects and not targets:
        messages.append(f"{path}: no energy project or target found: an empty proposal (is it a plan text?)")
    if adcode is None:
        return Proposal(plan_id, text, encoding, None, [], [], {}, messages)
    messages.append(f"plan of {how}")
    unit = units[adcode]
    prefix = _prefix(plan_id, adcode)
    projects = _place(projects, unit, units, data_dir, prefix)
    for k, t in enumerate(targets, 1):
        t.adcode, t.id = adcode, f"{prefix}-t-{k:02d}"
    plan_row = {"plan_id": plan_id, "title": _title(doc), "issuer": "", "doc_number": "", "date": "",
                "admin_unit": unit.name_zh, "adcode": adcode,
                "kind": "carbon_peak" if "碳达峰" in _title(doc) else
                ("five_year_plan" if "五年规划" in _title(doc) else "other"),
                "source_file": path.name, "note": f"proposed by energy-planner ingest ({encoding}); {how}"}
    return Proposal(plan_id, text, encoding, adcode, projects, targets, plan_row, messages)


def _place(rows: list[ProjectRow], unit: Unit, units: dict[str, Unit], data_dir: Path, prefix: str) -> list[ProjectRow]:
    counties = [unit.adcode] if unit.level == "county" else \
        [u.adcode for u in units.values() if u.parent_adcode == unit.adcode and u.level == "county"]
    gazetteer: Gazetteer | None = None
    try:
        gazetteer = read_gazetteer(data_dir / "gazetteer", counties)
    except ValueError as exc:
        for row in rows[:1]:
            row.notes.append(f"gazetteer not read ({exc}): no township or village set")
    names = {unit.name_zh, short_name(unit.name_zh)}
    out: list[ProjectRow] = []
    seen: dict[tuple[str, str], ProjectRow] = {}
    counters: dict[str, int] = {}
    for row in rows:
        bare = row.name_zh.replace(unit.name_zh, "")
        for n in sorted(names, key=len, reverse=True):  # the short name only in front: 临湘光伏, not 220千伏临湘东变
            # nor when it names a substation or a plant: 达拉特500千伏变电站, 寿光变电站, 会东电厂
            names_facility = re.match(r"\d{2,4}(?:kV|KV|千伏)|变|电厂|电站|港", bare[len(n) :])
            bare = bare[len(n) :] if bare.startswith(n) and not names_facility else bare
        has_figure = row.capacity_mw is not None or row.count is not None or row.length_km is not None
        if not is_specific(bare) and not has_figure and PROGRAMME_NOTE not in row.notes:
            continue
        key = (row.name_zh, row.category)
        same = seen.get(key) or next((r for (n, c), r in seen.items() if c == row.category and len(n) >= 4
                                      and len(bare) >= 4 and (n in row.name_zh or row.name_zh in n)), None)
        if same is not None:  # a facility named twice (a summary, then a list): keep the fuller mention
            if _information(row) < _information(same):
                same.notes.append(f"also at line {row.line}")
                continue
            row.notes.append(f"also at line {same.line}")
            out.remove(same)
            seen = {k: v for k, v in seen.items() if v is not same}
        seen[key] = row
        district = unit.adcode
        if unit.level != "county":
            district = county_in_name(row.name_zh, unit.adcode, units) or unit.adcode
            if district == unit.adcode:
                row.notes.append(f"no county named: the plan's {unit.level} {unit.name_zh}")
        row.district_adcode = district
        if gazetteer is not None and units[district].level == "county":
            town, village, notes = places_in_name(row.name_zh, district, units[district].name_zh, gazetteer)
            row.township, row.village = town, village
            row.notes.extend(notes)
        if row.category == "pv" and not row.subtype and row.capacity_mw is not None and row.capacity_mw >= 20:
            row.subtype = "utility"
            row.notes.append("PV type not stated; utility assumed from size")
        if row.capacity_raw and not power_figures(row.capacity_raw.replace(" ", "")):
            row.capacity_raw, row.capacity_mw = "", None
        row.name_en = _name_en(row)
        out.append(row)
    for row in out:
        counters[row.category] = counters.get(row.category, 0) + 1
        row.id = f"{prefix}-{row.category}-{counters[row.category]:02d}"
        row.notes.append("proposed by energy-planner ingest: check against the quote")
    return out


def _information(row: ProjectRow) -> tuple[int, int]:
    """What a mention tells: its figures and year, then its name's length (a later mention wins a tie)."""
    figures = sum(v is not None for v in (row.capacity_mw, row.count, row.length_km, row.target_year))
    return figures, len(row.name_zh)


def plan_row_csv(row: dict[str, str]) -> str:
    """The plan's metadata as ``plans.csv`` (header and one row)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(PLAN_COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerow({c: row.get(c, "") for c in PLAN_COLUMNS})
    return buf.getvalue()
