"""Projects placed at the townships and villages their plan lines name, checked against reference points."""

import math

import pytest
from conftest import DATA

from geo.registry.dataset import load
from geo.store.frames import projects_frame


@pytest.fixture(scope="module")
def ds():
    dataset, problems = load(DATA)
    assert problems == []
    return dataset


def km(lon1, lat1, lon2, lat2):
    dx = (lon2 - lon1) * 111.32 * math.cos(math.radians(lat1))
    return math.hypot(dx, (lat2 - lat1) * 110.57)


# reference points not produced by this code: GeoNames 1807417 (WGS-84, +-1 km) and the points the
# gazetteer's compiler checked after conversion (../shared/data/gazetteer/README.md)
@pytest.mark.parametrize(("project", "lon", "lat", "tolerance_km", "precision"), [
    ("hc-wind-02", 109.94917, 27.65333, 1.0, "township"),  # 黄金坳镇, GeoNames
    ("hc-substation-01", 109.94917, 27.65333, 1.0, "township"),
    ("lx-pv-04", 113.498427, 29.349592, 0.05, "township"),  # 忠防镇 (was drawn 19.5 km away)
    ("lx-pv-02", 113.401272, 29.222246, 0.05, "township"),  # 白羊田镇: 生态农场 is a site, not a place
    ("lx-pv-05", 113.689149, 29.590793, 15.0, "village"),  # 韩家桥村 = 韩桥村, a village of 坦渡镇
])
def test_named_places_against_reference_points(ds, project, lon, lat, tolerance_km, precision):
    loc = ds.locations[project]
    assert loc.precision == precision
    assert km(loc.lon, loc.lat, lon, lat) < tolerance_km
    assert "gazetteer" in loc.source and "CC BY 4.0" in loc.source


def test_every_named_township_or_village_is_used(ds):
    for p in ds.registry.projects:
        if (p.township or p.village) and ds.districts[p.district_adcode].level == "county":
            loc = ds.locations[p.id]
            assert loc.precision in ("township", "village"), (p.id, loc)
    lx1 = ds.locations["lx-pv-01"]  # 桃林 + 金盆: 金盆村 of 桃林镇, not the district point 24 km away
    assert lx1.precision == "village" and "金盆村" in lx1.source


def test_no_facility_placed_by_its_name(ds):
    for p in ds.registry.projects:
        if p.site and not (p.township or p.village):
            assert ds.locations[p.id].precision in ("district", "city"), (p.id, p.site)
    assert ds.locations["ylq-substation-05"].precision == "district"  # 湖滨变电站 is not 湖滨 neighbourhood


def test_city_rows_join_to_no_county(ds):
    frame = projects_frame(ds)
    city = frame[frame["location_precision"] == "city"]
    assert len(city) > 0
    assert (city["district_check"] == "city_wide").all()
    assert city["mapped_adcode"].isna().all()
    assert city.geometry.isna().all()  # no point that a spatial join could put in a county
    assert city["lon"].notna().all()  # the city's point, kept for weather
    county = frame[frame["location_precision"] != "city"]
    assert (county["mapped_adcode"] == county["district_adcode"]).all()
    assert county.geometry.notna().all()
