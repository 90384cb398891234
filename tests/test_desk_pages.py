"""The planner's desk without a browser: catalogue, language choice, landing page, reports, CLI report, If-Match."""

import html
import json
import re
import shutil
from importlib import resources

import pytest
import shapely
import shapely.geometry
from conftest import REPO
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.keys import add_key
from api.settings import Settings
from geo.export import FORMULA_PREFIXES
from layers.desk_map import CSV_RULE
from layers.i18n import MESSAGES, MOUNTING_LABELS, SERVER_ONLY, messages, mw, negotiate, number, t, vocab_labels
from layers.landing import matches, tokens
from solar.mounting import PRESETS


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    store = tmp_path_factory.mktemp("desk") / "planner.gpkg"
    shutil.copy(built_store, store)
    with TestClient(create_app(Settings(store=store))) as c:
        c.store = store
        yield c


def test_catalogue_has_both_languages_and_formats_numbers():
    assert all(zh and en for zh, en in MESSAGES.values())
    assert set(messages("en")) == set(messages("zh")) == {k for k in MESSAGES if not k.startswith(SERVER_ONLY)}
    assert t("report.title", "zh", name="临湘市") == "临湘市 能源规划项目报告"
    assert mw(162.4) == "162.4 MW（16.24 万千瓦）" and mw(162.4, "en") == "162.4 MW"
    assert number(1234567.891, 1) == "1,234,567.9" and number(float("nan")) == "—"



def test_page_scripts_take_their_words_from_the_catalogue():
    """No Chinese (and so no bilingual) text is hard-coded in the map's scripts: it all comes from layers.i18n."""
    cjk = re.compile(r"[\u3400-\u9fff]")
    for name in ("planner_map.js", "desk_controls.js", "desk_edit.js", "project_markers.js"):
        code = resources.files("layers").joinpath("static", name).read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)  # comments may say what the words are
        code = re.sub(r"(?m)//.*$", "", code)
        literals = re.findall(r'"(?:[^"\\\n]|\\.)*"', code)
        assert [s for s in literals if cjk.search(s)] == [], name
    assert set(MOUNTING_LABELS) == set(PRESETS) and set(vocab_labels("zh")["mounting"]) == set(PRESETS)


def test_lakes_of_the_base_layer_are_clipped_named_and_small():
    from layers.base_data import read_lakes

    bounds = (112.6, 28.4, 114.3, 29.9)  # 岳阳市 and a margin
    lakes = read_lakes(REPO / "data", bounds)
    names = {f["properties"]["name_zh"] for f in lakes["features"]}
    assert "洞庭湖" in names
    shapes = [shapely.geometry.shape(f["geometry"]) for f in lakes["features"]]
    assert all(shapely.box(*bounds).buffer(1e-6).contains(g) for g in shapes)  # clipped to what the map shows
    assert len(json.dumps(lakes)) < 60_000  # a small part of the page
    assert read_lakes(REPO / "data", (100.0, 40.0, 100.1, 40.1))["features"] == []
    assert read_lakes(REPO / "no-such-data", bounds)["features"] == []


CHENGLINGJI = (113.14, 29.43)  # 城陵矶, where 洞庭湖 meets the Yangtze (WGS-84, ±1 km)
YUEYANG_BOX = (112.5, 28.5, 114.2, 30.1)  # 岳阳市, the Yangtze on its northern edge and a margin


def test_shipped_rivers_are_valid_polygons_in_china_box_with_their_licence():
    import pyogrio

    from layers.base_data import RIVER_ATTRIBUTION, RIVERS_FILE

    path = REPO / "data" / RIVERS_FILE
    assert path.is_file() and path.stat().st_size < 4_000_000  # a few MB at most
    info = pyogrio.read_info(path, layer="rivers")
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "Polygon" and info["features"] > 5_000
    x0, y0, x1, y1 = info["total_bounds"]
    assert 72.5 < x0 and y0 > 17.0 and x1 < 136.0 and y1 < 54.5  # China's box (polygons meeting it, whole)
    frame = pyogrio.read_dataframe(path, layer="rivers", bbox=YUEYANG_BOX)
    assert frame.geometry.is_valid.all() and set(frame.geom_type) == {"Polygon"}
    readme = (REPO / "data" / "basemap" / "README.md").read_text(encoding="utf-8")
    assert RIVER_ATTRIBUTION in readme and "ODbL 1.0" in readme and "scripts/build_rivers.py" in readme


