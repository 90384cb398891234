import sqlite3
import threading

import pandas as pd
import prcoords
import pyogrio
import pytest
from conftest import DATA

from geo.errors import NotFoundError, RegistryError
from geo.registry.dataset import load_valid
from geo.store.build import build
from geo.store.edits import EditError, read_edits, record_edit
from geo.store.file import read_table


def test_store_is_a_geopackage_qgis_can_open(built_store):
    layers = dict(pyogrio.list_layers(built_store))
    assert layers["projects"] == "Point" and layers["districts"] in ("MultiPolygon", "Polygon")
    assert {"targets", "plans", "places", "edits"} <= set(layers)
    info = pyogrio.read_info(built_store, layer="projects")
    assert info["crs"] == "EPSG:4326"
    con = sqlite3.connect(built_store)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_every_project_is_placed_and_checked_against_its_district(built_store):
    gdf = read_table(built_store, "projects")
    assert gdf["lon"].notna().all() and gdf["quote"].str.len().gt(0).all()
    county = gdf[gdf["location_precision"] != "city"]
    assert (county["mapped_adcode"] == county["district_adcode"]).all()
    assert set(gdf["district_check"]) <= {"match", "city_wide"}
    # at the township the plan names, from the gazetteer; nothing invented for a site without a coordinate
    wind = gdf.set_index("id").loc["hc-wind-02"]
    assert wind["location_precision"] == "township" and "黄金坳镇" in wind["location_source"]
    assert "Vonng/adcode" in wind["location_source"]
    pv = gdf.set_index("id").loc["lx-pv-04"]
    assert pv["location_precision"] == "township" and "忠防镇" in pv["location_source"]
    assert gdf.set_index("id").loc["lx-pv-03", "location_precision"] == "district"  # 桃矿尾矿库: a site


def test_build_is_idempotent(tmp_path):
    store = tmp_path / "s.gpkg"
    build(DATA, store)
    first = read_table(store, "projects")
    build(DATA, store)
    second = read_table(store, "projects")
    assert first.equals(second)
    assert not list(tmp_path.glob(".*")), "no temporary file left beside the store"


def test_edits_survive_a_rebuild_and_are_audited(tmp_path):
    store = tmp_path / "s.gpkg"
    build(DATA, store)
    ds = load_valid(DATA)
    # a surveyed point in 临湘市, given as GCJ-02 (copied from a map app) and converted
    wgs = (113.40, 29.45)
    gcj = prcoords.wgs_gcj((wgs[1], wgs[0]))
    eid = record_edit(store, ds.districts, "lx-pv-04", "update",
                      {"lon": gcj.lon, "lat": gcj.lat, "crs": "gcj02", "status": "under_construction"},
                      who="tester").edit_id
    record_edit(store, ds.districts, "lx-pv-06", "delete", {}, who="tester")
    record_edit(store, ds.districts, "lx-pv-90", "create",
                {"name_zh": "新光伏", "category": "pv", "district_adcode": "430682", "capacity_mw": 5.0}, who="tester")
    in_place = read_table(store, "projects").sort_values("id", ignore_index=True)
    near = pyogrio.read_dataframe(store, layer="projects", bbox=(113.399, 29.449, 113.401, 29.451))
    assert near["id"].tolist() == ["lx-pv-04"]  # the spatial index follows the moved point
    for _ in range(2):
        report = build(DATA, store)
        projects = read_table(store, "projects").set_index("id")
        row = projects.loc["lx-pv-04"]
        assert (row["lon"], row["lat"]) == pytest.approx(wgs, abs=1e-6)
        assert row["location_precision"] == "surveyed" and row["status"] == "under_construction"
        assert "lx-pv-06" not in projects.index and projects.loc["lx-pv-90", "capacity_mw"] == 5.0
        assert report.edits_applied == 3 and report.skipped_edits == ()
        rebuilt = read_table(store, "projects").sort_values("id", ignore_index=True)
        pd.testing.assert_frame_equal(in_place, rebuilt, check_dtype=False)  # in place == a rebuild
    edits = read_edits(store)
    assert [e["op"] for e in edits] == ["update", "delete", "create"] and edits[0]["edit_id"] == eid
    assert edits[0]["who"] == "tester" and '"status":"planned"' in edits[0]["before"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"lon": 109.9611, "lat": 27.5553}, "outside district 430682"),
    ({"lon": float("nan"), "lat": 29.4}, "finite"),
    ({"lon": 113.4}, "give both"),
    ({"status": "done"}, "allowed: proposed"),
    ({"capacity_mw": -1}, "finite number >= 0"),
    ({"capacity_mw": 1e6}, "above 100,000"),
    ({"colour": "red"}, r"unknown field\(s\) colour"),
])
def test_bad_edits_are_refused_and_nothing_is_written(tmp_path, fields, message):
    store = tmp_path / "s.gpkg"
    build(DATA, store)
    ds = load_valid(DATA)
    with pytest.raises(EditError, match=message):
        record_edit(store, ds.districts, "lx-pv-04", "update", fields, who="tester")
    assert read_edits(store) == []
    with pytest.raises(NotFoundError):
        record_edit(store, ds.districts, "nope", "update", {"status": "planned"}, who="tester")


