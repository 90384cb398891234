"""Core records of the planner: frozen dataclasses, no geopandas inside."""

import re
from dataclasses import dataclass, field
from pathlib import Path

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
"""A project or target id: lower-case letters, digits, ``.``, ``_``, ``-``; starts with a letter or digit;
at most 64 characters. Safe in a URL path segment and a file name (no ``/``, no leading ``.``)."""

ID_RULE = "lower-case letters, digits, '.', '_', '-', starting with a letter or digit, at most 64 characters"


def is_id(value: str) -> bool:
    """Whether ``value`` is an id by :data:`ID_PATTERN` (the whole string: no trailing newline)."""
    return re.fullmatch(ID_PATTERN, value) is not None


def data_ref(path: str | Path, root: Path, line: int | str) -> str:
    """``<path relative to the data folder>:<line>``, e.g. ``registry/yy-lx.projects.csv:12``.

    What records, features and exports say about where a row came from: never the server's own path.
    """
    try:
        rel = Path(path).relative_to(root).as_posix()
    except ValueError:  # not under root: the file name alone
        rel = Path(path).name
    return f"{rel}:{line}"


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: a plan line and its exact quote, and how the value was obtained.

    ``line`` is a 1-based line number or a range ``"N-M"`` of the plan file ``data/plans/<plan_id>.txt``;
    ``method`` is ``curated``, ``parsed``, ``geocoded``, ``derived`` or ``user-edited``; ``ref`` is the
    registry row that holds it, relative to the data folder (``registry/<file>:<line>``, see :func:`data_ref`).
    """

    plan_id: str
    line: str
    quote: str
    method: str = "curated"
    ref: str = ""


@dataclass(frozen=True)
class Project:
    """A named energy facility or programme from a plan."""

    id: str
    name_zh: str
    name_en: str
    category: str
    subtype: str | None
    capacity_raw: str | None
    capacity_mw: float | None
    energy_mwh: float | None
    voltage_kv: float | None
    count: int | None
    count_unit: str | None
    length_km: float | None
    action: str | None
    status: str | None
    target_year: int | None
    district_adcode: str
    township: str | None
    village: str | None
    site: str | None
    note: str | None
    provenance: tuple[Provenance, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Target:
    """A quantitative energy or climate target of an admin unit."""

    id: str
    adcode: str
    metric: str
    value: float
    value_raw: str | None
    unit: str
    comparator: str
    year: int | None
    basis: str | None
    note: str | None
    provenance: tuple[Provenance, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a place name the registry uses, with a WGS-84 coordinate where one is known."""

    name_zh: str
    kind: str
    district_adcode: str
    lon: float | None
    lat: float | None
    precision: str | None
    source: str | None
    note: str | None
    ref: str = ""


@dataclass(frozen=True)
class Location:
    """Where a project is drawn, and how well that is known."""

    lon: float
    lat: float
    precision: str
    source: str


@dataclass(frozen=True)
class Plan:
    """A source document and its metadata."""

    plan_id: str
    title: str
    issuer: str | None
    doc_number: str | None
    date: str | None
    admin_unit: str
    adcode: str
    kind: str
    source_file: str | None
    note: str | None
