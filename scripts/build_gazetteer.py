"""Build data/gazetteer/cn_places_wgs84.csv.gz from ../shared/data/gazetteer (Vonng/adcode, CC BY 4.0, GCJ-02).

Run ``python scripts/build_gazetteer.py [SOURCE.csv.gz]`` after ``scripts/build_boundaries.py`` (it places each
point in today's county outlines). Keeps every township (乡镇/街道) row, with or without a point, and every
village (村/社区) row with a point; converts GCJ-02 to WGS-84 with the exact inverse; gives each point a
confidence:

``township``   a township's point (about its seat)
``village``    a village's point
``doubtful``   a village point far from its township's (more than ``max(12 km, 3 x`` the township's median
               village distance``)``), a point shared with another township or village (a geocoder's
               fallback), or a point outside the county its code names; ``doubt`` says which.
"""

import csv
import gzip
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import prcoords
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from geo.coords import gcj02_to_wgs84_arrays  # noqa: E402
from geo.districts import read_boundaries  # noqa: E402
from geo.gazetteer import COLUMNS  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data" / "gazetteer" / "cn_admin_points_gcj02.csv.gz"
OUT = ROOT / "data" / "gazetteer" / "cn_places_wgs84.csv.gz"
FAR_KM = 12.0  # a village point farther than this (or 3x its township's median) from its township is doubtful
FAR_FACTOR = 3.0


def distance_km(lon1, lat1, lon2, lat2):
    """Great-circle distance [km] (haversine, mean Earth radius)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    with gzip.open(source, "rt", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] in ("town", "village")]
    has = np.array([bool(r["lon_gcj02"]) for r in rows])
    glon = np.array([float(r["lon_gcj02"]) if r["lon_gcj02"] else np.nan for r in rows])
    glat = np.array([float(r["lat_gcj02"]) if r["lat_gcj02"] else np.nan for r in rows])
    lon, lat = gcj02_to_wgs84_arrays(glon, glat)
    for i in np.flatnonzero(has)[::100]:  # the vectorised inverse against prcoords
        ref = prcoords.gcj_wgs_bored((glat[i], glon[i]))
        assert abs(ref.lon - lon[i]) < 1e-7 and abs(ref.lat - lat[i]) < 1e-7, rows[i]

    boundaries = read_boundaries(ROOT / "data" / "boundaries")
    in_adcode = np.full(len(rows), "", dtype=object)
    idx = np.flatnonzero(has)
    tree_codes = list(boundaries.outlines)
    hit_point, hit_poly = shapely.STRtree(list(boundaries.outlines.values())).query(
        shapely.points(lon[idx], lat[idx]), predicate="covered_by")
    for p, g in zip(hit_point, hit_poly, strict=True):
        in_adcode[idx[p]] = tree_codes[g]

    town_point = {r["code"][:9]: (lon[i], lat[i]) for i, r in enumerate(rows) if r["level"] == "town" and has[i]}
    shared = Counter((r["lon_gcj02"], r["lat_gcj02"]) for r in rows if r["lon_gcj02"])
    dist = np.full(len(rows), np.nan)
    for i, r in enumerate(rows):
        if r["level"] == "village" and has[i] and r["code"][:9] in town_point:
            tx, ty = town_point[r["code"][:9]]
            dist[i] = distance_km(lon[i], lat[i], tx, ty)
    by_town = defaultdict(list)
    for i, r in enumerate(rows):
        if np.isfinite(dist[i]):
            by_town[r["code"][:9]].append(dist[i])
    far_limit = {t: max(FAR_KM, FAR_FACTOR * float(np.median(d))) for t, d in by_town.items()}

    out, counts = [], Counter()
    for i, r in enumerate(rows):
        county = r["code"][:6]
        doubts = []
        if has[i]:
            if shared[(r["lon_gcj02"], r["lat_gcj02"])] > 1:
                doubts.append(f"point shared by {shared[(r['lon_gcj02'], r['lat_gcj02'])]} units")
            if county in boundaries.outlines and in_adcode[i] != county:
                doubts.append(f"outside county {county} (in {in_adcode[i] or 'no county'})")
            if np.isfinite(dist[i]) and dist[i] > far_limit[r["code"][:9]]:
                doubts.append(f"{dist[i]:.1f} km from its township's point")
        level = "township" if r["level"] == "town" else "village"
        confidence = ("" if not has[i] else "doubtful" if doubts else level)
        counts[(level, confidence or "no point")] += 1
        out.append({
            "code": r["code"], "name": r["name"], "level": level, "county_code": county,
            "town_code": r["code"][:9] if level == "village" else "",
            "lon": f"{lon[i]:.6f}" if has[i] else "", "lat": f"{lat[i]:.6f}" if has[i] else "",
            "confidence": confidence, "doubt": "; ".join(doubts), "in_adcode": in_adcode[i],
            "town_km": f"{dist[i]:.1f}" if np.isfinite(dist[i]) else "",
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(_csv_text(out).encode("utf-8"))
    for key, n in sorted(counts.items()):
        print(f"{key[0]:9s} {key[1]:9s} {n:7,d}")
    print("wrote", OUT, OUT.stat().st_size, "bytes")


def _csv_text(rows: list[dict]) -> str:
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


if __name__ == "__main__":
    main()
