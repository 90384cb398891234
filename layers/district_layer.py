"""The ``districts`` layer: outlines, a choropleth of target attainment per (metric, year), roll-up popups, labels.

Outlines are simplified for display only (shared borders stay shared: counties and cities are each
simplified as one coverage); the store keeps the full geometry.
"""

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo.rollup import GAP_ASSUMPTION, METRIC_CATEGORIES
from layers.attainment import attainment_table, choropleth_options, district_attainment, target_year
from layers.html_safety import html_text
from layers.map_data import MapData, MapLayer
from layers.styles import CATEGORY_LABELS, METRIC_LABELS

# coverage_simplify tolerance [degrees] by level: counties move at most ~120 m, the cities (dashed context
# outlines) ~320 m (Hausdorff distance, measured on the shipped boundaries)
SIMPLIFY_TOLERANCE = {"county": 0.001, "city": 0.002}
COORD_DECIMALS = 4  # ~10 m, well under the simplification
CITY_LABEL_MIN_SHARE = 0.25  # label a city only where its counties leave this share of it uncovered
LEVEL_LABELS = {"county": ("县级", "county level"), "city": ("地级市", "prefecture city")}


def display_geometries(districts: gpd.GeoDataFrame) -> list[BaseGeometry]:
    """District outlines simplified for drawing, in the frame's order (counties and cities as separate coverages)."""
    geoms = np.asarray(districts.geometry.values, dtype=object).copy()
    for level in districts["level"].unique():
        idx = np.flatnonzero((districts["level"] == level).to_numpy())
        geoms[idx] = shapely.coverage_simplify(geoms[idx], SIMPLIFY_TOLERANCE.get(level, SIMPLIFY_TOLERANCE["city"]))
    rounded = shapely.transform(geoms, lambda c: np.round(c, COORD_DECIMALS))
    return list(rounded)


def label_point(geom: BaseGeometry) -> tuple[float, float]:
    """Where a district's name goes (lon, lat): the pole of inaccessibility of its largest part."""
    parts = list(getattr(geom, "geoms", [geom]))
    largest = max(parts, key=lambda g: g.area)
    p = polylabel(largest, tolerance=0.001) if largest.geom_type == "Polygon" else largest.centroid
    return round(p.x, 5), round(p.y, 5)


def label_points(districts: gpd.GeoDataFrame, geoms: list[BaseGeometry]) -> list[tuple[float, float] | None]:
    """Label positions (lon, lat) in the frame's order.

    Counties at their :func:`label_point`; a city at the label point of its area outside its counties, or
    no label (None) when its counties cover most of it.
    """
    parents = districts["parent_adcode"].astype(str).tolist()
    adcodes = districts["adcode"].astype(str).tolist()
    out: list[tuple[float, float] | None] = []
    for adcode, level, geom in zip(adcodes, districts["level"], geoms, strict=True):
        if level != "city":
            out.append(label_point(geom))
            continue
        children = [g for g, parent in zip(geoms, parents, strict=True) if parent == adcode]
        rest = geom.difference(shapely.union_all(children)) if children else geom
        out.append(label_point(rest) if not rest.is_empty and rest.area > CITY_LABEL_MIN_SHARE * geom.area else None)
    return out


