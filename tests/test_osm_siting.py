"""Siting on real geography: an OSM extract made here drives every OSM criterion; tiles; shipped coarse layers."""

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
from affine import Affine
from conftest import DATA
from shapely.geometry import Point, box

from api.cli import main
from grid.osm import osm_power_lines, osm_substations, read_osm, voltage_kv
from solar.siting.cells import candidate_grid
from solar.siting.errors import SitingInputError
from solar.siting.run import site_area
from solar.siting.tiles import mosaic_for_area

SITING_CRS = "EPSG:32649"  # the UTM zone of the Hunan test areas (geo.crs.area_crs)

# a 12 km x 10 km area in 临湘 (UTM 49N metres)
X0, Y0, X1, Y1 = 740_000.0, 3_260_000.0, 752_000.0, 3_270_000.0
RES = 250.0
TO_WGS = pyproj.Transformer.from_crs(SITING_CRS, "EPSG:4326", always_xy=True)
LAKE = (742_000.0, 3_268_000.0, 744_000.0, 3_269_500.0)
RESERVE = (748_000.0, 3_261_000.0, 751_000.0, 3_263_500.0)
TOWN = (741_000.0, 3_261_000.0, 742_000.0, 3_262_000.0)
ROAD_Y = 3_265_000.0  # an east-west primary road
LINE = ((740_000.0, 3_260_500.0), (752_000.0, 3_269_500.0))  # a 220 kV line
SUBSTATION = (750_000.0, 3_268_000.0)


def _lonlat(x, y):
    return TO_WGS.transform(x, y)


def osm_xml(with_features=True):
    """A tiny OSM XML file: a road, a 220 kV line, a named substation, a lake, a river, a town and a reserve."""
    nodes, ways = [], []
    ids = {"n": 0, "w": 1000}

    def node(x, y, tags=None):
        ids["n"] += 1
        lon, lat = _lonlat(x, y)
        t = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in (tags or {}).items())
        nodes.append(f'<node id="{ids["n"]}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{t}</node>')
        return ids["n"]

    def way(coords, tags, closed=False):
        refs = [node(x, y) for x, y in coords]
        if closed:
            refs.append(refs[0])
        ids["w"] += 1
        nd = "".join(f'<nd ref="{r}"/>' for r in refs)
        t = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        ways.append(f'<way id="{ids["w"]}" version="1">{nd}{t}</way>')

    def rect(b):
        return [(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])]

    if with_features:
        way([(X0 - 2000, ROAD_Y), (X1 + 2000, ROAD_Y)], {"highway": "primary", "name": "S301"})
        way(list(LINE), {"power": "line", "voltage": "220000"})
        node(*SUBSTATION, {"power": "substation", "name": "长安变电站", "voltage": "220000;110000"})
        way(rect(LAKE), {"natural": "water", "name": "测试湖"}, closed=True)
        way(rect(RESERVE), {"boundary": "protected_area", "name": "测试保护区"}, closed=True)
        way(rect(TOWN), {"landuse": "residential"}, closed=True)
        way([(X0 - 1000, 3_266_500.0), (X1 + 1000, 3_266_600.0)], {"waterway": "river", "name": "测试河"})
    else:
        node(X0 + 10, Y0 + 10, {"amenity": "bench"})
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
            + "\n".join(nodes + ways) + "\n</osm>\n")


@pytest.fixture(scope="module")
def frames():
    area = gpd.GeoSeries([box(X0, Y0, X1, Y1)], crs=SITING_CRS).to_crs("EPSG:4326").iloc[0]
    districts = gpd.GeoDataFrame({"adcode": ["999999"], "name_zh": ["测试县"], "parent_adcode": ["999900"],
                                  "level": ["county"]}, geometry=[area], crs="EPSG:4326")
    projects = pd.DataFrame({c: pd.Series(dtype=object) for c in (
        "id", "name_zh", "category", "voltage_kv", "lon", "lat", "location_precision", "location_source",
        "district_adcode", "capacity_mw", "target_year")})
    targets = pd.DataFrame([{"id": "t-1", "adcode": "999999", "metric": "new_energy_capacity_mw", "value": 100.0,
                             "year": 2030, "comparator": ">=", "basis": "increment"}])
    return {"area": area, "districts": districts, "projects": projects, "targets": targets}


def _site(frames, out=None, **options):
    grid = candidate_grid(frames["area"], RES, name="999999 测试县", adcode="999999")
    return site_area(grid, data_dir=DATA, projects=frames["projects"], targets=frames["targets"],
                     districts=frames["districts"], out_dir=out, progress=False, chunk_rows=9, min_area_km2=0.0,
                     **options)


@pytest.fixture(scope="module")
def osm_run(frames, tmp_path_factory):
    d = tmp_path_factory.mktemp("osm")
    (d / "area.osm").write_text(osm_xml(), encoding="utf-8")
    return _site(frames, out=d / "out", osm=d / "area.osm", coarse=False)


def _cell(result, x, y):
    t = result.grid.transform
    col, row = ~t @ (x, y)
    return int(row), int(col)


