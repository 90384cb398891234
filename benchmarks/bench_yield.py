"""Batch yield engine against the per-site pvlib ModelChain loop, end to end, in one run.

End to end means from a weather year and a site list to annual energy, through the function a siting scan
calls (:func:`solar.batch.scan`, ``share="row"``): grouping the sites into grid rows, the weather year's
daylight hours and the time-only part of pvlib's SPA once (:mod:`solar.sun`, its cache cleared before each
run), the sun's position per row, the kernel, and the sum to annual kWh per kWp. Sites sit on a grid around
岳阳 (one weather year, the offline default at the centre), ``--rows`` latitude rows of them, longitudes
spread over 0.5 degrees. Tilt and azimuth vary per site, so every site is a distinct computation.

Prints, per engine and size: wall and CPU seconds end to end (median of ``--repeat``), the skies' time
(the weather year's daylight and the rows' sun positions alone, timed in turn with the end-to-end runs),
sites/s and the ratio to ModelChain (its per-site time measured in the same run on ``--modelchain-sample``
sites, median of ``--repeat``); ns per site·daylight-hour of all but the skies (CPU time), and of the numba
kernel alone (one sky, the largest size); peak traced memory of the largest size (a separate, untimed
pass). The machine is shared: the 1-minute load before and after is printed; ratios within one run are
what to compare. CPU-time ratios are printed too (steadier when others load the machine).

    .venv/bin/python benchmarks/bench_yield.py [--rows 100] [--modelchain-sample 20] [--repeat 3] [--json]

``--json`` prints one JSON object on stdout (the table goes to stderr) with at least
``modelchain_s_per_site``, ``numpy_end_to_end_ratio``, ``numba_end_to_end_ratio`` and
``numba_100k_end_to_end_s`` (ratios at the largest size, wall time), all measured in that run.
"""

import argparse
import dataclasses
import functools
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from solar import sun
from solar.batch import SKY_CHUNK, daylight, monthly_kwh_per_kwp, prepare_sky, resolve_engine, scan, skies
from solar.mounting import mounting
from solar.site import model_chain
from solar.weather import Weather, typical_year

DATA = Path(__file__).resolve().parents[1] / "data"
LAT0, LON0 = 29.3564, 113.1289


def end_to_end(weather: Weather, lat: np.ndarray, lon: np.ndarray, tilt: np.ndarray, az: np.ndarray,
               engine: str) -> np.ndarray:
    """Annual kWh/kWp per site from the weather and the site list, one sky per grid row (as a siting scan)."""
    monthly = scan(lat, lon, mounting("ground_fixed"), lambda _lat, _lon: weather, tilt=tilt, azimuth=az,
                   share="row", engine=engine)
    return monthly.sum(axis=1)


def skies_alone(weather: Weather, lats: np.ndarray, lon: float) -> int:
    """The skies of :func:`end_to_end` without the kernel: the weather year's daylight, then the rows' sun."""
    day = daylight(weather)
    made = 0
    for i in range(0, len(lats), SKY_CHUNK):
        made += len(skies(day, lats[i:i + SKY_CHUNK], np.full(len(lats[i:i + SKY_CHUNK]), lon)))
    return made


