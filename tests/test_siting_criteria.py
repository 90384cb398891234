"""Siting inputs: slope/aspect from DEMs, land cover, exclusion layers, the land rule and its report."""

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import rasterio
import shapely
from affine import Affine

from solar.siting.errors import SitingInputError
from solar.siting.exclusions import (
    KINDS,
    ExclusionLayer,
    exclusion_masks,
    masks_by_kind,
    parse_exclude,
    read_layer,
)
from solar.siting.landcover import LEGENDS, sample_landcover
from solar.siting.rules import LAND_RULE_2023, RULE_SETS, evaluate, get_rule
from solar.siting.terrain import sample_slope_aspect, slope_aspect

GEOD = pyproj.Geod(ellps="WGS84")
UTM = "EPSG:32649"
TO_UTM = pyproj.Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
TO_LONLAT = pyproj.Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
X0, Y0 = 650_000.0, 3_255_000.0  # UTM 49N, near 临湘 (29.4 N, 113.5 E)


def write_raster(path: Path, data: np.ndarray, transform: Affine, crs: str | None, nodata=None) -> Path:
    data = data if data.ndim == 3 else data[np.newaxis]
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype, crs=crs, transform=transform, nodata=nodata) as dst:
        dst.write(data)
    return path


def cell_centres(transform: Affine, shape):
    cols, rows = np.meshgrid(np.arange(shape[1]) + 0.5, np.arange(shape[0]) + 0.5)
    return transform @ (cols, rows)


def true_downslope_azimuth(x, y, a, b):
    """Azimuth from true north of the downslope direction of z = a x + b y (UTM), measured geodesically."""
    step = 10.0 / math.hypot(a, b)
    lon0, lat0 = TO_LONLAT.transform(x, y)
    lon1, lat1 = TO_LONLAT.transform(x - a * step, y - b * step)
    return np.asarray(GEOD.inv(lon0, lat0, lon1, lat1)[0]) % 360


def angle_diff(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180) % 360 - 180)


# --- slope and aspect -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("dzdx", "dzdn", "aspect"), [
    (-0.1, 0.0, 90.0),  # lower to the east: faces east
    (0.1, 0.0, 270.0),
    (0.0, -0.1, 0.0),  # lower to the north
    (0.0, 0.1, 180.0),
    (-0.1, -0.1, 45.0),
    (0.1, 0.1, 225.0),
])
def test_horn_slope_aspect_on_planes(dzdx, dzdn, aspect):
    dx, dy = 30.0, 20.0
    cols, rows = np.meshgrid(np.arange(7), np.arange(6))
    dem = 500 + dzdx * cols * dx - dzdn * rows * dy  # rows go north to south
    slope, asp = slope_aspect(dem, dx, dy)
    inner = (slice(1, -1), slice(1, -1))
    np.testing.assert_allclose(slope[inner], math.degrees(math.atan(math.hypot(dzdx, dzdn))), atol=1e-9)
    assert angle_diff(asp[inner], aspect).max() < 1e-9
    assert np.isnan(slope[0]).all() and np.isnan(slope[:, -1]).all() and np.isnan(asp[-1]).all()


def test_flat_and_nodata():
    dem = np.full((5, 5), 100.0)
    slope, asp = slope_aspect(dem, 10.0, 10.0)
    assert (slope[1:-1, 1:-1] == 0).all() and np.isnan(asp).all()
    dem = np.add.outer(np.arange(6.0), np.arange(6.0))
    dem[2, 2] = np.nan
    slope, _ = slope_aspect(dem, 10.0, 10.0)
    assert np.isnan(slope[1:4, 1:4]).all()
    assert np.isfinite(slope[4, 4])
    with pytest.raises(SitingInputError, match="dx_m: must be finite and > 0"):
        slope_aspect(dem, 0.0, 10.0)


