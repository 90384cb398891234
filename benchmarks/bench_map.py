"""Build the planner map of N synthetic projects, write it, and measure its first paint in headless Chromium.

The synthetic projects are real registry rows drawn with replacement (so names, quotes and plan lines
have their real lengths), each given a unique id and name and a random point in the region's counties;
a tenth keep their district's representative point (drawn on display rings). They go into a store
like ``energy-planner build`` writes, and through the same function the CLI calls, ``render_map``.

Prints the build time, the page size, and for the page written to ``--out`` (the one measured): first paint
in Debian's Chromium (headless, Playwright, offline: any request that is not file:/data:/blob:/about: fails
the run), from navigation start to the first frame after the page's script is done (``plannerMapReady``
and two animation frames), median of ``--loads`` fresh page loads, with what was drawn (symbols, clusters).

Usage::

    .venv/bin/python benchmarks/bench_map.py [--projects 10000] [--out PAGE.html] [--repeat 1] [--loads 3]
"""

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geo.store.build import build
from geo.store.file import read_table
from layers.planner_map import render_map, write_map

REPO = Path(__file__).resolve().parents[1]
DISTRICT_POINT_SHARE = 0.1


def random_points_in(region: shapely.Geometry, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    minx, miny, maxx, maxy = region.bounds
    lons: list[float] = []
    lats: list[float] = []
    while len(lons) < n:
        x = rng.uniform(minx, maxx, n)
        y = rng.uniform(miny, maxy, n)
        inside = shapely.contains_xy(region, x, y)
        lons += x[inside].tolist()
        lats += y[inside].tolist()
    return np.array(lons[:n]), np.array(lats[:n])


def synthetic_store(real_store: Path, out: Path, n: int, seed: int = 0) -> None:
    projects = read_table(real_store, "projects")
    districts = read_table(real_store, "districts")
    rng = np.random.default_rng(seed)
    rows = projects.sample(n, replace=True, random_state=seed).reset_index(drop=True)
    region = shapely.union_all(districts[districts["level"] == "county"].geometry.values)
    lon, lat = random_points_in(region, n, rng)
    at_district_point = rng.random(n) < DISTRICT_POINT_SHARE
    rows["lon"] = np.where(at_district_point, rows["lon"], lon.round(6))
    rows["lat"] = np.where(at_district_point, rows["lat"], lat.round(6))
    rows["location_precision"] = np.where(at_district_point, rows["location_precision"], "surveyed")
    rows["id"] = [f"syn-{i:05d}" for i in range(n)]


    frame = gpd.GeoDataFrame(rows.drop(columns="geometry"), geometry=shapely.points(rows["lon"], rows["lat"]),
                             crs="EPSG:4326")
    shutil.copyfile(real_store, out)  # a complete store (edits, keys, metadata), its projects layer replaced
    pyogrio.write_dataframe(frame, out, layer="projects", driver="GPKG", layer_options={"OVERWRITE": "YES"})


def time_render(store: Path, repeat: int) -> tuple[float, list[float], int]:
    start = time.perf_counter()
    page = render_map(store)
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        page = render_map(store)
        times.append(time.perf_counter() - start)
    return first, times, len(page.encode("utf-8"))


ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = re.compile(r"^(file:|data:|about:|blob:)")
PAINTED = """() => new Promise(done => {
  const wait = () => window.plannerMapReady === true
    ? requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())))
    : setTimeout(wait, 5);
  wait();
})"""
DRAWN = """() => { const p = plannerMap.layers.projects; const c = p.canvas;
  return c ? {renderer: 'canvas', items: c.drawn.items, clusters: c.drawn.clusters, rings: c.drawn.rings}
           : {renderer: 'dom', items: document.querySelectorAll('.pm').length, clusters: 0,
              rings: document.querySelectorAll('.ring-anchor').length}; }"""


def first_paint(page_path: Path, loads: int, timeout_s: float) -> tuple[list[float], dict[str, Any]]:
    """Seconds from navigation start to the first frame after the page is built, per fresh load; what was drawn."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    times: list[float] = []
    drawn: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
                page = context.new_page()
                blocked: list[str] = []
                errors: list[str] = []
                page.route("**/*", lambda route, blocked=blocked: route.continue_() if LOCAL.match(route.request.url)
                           else (blocked.append(route.request.url), route.abort()))
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.set_default_timeout(timeout_s * 1000)
                page.goto(page_path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
                painted_ms = page.evaluate(PAINTED)
                times.append(painted_ms / 1000)
                drawn = page.evaluate(DRAWN)
                if blocked or errors:
                    raise SystemExit(f"the page requested {blocked} or failed: {errors}")
                context.close()
        finally:
            browser.close()
    return times, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="page builds timed (after a first one)")
    parser.add_argument("--out", type=Path, help="write the synthetic page here (default: a temporary file)")
    parser.add_argument("--loads", type=int, default=3, help="fresh page loads in Chromium")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for one page load")
    parser.add_argument("--no-browser", action="store_true", help="build time and size only")
    args = parser.parse_args()
    print(f"load (1 min) {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real.gpkg"
        build(REPO / "data", real)
        synthetic = Path(tmp) / "synthetic.gpkg"
        synthetic_store(real, synthetic, args.projects)
        first, times, size = time_render(synthetic, args.repeat)
        print(f"{args.projects:,} synthetic projects: build {min(times):.3f} s best, {statistics.median(times):.3f} s "
              f"median of {args.repeat} (first call {first:.3f} s), html {size / 1e6:.2f} MB")
        out = args.out or Path(tmp) / "map.html"
        write_map(synthetic, out)
        if args.no_browser:
            return
        paints, drawn = first_paint(out.resolve(), args.loads, args.timeout)
        print(f"first paint in headless Chromium: {statistics.median(paints):.2f} s median of {len(paints)} loads "
              f"({', '.join(f'{t:.2f}' for t in paints)}); {drawn['renderer']} renderer drew {drawn['items']:,} "
              f"symbols, {drawn['clusters']:,} clusters, {drawn['rings']:,} rings; page {out}")


if __name__ == "__main__":
    main()
