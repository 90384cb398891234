import geopandas as gpd
from conftest import DATA

from geo.districts import county_containing, read_districts, representative_point

YUEYANG_COUNTIES = {"430602", "430603", "430611", "430621", "430623", "430624", "430626", "430681", "430682"}


def test_units_crs_and_validity():
    gdf = gpd.read_file(DATA / "boundaries" / "districts.geojson")
    assert gdf.crs.to_epsg() == 4326
    assert set(gdf["adcode"]) == YUEYANG_COUNTIES | {"430600", "431200", "431202"}
    assert gdf.is_valid.all()
    area = dict(zip(gdf["adcode"], gdf.to_crs(32649).area / 1e6, strict=True))
    assert 370 < area["430603"] < 395  # 云溪区 381 km2
    assert 4050 < area["430626"] < 4200  # 平江县 4,115 km2
    assert 650 < area["431202"] < 700  # 鹤城区 673 km2


def test_known_points_fall_in_their_districts():
    d = read_districts(DATA / "boundaries" / "districts.geojson")
    assert county_containing(d, 113.4504, 29.4768) == "430682"  # Linxiang seat
    assert county_containing(d, 109.9611, 27.5553) == "431202"  # Hecheng
    assert county_containing(d, 113.1289, 29.3564) == "430602"  # Yueyang municipal government
    assert county_containing(d, 116.4, 39.9) is None  # Beijing


def test_representative_points_inside():
    d = read_districts(DATA / "boundaries" / "districts.geojson")
    for adcode, district in d.items():
        lon, lat = representative_point(district)
        if district.level == "county":
            assert county_containing(d, lon, lat) == adcode