def test_failed_build_leaves_the_old_store(tmp_path, data_copy):
    store = tmp_path / "s.gpkg"
    build(data_copy, store)
    before = store.read_bytes()
    path = data_copy / "registry" / "430682_linxiang_carbon_peak.projects.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("忠防镇 10万千瓦", "忠防镇 99万千瓦"), encoding="utf-8")
    with pytest.raises(RegistryError, match="quote: not found"):
        build(data_copy, store)
    assert store.read_bytes() == before


def test_created_project_without_coordinate_sits_at_its_district_point(tmp_path):
    store = tmp_path / "s.gpkg"
    build(DATA, store)
    ds = load_valid(DATA)
    record_edit(store, ds.districts, "hc-pv-90", "create",
                {"name_zh": "新项目", "category": "pv", "district_adcode": "431202"}, who="tester")
    row = read_table(store, "projects").set_index("id").loc["hc-pv-90"]
    assert row["location_precision"] == "district" and row["district_check"] == "match"
    assert row["district_name_zh"] == "鹤城区" and row["provenance_method"] == "user-created"


def test_concurrent_writers_lose_nothing(tmp_path):
    """8 threads x 25 read-then-write edits on one store: no lock error, every edit in the trail and applied."""
    store = tmp_path / "s.gpkg"
    build(DATA, store)
    ds = load_valid(DATA)
    ids = read_table(store, "projects")["id"].tolist()[:8]
    errors: list[BaseException] = []

    def writer(pid: str) -> None:
        try:
            for i in range(25):
                record_edit(store, ds.districts, pid, "update", {"capacity_mw": float(i)}, who=f"w-{pid}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(pid,)) for pid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    edits = read_edits(store)
    assert len(edits) == 200 and len({e["edit_id"] for e in edits}) == 200
    projects = read_table(store, "projects").set_index("id")
    assert (projects.loc[ids, "capacity_mw"] == 24.0).all()
    assert len(pyogrio.read_dataframe(store, layer="projects", bbox=(113.0, 29.0, 114.0, 30.0))) > 0  # R-tree intact


def test_an_editor_says_what_a_moved_point_is(tmp_path):
    store = tmp_path / "s.gpkg"
    build(DATA, store)
    ds = load_valid(DATA)
    record_edit(store, ds.districts, "lx-pv-03", "update",
                {"lon": 113.40, "lat": 29.45, "location_precision": "village"}, who="tester")
    for _ in range(2):  # as edited, and as a rebuild replays it
        row = read_table(store, "projects").set_index("id").loc["lx-pv-03"]
        assert row["location_precision"] == "village" and "user edit" in row["location_source"]
        build(DATA, store)
    with pytest.raises(EditError, match="only with a point"):
        record_edit(store, ds.districts, "lx-pv-03", "update", {"location_precision": "site"}, who="tester")
    with pytest.raises(EditError, match="allowed: surveyed, site, village, township"):
        record_edit(store, ds.districts, "lx-pv-03", "update",
                    {"lon": 113.40, "lat": 29.45, "location_precision": "district"}, who="tester")
