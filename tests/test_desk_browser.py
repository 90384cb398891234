"""The desk's pages in a real browser (Debian Chromium, headless), offline: map controls, report, landing page.

Screenshots of the map and the report go to var/screenshots/.
"""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from geo.export import neutralise_text
from layers.planner_map import write_map

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (make browser)", allow_module_level=True)

from test_map import ARGS, Visit  # noqa: E402

SCREENSHOTS = REPO / "var" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def visit(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block",
                                  accept_downloads=True, locale="zh-CN")  # a planner's browser
    yield Visit(context.new_page())
    context.close()


@pytest.fixture(scope="module")
def desk_map(built_store, tmp_path_factory) -> Path:
    return write_map(built_store, tmp_path_factory.mktemp("desk") / "map.html", data_dir=REPO / "data")


def open_desk(visit, path: Path):
    page = visit.open(path)
    page.wait_for_function("window.plannerDeskReady === true", timeout=15_000)
    return page


def test_status_filter_year_slider_and_count(visit, desk_map):
    page = open_desk(visit, desk_map)
    total = page.evaluate("plannerDesk.visible()")
    assert total == visit.count(".pm") > 100
    assert "显示" in page.inner_text(".desk-count")
    page.locator('input[data-status="planned"]').uncheck()
    page.wait_for_function(f"plannerDesk.visible() < {total}")
    fewer = page.evaluate("plannerDesk.visible()")
    assert visit.count(".pm") == fewer
    page.locator('input[data-status="planned"]').check()
    page.wait_for_function(f"plannerDesk.visible() === {total}")
    slider = page.locator(".desk-year-slider")
    slider.evaluate("s => { s.value = s.min; s.dispatchEvent(new Event('input')); }")
    assert page.evaluate("plannerDesk.visible()") < total and "≤" in page.inner_text(".desk-year-value")
    visit.assert_clean()


def test_downloads_hold_what_is_shown(visit, desk_map):
    page = open_desk(visit, desk_map)
    page.locator('input[data-status="planned"]').uncheck()
    shown = page.evaluate("plannerDesk.visible()")
    with page.expect_download() as d:
        page.locator(".desk-dl-geojson").click()
    geo = json.loads(Path(d.value.path()).read_text(encoding="utf-8"))
    assert len(geo["features"]) == shown and all(f["properties"]["status"] != "planned" for f in geo["features"])
    with page.expect_download() as d:
        page.locator(".desk-dl-csv").click()
    csv = Path(d.value.path()).read_text(encoding="utf-8")
    assert csv.startswith("\ufeffid,") and len(csv.strip().splitlines()) - 1 >= shown
    assert page.evaluate("PlannerDesk.csvCell('=HYPERLINK(1)')") == "'=HYPERLINK(1)"
    visit.assert_clean()


HOSTILE_CELLS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "=", "-", "+", "a\n=1", "x\r@SUM(1+1)",
                 "\r@SUM(1+1)", "a\r\n=1\n+2\r\tb", 'plain, "quoted"', '=HYPERLINK("http://x")', ">=", "临湘\n-3"]


