"""How the map draws things: project groups (layer, colour, symbol), marker sizes, location styles, colour scales.

Named lookup tables, in the order the layer control and the legend list them; labels are bilingual
(Chinese first, as the plans are written).
"""

import math
from dataclasses import dataclass

from branca.colormap import LinearColormap, StepColormap


@dataclass(frozen=True)
class ProjectGroup:
    """One map layer of projects: what it holds and how its symbols look."""

    key: str
    label_zh: str
    label_en: str
    colour: str
    shape: str


def _group(key: str, label_zh: str, label_en: str, colour: str, shape: str) -> tuple[str, ProjectGroup]:
    return key, ProjectGroup(key, label_zh, label_en, colour, shape)


# Symbols the page's script can draw (layers/static/planner_map.js, SHAPES).
SHAPES = ("circle", "triangle", "square", "diamond", "hexagon", "star", "pentagon", "triangle_down")

PROJECT_GROUPS: dict[str, ProjectGroup] = dict([
    _group("pv_rooftop", "光伏·屋顶", "PV · rooftop", "#e6a700", "circle"),
    _group("pv_distributed", "光伏·分布式", "PV · distributed", "#ff7f0e", "circle"),
    _group("pv_agrivoltaic", "光伏·农光互补", "PV · agrivoltaic", "#7cb342", "circle"),
    _group("pv_fishery", "光伏·渔光互补", "PV · fishery", "#00acc1", "circle"),
    _group("pv_tailings", "光伏·尾矿/废弃地", "PV · tailings / brownfield", "#8d6e63", "circle"),
    _group("pv_utility", "光伏·集中式", "PV · utility-scale", "#d84315", "circle"),
    _group("pv_floating", "光伏·漂浮式", "PV · floating", "#26a69a", "circle"),
    _group("pv_bipv", "光伏·建筑一体化", "PV · building-integrated", "#c2185b", "circle"),
    _group("pv_other", "光伏·类型未注明", "PV · type not stated", "#fdd835", "circle"),
    _group("wind", "风电", "Wind", "#1565c0", "triangle"),
    _group("substation_500kv", "变电站 ≥500 kV", "Substation ≥500 kV", "#4a148c", "square"),
    _group("substation_220kv", "变电站 220 kV", "Substation 220 kV", "#7b1fa2", "square"),
    _group("substation_110kv", "变电站 110 kV", "Substation 110 kV", "#ab47bc", "square"),
    _group("substation_35kv", "变电站 <110 kV", "Substation <110 kV", "#ce93d8", "square"),
    _group("substation_unknown", "变电站·电压未注明", "Substation · voltage not stated", "#5c6bc0", "square"),
    _group("line", "输电线路", "Power line", "#e53935", "diamond"),
    _group("grid_programme", "电网工程包", "Grid programme (counts, km)", "#546e7a", "diamond"),
    _group("storage", "储能", "Storage", "#2e7d32", "hexagon"),
    _group("charging", "充电设施", "EV charging", "#1e88e5", "star"),
    _group("thermal_gas_nuclear", "火电·燃气·核电", "Thermal, gas, nuclear", "#424242", "pentagon"),
    _group("other", "其他（水电、生物质、氢能、供热等）", "Other (hydro, biomass, hydrogen, heat, ...)", "#795548",
           "triangle_down"),
])

PV_SUBTYPE_GROUPS = {key.removeprefix("pv_") for key in PROJECT_GROUPS if key.startswith("pv_")} - {"other"}


