"""The nationwide gazetteer: conversion against known points, resolution of names as plans write them."""

import math

import numpy as np
import prcoords
import pytest
from conftest import DATA

from geo.coords import gcj02_to_wgs84_arrays
from geo.gazetteer import read_gazetteer
from geo.resolve import is_facility, resolve


@pytest.fixture(scope="module")
def g():
    return read_gazetteer(DATA / "gazetteer", ["430602", "430603", "430621", "430682", "431202"])


def km(lon1, lat1, lon2, lat2):
    dx = (lon2 - lon1) * 111.32 * math.cos(math.radians(lat1))
    return math.hypot(dx, (lat2 - lat1) * 110.57)


def test_vectorised_inverse_matches_prcoords_and_inverts_the_forward_transform():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(74, 134, 2000), rng.uniform(18, 53, 2000)
    gcj = [prcoords.wgs_gcj((y, x)) for x, y in zip(lon, lat, strict=True)]
    back_lon, back_lat = gcj02_to_wgs84_arrays(np.array([c.lon for c in gcj]), np.array([c.lat for c in gcj]))
    assert np.abs(back_lon - lon).max() < 1e-9 and np.abs(back_lat - lat).max() < 1e-9


def test_known_points_after_conversion(g):
    by_name = {e.name: e for e in g.county("430682") + g.county("431202") if e.level == "township"}
    # the source's README: points checked after conversion to WGS-84
    for name, lon, lat in [("忠防镇", 113.498427, 29.349592), ("白羊田镇", 113.401272, 29.222246),
                           ("坦渡镇", 113.689149, 29.590793), ("黄金坳镇", 109.947373, 27.651384)]:
        e = by_name[name]
        assert (e.lon, e.lat) == pytest.approx((lon, lat), abs=2e-6), name
        assert e.confidence == "township"
    # independent: GeoNames 1807417 Huangjin'ao, WGS-84 nominal, +-1 km
    e = by_name["黄金坳镇"]
    assert km(e.lon, e.lat, 109.94917, 27.65333) < 1.0
    # and the offset removed is real: the raw GCJ-02 point is ~0.6 km away
    raw = prcoords.wgs_gcj((e.lat, e.lon))
    assert 0.4 < km(e.lon, e.lat, raw.lon, raw.lat) < 0.8


def test_doubtful_points_are_flagged_with_a_reason(g):
    doubtful = [e for e in g.county("430682") + g.county("431202") if e.confidence == "doubtful"]
    assert doubtful
    assert all(e.doubt for e in doubtful)
    assert all(e.lon is not None for e in doubtful)
    no_point = [e for e in g.county("431202") if e.lon is None]
    assert all(e.confidence == "" for e in no_point)


@pytest.mark.parametrize(("adcode", "name", "level", "expected", "how"), [
    ("430682", "忠防镇", "township", "忠防镇", "exact"),
    ("430682", "桃林", "township", "桃林镇", "suffix"),  # suffix added
    ("431202", "凉亭坳", "township", "凉亭坳乡", "suffix"),
    ("430603", "陆城", "township", "陆城镇", "suffix"),
    ("431202", "城南", "township", "城南街道", "suffix"),
    ("430682", "白羊田镇", "township", "白羊田镇", "exact"),
    ("431202", "禾塘村", "village", "禾塘村", "exact"),
    ("430621", "大塘村", "village", "大塘村", "exact"),
    ("430682", "韩家桥村", "village", "韩桥村", "variant"),  # 家 left out, the known variant
])
def test_names_resolve_within_their_county(g, adcode, name, level, expected, how):
    r = resolve(g, adcode, name, level)
    assert r.status == "found" and r.entry is not None
    assert (r.entry.name, r.how) == (expected, how)
    assert r.entry.county_code == adcode or r.entry.in_adcode == adcode


def test_village_under_its_township(g):
    town = resolve(g, "430682", "桃林", "township").entry
    r = resolve(g, "430682", "金盆", "village", town)  # suffix dropped on the gazetteer side
    assert r.status == "found" and r.entry.name == "金盆村" and r.entry.town_code == town.code[:9]
    tandu = resolve(g, "430682", "坦渡镇", "township").entry
    assert resolve(g, "430682", "韩家桥村", "village", tandu).entry.name == "韩桥村"
    # under another township it is not found, and not guessed
    assert resolve(g, "430682", "韩家桥村", "village", town).status == "not_found"


def test_ambiguity_is_reported_not_guessed(g):
    r = resolve(g, "431202", "杨村", "village")
    assert r.status == "ambiguous" and r.entry is None
    assert sorted(e.name for e in r.candidates) == ["杨村村", "杨村社区"]
    # the exact name is not ambiguous
    assert resolve(g, "431202", "杨村村", "village").entry.name == "杨村村"


def test_not_found_and_other_counties(g):
    assert resolve(g, "431202", "池回村", "village").status == "not_found"  # listed upstream without a point
    assert resolve(g, "430682", "不存在镇", "township").status == "not_found"
    assert resolve(g, "430602", "忠防镇", "township").status == "not_found"  # only within the stated county


def test_facility_names_are_never_places():
    for name in ("湖滨变电站", "中心变", "九华山变", "竹林坪中型水库", "滨江工业园", "鸭栏码头", "四十湾风电场",
                 "生态农场", "国际陆港经开区", "东环路"):
        assert is_facility(name), name
    for name in ("金盆", "桐田湾", "大塘"):
        assert not is_facility(name), name


def test_bad_gazetteer_file_is_a_clear_error(tmp_path):
    (tmp_path / "cn_places_wgs84.csv.gz").write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="not a gzip'd gazetteer CSV"):
        read_gazetteer(tmp_path)
