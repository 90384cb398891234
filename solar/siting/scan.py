"""The scan: every cell's criteria, computed in chunks of grid rows, in-process or on a Dask cluster.

One chunk is a pure function of plain, picklable inputs (:func:`scan_chunk`: a :class:`ScanInputs`, two
row numbers and the chunk's ``inside`` mask), so the same code runs in a loop here or on the workers of
a ``dask.distributed`` cluster (:func:`run_scan`): a local cluster on this machine, or any cluster given
its scheduler address (its workers need this package installed and the input files at the same paths).

Per cell (inside the area; NaN or -1 outside):

- ``specific_yield_kwh_per_kwp``: the batch engine (:func:`solar.batch.scan`, ``share="row"``: the sun and
  the weather are shared along each grid row at the row's mean latitude and longitude, and rows within one
  latitude band of :data:`DEFAULT_SUN_BAND_DEG` share one sky; along a UTM row the cells' latitudes differ
  by < 0.01 deg) times :attr:`ScanInputs.rows_factor`, the calibration to the
  per-site rows model (the batch engine has no row-to-row shading; see :func:`rows_model_factor`);
- ``capacity_factor``: specific yield / 8,760 h (DC basis, as the yields are per kWp);
- ``dist_substation_km`` / ``substation_index``: geodesic km to the nearest substation
  (:func:`grid.distance.nearest`) and its row in :attr:`ScanInputs.substations`;
- ``dist_project_km`` / ``project_index``: the same for the registry's PV and wind projects;
- ``slope_deg`` / ``aspect_deg`` from the DEM, ``landcover`` codes, and one exclusion mask per layer,
  by the functions of :mod:`solar.siting.terrain`, :mod:`solar.siting.landcover` and
  :mod:`solar.siting.exclusions` (NaN / -1 where the raster does not reach).
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine
from tqdm import tqdm

from geo.crs import STORE_CRS
from grid.distance import nearest
from solar.batch import scan as batch_scan
from solar.mounting import Mounting
from solar.site import site_yield
from solar.siting.cells import CandidateGrid, cell_centres_lonlat
from solar.siting.errors import SitingInputError
from solar.siting.exclusions import ExclusionLayer, exclusion_masks, layer_names
from solar.siting.landcover import NO_DATA, sample_landcover
from solar.siting.rasters import raster_overlaps
from solar.siting.results import ScanChunk
from solar.siting.terrain import sample_slope_aspect
from solar.weather import Weather, check_near, read_weather_file, typical_year

HOURS_PER_YEAR = 8760.0
#: Latitude band [deg] whose rows share one sky. The sun's position is ~95 % of the scan's time; over 0.01 deg
#: (~1.1 km) of latitude the ground_fixed yield changes by < 0.0001 kWh/kWp here (measured at 29.2-29.6 N), so
#: bands lose nothing against one sky per 250 m row and are ~4x faster.
DEFAULT_SUN_BAND_DEG = 0.01
DEFAULT_CHUNK_ROWS = 32
#: Scheduler names (anything else is a scheduler address such as ``tcp://10.0.0.5:8786``).
IN_PROCESS = ("none",)
LOCAL = "local"
AUTO = "auto"
LOCAL_WORKERS = 2
#: ``auto`` runs in-process below this many cells inside the area, else on a local cluster. Measured on a 2-core
#: machine (benchmarks/bench_siting.py, 临湘市 at 250 m, 27,564 cells): in-process 2.7 s; a local cluster of 2
#: worker processes takes 2.4 s to start and 3.6 s for its first scan (cold workers), 2.1 s warm: break-even
#: is near 200,000 cells (a city at 250 m, a county at 100 m).
AUTO_LOCAL_MIN_CELLS = 200_000
FLOAT_FIELDS = ("specific_yield_kwh_per_kwp", "capacity_factor", "dist_substation_km", "dist_project_km",
                "slope_deg", "aspect_deg", "dist_road_km")
INT_FIELDS = ("substation_index", "project_index", "landcover")


# -- weather --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _area_weather(data_dir: str, lat: float, lon: float, spec: str | None) -> Weather:
    if spec in (None, "offline"):
        return typical_year(Path(data_dir), lat, lon)
    if spec == "pvgis":
        raise SitingInputError("weather", "pvgis is not available for a siting scan (it would fetch online on every "
                               "worker); fetch once with `energy-planner yield --weather pvgis` and pass the cached "
                               "file")
    weather = read_weather_file(Path(spec))
    check_near(weather, lat, lon)
    return weather


@dataclass(frozen=True)
class AreaWeather:
    """A picklable ``weather_at``: one weather year for the whole area, built once per process.

    The offline typical year (``spec`` None or ``"offline"``) is computed at the area's representative
    point from its nearest climate station; a weather file (``spec`` a path) is read instead and must lie
    within 50 km of that point. Every cell of the area gets this weather; the sun's position is still
    computed per grid row. Workers rebuild it from these four fields (cached per process).
    """

    data_dir: str
    lat: float
    lon: float
    spec: str | None = None

    def __call__(self, lat: float, lon: float) -> Weather:
        """The area's weather, whatever the point (the point only sets the sun, in the batch engine)."""
        return _area_weather(self.data_dir, self.lat, self.lon, self.spec)

    def weather(self) -> Weather:
        """The area's weather.

        Returns
        -------
        Weather
            Hourly irradiance [W/m^2], temperature [°C], wind [m/s] at the area's point.
        """
        return self(self.lat, self.lon)