def _mw(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _target_rows(rows: list[dict[str, Any]]) -> str:
    out = []
    for r in rows:
        zh, en = METRIC_LABELS.get(r["metric"], (r["metric"], r["metric"]))
        year = target_year(r["year"])
        ratio = "—" if pd.isna(r["ratio"]) else f"{r['ratio']:.0%}"
        out.append(
            f"<tr><td>{html_text(zh)} {html_text(en)}</td><td>{html_text(year if year else '—')}</td>"
            f"<td>{html_text(r['comparator'])} {_mw(r['target_mw'])}</td><td>{_mw(r['named_mw'])}</td>"
            f"<td>{ratio}</td><td>{html_text(r['basis'])}</td><td>{html_text(r['target_id'])}</td></tr>"
        )
    head = ("<tr><th>指标 metric</th><th>年 year</th><th>目标 target MW</th><th>已列名 named MW</th>"
            "<th>比例 ratio</th><th>口径 basis</th><th>id</th></tr>")
    return f"<table class=\"dp-t\">{head}{''.join(out)}</table>"


def district_popup_html(district: dict[str, Any], by_category: list[dict[str, Any]], own_targets: list[dict[str, Any]],
                        city_targets: list[dict[str, Any]], city_name: str, other_targets: int) -> str:
    """The popup of one district: its named projects by category, its capacity targets and their attainment.

    Parameters
    ----------
    district : dict
        ``adcode``, ``name_zh``, ``name_en``, ``level``.
    by_category : list of dict
        This district's projects by category: ``category``, ``projects``, ``with_capacity``, ``capacity_mw``.
    own_targets, city_targets : list of dict
        Rows of :func:`layers.attainment.attainment_table` for this district and for its parent city.
    city_name : str
        The parent city's name (for the heading of ``city_targets``).
    other_targets : int
        How many targets of this district are not capacity targets (not in the choropleth).

    Returns
    -------
    str
        HTML; every value is escaped.
    """
    level_zh, level_en = LEVEL_LABELS.get(str(district["level"]), (district["level"], district["level"]))
    parts = [
        f"<div class=\"dp\"><div class=\"dp-title\">{html_text(district['name_zh'])} "
        f"<span class=\"en\">{html_text(district['name_en'])}</span></div>",
        f"<div class=\"dp-meta\">adcode {html_text(district['adcode'])} · {html_text(level_zh)} "
        f"{html_text(level_en)}</div>",
    ]
    total = sum(int(r["projects"]) for r in by_category)
    total_mw = sum(float(r["capacity_mw"]) for r in by_category if r["with_capacity"])
    parts.append(f"<div class=\"dp-h\">规划列名项目 Named projects: {total} · {_mw(total_mw)} MW "
                 "(有容量者合计 sum of stated capacities)</div>")
    if total:
        rows = []
        for r in by_category:
            zh, en = CATEGORY_LABELS.get(r["category"], (r["category"], r["category"]))
            mw = _mw(r["capacity_mw"]) if r["with_capacity"] else "—"
            rows.append(f"<tr><td>{html_text(zh)} {html_text(en)}</td><td>{int(r['projects'])}</td><td>{mw}</td></tr>")
        parts.append("<table class=\"dp-t\"><tr><th>类别 category</th><th>个数 count</th><th>MW</th></tr>"
                     f"{''.join(rows)}</table>")
    if own_targets:
        parts.append("<div class=\"dp-h\">装机目标 Capacity targets</div>" + _target_rows(own_targets))
    else:
        parts.append("<div class=\"dp-h\">无装机目标 No capacity target of its own</div>")
    if city_targets:
        parts.append(f"<div class=\"dp-h\">所属市目标 City-wide targets of {html_text(city_name)}</div>"
                     + _target_rows(city_targets))
    if other_targets:
        parts.append(f"<div class=\"dp-meta\">另有 {other_targets} 项非装机目标 (shares, counts, ...) — "
                     "energy-planner targets</div>")
    parts.append(f"<div class=\"dp-note\">{html_text(GAP_ASSUMPTION)}</div></div>")
    return "".join(parts)


def _by_adcode(frame: pd.DataFrame, column: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        out.setdefault(str(record[column]), []).append({str(k): v for k, v in record.items()})
    return out


def districts_layer(data: MapData) -> MapLayer:
    """Build the ``districts`` layer.

    Returns
    -------
    MapLayer
        Payload: ``features`` (a GeoJSON FeatureCollection, cities first so counties draw on top; each
        feature's properties hold ``adcode``, ``name_zh``, ``name_en``, ``level``, ``popup_html``
        (escaped), ``label`` (lon, lat; null for a city its counties cover) and ``attainment`` by option
        key: ``ratio``, ``named_mw``, ``target_mw``, ``target_id``, ``fill``), ``options`` (the (metric, year)
        choropleth choices), ``default_option`` (the one most districts have) and ``bounds``
        ([[south, west], [north, east]] of the county-level units, the region the map opens on).
    """
    districts = data.districts.assign(
        adcode=data.districts["adcode"].astype(str),
        _order=(data.districts["level"] != "city").astype(int),
    ).sort_values(["_order", "adcode"], kind="stable").reset_index(drop=True)
    table = attainment_table(data.projects, data.targets, data.parents)
    per_district = district_attainment(table)
    options = choropleth_options(table)
    counts = data.projects.groupby(["district_adcode", "category"], as_index=False).agg(
        projects=("id", "count"), with_capacity=("capacity_mw", "count"), capacity_mw=("capacity_mw", "sum"))
    counts_by = _by_adcode(counts, "district_adcode")
    targets_by = _by_adcode(per_district, "adcode")
    other = data.targets[~data.targets["metric"].isin(list(METRIC_CATEGORIES))]
    other_by = {str(k): int(v) for k, v in other.groupby("adcode").size().items()}
    names = dict(zip(districts["adcode"], districts["name_zh"], strict=True))
    parents = data.parents
    geoms = display_geometries(districts)
    labels = label_points(districts, geoms)
    features = []
    for district, geom, label in zip(districts.drop(columns=["geometry", "_order"]).to_dict("records"), geoms, labels,
                                     strict=True):
        adcode = district["adcode"]
        parent = parents.get(adcode, "")
        own = targets_by.get(adcode, [])
        city = targets_by.get(parent, []) if parent in names else []
        popup = district_popup_html(district, counts_by.get(adcode, []), own, city, names.get(parent, ""),
                                    other_by.get(adcode, 0))
        attainment = {
            r["key"]: {"ratio": None if pd.isna(r["ratio"]) else round(float(r["ratio"]), 4),
                       "named_mw": float(r["named_mw"]), "target_mw": float(r["target_mw"]),
                       "target_id": str(r["target_id"]), "fill": r["fill"]}
            for r in own
        }
        features.append({
            "type": "Feature",
            "geometry": mapping(geom),
            "properties": {"adcode": adcode, "name_zh": str(district["name_zh"]), "name_en": str(district["name_en"]),
                           "level": str(district["level"]), "popup_html": popup,
                           "label": list(label) if label else None, "attainment": attainment},
        })
    per_option = per_district["key"].value_counts()
    default = max(options, key=lambda o: per_option.get(o["key"], 0))["key"] if options else "outline"
    counties = districts[districts["level"] != "city"]
    west, south, east, north = (float(v) for v in (counties if len(counties) else districts).total_bounds)
    return MapLayer("districts", {
        "features": {"type": "FeatureCollection", "features": features},
        "options": options,
        "default_option": default,
        "bounds": [[south, west], [north, east]],
        "assumption": GAP_ASSUMPTION,
    })
