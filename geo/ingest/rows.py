"""The proposed rows: the registry's own columns, plus ``curation`` (``proposed`` until a person confirms)."""

from dataclasses import dataclass, field

CURATION_VALUES = ("proposed", "confirmed")


@dataclass
class ProjectRow:
    """A proposed project row (columns of ``geo.registry.read.PROJECT_COLUMNS``)."""

    name_zh: str
    category: str
    subtype: str = ""
    capacity_raw: str = ""
    capacity_mw: float | None = None
    energy_mwh: float | None = None
    voltage_kv: float | None = None
    count: int | None = None
    count_unit: str = ""
    length_km: float | None = None
    action: str = "new"
    status: str = "planned"
    target_year: int | None = None
    district_adcode: str = ""
    township: str = ""
    village: str = ""
    site: str = ""
    line: str = ""
    quote: str = ""
    notes: list[str] = field(default_factory=list)
    id: str = ""
    name_en: str = ""


@dataclass
class TargetRow:
    """A proposed target row (columns of ``geo.registry.read.TARGET_COLUMNS``)."""

    metric: str
    value: float
    value_raw: str
    unit: str
    comparator: str
    year: int | None
    basis: str
    line: str
    quote: str
    adcode: str = ""
    notes: list[str] = field(default_factory=list)
    id: str = ""