def rows_model_factor(weather: Weather, m: Mounting, engine: str = "auto") -> float:
    """Ratio of the per-site rows model's specific yield to the batch engine's, at the weather's point.

    The batch engine models one unshaded plane; :func:`solar.site.site_yield` models rows (pvlib ANTS-2D:
    row-to-row shading, restricted sky view, rear side when bifacial). For ``ground_fixed`` the batch engine
    is ~1.3 % high (measured at Yueyang on the offline year: 932.2 vs 920.5 kWh/kWp). The factor is 1 for a
    mounting with no rows (``gcr`` None).

    Parameters
    ----------
    weather : Weather
        The weather year (hourly irradiance [W/m^2]) at its point.
    m : Mounting
        The mounting.
    engine : str
        Batch-engine kernel.

    Returns
    -------
    float
        Rows-model / batch-engine specific yield [-] (1 without rows or without batch yield).
    """
    if m.gcr is None:
        return 1.0
    rows = float(site_yield(weather, 1.0, m).specific_yield_kwh_per_kwp)
    lat, lon = np.array([weather.latitude]), np.array([weather.longitude])
    batch = float(batch_scan(lat, lon, m, lambda _a, _b: weather, share="site", engine=engine).sum())
    return rows / batch if batch > 0 else 1.0


@functools.lru_cache(maxsize=16)
def _rows_factor(area_weather: AreaWeather, m: Mounting, engine: str) -> float:
    return rows_model_factor(area_weather.weather(), m, engine)


# -- distance targets -----------------------------------------------------------------------------------


def colocated(points: gpd.GeoDataFrame, columns: tuple[str, ...] = ("id", "voltage_kv", "location_precision")
              ) -> gpd.GeoDataFrame:
    """Points at the same coordinate merged into one target: ids joined with ``,``, the highest voltage.

    Registry substations without a known site all sit at their district's representative point; merged,
    the nearest "substation" of a cell names all of them instead of an arbitrary one.

    Parameters
    ----------
    points : GeoDataFrame
        The points (any CRS).
    columns : tuple of str
        Columns to keep: ``id`` (joined), ``voltage_kv`` [kV] (the highest), others (distinct values joined).

    Returns
    -------
    GeoDataFrame
        One row per coordinate [degrees, EPSG:4326], with ``count``.
    """
    if points.empty:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=STORE_CRS)
    pts = points.to_crs(STORE_CRS)
    key = [f"{x:.7f},{y:.7f}" for x, y in zip(pts.geometry.x, pts.geometry.y, strict=True)]
    frame = pd.DataFrame({c: pts[c].to_numpy() if c in pts else None for c in columns}).assign(_key=key)
    frame["_geometry"] = list(pts.geometry)
    rows = []
    for _, group in frame.groupby("_key", sort=False):
        row: dict[str, Any] = {"id": ",".join(str(v) for v in group["id"])}
        if "voltage_kv" in columns:
            volts = pd.to_numeric(group["voltage_kv"], errors="coerce")
            row["voltage_kv"] = float(volts.max()) if volts.notna().any() else np.nan
        for c in columns:
            if c not in ("id", "voltage_kv"):
                row[c] = ",".join(sorted({str(v) for v in group[c] if v is not None and not pd.isna(v)}))
        row["count"] = len(group)
        row["geometry"] = group["_geometry"].iloc[0]
        rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORE_CRS)


