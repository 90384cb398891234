"""Grid inputs: substations from the store and from user files; nearest-target geodesic distances."""

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from geo.coords import to_wgs84
from geo.store.file import read_table
from grid import distance
from grid.distance import nearest
from grid.errors import GridInputError
from grid.substations import COLUMNS, read_substations, substations_frame

GEOD = pyproj.Geod(ellps="WGS84")


# --- substations from the store ---------------------------------------------------------------------------

def test_registry_substations_keep_their_precision(built_store):
    projects = read_table(built_store, "projects")
    subs = substations_frame(projects)
    assert len(subs) == 17
    assert list(subs.columns) == list(COLUMNS)
    assert subs.crs.to_epsg() == 4326
    assert set(subs["source"]) == {"registry"}
    stored = projects[projects["category"] == "substation"].set_index("id")
    for row in subs.itertuples():
        assert row.location_precision == stored.loc[row.id, "location_precision"]
        assert row.location_source == stored.loc[row.id, "location_source"]
        assert (row.geometry.x, row.geometry.y) == (stored.loc[row.id, "lon"], stored.loc[row.id, "lat"])
    counts = subs["location_precision"].value_counts().to_dict()
    assert counts == {"district": 16, "township": 1}
    # the booster station of the 深能 wind farm has no voltage in the plan: NaN, not a guess
    assert math.isnan(subs.set_index("id").loc["hc-substation-01", "voltage_kv"])
    assert subs.set_index("id").loc["hc-substation-03", "voltage_kv"] == 35.0
    assert subs["voltage_kv"].dtype == float


def test_registry_substations_need_the_columns(built_store):
    projects = read_table(built_store, "projects").drop(columns=["location_precision"])
    with pytest.raises(GridInputError, match="location_precision: missing"):
        substations_frame(projects)


# --- substations from a user CSV --------------------------------------------------------------------------

def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_substations(tmp_path):
    path = tmp_path / "subs.csv"
    path.write_bytes("\ufeffname,voltage_kv,lon,lat,location_precision,crs\n"
                     "湘北变,110,113.45,29.47,,\n"
                     "\n"
                     "临湘东变,,113.50,29.50,site,gcj02\n".encode())
    subs = read_substations(path)
    assert list(subs.columns) == list(COLUMNS)
    assert subs["name_zh"].tolist() == ["湘北变", "临湘东变"]
    assert subs["voltage_kv"].iloc[0] == 110.0 and math.isnan(subs["voltage_kv"].iloc[1])
    assert subs["location_precision"].tolist() == ["surveyed", "site"]
    assert subs["location_source"].tolist() == ["subs.csv:2", "subs.csv:4 (converted from gcj02)"]
    assert set(subs["source"]) == {"subs.csv"}
    assert subs["id"].tolist() == ["subs-1", "subs-2"]
    lon, lat = to_wgs84(113.50, 29.50, "gcj02")
    assert subs.geometry.iloc[1].x == pytest.approx(lon, abs=1e-9) and subs.geometry.iloc[1].y == pytest.approx(lat)
    assert abs(lon - 113.50) > 0.003  # the GCJ-02 offset was applied


@pytest.mark.parametrize(("rows", "line", "field", "message"), [
    ("a,110,113.4,29.4\nb,110,113.4,95\n", 3, "lon/lat", "lat=95.0 is not a latitude (allowed: finite, -90..90"),
    ("a,110,200,29.4\n", 2, "lon/lat", "lon=200.0 is not a longitude (allowed: finite, -180..180 degrees)"),
    ("a,110,nan,29.4\n", 2, "lon/lat", "finite"),
    ("a,110,inf,29.4\n", 2, "lon/lat", "finite"),
    ("a,110,x,29.4\n", 2, "lon", "not a number"),
    ("a,110,113.4,29.4\nb,-5,113.4,29.4\n", 3, "voltage_kv", ">= 0"),
    ("a,abc,113.4,29.4\n", 2, "voltage_kv", "not a number"),
    ("a,inf,113.4,29.4\n", 2, "voltage_kv", "finite"),
    (" ,110,113.4,29.4\n", 2, "name", "empty"),
    ("a,110,113.4\n", 2, "row", "3 fields"),
])
def test_csv_errors_name_file_line_field(tmp_path, rows, line, field, message):
    path = write(tmp_path / "s.csv", "name,voltage_kv,lon,lat\n" + rows)
    with pytest.raises(GridInputError) as err:
        read_substations(path)
    text = str(err.value)
    assert text.startswith(f"{path}:{line}: {field}: "), text
    assert message in text


