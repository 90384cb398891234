"""Build the planner map of 10,000 synthetic projects; print the build time and the page size.

The synthetic projects are real registry rows drawn with replacement (so names, quotes and plan lines
have their real lengths), each given a unique id and name and a random point in the region's counties;
a tenth keep their district's representative point (drawn on display rings). They go into a store
like ``energy-planner build`` writes, and through the same function the CLI calls, ``render_map``.

Usage::

    .venv/bin/python benchmarks/bench_map.py [--projects 10000] [--repeat 5]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geo.store.build import build
from geo.store.file import read_table
from layers.planner_map import render_map

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
    pyogrio.write_dataframe(districts, out, layer="districts", driver="GPKG")
    pyogrio.write_dataframe(frame, out, layer="projects", driver="GPKG")
    for name in ("targets", "plans"):
        pyogrio.write_dataframe(read_table(real_store, name), out, layer=name, driver="GPKG")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real.gpkg"
        build(REPO / "data", real)
        synthetic = Path(tmp) / "synthetic.gpkg"
        synthetic_store(real, synthetic, args.projects)
        for label, store in (("shipped registry", real), (f"{args.projects:,} synthetic projects", synthetic)):
            first, times, size = time_render(store, args.repeat)
            print(f"{label}: build {min(times):.3f} s best, {statistics.median(times):.3f} s median of {args.repeat} "
                  f"(first call {first:.3f} s), html {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
