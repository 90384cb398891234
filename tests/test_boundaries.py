import numpy as np
import pytest
import shapely
from conftest import DATA

from geo.districts import read_boundaries, read_outlines, representative_point, write_outlines

BOUNDARIES = DATA / "boundaries"
YUEYANG_COUNTIES = {"430602", "430603", "430611", "430621", "430623", "430624", "430626", "430681", "430682"}
AEA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=WGS84 +units=m"


@pytest.fixture(scope="module")
def b():
    return read_boundaries(BOUNDARIES)


def _km2(geom) -> float:
    import geopandas as gpd

    return float(gpd.GeoSeries([geom], crs=4326).to_crs(AEA).area.iloc[0] / 1e6)


def test_every_unit_has_an_outline_and_a_parent(b):
    levels = {u.level for u in b.units.values()}
    assert levels == {"county", "city", "province"}
    for a, u in b.units.items():
        assert len(a) == 6 and a.isdigit()
        assert u.parent_adcode == "100000" or u.parent_adcode in b.units, a
        if u.level == "county":
            assert a in b.outlines, a
        else:
            assert b.leaves(a), f"{a} {u.name_zh} has no county below it"
    # all 31 mainland provinces, Hong Kong and Macau; the 9 counties of 岳阳市 under their city
    assert sum(u.level == "province" for u in b.units.values()) >= 33
    assert set(b.leaves("430600")) == YUEYANG_COUNTIES


def test_outlines_are_valid_wgs84_and_a_coverage(b):
    geoms = np.array(list(b.outlines.values()), dtype=object)
    assert shapely.is_valid(geoms).all()
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    assert 73 < minx and maxx < 136 and 3 < miny and maxy < 54  # China, in degrees
    hunan = np.array([b.outlines[a] for a in b.leaves("430000")], dtype=object)
    assert shapely.coverage_is_valid(hunan)  # shared borders stay shared after simplification


def test_areas_against_the_source(b):
    # areas of the unsimplified Amap outlines (data_facts.md, measured in EPSG:32649)
    assert 370 < _km2(b.geometry("430603")) < 395  # 云溪区 381 km2
    assert 4050 < _km2(b.geometry("430626")) < 4200  # 平江县 4,115 km2
    assert 650 < _km2(b.geometry("431202")) < 700  # 鹤城区 673 km2
    assert 14_700 < _km2(b.geometry("430600")) < 15_050  # 岳阳市 14,871 km2: the union of its counties


def test_known_points_fall_in_their_districts(b):
    assert b.county_containing(113.4504, 29.4768) == "430682"  # Linxiang seat
    assert b.county_containing(109.9611, 27.5553) == "431202"  # Hecheng
    assert b.county_containing(113.1289, 29.3564) == "430602"  # Yueyang municipal government
    assert b.county_containing(116.3975, 39.9087) == "110101"  # Tiananmen, 东城区 (WGS-84)
    assert b.county_containing(121.4737, 31.2304) == "310101"  # People's Square, 黄浦区
    assert b.county_containing(91.1169, 29.6578) == "540102"  # Potala Palace, 城关区 of Lhasa
    assert b.county_containing(140.0, 35.0) is None  # off Japan


def test_representative_points_inside(b):
    for adcode in sorted(YUEYANG_COUNTIES | {"431202", "110101", "540102", "652801"}):
        lon, lat = representative_point(b.district(adcode))
        assert b.county_containing(lon, lat) == adcode


def test_outlines_file_round_trip_and_corruption(tmp_path):
    square = shapely.Polygon([(113.0, 29.0), (113.5, 29.0), (113.5, 29.5), (113.0, 29.5)],
                             holes=[[(113.1, 29.1), (113.2, 29.1), (113.2, 29.2), (113.1, 29.2)]])
    far = shapely.MultiPolygon([shapely.box(80.0, 40.0, 80.00001, 40.00001), shapely.box(135.0, 50.0, 135.1, 50.1)])
    path = tmp_path / "outlines.bin"
    write_outlines(path, {"430682": square, "650101": far})
    back = read_outlines(path)
    assert list(back) == ["430682", "650101"]
    assert shapely.equals_exact(back["430682"], shapely.MultiPolygon([square]), 1e-9)
    assert shapely.equals_exact(back["650101"], far, 1e-9)  # steps beyond int16 survive
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(ValueError, match="not an outlines file"):
        read_outlines(path)
