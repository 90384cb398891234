"""An OpenStreetMap extract (.osm.pbf or .osm XML) read through GDAL's OSM driver, and its grid features.

:func:`read_osm` reads the three layers GDAL's OSM driver makes (``points``, ``lines``,
``multipolygons``) within a bounding box, with OSM's ``other_tags`` parsed into a dict per feature.
:func:`osm_substations` and :func:`osm_power_lines` take the power grid out of it: substations (nodes,
closed ways, areas tagged ``power=substation``) with their name and highest voltage [kV], and power lines
(``power=line`` / ``minor_line`` / ``cable``) with their voltage. Other packages classify the rest
(roads, water, land use: :mod:`solar.siting.osm`).

OpenStreetMap data is © OpenStreetMap contributors, available under the Open Database License (ODbL 1.0):
whatever is derived from an extract must say so (:data:`OSM_ATTRIBUTION`).
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.crs import STORE_CRS
from grid.errors import GridInputError

OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
#: File names the OSM driver reads.
OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm")
OSM_LAYERS = ("points", "lines", "multipolygons")
#: Columns GDAL's default osmconf.ini gives each layer, that we use (everything else is in ``other_tags``).
_COLUMNS = {"points": ["osm_id", "name", "other_tags"],
            "lines": ["osm_id", "name", "highway", "waterway", "other_tags"],
            "multipolygons": ["osm_id", "osm_way_id", "name", "boundary", "landuse", "leisure", "natural",
                              "other_tags"]}
_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
#: Power features that are lines (``power=`` values).
POWER_LINE_VALUES = ("line", "minor_line", "cable")


def parse_other_tags(text: Any) -> dict[str, str]:
    """OSM's ``other_tags`` (an hstore text: ``"k"=>"v","k2"=>"v2"``) as a dict.

    Parameters
    ----------
    text : str or None
        The ``other_tags`` value of a feature.

    Returns
    -------
    dict
        Tag -> value (empty for None).
    """
    if not isinstance(text, str) or not text:
        return {}
    return {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in _TAG.findall(text)}


def voltage_kv(text: Any) -> float:
    """The highest voltage of an OSM ``voltage`` tag [kV] (``"220000;110000"`` -> 220); NaN when none.

    Parameters
    ----------
    text : str or None
        The tag's value in volts, several separated by ``;``.

    Returns
    -------
    float
        [kV].
    """
    if not isinstance(text, str):
        return math.nan
    volts = []
    for part in re.split(r"[;,]", text):
        try:
            v = float(part.strip())
        except ValueError:
            continue
        if math.isfinite(v) and v > 0:
            volts.append(v)
    return max(volts) / 1000.0 if volts else math.nan


def _check_file(path: Path) -> None:
    where = f"{path} (OpenStreetMap extract)"
    if not path.is_file():
        raise GridInputError("--osm", "file not found", where)
    name = path.name.lower()
    if not name.endswith(OSM_SUFFIXES):
        raise GridInputError("--osm", f"not an OSM file name; allowed: {', '.join(OSM_SUFFIXES)}", where)
    if path.stat().st_size == 0:
        raise GridInputError("--osm", f"the file is empty; allowed: an OSM extract ({', '.join(OSM_SUFFIXES)})",
                             where)


def read_osm(path: Path, bbox: tuple[float, float, float, float] | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The points, lines and multipolygons of an OSM extract, within ``bbox``, with their tags.

    Parameters
    ----------
    path : pathlib.Path
        ``.osm.pbf`` or ``.osm`` (XML).
    bbox : tuple of float, optional
        (west, south, east, north) [degrees, WGS-84]; features that meet it are kept.

    Returns
    -------
    dict
        Layer name (:data:`OSM_LAYERS`) -> GeoDataFrame (EPSG:4326) with ``osm_id``, ``name``, the layer's
        columns and ``tags`` (every other tag, a dict). ``attrs["source"]`` is the path.

    Raises
    ------
    GridInputError
        No file, an empty or unreadable file, or an extract without a single feature (in ``bbox``).
    """
    path = Path(path)
    _check_file(path)
    where = f"{path} (OpenStreetMap extract)"
    out: dict[str, gpd.GeoDataFrame] = {}
    for layer in OSM_LAYERS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = pyogrio.read_dataframe(path, layer=layer, bbox=bbox, columns=_COLUMNS[layer])
        except Exception as exc:  # pyogrio raises DataSourceError and several GDAL error types
            raise GridInputError("--osm", f"cannot read as an OSM extract ({exc}); allowed: .osm.pbf or .osm XML "
                                 "as exported by osmium, Geofabrik or the OSM editors", where) from None
        if not isinstance(frame, gpd.GeoDataFrame):
            frame = gpd.GeoDataFrame(frame, geometry=[], crs=STORE_CRS)
        if frame.crs is None:
            frame = frame.set_crs(STORE_CRS)
        for col in _COLUMNS[layer]:
            if col not in frame:
                frame[col] = None
        frame["tags"] = [parse_other_tags(t) for t in frame["other_tags"]]
        geoms = np.asarray(frame.geometry.array)
        frame = frame[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))].reset_index(drop=True)
        out[layer] = frame
    if not any(len(f) for f in out.values()):
        raise GridInputError("--osm", "no features" + (" in the area's bounding box" if bbox else "")
                             + "; allowed: an extract that covers the area", where)
    for frame in out.values():
        frame.attrs["source"] = str(path)
    return out