def test_utm_plane_dem_sampled_onto_grid(tmp_path):
    a, b = 0.12, -0.05  # z rises 12 m per 100 m east, falls 5 m per 100 m north
    dem_t = Affine(30.0, 0, X0, 0, -30.0, Y0)
    x, y = cell_centres(dem_t, (300, 300))
    dem = write_raster(tmp_path / "dem.tif", (200 + a * (x - X0) + b * (y - Y0)).astype("float32"), dem_t, UTM,
                       nodata=-9999.0)
    # a 100 m grid that starts inside the DEM and runs 1 km past its east edge
    grid = Affine(100.0, 0, X0 + 1000, 0, -100.0, Y0 - 1000)
    shape = (60, 90)
    slope, aspect = sample_slope_aspect(dem, grid, shape, UTM)
    gx, gy = cell_centres(grid, shape)
    inside = gx < X0 + 9000 - 100
    outside = gx > X0 + 9000 + 100
    assert np.abs(slope[inside] - math.degrees(math.atan(math.hypot(a, b)))).max() < 0.1
    assert angle_diff(aspect[inside], true_downslope_azimuth(gx[inside], gy[inside], a, b)).max() < 0.1
    # grid north differs from true north here by ~0.8°: the grid-north aspect would fail the check above
    grid_aspect = math.degrees(math.atan2(-a, -b)) % 360
    assert angle_diff(aspect[inside], grid_aspect).min() > 0.5
    assert np.isnan(slope[outside]).all() and np.isnan(aspect[outside]).all()


def test_geographic_dem_over_hunan(tmp_path):
    a, b = -0.2, 0.15
    lon0, lat0, res = 113.4, 29.45, 0.0003  # ~29 x 33 m pixels
    dem_t = Affine(res, 0, lon0, 0, -res, lat0)
    lon, lat = cell_centres(dem_t, (340, 340))
    x, y = TO_UTM.transform(lon, lat)
    # elevations about 500..2700 m (a plane on 600 m would dip below the plausible -500 m at one corner)
    dem = write_raster(tmp_path / "dem_wgs84.tif", (1600 + a * (x - x.mean()) + b * (y - y.mean())), dem_t,
                       "EPSG:4326")
    gx0, gy0 = TO_UTM.transform(lon0 + 0.01, lat0 - 0.01)
    grid = Affine(50.0, 0, gx0, 0, -50.0, gy0)
    shape = (150, 150)
    slope, aspect = sample_slope_aspect(dem, grid, shape, UTM)
    gx, gy = cell_centres(grid, shape)
    assert np.isfinite(slope).all()
    assert np.abs(slope - math.degrees(math.atan(math.hypot(a, b)))).max() < 0.5
    assert angle_diff(aspect, true_downslope_azimuth(gx, gy, a, b)).max() < 0.5
    # (with equal east and north pixel sizes in metres this fails: east-west pixels are cos 29.4° = 0.87 times
    # the north-south ones here)


def test_cone_faces_away_from_its_peak(tmp_path):
    t = Affine(20.0, 0, X0, 0, -20.0, Y0)
    x, y = cell_centres(t, (201, 201))
    cx, cy = X0 + 2010, Y0 - 2010
    dem = write_raster(tmp_path / "cone.tif", 800 - 0.3 * np.hypot(x - cx, y - cy), t, UTM)
    grid = Affine(200.0, 0, X0 + 10, 0, -200.0, Y0 - 10)
    slope, aspect = sample_slope_aspect(dem, grid, (20, 20), UTM)
    gx, gy = cell_centres(grid, (20, 20))
    away = np.hypot(gx - cx, gy - cy) > 400  # off the peak's kink
    assert np.abs(slope[away] - math.degrees(math.atan(0.3))).max() < 0.1
    lon0, lat0 = TO_LONLAT.transform(cx, cy)
    lon, lat = TO_LONLAT.transform(gx, gy)
    outward = np.asarray(GEOD.inv(np.full_like(lon, lon0), np.full_like(lat, lat0), lon, lat)[0]) % 360
    assert angle_diff(aspect[away], outward[away]).max() < 1.0


