"""The analysis pool: PV yields run in a few worker processes, never on the server's threads.

A yield is CPU-bound numpy/pandas work (an ``agrivoltaic_tracking`` site: ~0.6 s and ~130 MB at its peak).
Run on the server's threads, a burst of them held the GIL against every other request and took the memory
of one yield per request. Here they run in :class:`AnalysisPool`: ``workers`` processes, at most ``workers``
tasks running and ``queue`` waiting; a task beyond that is refused at once with :class:`PoolBusy` (the
service answers 503 with Retry-After). The server awaits a task's future on its event loop, so no server
thread waits for a yield. Workers are forked from a forkserver that has imported pvlib (and the server's
main module, which multiprocessing re-runs in each worker) once, so a new worker costs a fork, not imports;
they run niced, so the server's own threads get the CPU first.

Memory is bounded by the pool, not by the request count: a worker's peak is one task's, and every
``recycle_after`` tasks per worker the pool moves on to fresh worker processes (the old ones finish what
they hold, then exit), so what a worker's allocator kept after a peak is given back. (Not
``max_tasks_per_child``: on Python 3.11-3.13 it deadlocks once a worker retires with tasks queued, CPython
gh-115634.)

A worker killed (say by the OOM killer) breaks its executor: the tasks it held fail with :class:`PoolBusy`
and the next task gets a new executor.

The task functions take small picklable values (a site's parameters, a project row as a dict, a
district's frames) and return the response body as JSON bytes; an error comes back as :class:`TaskFailed`
(class name, message, traceback), because a domain exception that does not pickle would break the pool.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from geo.store.frames import plain
from solar.mounting import Mounting
from solar.portfolio import project_yield, project_yields
from solar.results import ProjectYield, as_json
from solar.site import site_yield
from solar.weather import Weather, typical_year
from wind import portfolio as wind_portfolio
from wind.results import WindProjectYield
from wind.site import site_yield as wind_site_yield
from wind.turbines import turbine

log = logging.getLogger("planner.api")
WEATHER_CACHE = 128  # typical years kept per worker (~0.4 MB each): repeated points are shared across requests
WORKER_NICE = 10  # a worker's niceness above the server's (CFS: ~1/9 of the CPU weight when both want it)
LAYER_DROP = ("monthly_energy_mwh", "crop_light_monthly", "crop_light_by_segment", "losses_pct")


class PoolBusy(Exception):
    """No room for the task (every worker busy and the queue full), or its worker died: try again later."""

    def __init__(self, detail: str, retry_after_s: int):
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class TaskFailed(Exception):
    """A task raised in its worker: the exception's class name, its message and the worker's traceback."""

    def __init__(self, kind: str, message: str, trace: str = ""):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.trace = kind, message, trace


# -- in the worker -----------------------------------------------------------------------------------------


def clean(obj: Any) -> Any:
    """JSON-ready values: NaN → None everywhere, numpy → Python (:func:`geo.store.frames.plain` per cell)."""
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, str):
        return clean(obj.tolist())
    return plain(obj)


@functools.lru_cache(maxsize=WEATHER_CACHE)
def weather(data_dir: Path, lat: float, lon: float, altitude_m: float | None) -> Weather:
    """The offline typical year at a point rounded to 4 decimals (~10 m), cached in the worker."""
    return typical_year(data_dir, lat, lon, altitude_m)


def weather_at(data_dir: Path) -> Callable[[float, float], Weather]:
    """Weather by point for :mod:`solar.portfolio`, through the worker's cache."""
    return lambda lat, lon: weather(data_dir, round(lat, 4), round(lon, 4), None)


def site_task(data_dir: Path, site: dict[str, Any], m: Mounting, altitude_m: float | None) -> bytes:
    """``POST /analysis/yield``: the site's echo (lat, lon, capacity_mw, mounting) and its yield."""
    w = weather(data_dir, round(site["lat"], 4), round(site["lon"], 4), altitude_m)
    return orjson.dumps(clean({**site, **as_json(site_yield(w, site["capacity_mw"], m))}))


