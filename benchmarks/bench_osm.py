"""The cost of ``--osm`` on a county-size extract, next to the scan itself (time [s], peak memory [MB]).

No real extract is available offline, so one is synthesised over 临湘市 (1,723 km²) with the density of a
Hunan county in OpenStreetMap (order of magnitude: ~3,000 road ways, ~60 power lines, ~15 substations,
~300 water areas, ~150 built-up areas, a few reserves; ~60 nodes per road), written as OSM XML (the driver
reads .osm.pbf the same way, faster). Prints: reading + classifying the extract, then the siting run without
and with ``--osm`` (same grid, coarse layers off).

    python benchmarks/bench_osm.py [--resolution 250] [--roads 3000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from api.settings import Settings  # noqa: E402
from api.state import command_state  # noqa: E402
from solar.siting.cells import district_polygon  # noqa: E402
from solar.siting.osm import read_osm_features  # noqa: E402
from solar.siting.rules import LAND_RULE_2023  # noqa: E402
from solar.siting.run import site_district  # noqa: E402


def synth_extract(path: Path, bounds: tuple[float, float, float, float], n_roads: int, seed: int = 1) -> int:
    """Write a synthetic OSM XML over ``bounds``; return its size [bytes]."""
    rng = np.random.default_rng(seed)
    west, south, east, north = bounds
    nid, wid = 0, 0
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="bench">\n')
        ways: list[str] = []

        def line(n_nodes: int, step: float, tags: dict[str, str], closed: bool = False) -> None:
            nonlocal nid, wid
            x, y = rng.uniform(west, east), rng.uniform(south, north)
            heading = rng.uniform(0, 2 * np.pi)
            refs = []
            for _ in range(n_nodes):
                nid += 1
                f.write(f'<node id="{nid}" version="1" lat="{y:.7f}" lon="{x:.7f}"/>\n')
                refs.append(nid)
                heading += rng.normal(0, 0.3) if not closed else 2 * np.pi / n_nodes
                x, y = x + step * np.cos(heading), y + step * np.sin(heading)
            if closed:
                refs.append(refs[0])
            wid += 1
            nd = "".join(f'<nd ref="{r}"/>' for r in refs)
            t = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
            ways.append(f'<way id="{wid}" version="1">{nd}{t}</way>')

        classes = ["residential"] * 5 + ["unclassified"] * 3 + ["tertiary", "secondary", "primary", "track", "path"]
        for _ in range(n_roads):
            line(60, 0.0008, {"highway": str(rng.choice(classes))})
        for _ in range(max(n_roads // 50, 1)):
            line(40, 0.004, {"power": "line", "voltage": str(rng.choice(["110000", "220000", "35000"]))})
        for i in range(max(n_roads // 200, 1)):
            nid += 1
            f.write(f'<node id="{nid}" version="1" lat="{rng.uniform(south, north):.7f}" '
                    f'lon="{rng.uniform(west, east):.7f}"><tag k="power" v="substation"/>'
                    f'<tag k="name" v="变电站{i}"/><tag k="voltage" v="110000"/></node>\n')
        for _ in range(max(n_roads // 10, 1)):
            line(12, 0.002, {"natural": "water"}, closed=True)
        for _ in range(max(n_roads // 20, 1)):
            line(10, 0.002, {"landuse": "residential"}, closed=True)
        for _ in range(3):
            line(20, 0.01, {"boundary": "protected_area"}, closed=True)
        for _ in range(10):
            line(80, 0.002, {"waterway": "river"})
        f.write("\n".join(ways) + "\n</osm>\n")
    return path.stat().st_size


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--resolution", type=float, default=250.0)
    parser.add_argument("--roads", type=int, default=3000)
    args = parser.parse_args()
    settings = Settings()
    state = command_state(settings)
    polygon, _ = district_polygon(state.districts, "430682")
    with tempfile.TemporaryDirectory() as tmp:
        osm = Path(tmp) / "linxiang.osm"
        size = synth_extract(osm, polygon.bounds, args.roads)
        t0 = time.perf_counter()
        feats = read_osm_features(osm, polygon, "EPSG:32649", LAND_RULE_2023.default_buffers_m)
        t_read = time.perf_counter() - t0
        print(f"extract: {size / 1e6:.1f} MB OSM XML; read + classify {t_read:.2f} s; {feats.counts}")
        common = {"data_dir": settings.data_dir, "projects": state.projects, "targets": state.targets,
                  "resolution_m": args.resolution, "progress": False, "scheduler": "none", "coarse": False}
        for label, extra in (("without --osm", {}), ("with --osm", {"osm": osm})):
            t0 = time.perf_counter()
            result = site_district("430682", districts=state.districts, **common, **extra)
            wall = time.perf_counter() - t0
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{label:>14}: run {wall:.2f} s (scan {result.scan.seconds:.2f} s, {result.grid.n_inside:,} cells), "
                  f"peak RSS so far {rss:,.0f} MB, score spread {result.run_report.score_spread:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