def test_dem_errors(tmp_path):
    grid, shape = Affine(100.0, 0, X0, 0, -100.0, Y0), (10, 10)
    t = Affine(30.0, 0, X0, 0, -30.0, Y0)
    z = np.ones((50, 50), dtype="float32")
    with pytest.raises(SitingInputError, match="no CRS"):
        sample_slope_aspect(write_raster(tmp_path / "nocrs.tif", z, t, None), grid, shape, UTM)
    with pytest.raises(SitingInputError, match=r"2 bands: choose one \(band=1..2\)"):
        sample_slope_aspect(write_raster(tmp_path / "two.tif", np.stack([z, z]), t, UTM), grid, shape, UTM)
    with pytest.raises(SitingInputError, match="all nodata"):
        sample_slope_aspect(write_raster(tmp_path / "void.tif", z * 0 - 9999, t, UTM, nodata=-9999), grid, shape, UTM)
    with pytest.raises(SitingInputError, match="does not overlap"):
        far = write_raster(tmp_path / "far.tif", z, t @ Affine.translation(5000, 0), UTM)
        sample_slope_aspect(far, grid, shape, UTM)
    bad = tmp_path / "text.tif"
    bad.write_text("not a raster")
    with pytest.raises(SitingInputError, match=r"text\.tif \(DEM\): cannot read as a raster"):
        sample_slope_aspect(bad, grid, shape, UTM)
    with pytest.raises(SitingInputError, match="north-up"):
        sample_slope_aspect(tmp_path / "two.tif", Affine(100.0, 0, X0, 0, 100.0, Y0), shape, UTM)
    slope, _ = sample_slope_aspect(tmp_path / "two.tif", grid, shape, UTM, band=2)
    assert np.nanmax(slope) == 0


# --- land cover -------------------------------------------------------------------------------------------

def landcover_raster(tmp_path, codes, name="lc.tif", nodata=0):
    t = Affine(10.0, 0, X0, 0, -10.0, Y0)
    data = np.zeros((100, 100), dtype="uint8")
    for i, code in enumerate(codes):  # vertical stripes, 100 m wide
        data[:, i * 10:(i + 1) * 10] = code
    return write_raster(tmp_path / name, data, t, UTM, nodata=nodata)


@pytest.mark.parametrize("resampling", ["mode", "nearest"])
def test_landcover_on_grid(tmp_path, resampling):
    path = landcover_raster(tmp_path, [10, 20, 30, 40, 50, 60, 80, 90, 95, 0])
    grid = Affine(100.0, 0, X0, 0, -100.0, Y0)
    codes = sample_landcover(path, grid, (12, 12), UTM, resampling=resampling)
    assert codes.dtype == np.int32
    np.testing.assert_array_equal(codes[0], [10, 20, 30, 40, 50, 60, 80, 90, 95, -1, -1, -1])
    assert (codes[10:] == -1).all()  # beyond the raster


def test_landcover_mode_takes_the_majority(tmp_path):
    t = Affine(10.0, 0, X0, 0, -10.0, Y0)
    data = np.full((10, 10), 40, dtype="uint8")
    data[:4, :] = 10  # 40 % tree cover in a cell that is 60 % cropland; its centre pixel is cropland too
    data[4:6, 4:6] = 10  # centre pixels tree cover
    path = write_raster(tmp_path / "lc.tif", data, t, UTM, nodata=0)
    grid = Affine(100.0, 0, X0, 0, -100.0, Y0)
    assert sample_landcover(path, grid, (1, 1), UTM, resampling="mode")[0, 0] == 40
    assert sample_landcover(path, grid, (1, 1), UTM, resampling="nearest")[0, 0] == 10


def test_landcover_errors(tmp_path):
    grid = Affine(100.0, 0, X0, 0, -100.0, Y0)
    path = landcover_raster(tmp_path, [10, 7, 40, 200])
    with pytest.raises(SitingInputError) as err:
        sample_landcover(path, grid, (5, 5), UTM)
    assert "code(s) not in the legend: 7, 200" in str(err.value)
    assert "10 tree_cover" in str(err.value) and "100 moss_lichen" in str(err.value)
    with pytest.raises(SitingInputError, match="unknown legend 'corine'; allowed: worldcover, clcd"):
        sample_landcover(path, grid, (5, 5), UTM, legend="corine")
    clcd = landcover_raster(tmp_path, [1, 2, 9, 255, 3, 3, 3, 3, 3, 3], name="clcd.tif", nodata=None)
    with pytest.raises(SitingInputError, match=r"not in the legend: 255; legend codes: 1 cropland, 2 forest"):
        sample_landcover(clcd, grid, (5, 5), UTM, legend="clcd")
    codes = sample_landcover(clcd, grid, (1, 5), UTM, legend="clcd", nodata=255)
    assert codes.tolist() == [[1, 2, 9, -1, 3]]
    floats = write_raster(tmp_path / "f.tif", np.full((20, 20), 40.5, dtype="float32"),
                          Affine(10.0, 0, X0, 0, -10.0, Y0), UTM)
    with pytest.raises(SitingInputError, match="non-integer values"):
        sample_landcover(floats, grid, (1, 1), UTM)


