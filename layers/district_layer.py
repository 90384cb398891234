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
from layers.i18n import DEFAULT_LANG, MESSAGES, mw, percent, t, vocab_label
from layers.map_data import MapData, MapLayer

# coverage_simplify tolerance [degrees] by level: counties move at most ~120 m, the cities (dashed context
# outlines) ~320 m (Hausdorff distance, measured on the shipped boundaries)
SIMPLIFY_TOLERANCE = {"county": 0.001, "city": 0.002}
COORD_DECIMALS = 4  # ~10 m, well under the simplification
CITY_LABEL_MIN_SHARE = 0.25  # label a city only where its counties leave this share of it uncovered


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


def _div(css_class: str, text: str) -> str:
    return f"<div class=\"{css_class}\">{html_text(text)}</div>"


def _head(columns: tuple[str, ...], lang: str) -> str:
    return "".join(f"<th>{html_text(t(f'district.col.{c}', lang))}</th>" for c in columns)


def _target_rows(rows: list[dict[str, Any]], lang: str) -> str:
    """A table of capacity targets against the named pipeline (rows of the attainment table)."""
    out = []
    for r in rows:
        year = target_year(r["year"])
        basis = str(r["basis"] or "")
        basis_label = t(f"district.basis.{basis}", lang) if f"district.basis.{basis}" in MESSAGES else basis
        out.append(
            f"<tr><td>{html_text(vocab_label('metric', r['metric'], lang))}</td>"
            f"<td>{html_text(year if year else '—')}</td>"
            f"<td>{html_text(r['comparator'])} {html_text(mw(r['target_mw'], lang))}</td>"
            f"<td>{html_text(mw(r['named_mw'], lang))}</td><td>{html_text(percent(r['ratio']))}</td>"
            f"<td>{html_text(basis_label)}</td><td>{html_text(r['target_id'])}</td></tr>"
        )
    head = _head(("metric", "year", "target", "named", "ratio", "basis"), lang)
    return f"<table class=\"dp-t\"><tr>{head}<th>id</th></tr>{''.join(out)}</table>"


def district_popup_html(district: dict[str, Any], by_category: list[dict[str, Any]], own_targets: list[dict[str, Any]],
                        city_targets: list[dict[str, Any]], city_name: str, other_targets: int,
                        lang: str = DEFAULT_LANG) -> str:
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
    lang : {"zh", "en"}
        The page's language (:mod:`layers.i18n`); the district's Chinese name is always shown.

    Returns
    -------
    str
        HTML; every value is escaped.
    """
    level = str(district["level"])
    level_label = t(f"district.level.{level}", lang) if f"district.level.{level}" in MESSAGES else level
    name_en = f" <span class=\"en\">{html_text(district['name_en'])}</span>" if lang == "en" else ""
    parts = [
        f"<div class=\"dp\"><div class=\"dp-title\">{html_text(district['name_zh'])}{name_en}</div>",
        f"<div class=\"dp-meta\">adcode {html_text(district['adcode'])} · {html_text(level_label)}</div>",
    ]
    total = sum(int(r["projects"]) for r in by_category)
    total_mw = sum(float(r["capacity_mw"]) for r in by_category if r["with_capacity"])
    parts.append(_div("dp-h", t("district.named", lang, count=total, mw=mw(total_mw, lang))))
    if total:
        rows = []
        for r in by_category:
            capacity = mw(r["capacity_mw"], lang) if r["with_capacity"] else "—"
            rows.append(f"<tr><td>{html_text(vocab_label('category', r['category'], lang))}</td>"
                        f"<td>{int(r['projects'])}</td><td>{html_text(capacity)}</td></tr>")
        parts.append(f"<table class=\"dp-t\"><tr>{_head(('category', 'count'), lang)}<th>MW</th></tr>"
                     f"{''.join(rows)}</table>")
    if own_targets:
        parts.append(_div("dp-h", t("district.targets", lang)) + _target_rows(own_targets, lang))
    else:
        parts.append(_div("dp-h", t("district.no_targets", lang)))
    if city_targets:
        parts.append(_div("dp-h", t("district.city_targets", lang, city=city_name)) + _target_rows(city_targets, lang))
    if other_targets:
        parts.append(_div("dp-meta", t("district.other_targets", lang, n=other_targets)))
    parts.append(_div("dp-note", t("legend.gap_assumption", lang)) + "</div>")
    return "".join(parts)


def _by_adcode(frame: pd.DataFrame, column: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        out.setdefault(str(record[column]), []).append({str(k): v for k, v in record.items()})
    return out


def districts_layer(data: MapData, lang: str = DEFAULT_LANG) -> MapLayer:
    """Build the ``districts`` layer, its popups in ``lang``.

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
                                    other_by.get(adcode, 0), lang)
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