def wind_site_task(data_dir: Path, site: dict[str, Any], options: wind_portfolio.WindOptions) -> bytes:
    """``POST /analysis/wind-yield``: the site's echo and its wind yield (the stated default wind or a given mean)."""
    resource = wind_portfolio.resource_at(data_dir, site["lat"], site["lon"], options)
    result = wind_site_yield(resource, turbine(options.turbine, options.hub_height_m), site["capacity_mw"],
                             dict(options.losses))
    return orjson.dumps(clean({**site, **as_json(result)}))


def project_task(data_dir: Path, project: dict[str, Any]) -> bytes:
    """Yield of one registry project (its row as a dict): PV with pvlib, wind with windpowerlib."""
    row = pd.Series(project)
    if row["category"] == "wind":
        return orjson.dumps(clean(as_json(wind_portfolio.project_yield(row, data_dir))))
    return orjson.dumps(clean(as_json(project_yield(row, weather_at(data_dir)))))


def district_task(data_dir: Path, adcode: str, projects: pd.DataFrame, targets: pd.DataFrame,
                  districts: pd.DataFrame) -> bytes:
    """A district's PV and wind projects, totals and targets in energy (:func:`wind.portfolio.district_yield`)."""
    return orjson.dumps(clean(as_json(wind_portfolio.district_yield(adcode, projects, targets, districts,
                                                                    weather_at(data_dir), data_dir))))


def pv_layer_task(data_dir: Path, projects: pd.DataFrame) -> bytes:
    """The map's yield layer (``pv_yield``): a point per PV project and wind farm with a computed yield.

    Monthly series are left out; a wind farm's ``specific_yield_kwh_per_kwp`` is its full-load hours (kWh/kW).
    """
    features = []
    results: list[ProjectYield | WindProjectYield] = [*project_yields(projects, weather_at(data_dir)),
                                                      *wind_portfolio.project_yields(projects, data_dir)]
    for r in results:
        if r.yield_status != "computed":
            continue
        props = {k: v for k, v in clean(as_json(r)).items() if k not in LAYER_DROP}
        features.append({"type": "Feature", "id": r.id, "properties": props,
                         "geometry": {"type": "Point", "coordinates": [round(r.lon, 6), round(r.lat, 6)]}})
    return orjson.dumps({"type": "FeatureCollection", "name": "pv_yield", "features": features})