def python_csv_cell(text: str) -> str:
    """A text cell as geo.export.write_csv writes it: neutralised, quoted as the csv module does (CRLF rows)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([neutralise_text(text)])
    return out.getvalue().removesuffix("\r\n")


def test_csv_download_neutralises_as_the_exports_do(visit, desk_map):
    page = open_desk(visit, desk_map)
    got = page.evaluate("cells => cells.map(PlannerDesk.csvCell)", HOSTILE_CELLS)
    want = [python_csv_cell(c) for c in HOSTILE_CELLS]
    assert got == want
    assert want[0] == "'=1+1" and want[6] == "=" and "'=1" in want[9]  # the rule did something; "=" stays
    visit.assert_clean()


def test_base_layer_and_print_layout(visit, desk_map):
    page = open_desk(visit, desk_map)
    assert visit.count(".desk-plant") > 0 and visit.count(".desk-town") > 50 and visit.count("path.desk-lake") > 0
    assert visit.count("path.desk-river") > 20  # the Yangtze, 湘江 and more, beneath the projects
    assert "© OpenStreetMap contributors, ODbL" in page.inner_text(".leaflet-control-attribution")
    page.locator(".desk-plant").first.click(force=True)
    popup = page.locator(".desk-plant-popup")
    popup.wait_for()
    assert "Global Energy Monitor" in popup.inner_text() and "GEM" in popup.inner_text()
    page.emulate_media(media="print")
    assert page.locator(".desk-print-head").is_visible() and page.locator(".desk-north").is_visible()
    assert "非官方地图" in page.inner_text(".desk-print-head")
    assert "OpenStreetMap" in page.locator(".desk-print-sources").text_content()
    assert not page.locator(".desk-panel").is_visible()
    page.emulate_media(media="screen")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.keyboard.press("Escape")
    page.screenshot(path=str(SCREENSHOTS / "desk_map.png"))
    page.evaluate("plannerMap.map.setView([29.30, 112.95], 10, {animate: false})")  # 洞庭湖, names shown from zoom 10
    assert "洞庭湖" in page.locator(".desk-lake-label").all_inner_texts()
    visit.assert_clean()


def test_english_map(visit, built_store, tmp_path):
    path = write_map(built_store, tmp_path / "en.html", lang="en", data_dir=REPO / "data")
    page = open_desk(visit, path)
    assert "Project status" in page.inner_text(".desk-panel") and page.title().startswith("Energy projects")
    visit.assert_clean()


def test_report_page_renders_and_prints(visit, built_store, tmp_path):
    from api.cli import main

    out = tmp_path / "report.html"
    assert main(["--store", str(built_store), "report", "--adcode", "431202", "--out", str(out)]) == 0
    page = visit.page
    page.goto(out.as_uri())
    assert page.locator("svg.chart").count() == 2 and page.locator("svg.report-map").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desk_report.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    visit.assert_clean()


# --- the map served by the running service: click for a yield, edit from the map ---

@pytest.fixture(scope="module")
def served(built_store, tmp_path_factory):
    """The real service (uvicorn) on a copy of the store, with an API key for edits."""
    from live_server import copy_store, serve

    from api.keys import add_key

    store = copy_store(built_store, tmp_path_factory.mktemp("served"))
    key = add_key(store, "desk-browser")
    with serve(store) as server:
        server.key = key  # type: ignore[attr-defined]
        yield server


def open_served(visit, url: str):
    page = visit.page
    page.goto(f"{url}/map")  # the context's locale is zh-CN: the service answers in Chinese
    page.wait_for_function("window.plannerDeskReady === true", timeout=30_000)
    return page


def click_at(page, lat: float, lon: float):
    """A real mouse click on the map at (lat, lon)."""
    box = page.locator("#" + page.evaluate("plannerMap.map.getContainer().id")).bounding_box()
    pt = page.evaluate("([lat, lon]) => { const p = plannerMap.map.latLngToContainerPoint([lat, lon]);"
                       " return [p.x, p.y]; }", [lat, lon])
    page.mouse.click(box["x"] + pt[0], box["y"] + pt[1])


def pixels_in_degrees(page, pixels: int) -> tuple[float, float]:
    """(lat, lon) degrees that ``pixels`` screen pixels span at the map's centre and zoom."""
    return tuple(page.evaluate(
        "n => { const m = plannerMap.map, c = m.getSize().divideBy(2);"
        " const a = m.containerPointToLatLng(c), b = m.containerPointToLatLng(c.add([n, n]));"
        " return [Math.abs(a.lat - b.lat), Math.abs(a.lng - b.lng)]; }", pixels))


def test_click_for_a_yield_on_the_served_map(visit, served):
    page = open_served(visit, served.url)
    page.locator(".desk-yield-toggle").click()
    page.evaluate("plannerMap.map.setView([29.30, 113.62], 11, {animate: false})")  # farmland east of 临湘's seat
    page.wait_for_timeout(300)  # the panel the toggle opened has resized the map; let it settle
    click_at(page, 29.30, 113.62)
    form = page.locator(".desk-yield-form")
    form.wait_for()
    mountings = form.locator("select.desk-yield-mounting option").all_inner_texts()
    assert "地面光伏（固定支架）" in mountings and "ground_fixed" not in mountings  # words, not codes
    form.locator("select.desk-yield-mounting").select_option("agrivoltaic_fixed")
    form.locator(".desk-yield-capacity").fill("10")
    form.locator(".desk-yield-run").click()
    table = form.locator(".desk-yield-out table")
    table.wait_for(timeout=120_000)  # a cold typical year and pvlib run in the service's pool
    text = table.inner_text()
    assert "P50" in text and "P90（一年）" in text and "P90（十年平均）" in text
    p50 = page.evaluate("() => document.querySelector('.desk-yield-out td').textContent")
    mwh = float(p50.replace(",", "").removesuffix(" MWh"))
    assert 6_000 < mwh < 16_000  # 10 MW in Hunan: 600-1,600 full-load hours
    lat, lon = (float(v) for v in form.locator(".pp-coord").inner_text().split(","))
    dlat, dlon = pixels_in_degrees(page, 4)  # the clicked point to 4 screen pixels (~300 m at zoom 11), on 临湘
    assert abs(lat - 29.30) <= dlat and abs(lon - 113.62) <= dlon, (lat, lon, dlat, dlon)
    visit.assert_clean()


