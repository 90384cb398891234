"""The service's cost per request and its start-up at two store sizes (10,000 and 100,000 projects), in one run.

For each size: a store of synthetic projects (``bench_map.synthetic_store``), then, in this process, what the
service does at start-up (``api.service.read_snapshot``'s work: read the store, build the collections) and per
request on the feature pages (``api.features.select`` + ``page_bytes``, after a warm-up so every served
feature's bytes exist): a 10-feature bbox page (the smallest box around the median project holding >= 50
of them, so the answer is the same size at both store sizes), a 10-feature page filtered by ``district``
(a county; and a city, its counties), one feature by id, the first 1,000-feature page. Medians of many
repetitions, in µs; the 100k/10k ratio of each (goal: within 10 %). HTTP and uvicorn costs are the same at
both sizes and left out here: ``bench_api.py`` measures them.

    .venv/bin/python benchmarks/bench_service.py [--sizes 10000,100000] [--repeat 2000] [--json]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_map import synthetic_store  # type: ignore[import-not-found]

from api.features import Query, build_collections, page_bytes, select
from api.service import _units
from api.state import load_state
from geo.store.build import build

REPO = Path(__file__).resolve().parents[1]


def median_us(fn: Any, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def bbox_around_median(x: np.ndarray, y: np.ndarray, at_least: int = 50) -> tuple[float, float, float, float]:
    cx, cy = float(np.median(x)), float(np.median(y))
    w = 0.001
    while int(((x >= cx - w) & (x <= cx + w) & (y >= cy - w) & (y <= cy + w)).sum()) < at_least:
        w *= 1.1
    return cx - w, cy - w, cx + w, cy + w


def measure(tmp: Path, real: Path, n: int, repeat: int) -> dict[str, Any]:
    store = tmp / f"synthetic_{n}.gpkg"
    synthetic_store(real, store, n)
    t = time.perf_counter()
    state = load_state(REPO / "data", store, build_missing=False)
    collections = build_collections(state)
    units = _units(state)
    startup = time.perf_counter() - t
    coll = collections["projects"]
    frame = state.projects
    x, y = frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)
    bbox = bbox_around_median(x, y)
    county = str(frame["district_adcode"].mode().iloc[0])
    city = next(a for a, kids in units.items() if len(kids) > 2)
    env = {"numberReturned": 0}

    def page(q: Query) -> bytes:
        matched, positions = select(coll, q, units)
        return page_bytes(coll, positions, {**env, "numberMatched": matched})

    queries = {
        "bbox_page_10": Query(10, 0, bbox, {}),
        "county_page_10": Query(10, 0, None, {"district": county}),
        "city_page_10": Query(10, 0, None, {"district": city}),
        "page_1000": Query(1000, 0, None, {}),
    }
    out: dict[str, Any] = {"projects": n, "startup_s": startup,
                           "bbox_matched": select(coll, queries["bbox_page_10"], units)[0]}
    for name, q in queries.items():
        out[f"{name}_us"] = median_us(lambda q=q: page(q), repeat if "1000" not in name else max(50, repeat // 20))
    fid = coll.ids[len(coll.ids) // 2]
    out["one_feature_us"] = median_us(lambda: coll.features[coll.index[fid]], repeat)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = sys.stderr if args.json else sys.stdout
    result: dict[str, Any] = {"load_1min_before": os.getloadavg()[0], "cpus": os.cpu_count()}
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        real = tmp / "real.gpkg"
        build(REPO / "data", real)
        runs = [measure(tmp, real, n, args.repeat) for n in sizes]
    keys = ["startup_s", "bbox_page_10_us", "county_page_10_us", "city_page_10_us", "one_feature_us", "page_1000_us"]
    print(f"{'':<20}" + "".join(f"{r['projects']:>12,}" for r in runs) + f"{'ratio':>10}", file=out)
    for k in keys:
        ratio = runs[-1][k] / runs[0][k]
        result[f"ratio_{k}"] = ratio
        print(f"{k:<20}" + "".join(f"{r[k]:>12.3f}" if k == "startup_s" else f"{r[k]:>12.1f}" for r in runs)
              + f"{ratio:>10.2f}", file=out)
    print("bbox matched: " + ", ".join(str(r["bbox_matched"]) for r in runs), file=out)
    result["runs"] = runs
    result["load_1min_after"] = os.getloadavg()[0]
    print(f"load (1 min) before {result['load_1min_before']:.2f}, after {result['load_1min_after']:.2f}", file=out)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