# --- exclusion layers -------------------------------------------------------------------------------------

def test_parse_exclude():
    assert parse_exclude("lakes.geojson:water:100") == ExclusionLayer("lakes", Path("lakes.geojson"), "water", 100.0)
    assert parse_exclude("data/water.geojson") == ExclusionLayer("water", Path("data/water.geojson"), "water", 0.0)
    assert parse_exclude("x/roads.gpkg").kind == "other"
    assert parse_exclude("lakes.geojson:250") == ExclusionLayer("lakes", Path("lakes.geojson"), "other", 250.0)
    assert parse_exclude("lakes.geojson::1e2").buffer_m == 100.0
    assert parse_exclude("villages.gpkg:settlement").buffer_m == 0.0
    defaults = LAND_RULE_2023.default_buffers_m
    assert parse_exclude("villages.gpkg:settlement", defaults).buffer_m == defaults["settlement"]
    assert parse_exclude("villages.gpkg:settlement:0", defaults).buffer_m == 0.0
    assert parse_exclude("C:\\data\\lakes.shp:water").path == Path("C:\\data\\lakes.shp")


@pytest.mark.parametrize(("spec", "message"), [
    ("lakes.geojson:lake:100", "unknown kind 'lake'; allowed: water, protected_area"),
    ("lakes.geojson:forest", "unknown kind 'forest'"),
    ("lakes.geojson:water:-5", "buffer_m must be a finite number >= 0"),
    ("lakes.geojson:water:nan", "buffer_m must be a finite number >= 0"),
    ("lakes.geojson:water:inf", "buffer_m must be a finite number >= 0"),
    ("lakes.geojson:100m", "buffer_m must be a finite number >= 0"),
    (":water:10", "no path"),
])
def test_parse_exclude_errors(spec, message):
    with pytest.raises(SitingInputError, match=message.replace("(", r"\(")):
        parse_exclude(spec)


def lake_file(tmp_path) -> tuple[Path, shapely.Polygon]:
    """An L-shaped 'lake' in EPSG:4326 inside the test grid; returns the file and its UTM polygon."""
    utm = shapely.Polygon([(X0 + 1000, Y0 - 1000), (X0 + 2500, Y0 - 1000), (X0 + 2500, Y0 - 1700),
                           (X0 + 1600, Y0 - 1700), (X0 + 1600, Y0 - 2600), (X0 + 1000, Y0 - 2600)])
    lake = gpd.GeoDataFrame({"name": ["湖"]}, geometry=[utm], crs=UTM).to_crs(4326)
    path = tmp_path / "lakes.geojson"
    lake.to_file(path, driver="GeoJSON")
    return path, gpd.read_file(path).to_crs(UTM).geometry.iloc[0]


@pytest.mark.parametrize("buffer_m", [0.0, 120.0, 333.0])
def test_buffered_polygon_is_fully_masked(tmp_path, buffer_m):
    path, lake = lake_file(tmp_path)
    grid, shape = Affine(50.0, 0, X0, 0, -50.0, Y0), (80, 80)
    masks = exclusion_masks([parse_exclude(f"{path}:water:{buffer_m}")], grid, shape, UTM)
    assert list(masks) == ["lakes"]
    mask = masks["lakes"]
    gx, gy = cell_centres(grid, shape)
    dist = shapely.distance(shapely.points(gx, gy), lake)
    assert mask[dist <= buffer_m].all()  # every cell whose centre is in the buffered lake
    assert not mask[dist > buffer_m + 50 * math.sqrt(2)].any()  # nothing beyond a cell's diagonal
    # conservative: a cell that overlaps the buffered lake by a corner only is masked too
    cells = shapely.box(gx - 25, gy - 25, gx + 25, gy + 25)
    overlaps = shapely.area(shapely.intersection(cells, shapely.buffer(lake, buffer_m * 0.999, quad_segs=64))) > 1.0
    assert mask[overlaps].all()
    assert (mask & ~overlaps).sum() <= 0.1 * mask.sum()  # and not much more


