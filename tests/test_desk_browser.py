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
                                  accept_downloads=True)
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
    assert visit.count(".desk-plant") > 0 and visit.count(".desk-town") > 50
    page.locator(".desk-plant").first.click(force=True)
    popup = page.locator(".desk-plant-popup")
    popup.wait_for()
    assert "Global Energy Monitor" in popup.inner_text() and "GEM" in popup.inner_text()
    page.emulate_media(media="print")
    assert page.locator(".desk-print-head").is_visible() and page.locator(".desk-north").is_visible()
    assert "非官方地图" in page.inner_text(".desk-print-head")
    assert not page.locator(".desk-panel").is_visible()
    page.emulate_media(media="screen")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.keyboard.press("Escape")
    page.screenshot(path=str(SCREENSHOTS / "desk_map.png"))
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