def test_rivers_near_yueyang_follow_the_yangtze():
    """Checked on the shipped data: the Yangtze is a chain of pieces past 城陵矶 and along 临湘 (see its README)."""
    import geopandas as gpd

    from layers.base_data import read_rivers

    rivers = read_rivers(REPO / "data", YUEYANG_BOX)
    assert {f["properties"]["kind"] for f in rivers["features"]} == {"river"}
    water = gpd.GeoSeries([shapely.geometry.shape(f["geometry"]) for f in rivers["features"]], crs=4326)
    utm = water.to_crs(32649)
    here = gpd.GeoSeries([shapely.Point(CHENGLINGJI)], crs=4326).to_crs(32649).iloc[0]
    assert utm.distance(here).min() < 2_000  # [m] the river at 城陵矶 (0.75 km from the point given)
    union = shapely.union_all(water.to_numpy())
    for x in [113.15 + 0.1 * i for i in range(8)]:  # 113.15-113.95 E: 岳阳楼区, 云溪区, 临湘市 along the Yangtze
        strip = gpd.GeoSeries([union.intersection(shapely.box(x, 29.4, x + 0.1, 30.05))], crs=4326)
        assert strip.to_crs(32649).area.iloc[0] > 10e6, x  # [m^2] > 10 km^2 of river in every 0.1 deg
    assert all(shapely.box(*YUEYANG_BOX).buffer(1e-6).contains(g) for g in water)  # clipped
    assert read_rivers(REPO / "data", (100.0, 40.0, 100.1, 40.1))["features"] == []
    assert read_rivers(REPO / "no-such-data", YUEYANG_BOX)["features"] == []


def test_map_payload_carries_rivers_near_the_districts_and_their_attribution(built_store):
    from layers.base_data import RIVER_ATTRIBUTION
    from layers.map_data import read_map_data
    from layers.planner_map import render_map_html

    data = read_map_data(built_store)
    page = render_map_html(data, data_dir=REPO / "data")
    m = re.search(r'<script type="application/json" id="planner-map-data">(.*?)</script>', page, re.S)
    assert m
    desk = json.loads(m.group(1))["desk"]
    rivers = [shapely.geometry.shape(f["geometry"]) for f in desk["rivers"]["features"]]
    assert len(rivers) > 20 and all(f["properties"]["kind"] == "river" for f in desk["rivers"]["features"])
    assert all(f["properties"]["kind"] == "lake" for f in desk["lakes"]["features"])
    near = shapely.union_all(data.districts.geometry.to_numpy()).buffer(0.1 + 0.01)
    assert all(near.contains(g) for g in rivers)  # within ~10 km of the districts shown, not their whole box
    assert not any(g.intersects(shapely.box(111.5, 27.5, 112.2, 28.3)) for g in rivers)  # 益阳/长沙, between them
    yueyang = data.districts.loc[data.districts["adcode"] == "430600"].geometry.iloc[0]
    assert any(g.intersects(yueyang) and g.distance(shapely.Point(CHENGLINGJI)) < 0.02 for g in rivers)
    assert len(json.dumps(desk["rivers"])) < 40_000  # a small part of the page (~15 kB for 岳阳 + 鹤城)
    # the licence's attribution: in the payload, on the map (desk_controls.js adds it) and in the printed sources
    assert desk["attributions"]["rivers"] == RIVER_ATTRIBUTION
    assert "© OpenStreetMap contributors" in RIVER_ATTRIBUTION and "ODbL" in RIVER_ATTRIBUTION
    assert "geo-maps by Simone Primarosa" in RIVER_ATTRIBUTION
    code = resources.files("layers").joinpath("static", "desk_controls.js").read_text(encoding="utf-8")
    assert "addAttribution(PlannerMap.escapeHtml(desk.attributions.rivers))" in code
    assert 'M["map.print_sources_rivers"]' in code
    for lang in ("zh", "en"):
        assert "OpenStreetMap" in t("map.print_sources_rivers", lang) and "ODbL" in t("map.print_sources_rivers", lang)
        assert "geo-maps" in t("map.print_sources_rivers", lang)


