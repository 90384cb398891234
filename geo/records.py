"""Core records of the planner: frozen dataclasses, no geopandas inside."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: a plan line and its exact quote, and how the value was obtained.

    ``line`` is a 1-based line number or a range ``"N-M"`` of the plan file ``data/plans/<plan_id>.txt``;
    ``method`` is ``curated``, ``parsed``, ``geocoded``, ``derived`` or ``user-edited``; ``ref`` is the
    registry row that holds it (``data/registry/<file>:<line>``).
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
