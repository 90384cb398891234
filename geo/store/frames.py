"""Records to (Geo)DataFrames, at the edges: for the store, joins, roll-ups and exports."""

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import STORE_CRS
from geo.districts import District, county_containing
from geo.registry.dataset import Dataset

PROJECT_FIELDS = (
    "id", "name_zh", "name_en", "category", "subtype", "capacity_raw", "capacity_mw", "energy_mwh",
    "voltage_kv", "count", "count_unit", "length_km", "action", "status", "target_year",
    "district_adcode", "township", "village", "site", "note",
)

INT_COLUMNS = ("count", "target_year", "year")  # whole numbers that may be missing


def curation(method: str) -> str:
    """``proposed`` for a row parsed by ``energy-planner ingest`` and not yet confirmed, else ``confirmed``."""
    return "proposed" if method == "parsed" else "confirmed"


def plain(value: Any) -> Any:
    """A cell as JSON: NaN, NA and NaT as ``None`` (never served as data), numpy scalars as Python values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def cast_ints(df: pd.DataFrame) -> pd.DataFrame:
    """Give the optional whole-number columns present in ``df`` the nullable Int64 dtype."""
    for col in INT_COLUMNS:
        if col in df:
            df[col] = df[col].astype("Int64")
    return df


def projects_frame(ds: Dataset) -> gpd.GeoDataFrame:
    """One row per project with provenance, location, precision and the point-in-polygon district."""
    rows = []
    for p in ds.registry.projects:
        loc = ds.locations[p.id]
        prov = p.provenance[0]
        plan = ds.plans.get(prov.plan_id)
        row = {f: getattr(p, f) for f in PROJECT_FIELDS}
        row.update(
            district_name_zh=ds.districts[p.district_adcode].name_zh,
            plan_id=prov.plan_id,
            plan_title=plan.title if plan else None,
            plan_line=prov.line,
            quote=prov.quote,
            provenance_method=prov.method,
            curation=curation(prov.method),
            registry_ref=prov.ref,
            lon=loc.lon,
            lat=loc.lat,
            location_precision=loc.precision,
            location_source=loc.source,
        )
        rows.append(row)
    df = pd.DataFrame(rows, columns=[*PROJECT_FIELDS, "district_name_zh", "plan_id", "plan_title", "plan_line",
                                     "quote", "provenance_method", "curation", "registry_ref", "lon", "lat",
                                     "location_precision", "location_source"])
    df = cast_ints(df)
    gdf = gpd.GeoDataFrame(df, geometry=shapely.points(df["lon"], df["lat"]), crs=STORE_CRS)
    return assign_districts(gdf, ds.districts)


def assign_districts(gdf: gpd.GeoDataFrame, districts: dict[str, District]) -> gpd.GeoDataFrame:
    """Add ``mapped_adcode`` (county containing the point) and ``district_check`` against the stated one.

    ``district_check`` is ``match``, ``mismatch``, or ``city_wide`` for rows the plan places only in a
    city or province: those get no ``mapped_adcode`` and no geometry (their ``lon``/``lat`` are the
    city's representative point, for weather only), so no spatial join puts them in the county that
    happens to hold that point.
    """
    gdf = gdf.copy()
    wide = (gdf["district_adcode"].map(lambda a: districts[a].level) != "county").to_numpy()
    gdf["mapped_adcode"] = [None if w else county_containing(districts, x, y)
                            for w, x, y in zip(wide, gdf["lon"], gdf["lat"], strict=True)]
    gdf["district_check"] = "match"
    gdf.loc[gdf["mapped_adcode"] != gdf["district_adcode"], "district_check"] = "mismatch"
    gdf.loc[wide, "district_check"] = "city_wide"
    if wide.any():
        gdf.loc[wide, gdf.geometry.name] = None
    return gdf


def targets_frame(ds: Dataset) -> pd.DataFrame:
    """One row per target with its admin unit's name and provenance."""
    rows = []
    for t in ds.registry.targets:
        prov = t.provenance[0]
        rows.append({
            "id": t.id, "adcode": t.adcode, "admin_name_zh": ds.districts[t.adcode].name_zh,
            "metric": t.metric, "value": t.value, "value_raw": t.value_raw, "unit": t.unit,
            "comparator": t.comparator, "year": t.year, "basis": t.basis, "note": t.note,
            "plan_id": prov.plan_id, "plan_line": prov.line, "quote": prov.quote, "registry_ref": prov.ref,
            "provenance_method": prov.method, "curation": curation(prov.method),
        })
    return cast_ints(pd.DataFrame(rows))


def plans_frame(ds: Dataset) -> pd.DataFrame:
    """The plans' metadata."""
    return pd.DataFrame([vars(p) for p in ds.plans.values()])


def places_frame(ds: Dataset) -> pd.DataFrame:
    """The gazetteer, coordinates in WGS-84 (empty where unknown)."""
    return pd.DataFrame([vars(p) for p in ds.places.values()])
