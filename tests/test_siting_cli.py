"""``energy-planner site`` on the shipped data (coarse grids, to stay fast) and the candidate map layer."""

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import rasterio

from api.cli import main
from geo.store.file import read_table
from layers.siting_layer import site_popup_html, siting_feature_group
from solar.siting.cells import candidate_grid, district_polygon
from solar.siting.results import CandidateSite

SITING_CRS = "EPSG:32649"  # the UTM zone of the Hunan test areas (geo.crs.area_crs)

NO_DATA_CRITERIA = ("slope", "permanent_basic_farmland", "ecological_red_line")


@pytest.fixture(scope="module")
def districts(built_store):
    return read_table(built_store, "districts")  # what siting reads


@pytest.mark.parametrize("adcode", ["430682", "431202"])
def test_site_cli_on_shipped_data(adcode, tmp_path, built_store, districts, capsys):
    out = tmp_path / adcode
    code = main(["--store", str(built_store), "site", "--district", adcode, "--resolution", "1000", "--out", str(out),
                 "--no-progress", "--scheduler", "none"])
    assert code == 0
    text = capsys.readouterr().out
    assert "not evaluated (no data): " in text and "slope" in text
    assert "top 5 by score" in text and "runtime" in text
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for criterion in NO_DATA_CRITERIA:
        assert criterion in report["not_evaluated"]
    status = {r["criterion"]: r["status"] for r in report["score"]}
    assert status["slope"] == "not evaluated" and status["yield"] == "evaluated"
    assert report["coverage"], "the district has new-energy targets"

    polygon, _ = district_polygon(districts, adcode)
    grid = candidate_grid(polygon, 1000.0)
    for name in ("suitability.tif", "specific_yield.tif", "exclusion.tif"):
        with rasterio.open(out / name) as src:
            assert src.crs.to_epsg() == 32649
            assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            assert src.transform == grid.transform and src.shape == grid.shape
            x0, y0, x1, y1 = grid.polygon_utm.bounds
            assert src.bounds.left <= x0 < src.bounds.left + 1000 and src.bounds.top - 1000 < y1 <= src.bounds.top
            assert src.bounds.right - 1000 < x1 <= src.bounds.right and src.bounds.bottom <= y0
            data = src.read(1)
            assert np.all(data[~grid.inside] == src.nodata)
            if name == "specific_yield.tif":
                assert np.all(data[grid.inside] != src.nodata)
                assert 800 < data[grid.inside].min() <= data[grid.inside].max() < 1100

    sites = gpd.read_file(out / "candidates.geojson")
    assert len(sites) > 10 and sites.crs.to_epsg() == 4326
    area = grid.polygon_utm.buffer(1.0)  # GeoJSON coordinates are rounded to 6 decimals (~0.1 m)
    assert all(area.contains(g) for g in sites.to_crs(SITING_CRS).geometry)
    assert sites["site_id"].iloc[0] == f"{adcode}-0001"
    csv = (out / "supply_curve.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv[0].startswith("site_id,capacity_mw,capacity_factor,annual_mwh,")
    html = (out / "map.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']https?:", html) and "非官方地图" in html


def test_site_cli_json_and_district_points(tmp_path, built_store, capsys):
    out = tmp_path / "lx"
    assert main(["--store", str(built_store), "site", "--district", "430682", "--resolution", "2000", "--out", str(out),
                 "--no-progress", "--no-map", "--json", "--include-district-points"]) == 0
    report = json.loads(capsys.readouterr().out)
    grid = {r["criterion"]: r for r in report["score"]}["grid"]
    assert grid["status"] == "evaluated" and "INDICATIVE" in grid["reason"]
    assert report["top_candidates"][0]["substation_precision"] == "district"
    assert not (out / "map.html").exists()


def test_site_cli_without_placed_substations_reports_grid_not_evaluated(tmp_path, built_store, capsys):
    assert main(["--store", str(built_store), "site", "--district", "430682", "--resolution", "2000", "--out",
                 str(tmp_path), "--no-progress", "--no-map", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    grid = {r["criterion"]: r for r in report["score"]}["grid"]
    assert grid["status"] == "not evaluated" and "lx-substation-01" in grid["reason"]
    # the only substation with a known site is 鹤城区's wind-farm booster station at 黄金坳, ~400 km away
    assert "none with a known location within 50 km of any cell (nearest 3" in grid["reason"]
    assert all(r["dist_substation_km"] is None and r["substation_id"] is None for r in report["top_candidates"])
    # the PV projects its plan places at townships and villages are known points now: that criterion counts
    projects = {r["criterion"]: r for r in report["score"]}["projects"]
    assert projects["status"] == "evaluated"
    assert "'village'" in projects["reason"] and "'township'" in projects["reason"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--district", "430682", "--resolution", "50"], "resolution_m: 50.0 is outside 100..5000 m"),
    (["--district", "999999"], "unknown adcode '999999'"),
    (["--district", "430682", "--weights", "sun=1"], "unknown criterion 'sun'"),
    ([], "give exactly one of --district ADCODE or --polygon FILE"),
])
def test_site_cli_errors(argv, message, tmp_path, built_store, capsys):
    assert main(["--store", str(built_store), "site", *argv, "--out", str(tmp_path), "--no-progress"]) == 2
    assert message in capsys.readouterr().err


def test_site_cli_polygon(tmp_path, built_store, districts, capsys):
    polygon, _ = district_polygon(districts, "431202")
    drawn = polygon.centroid.buffer(0.05)
    path = tmp_path / "drawn.geojson"
    gpd.GeoDataFrame({"name": ["drawn"]}, geometry=[drawn], crs="EPSG:4326").to_file(path, driver="GeoJSON")
    out = tmp_path / "out"
    assert main(["--store", str(built_store), "site", "--polygon", str(path), "--resolution", "1000", "--out",
                 str(out), "--no-progress", "--no-map"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("drawn.geojson: ") and "hc-t-07" in text  # the county holding the polygon: its target


def _site(**values):
    """A candidate site with every field set (a 250 m cell near 临湘), ``values`` overriding."""
    from shapely.geometry import box

    base = {"site_id": "a", "district": "临湘市", "n_cells": 1, "area_km2": 0.0625, "capacity_mw": 3.125,
            "annual_mwh": 2900.0, "capacity_factor": 0.106, "specific_yield_kwh_per_kwp": 928.0, "score": 0.5,
            "dist_substation_km": np.nan, "substation_id": None, "substation_voltage_kv": np.nan,
            "substation_precision": None, "dist_project_km": np.nan, "project_id": None, "project_precision": None,
            "mean_slope_deg": np.nan, "max_slope_deg": np.nan, "conditional_share": 0.0, "dist_road_km": np.nan,
            "cost_proxy": 1.0, "lon": 113.405, "lat": 29.405, "geometry": box(113.4, 29.4, 113.41, 29.41)}
    return CandidateSite(**{**base, **values})


def test_popups_escape_text():
    site = _site(site_id="<b>x</b>", district="{{ 7*7 }}", substation_id="<img src=x onerror=alert(1)>",
                 capacity_mw=10.0)
    html = site_popup_html(site)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<img" not in html and "{{" not in html
    assert "10.0 MWp" in html and "—" in html  # figures with their units; unknown distances as a dash


def test_feature_group_colours_by_score(districts):
    from shapely.geometry import box

    sites = gpd.GeoDataFrame([vars(_site(site_id="a", score=0.9, capacity_mw=10.0)),
                              vars(_site(site_id="b", score=0.1, capacity_mw=5.0,
                                         geometry=box(113.5, 29.4, 113.51, 29.41)))],
                             geometry="geometry", crs="EPSG:4326")
    group = siting_feature_group(sites)
    (geojson,) = group._children.values()
    colours = [f["properties"]["colour"] for f in geojson.data["features"]]
    assert colours[0] != colours[1]
    assert colours[0].lower().startswith("#") and all(len(c) == 7 for c in colours)