def test_read_layer_repairs_and_counts(tmp_path):
    bowtie = shapely.Polygon([(113.0, 29.0), (113.01, 29.01), (113.01, 29.0), (113.0, 29.01)])
    gdf = gpd.GeoDataFrame({"id": [1, 2, 3]}, geometry=[bowtie, shapely.box(113.02, 29.0, 113.03, 29.01), None],
                           crs=4326)
    path = tmp_path / "reserve.gpkg"
    gdf.to_file(path)
    out = read_layer(ExclusionLayer("reserve", path, "protected_area"), UTM)
    assert len(out) == 3 and out.crs.to_epsg() == 32649
    assert out.attrs["repaired_invalid"] == 1 and out.attrs["null_geometries"] == 1
    assert out.geometry.iloc[:2].is_valid.all()
    assert out.geometry.iloc[0].area == pytest.approx(gdf.to_crs(UTM).geometry.iloc[1].area / 2, rel=0.01)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_read_layer_errors(tmp_path):
    nocrs = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame({"id": [1]}, geometry=[shapely.box(0, 0, 1, 1)]).to_file(nocrs)
    with pytest.raises(SitingInputError, match=r"nocrs\.gpkg \(exclusion other\): the file declares no CRS"):
        read_layer(ExclusionLayer("nocrs", nocrs, "other"), UTM)
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(SitingInputError, match="no features"):
        read_layer(ExclusionLayer("empty", empty, "water"), UTM)
    with pytest.raises(SitingInputError, match="file not found"):
        read_layer(ExclusionLayer("gone", tmp_path / "gone.geojson", "water"), UTM)
    with pytest.raises(SitingInputError, match="unknown kind"):
        ExclusionLayer("x", empty, "lake")


def test_masks_by_kind_combine_layers(tmp_path):
    path, _ = lake_file(tmp_path)
    pond = tmp_path / "sub" / "lakes.geojson"
    pond.parent.mkdir()
    gpd.GeoDataFrame(geometry=[shapely.box(X0 + 3000, Y0 - 3000, X0 + 3100, Y0 - 2900)], crs=UTM).to_file(pond)
    layers = [parse_exclude(f"{path}:water"), parse_exclude(f"{pond}:water")]
    grid, shape = Affine(50.0, 0, X0, 0, -50.0, Y0), (80, 80)
    masks = exclusion_masks(layers, grid, shape, UTM)
    assert list(masks) == ["lakes", "lakes#2"]
    by_kind = masks_by_kind(layers, masks)
    assert list(by_kind) == ["water"]
    np.testing.assert_array_equal(by_kind["water"], masks["lakes"] | masks["lakes#2"])
    assert masks["lakes#2"].sum() == 4 and not (masks["lakes"] & masks["lakes#2"]).any()


# --- rules ------------------------------------------------------------------------------------------------

def test_rule_classes_exist_in_their_legends():
    for rule in RULE_SETS.values():
        assert set(rule.excluded_kinds) <= set(KINDS)
        for legend, names in rule.excluded_landcover.items():
            assert set(names) <= set(LEGENDS[legend].values())
        all_names = {n for legend in LEGENDS.values() for n in legend.values()}
        assert set(rule.conditional_landcover) <= all_names
    assert "cropland" in LAND_RULE_2023.excluded_landcover["worldcover"]
    assert {"permanent_basic_farmland", "basic_grassland", "class1_forest"} <= set(LAND_RULE_2023.excluded_kinds)
    assert "林光互补" in LAND_RULE_2023.conditional_landcover["tree_cover"]
    assert "assumption" in LAND_RULE_2023.basis["slope"]
    with pytest.raises(SitingInputError, match="allowed: land-2023, none"):
        get_rule("strict")