def test_reader_tags_and_voltage(tmp_path):
    (tmp_path / "a.osm").write_text(osm_xml(), encoding="utf-8")
    layers = read_osm(tmp_path / "a.osm")
    subs = osm_substations(layers)
    assert list(subs["name_zh"]) == ["长安变电站"] and subs["voltage_kv"].iloc[0] == 220.0
    lines = osm_power_lines(layers)
    assert len(lines) == 1 and lines["voltage_kv"].iloc[0] == 220.0
    assert voltage_kv("110000;35000") == 110.0 and np.isnan(voltage_kv("high"))


def test_every_osm_criterion_is_evaluated(osm_run):
    rows = {r.criterion: r for r in osm_run.outcomes}
    for kind in ("water", "protected_area", "settlement", "road", "power_line"):
        assert rows[kind].status == "evaluated", kind
    for kind in ("water", "protected_area", "settlement"):
        assert rows[kind].cells_excluded > 0, kind
    # the lake, the river, the reserve and the town are not candidates
    for x, y in (((LAKE[0] + LAKE[2]) / 2, (LAKE[1] + LAKE[3]) / 2), (745_000.0, 3_266_550.0),
                 ((RESERVE[0] + RESERVE[2]) / 2, (RESERVE[1] + RESERVE[3]) / 2),
                 ((TOWN[0] + TOWN[2]) / 2, (TOWN[1] + TOWN[3]) / 2)):
        assert osm_run.excluded[_cell(osm_run, x, y)]
    score = {r["criterion"]: r["status"] for r in osm_run.score_report}
    assert score["road"] == "evaluated" and score["grid"] == "evaluated"
    assert "not evaluated" in {r.status for r in osm_run.outcomes}  # farmland etc.: never assumed to pass


def test_osm_distances_drive_the_ranking(osm_run):
    a = osm_run.scan.arrays
    on_road = _cell(osm_run, 746_000.0, ROAD_Y)
    assert a["dist_road_km"][on_road] < RES / 1000
    far = _cell(osm_run, 746_000.0, 3_261_600.0)
    assert a["dist_road_km"][far] == pytest.approx((ROAD_Y - 3_261_625.0) / 1000, abs=0.2)
    at_sub = _cell(osm_run, *SUBSTATION)
    assert a["dist_substation_km"][at_sub] < 0.3
    # along a column, farther from the road and the substation scores lower where nothing else differs
    col = _cell(osm_run, 749_000.0, ROAD_Y)[1]
    r0, r1 = _cell(osm_run, 749_000.0, 3_267_500.0)[0], _cell(osm_run, 749_000.0, 3_264_000.0)[0]
    s = osm_run.score[r0:r1, col]
    ok = np.isfinite(s)
    assert ok.sum() > 5 and np.nanmax(s) - np.nanmin(s) > 0.02
    best = osm_run.sites.iloc[0]
    assert str(best["substation_id"]).startswith("osm-") and best["dist_road_km"] < 2.0


def test_osm_licence_and_layers_in_outputs(osm_run):
    report = json.loads(osm_run.outputs["report_json"].read_text(encoding="utf-8"))
    assert report["warnings"] == list(osm_run.run_report.warnings)
    assert any("OpenStreetMap" in w and "ODbL" in w for w in report["warnings"])
    md = next(p for k, p in osm_run.outputs.items() if str(p).endswith("report.md")).read_text(encoding="utf-8")
    assert "ODbL" in md and "## Warnings" in md
    assert "长安变电站" in osm_run.run_report.assumptions["substations"] or \
        "长安变电站" in list(osm_run.overlays["substations"]["name_zh"])
    from layers.siting_layer import render_siting_map

    page = render_siting_map(osm_run.sites, osm_run.grid.polygon, osm_run.grid.name, osm_run.overlays,
                             list(osm_run.run_report.warnings))
    assert "长安变电站" in page and "osm:water" in page


@pytest.mark.parametrize("content, expected", [
    ("", "empty"),
    ("this is not xml <", "cannot read"),
    (None, "file not found"),
])
def test_broken_osm_is_a_clear_error(frames, tmp_path, content, expected):
    path = tmp_path / "bad.osm"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SitingInputError, match=expected) as info:
        _site(frames, osm=path, coarse=False)
    assert "bad.osm" in str(info.value)


def test_osm_without_features_in_area(frames, tmp_path):
    path = tmp_path / "far.osm"
    path.write_text(osm_xml().replace('lat="29.', 'lat="39.'), encoding="utf-8")
    with pytest.raises(SitingInputError, match="no features"):
        _site(frames, osm=path, coarse=False)


