"""The service's state: immutable snapshots of the store, with their collections serialised, kept current.

The store can change under the service: its own edits (applied to a new snapshot at once), a ``build`` or
another server's edits (noticed by :meth:`Service.watch_store` within ``refresh_s`` seconds, or at once by
an edit, and then the store is read into a new snapshot). Readers never wait: a request takes the current
snapshot once and reads one consistent version from it.
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
from geo.districts import District, districts_of_frame
from geo.errors import StoreError
from geo.rollup import units_within
from geo.store.edits import EditResult, record_edit
from geo.store.file import read_marks
from geo.store.frames import cast_ints

log = logging.getLogger("planner.api")
Marks = tuple[str | None, int]  # the store's build generation and its highest edit id


def store_marks(store: Path) -> Marks:
    """The store's build generation and highest edit id, read now (:func:`geo.store.file.read_marks`)."""
    return read_marks(store)


@dataclass(frozen=True)
class Snapshot:
    """One version of the store as served: layers, collections and the views derived from them.

    A snapshot never changes (its ``cache`` only fills with views of it); an edit or a reload makes a new
    one, so a request that took a snapshot reads one consistent version from start to end, and a cached
    view is always the view of the snapshot that holds it.
    """

    version: int
    marks: Marks
    state: StoreState
    collections: dict[str, Collection]
    units: dict[str, set[str]]  # adcode → the unit and, for a city, its counties
    districts: dict[str, District]  # the store's own districts: what edits are checked against
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Service:
    """The snapshot every request reads, and the edits and reloads that replace it (under :attr:`lock`)."""

    settings: Settings
    snapshot: Snapshot
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def edit(self, project_id: str, op: str, fields: dict[str, Any], who: str, note: str | None,
             allowed: frozenset[str] | None = None, expected_version: int | None = None) -> tuple[EditResult, Snapshot]:
        """Commit one edit to the store; return it and the snapshot that holds it (in commit order).

        ``allowed`` is the editor's districts (``None``: all) and ``expected_version`` the project's edit
        version the editor read (``None``: not checked), both checked against the row in the transaction.
        """
        with self.lock:
            self._refresh_locked()  # a build or another server may have changed the store since the last look
            old = self.snapshot
            result = record_edit(self.settings.store, old.districts, project_id, op, fields, who, note,
                                 allowed=allowed, expected_version=expected_version,
                                 wait_s=self.settings.edit_wait_s)
            marks = store_marks(self.settings.store)
            if marks != (old.marks[0], result.edit_id) or old.marks[1] != result.edit_id - 1:
                self._reload_locked()  # another writer committed too: read everything again
                return result, self.snapshot
            try:
                state, collections = _with_edit(old, result)
            except Exception:  # never serve a state that disagrees with the committed store
                log.exception("could not apply edit %s in memory; reading the store again", result.edit_id)
                self._reload_locked()
                return result, self.snapshot
            self.snapshot = Snapshot(old.version + 1, marks, state, collections, old.units, old.districts)
            return result, self.snapshot

    def refresh(self) -> bool:
        """Read the store again if someone else wrote it (a build, another server); whether it did."""
        if store_marks(self.settings.store) == self.snapshot.marks:
            return False
        with self.lock:
            return self._refresh_locked()

    def _refresh_locked(self) -> bool:
        if store_marks(self.settings.store) == self.snapshot.marks:
            return False
        self._reload_locked()
        return True

    def _reload_locked(self) -> None:
        self.snapshot = read_snapshot(self.settings, self.snapshot.version + 1)

    def watch_store(self) -> None:
        """Poll the store every ``refresh_s`` seconds until :attr:`stopping` is set (run in a thread)."""
        while not self.stopping.wait(self.settings.refresh_s):
            try:
                if self.refresh():
                    log.info("the store changed on disk: serving version %s (%s)", self.snapshot.version,
                             self.snapshot.marks)
            except (StoreError, sqlite3.Error, OSError) as exc:
                log.warning("could not read the changed store, serving the previous version: %s", exc)


def read_snapshot(settings: Settings, version: int) -> Snapshot:
    """The store as it is now (built first if missing), with its collections serialised."""
    marks = store_marks(settings.store) if settings.store.exists() else (None, -1)
    state = load_state(settings.data_dir, settings.store)
    if marks != store_marks(settings.store):  # built just now, or changed while being read: read again next poll
        marks = (None, -1)
    return Snapshot(version, marks, state, build_collections(state), _units(state), districts_of_frame(state.districts))


def _with_edit(snap: Snapshot, result: EditResult) -> tuple[StoreState, dict[str, Collection]]:
    """The state and collections of ``snap`` with one committed edit applied."""
    project_id = result.project_id
    was_substation = project_id in snap.collections["substations"].index
    state = _with_project(snap.state, project_id, result.project)
    if result.op == "update" and result.project is not None and not was_substation \
            and result.project["category"] != "substation":  # the common case: one feature changes
        coll = snap.collections["projects"]
        geom = shapely.Point(result.project["lon"], result.project["lat"])
        updated = coll.with_feature(coll.index[project_id], result.project, geom)
        return state, {**snap.collections, "projects": updated}
    return state, {**snap.collections, **project_collections(state.projects)}


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
    return Service(settings, read_snapshot(settings, 0))
