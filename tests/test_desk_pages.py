"""The planner's desk without a browser: catalogue, language choice, landing page, reports, CLI report, If-Match."""

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
from layers.i18n import MESSAGES, MOUNTING_LABELS, messages, mw, negotiate, number, t, vocab_labels
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
    assert set(messages("en")) == set(messages("zh")) == {k for k in MESSAGES if not k.startswith("cli.")}
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
