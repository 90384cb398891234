"""Append to data/places.csv every place name the registry uses that neither places.csv nor the gazetteer places.

New rows carry no coordinate: a curator adds one only from a cited source. Run after editing the registry.
Townships and villages the nationwide gazetteer (data/gazetteer/) resolves need no row; sites (facilities)
are never placed from the gazetteer, so each new site gets one.
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from geo.gazetteer import read_gazetteer  # noqa: E402
from geo.registry.places import PLACE_COLUMNS  # noqa: E402
from geo.resolve import resolve  # noqa: E402

path = ROOT / "data" / "places.csv"
known = set()
if path.exists():
    with path.open(encoding="utf-8", newline="") as f:
        known = {(r["district_adcode"], r["name_zh"]) for r in csv.DictReader(f)}
gazetteer = read_gazetteer(ROOT / "data" / "gazetteer")
new = []
for reg in sorted((ROOT / "data" / "registry").glob("*.projects.csv")):
    with reg.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for kind in ("township", "village", "site"):
                for name in (n.strip() for n in (row[kind] or "").split(";")):
                    key = (row["district_adcode"].strip(), name)
                    if not name or key in known:
                        continue
                    if kind != "site" and resolve(gazetteer, key[0], name, kind).status == "found":
                        continue
                    known.add(key)
                    new.append({"name_zh": name, "kind": kind, "district_adcode": key[0], "crs": "wgs84",
                                "source": f"named in {reg.name}", "note": "coordinate unknown"})
write_header = not path.exists()
with path.open("a", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=PLACE_COLUMNS, lineterminator="\n")
    if write_header:
        w.writeheader()
    w.writerows(new)
print(f"added {len(new)} place(s) to {path}")