def project_group(category: str | None, subtype: str | None, voltage_kv: float | None) -> str:
    """The key of the map layer (:data:`PROJECT_GROUPS`) a project belongs to.

    PV splits by subtype, substations by voltage class; lines are ``transmission``; thermal, gas and
    nuclear share a layer; every other category goes to ``other``.

    Examples
    --------
    >>> project_group("substation", None, 220.0)
    'substation_220kv'
    >>> project_group("pv", "fishery", None)
    'pv_fishery'
    """
    if category == "pv":
        return f"pv_{subtype}" if subtype in PV_SUBTYPE_GROUPS else "pv_other"
    if category == "substation":
        if voltage_kv is None or math.isnan(voltage_kv):
            return "substation_unknown"
        if voltage_kv >= 500:
            return "substation_500kv"
        if voltage_kv >= 220:
            return "substation_220kv"
        if voltage_kv >= 110:
            return "substation_110kv"
        return "substation_35kv"
    if category == "transmission":
        return "line"
    if category in ("thermal", "gas", "nuclear"):
        return "thermal_gas_nuclear"
    if category in ("wind", "storage", "charging", "grid_programme"):
        return str(category)
    return "other"


MIN_RADIUS_PX = 4
MAX_RADIUS_PX = 12
NO_CAPACITY_RADIUS_PX = 4


def marker_radius_px(capacity_mw: float | None) -> int:
    """Symbol radius [px] for a capacity [MW]: 4.5 px + 0.55 px per sqrt(MW), at most 12 px (~200 MW and up).

    Projects with no stated capacity get the smallest symbol, 4 px.
    """
    if capacity_mw is None or math.isnan(capacity_mw):
        return NO_CAPACITY_RADIUS_PX
    radius = 4.5 + 0.55 * math.sqrt(max(capacity_mw, 0.0))
    return round(min(max(radius, MIN_RADIUS_PX), MAX_RADIUS_PX))


# How each location precision is drawn: ``exact`` filled at its point, ``approximate`` lightly filled at
# the place's point, ``district_point`` hollow on a display ring around the district's representative point,
# ``city_point`` (rows the plan places only in a city or province) hollow and dashed on a dotted ring of its own,
# drawn apart from the counties' rings: such a row belongs to no county.
PRECISION_DISPLAY: dict[str, str] = {
    "surveyed": "exact",
    "site": "exact",
    "village": "approximate",
    "township": "approximate",
    "district": "district_point",
    "city": "city_point",
    "province": "city_point",
}
UNKNOWN_PRECISION_DISPLAY = "district_point"  # a precision the map does not know is never drawn as exact

# Target attainment: named pipeline MW / target MW, in steps.
ATTAINMENT_STEPS = (0.0, 0.25, 0.5, 0.75, 1.0)
ATTAINMENT_COLOURS = ("#d73027", "#fc8d59", "#fee08b", "#d9ef8b", "#1a9850")
ATTAINMENT_SCALE = StepColormap(list(ATTAINMENT_COLOURS), index=[*ATTAINMENT_STEPS, 2.0], vmin=0.0, vmax=2.0,
                                caption="named MW / target MW")


def attainment_colour(ratio: float) -> str:
    """Fill colour for an attainment ratio (values from 1 up are all "named pipeline reaches the target")."""
    return str(ATTAINMENT_SCALE.rgb_hex_str(min(max(ratio, 0.0), 1.999)))


def attainment_step_labels() -> list[tuple[str, str]]:
    """``(colour, label)`` for each attainment step, for the legend."""
    out = []
    for i, (low, colour) in enumerate(zip(ATTAINMENT_STEPS, ATTAINMENT_COLOURS, strict=True)):
        if i + 1 < len(ATTAINMENT_STEPS):
            out.append((colour, f"{low:.0%} – {ATTAINMENT_STEPS[i + 1]:.0%}"))
        else:
            out.append((colour, f"≥ {low:.0%}"))
    return out


YIELD_COLOURS = ("#fff5eb", "#fd8d3c", "#7f2704")


def yield_scale(low: float, high: float) -> LinearColormap:
    """Colour scale for specific yield [kWh/kWp] between ``low`` and ``high``."""
    if not high > low:
        low, high = low - 1.0, high + 1.0
    return LinearColormap(list(YIELD_COLOURS), vmin=low, vmax=high, caption="kWh/kWp")
