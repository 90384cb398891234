"""``build``: compile the registry into the store, replay the user's edits, swap the new contents in."""

import os
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio

from geo.districts import districts_frame
from geo.errors import StoreError
from geo.registry.dataset import Dataset, load_valid
from geo.store.edits import SkippedEdit, apply_edits
from geo.store.file import BUILD_WAIT_S, FORMAT, META_DDL, check_store, read_rows, store_lock, swap_in, table_names
from geo.store.frames import places_frame, plans_frame, projects_frame, targets_frame

EDITS_DDL = """
CREATE TABLE IF NOT EXISTS edits (
    edit_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    project_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
    fields TEXT NOT NULL,
    before TEXT,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT
)"""
API_KEYS_DDL = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    salt TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created TEXT NOT NULL,
    revoked TEXT
)"""


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote, and the edits it kept in the trail but could not apply."""

    store: Path
    generation: str
    projects: int
    targets: int
    districts: int
    edits_applied: int
    skipped_edits: tuple[SkippedEdit, ...]
    precision_counts: dict[str, int]


def build(data_dir: Path, store: Path, *, wait_s: float = BUILD_WAIT_S) -> BuildReport:
    """Validate the data folder and (re)build the store, keeping the user's edits and keys.

    The lock is held from reading the user's tables to swapping the new contents in, so no edit can
    land in between and be lost; edit ids continue where the trail left off, never reused.

    Raises
    ------
    geo.errors.RegistryError
        If the data folder has problems; the store is left as it was.
    geo.errors.StoreError
        If the path holds something other than a complete planner store (nothing is written), or the
        lock is held by another process for longer than ``wait_s``.
    """
    ds = load_valid(data_dir)
    with store_lock(store, wait_s):
        exists = os.path.lexists(store)
        if exists:
            check_store(store)
        edits = read_rows(store, "SELECT * FROM edits ORDER BY edit_id") if exists else []
        keys = read_rows(store, "SELECT * FROM api_keys") if exists else []
        sequence = _edit_sequence(store) if exists else 0
        gdf, skipped = apply_edits(projects_frame(ds), edits, ds.districts)
        generation = uuid.uuid4().hex
        for stale in store.parent.glob(f".{store.name}.*.build*"):  # left by a killed build (we hold the lock)
            stale.unlink(missing_ok=True)
        tmp = store.with_name(f".{store.name}.{os.getpid()}.build.gpkg")
        try:
            try:
                _write(tmp, ds, gdf, edits, keys, sequence, generation)
            except (sqlite3.Error, OSError, RuntimeError) as exc:  # pyogrio's errors are RuntimeErrors (disk full)
                raise StoreError(f"store {store}: the new build could not be written, the store is unchanged: "
                                 f"{str(exc)[:200]}") from None
            swap_in(tmp, store)
        finally:
            for leftover in store.parent.glob(f"{tmp.name}*"):
                leftover.unlink(missing_ok=True)
    return BuildReport(
        store=store, generation=generation, projects=len(gdf), targets=len(ds.registry.targets),
        districts=len(ds.districts), edits_applied=len(edits) - len(skipped), skipped_edits=tuple(skipped),
        precision_counts={str(k): int(v) for k, v in gdf["location_precision"].value_counts().sort_index().items()},
    )


def _edit_sequence(store: Path) -> int:
    """The highest edit id ever given (SQLite's AUTOINCREMENT counter), so a rebuild never reuses one."""
    if "sqlite_sequence" not in table_names(store):
        return 0
    rows = read_rows(store, "SELECT seq FROM sqlite_sequence WHERE name = 'edits'", as_dicts=False)
    return int(rows[0][0]) if rows else 0


def _write(tmp: Path, ds: Dataset, projects: gpd.GeoDataFrame, edits: list[dict[str, Any]],
           keys: list[dict[str, Any]], sequence: int, generation: str) -> None:
    pyogrio.write_dataframe(districts_frame(ds.districts), tmp, layer="districts", driver="GPKG")
    pyogrio.write_dataframe(projects, tmp, layer="projects", driver="GPKG")
    for name, frame in (("targets", targets_frame(ds)), ("plans", plans_frame(ds)), ("places", places_frame(ds))):
        pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.execute("BEGIN")
        create_user_tables(con)
        con.executemany(
            "INSERT INTO edits (edit_id, project_id, op, fields, before, who, at, note) "
            "VALUES (:edit_id, :project_id, :op, :fields, :before, :who, :at, :note)", edits)
        con.execute("DELETE FROM sqlite_sequence WHERE name = 'edits'")
        con.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('edits', "
                    "max(?, (SELECT coalesce(max(edit_id), 0) FROM edits)))", (sequence,))
        con.executemany("INSERT INTO api_keys (key_id, name, scope, salt, key_hash, created, revoked) "
                        "VALUES (:key_id, :name, :scope, :salt, :key_hash, :created, :revoked)", keys)
        con.execute(META_DDL)
        built = datetime.now(UTC).isoformat(timespec="seconds")
        con.executemany("INSERT INTO planner_meta (key, value) VALUES (?, ?)",
                        [("format", FORMAT), ("generation", generation), ("built_at", built)])
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def create_user_tables(con: sqlite3.Connection) -> None:
    """Create the user's tables (``edits``, ``api_keys``) where missing, ``edits`` listed as a GeoPackage table."""
    con.execute(EDITS_DDL)
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES ('edits', 'attributes', 'edits', 'user edits of projects: the audit trail, kept across builds')"
    )
    con.execute(API_KEYS_DDL)
