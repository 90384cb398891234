"""Response models: the fixed-shape JSON answers as the API definition documents them (pydantic).

Separate from the domain's results (:mod:`solar.results`, :mod:`geo.rollup`): these say what a client may rely
on. Routes send their bodies as ready bytes (orjson), so the models document and are not run per request;
the schema test (``tests/test_api_schema.py``) checks every answer against them. Members not listed may be
present (a result's assumptions grow), never the other way round. GeoJSON feature collections stay documented
schemas in :mod:`api.ogc`: their bytes are joined, not modelled.
"""

from typing import Any

from pydantic import BaseModel, Field

Figure = float | None  # a computed figure; null when it cannot be computed (an unknown interannual SD, say)


class Link(BaseModel):
    """A link of an OGC API – Features document."""

    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class Health(BaseModel):
    """Liveness, and what the served snapshot of the store holds."""

    status: str = Field(description="ok")
    store: str = Field(description="the store's file name")
    projects: int
    targets: int
    districts: int
    version: int = Field(description="the snapshot's version: grows with every edit or reload")
    generation: str | None = Field(description="the store's build generation")


class Landing(BaseModel):
    """The landing page (OGC API – Features): title, description, links."""

    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    """The conformance classes the service implements."""

    conformsTo: list[str]


class Extent(BaseModel):
    """A collection's extent: bbox in CRS84, years as an ISO 8601 interval."""

    spatial: dict[str, Any] | None = None
    temporal: dict[str, Any] | None = None


class CollectionInfo(BaseModel):
    """One feature collection's description."""

    id: str
    title: str
    description: str
    itemType: str
    crs: list[str]
    extent: Extent
    links: list[Link]


class Collections(BaseModel):
    """The feature collections."""

    links: list[Link]
    collections: list[CollectionInfo]


class TargetFigures(BaseModel):
    """A capacity target and the named pipeline behind it [MW]."""

    target_id: str
    adcode: str
    metric: str
    year: int | None
    comparator: str | None
    basis: str | None
    target_mw: float = Field(description="[MW]")
    named_mw: float = Field(description="[MW] of the named projects behind it")
    gap_mw: float = Field(description="target - named [MW]; negative: the named pipeline exceeds it")
    named_projects: str = Field(description="ids, comma-separated")
    projects_without_capacity: int
    backed: bool


class TargetGap(TargetFigures):
    """One capacity target against the named pipeline (:func:`geo.rollup.target_gaps`)."""

    assumption: str


class TargetGaps(BaseModel):
    """Capacity targets against the named pipeline, with the assumption behind every gap."""

    assumption: str
    targets: list[TargetGap]


class SiteYield(BaseModel):
    """PV yield of a site (pvlib, offline typical year): the figures and the assumptions behind them."""

    latitude: float
    longitude: float
    capacity_mw: float = Field(description="DC [MWp]")
    mounting: str
    annual_energy_mwh: float = Field(description="[MWh]")
    specific_yield_kwh_per_kwp: float = Field(description="[kWh/kWp]")
    capacity_factor: float
    performance_ratio: float
    poa_kwh_per_m2: float
    ghi_kwh_per_m2: float
    monthly_energy_mwh: list[float] = Field(min_length=12, max_length=12)
    crop_light_fraction: Figure
    weather_source: str
    is_estimate: bool
    weather_clipped_hours: int
    energy_p50_mwh: float
    energy_p90_1y_mwh: Figure
    energy_p90_10y_mwh: Figure
    specific_yield_p90_1y_kwh_per_kwp: Figure
    specific_yield_p90_10y_kwh_per_kwp: Figure
    interannual_std_pct: Figure
    assumptions: dict[str, Any]


class PostedSiteYield(SiteYield):
    """``POST /analysis/yield``: the site as posted (lat, lon) and its yield."""

    lat: float
    lon: float


class WindYield(BaseModel):
    """Wind yield of a site (windpowerlib on the stated wind)."""

    lat: float
    lon: float
    capacity_mw: float
    annual_energy_mwh: float
    full_load_hours: float
    capacity_factor: float
    mean_wind_hub_m_s: float
    energy_p90_1y_mwh: Figure
    weather_source: str
    is_estimate: bool
    assumptions: dict[str, Any]


class ProjectYield(BaseModel):
    """A registry project's yield (PV or wind), or why there is none (``yield_status``)."""

    id: str
    name_zh: str
    subtype: str | None
    district_adcode: str
    capacity_mw: Figure
    lon: float
    lat: float
    location_precision: str
    yield_status: str = Field(description="computed, or the reason there is no yield")
    annual_energy_mwh: Figure = None
    location_note: str | None = None


class TechnologyTotal(BaseModel):
    """Projects, capacity and energy (P50/P90) of a district's projects, of one technology or all."""

    projects: int
    projects_with_yield: int
    capacity_mw: float
    annual_energy_mwh: Figure
    annual_energy_mwh_p90_1y: Figure
    annual_energy_mwh_p90_10y: Figure


class DistrictTotal(TechnologyTotal):
    """All the district's projects, and by technology."""

    by_category: dict[str, TechnologyTotal]


class ReferenceYield(BaseModel):
    """1 MW of the reference mounting (or turbine) at the district's representative point."""

    lat: float
    lon: float
    specific_yield_kwh_per_kwp: float
    specific_yield_p90_1y_kwh_per_kwp: Figure
    specific_yield_p90_10y_kwh_per_kwp: Figure
    interannual_std_pct: Figure
    weather_source: str
    is_estimate: bool
    p50_p90: str


class TargetEnergy(TargetFigures):
    """A capacity target in MW and in energy [GWh] (P50/P90): named, missing, and the target's own."""

    missing_mw: float
    named_mw_with_yield: float
    named_mw_without_yield: float
    missing_valued_as: str | None
    named_energy_gwh: Figure
    missing_energy_gwh: Figure
    target_energy_gwh: Figure


class DistrictYield(BaseModel):
    """A district's PV projects and wind farms, totals with P50/P90, and its capacity targets in energy."""

    adcode: str
    name_zh: str
    pv_projects: list[ProjectYield]
    wind_projects: list[ProjectYield]
    total: DistrictTotal
    reference_yield: ReferenceYield
    wind_reference_yield: ReferenceYield
    targets: list[TargetEnergy]
    assumptions: dict[str, str]


class MapLayerLink(BaseModel):
    """One map layer and where to get it."""

    name: str
    href: str
    type: str


class MapLayers(BaseModel):
    """The map's layers."""

    layers: list[MapLayerLink]


class Edit(BaseModel):
    """One edit of the audit trail: who changed what, when, the fields sent and the row before."""

    edit_id: int
    project_id: str
    op: str = Field(description="create, update or delete")
    fields: dict[str, Any]
    before: dict[str, Any] | None
    who: str
    at: str
    note: str | None


class Edits(BaseModel):
    """A page of the audit trail, oldest first."""

    numberMatched: int
    numberReturned: int
    edits: list[Edit]