def edit_form(page, project_id: str):
    """Open a project's popup and its edit form; the form has read the project's edit version."""
    page.evaluate("id => plannerMap.layers.projects.focus(id)", project_id)
    page.locator(".leaflet-popup .desk-edit-open").click()
    form = page.locator(f'.leaflet-popup form.desk-edit[data-id="{project_id}"]')
    form.wait_for()
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some(e => e.name.includes('/edits?project_id='))")
    page.wait_for_timeout(300)  # the version's answer is read
    return form


def test_edit_from_the_map_moves_a_point_and_refuses_a_stale_edit(browser, visit, served):
    import httpx

    pid = "lx-pv-01"
    before = httpx.get(f"{served.url}/collections/projects/items/{pid}").json()
    lon, lat = before["geometry"]["coordinates"]
    # a second planner opens the same project's form first, and saves later: their version is stale by then
    other_context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block",
                                        locale="zh-CN")
    other = Visit(other_context.new_page())
    try:
        other_page = open_served(other, served.url)
        stale_form = edit_form(other_page, pid)

        page = open_served(visit, served.url)
        form = edit_form(page, pid)
        form.locator(".desk-edit-key").fill(served.key)
        form.locator("select.desk-edit-status").select_option("under_construction")
        form.locator("select.desk-edit-precision").select_option("village")
        form.locator(".desk-edit-move").click()
        new_lat, new_lon = round(lat - 0.02, 6), round(lon + 0.02, 6)  # ~2 km south-east, clear of the symbols
        page.evaluate("([lat, lon]) => plannerMap.map.setView([lat, lon], 12, {animate: false})",
                      [new_lat, new_lon])  # stops the popup's auto-pan, so the click lands where it is aimed
        click_at(page, new_lat, new_lon)
        form = page.locator(f'.leaflet-popup form.desk-edit[data-id="{pid}"]')
        form.wait_for()
        where = form.locator(".desk-edit-where").inner_text()
        assert where, "the picked point is not shown in the form"
        form.locator(".desk-edit-save").click()
        page.wait_for_function("() => /已保存/.test(document.querySelector('.desk-edit-msg').textContent)",
                               timeout=30_000)
        after = httpx.get(f"{served.url}/collections/projects/items/{pid}").json()
        assert after["properties"]["status"] == "under_construction"
        assert after["properties"]["location_precision"] == "village"
        got_lon, got_lat = after["geometry"]["coordinates"]
        dlat, dlon = pixels_in_degrees(page, 4)  # the clicked point, to 4 screen pixels (~150 m at zoom 12)
        assert abs(got_lon - new_lon) <= dlon and abs(got_lat - new_lat) <= dlat, (got_lon, got_lat, dlon, dlat)
        edits = httpx.get(f"{served.url}/edits", params={"project_id": pid}).json()
        assert edits["numberMatched"] >= 1 and "desk-browser" in json.dumps(edits, ensure_ascii=False)

        stale_form.locator(".desk-edit-key").fill(served.key)
        stale_form.locator("select.desk-edit-status").select_option("proposed")
        stale_form.locator(".desk-edit-save").click()
        other_page.wait_for_function("() => document.querySelector('.desk-edit-msg.error') !== null", timeout=30_000)
        message = other_page.locator(".desk-edit-msg").inner_text()
        assert "他人已先修改此项目" in message
        assert httpx.get(f"{served.url}/collections/projects/items/{pid}").json()["properties"]["status"] == \
            "under_construction"  # the stale edit changed nothing
        visit.assert_clean()
        other.errors = [e for e in other.errors if "412" not in e]  # the browser logs the refused request
        other.assert_clean()
    finally:
        other_context.close()