def timed(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``repeat`` calls (the sun cache cleared before each), and the last result."""
    walls, cpus = [], []
    out = None
    for _ in range(repeat):
        sun._cache.clear()
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def timed_pair(fn: Any, other: Any, repeat: int) -> tuple[tuple[float, float, Any], tuple[float, float, Any]]:
    """:func:`timed` of two functions, their calls alternating so that both see the same load."""
    first, second = [], []
    for _ in range(repeat):
        first.append(timed(fn, 1))
        second.append(timed(other, 1))

    def median(runs: list[tuple[float, float, Any]]) -> tuple[float, float, Any]:
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), runs[-1][2]

    return median(first), median(second)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100, help="grid rows (skies) the sites are spread over")
    ap.add_argument("--modelchain-sample", type=int, default=20)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout; the table on stderr")
    args = ap.parse_args()
    out = sys.stderr if args.json else sys.stdout
    sizes = [int(s) for s in args.sizes.split(",")]
    result: dict[str, Any] = {"load_1min_before": os.getloadavg()[0], "cpus": os.cpu_count(), "rows": args.rows}

    weather = typical_year(DATA, LAT0, LON0)
    m = mounting("ground_fixed")
    rng = np.random.default_rng(7)
    lats = LAT0 + np.linspace(-0.25, 0.25, args.rows)

    # per-site ModelChain loop
    n = args.modelchain_sample
    tilt, az = rng.uniform(5, 35, n), rng.uniform(120, 240, n)

    def modelchain_loop() -> float:
        total = 0.0
        for i in range(n):
            mc = model_chain(dataclasses.replace(m, tilt=float(tilt[i]), azimuth=float(az[i])), weather, 1000.0)
            mc.run_model(weather.data)
            total += float(mc.results.ac.sum())
        return total

    modelchain_loop()  # imports and caches outside the timing
    mc_wall, mc_cpu, _ = timed(modelchain_loop, args.repeat)  # median, as the batch runs
    mc_site, mc_site_cpu = mc_wall / n, mc_cpu / n
    result.update(modelchain_s_per_site=mc_site, modelchain_cpu_s_per_site=mc_site_cpu)
    print(f"ModelChain: {mc_site * 1e3:.1f} ms per site-year wall, {mc_site_cpu * 1e3:.1f} ms CPU ({n} sites)",
          file=out)
    sky = prepare_sky(weather)
    hours = len(sky.dni)
    print(f"{hours} daylight hours of {sky.hours}; {args.rows} skies (grid rows)", file=out)

    engines = ["numpy"] + (["numba"] if resolve_engine("auto") == "numba" else [])
    if "numba" in engines:  # compile (or load the cache) outside the timings
        monthly_kwh_per_kwp(sky, np.array([20.0]), np.array([180.0]), m, engine="numba")
    print(f"{'engine':<7}{'sites':>9}{'wall s':>9}{'CPU s':>8}{'skies s':>9}{'sites/s':>10}{'x MC wall':>11}"
          f"{'x MC CPU':>10}{'ns/site-h':>11}", file=out)
    cases = []
    for engine in engines:
        for n_sites in sizes:
            tilt, az = rng.uniform(5, 35, n_sites), rng.uniform(120, 240, n_sites)
            lat, lon = lats[np.arange(n_sites) % args.rows], LON0 + rng.uniform(-0.25, 0.25, n_sites)
            run = functools.partial(end_to_end, weather, lat, lon, tilt, az, engine)
            skies_run = functools.partial(skies_alone, weather, lats, LON0)
            (wall, cpu, annual), (sky_wall, sky_cpu, made) = timed_pair(run, skies_run, args.repeat)
            assert np.isfinite(annual).all() and (annual > 500).all() and made == args.rows
            kernel_ns = (cpu - sky_cpu) / (n_sites * hours) * 1e9  # CPU time: steadier on a shared machine
            case = {"engine": engine, "sites": n_sites, "end_to_end_s": wall, "end_to_end_cpu_s": cpu,
                    "skies_s": sky_wall, "skies_cpu_s": sky_cpu, "sites_per_s": n_sites / wall,
                    "ratio": mc_site * n_sites / wall, "ratio_cpu": mc_site_cpu * n_sites / cpu,
                    "kernel_ns_per_site_hour": kernel_ns}
            cases.append(case)
            print(f"{engine:<7}{n_sites:>9,}{wall:>9.3f}{cpu:>8.3f}{sky_wall:>9.3f}{n_sites / wall:>10,.0f}"
                  f"{case['ratio']:>11,.0f}{case['ratio_cpu']:>10,.0f}{kernel_ns:>11.2f}", file=out)
        tracemalloc.start()
        n_sites = sizes[-1]
        end_to_end(weather, lats[np.arange(n_sites) % args.rows], LON0 + rng.uniform(-0.25, 0.25, n_sites),
                   rng.uniform(5, 35, n_sites), rng.uniform(120, 240, n_sites), engine)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        result[f"{engine}_peak_traced_mb"] = peak
        print(f"{engine}: peak traced memory at {n_sites:,} sites {peak:.0f} MB", file=out)

    if "numba" in engines:  # the kernel alone: one sky, the largest size, no sun positions or grouping
        n_sites = sizes[-1]
        tilt, az = rng.uniform(5, 35, n_sites), rng.uniform(120, 240, n_sites)
        _, k_cpu, _ = timed(functools.partial(monthly_kwh_per_kwp, sky, tilt, az, m, engine="numba"), args.repeat)
        result["numba_kernel_alone_ns_per_site_hour"] = k_cpu / (n_sites * hours) * 1e9
        print(f"numba kernel alone (one sky, {n_sites:,} sites, CPU): "
              f"{result['numba_kernel_alone_ns_per_site_hour']:.2f} ns per site·daylight-hour", file=out)

    def at(engine: str, n_sites: int) -> dict[str, Any] | None:
        return next((c for c in cases if c["engine"] == engine and c["sites"] == n_sites), None)

    largest = sizes[-1]
    for engine in engines:
        c = at(engine, largest)
        if c is not None:
            result[f"{engine}_end_to_end_ratio"] = c["ratio"]
            result[f"{engine}_end_to_end_ratio_cpu"] = c["ratio_cpu"]
    if (c := at("numba", 100_000)) is not None:
        result["numba_100k_end_to_end_s"] = c["end_to_end_s"]
        result["numba_100k_end_to_end_cpu_s"] = c["end_to_end_cpu_s"]
        result["numba_kernel_ns_per_site_hour"] = c["kernel_ns_per_site_hour"]
    if (c := at("numpy", 100_000)) is not None:
        result["numpy_100k_end_to_end_s"] = c["end_to_end_s"]
    result["cases"] = cases
    result["load_1min_after"] = os.getloadavg()[0]
    print(f"load (1 min) before {result['load_1min_before']:.2f}, after {result['load_1min_after']:.2f} "
          f"on {result['cpus']} CPUs", file=out)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
