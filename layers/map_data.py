"""What the map is made from (:class:`MapData`, read from the store) and what each layer gives the page.

A layer gives the page a :class:`MapLayer`: its name and a JSON-ready payload. Helpers here turn columns
into JSON values.
"""

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.store.file import read_table
from geo.store.frames import cast_ints

YIELD_COLUMNS = ("id", "specific_yield_kwh_per_kwp", "annual_energy_mwh")
PROJECT_COLUMNS = ("id", "name_zh", "name_en", "category", "subtype", "capacity_raw", "capacity_mw", "voltage_kv",
                   "action", "status", "target_year", "district_adcode", "district_name_zh", "plan_id", "plan_title",
                   "plan_line", "quote", "lon", "lat", "location_precision")


@dataclass(frozen=True)
class MapData:
    """The frames the layers are built from.

    Attributes
    ----------
    projects : DataFrame
        The store's ``projects`` layer: ``id``, ``name_zh``, ``name_en``, ``category``, ``subtype``,
        ``capacity_mw``, ``voltage_kv``, ``action``, ``status``, ``target_year``, ``district_adcode``,
        ``lon``, ``lat`` (WGS-84, the true coordinate), ``location_precision``, ``plan_id``,
        ``plan_line``, ``quote``, ...
    districts : GeoDataFrame
        The store's ``districts`` layer (EPSG:4326).
    targets : DataFrame
        The store's ``targets`` table.
    plans : DataFrame
        The store's ``plans`` table (``plan_id``, ``title``, ...).
    yields : DataFrame or None
        PV yield per project, columns ``id``, ``specific_yield_kwh_per_kwp``, ``annual_energy_mwh``;
        ``None`` leaves the ``pv_yield`` layer out.
    """

    projects: pd.DataFrame
    districts: gpd.GeoDataFrame
    targets: pd.DataFrame
    plans: pd.DataFrame
    yields: pd.DataFrame | None = None

    @property
    def parents(self) -> dict[str, str]:
        """Parent adcode by adcode."""
        return dict(zip(self.districts["adcode"].astype(str), self.districts["parent_adcode"].astype(str),
                        strict=True))


@dataclass(frozen=True)
class MapLayer:
    """One built layer: its registered name and the JSON-ready payload the page's script draws.

    Attributes
    ----------
    name : str
        The name under which the builder is registered (``layers.layer_registry.LAYERS``); the page
        picks its drawing function by this name.
    payload : dict
        Plain JSON values only (str, int, float, bool, None, lists, dicts).
    """

    name: str
    payload: dict[str, Any]


def text_values(series: pd.Series) -> list[str | None]:
    """A column as JSON strings (missing values as ``None``)."""
    missing = series.isna().to_numpy().tolist()
    return [None if m else str(v) for v, m in zip(series.to_numpy(dtype=object).tolist(), missing, strict=True)]


def number_values(series: pd.Series, decimals: int) -> list[float | int | None]:
    """A column as JSON numbers rounded to ``decimals`` (whole numbers as ints; missing or infinite as ``None``)."""
    rounded = np.round(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan), decimals)
    return [None if not math.isfinite(v) else int(v) if v.is_integer() else v for v in rounded.tolist()]


def int_values(series: pd.Series) -> list[int | None]:
    """A column of whole numbers as JSON ints (missing as ``None``)."""
    return [None if pd.isna(v) else int(v) for v in series.tolist()]


def read_project_columns(store: Path) -> pd.DataFrame:
    """The columns of the store's ``projects`` layer the map uses (:data:`PROJECT_COLUMNS`), no geometry.

    Reads a few columns rather than the whole layer (``geo.store.file.read_table``): with 10,000 projects
    that halves the time to read. ``lon``/``lat`` are the geometry's coordinates, as the store writes them.
    """
    present = set(pyogrio.read_info(store, layer="projects")["fields"])
    columns = [c for c in PROJECT_COLUMNS if c in present]
    return cast_ints(pyogrio.read_dataframe(store, layer="projects", columns=columns, read_geometry=False))


def read_map_data(store: Path, yields: pd.DataFrame | None = None) -> MapData:
    """Read the frames of a store for the map.

    Parameters
    ----------
    store : Path
        A GeoPackage written by ``geo.store.build.build``.
    yields : DataFrame, optional
        PV yield per project (see :class:`MapData`).

    Raises
    ------
    FileNotFoundError
        If ``store`` does not exist.
    """
    if not store.exists():
        raise FileNotFoundError(f"no store at {store}: run `energy-planner build` first")
    return MapData(
        projects=read_project_columns(store),
        districts=read_table(store, "districts"),
        targets=cast_ints(read_table(store, "targets")),
        plans=read_table(store, "plans"),
        yields=yields,
    )
