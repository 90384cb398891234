"""The service's state: the store read once at startup, its collections serialised, kept current.

The store can change under the service: its own edits (applied to the served state at once), a
``build`` or another server's edits (noticed by :meth:`Service.watch_store` within ``refresh_s`` seconds, or at
once by an edit, and then the state is read again). Readers never wait: they read one consistent
version, swapped in under :attr:`Service.lock`.
"""

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from api.features import Collection, build_collections, project_collections
from api.settings import Settings
from api.state import StoreState, load_state
from geo.errors import RegistryError, StoreError
from geo.frames import cast_ints
from geo.rollup import units_within
from geo.store.edits import EditResult, record_edit
from geo.store.file import read_rows, table_names
from geo.validate import Dataset, load_valid

log = logging.getLogger("planner.api")
Marks = tuple[str | None, int]  # the store's build generation and its highest edit id


def store_marks(store: Path) -> Marks:
    """The store's build generation and highest edit id, read now (a fresh read-only connection).

    A fresh connection each time: GDAL's own SQLite in this process (the layer reads) releases the POSIX
    locks of any long-lived connection when it closes the file, after which that connection stops
    seeing other processes' commits.
    """
    names = table_names(store)
    generation = read_rows(store, "SELECT value FROM planner_meta WHERE key = 'generation'", as_dicts=False) \
        if "planner_meta" in names else []
    seq = read_rows(store, "SELECT max(edit_id) FROM edits", as_dicts=False)[0][0]
    return (generation[0][0] if generation else None, int(seq or 0))


@dataclass
class Service:
    """What every request reads; changes replace it under :attr:`lock`, so a reader sees one version."""

    settings: Settings
    state: StoreState
    dataset: Dataset
    collections: dict[str, Collection]
    units: dict[str, set[str]]  # adcode → the unit and, for a city, its counties
    marks: Marks
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict[str, Any] = field(default_factory=dict)  # derived views (map page, layers), dropped on change
    stopping: threading.Event = field(default_factory=threading.Event)

    def edit(self, project_id: str, op: str, fields: dict[str, Any], who: str, note: str | None,
             allowed: frozenset[str] | None = None) -> EditResult:
        """Commit one edit to the store, then update the served collections (in commit order).

        ``allowed`` is the editor's districts (``None``: all), checked against the row in the transaction.
        """
        with self.lock:
            self._refresh_locked()  # a build or another server may have changed the rows and the registry
            result = record_edit(self.state.store, self.dataset, project_id, op, fields, who, note,
                                 allowed=allowed, wait_s=self.settings.edit_wait_s)
            marks = store_marks(self.state.store)
            if marks != (self.marks[0], result.edit_id) or self.marks[1] != result.edit_id - 1:
                self._reload_locked()  # another writer committed too: read everything again
                return result
            try:
                self._apply_locked(result)
            except Exception:  # never serve a state that disagrees with the committed store
                log.exception("could not apply edit %s in memory; reading the store again", result.edit_id)
                self._reload_locked()
                return result
            self.marks = marks
            self.version += 1
            self.cache = {}
        return result

    def _apply_locked(self, result: EditResult) -> None:
        project_id = result.project_id
        was_substation = project_id in self.collections["substations"].index
        self.state = _with_project(self.state, project_id, result.project)
        if result.op == "update" and result.project is not None and not was_substation \
                and result.project["category"] != "substation":  # the common case: one feature changes
            coll = self.collections["projects"]
            geom = shapely.Point(result.project["lon"], result.project["lat"])
            updated = coll.with_feature(coll.index[project_id], result.project, geom)
            self.collections = {**self.collections, "projects": updated}
        else:
            self.collections = {**self.collections, **project_collections(self.state.projects)}

    def refresh(self) -> bool:
        """Read the store again if someone else wrote it (a build, another server); whether it did."""
        if store_marks(self.state.store) == self.marks:
            return False
        with self.lock:
            return self._refresh_locked()

    def _refresh_locked(self) -> bool:
        if store_marks(self.state.store) == self.marks:
            return False
        self._reload_locked()
        return True

    def _reload_locked(self) -> None:
        marks = store_marks(self.settings.store)  # before reading: a later commit differs and is read next time
        state = load_state(self.settings.data_dir, self.settings.store)
        try:
            self.dataset = load_valid(self.settings.data_dir)
        except RegistryError:  # the registry is being edited; the store was built from a valid one
            log.warning("the data folder does not validate now; edits are checked against the registry read before")
        self.state, self.collections = state, build_collections(state)
        self.units = _units(state)
        self.marks = marks
        self.version += 1
        self.cache = {}

    def watch_store(self) -> None:
        """Poll the store every ``refresh_s`` seconds until :attr:`stopping` is set (run in a thread)."""
        while not self.stopping.wait(self.settings.refresh_s):
            try:
                if self.refresh():
                    log.info("the store changed on disk: serving version %s (%s)", self.version, self.marks)
            except (StoreError, sqlite3.Error, OSError) as exc:
                log.warning("could not read the changed store, serving the previous version: %s", exc)


def _units(state: StoreState) -> dict[str, set[str]]:
    parents = state.parents
    return {str(a): units_within(str(a), parents) for a in state.districts["adcode"]}


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
    kept = df.drop(index=df.index[hits]) if len(hits) else df
    if project is not None:
        row = cast_ints(pd.DataFrame([project]))
        new = gpd.GeoDataFrame(row, geometry=[shapely.Point(project["lon"], project["lat"])], crs=df.crs)
        kept = pd.concat([kept, new], ignore_index=True) if len(kept) else new
    projects = gpd.GeoDataFrame(cast_ints(kept.reset_index(drop=True)), geometry="geometry", crs=df.crs)
    return StoreState(state.store, projects, state.districts, state.targets)


def start(settings: Settings) -> Service:
    """Read the store (building it first if missing) and serialise the collections."""
    marks = store_marks(settings.store) if settings.store.exists() else (None, 0)
    state = load_state(settings.data_dir, settings.store)
    if marks != store_marks(settings.store):  # built just now, or changed while being read: the next poll reads it
        marks = (None, -1)
    return Service(settings, state, load_valid(settings.data_dir), build_collections(state), _units(state), marks)
