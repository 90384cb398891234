"""Siting on seeded synthetic inputs: a square area, a DEM plane, land cover, a buffered lake, a substation."""

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
import shapely
from affine import Affine
from conftest import DATA
from shapely.geometry import Point, box

from geo.crs import area_crs
from solar.mounting import mounting
from solar.results import as_json
from solar.siting.cells import candidate_grid
from solar.siting.errors import SitingInputError
from solar.siting.report import plain
from solar.siting.results import SITE_FIELDS, ScanChunk, candidate_list
from solar.siting.run import site_area
from solar.siting.scan import chunk_bounds, run_scan, scan_chunk, scan_inputs
from solar.siting.score import DEFAULT_WEIGHTS, parse_weights, suitability
from solar.siting.supply import block_labels, supply_curve

SITING_CRS = "EPSG:32649"  # the UTM zone of the Hunan test areas (geo.crs.area_crs)

# a 12 km x 10 km area in 临湘 (UTM 49N metres), deliberately not aligned with the 500 m cells
X0, Y0, X1, Y1 = 740_130.0, 3_260_170.0, 752_130.0, 3_270_170.0
RES = 500.0
GRADIENT = (0.06, -0.08)  # dz/dx, dz/dy of the DEM plane: slope atan(0.1) = 5.711 deg, facing north-east downhill
LAKE_CENTRE, LAKE_RADIUS, LAKE_BUFFER = (743_300.0, 3_263_400.0), 900.0, 300.0
CROP = (748_000.0, 3_266_000.0, 750_500.0, 3_268_500.0)  # a cropland block on 500 m cell lines
SUBSTATION_UTM = (751_000.0, 3_269_000.0)
TO_WGS = pyproj.Transformer.from_crs(SITING_CRS, "EPSG:4326", always_xy=True)
GEOD = pyproj.Geod(ellps="WGS84")


def _wgs(geom):
    return gpd.GeoSeries([geom], crs=SITING_CRS).to_crs("EPSG:4326").iloc[0]