def _tag(frame: gpd.GeoDataFrame, key: str) -> pd.Series:
    """The value of tag ``key`` per feature: its column when GDAL gives one, else from ``tags``."""
    if key in frame.columns and key != "tags":
        col = frame[key]
        return col.where(col.notna(), pd.Series([t.get(key) for t in frame["tags"]], index=frame.index))
    return pd.Series([t.get(key) for t in frame["tags"]], index=frame.index, dtype=object)


def _names(frame: gpd.GeoDataFrame) -> list[str]:
    zh = _tag(frame, "name:zh")
    name = frame["name"] if "name" in frame else pd.Series([None] * len(frame), index=frame.index)
    return [str(z) if isinstance(z, str) and z else (str(n) if isinstance(n, str) and n else "")
            for z, n in zip(zh, name, strict=True)]


def osm_substations(layers: dict[str, gpd.GeoDataFrame], source: str = "osm") -> gpd.GeoDataFrame:
    """Substations of an extract (``power=substation``), as the frame of :mod:`grid.substations`.

    A substation drawn as an area or a closed way is placed at a point inside it. Its name is ``name:zh``,
    else ``name``, else empty; ``id`` is ``osm-n<node>`` / ``osm-w<way>`` / ``osm-r<relation>``.

    Parameters
    ----------
    layers : dict
        :func:`read_osm`.
    source : str
        The file's name, for ``source`` and ``location_source``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points, columns of :data:`grid.substations.COLUMNS`; ``voltage_kv`` [kV] NaN when untagged;
        ``location_precision`` ``surveyed`` (OSM maps the facility itself).
    """
    from grid.substations import COLUMNS

    rows: list[dict[str, Any]] = []
    for layer, prefix in (("points", "n"), ("lines", "w"), ("multipolygons", "")):
        frame = layers.get(layer)
        if frame is None or frame.empty:
            continue
        sel = frame[_tag(frame, "power") == "substation"]
        if sel.empty:
            continue
        for (_, rec), name in zip(sel.iterrows(), _names(sel), strict=True):
            geom = rec.geometry
            if geom.geom_type in ("LineString", "MultiLineString"):
                geom = shapely.convex_hull(geom)
            point = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
            if layer == "multipolygons":
                way = rec.get("osm_way_id")
                ident = f"osm-w{way}" if isinstance(way, str) and way else f"osm-r{rec.get('osm_id')}"
            else:
                ident = f"osm-{prefix}{rec.get('osm_id')}"
            rows.append({"id": ident, "name_zh": name, "voltage_kv": voltage_kv(rec["tags"].get("voltage")),
                         "location_precision": "surveyed", "location_source": f"{source} ({ident})",
                         "source": source, "geometry": point})
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=list(COLUMNS)), geometry="geometry", crs=STORE_CRS)
    frame["voltage_kv"] = frame["voltage_kv"].astype(float)
    return frame.drop_duplicates("id").reset_index(drop=True)


def osm_power_lines(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Power lines of an extract (``power`` in :data:`POWER_LINE_VALUES`) with their voltage [kV].

    Parameters
    ----------
    layers : dict
        :func:`read_osm`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 lines: ``id``, ``name_zh``, ``power``, ``voltage_kv`` [kV] (NaN when untagged).
    """
    frame = layers.get("lines")
    if frame is None or frame.empty:
        return gpd.GeoDataFrame({"id": [], "name_zh": [], "power": [], "voltage_kv": []}, geometry=[],
                                crs=STORE_CRS)
    power = _tag(frame, "power")
    sel = frame[power.isin(POWER_LINE_VALUES)]
    return gpd.GeoDataFrame({"id": [f"osm-w{v}" for v in sel["osm_id"]], "name_zh": _names(sel),
                             "power": power[sel.index].to_numpy(),
                             "voltage_kv": [voltage_kv(t.get("voltage")) for t in sel["tags"]]},
                            geometry=list(sel.geometry), crs=STORE_CRS)
