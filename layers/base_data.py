"""What the map and the report draw for orientation, from shipped data only: townships and existing plants.

Township points with names come from ``data/gazetteer`` (Vonng/adcode, CC BY 4.0), existing coal and wind
plants from ``data/plants`` (Global Energy Monitor, CC BY 4.0).

No shipped data holds rivers, lakes or settlement outlines (the boundaries are admin units only), so the
base layer has none; the county outlines, township names and plants are what orients the map.
"""

import csv
from pathlib import Path
from typing import Any

from geo.gazetteer import read_gazetteer

PLANTS_FILE = Path("plants") / "existing_plants.csv"
PLANT_ATTRIBUTION = ("Global Coal Plant Tracker (July 2023) and Global Wind Power Tracker (May 2023), "
                     "Global Energy Monitor, CC BY 4.0")
TOWNSHIP_ATTRIBUTION = "Vonng/adcode (CC BY 4.0), 2016 names"


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
