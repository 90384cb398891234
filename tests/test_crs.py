"""geo.crs: the UTM zone of a point or an area, and siting far from Hunan measured in its own zone."""

import json
from pathlib import Path

import numpy as np
import pyproj
import pytest
import rasterio
import shapely

from api.cli import main
from geo.crs import STORE_CRS, area_crs, utm_crs, utm_zone
from geo.districts import District, districts_frame, read_boundaries
from solar.siting.cells import candidate_grid

DATA = Path(__file__).resolve().parents[1] / "data"
GEOD = pyproj.Geod(ellps="WGS84")
#: A small square inside 乌鲁木齐市天山区 (650102), 87.6° E: UTM zone 45, far outside the old 102-120° E limit.
URUMQI = shapely.box(87.6007, 43.7005, 87.6407, 43.7405)


@pytest.mark.parametrize(("lon", "lat", "crs"), [
    (87.6, 43.8, "EPSG:32645"),    # 乌鲁木齐
    (116.4, 39.9, "EPSG:32650"),   # 北京
    (113.1, 29.4, "EPSG:32649"),   # 岳阳
    (91.1, 29.7, "EPSG:32646"),    # 拉萨
    (73.5, 39.4, "EPSG:32643"),    # China's west end
    (134.7, 48.4, "EPSG:32653"),   # China's east end
    (114.0, 25.0, "EPSG:32650"),   # a zone's east edge belongs to the next zone
    (-70.6, -33.4, "EPSG:32719"),  # south of the equator: 327zz
    (180.0, 0.0, "EPSG:32660"),
])
def test_utm_crs_of_known_points(lon, lat, crs):
    assert utm_crs(lon, lat) == crs


@pytest.mark.parametrize(("lon", "lat"), [(181.0, 0.0), (0.0, 91.0), (float("nan"), 0.0), (0.0, float("inf"))])
def test_utm_crs_refuses_impossible_points(lon, lat):
    with pytest.raises(ValueError, match="outside"):
        utm_crs(lon, lat)


def test_area_crs_takes_the_centroid_zone():
    assert area_crs(URUMQI) == "EPSG:32645"
    assert area_crs((113.0, 29.0, 113.9, 29.8)) == "EPSG:32649"
    # spanning a zone edge (114° E), the zone holding the centroid wins
    assert area_crs(shapely.box(113.5, 28.0, 114.3, 28.5)) == "EPSG:32649"
    assert utm_zone(113.999) == 49 and utm_zone(114.0) == 50
    with pytest.raises(ValueError):
        area_crs(shapely.Polygon())
    with pytest.raises(ValueError, match="four numbers"):
        area_crs((1.0, 2.0, 3.0))


def test_county_areas_are_measured_in_their_own_zone():
    """districts_frame's area_km2 agrees with the geodesic area within 0.1 % far from zone 49 too."""
    bounds = read_boundaries(DATA / "boundaries")
    districts = {a: District(a, a, a, "county", "", bounds.outlines[a]) for a in ("650102", "540102", "430682")}
    frame = districts_frame(districts)
    for row in frame.itertuples():
        geodesic_km2 = abs(GEOD.geometry_area_perimeter(row.geometry)[0]) / 1e6
        assert row.area_km2 == pytest.approx(geodesic_km2, rel=1e-3, abs=0.1), row.adcode


def test_candidate_grid_far_from_hunan_is_laid_in_its_zone():
    grid = candidate_grid(URUMQI, 1000.0)
    assert grid.crs == "EPSG:32645"
    assert grid.n_inside > 0 and grid.cell_area_km2 == 1.0
    assert np.all(np.abs(grid.lon[grid.inside] - 87.62) < 0.03)  # centres come back where they were


def _geodesic_cell_km2(transform, crs: str, row: int, col: int) -> float:
    to_lonlat = pyproj.Transformer.from_crs(crs, STORE_CRS, always_xy=True)
    xs, ys = zip(*(transform @ (col + dc, row + dr) for dc, dr in ((0, 0), (1, 0), (1, 1), (0, 1))), strict=True)
    lon, lat = to_lonlat.transform(np.array(xs), np.array(ys))
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0]) / 1e6


def test_site_polygon_far_from_hunan(tmp_path, built_store, capsys):
    """A drawn polygon at 87.6° E (once refused) is sited in UTM 45N; its 1 km cells are 1 km² within 0.1 %."""
    polygon = tmp_path / "urumqi.geojson"
    polygon.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(URUMQI)}]}), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--store", str(built_store), "site", "--polygon", str(polygon), "--resolution", "1000",
                 "--out", str(out), "--no-progress", "--no-map", "--scheduler", "none"]) == 0
    capsys.readouterr()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["crs"] == "EPSG:32645"
    assert report["cells"]["cell_area_km2"] == 1.0 and report["cells"]["inside"] > 0
    with rasterio.open(out / "suitability.tif") as src:
        assert src.crs.to_epsg() == 32645
        transform, (rows, cols) = src.transform, src.shape
    assert transform.a == 1000.0 and transform.e == -1000.0
    for row, col in ((0, 0), (rows - 1, cols - 1)):
        assert _geodesic_cell_km2(transform, "EPSG:32645", row, col) == pytest.approx(1.0, rel=1e-3)
    # measured in Hunan's zone 49 instead, the same cells would be off by far more than 0.1 %
    grid49 = pyproj.Transformer.from_crs(STORE_CRS, "EPSG:32649", always_xy=True)
    x, y = grid49.transform(87.62, 43.72)
    to_lonlat = pyproj.Transformer.from_crs("EPSG:32649", STORE_CRS, always_xy=True)
    lon, lat = to_lonlat.transform(np.array([x, x + 1000, x + 1000, x]), np.array([y, y, y + 1000, y + 1000]))
    assert abs(abs(GEOD.polygon_area_perimeter(lon, lat)[0]) / 1e6 - 1.0) > 0.01
