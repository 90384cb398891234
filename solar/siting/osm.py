"""The siting step that reads a user's OpenStreetMap extract (``--osm``): criteria from real geography.

From one extract (:func:`grid.osm.read_osm`, GDAL's OSM driver), clipped to the area plus a margin:

==============  ==========================================================  ==========================================
what            OSM tags                                                    used as
==============  ==========================================================  ==========================================
roads           ``highway`` in :data:`ROAD_CLASSES`                         distance to road (score ``road``, cost
                                                                            proxy) and a set-back corridor (``road``)
power lines     ``power`` = line / minor_line / cable, ``voltage``          a protection corridor by voltage
                                                                            (``power_line``)
substations     ``power=substation`` (node, closed way, area), ``voltage``  the grid distances (instead of registry
                                                                            points at a district's centre)
water           ``natural=water``, ``water=*``, ``landuse=reservoir|basin``,  ``water`` (with its buffer)
                ``waterway=riverbank``; lines ``waterway=river|canal``
built-up land   ``landuse`` in :data:`BUILT_UP_LANDUSE`                     ``settlement`` (with its buffer)
protected       ``boundary=protected_area|national_park``,                  ``protected_area``
                ``leisure=nature_reserve``
==============  ==========================================================  ==========================================

Each becomes an :class:`~solar.siting.exclusions.ExclusionLayer` held in memory (named ``osm:<what>``), so the
rule set (``land-2023``) and the report treat it like a user's file. Streams, tracks and paths are left out:
in OpenStreetMap they are mapped so densely and unevenly that their buffers would say more about the mappers
than about the land.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from grid.errors import GridInputError
from grid.osm import OSM_ATTRIBUTION, osm_power_lines, osm_substations, read_osm
from solar.siting.errors import SitingInputError
from solar.siting.exclusions import ExclusionLayer

#: Roads a construction crew can drive to a site (``_link`` ramps included).
ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential")
BUILT_UP_LANDUSE = ("residential", "industrial", "commercial", "retail", "construction", "railway")
WATER_LANDUSE = ("reservoir", "basin")
RIVER_WATERWAYS = ("river", "canal")
PROTECTED_BOUNDARIES = ("protected_area", "national_park")
#: Margin around the area read from the extract [degrees] (~5 km), so nearby substations and roads count.
MARGIN_DEG = 0.05
#: Set-back of roads [m] each side of the centre line: 公路安全保护条例 (2011) art. 11 建筑控制区 from the
#: road's edge: 国道 >= 20 m, 省道 >= 15 m, 县道 >= 10 m, 乡道 >= 5 m; here by OSM class, plus half a lane width.
ROAD_SETBACK_M = {"motorway": 35.0, "trunk": 25.0, "primary": 20.0, "secondary": 15.0, "tertiary": 10.0,
                  "unclassified": 8.0, "residential": 8.0}
#: Protection corridor of overhead lines [m] each side of the outer conductor: 电力设施保护条例实施细则 art. 5:
#: 1-10 kV 5 m, 35-110 kV 10 m, 154-330 kV 15 m, 500 kV 20 m; plus ~5 m from the axis to the outer conductor.
POWER_CORRIDOR_M = ((10.0, 10.0), (110.0, 15.0), (330.0, 20.0), (math.inf, 25.0))
#: A corridor excludes a cell only when it covers at least this share of it (narrower ones leave room).
CORRIDOR_MIN_COVER = 0.5


@dataclass(frozen=True, eq=False)
class OsmFeatures:
    """What an extract gives a siting run.

    Attributes
    ----------
    path : pathlib.Path
        The extract.
    substations : GeoDataFrame
        EPSG:4326 points (:func:`grid.osm.osm_substations`).
    power_lines : GeoDataFrame
        EPSG:4326 lines with ``voltage_kv`` [kV].
    roads : GeoDataFrame
        EPSG:4326 lines with ``highway``.
    layers : tuple of ExclusionLayer
        ``osm:water``, ``osm:river``, ``osm:built_up``, ``osm:protected``, ``osm:road``, ``osm:power_line`` (those
        with features).
    counts : dict
        Features per kind, for the report.
    attribution : str
        OSM's licence line.
    """

    path: Path
    substations: gpd.GeoDataFrame
    power_lines: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    layers: tuple[ExclusionLayer, ...]
    counts: dict[str, int] = field(default_factory=dict)
    attribution: str = OSM_ATTRIBUTION


def _tag(frame: gpd.GeoDataFrame, key: str) -> pd.Series:
    if key in frame.columns:
        col = frame[key]
        fallback = pd.Series([t.get(key) for t in frame["tags"]], index=frame.index, dtype=object)
        return col.astype(object).where(col.notna(), fallback)
    return pd.Series([t.get(key) for t in frame["tags"]], index=frame.index, dtype=object)


def power_corridor_m(voltage_kv: float) -> float:
    """Half-width of a power line's protection corridor [m] (:data:`POWER_CORRIDOR_M`); 10 kV's when unknown.

    Parameters
    ----------
    voltage_kv : float
        The line's voltage [kV]; NaN when untagged.

    Returns
    -------
    float
        [m].
    """
    v = 10.0 if not math.isfinite(voltage_kv) else voltage_kv
    return next(w for limit, w in POWER_CORRIDOR_M if v <= limit)


def _frame(geoms: list[BaseGeometry] | np.ndarray, crs: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geoms), crs=crs)


def _layer(name: str, kind: str, source: Path, geoms: Any, buffer_m: float, crs: str,
           min_cover: float | None = None) -> ExclusionLayer | None:
    frame = _frame(geoms, crs)
    if frame.empty:
        return None
    return ExclusionLayer(name=name, path=source, kind=kind, buffer_m=buffer_m, frame=frame, min_cover=min_cover)


def classify(layers: dict[str, gpd.GeoDataFrame], area: BaseGeometry, crs: str, source: Path,
             buffers_m: dict[str, float]) -> OsmFeatures:
    """Sort an extract's features into the siting criteria, clipped to ``area`` plus :data:`MARGIN_DEG`.

    Parameters
    ----------
    layers : dict
        :func:`grid.osm.read_osm`.
    area : shapely geometry
        The area, EPSG:4326.
    crs : str
        The candidate grid's metric CRS; the exclusion layers are held in it, corridors pre-buffered [m].
    source : pathlib.Path
        The extract.
    buffers_m : dict
        Kind -> buffer [m] (the rule set's ``default_buffers_m``) for water and settlements.

    Returns
    -------
    OsmFeatures
        The features.
    """
    clip = area.buffer(MARGIN_DEG)

    def near(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if frame.empty:
            return frame
        return frame[frame.geometry.intersects(clip)]

    points, lines, polys = (near(layers.get(k, gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")))
                            for k in ("points", "lines", "multipolygons"))
    subs = osm_substations({"points": points, "lines": lines, "multipolygons": polys}, source=source.name)
    power = osm_power_lines({"lines": lines})
    power = power[power["power"] != "cable"]  # underground: no corridor above ground worth a cell
    out: list[ExclusionLayer | None] = []
    counts: dict[str, int] = {"substations": len(subs), "power_lines": len(power)}

    roads = gpd.GeoDataFrame(columns=["highway", "geometry"], geometry="geometry", crs="EPSG:4326")
    water_polys = rivers = built = protected = polys.iloc[:0]
    if not lines.empty:
        hw = _tag(lines, "highway").fillna("").astype(str).str.replace("_link", "", regex=False)
        is_road = hw.isin(ROAD_CLASSES)
        roads = gpd.GeoDataFrame({"highway": hw[is_road]}, geometry=list(lines.geometry[is_road]), crs="EPSG:4326")
        ww = _tag(lines, "waterway")
        rivers = lines[ww.isin(RIVER_WATERWAYS)]
    if not polys.empty:
        natural, landuse = _tag(polys, "natural"), _tag(polys, "landuse")
        water = _tag(polys, "water")
        waterway, boundary, leisure = _tag(polys, "waterway"), _tag(polys, "boundary"), _tag(polys, "leisure")
        water_polys = polys[(natural == "water") | water.notna() | landuse.isin(WATER_LANDUSE)
                            | (waterway == "riverbank")]
        built = polys[landuse.isin(BUILT_UP_LANDUSE)]
        protected = polys[boundary.isin(PROTECTED_BOUNDARIES) | (leisure == "nature_reserve")]
    counts.update({"roads": len(roads), "water_areas": len(water_polys), "rivers": len(rivers),
                   "built_up_areas": len(built), "protected_areas": len(protected)})

    def metric(frame: gpd.GeoDataFrame) -> np.ndarray:
        return np.asarray(frame.to_crs(crs).geometry.array) if len(frame) else np.zeros(0, dtype=object)

    out.append(_layer("osm:water", "water", source, metric(water_polys), buffers_m.get("water", 0.0), crs))
    out.append(_layer("osm:river", "water", source, metric(rivers), buffers_m.get("water", 0.0), crs))
    out.append(_layer("osm:built_up", "settlement", source, metric(built), buffers_m.get("settlement", 0.0), crs))
    out.append(_layer("osm:protected", "protected_area", source, metric(protected),
                      buffers_m.get("protected_area", 0.0), crs))
    if len(roads):
        road_m = roads.to_crs(crs)
        widths = road_m["highway"].map(ROAD_SETBACK_M).fillna(8.0).to_numpy()
        out.append(_layer("osm:road", "road", source, shapely.buffer(np.asarray(road_m.geometry.array), widths), 0.0,
                          crs, CORRIDOR_MIN_COVER))
    if len(power):
        power_m = power.to_crs(crs)
        widths = np.array([power_corridor_m(v) for v in power_m["voltage_kv"]])
        out.append(_layer("osm:power_line", "power_line", source,
                          shapely.buffer(np.asarray(power_m.geometry.array), widths), 0.0, crs, CORRIDOR_MIN_COVER))
    return OsmFeatures(path=source, substations=subs, power_lines=power, roads=roads,
                       layers=tuple(layer for layer in out if layer is not None), counts=counts)


def read_osm_features(path: Path, area: BaseGeometry, crs: str, buffers_m: dict[str, float]) -> OsmFeatures:
    """Read an extract for an area and sort its features (:func:`classify`).

    Parameters
    ----------
    path : pathlib.Path
        ``.osm.pbf`` or ``.osm``.
    area : shapely geometry
        The area, EPSG:4326.
    crs : str
        The grid's metric CRS.
    buffers_m : dict
        Kind -> buffer [m].

    Returns
    -------
    OsmFeatures
        The features.

    Raises
    ------
    SitingInputError
        The file is missing, empty, unreadable, or has no feature near the area (file, what, allowed).
    """
    west, south, east, north = area.buffer(MARGIN_DEG).bounds
    try:
        layers = read_osm(Path(path), (west, south, east, north))
    except GridInputError as exc:
        raise SitingInputError(exc.where or str(path), str(exc).removeprefix(f"{exc.where}: ")) from None
    return classify(layers, area, crs, Path(path), buffers_m)