def test_no_rivers_without_the_file_or_when_not_asked(built_store):
    from layers.base_data import read_lakes, read_rivers, water_near

    bounds = (112.6, 28.4, 114.3, 29.9)
    assert {f["properties"]["kind"] for f in read_lakes(REPO / "data", bounds)["features"]} == {"lake"}
    assert {f["properties"]["kind"] for f in read_rivers(REPO / "data", bounds)["features"]} == {"river"}
    assert water_near(read_rivers(REPO / "data", bounds), [])["features"] == []


def test_csv_rule_of_the_page_is_the_exports_rule():
    assert tuple(CSV_RULE["prefixes"]) == FORMULA_PREFIXES


@pytest.mark.parametrize(("query", "header", "lang"), [
    (None, None, "zh"), (None, "en-GB,en;q=0.9", "en"), (None, "fr,en;q=0.5,zh-CN;q=0.8", "zh"),
    ("en", "zh-CN", "en"), ("zh-CN", "en", "zh"), ("xx", None, "zh")])
def test_language_choice(query, header, lang):
    assert negotiate(query, header) == lang


def test_two_word_search_matches_every_word():
    assert tokens("Linxiang  agrivoltaic") == ["linxiang", "agrivoltaic"]
    assert matches(["linxiang", "agrivoltaic"], "临湘 linxiang pv agrivoltaic")
    assert not matches(["linxiang", "rooftop"], "临湘 linxiang pv agrivoltaic")


def test_landing_page_for_browsers_and_json_for_clients(client):
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-language"] == "zh"
    assert "各区县" in page.text and "reports/430682" in page.text and "script" not in page.text.lower()
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert client.get("/").json()["links"]  # OGC clients still get the landing document
    assert "OGC" in client.get("/?f=html").text or client.get("/?f=html").status_code == 200
    en = client.get("/desk", params={"lang": "en", "q": "Linxiang agrivoltaic"})
    assert en.headers["content-language"] == "en" and "lx-pv-02" in en.text and "lx-pv-05" in en.text
    many = client.get("/desk", params={"q": "临湘"})
    assert "项匹配未显示" in many.text  # more than ten matches: says so


def test_report_in_chinese_and_english(client):
    zh = client.get("/reports/431202")
    assert zh.status_code == 200 and "<svg" in zh.text and "万千瓦" in zh.text and "P90" in zh.text
    assert "<script" not in zh.text and "hc-t-07" in zh.text and "非官方地图" in zh.text
    en = client.get("/reports/431202", headers={"Accept-Language": "en"})
    assert "Capacity targets against the named pipeline" in en.text
    assert client.get("/reports/999999").status_code == 404


def test_if_match_refuses_an_edit_made_on_a_stale_version(client):
    key = add_key(client.store, "desk-test")
    h = {"X-API-Key": key}
    version = client.get("/edits", params={"project_id": "lx-pv-02", "limit": 1}).json()["numberMatched"]
    ok = client.patch("/collections/projects/items/lx-pv-02", json={"properties": {"status": "planned"}},
                      headers={**h, "If-Match": f'"{version}"'})
    assert ok.status_code == 200 and ok.headers["ETag"] == f'"{version + 1}"'
    stale = client.patch("/collections/projects/items/lx-pv-02", json={"properties": {"status": "proposed"}},
                         headers={**h, "If-Match": f'"{version}"'})
    assert stale.status_code == 412 and "someone else" in stale.json()["detail"]


