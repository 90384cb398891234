"""The gazetteer (data/places.csv): every place name the registry uses, with coordinates where known.

A row without lon/lat says the name is real but its position is unknown. Users add surveyed coordinates
by filling lon/lat; coordinates copied from Amap/Tencent (GCJ-02) or Baidu (BD-09) must say so in ``crs``
and are converted to WGS-84 on load.
"""

from pathlib import Path

from geo.coords import COORD_SYSTEMS, CoordinateError, to_wgs84
from geo.errors import Problem
from geo.registry import vocab
from geo.registry.records import Place
from geo.registry.rows import read_csv_rows

PLACE_COLUMNS = ("name_zh", "kind", "district_adcode", "lon", "lat", "crs", "precision", "source", "note")
PLACE_KINDS = ("township", "village", "site", "locality")
POINT_PRECISIONS = tuple(p for p in vocab.LOCATION_PRECISIONS if p not in ("district", "city", "province"))


def read_places(path: Path, problems: list[Problem]) -> dict[tuple[str, str], Place]:
    """Read the gazetteer; return places by (district_adcode, name_zh), coordinates in WGS-84.

    Bad rows are reported in ``problems`` and left out.
    """
    places: dict[tuple[str, str], Place] = {}
    for r in read_csv_rows(path, PLACE_COLUMNS, problems):
        before = len(r.problems)
        name = r.text("name_zh", required=True)
        kind = r.code("kind", PLACE_KINDS, required=True)
        adcode = r.text("district_adcode", required=True)
        lon, lat = r.number("lon", minimum=None), r.number("lat", minimum=None)
        crs = r.code("crs", COORD_SYSTEMS) or "wgs84"
        precision = r.code("precision", POINT_PRECISIONS)
        if (lon is None) != (lat is None):
            r.problem("lon" if lon is None else "lat", "give both lon and lat, or neither")
        if lon is not None and lat is not None:
            if precision is None:
                r.problem("precision", f"required with a coordinate; allowed: {', '.join(POINT_PRECISIONS)}")
            try:
                lon, lat = to_wgs84(lon, lat, crs)
            except CoordinateError as exc:
                r.problem("lon/lat", str(exc))
        if len(r.problems) > before or name is None or adcode is None or kind is None:
            continue
        key = (adcode, name)
        if key in places:
            r.problem("name_zh", f"duplicate place {name!r} in {adcode} (first at {places[key].ref})")
            continue
        places[key] = Place(
            name_zh=name, kind=kind, district_adcode=adcode,
            lon=round(lon, 6) if lon is not None else None,
            lat=round(lat, 6) if lat is not None else None,
            precision=precision if lon is not None else None,
            source=r.text("source"), note=r.text("note"), ref=f"{r.path}:{r.line}",
        )
    return places
