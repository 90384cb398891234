"""The options of a siting run, in one frozen record (what the CLI's ``site`` flags set).

:func:`solar.siting.run.site_area` takes them as keyword arguments and builds a :class:`SitingOptions`; the
steps read the fields they need. Defaults live here and in the modules that own the idea (rule sets,
weights, density, chunking).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from solar.siting.scan import DEFAULT_CHUNK_ROWS
from solar.siting.supply import DEFAULT_BLOCK_M, DEFAULT_DENSITY_MW_PER_KM2, DEFAULT_MIN_AREA_KM2


@dataclass(frozen=True)
class SitingOptions:
    """What to read, which rules and weights to apply, how to merge cells into sites, how to run the scan.

    Attributes
    ----------
    exclude : tuple of str
        Exclusion layers as ``PATH[:kind][:buffer_m]`` (the rule set's default buffer [m] when none is given).
    dem : pathlib.Path or tuple of pathlib.Path, optional
        DEM [m] for slope and aspect: one GeoTIFF, or tiles (SRTM .hgt, Copernicus GeoTIFF) and folders of
        them, mosaicked for the area (:mod:`solar.siting.tiles`); without it slope is "not evaluated".
    landcover : pathlib.Path or tuple of pathlib.Path, optional
        Classified land cover (one file, or tiles and folders, e.g. ESA WorldCover); without it the shipped
        coarse land cover is used (unless ``coarse`` is False), else the land-cover criteria are "not
        evaluated".
    legend : str
        Land-cover legend (``worldcover``, ``clcd``).
    substations : pathlib.Path, optional
        A user file of surveyed substations (:func:`grid.substations.read_substations`).
    osm : pathlib.Path, optional
        An OpenStreetMap extract (.osm.pbf, .osm): roads, power lines, substations, water, built-up land,
        protected areas (:mod:`solar.siting.osm`).
    coarse : bool
        Use the coarse layers that ship where nothing finer is given (:mod:`solar.siting.coarse`).
    rules : str
        Rule set name (``land-2023``, ``none``; :data:`solar.siting.rules.RULE_SETS`).
    weights : dict, optional
        Score weight per criterion [-] (default :data:`solar.siting.score.DEFAULT_WEIGHTS`; normalised).
    density_mw_per_km2 : float
        Land-use density [MWp/km²].
    mounting : str
        Mounting preset of the yields (default ``ground_fixed``).
    weather : str, optional
        ``offline`` (default) or a weather file.
    scheduler : str, optional
        ``None``/``"none"``, ``"local"``, ``"auto"`` or a scheduler address (:func:`solar.siting.scan.run_scan`).
    chunk_rows : int
        Grid rows per chunk [-].
    min_score : float
        Cells scoring below it [0-1] are left out of sites.
    min_area_km2 : float
        Sites smaller than this [km²] are dropped.
    block_m : float
        Side of the aggregation blocks that bound a site [m].
    include_district_points : bool
        Also measure distances to registry substations and projects that sit at their district's point
        (indicative only; :func:`solar.siting.neighbours.distance_targets`).
    progress : bool
        Progress bar on stderr (when it is a terminal).
    engine : str
        Batch-engine kernel (``auto``, ``numpy``, ``numba``).
    n_workers : int
        Workers of a local cluster [-].
    """

    exclude: tuple[str, ...] = ()
    dem: Path | tuple[Path, ...] | None = None
    landcover: Path | tuple[Path, ...] | None = None
    legend: str = "worldcover"
    substations: Path | None = None
    osm: Path | None = None
    coarse: bool = True
    rules: str = "land-2023"
    weights: dict[str, float] | None = None
    density_mw_per_km2: float = DEFAULT_DENSITY_MW_PER_KM2
    mounting: str = "ground_fixed"
    weather: str | None = None
    scheduler: str | None = None
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    min_score: float = 0.0
    min_area_km2: float = DEFAULT_MIN_AREA_KM2
    block_m: float = DEFAULT_BLOCK_M
    include_district_points: bool = False
    progress: bool = True
    engine: str = "auto"
    n_workers: int = 2
