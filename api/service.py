"""The service's state: the store read once at startup, its collections serialised, kept current on edits."""

import threading
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from api.features import Collection, build_collections, project_collections
from api.settings import Settings
from api.state import StoreState, load_state
from geo.frames import cast_ints
from geo.rollup import units_within
from geo.store import EditResult, record_edit
from geo.validate import Dataset, load_valid


@dataclass
class Service:
    """What every request reads; edits replace it under :attr:`lock`, so a reader sees one version."""

    settings: Settings
    state: StoreState
    dataset: Dataset
    collections: dict[str, Collection]
    units: dict[str, set[str]]  # adcode → the unit and, for a city, its counties
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict[str, Any] = field(default_factory=dict)  # derived views (map page, layers), dropped on edit

    def edit(self, project_id: str, op: str, fields: dict[str, Any], who: str, note: str | None) -> EditResult:
        """Commit one edit to the store, then update the served collections (in commit order)."""
        with self.lock:
            result = record_edit(self.state.store, self.dataset, project_id, op, fields, who, note)
            was_substation = project_id in self.collections["substations"].index
            self.state = _with_project(self.state, project_id, result.project)
            if op == "update" and result.project is not None and not was_substation \
                    and result.project["category"] != "substation":  # the common case: one feature changes
                coll = self.collections["projects"]
                geom = shapely.Point(result.project["lon"], result.project["lat"])
                updated = coll.with_feature(coll.index[project_id], result.project, geom)
                self.collections = {**self.collections, "projects": updated}
            else:
                self.collections = {**self.collections, **project_collections(self.state.projects)}
            self.version += 1
            self.cache = {}
        return result


def _with_project(state: StoreState, project_id: str, project: dict[str, Any] | None) -> StoreState:
    """``state`` with one project replaced, added (at the end) or removed (``project is None``)."""
    df = state.projects
    hits = (df["id"] == project_id).to_numpy().nonzero()[0]
    if len(hits) and project is not None:  # an update: copy, then set the row's cells
        out = df.copy()
        for name, value in project.items():
            if name in out.columns:
                out.iat[hits[0], out.columns.get_loc(name)] = value
        out.iat[hits[0], out.columns.get_loc(out.geometry.name)] = shapely.Point(project["lon"], project["lat"])
        return StoreState(state.store, out, state.districts, state.targets)
    parts = [df.iloc[:hits[0]], df.iloc[hits[0] + 1:]] if len(hits) else [df]
    if project is not None:
        row = cast_ints(pd.DataFrame([project]))
        new = gpd.GeoDataFrame(row, geometry=[shapely.Point(project["lon"], project["lat"])], crs=df.crs)
        parts = [parts[0], new, *parts[1:]]
    merged = pd.concat([p for p in parts if len(p)], ignore_index=True)
    projects = gpd.GeoDataFrame(cast_ints(merged), geometry="geometry", crs=df.crs)
    return StoreState(state.store, projects, state.districts, state.targets)


def start(settings: Settings) -> Service:
    """Read the store (building it first if missing) and serialise the collections."""
    state = load_state(settings.data_dir, settings.store)
    parents = state.parents
    units = {str(a): units_within(str(a), parents) for a in state.districts["adcode"]}
    return Service(settings, state, load_valid(settings.data_dir), build_collections(state), units)
