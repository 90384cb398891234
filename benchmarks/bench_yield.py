"""Batch yield engine against the per-site pvlib ModelChain loop, in one run.

Prints sites/second and peak traced memory for 1,000, 10,000 and 100,000 sites (numpy and numba kernels),
the per-site ModelChain time (measured on a sample of sites, then per site), and the speed-up ratios.

    .venv/bin/python benchmarks/bench_yield.py [--rows 100] [--modelchain-sample 20]

Sites sit on a grid around 岳阳 (one weather year, the offline default at the centre); each grid row shares
one sky (the sun's position at the row's mean longitude), the way a siting scan runs. Tilt and azimuth vary
per site (terrain-following arrays), so every site is a distinct computation.
"""

import argparse
import dataclasses
import os
import time
import tracemalloc
from pathlib import Path

import numpy as np

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

from solar.batch import monthly_kwh_per_kwp, prepare_sky, resolve_engine
from solar.mounting import mounting
from solar.site import model_chain
from solar.weather import typical_year

DATA = Path(__file__).resolve().parents[1] / "data"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100, help="grid rows (skies) the sites are spread over")
    ap.add_argument("--modelchain-sample", type=int, default=20)
    args = ap.parse_args()
    m = mounting("ground_fixed")
    lat0, lon0 = 29.3564, 113.1289
    weather = typical_year(DATA, lat0, lon0)
    rng = np.random.default_rng(7)

    t0 = time.perf_counter()
    lats = lat0 + np.linspace(-0.25, 0.25, args.rows)
    skies = [prepare_sky(weather, float(la), lon0) for la in lats]
    sky_s = (time.perf_counter() - t0) / args.rows
    print(f"sky (sun position + weather arrays) per grid row: {sky_s * 1e3:.1f} ms, "
          f"{len(skies[0].dni)} daylight hours of {skies[0].hours}")

    # per-site ModelChain loop
    n = args.modelchain_sample
    tilt = rng.uniform(5, 35, n)
    az = rng.uniform(120, 240, n)
    t0 = time.perf_counter()
    for i in range(n):
        mc = model_chain(dataclasses.replace(m, tilt=float(tilt[i]), azimuth=float(az[i])), weather, 1000.0)
        mc.run_model(weather.data)
    mc_site = (time.perf_counter() - t0) / n
    print(f"ModelChain: {mc_site * 1e3:.1f} ms per site-year ({n} sites) -> 100,000 sites would take "
          f"{mc_site * 1e5 / 3600:.2f} h")

    engines = ["numpy"] + (["numba"] if resolve_engine("auto") == "numba" else [])
    if "numba" in engines:  # compile outside the timings
        monthly_kwh_per_kwp(skies[0], np.array([20.0]), np.array([180.0]), m, engine="numba")
    print(f"{'engine':<7}{'sites':>9}{'seconds':>10}{'sites/s':>12}{'x ModelChain':>14}{'peak MB':>9}"
          f"{'s incl. skies':>15}")
    for engine in engines:
        for n_sites in (1_000, 10_000, 100_000):
            tilt = rng.uniform(5, 35, n_sites)
            az = rng.uniform(120, 240, n_sites)
            row = np.arange(n_sites) % args.rows
            tracemalloc.start()
            t0 = time.perf_counter()
            total = 0.0
            for r, sky in enumerate(skies):
                members = row == r
                total += float(monthly_kwh_per_kwp(sky, tilt[members], az[members], m, engine=engine).sum())
            seconds = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            rate = n_sites / seconds
            print(f"{engine:<7}{n_sites:>9,}{seconds:>10.3f}{rate:>12,.0f}{rate * mc_site:>14,.0f}{peak:>9.0f}"
                  f"{seconds + sky_s * args.rows:>15.3f}")
            assert np.isfinite(total) and total > 0


if __name__ == "__main__":
    main()