# -- inputs and one chunk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanInputs:
    """Everything a chunk needs; plain and picklable (files are passed as paths, read on the worker).

    Attributes
    ----------
    transform, shape, crs
        The candidate grid (north-up, in its area's UTM zone).
    weather : AreaWeather
        The weather of the area.
    mounting : Mounting
        The PV mounting the yields are for (default ``ground_fixed``).
    rows_factor : float
        Calibration of the batch engine to the rows model (:func:`rows_model_factor`); 1 for none.
    substations, projects : GeoDataFrame
        Distance targets (EPSG:4326 points).
    dem, landcover : str or None
        Raster paths; None when not given.
    legend : str
        Land-cover legend.
    exclusions : tuple of ExclusionLayer
        Vector exclusion layers.
    engine : str
        Batch-engine kernel (``auto``, ``numpy``, ``numba``).
    sun_band_deg : float
        Rows whose mean latitudes round to the same multiple of this share one sky (sun position); 0: one
        sky per grid row.
    roads : GeoDataFrame, optional
        Road lines in the grid's CRS [m] (an OSM extract's, :mod:`solar.siting.osm`); None: no road data.
    """

    transform: Affine
    shape: tuple[int, int]
    crs: str
    weather: AreaWeather
    mounting: Mounting
    rows_factor: float
    substations: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    dem: str | None = None
    landcover: str | None = None
    legend: str = "worldcover"
    exclusions: tuple[ExclusionLayer, ...] = ()
    engine: str = "auto"
    sun_band_deg: float = DEFAULT_SUN_BAND_DEG
    roads: gpd.GeoDataFrame | None = field(default=None, compare=False, repr=False)


def dist_to_lines_km(x: np.ndarray, y: np.ndarray, lines: gpd.GeoDataFrame | None) -> np.ndarray:
    """Planar distance [km] from points to the nearest of ``lines`` (both in the same metric CRS).

    Parameters
    ----------
    x, y : numpy.ndarray
        Point coordinates [m]; NaN points get NaN.
    lines : GeoDataFrame or None
        The lines [m]; None or empty gives NaN everywhere.

    Returns
    -------
    numpy.ndarray
        The shape of ``x`` [km].
    """
    out = np.full(np.shape(x), np.nan)
    if lines is None or lines.empty:
        return out
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return out
    import shapely

    tree = shapely.STRtree(np.asarray(lines.geometry.array))
    points = shapely.points(x[ok], y[ok])
    (pi, _), dist = tree.query_nearest(points, return_distance=True, all_matches=False)
    found = np.full(len(points), np.nan)
    found[pi] = dist / 1000.0
    out[ok] = found
    return out