def test_csv_header_and_vocabulary_errors(tmp_path):
    with pytest.raises(GridInputError, match=r"s\.csv:1: lat: missing column"):
        read_substations(write(tmp_path / "s.csv", "name,voltage_kv,lon\na,1,113\n"))
    with pytest.raises(GridInputError, match=r"s\.csv:2: location_precision: unknown value 'exact'; allowed: surveyed"):
        read_substations(write(tmp_path / "s.csv", "name,voltage_kv,lon,lat,location_precision\na,1,113,29,exact\n"))
    with pytest.raises(GridInputError, match=r"s\.csv:2: crs: unknown coordinate system 'utm'; allowed: wgs84"):
        read_substations(write(tmp_path / "s.csv", "name,voltage_kv,lon,lat,crs\na,1,113,29,utm\n"))
    with pytest.raises(GridInputError, match="no substations"):
        read_substations(write(tmp_path / "s.csv", "name,voltage_kv,lon,lat\n"))
    with pytest.raises(GridInputError, match="empty file"):
        read_substations(write(tmp_path / "s.csv", ""))
    with pytest.raises(GridInputError, match=r"unknown format '\.txt'"):
        read_substations(write(tmp_path / "s.txt", "x"))
    with pytest.raises(GridInputError, match="not found"):
        read_substations(tmp_path / "missing.csv")


# --- substations from a vector file -----------------------------------------------------------------------

def test_vector_substations_reprojected(tmp_path):
    pts = gpd.GeoDataFrame({"name": ["甲", "乙"], "voltage_kv": [220.0, None]},
                           geometry=[shapely.Point(113.2, 29.3), shapely.Point(110.0, 27.6)], crs=4326)
    path = tmp_path / "subs.gpkg"
    pts.to_crs(32649).to_file(path)
    subs = read_substations(path)
    assert subs.crs.to_epsg() == 4326
    assert subs.geometry.x.tolist() == pytest.approx([113.2, 110.0], abs=1e-9)
    assert subs.geometry.y.tolist() == pytest.approx([29.3, 27.6], abs=1e-9)
    assert subs["voltage_kv"].iloc[0] == 220.0 and math.isnan(subs["voltage_kv"].iloc[1])
    assert subs["location_source"].tolist() == ["subs.gpkg: feature 1", "subs.gpkg: feature 2"]
    assert subs["location_precision"].tolist() == ["surveyed", "surveyed"]


def test_vector_errors_name_the_feature(tmp_path):
    bad = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[shapely.Point(113, 29), shapely.box(113, 29, 113.1, 29.1)],
                           crs=4326)
    path = tmp_path / "subs.geojson"
    bad.to_file(path, driver="GeoJSON")
    with pytest.raises(GridInputError) as err:
        read_substations(path)
    assert str(err.value) == f"{path}: feature 2: geometry: only Point geometries are accepted, got Polygon"

    volt = gpd.GeoDataFrame({"name": ["a"], "voltage_kv": [-1.0]}, geometry=[shapely.Point(113, 29)], crs=4326)
    volt.to_file(path, driver="GeoJSON")
    with pytest.raises(GridInputError, match=r"subs\.geojson: feature 1: voltage_kv: must be a finite number >= 0"):
        read_substations(path)

    noname = gpd.GeoDataFrame({"kv": [1.0]}, geometry=[shapely.Point(113, 29)], crs=4326)
    noname.to_file(path, driver="GeoJSON")
    with pytest.raises(GridInputError, match="name: missing attribute"):
        read_substations(path)


# --- nearest distances ------------------------------------------------------------------------------------

def brute_force(lon, lat, t_lon, t_lat):
    dists = np.array([GEOD.inv(np.full(len(t_lon), x), np.full(len(t_lon), y), t_lon, t_lat)[2]
                      for x, y in zip(lon, lat, strict=True)])
    return dists.min(axis=1) / 1000.0, dists.argmin(axis=1)


