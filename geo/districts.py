"""District boundaries (WGS-84 polygons with adcodes), representative points and point-in-polygon."""

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.files import not_regular_file

STORE_CRS = "EPSG:4326"
METRIC_CRS = "EPSG:32649"  # UTM 49N: lengths and areas


@dataclass(frozen=True)
class District:
    """An admin unit and its WGS-84 outline."""

    adcode: str
    name_zh: str
    name_en: str
    level: str
    parent_adcode: str
    geometry: BaseGeometry


def read_districts(path: Path) -> dict[str, District]:
    """Read ``districts.geojson``; return districts by adcode.

    Raises
    ------
    ValueError
        If the file is not a regular file, not in EPSG:4326, or a geometry is invalid.
    """
    not_regular = not_regular_file(path)
    if not_regular:
        raise ValueError(f"{path}: {not_regular}")
    gdf = gpd.read_file(path)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise ValueError(f"{path}: boundaries must be EPSG:4326, got {gdf.crs}")
    out = {}
    for row in gdf.itertuples(index=False):
        if not row.geometry.is_valid:
            raise ValueError(f"{path}: geometry of {row.adcode} is invalid: {shapely.is_valid_reason(row.geometry)}")
        adcode = str(row.adcode)
        out[adcode] = District(adcode, row.name_zh, row.name_en, row.level, str(row.parent_adcode), row.geometry)
    return out


def representative_point(district: District) -> tuple[float, float]:
    """A point guaranteed inside the district (lon, lat) [degrees], stable across runs."""
    p = district.geometry.representative_point()
    return round(p.x, 6), round(p.y, 6)


def county_containing(districts: dict[str, District], lon: float, lat: float) -> str | None:
    """Adcode of the county-level unit containing (lon, lat), or None when outside all of them."""
    point = shapely.Point(lon, lat)
    for d in districts.values():
        if d.level == "county" and d.geometry.covers(point):
            return d.adcode
    return None


def contains(district: District, lon: float, lat: float) -> bool:
    """Whether the district (boundary included) contains (lon, lat)."""
    return bool(district.geometry.covers(shapely.Point(lon, lat)))


def districts_frame(districts: dict[str, District]) -> gpd.GeoDataFrame:
    """Districts as a GeoDataFrame in EPSG:4326 (area measured in EPSG:32649)."""
    gdf = gpd.GeoDataFrame(
        [
            {"adcode": d.adcode, "name_zh": d.name_zh, "name_en": d.name_en, "level": d.level,
             "parent_adcode": d.parent_adcode, "geometry": d.geometry}
            for d in districts.values()
        ],
        geometry="geometry",
        crs=STORE_CRS,
    )
    gdf["area_km2"] = (gdf.to_crs(METRIC_CRS).area / 1e6).round(1)
    return gdf
