"""The offline typical year: time to build one, and the weather cost of a siting-size scan.

Prints:

- reading the station climatology (cold, once per process) and the cached look-up;
- one typical year (median of ``--repeat`` builds at different points in China), split into the station
  blend (:func:`solar.stations.site_climate`) and the hourly generator (:func:`solar.typical_year.hourly_year`);
- a siting scan's weather cost: a county (``--rows`` grid rows, as ``energy-planner site`` at 250 m over
  临湘市 ~ 170 rows) uses one weather year for the area and one sky (sun position + weather arrays) per grid
  row, as :mod:`solar.siting.scan` does; and, for scale, what one year *per row* would cost instead.

    .venv/bin/python benchmarks/bench_weather.py [--repeat 20] [--rows 170]
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from solar.batch import prepare_sky
from solar.stations import _read_stations, read_stations, site_climate
from solar.typical_year import hourly_year
from solar.weather import typical_year

DATA = Path(__file__).resolve().parents[1] / "data"
#: Points across China (岳阳, 鹤城, 北京, 大姚, 兰州, 乌鲁木齐, 拉萨, 三亚, 哈尔滨, 广州).
POINTS = [(29.3564, 113.1289), (27.5634, 110.0040), (39.9, 116.4), (25.73, 101.32), (36.06, 103.8),
          (43.8, 87.6), (29.65, 91.1), (18.25, 109.5), (45.75, 126.65), (23.13, 113.26)]


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20, help="typical years built (over the points)")
    ap.add_argument("--rows", type=int, default=170, help="grid rows of the scanned area")
    args = ap.parse_args()

    _read_stations.cache_clear()
    cold, _ = timed(read_stations, DATA)
    warm, _ = timed(read_stations, DATA)
    print(f"station climatology: read {cold * 1e3:.0f} ms cold (once per process), {warm * 1e3:.2f} ms cached")

    blend, hours, whole = [], [], []
    for i in range(args.repeat):
        lat, lon = POINTS[i % len(POINTS)]
        lat += 0.01 * (i // len(POINTS))  # a new site each round (no cache anywhere)
        t, climate = timed(site_climate, DATA, lat, lon)
        blend.append(t)
        hours.append(timed(hourly_year, climate)[0])
        whole.append(timed(typical_year, DATA, lat, lon)[0])
    ms = [1e3 * statistics.median(x) for x in (blend, hours, whole)]
    print(f"one typical year (median of {args.repeat}, {len(POINTS)} points across China): {ms[2]:.0f} ms "
          f"(station blend {ms[0]:.1f} ms, hourly generator {ms[1]:.0f} ms); max {1e3 * max(whole):.0f} ms")

    lat0, lon0 = 29.45, 113.45  # 临湘市
    t_year, weather = timed(typical_year, DATA, lat0, lon0)
    lats = lat0 + np.linspace(-0.2, 0.2, args.rows)
    t0 = time.perf_counter()
    for la in lats:
        prepare_sky(weather, float(la), lon0)
    t_skies = time.perf_counter() - t0
    print(f"siting scan of {args.rows} grid rows: weather year {t_year * 1e3:.0f} ms once + skies "
          f"{t_skies * 1e3:.0f} ms ({t_skies / args.rows * 1e3:.1f} ms per row) = {(t_year + t_skies):.2f} s "
          "of weather")
    sample = min(args.rows, 10)
    t0 = time.perf_counter()
    for la in lats[:sample]:
        typical_year(DATA, float(la), lon0)
    per_row = (time.perf_counter() - t0) / sample
    print(f"  (one year per row instead: {per_row * 1e3:.0f} ms x {args.rows} = {per_row * args.rows:.1f} s; not done)")


if __name__ == "__main__":
    main()