def test_nearest_matches_geod_and_brute_force():
    rng = np.random.default_rng(6)
    t_lon, t_lat = rng.uniform(109.5, 114.0, 40), rng.uniform(27.0, 30.0, 40)
    targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(t_lon, t_lat), crs=4326)
    lon, lat = rng.uniform(109.5, 114.0, 3000), rng.uniform(27.0, 30.0, 3000)
    dist_km, index = nearest(lon, lat, targets, "EPSG:32649")
    want_km, want_index = brute_force(lon, lat, t_lon, t_lat)
    np.testing.assert_array_equal(index, want_index)
    assert np.max(np.abs(dist_km - want_km)) * 1000 < 1.0
    # the distance is the geodesic to the chosen target, to well under a metre
    _, _, geod_m = GEOD.inv(lon, lat, t_lon[index], t_lat[index])
    assert np.max(np.abs(dist_km * 1000 - geod_m)) < 1.0


def test_nearest_keeps_shape_and_reads_any_target_crs():
    targets = gpd.GeoDataFrame(geometry=[shapely.Point(113.0, 29.0), shapely.Point(113.5, 29.5)], crs=4326)
    lon = np.array([[113.01, 113.49], [113.0, np.nan]])
    lat = np.array([[29.0, 29.5], [29.3, 29.3]])
    d1, i1 = nearest(lon, lat, targets, "EPSG:32649")
    d2, i2 = nearest(lon, lat, targets.to_crs(32649), "EPSG:32649")
    assert d1.shape == i1.shape == (2, 2)
    np.testing.assert_array_equal(i1, [[0, 1], [0, -1]])
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_allclose(d1, d2, rtol=0, atol=1e-6, equal_nan=True)
    assert math.isnan(d1[1, 1])
    assert d1[0, 0] == pytest.approx(GEOD.inv(113.01, 29.0, 113.0, 29.0)[2] / 1000, abs=1e-6)


def test_near_tie_is_ranked_geodesically(monkeypatch):
    # east of the UTM 49N central meridian the scale factor grows eastwards: a target 10,000 m east
    # projects ~0.35 m longer than it is, so a projected KD-tree alone prefers one 10,000.2 m north
    lon0, lat0 = 113.9, 29.4
    east = GEOD.fwd(lon0, lat0, 90.0, 10_000.0)
    north = GEOD.fwd(lon0, lat0, 0.0, 10_000.2)
    targets = gpd.GeoDataFrame(geometry=[shapely.Point(north[:2]), shapely.Point(east[:2])], crs=4326)
    dist_km, index = nearest(np.array([lon0]), np.array([lat0]), targets, "EPSG:32649")
    assert index[0] == 1
    assert dist_km[0] * 1000 == pytest.approx(10_000.0, abs=1e-3)
    monkeypatch.setattr(distance, "CANDIDATES", 1)  # the projection's choice, shown to differ
    assert nearest(np.array([lon0]), np.array([lat0]), targets, "EPSG:32649")[1][0] == 0


def test_nearest_without_targets_is_not_evaluated():
    empty = gpd.GeoDataFrame(geometry=[], crs=4326)
    dist_km, index = nearest(np.array([113.0, 113.1]), np.array([29.0, 29.1]), empty, "EPSG:32649")
    assert np.isnan(dist_km).all() and (index == -1).all()


def test_nearest_refuses_non_points_and_bad_shapes():
    poly = gpd.GeoDataFrame(geometry=[shapely.box(113, 29, 113.1, 29.1)], crs=4326)
    with pytest.raises(GridInputError, match="targets: row 0: geometry: only Point targets"):
        nearest(np.array([113.0]), np.array([29.0]), poly, "EPSG:32649")
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(113, 29)], crs=4326)
    with pytest.raises(GridInputError, match="shapes differ"):
        nearest(np.array([113.0, 113.1]), np.array([29.0]), pts, "EPSG:32649")
    with pytest.raises(GridInputError, match="no CRS"):
        nearest(np.array([113.0]), np.array([29.0]), gpd.GeoDataFrame(geometry=[shapely.Point(113, 29)]), "EPSG:32649")