def _guarded(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """Run a task; an exception comes back as (class name, message), never as a pickled exception."""
    try:
        return "ok", fn(*args)
    except Exception as exc:  # every error goes back to the server, which maps it
        return "error", (type(exc).__name__, str(exc), traceback.format_exc(limit=8))


def _ready() -> int:
    return os.getpid()


def _init_worker() -> None:
    """Run below the server's priority, and end with the server.

    Under load the CPU goes to answering requests first. A worker whose server was killed (``kill -9``, the
    OOM killer) would otherwise wait for tasks forever, and keep its forkserver alive: it holds a write end of
    its own call queue, so it never reads EOF. It watches the server's sentinel instead.
    """
    os.nice(WORKER_NICE)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="exit-with-server", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


# -- in the server -----------------------------------------------------------------------------------------


def _preload() -> list[str]:
    """What the forkserver imports once for every worker: this module (pvlib with it) and the main module.

    A new worker re-runs the parent's main module (multiprocessing does, as ``__mp_main__``): for the service,
    ``api.cli``. Imported in the forkserver first, its imports are shared by the workers rather than made
    again in each.
    """
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name and not name.endswith("__main__"):
        return [name, __name__]
    return ["__main__", __name__] if getattr(main, "__file__", None) else [__name__]


def _context() -> Any:
    """A forkserver context where there is one (Linux), preloading pvlib and the main module; spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_preload())
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not Linux


class AnalysisPool:
    """At most ``workers`` tasks running in worker processes and ``queue`` waiting; beyond that, :class:`PoolBusy`.

    :meth:`run` is awaited on the server's event loop; the executor's futures complete on its manager
    thread and are handed back to the loop. Counters are touched on the loop only.
    """

    def __init__(self, workers: int, queue: int, recycle_after: int = 200):
        if workers < 1 or queue < 0 or recycle_after < 1:
            raise ValueError("an analysis pool needs workers >= 1, queue >= 0, recycle_after >= 1")
        self.workers, self.queue, self.recycle_after = workers, queue, recycle_after
        self._ctx = _context()
        self._executor: ProcessPoolExecutor | None = None
        self._submitted = 0  # tasks given to the current executor
        self._admitted = 0  # tasks running or waiting
        self._slots: asyncio.Semaphore | None = None  # made on the event loop that runs the tasks
        self._task_s = 1.0  # moving average of a task's duration, for Retry-After
        self.refused = 0
        self.restarts = 0

    # executors

    def _new_executor(self) -> ProcessPoolExecutor:
        self._submitted = 0
        return ProcessPoolExecutor(self.workers, mp_context=self._ctx, initializer=_init_worker)

    def _current(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = self._new_executor()
        elif self._submitted >= self.recycle_after * self.workers:  # fresh processes: memory given back
            old, self._executor = self._executor, self._new_executor()
            old.shutdown(wait=False)  # its workers finish what they hold, then exit
        return self._executor

    def _broken(self, executor: ProcessPoolExecutor) -> None:
        if self._executor is executor:
            self._executor = None
            self.restarts += 1
            log.warning("analysis worker died; the pool starts new workers")
            executor.shutdown(wait=False, cancel_futures=True)

    def start(self, timeout_s: float = 120) -> None:
        """Start the workers now (the forkserver imports pvlib once), not on the first request."""
        executor = self._current()
        for f in [executor.submit(_ready) for _ in range(self.workers)]:
            f.result(timeout=timeout_s)

    def close(self) -> None:
        """Stop the workers: queued tasks are dropped, running ones finish."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def worker_pids(self) -> list[int]:
        """The current workers' process ids (for tests and diagnostics)."""
        executor = self._executor
        return sorted(executor._processes) if executor is not None and executor._processes else []

    # tasks

    def retry_after_s(self) -> int:
        """Seconds until the queue has likely moved on: the work ahead shared by the workers."""
        return max(1, min(60, math.ceil(self._task_s * max(self._admitted, 1) / self.workers)))

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in a worker; :class:`PoolBusy` at once when full, :class:`TaskFailed` if it raised."""
        if self._admitted >= self.workers + self.queue:
            self.refused += 1
            raise PoolBusy(f"the analysis queue is full ({self.workers} running, {self.queue} waiting); "
                           "try again later", self.retry_after_s())
        loop = asyncio.get_running_loop()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        slots = self._slots
        self._admitted += 1
        try:
            await slots.acquire()
        except BaseException:
            self._admitted -= 1
            raise
        start = time.monotonic()
        finished = False

        def done(_: Future[Any] | None = None) -> None:  # on the loop: the slot is free when the process is
            nonlocal finished
            if not finished:
                finished = True
                self._admitted -= 1
                slots.release()
                self._task_s = 0.8 * self._task_s + 0.2 * (time.monotonic() - start)

        executor = self._current()
        try:
            future = executor.submit(_guarded, fn, *args)
            self._submitted += 1
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down under us
            done()
            self._broken(executor)
            raise PoolBusy("the analysis workers are restarting; try again", 1) from None
        future.add_done_callback(lambda f: _call_soon(loop, done, f))
        try:
            status, value = await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._broken(executor)
            raise PoolBusy("an analysis worker stopped (out of memory?) during this task; try again",
                           self.retry_after_s()) from None
        if status == "error":
            raise TaskFailed(*value)
        return value


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the loop is closed: the server is gone
        pass
