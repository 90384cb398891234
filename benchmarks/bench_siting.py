"""Siting scan of one county (临湘市 430682, 250 m): in-process against a local Dask cluster of 2 worker processes.

Prints, for each: cells inside the county, scan wall time, cells/second and peak memory; for the cluster
also its start-up time, a second (warm) scan on the same workers, and whether both schedulers gave
identical arrays.

    .venv/bin/python benchmarks/bench_siting.py [--adcode 430682] [--resolution 250] [--chunk-rows 32]
        [--workers 2] [--sun-band-deg 0.01]

Memory: in-process, the peak traced by ``tracemalloc`` (Python and numpy allocations of the scan) and the
process's peak RSS (``getrusage``, includes the interpreter and libraries); on the cluster, each worker's
peak RSS (``getrusage`` run on the worker). The scan is the CLI's default work: the offline weather, the
rows-model calibration, distances to the registry's placed substations and PV/wind projects, no rasters
or exclusion layers (none ship).
"""

import argparse
import logging
import os
import resource
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np

from api.state import load_state
from solar.mounting import mounting
from solar.siting.cells import candidate_grid, district_polygon
from solar.siting.run import distance_targets
from solar.siting.scan import DEFAULT_SUN_BAND_DEG, ScanResult, run_scan, scan_inputs

REPO = Path(__file__).resolve().parents[1]


def identical(a: ScanResult, b: ScanResult) -> bool:
    for name, x in a.arrays.items():
        y = b.arrays[name]
        if (x is None) != (y is None) or (x is not None and not np.array_equal(x, y, equal_nan=True)):
            return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--adcode", default="430682")
    ap.add_argument("--resolution", type=float, default=250.0)
    ap.add_argument("--chunk-rows", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sun-band-deg", type=float, default=DEFAULT_SUN_BAND_DEG)
    args = ap.parse_args()

    state = load_state(REPO / "data", REPO / "var" / "planner.gpkg")
    polygon, name = district_polygon(state.districts, args.adcode)
    grid = candidate_grid(polygon, args.resolution, name=name, adcode=args.adcode)
    subs, proj, _ = distance_targets(state.projects, None, area=grid.polygon)
    inputs = scan_inputs(grid, data_dir=REPO / "data", mounting=mounting("ground_fixed"), substations=subs,
                         projects=proj, sun_band_deg=args.sun_band_deg)  # builds the weather and the calibration
    print(f"{name}: {grid.shape[0]} x {grid.shape[1]} grid at {args.resolution:g} m, {grid.n_inside:,} cells inside; "
          f"chunks of {args.chunk_rows} rows; sun band {args.sun_band_deg:g} deg; cpu count {os.cpu_count()}")

    # warm-up (numba's cached kernel, the weather, imports): the measured runs below start warm in this process
    run_scan(grid, inputs, chunk_rows=args.chunk_rows, scheduler=None, progress=False)

    tracemalloc.start()
    here = run_scan(grid, inputs, chunk_rows=args.chunk_rows, scheduler=None, progress=False)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    timed = run_scan(grid, inputs, chunk_rows=args.chunk_rows, scheduler=None, progress=False)  # untraced time
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"in-process        : {timed.seconds:6.2f} s  {grid.n_inside / timed.seconds:8,.0f} cells/s  "
          f"peak traced {traced_peak / 2**20:6.1f} MB (scan), process peak RSS {rss:6.0f} MB  [{timed.chunks} chunks]")

    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster):
        startup = time.perf_counter() - t0
        cold = run_scan(grid, inputs, chunk_rows=args.chunk_rows, scheduler=cluster.scheduler_address, progress=False)
        warm = run_scan(grid, inputs, chunk_rows=args.chunk_rows, scheduler=cluster.scheduler_address, progress=False)
    total = time.perf_counter() - t0
    peaks = ", ".join(f"{v:.0f}" for v in warm.worker_peak_rss_mb)
    print(f"local cluster     : start-up {startup:5.2f} s ({args.workers} worker processes, 1 thread each)")
    print(f"  first scan      : {cold.seconds:6.2f} s  {grid.n_inside / cold.seconds:8,.0f} cells/s  (workers cold: "
          "imports, weather, numba cache)")
    print(f"  second scan     : {warm.seconds:6.2f} s  {grid.n_inside / warm.seconds:8,.0f} cells/s  "
          f"worker peak RSS [{peaks}] MB")
    print(f"  end to end      : {total:6.2f} s for start-up + 2 scans + shutdown; "
          f"chunk CPU time {warm.chunk_seconds:.2f} s")
    print(f"identical arrays (in-process vs cluster): {identical(here, warm) and identical(here, cold)}")


if __name__ == "__main__":
    main()