def test_broken_osm_on_the_cli_has_no_traceback(built_store, tmp_path, capsys):
    (tmp_path / "x.osm.pbf").write_bytes(b"\x00\x01 not a pbf")
    code = main(["--store", str(built_store), "site", "--district", "430682", "--resolution", "2000",
                 "--osm", str(tmp_path / "x.osm.pbf"), "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err
    assert code != 0 and "x.osm.pbf" in err and "Traceback" not in err


def _dem_tile(path, west, north, size_deg=0.05, px=60):
    """A DEM tile in EPSG:4326: a plane rising 10 m per 0.001 deg of longitude (~ 5.5 deg slope here)."""
    res = size_deg / px
    t = Affine(res, 0, west, 0, -res, north)
    c, _ = np.meshgrid(np.arange(px) + 0.5, np.arange(px) + 0.5)
    lon = west + c * res
    z = (100.0 + (lon - 113.0) * 10_000.0).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", width=px, height=px, count=1, dtype="float32", crs="EPSG:4326",
                       transform=t, nodata=-9999.0) as dst:
        dst.write(z, 1)


def test_dem_tiles_mosaic_and_give_slopes(frames, tmp_path):
    west, south, east, north = frames["area"].bounds
    folder = tmp_path / "tiles"
    folder.mkdir()
    x0, y0 = np.floor(west * 20) / 20, np.ceil(north * 20) / 20
    n = 0
    for i in range(int(np.ceil((east - x0) * 20)) + 1):
        for j in range(int(np.ceil((y0 - south) * 20)) + 1):
            _dem_tile(folder / f"t{i}{j}.tif", x0 + i * 0.05, y0 - j * 0.05)
            n += 1
    _dem_tile(folder / "far.tif", 100.0, 40.0)  # a tile elsewhere is left out
    path, used = mosaic_for_area([folder], (west, south, east, north), tmp_path / "m.tif", what="DEM")
    assert 4 <= len(used) <= n and folder / "far.tif" not in used and path == tmp_path / "m.tif"
    result = _site(frames, dem=(folder,), coarse=False)
    slope = result.scan.arrays["slope_deg"][result.grid.inside]
    assert np.isfinite(slope).mean() > 0.95
    # rise 10 m per 0.001 deg of longitude, 0.001 deg ~ 97 m here: ~5.9 deg everywhere, tile seams included
    expected = np.degrees(np.arctan(10.0 / (0.001 * 111_320 * np.cos(np.radians(29.45)))))
    ok = np.isfinite(slope)
    assert np.nanmedian(slope) == pytest.approx(expected, abs=0.3)
    assert (np.abs(slope[ok] - expected) < 0.3).mean() > 0.99  # no seam between tiles (a seam is a whole row)
    status = {r["criterion"]: r["status"] for r in result.score_report}
    assert status["slope"] == "evaluated"


def test_tiles_that_miss_the_area_are_an_error(frames, tmp_path):
    _dem_tile(tmp_path / "a.tif", 100.0, 40.0)
    _dem_tile(tmp_path / "b.tif", 100.05, 40.0)
    (tmp_path / "empty.hgt").write_bytes(b"")
    with pytest.raises(SitingInputError, match="none meets the area"):
        mosaic_for_area([tmp_path / "a.tif", tmp_path / "b.tif"], frames["area"].bounds, tmp_path / "m.tif",
                        what="DEM")
    with pytest.raises(SitingInputError, match="empty"):
        mosaic_for_area([tmp_path], frames["area"].bounds, tmp_path / "m.tif", what="DEM")


@pytest.mark.parametrize("adcode", ["430682", "431202"])
def test_shipped_coarse_layers_rank_and_exclude(adcode, built_store, tmp_path):
    out = tmp_path / adcode
    code = main(["--store", str(built_store), "site", "--district", adcode, "--resolution", "500", "--out", str(out),
                 "--no-progress", "--scheduler", "none", "--no-map"])
    assert code == 0
    r = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rows = {c["criterion"]: c for c in r["criteria"]}
    assert rows["settlement"]["status"] == "evaluated" and rows["settlement"]["cells_excluded"] > 0
    assert rows["settlement"]["coarse"] and rows["landcover:water"]["coarse"]
    assert r["score_spread"] > 0.02, "coarse land cover must make the scores differ across the county"
    assert any("COARSE" in w and "0.05°" in w for w in r["warnings"])
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "COARSE" in md and "0.05°" in md
    if adcode == "430682":  # the Yangtze and 黄盖湖 are water in MODIS: excluded
        assert rows["landcover:water"]["cells_excluded"] > 0
    with rasterio.open(out / "exclusion.tif") as src:
        codes = src.read(1)
        assert ((codes == 1) | (codes == 2)).sum() > 0


def test_shipped_lakes_exclude_dongting(built_store, tmp_path):
    """洞庭湖 (Natural Earth 10 m) is excluded in 岳阳楼区 / 君山区 with only shipped data."""
    out = tmp_path / "jsq"
    code = main(["--store", str(built_store), "site", "--district", "430611", "--resolution", "1000", "--out",
                 str(out), "--no-progress", "--scheduler", "none", "--no-map"])
    if code != 0:
        pytest.skip("君山区 not in the shipped store")
    r = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rows = {c["criterion"]: c for c in r["criteria"]}
    assert rows["layer:coarse:lakes"]["cells_excluded"] > 0
    lake = Point(112.95, 29.30)  # in 东洞庭湖
    sites = gpd.read_file(out / "candidates.geojson")
    assert not sites.geometry.contains(lake).any()
