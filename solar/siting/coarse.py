"""The coarse layers that ship (``data/siting``, ``data/gazetteer``): used where the user gave nothing finer.

- **Land cover**: MODIS MCD12C1 2019, IGBP majority class of a 0.05° cell (~5 km), legend ``modis_igbp``
  (used when no ``--landcover`` is given);
- **Lakes**: Natural Earth 10 m lakes (1:10 million; 洞庭湖 is in it, small lakes and reservoirs are not)
  as ``water`` (when neither ``--exclude ...:water`` nor ``--osm`` gives water);
- **Settlements**: the gazetteer's township seats and village points, buffered by
  :data:`SETTLEMENT_RADIUS_M` (points, not outlines: a town's real extent differs), as ``settlement``
  (when neither an exclusion layer nor ``--osm`` gives settlements). Doubtful points are left out.

Rivers are not shipped: the only offline river lines (GSHHG/WDBII, Debian ``gmt-gshhg-full``) are LGPL-3+,
and this MIT project does not redistribute data derived from them; rivers come from ``--osm`` or a user layer
(a major river shows as water in the 5 km land cover only where it dominates a cell).

Every layer carries its ``coarse`` label (source and resolution); the report says where each was used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geo.gazetteer import read_gazetteer
from solar.siting.exclusions import ExclusionLayer

FOLDER = "siting"
LANDCOVER_FILE = "landcover_modis_2019.tif"
LANDCOVER_LEGEND = "modis_igbp"
LAKES_FILE = "lakes_ne10m.gpkg"
#: Radius of a settlement around a gazetteer point [m]: a township seat (镇区) and a village centre (an
#: assumption: Hunan's township seats are ~1 km across, village centres a few hundred metres).
SETTLEMENT_RADIUS_M = {"township": 500.0, "village": 150.0}
COARSE_LANDCOVER = "MODIS MCD12C1 2019 land cover, 0.05° (~5 km) majority class"
COARSE_LAKES = "Natural Earth 10 m lakes (1:10,000,000; small lakes and reservoirs missing)"
COARSE_SETTLEMENTS = ("gazetteer township/village points (Vonng/adcode, 2018) buffered "
                      + ", ".join(f"{k} {v:g} m" for k, v in SETTLEMENT_RADIUS_M.items()) + " (points, not outlines)")
#: Margin around the area [degrees] for points and lakes whose buffers reach in.
MARGIN_DEG = 0.02


@dataclass(frozen=True, eq=False)
class CoarseInputs:
    """The coarse layers a run uses.

    Attributes
    ----------
    landcover : pathlib.Path or None
        The MODIS raster, when used.
    legend : str or None
        Its legend, when used.
    layers : tuple of ExclusionLayer
        ``coarse:lakes``, ``coarse:settlements`` (those used and with features near the area).
    used : dict
        What -> label (source and resolution) of every coarse layer used, for the report.
    skipped : dict
        What -> why it was not used (finer data given, or missing).
    """

    landcover: Path | None
    legend: str | None
    layers: tuple[ExclusionLayer, ...]
    used: dict[str, str]
    skipped: dict[str, str]


def _settlements(data_dir: Path, area: BaseGeometry, crs: str) -> gpd.GeoDataFrame:
    west, south, east, north = area.buffer(MARGIN_DEG).bounds
    gaz = read_gazetteer(data_dir / "gazetteer")
    lon, lat, radius = [], [], []
    for entry in gaz.by_code.values():
        if entry.lon is None or entry.lat is None or entry.confidence not in SETTLEMENT_RADIUS_M:
            continue
        if west <= entry.lon <= east and south <= entry.lat <= north:
            lon.append(entry.lon)
            lat.append(entry.lat)
            radius.append(SETTLEMENT_RADIUS_M[entry.confidence])
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(crs)
    discs = shapely.buffer(np.asarray(points.array), np.asarray(radius, dtype=float), quad_segs=8)
    return gpd.GeoDataFrame(geometry=list(discs), crs=crs)


def _lakes(path: Path, area: BaseGeometry, crs: str) -> gpd.GeoDataFrame:
    lakes = pyogrio.read_dataframe(path, bbox=area.buffer(MARGIN_DEG).bounds)
    return gpd.GeoDataFrame(geometry=list(lakes.geometry), crs=lakes.crs).to_crs(crs)


def coarse_inputs(data_dir: Path, area: BaseGeometry, crs: str, *, landcover_given: bool, kinds_given: set[str],
                  buffers_m: dict[str, float], enabled: bool = True) -> CoarseInputs:
    """The coarse layers to use for an area, given what finer data the user supplied.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder (``siting/``, ``gazetteer/``).
    area : shapely geometry
        The area, EPSG:4326.
    crs : str
        The grid's metric CRS (the layers are held in it).
    landcover_given : bool
        The user gave ``--landcover`` (then the coarse land cover is not used).
    kinds_given : set of str
        Exclusion kinds the user's layers and ``--osm`` supply (a coarse layer of such a kind is not used).
    buffers_m : dict
        Kind -> buffer [m] (the rule set's defaults) for the lakes.
    enabled : bool
        False (``--no-coarse``): none is used.

    Returns
    -------
    CoarseInputs
        What is used and what is not, with the reasons.
    """
    used: dict[str, str] = {}
    skipped: dict[str, str] = {}
    if not enabled:
        return CoarseInputs(None, None, (), {}, {"all": "--no-coarse given"})
    folder = data_dir / FOLDER
    landcover = None
    if landcover_given:
        skipped["landcover"] = "--landcover given"
    elif (folder / LANDCOVER_FILE).is_file():
        landcover = folder / LANDCOVER_FILE
        used["landcover"] = COARSE_LANDCOVER
    else:
        skipped["landcover"] = f"{folder / LANDCOVER_FILE} missing (python scripts/build_siting_layers.py)"
    layers: list[ExclusionLayer] = []
    if "water" in kinds_given:
        skipped["lakes"] = "water given by --exclude or --osm"
    elif (folder / LAKES_FILE).is_file():
        frame = _lakes(folder / LAKES_FILE, area, crs)
        used["lakes"] = COARSE_LAKES
        if not frame.empty:
            layers.append(ExclusionLayer("coarse:lakes", folder / LAKES_FILE, "water", buffers_m.get("water", 0.0),
                                         frame=frame, coarse=COARSE_LAKES))
    else:
        skipped["lakes"] = f"{folder / LAKES_FILE} missing (python scripts/build_siting_layers.py)"
    if "settlement" in kinds_given:
        skipped["settlements"] = "settlements given by --exclude or --osm"
    else:
        frame = _settlements(data_dir, area, crs)
        used["settlements"] = COARSE_SETTLEMENTS
        if not frame.empty:
            layers.append(ExclusionLayer("coarse:settlements", data_dir / "gazetteer", "settlement", 0.0, frame=frame,
                                         coarse=COARSE_SETTLEMENTS))
    return CoarseInputs(landcover, LANDCOVER_LEGEND if landcover else None, tuple(layers), used, skipped)