def _write_raster(path, data, transform, nodata):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=data.dtype.name, crs=SITING_CRS, transform=transform, nodata=nodata) as dst:
        dst.write(data, 1)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Files of the synthetic case and the store-like frames (no real registry rows)."""
    d = tmp_path_factory.mktemp("siting")
    # DEM: a plane z = 100 + gx * (x - X0) + gy * (y - Y0) at 100 m, with a margin around the area
    t_dem = Affine(100.0, 0, X0 - 2000, 0, -100.0, Y1 + 2000)
    rows, cols = int((Y1 - Y0 + 4000) / 100), int((X1 - X0 + 4000) / 100)
    c, r = np.meshgrid(np.arange(cols) + 0.5, np.arange(rows) + 0.5)
    x, y = t_dem @ (c, r)
    z = (500.0 + GRADIENT[0] * (x - X0) + GRADIENT[1] * (y - Y0)).astype("float32")
    _write_raster(d / "dem.tif", z, t_dem, -9999.0)
    # land cover (WorldCover codes) at 50 m: bare (60) everywhere, cropland (40) in the CROP block
    t_lc = Affine(50.0, 0, X0 - 1000, 0, -50.0, Y1 + 1000)
    rows, cols = int((Y1 - Y0 + 2000) / 50), int((X1 - X0 + 2000) / 50)
    c, r = np.meshgrid(np.arange(cols) + 0.5, np.arange(rows) + 0.5)
    x, y = t_lc @ (c, r)
    lc = np.full((rows, cols), 60, dtype="uint8")
    lc[(x > CROP[0]) & (x < CROP[2]) & (y > CROP[1]) & (y < CROP[3])] = 40
    _write_raster(d / "landcover.tif", lc, t_lc, 0)
    # a round lake (GeoJSON, WGS-84)
    lake = Point(*LAKE_CENTRE).buffer(LAKE_RADIUS, quad_segs=32)
    gpd.GeoDataFrame({"name": ["lake"]}, geometry=[_wgs(lake)], crs="EPSG:4326").to_file(d / "lake.geojson",
                                                                                      driver="GeoJSON")
    # one surveyed substation (CSV)
    lon, lat = TO_WGS.transform(*SUBSTATION_UTM)
    (d / "subs.csv").write_text(f"id,name,voltage_kv,lon,lat\nS1,测试变,110,{lon:.7f},{lat:.7f}\n", encoding="utf-8")
    area = _wgs(box(X0, Y0, X1, Y1))
    districts = gpd.GeoDataFrame({"adcode": ["999999"], "name_zh": ["测试县"], "parent_adcode": ["999900"],
                                  "level": ["county"]}, geometry=[area], crs="EPSG:4326")
    projects = pd.DataFrame({c: pd.Series(dtype=object) for c in (
        "id", "name_zh", "category", "voltage_kv", "lon", "lat", "location_precision", "location_source",
        "district_adcode", "capacity_mw", "target_year")})
    targets = pd.DataFrame([{"id": "t-1", "adcode": "999999", "metric": "new_energy_capacity_mw", "value": 100.0,
                             "year": 2030, "comparator": ">=", "basis": "increment"}])
    return {"dir": d, "area": area, "districts": districts, "projects": projects, "targets": targets}


@pytest.fixture(scope="module")
def run(inputs, tmp_path_factory):
    grid = candidate_grid(inputs["area"], RES, name="999999 测试县", adcode="999999")
    d = inputs["dir"]
    result = site_area(grid, data_dir=DATA, projects=inputs["projects"], targets=inputs["targets"],
                       districts=inputs["districts"], out_dir=tmp_path_factory.mktemp("out"),
                       exclude=(f"{d / 'lake.geojson'}:water:{LAKE_BUFFER:g}",), dem=d / "dem.tif",
                       landcover=d / "landcover.tif", substations=d / "subs.csv", rules="land-2023",
                       chunk_rows=7, progress=False, block_m=1500.0, min_area_km2=0.0, coarse=False)
    return result


def test_grid_is_snapped_and_centres_inside(inputs):
    grid = candidate_grid(inputs["area"], RES)
    assert grid.transform.c % RES == 0 and grid.transform.f % RES == 0
    west, south, east, north = grid.bounds_utm
    x0, y0, x1, y1 = grid.polygon_utm.bounds
    assert west <= x0 and south <= y0 and east >= x1 and north >= y1
    # centre-inside rule: 24 x 20 cells of the 12 x 10 km box (its edges are 130/170 m off the 500 m lines)
    assert grid.n_inside == 24 * 20
    assert grid.cell_area_km2 == pytest.approx(0.25)
    with pytest.raises(SitingInputError, match=r"resolution_m: 50 is outside 100\.\.5000 m"):
        candidate_grid(inputs["area"], 50)


def test_slope_matches_the_plane(run):
    slope = run.scan.arrays["slope_deg"]
    inside = run.grid.inside
    expected = math.degrees(math.atan(math.hypot(*GRADIENT)))
    assert np.nanmax(np.abs(slope[inside] - expected)) < 0.05
    # downslope direction of z = gx x + gy y is -(gx, gy) = 0.06 W, 0.08 N: azimuth 323.1 deg from grid north
    aspect = np.degrees(np.arctan2(-GRADIENT[0], -GRADIENT[1])) % 360  # clockwise from grid north
    got = run.scan.arrays["aspect_deg"][inside]
    assert np.nanmax(np.abs((got - aspect + 180) % 360 - 180)) < 2.0  # true north differs by the convergence


def test_excluded_areas_with_buffer_absent_from_candidates(run, inputs):
    buffered = Point(*LAKE_CENTRE).buffer(LAKE_RADIUS + LAKE_BUFFER, quad_segs=64)
    crop = box(*CROP)
    sites = run.sites.to_crs(SITING_CRS)
    assert len(sites) > 5
    for geom in sites.geometry:
        assert geom.intersection(buffered).area < 1e-3
        assert geom.intersection(crop).area < 1e-3
    # and in the file written (coordinates rounded to 6 decimals, ~0.1 m)
    written = gpd.read_file(run.outputs["candidates_geojson"]).to_crs(SITING_CRS)
    assert len(written) == len(sites)
    assert max(g.intersection(buffered).area for g in written.geometry) < 5.0
    # the report counts what each criterion excluded
    by = {c.criterion: c for c in run.outcomes}
    assert by["water"].status == "evaluated" and by["water"].cells_excluded > 0
    assert by["landcover:cropland"].cells_excluded > 0
    assert by["slope"].status == "evaluated" and by["slope"].cells_excluded == 0
    assert by["permanent_basic_farmland"].status == "not evaluated"
    assert run.run_report.cells.excluded == int(run.excluded.sum()) > 0


def test_closer_to_substation_scores_higher(run):
    score, dist = run.score, run.scan.arrays["dist_substation_km"]
    # same row (same yield: one sky per row), same slope and land cover, away from the lake and the crop block
    row = 3
    cols = [c for c in range(run.grid.shape[1]) if np.isfinite(score[row, c])]
    assert len(cols) > 10
    d, s = dist[row, cols], score[row, cols]
    y = run.scan.arrays["specific_yield_kwh_per_kwp"][row, cols]
    assert np.ptp(y) == 0
    order = np.argsort(d)
    assert np.all(np.diff(s[order]) < 0)  # strictly decreasing with the distance


def test_score_monotone_and_redistributes():
    candidate = np.ones((1, 3), dtype=bool)
    crit = {"yield": np.array([[1000.0, 1000.0, 1100.0]]), "grid": np.array([[1.0, 5.0, 5.0]]), "slope": None,
            "projects": None}
    score, report = suitability(crit, DEFAULT_WEIGHTS, candidate)
    assert score[0, 0] > score[0, 1]  # closer
    assert score[0, 2] > score[0, 1]  # higher yield
    by = {r["criterion"]: r for r in report}
    assert by["slope"]["status"] == "not evaluated" and by["slope"]["weight_used"] == 0
    assert by["yield"]["weight_used"] == pytest.approx(0.4 / 0.75, abs=1e-4)
    assert "redistributed" in by["projects"]["reason"]
    with pytest.raises(SitingInputError, match="unknown"):
        parse_weights("sun=1")
    assert parse_weights("yield=1,grid=1")["slope"] == 0.0


def test_distances_are_geodesic(run):
    lon, lat = (round(v, 7) for v in TO_WGS.transform(*SUBSTATION_UTM))  # as written to the CSV
    r, c = 10, 4
    _, _, m = GEOD.inv(run.grid.lon[r, c], run.grid.lat[r, c], lon, lat)
    assert run.scan.arrays["dist_substation_km"][r, c] == pytest.approx(m / 1000, rel=1e-9)


def test_rasters_are_cogs_with_nodata_outside(run):
    grid = run.grid
    for key in ("suitability", "specific_yield", "exclusion", "dist_substation"):
        with rasterio.open(run.outputs[key]) as src:
            assert src.driver == "GTiff"
            assert src.crs.to_epsg() == 32649
            assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            assert src.profile["tiled"]
            assert src.shape == grid.shape and src.transform == grid.transform
            x0, y0, x1, y1 = grid.polygon_utm.bounds
            assert src.bounds.left <= x0 and src.bounds.bottom <= y0 and src.bounds.right >= x1 \
                and src.bounds.top >= y1
            data = src.read(1)
            assert np.all(data[~grid.inside] == src.nodata)
            if key in ("specific_yield", "dist_substation"):
                assert np.all(data[grid.inside] != src.nodata)
                assert 800 < data[grid.inside].min() or key == "dist_substation"
            if key == "suitability":
                assert np.all(data[run.excluded] == src.nodata)
                assert np.all((data[grid.inside & ~run.excluded] >= 0) & (data[grid.inside & ~run.excluded] <= 1))


def test_cog_overviews(tmp_path):
    from solar.siting.outputs import write_cog

    data = np.random.default_rng(6).random((300, 280))
    data[:10] = np.nan
    path = write_cog(tmp_path / "x.tif", data, Affine(100.0, 0, 700_000, 0, -100.0, 3_300_000), SITING_CRS,
                     nodata=-9999.0, description="test")
    with rasterio.open(path) as src:
        assert src.driver == "GTiff" and src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.profile["tiled"] and src.block_shapes[0] == (128, 128) and src.overviews(1)[0] == 2
        assert np.all(src.read(1)[:10] == -9999.0)
    assert not list(tmp_path.glob(".x.tif*"))  # no temporary file left


def test_candidates_inside_area_and_supply_curve(run):
    area = run.grid.polygon_utm.buffer(0.01)
    sites = run.sites.to_crs(SITING_CRS)
    assert all(area.contains(g) for g in sites.geometry)
    assert (sites["area_km2"] <= 1.5 * 1.5 + 1e-9).all()  # bounded by the 1.5 km aggregation blocks
    assert run.sites["capacity_mw"].to_numpy() == pytest.approx(50.0 * run.sites["area_km2"].to_numpy())
    curve = run.curve
    assert list(curve["cost_proxy"]) == sorted(curve["cost_proxy"])
    assert curve["cumulative_capacity_mw"].iloc[-1] == pytest.approx(run.sites["capacity_mw"].sum())
    csv = run.outputs["supply_curve"].read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
    (cov,) = run.coverage
    assert cov["missing_mw"] == 100.0 and cov["coverable_mw"] == 100.0 and cov["sites_needed"] >= 1
    assert "could cover 100.0 of the 100.0 MW missing for target t-1" in cov["line"]
    report = json.loads(run.outputs["report_json"].read_text(encoding="utf-8"))
    assert report["score"][2]["criterion"] == "slope" and report["score"][2]["status"] == "evaluated"
    assert "rows model" in report["assumptions"]["yield_model"]


def test_report_json_is_the_reports_one_json_form(run):
    written = json.loads(run.outputs["report_json"].read_text(encoding="utf-8"))
    assert written == plain(as_json(run.run_report))
    assert written["criteria"] == [plain(as_json(c)) for c in run.outcomes]
    assert written["runtime_s"] == run.seconds and set(written["outputs"]) == set(run.outputs)
    top = written["top_candidates"]
    assert [t["site_id"] for t in top] == [s.site_id for s in run.run_report.top_candidates] \
        == list(run.sites["site_id"].head(10))
    assert list(top[0]) == [f for f in SITE_FIELDS if f != "geometry"]  # the outline stays in the GeoJSON
    candidate = int((~run.excluded & run.grid.inside).sum())
    assert written["cells"]["candidate"] == run.run_report.cells.candidate == candidate
    md = run.outputs["report_md"].read_text(encoding="utf-8")
    assert f"{run.run_report.sites.count} candidate sites" in md


def test_candidate_sites_are_the_frames_rows(run):
    assert list(run.sites.columns) == list(SITE_FIELDS)
    sites = run.candidates
    assert len(sites) == len(run.sites) > 1
    for site, (_, row) in zip(sites, run.sites.iterrows(), strict=True):
        assert site.site_id == row["site_id"] and site.score == row["score"] and site.geometry.equals(row.geometry)
        assert site.annual_mwh == pytest.approx(site.capacity_mw * site.specific_yield_kwh_per_kwp)  # MWp x MWh/MWp
    assert [s.score for s in sites] == sorted((s.score for s in sites), reverse=True)
    with pytest.raises(ValueError, match=r"column\(s\) cost_proxy missing"):
        candidate_list(run.sites.drop(columns="cost_proxy"))


def test_a_chunk_holds_the_rows_it_scanned(inputs):
    grid = candidate_grid(inputs["area"], 1000.0, name="small")
    empty = gpd.GeoDataFrame({"id": [], "location_precision": [], "category": []}, geometry=[], crs="EPSG:4326")
    si = scan_inputs(grid, data_dir=DATA, mounting=mounting("ground_fixed"), substations=empty, projects=empty,
                     dem=inputs["dir"] / "dem.tif")
    whole = run_scan(grid, si, chunk_rows=3, scheduler=None, progress=False)
    r0, r1 = chunk_bounds(grid, 3)[1]
    part = scan_chunk(si, r0, r1, grid.inside[r0:r1])
    assert isinstance(part, ScanChunk) and (part.row0, part.row1) == (r0, r1) and part.seconds > 0
    assert part.arrays["landcover"] is None and part.masks == {}  # no land cover, no exclusion layer given
    for name, full in whole.arrays.items():
        if full is not None:
            np.testing.assert_array_equal(part.arrays[name], full[r0:r1], err_msg=name)


def test_block_labels_stay_inside_blocks():
    mask = np.ones((5, 6), dtype=bool)
    labels = block_labels(mask, 3)
    assert labels.max() == 4
    assert len(np.unique(labels[:3, :3])) == 1 and labels[0, 0] != labels[0, 3] != labels[3, 0]
    assert supply_curve(gpd.GeoDataFrame(columns=["cost_proxy"])).empty


def test_in_process_and_dask_give_identical_arrays(inputs):
    from dask.distributed import LocalCluster

    grid = candidate_grid(inputs["area"], 1000.0, name="small")
    d = inputs["dir"]
    subs = gpd.GeoDataFrame({"id": ["S1"], "voltage_kv": [110.0], "location_precision": ["surveyed"]},
                            geometry=[_wgs(Point(*SUBSTATION_UTM))], crs="EPSG:4326")
    empty = gpd.GeoDataFrame({"id": [], "location_precision": [], "category": []}, geometry=[], crs="EPSG:4326")
    from solar.siting.exclusions import parse_exclude

    si = scan_inputs(grid, data_dir=DATA, mounting=mounting("ground_fixed"), substations=subs, projects=empty,
                     dem=d / "dem.tif", exclusions=(parse_exclude(f"{d / 'lake.geojson'}:water:300"),))
    here = run_scan(grid, si, chunk_rows=3, scheduler=None, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        there = run_scan(grid, si, chunk_rows=3, scheduler=cluster.scheduler_address, progress=False)
    assert there.chunks == here.chunks > 2
    for name, a in here.arrays.items():
        b = there.arrays[name]
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_array_equal(a, b, err_msg=name)
    for name in here.masks:
        np.testing.assert_array_equal(here.masks[name], there.masks[name])
    assert here.masks["lake"].any()


def test_bad_inputs_name_what_and_where(inputs, tmp_path):
    grid = candidate_grid(inputs["area"], 2000.0)
    kwargs = {"data_dir": DATA, "projects": inputs["projects"], "targets": inputs["targets"],
              "districts": inputs["districts"], "progress": False}
    with pytest.raises(SitingInputError, match=r"nope\.tif \(DEM\): file not found"):
        site_area(grid, dem=tmp_path / "nope.tif", **kwargs)
    with pytest.raises(SitingInputError, match="unknown rule set"):
        site_area(grid, rules="strict", **kwargs)
    with pytest.raises(SitingInputError, match="density_mw_per_km2"):
        site_area(grid, density_mw_per_km2=0.0, **kwargs)
    far = shapely.affinity.translate(inputs["area"], xoff=20.0)
    assert candidate_grid(far, 2000.0).crs == area_crs(far) != SITING_CRS  # no longer refused: its own zone
