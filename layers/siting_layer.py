"""PV candidate sites on a map: a folium ``FeatureGroup`` coloured by score, and a small offline page for a run.

Every value shown in a popup or tooltip is escaped in Python (:func:`layers.html_safety.html_text`)
before it reaches the page; the features carry only the escaped ``popup_html`` and ``label`` and the
``score`` that picks the colour. The page (:func:`render_siting_map`) is built like the planner map
(:mod:`layers.planner_map`): Leaflet inlined, no tiles, nothing from the network, the "not an official
map" banner.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import offlinefolium
import pandas as pd
from branca.colormap import LinearColormap
from branca.element import Figure
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.files import atomic_write
from layers.html_safety import html_text
from layers.legend import NOT_OFFICIAL_EN, NOT_OFFICIAL_ZH
from layers.planner_map import LEAFLET_ASSETS, RawHtml
from solar.siting.results import CandidateSite, candidate_list

#: Score colours, low to high (red - yellow - green).
SCORE_COLOURS = ("#d73027", "#fee08b", "#1a9850")
NO_SCORE_COLOUR = "#9e9e9e"
LAYER_NAME = "光伏候选场址 PV candidate sites"
COORD_DECIMALS = 5  # ~1 m


def score_scale() -> LinearColormap:
    """The colour scale of the score, 0 to 1."""
    return LinearColormap(list(SCORE_COLOURS), vmin=0.0, vmax=1.0, caption="suitability score")


def score_colour(score: Any) -> str:
    """Hex colour of a score (0-1); grey when missing."""
    if score is None or (isinstance(score, float) and not math.isfinite(score)) or pd.isna(score):
        return NO_SCORE_COLOUR
    return str(score_scale().rgb_hex_str(min(max(float(score), 0.0), 1.0)))


def _num(value: Any, fmt: str, unit: str = "") -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{format(float(value), fmt)}{unit}"


def site_popup_html(site: CandidateSite) -> str:
    """The popup of one candidate site; every value escaped.

    Parameters
    ----------
    site : CandidateSite
        A site of :func:`solar.siting.supply.candidate_sites` (capacity [MWp], energy [MWh/yr], area [km²],
        distance [km], voltage [kV], slope [degrees]).

    Returns
    -------
    str
        HTML: the site's id and district, a table of its figures with units, the planning-estimate note.
    """
    rows = [
        ("容量 capacity", _num(site.capacity_mw, ",.1f", " MWp")),
        ("年发电量 annual energy", _num(site.annual_mwh, ",.0f", " MWh")),
        ("等效利用小时 specific yield", _num(site.specific_yield_kwh_per_kwp, ",.0f", " kWh/kWp")),
        ("容量系数 capacity factor", _num(site.capacity_factor, ".1%")),
        ("面积 area", _num(site.area_km2, ",.2f", " km²")),
        ("评分 score", _num(site.score, ".3f")),
        ("距变电站 to substation", _num(site.dist_substation_km, ",.1f", " km")),
        ("变电站 substation", f"{site.substation_id or '—'} "
                             f"({_num(site.substation_voltage_kv, '.0f', ' kV')}, "
                             f"{site.substation_precision or '—'})"),
        ("平均坡度 mean slope", _num(site.mean_slope_deg, ".1f", "°")),
        ("成本指数 cost proxy", _num(site.cost_proxy, ".3f")),
    ]
    body = "".join(f"<tr><th>{html_text(k)}</th><td>{html_text(v)}</td></tr>" for k, v in rows)
    return (f"<div class=\"site-popup\"><b>{html_text(site.site_id)}</b> · {html_text(site.district)}"
            f"<table>{body}</table><div class=\"site-note\">规划估算 planning estimate; see report.md for the "
            "assumptions</div></div>")


def siting_feature_group(sites: gpd.GeoDataFrame, *, name: str = LAYER_NAME, show: bool = True
                         ) -> offlinefolium.FeatureGroup:
    """A folium ``FeatureGroup`` of candidate sites, filled by score, with escaped popups and tooltips.

    Parameters
    ----------
    sites : GeoDataFrame
        :func:`solar.siting.supply.candidate_sites` output (any CRS; drawn in EPSG:4326), each row read as a
        :class:`~solar.siting.results.CandidateSite`.
    name : str
        The layer's name in the layer control.
    show : bool
        Shown when the map opens.

    Returns
    -------
    FeatureGroup
        One polygon per site (coordinates [degrees] to :data:`COORD_DECIMALS` decimals), empty for no sites.
    """
    group = offlinefolium.FeatureGroup(name=html_text(name), show=show)
    if sites.empty:
        return group
    frame = sites.to_crs("EPSG:4326") if sites.crs is not None else sites
    features = []
    for site in candidate_list(frame):
        features.append({
            "type": "Feature",
            "geometry": _rounded_mapping(site.geometry),
            "properties": {"popup_html": site_popup_html(site),
                           "label": html_text(f"{site.site_id}: {_num(site.capacity_mw, ',.0f')} MW,"
                                              f" score {_num(site.score, '.2f')}"),
                           "colour": score_colour(site.score)},
        })
    offlinefolium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=html_text(name),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#333333", "weight": 0.6,
                                  "fillOpacity": 0.7},
        highlight_function=lambda f: {"weight": 2.0, "color": "#000000"},
        popup=offlinefolium.GeoJsonPopup(fields=["popup_html"], labels=False, localize=False),
        tooltip=offlinefolium.GeoJsonTooltip(fields=["label"], labels=False, localize=False),
    ).add_to(group)
    return group


def _rounded_mapping(geom: BaseGeometry) -> dict[str, Any]:
    def rnd(coords: Any) -> Any:
        if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
            return [round(float(c), COORD_DECIMALS) for c in coords]
        return [rnd(c) for c in coords]

    out = dict(mapping(geom))
    out["coordinates"] = rnd(out["coordinates"])
    return out


#: Fill of an exclusion layer by kind on the map.
EXCLUSION_COLOURS = {"water": "#1e88e5", "settlement": "#6d4c41", "protected_area": "#2e7d32"}
#: Exclusion outlines are simplified to this [degrees] (~50 m) to keep the page small and quick.
SIMPLIFY_DEG = 0.0005


def overlay_groups(overlays: Mapping[str, gpd.GeoDataFrame]) -> list[offlinefolium.FeatureGroup]:
    """The user's own layers as map groups: exclusion areas by layer, power lines, substations with names.

    Parameters
    ----------
    overlays : mapping
        :attr:`solar.siting.run.SitingResult.overlays` (EPSG:4326): ``exclusions`` (``layer``, ``kind``,
        ``coarse``), ``power_lines`` (``voltage_kv`` [kV]), ``substations`` (``id``, ``name_zh``,
        ``voltage_kv`` [kV], ``location_precision``).

    Returns
    -------
    list of FeatureGroup
        Exclusions first (drawn under the sites), then lines and substations.
    """
    groups = []
    excl = overlays.get("exclusions")
    if excl is not None and len(excl):
        for name, part in excl.groupby("layer", sort=True):
            kind = str(part["kind"].iloc[0])
            coarse = str(part["coarse"].iloc[0] or "")
            label = f"排除 excluded: {name}" + (" (粗略 COARSE)" if coarse else "")
            group = offlinefolium.FeatureGroup(name=html_text(label), show=True)
            geom = part.geometry.union_all().simplify(SIMPLIFY_DEG)
            colour = EXCLUSION_COLOURS.get(kind, "#757575")
            tip = html_text(f"{name} ({kind})" + (f": {coarse}" if coarse else ""))
            offlinefolium.GeoJson({"type": "Feature", "geometry": _rounded_mapping(geom), "properties": {}},
                                  style_function=lambda _f, c=colour: {"color": c, "weight": 0.5, "fillColor": c,
                                                                       "fillOpacity": 0.35},
                                  tooltip=tip).add_to(group)
            groups.append(group)
    lines = overlays.get("power_lines")
    if lines is not None and len(lines):
        group = offlinefolium.FeatureGroup(name=html_text("输电线路 power lines (OSM)"), show=True)
        for _, row in lines.iterrows():
            kv = _num(row.get("voltage_kv"), ".0f", " kV")
            offlinefolium.GeoJson({"type": "Feature", "geometry": _rounded_mapping(row.geometry), "properties": {}},
                                  style_function=lambda _f: {"color": "#6a1b9a", "weight": 1.5, "dashArray": "4 3"},
                                  tooltip=html_text(f"{row.get('name_zh') or 'power line'} {kv}")).add_to(group)
        groups.append(group)
    subs = overlays.get("substations")
    if subs is not None and len(subs):
        group = offlinefolium.FeatureGroup(name=html_text("变电站 substations"), show=True)
        for _, row in subs.to_crs("EPSG:4326").iterrows():
            name = row.get("name_zh") or row.get("id")
            text = f"{name} · {_num(row.get('voltage_kv'), '.0f', ' kV')} · {row.get('location_precision') or ''}"
            offlinefolium.CircleMarker([round(row.geometry.y, COORD_DECIMALS), round(row.geometry.x, COORD_DECIMALS)],
                                       radius=5, color="#000000", weight=1, fill=True, fill_color="#ffeb3b",
                                       fill_opacity=1.0, tooltip=html_text(text)).add_to(group)
        groups.append(group)
    return groups


def _legend_html(title: str, warnings: list[str] | None = None) -> str:
    stops = "".join(f"<span style=\"background:{c};display:inline-block;width:24px;height:10px\"></span>"
                    for c in SCORE_COLOURS)
    return (
        "<div style=\"position:absolute;bottom:24px;left:10px;z-index:1000;background:#fff;padding:6px 8px;"
        "font:12px sans-serif;border:1px solid #999;border-radius:4px\">"
        f"<div><b>{html_text(title)}</b></div><div>评分 score 0 {stops} 1</div>"
        + "".join(f"<div style=\"max-width:420px;color:#6d4c41\">⚠ {html_text(w)}</div>" for w in (warnings or [])[:4])
        + f"<div style=\"color:#b71c1c;font-weight:bold\">{html_text(NOT_OFFICIAL_ZH)} · {html_text(NOT_OFFICIAL_EN)}"
        "</div></div>"
    )


def render_siting_map(sites: gpd.GeoDataFrame, area: BaseGeometry, area_name: str,
                      overlays: Mapping[str, gpd.GeoDataFrame] | None = None, warnings: list[str] | None = None) -> str:
    """A self-contained offline HTML page: the area's outline and its candidate sites.

    Parameters
    ----------
    sites : GeoDataFrame
        Candidate sites.
    area : shapely geometry
        The area scanned, EPSG:4326.
    area_name : str
        Its name (escaped here).
    overlays : mapping, optional
        The user's own layers (:func:`overlay_groups`).
    warnings : list of str, optional
        The run's warnings (the first four are shown in the legend box).
    """
    west, south, east, north = area.bounds
    m = offlinefolium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=10, tiles=None,
                          control_scale=True)
    m.default_js = [(n, u) for n, u in m.default_js if n in LEAFLET_ASSETS]
    m.default_css = [(n, u) for n, u in m.default_css if n in LEAFLET_ASSETS]
    m.fit_bounds([[south, west], [north, east]])
    offlinefolium.GeoJson({"type": "Feature", "geometry": _rounded_mapping(area), "properties": {}},
                          name=html_text(area_name),
                          style_function=lambda _f: {"color": "#37474f", "weight": 2, "fill": False}).add_to(m)
    for group in overlay_groups(overlays or {}):
        group.add_to(m)
    siting_feature_group(sites).add_to(m)
    offlinefolium.LayerControl(collapsed=False).add_to(m)
    figure = m.get_root()
    if isinstance(figure, Figure):
        figure.title = html_text(f"{area_name} · PV candidate sites")
        figure.html.add_child(RawHtml(_legend_html(f"{area_name} · 光伏候选场址 PV candidate sites", warnings)),
                              name="siting_legend")
    return str(m.get_root().render())


def write_siting_map(sites: gpd.GeoDataFrame, area: BaseGeometry, area_name: str, out: Path,
                     overlays: Mapping[str, gpd.GeoDataFrame] | None = None, warnings: list[str] | None = None) -> Path:
    """Write :func:`render_siting_map` to ``out`` (UTF-8), atomically; return ``out``."""
    page = render_siting_map(sites, area, area_name, overlays, warnings)

    def write(tmp: Path) -> None:
        tmp.write_text(page, encoding="utf-8")

    atomic_write(out, write)
    return out