def test_cli_report_html_and_bad_suffix(built_store, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["--store", str(built_store), "report", "--adcode", "430682", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "临湘市" in text and "<svg" in text and "@page" in text
    assert main(["--store", str(built_store), "report", "--adcode", "430682", "--out", str(tmp_path / "r.txt")]) != 0
    assert "must end in .html or .pdf" in capsys.readouterr().err


ASCII_WORD = r"[A-Za-z][\w./\[\]-]*"
#: Three or more ASCII words in a row: an English phrase (codes, ids, units and source names stand alone).
ENGLISH_RUN = re.compile(rf"{ASCII_WORD}(?:[ ,;:()'-]+{ASCII_WORD}){{2,}}")


def section(page: str, heading: str) -> str:
    """The text of a report section: from its heading to the next one, each tag a line break (cells apart)."""
    start = page.index(f"<h2>{heading}</h2>")
    end = page.find("<h2>", start + 4)
    return re.sub(r"<[^>]+>", "\n", page[start:end if end > 0 else None])


def test_report_assumptions_and_sources_in_chinese_with_the_same_figures(client):
    zh, en = (client.get("/reports/431202", params={"lang": lang}).text for lang in ("zh", "en"))
    assumptions = section(zh, t("report.assumptions", "zh"))
    yields = section(zh, t("report.yields", "zh"))
    assert not ENGLISH_RUN.findall(assumptions) and not ENGLISH_RUN.findall(yields)
    summary = client.get("/analysis/districts/431202/yield").json()
    for topic, text in summary["assumptions"].items():  # every topic, with its Chinese label; English as written
        assert f"<b>{t(f'cli.topic.{topic}', 'zh')}</b>：" in zh
        assert f"<b>{topic}</b>: {text}" in html.unescape(en)
    weather = re.search(r"nearest (\d+) (\d+) km away \(CDSRD (\d{4}-\d{4}) statistics, CSWD level x([\d.]+)\)", en)
    assert weather is not None
    station, km, years, level = weather.groups()
    assert f"最近为 {station} 站，相距 {km} km（CDSRD {years} 年统计，按 CSWD 典型年水平校准，系数 ×{level}）" in zh
    wind = re.search(r"assumed mean wind ([\d.]+) m/s at ([\d.]+) m \(ridge site\), Weibull k ([\d.]+)", en)
    assert wind is not None
    speed, height, k = wind.groups()
    assert f"假定长期平均风速 {speed} m/s（{height} m 高度，山脊场址），Weibull 形状参数 k = {k}" in zh


def cell_figures(text: str) -> list[str]:
    """The first figure of every right-aligned cell (in Chinese a capacity's 万千瓦 comes after its MW)."""
    return [m[0] if m else "" for m in (re.search(r"-?[\d,]+(?:\.\d+)?", html.unescape(c))
                                        for c in re.findall(r'<t[dh] class="n">(.*?)</t[dh]>', text))]


def test_report_siting_wind_farms_and_sources_in_chinese_with_the_same_figures(client):
    from layers.base_data import PLANT_ATTRIBUTION, TOWNSHIP_ATTRIBUTION
    from layers.report import BOUNDARY_ATTRIBUTION

    out = client.store.parent / "siting" / "430682"  # where the service's reports read a siting run
    assert main(["--store", str(client.store), "site", "--district", "430682", "--resolution", "1000",
                 "--no-progress", "--out", str(out)]) == 0
    untranslated = t("words.as_written", "zh", text="")
    for adcode, heading in (("430682", "report.siting"), ("431202", "report.yields")):
        zh, en = (client.get(f"/reports/{adcode}", params={"lang": lang}).text for lang in ("zh", "en"))
        zh_part, en_part = section(zh, t(heading, "zh")), section(en, t(heading, "en"))
        assert not ENGLISH_RUN.findall(zh_part) and untranslated not in zh_part, adcode
        own = "screening only, check on site" if adcode == "430682" else "is what a bankable figure needs"
        assert own in html.unescape(en_part), adcode  # in English the models' own words
        start_zh, start_en = zh.index(f"<h2>{t(heading, 'zh')}</h2>"), en.index(f"<h2>{t(heading, 'en')}</h2>")
        zh_cells = cell_figures(zh[start_zh:zh.index("<h2>", start_zh + 4)])
        en_cells = cell_figures(en[start_en:en.index("<h2>", start_en + 4)])
        assert len(zh_cells) > 10 and zh_cells == en_cells, adcode  # the same figures in both languages
        sources = section(zh, t("app.sources", "zh"))
        sources = html.unescape(sources)
        for label, name in (("report.source_boundaries", BOUNDARY_ATTRIBUTION),
                            ("report.source_townships", TOWNSHIP_ATTRIBUTION),
                            ("report.source_plants", PLANT_ATTRIBUTION)):
            assert name not in sources or f"{t(label, 'zh')}：{name}" in sources
            sources = sources.replace(name, "")  # source names stay as they are
        assert f"{t('report.source_boundaries', 'zh')}：" in sources and not ENGLISH_RUN.findall(sources), adcode
    siting = section(client.get("/reports/430682").text, t("report.siting", "zh"))
    assert "仅供筛选，须现场核实" in siting and "候选容量为上限" in siting and "430682-0001" in siting
    farms = section(client.get("/reports/431202").text, t("report.yields", "zh"))
    assert "hc-wind-01" in farms and "尾流 5 %" in farms and "可融资的数字需要" in farms
