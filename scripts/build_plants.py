"""Build ``data/plants/existing_plants.csv``: Hunan's existing coal and wind plants from Global Energy Monitor.

Source: ``../shared/data/plants`` (GEM Global Coal Plant Tracker, July 2023; Global Wind Power Tracker,
May 2023; both CC BY 4.0, WGS-84). Units (coal) and phases (wind) are grouped into one row per GEM location
with their summed capacity and the statuses of their units; GEM's location accuracy is kept (``approximate``
rows are placeholders, often a county centre, not a site). Run: ``python scripts/build_plants.py``.
"""

import csv
import gzip
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "plants"
OUT = REPO / "data" / "plants" / "existing_plants.csv"
PROVINCE = "Hunan"
COLUMNS = ("plant_id", "kind", "name", "name_local", "capacity_mw", "units", "status", "statuses", "start_year",
           "lon", "lat", "location_accuracy", "county", "prefecture", "source", "wiki_url")
STATUS_ORDER = ("operating", "construction", "permitted", "pre-permit", "announced", "shelved", "mothballed",
                "cancelled", "retired")
SOURCES = {"coal": "Global Coal Plant Tracker, Global Energy Monitor, July 2023 release (CC BY 4.0)",
           "wind": "Global Wind Power Tracker, Global Energy Monitor, May 2023 release (CC BY 4.0)"}


def _rows(name: str) -> list[dict[str, str]]:
    with gzip.open(SOURCE / name, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _group(rows: list[dict[str, str]], kind: str, fields: dict[str, str]) -> list[dict[str, object]]:
    by_location: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_location[r[fields["location"]]].append(r)
    out = []
    for loc, units in sorted(by_location.items()):
        first = units[0]
        statuses = sorted({u[fields["status"]] for u in units},
                          key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else 99)
        years = [int(float(u[fields["start"]])) for u in units if u[fields["start"]]]
        out.append({
            "plant_id": loc, "kind": kind, "name": first[fields["name"]], "name_local": first[fields["local"]],
            "capacity_mw": round(sum(float(u[fields["capacity"]] or 0) for u in units), 1), "units": len(units),
            "status": statuses[0], "statuses": ";".join(statuses), "start_year": min(years) if years else "",
            "lon": round(float(first["Longitude"]), 6), "lat": round(float(first["Latitude"]), 6),
            "location_accuracy": first["Location accuracy"], "county": first["Local area (taluk, county)"],
            "prefecture": first["Major area (prefecture, district)"], "source": SOURCES[kind],
            "wiki_url": first[fields["wiki"]],
        })
    return out


def main() -> int:
    coal = [r for r in _rows("gem_coal_plant_tracker_2023-07_china.csv.gz")
            if r["Subnational unit (province, state)"] == PROVINCE]
    wind = [r for r in _rows("gem_wind_power_tracker_2023-05_china.csv.gz") if r["State/Province"] == PROVINCE]
    plants = _group(coal, "coal", {"location": "GEM location ID", "status": "Status", "start": "Start year",
                                   "name": "Plant name", "local": "Plant name (local)", "capacity": "Capacity (MW)",
                                   "wiki": "Wiki URL"})
    plants += _group(wind, "wind", {"location": "GEM location ID", "status": "Status", "start": "Start year",
                                    "name": "Project Name", "local": "Project Name in Local Language / Script",
                                    "capacity": "Capacity (MW)", "wiki": "Wiki URL"})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(plants)
    tmp.replace(OUT)
    print(f"{OUT}: {len(plants)} plants ({len(coal)} coal units, {len(wind)} wind phases in {PROVINCE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
