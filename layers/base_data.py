"""What the map and the report draw for orientation, from shipped data only: townships, water and existing plants.

Township points with names come from ``data/gazetteer`` (Vonng/adcode, CC BY 4.0), lakes from
``data/siting/lakes_ne10m.gpkg`` (Natural Earth 10 m, public domain; built by ``scripts/build_siting_layers.py``),
river areas from ``data/basemap/rivers_osm_1km.gpkg`` (OpenStreetMap via geo-maps, ODbL 1.0: about 1 km, large
rivers only; built by ``scripts/build_rivers.py``), existing coal and wind plants from ``data/plants`` (Global
Energy Monitor, CC BY 4.0).

No shipped data holds settlement outlines; the county outlines, lakes, rivers, township names and plants are what
orients the map.
"""

import csv
import json
from pathlib import Path
from typing import Any

import pyogrio
import shapely
import shapely.geometry

from geo.gazetteer import read_gazetteer

PLANTS_FILE = Path("plants") / "existing_plants.csv"
PLANT_ATTRIBUTION = ("Global Coal Plant Tracker (July 2023) and Global Wind Power Tracker (May 2023), "
                     "Global Energy Monitor, CC BY 4.0")
TOWNSHIP_ATTRIBUTION = "Vonng/adcode (CC BY 4.0), 2016 names"
LAKES_FILE = Path("siting") / "lakes_ne10m.gpkg"
LAKE_ATTRIBUTION = "Natural Earth 10 m lakes (public domain)"
LAKE_GRID_DEG = 1e-4  # [deg] coordinates on a ~10 m grid: far finer than the 1:10 million outlines, half the bytes
RIVERS_FILE = Path("basemap") / "rivers_osm_1km.gpkg"
RIVER_ATTRIBUTION = "© OpenStreetMap contributors, ODbL; geo-maps by Simone Primarosa"
RIVER_GRID_DEG = 1e-3  # [deg] the source's own grid (~100 m): the river areas are good to about 1 km
WATER_MARGIN_DEG = 0.1  # [deg] lakes and rivers drawn within ~10 km of the districts shown


def short_name(name: str) -> str:
    """A township's name for a label (``东华门街道办事处`` -> ``东华门街道``)."""
    return name.removesuffix("办事处")


def read_townships(data_dir: Path, counties: list[str]) -> list[dict[str, Any]]:
    """The township points of ``counties`` with a trusted point: ``name``, ``lon``, ``lat``, ``county``."""
    gaz = read_gazetteer(data_dir / "gazetteer", counties)
    out = []
    seen = set()
    for county in counties:
        for e in gaz.county(county):
            if e.level != "township" or e.lon is None or e.lat is None or e.confidence != "township":
                continue
            if e.code in seen:
                continue
            seen.add(e.code)
            out.append({"name": short_name(e.name), "lon": round(e.lon, 5), "lat": round(e.lat, 5), "county": county})
    return out


def read_plants(data_dir: Path, bounds: tuple[float, float, float, float] | None = None) -> list[dict[str, Any]]:
    """Existing plants (``data/plants/existing_plants.csv``), those within ``bounds`` (minx, miny, maxx, maxy).

    Returns an empty list when the file is not shipped.
    """
    path = data_dir / PLANTS_FILE
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            lon, lat = float(r["lon"]), float(r["lat"])
            if bounds is not None and not (bounds[0] <= lon <= bounds[2] and bounds[1] <= lat <= bounds[3]):
                continue
            out.append({"id": r["plant_id"], "kind": r["kind"], "name": r["name"], "name_local": r["name_local"],
                        "capacity_mw": float(r["capacity_mw"] or 0), "status": r["status"],
                        "statuses": r["statuses"], "start_year": r["start_year"], "lon": lon, "lat": lat,
                        "accuracy": r["location_accuracy"], "source": r["source"]})
    return out


def read_lakes(data_dir: Path, bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """The lakes within ``bounds`` (minx, miny, maxx, maxy), clipped to it, as a GeoJSON FeatureCollection.

    Each lake's properties: ``kind`` (``"lake"``), ``name_zh`` and ``name`` (Natural Earth's, empty for unnamed
    lakes). No features when the file is not shipped; the rivers are :func:`read_rivers`.
    """
    features = []
    path = data_dir / LAKES_FILE
    if path.is_file():
        frame = pyogrio.read_dataframe(path, layer="lakes", bbox=bounds)
        box = shapely.box(*bounds)
        for name, name_zh, geom in zip(frame.get("name", [None] * len(frame)),
                                       frame.get("name_zh", [None] * len(frame)), frame.geometry, strict=True):
            clipped = shapely.set_precision(shapely.intersection(geom, box), LAKE_GRID_DEG)
            if clipped.is_empty:
                continue
            features.append({"type": "Feature", "geometry": json.loads(shapely.to_geojson(clipped)),
                             "properties": {"kind": "lake", "name": name if isinstance(name, str) else "",
                                            "name_zh": name_zh if isinstance(name_zh, str) else ""}})
    return {"type": "FeatureCollection", "features": features}


def read_rivers(data_dir: Path, bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """The river areas within ``bounds`` (minx, miny, maxx, maxy), clipped to it, as a GeoJSON FeatureCollection.

    Pieces that touch are merged; each feature's properties: ``kind`` (``"river"``), ``name`` and ``name_zh``
    (empty: the source has no names). No features when the file is not shipped.
    """
    path = data_dir / RIVERS_FILE
    if not path.is_file():
        return {"type": "FeatureCollection", "features": []}
    frame = pyogrio.read_dataframe(path, layer="rivers", bbox=bounds)
    if frame.empty:
        return {"type": "FeatureCollection", "features": []}
    clipped = shapely.intersection(frame.geometry.to_numpy(), shapely.box(*bounds))
    water = shapely.set_precision(shapely.union_all(clipped), RIVER_GRID_DEG)
    parts = [p for p in shapely.get_parts(water) if isinstance(p, shapely.Polygon) and not p.is_empty]
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": json.loads(shapely.to_geojson(p)),
                          "properties": {"kind": "river", "name": "", "name_zh": ""}} for p in parts]}


def water_near(collection: dict[str, Any], districts: list[Any],
               margin_deg: float = WATER_MARGIN_DEG) -> dict[str, Any]:
    """The features of ``collection`` clipped to ``districts`` (shapely geometries) grown by ``margin_deg``.

    A bounding box of districts far apart (岳阳 and 鹤城) spans most of a province; this keeps the water near the
    districts shown. Each piece keeps its feature's properties; nothing is kept when there are no districts.
    """
    if not districts or not collection.get("features"):
        return {"type": "FeatureCollection", "features": []}
    near = shapely.union_all(districts).simplify(0.005).buffer(margin_deg, quad_segs=4)
    features = []
    for f in collection["features"]:
        clipped = shapely.set_precision(shapely.intersection(shapely.geometry.shape(f["geometry"]), near),
                                        RIVER_GRID_DEG)
        for part in shapely.get_parts(clipped):
            if isinstance(part, shapely.Polygon) and not part.is_empty:
                features.append({"type": "Feature", "geometry": json.loads(shapely.to_geojson(part)),
                                 "properties": dict(f["properties"])})
    return {"type": "FeatureCollection", "features": features}