def scan_chunk(inputs: ScanInputs, row0: int, row1: int, inside: np.ndarray) -> ScanChunk:
    """Criteria of the grid rows ``row0:row1``.

    Parameters
    ----------
    inputs : ScanInputs
        The shared inputs.
    row0, row1 : int
        The chunk's rows (``row1`` exclusive).
    inside : numpy.ndarray of bool
        (row1 - row0, cols): cells inside the area (others get NaN / -1 and no yield).

    Returns
    -------
    ScanChunk
        ``row0``, ``row1``, ``arrays`` (row1 - row0, cols) named :data:`FLOAT_FIELDS` (yield [kWh/kWp],
        distances [km], slope and aspect [degrees]) and :data:`INT_FIELDS` (``slope_deg``, ``aspect_deg`` and
        ``landcover`` are None when no raster was given), ``masks`` (exclusion layer name -> bool array),
        ``seconds`` [s].
    """
    start = time.perf_counter()
    rows, cols = row1 - row0, inputs.shape[1]
    shape = (rows, cols)
    transform = inputs.transform @ Affine.translation(0, row0)
    lon, lat = cell_centres_lonlat(inputs.transform, row0, row1, cols, inputs.crs)
    out: dict[str, np.ndarray | None] = {}
    yield_ = np.full(shape, np.nan)
    if inside.any():
        # share="row": one sky per grid row at the row's mean latitude (cell latitudes along a UTM row differ
        # by < 0.01 deg), or per latitude band of sun_band_deg: give every cell its row's (band's) latitude
        counts = inside.sum(axis=1)
        row_lat = np.where(inside, lat, 0.0).sum(axis=1) / np.maximum(counts, 1)
        if inputs.sun_band_deg > 0:  # rows share the sky of their latitude band
            row_lat = np.round(row_lat / inputs.sun_band_deg) * inputs.sun_band_deg
        rr, cc = np.nonzero(inside)
        monthly = batch_scan(row_lat[rr], lon[rr, cc], inputs.mounting, inputs.weather, share="row",
                             engine=inputs.engine)
        yield_[rr, cc] = monthly.sum(axis=1) * inputs.rows_factor
    out["specific_yield_kwh_per_kwp"] = yield_
    out["capacity_factor"] = yield_ / HOURS_PER_YEAR
    qlon, qlat = np.where(inside, lon, np.nan), np.where(inside, lat, np.nan)
    out["dist_substation_km"], out["substation_index"] = nearest(qlon, qlat, inputs.substations, inputs.crs)
    out["dist_project_km"], out["project_index"] = nearest(qlon, qlat, inputs.projects, inputs.crs)
    xs = transform.c + transform.a * (np.arange(cols) + 0.5)
    ys = transform.f + transform.e * (np.arange(rows) + 0.5)
    gx, gy = np.meshgrid(xs, ys)
    out["dist_road_km"] = dist_to_lines_km(np.where(inside, gx, np.nan), np.where(inside, gy, np.nan), inputs.roads)
    out["slope_deg"] = out["aspect_deg"] = out["landcover"] = None
    if inputs.dem is not None:
        if raster_overlaps(inputs.dem, transform, shape, inputs.crs):
            try:
                slope, aspect = sample_slope_aspect(Path(inputs.dem), transform, shape, inputs.crs)
            except SitingInputError as exc:
                if "no valid elevation" not in str(exc):  # a chunk the DEM covers with nodata only: NaN
                    raise
                slope, aspect = np.full(shape, np.nan), np.full(shape, np.nan)
        else:
            slope, aspect = np.full(shape, np.nan), np.full(shape, np.nan)
        out["slope_deg"] = np.where(inside, slope, np.nan)
        out["aspect_deg"] = np.where(inside, aspect, np.nan)
    if inputs.landcover is not None:
        codes = (sample_landcover(Path(inputs.landcover), transform, shape, inputs.crs, inputs.legend)
                 if raster_overlaps(inputs.landcover, transform, shape, inputs.crs)
                 else np.full(shape, NO_DATA, dtype=np.int32))
        out["landcover"] = np.where(inside, codes, NO_DATA).astype(np.int32)
    masks = exclusion_masks(list(inputs.exclusions), transform, shape, inputs.crs) if inputs.exclusions else {}
    return ScanChunk(row0=row0, row1=row1, arrays=out, masks={name: mask & inside for name, mask in masks.items()},
                     seconds=time.perf_counter() - start)


# -- the scan ------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ScanResult:
    """Full-grid arrays of the scan and how it ran.

    Attributes
    ----------
    arrays : dict
        :data:`FLOAT_FIELDS` (float64, NaN outside the area or where unknown) and :data:`INT_FIELDS`
        (int32/int64, -1); ``slope_deg``, ``aspect_deg``, ``landcover`` are None when no raster was given.
    masks : dict
        Exclusion layer name -> bool array (True = excluded).
    chunks : int
        Number of chunks.
    scheduler : str
        ``"in-process"``, ``"local (N workers)"`` or the address.
    seconds : float
        Wall time of the scan.
    chunk_seconds : float
        Sum of the chunks' own times (CPU-side work, across workers).
    """

    arrays: dict[str, np.ndarray | None]
    masks: dict[str, np.ndarray]
    chunks: int
    scheduler: str
    seconds: float
    chunk_seconds: float = 0.0
    worker_peak_rss_mb: list[float] = field(default_factory=list)


def chunk_bounds(grid: CandidateGrid, chunk_rows: int) -> list[tuple[int, int]]:
    """The chunks of a grid that hold at least one inside cell.

    Parameters
    ----------
    grid : CandidateGrid
        The cells.
    chunk_rows : int
        Grid rows per chunk [-], at least 1.

    Returns
    -------
    list of tuple of int
        (row0, row1) per chunk, ``row1`` exclusive.
    """
    if not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise SitingInputError("chunk_rows", f"{chunk_rows!r} must be a whole number >= 1")
    rows = grid.shape[0]
    has = np.asarray(grid.inside.any(axis=1), dtype=bool)
    return [(r, min(r + chunk_rows, rows)) for r in range(0, rows, chunk_rows) if has[r:r + chunk_rows].any()]