def test_nothing_supplied_is_not_evaluated():
    shape = (4, 5)
    excluded, report, conditional = evaluate(LAND_RULE_2023, masks={}, landcover=None, legend="worldcover",
                                             slope_deg=None, shape=shape)
    assert not excluded.any() and not conditional.any()
    assert report and all(r.status == "not evaluated" and r.cells_excluded is None for r in report)
    by = {r.criterion: r for r in report}
    assert by["permanent_basic_farmland"].reason == "no permanent_basic_farmland layer supplied"
    assert by["landcover:cropland"].reason == "no land-cover raster supplied"
    assert by["slope"].reason == "no DEM supplied"
    assert "林光互补" in by["landcover:tree_cover"].reason


def test_land_rule_evaluated():
    shape = (3, 4)
    farmland = np.zeros(shape, bool)
    farmland[0, 0] = True
    settlement = np.zeros(shape, bool)
    settlement[2, 3] = True
    other = np.zeros(shape, bool)
    other[1, 1] = True
    landcover = np.array([[40, 40, 10, 30],
                          [10, 60, 10, 80],
                          [-1, 60, 60, 60]], dtype=np.int32)
    slope = np.array([[0, 0, 0, 30],
                      [0, 0, 26, 0],
                      [np.nan, 5, 5, 5]])
    excluded, report, conditional = evaluate(
        LAND_RULE_2023, masks={"permanent_basic_farmland": farmland, "settlement": settlement, "other": other},
        landcover=landcover, legend="worldcover", slope_deg=slope, shape=shape)
    want = np.array([[1, 1, 0, 1],
                     [0, 1, 1, 1],
                     [0, 0, 0, 1]], bool)
    np.testing.assert_array_equal(excluded, want)
    # tree cover (10) is conditional (林光互补), not excluded; the one at (1, 2) is too steep anyway
    np.testing.assert_array_equal(conditional, (landcover == 10) & ~want)
    by = {r.criterion: r for r in report}
    assert by["permanent_basic_farmland"].status == "evaluated"
    assert by["permanent_basic_farmland"].cells_excluded == 1
    assert by["basic_grassland"].status == "not evaluated"
    assert by["other"].cells_excluded == 1 and by["other"].basis == "user-supplied exclusion layer"
    assert by["landcover:cropland"].cells_excluded == 2
    assert by["landcover:cropland"].cells_without_data == 1
    assert by["landcover:water"].cells_excluded == 1
    assert by["landcover:tree_cover"].cells_conditional == 3 and by["landcover:tree_cover"].cells_excluded == 0
    assert by["landcover:grassland"].cells_conditional == 1
    assert by["slope"].cells_excluded == 2 and by["slope"].cells_without_data == 1
    assert "forest" not in by  # a CLCD class does not appear for a WorldCover raster


def test_no_rule_applies_only_user_layers():
    shape = (2, 2)
    water = np.array([[True, False], [False, False]])
    excluded, report, _ = evaluate(RULE_SETS["none"], masks={"water": water}, landcover=None, legend="clcd",
                                   slope_deg=np.full(shape, 80.0), shape=shape)
    np.testing.assert_array_equal(excluded, water)
    assert [r.criterion for r in report] == ["water"]


def test_evaluate_refuses_bad_input():
    shape = (2, 2)
    with pytest.raises(SitingInputError, match="unknown kind"):
        evaluate(LAND_RULE_2023, masks={"lake": np.zeros(shape, bool)}, landcover=None, legend="worldcover",
                 slope_deg=None, shape=shape)
    with pytest.raises(SitingInputError, match=r"slope_deg: shape \(3, 2\) differs"):
        evaluate(LAND_RULE_2023, masks={}, landcover=None, legend="worldcover", slope_deg=np.zeros((3, 2)),
                 shape=shape)
    with pytest.raises(SitingInputError, match="not in legend 'clcd'"):
        evaluate(LAND_RULE_2023, masks={}, landcover=np.full(shape, 40, np.int32), legend="clcd", slope_deg=None,
                 shape=shape)
    with pytest.raises(SitingInputError, match="unknown legend"):
        evaluate(LAND_RULE_2023, masks={}, landcover=None, legend="corine", slope_deg=None, shape=shape)