def _progress(total: int, enabled: bool, desc: str) -> tqdm:
    return tqdm(total=total, unit="cell", unit_scale=True, desc=desc, file=sys.stderr, leave=False,
                disable=not enabled or not sys.stderr.isatty())


def _in_process(inputs: ScanInputs, grid: CandidateGrid, bounds: list[tuple[int, int]], bar: tqdm
                ) -> Iterator[ScanChunk]:
    for r0, r1 in bounds:
        part = scan_chunk(inputs, r0, r1, grid.inside[r0:r1])
        bar.update(int(grid.inside[r0:r1].sum()))
        yield part


def _peak_rss_mb() -> float:
    """Peak resident memory of the calling process [MB] (Linux ru_maxrss is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _on_client(client: Any, inputs: ScanInputs, grid: CandidateGrid, bounds: list[tuple[int, int]], bar: tqdm,
               sink: Callable[[ScanChunk], None]) -> list[float]:
    from dask.distributed import as_completed

    shared = client.scatter(inputs, broadcast=True)
    futures = [client.submit(scan_chunk, shared, r0, r1, grid.inside[r0:r1], pure=False) for r0, r1 in bounds]
    try:
        for future in as_completed(futures):
            part = future.result()
            sink(part)
            bar.update(int(grid.inside[part.row0:part.row1].sum()))
            future.release()
        peaks = client.run(_peak_rss_mb)
    except BaseException:
        client.cancel(futures)
        raise
    return [float(v) for v in peaks.values()]


def run_scan(grid: CandidateGrid, inputs: ScanInputs, *, chunk_rows: int = DEFAULT_CHUNK_ROWS,
             scheduler: str | None = None, progress: bool = True, n_workers: int = LOCAL_WORKERS) -> ScanResult:
    """Scan every cell of ``grid``, chunk by chunk, and reassemble full-grid arrays.

    Parameters
    ----------
    grid : CandidateGrid
        The cells.
    inputs : ScanInputs
        The shared inputs (its transform and shape must be the grid's).
    chunk_rows : int
        Grid rows per chunk.
    scheduler : str or None
        ``None`` or ``"none"``: a loop in this process. ``"local"``: a ``dask.distributed.LocalCluster`` of
        ``n_workers`` single-threaded worker processes, closed afterwards. ``"auto"``: ``none`` below
        :data:`AUTO_LOCAL_MIN_CELLS` cells inside the area, else ``local``. Anything else: the address of a
        running scheduler (``tcp://host:8786``); its workers must have this package and the input files.
    progress : bool
        A tqdm bar on stderr (shown only when stderr is a terminal).
    n_workers : int
        Workers of the local cluster.

    Returns
    -------
    ScanResult
        Identical arrays whatever the scheduler (each chunk is computed the same way).
    """
    if inputs.shape != grid.shape or tuple(inputs.transform) != tuple(grid.transform):
        raise SitingInputError("scan", "inputs describe a different grid than the one scanned")
    for path, what in ((inputs.dem, "DEM"), (inputs.landcover, "land cover")):
        if path is not None:
            if not Path(path).is_file():
                raise SitingInputError(f"{path} ({what})", "file not found")
            if not raster_overlaps(path, grid.transform, grid.shape, grid.crs):
                raise SitingInputError(f"{path} ({what})", f"does not overlap the area {grid.name}")
    for layer in inputs.exclusions:
        if layer.frame is None and not Path(layer.path).is_file():
            raise SitingInputError(f"{layer.path} (exclusion {layer.kind})", "file not found")
    bounds = chunk_bounds(grid, chunk_rows)
    if scheduler == AUTO:
        scheduler = LOCAL if grid.n_inside >= AUTO_LOCAL_MIN_CELLS else None
    start = time.perf_counter()
    rows, cols = grid.shape
    arrays: dict[str, np.ndarray | None] = {name: np.full((rows, cols), np.nan) for name in FLOAT_FIELDS}
    arrays.update({"substation_index": np.full((rows, cols), -1, dtype=np.int64),
                   "project_index": np.full((rows, cols), -1, dtype=np.int64),
                   "landcover": np.full((rows, cols), NO_DATA, dtype=np.int32)})
    names = layer_names(list(inputs.exclusions))
    masks = {name: np.zeros((rows, cols), dtype=bool) for name in names}
    spent = [0.0]

    def sink(part: ScanChunk) -> None:
        r0, r1 = part.row0, part.row1
        for name in (*FLOAT_FIELDS, *INT_FIELDS):
            target, value = arrays[name], part.arrays[name]
            if value is not None and target is not None:
                target[r0:r1] = value
        for name, mask in part.masks.items():
            masks[name][r0:r1] = mask
        spent[0] += part.seconds

    label = "in-process"
    peaks: list[float] = []
    with _progress(grid.n_inside, progress, f"siting {grid.name}") as bar:
        if scheduler is None or scheduler in IN_PROCESS:
            for part in _in_process(inputs, grid, bounds, bar):
                sink(part)
        else:
            from dask.distributed import Client, LocalCluster

            if scheduler == LOCAL:
                label = f"local ({n_workers} worker processes)"
                with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
                    peaks = _on_client(client, inputs, grid, bounds, bar, sink)
            else:
                label = f"cluster at {scheduler}"
                try:
                    client_cm = Client(scheduler, timeout="10s")
                except (OSError, TimeoutError, ValueError) as exc:
                    raise SitingInputError("scheduler", f"cannot connect to {scheduler!r}: {exc} (allowed: none, "
                                           "local, or a scheduler address such as tcp://host:8786)") from None
                with client_cm as client:
                    peaks = _on_client(client, inputs, grid, bounds, bar, sink)
    if inputs.dem is None:
        arrays["slope_deg"] = arrays["aspect_deg"] = None
    if inputs.landcover is None:
        arrays["landcover"] = None
    if inputs.roads is None:
        arrays["dist_road_km"] = None
    return ScanResult(arrays=arrays, masks=masks, chunks=len(bounds), scheduler=label,
                      seconds=time.perf_counter() - start, chunk_seconds=spent[0], worker_peak_rss_mb=peaks)


def scan_inputs(grid: CandidateGrid, *, data_dir: Path, mounting: Mounting, substations: gpd.GeoDataFrame,
                projects: gpd.GeoDataFrame, weather: str | None = None, dem: Path | None = None,
                landcover: Path | None = None, legend: str = "worldcover",
                exclusions: tuple[ExclusionLayer, ...] = (), engine: str = "auto",
                calibrate_rows: bool = True, sun_band_deg: float = DEFAULT_SUN_BAND_DEG,
                roads: gpd.GeoDataFrame | None = None) -> ScanInputs:
    """The shared inputs of a scan of ``grid``: the area's weather and the rows-model calibration.

    The weather is that of the area's representative point (:class:`AreaWeather`).

    Parameters
    ----------
    grid : CandidateGrid
        The cells.
    data_dir : pathlib.Path
        The data folder (climate stations of the offline weather).
    mounting : Mounting
        The mounting of the yields.
    substations, projects : GeoDataFrame
        Distance targets [degrees, EPSG:4326]; points at one coordinate are merged (:func:`colocated`).
    weather : str, optional
        ``offline`` (default) or a weather file.
    dem, landcover : pathlib.Path, optional
        Rasters (DEM [m]).
    legend : str
        Land-cover legend.
    exclusions : tuple of ExclusionLayer
        Vector exclusion layers (buffers [m]).
    engine : str
        Batch-engine kernel.
    calibrate_rows : bool
        Compute the rows-model factor (:func:`rows_model_factor`); else 1.
    sun_band_deg : float
        Latitude band whose rows share one sky [degrees].
    roads : GeoDataFrame, optional
        Road lines (any CRS; reprojected to the grid's) for the distance to road [km].

    Returns
    -------
    ScanInputs
        Plain and picklable.
    """
    point = grid.polygon.representative_point()
    area_weather = AreaWeather(str(data_dir), round(float(point.y), 5), round(float(point.x), 5), weather)
    factor = _rows_factor(area_weather, mounting, engine) if calibrate_rows else 1.0
    return ScanInputs(
        transform=grid.transform, shape=grid.shape, crs=grid.crs, weather=area_weather,
        mounting=mounting, rows_factor=factor, substations=colocated(substations),
        projects=colocated(projects, ("id", "location_precision", "category")),
        dem=None if dem is None else str(dem), landcover=None if landcover is None else str(landcover),
        legend=legend, exclusions=tuple(exclusions), engine=engine, sun_band_deg=sun_band_deg,
        roads=None if roads is None else roads.to_crs(grid.crs),
    )
