"""The embedded store: one GeoPackage (SQLite) that QGIS opens, rebuilt from the registry.

Layers: ``districts`` (polygons), ``projects`` (points), and attribute tables ``targets``, ``plans``,
``places``, ``edits`` and ``api_keys``. ``edits`` is the user's: every create/update/delete of a project with
who, when, before and after; ``api_keys`` holds the service's keys, hashed. ``build`` regenerates everything
else from the registry and then re-applies the edits, so a rebuild never drops them; it writes a new file
and renames it over the old one, so a failed build leaves the old store whole. ``build`` is an offline step:
stop the service first (``make run`` builds, then serves). Edits are applied in place (:func:`record_edit`).
"""

import json
import math
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo import gpkg, vocab
from geo.coords import COORD_SYSTEMS, CoordinateError, to_wgs84
from geo.districts import contains, districts_frame, representative_point
from geo.errors import NotFoundError
from geo.export import atomic_write
from geo.frames import assign_districts, cast_ints, places_frame, plain, plans_frame, projects_frame, targets_frame
from geo.validate import Dataset, load_valid

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
MAX_CAPACITY_MW = 100_000  # the largest plants are ~22,500 MW (三峡): a larger value is a typo or a unit slip
MAX_VOLTAGE_KV = 1_200  # China's highest transmission voltage is ±1,100 kV DC / 1,000 kV AC
EDITABLE_FIELDS = ("name_zh", "name_en", "category", "subtype", "capacity_mw", "voltage_kv", "action", "status",
                   "target_year", "district_adcode", "township", "village", "site", "note", "lon", "lat")


class EditError(ValueError):
    """An edit that would put bad data in the store (field, value and allowed values in the message)."""


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote."""

    store: Path
    projects: int
    targets: int
    districts: int
    edits_applied: int
    orphan_edits: tuple[int, ...]
    precision_counts: dict[str, int]


def connect(store: Path) -> sqlite3.Connection:
    """Open the store for writing: WAL, a busy timeout, full sync, explicit transactions (``BEGIN IMMEDIATE``)."""
    con = sqlite3.connect(store, timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA busy_timeout=30000")
    con.execute("PRAGMA synchronous=FULL")  # an acknowledged edit is on disk, not only in the OS cache
    return con


def _ensure_edits_table(con: sqlite3.Connection) -> None:
    con.execute(EDITS_DDL)
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES ('edits', 'attributes', 'edits', 'user edits of projects: the audit trail, kept across builds')"
    )


def ensure_keys_table(con: sqlite3.Connection) -> None:
    """Create the service's ``api_keys`` table (hashed keys only; kept across builds) if missing."""
    con.execute(API_KEYS_DDL)


def _read_rows(store: Path, table: str, query: str) -> list[dict[str, Any]]:
    """Rows of a user table as dicts (empty when the store or the table does not exist)."""
    if not store.exists():
        return []
    con = sqlite3.connect(store)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            return []
        cur = con.execute(query)
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def _read_keys(store: Path) -> list[dict[str, Any]]:
    return _read_rows(store, "api_keys", "SELECT * FROM api_keys")


def read_edits(store: Path) -> list[dict[str, Any]]:
    """The edits recorded in a store, oldest first (empty when the store or the table does not exist)."""
    return _read_rows(store, "edits",
                      "SELECT edit_id, project_id, op, fields, before, who, at, note FROM edits ORDER BY edit_id")


def check_edit(fields: dict[str, Any], district_adcode: str, ds: Dataset) -> dict[str, Any]:
    """Validate edited fields like registry rows; return them with lon/lat in WGS-84.

    ``fields`` may carry ``crs`` (``wgs84``, ``gcj02``, ``bd09``) for the coordinate; the point must lie
    inside the project's district.

    Raises
    ------
    EditError
        Naming the field, the value and the allowed values.
    """
    out = dict(fields)
    crs = out.pop("crs", "wgs84")
    unknown = sorted(set(out) - set(EDITABLE_FIELDS))
    if unknown:
        raise EditError(f"unknown field(s) {', '.join(unknown)}; editable: {', '.join(EDITABLE_FIELDS)}")
    for name, table in (("category", vocab.CATEGORIES), ("status", vocab.STATUSES), ("action", vocab.ACTIONS)):
        if name in out and out[name] is not None and out[name] not in table:
            raise EditError(f"{name}: unknown value {out[name]!r}; allowed: {', '.join(table)}")
    for name, most in (("capacity_mw", MAX_CAPACITY_MW), ("voltage_kv", MAX_VOLTAGE_KV)):
        value = out.get(name)
        if value is not None and (not isinstance(value, int | float) or not math.isfinite(value) or value < 0):
            raise EditError(f"{name}: must be a finite number >= 0, got {value!r}")
        if value is not None and value > most:
            raise EditError(f"{name}: {value!r} is above {most:,}, more than any plant or line")
    adcode = out.get("district_adcode", district_adcode)
    if adcode not in ds.districts:
        raise EditError(f"district_adcode: unknown district {adcode!r}; allowed: {', '.join(sorted(ds.districts))}")
    if ("lon" in out) != ("lat" in out):
        raise EditError("lon/lat: give both")
    if "lon" in out:
        if crs not in COORD_SYSTEMS:
            raise EditError(f"crs: unknown {crs!r}; allowed: {', '.join(COORD_SYSTEMS)}")
        try:
            lon, lat = to_wgs84(float(out["lon"]), float(out["lat"]), crs)
        except (CoordinateError, TypeError, ValueError) as exc:
            raise EditError(f"lon/lat: {exc}") from None
        if not contains(ds.districts[adcode], lon, lat):
            raise EditError(f"lon/lat: {lon:.6f},{lat:.6f} (WGS-84) is outside district {adcode}")
        out["lon"], out["lat"] = round(lon, 6), round(lat, 6)
    return out


class ConflictError(EditError):
    """An edit that clashes with the store's current state (creating a project id that exists)."""


@dataclass(frozen=True)
class EditResult:
    """One committed edit: its audit-trail row and the project as it now is (``None`` once deleted)."""

    edit_id: int
    at: str
    op: str
    project_id: str
    project: dict[str, Any] | None


def _row(con: sqlite3.Connection, project_id: str) -> tuple[int | None, dict[str, Any] | None, list[str]]:
    cur = con.execute("SELECT * FROM projects WHERE id = ?", (project_id,))
    columns = [c[0] for c in cur.description]
    found = cur.fetchone()
    if found is None:
        return None, None, columns
    row = dict(zip(columns, found, strict=True))
    return row.pop("fid"), row, columns


def _frame(row: dict[str, Any] | None, columns: list[str]) -> gpd.GeoDataFrame:
    """The projects layer's row (or no row) as the frame :func:`apply_edits` works on."""
    names = [c for c in columns if c not in ("fid", "geom")]
    df = cast_ints(pd.DataFrame([row] if row else [], columns=names))
    geometry = shapely.points(df["lon"].astype(float), df["lat"].astype(float))
    return gpd.GeoDataFrame(df.drop(columns="geom", errors="ignore"), geometry=geometry, crs="EPSG:4326")


def record_edit(store: Path, ds: Dataset, project_id: str, op: str, fields: dict[str, Any], who: str,
                note: str | None = None) -> EditResult:
    """Check one edit, append it to the audit trail and apply it to the ``projects`` layer, in place.

    One ``BEGIN IMMEDIATE`` transaction (WAL, ``synchronous=FULL``) reads the project, records the edit
    and updates the row and its spatial index: concurrent writers queue instead of failing, and an
    acknowledged edit survives the process being killed. The row is computed by :func:`apply_edits`, the
    function a rebuild uses, so a rebuild gives the same layer.

    Raises
    ------
    EditError
        For a bad field, value or op (``ConflictError`` for creating an existing id); nothing is written.
    geo.errors.NotFoundError
        For updating or deleting a project the store does not have; nothing is written.
    """
    if op not in ("create", "update", "delete"):
        raise EditError(f"op: unknown {op!r}; allowed: create, update, delete")
    con = connect(store)
    gpkg.register_functions(con)
    try:
        con.execute("BEGIN IMMEDIATE")
        fid, current, columns = _row(con, project_id)
        if op in ("update", "delete") and current is None:
            raise NotFoundError(f"no project {project_id!r} in the store")
        if op == "create" and current is not None:
            raise ConflictError(f"id: project {project_id!r} exists already")
        if op == "create":
            for name in ("name_zh", "category", "district_adcode"):
                if not fields.get(name):
                    raise EditError(f"{name}: required to create a project")
        district = fields.get("district_adcode") or (current or {}).get("district_adcode") or ""
        checked = check_edit(fields, district, ds) if op != "delete" else {}
        before = None if current is None else json.dumps(
            {k: plain(v) for k, v in current.items() if k != "geom"}, ensure_ascii=False, separators=(",", ":"))
        at = datetime.now(UTC).isoformat(timespec="seconds")
        _ensure_edits_table(con)
        cur = con.execute(
            "INSERT INTO edits (project_id, op, fields, before, who, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (project_id, op, json.dumps(checked, ensure_ascii=False), before, who, at, note),
        )
        edit_id = int(cur.lastrowid or 0)
        edit = {"edit_id": edit_id, "project_id": project_id, "op": op, "fields": json.dumps(checked), "who": who,
                "at": at}
        after, _ = apply_edits(_frame(current, columns), [edit], ds)
        project = None
        if op == "delete":
            con.execute("DELETE FROM projects WHERE fid = ?", (fid,))
        else:
            project = {k: plain(v) for k, v in after.drop(columns="geometry").iloc[0].items()}
            values = {**project, "geom": gpkg.encode(after.geometry.iloc[0])}
            names = [c for c in columns if c != "fid"]
            if op == "create":
                con.execute(f"INSERT INTO projects ({', '.join(map(_quote, names))}) "
                            f"VALUES ({', '.join('?' * len(names))})", [values[n] for n in names])
            else:
                con.execute(f"UPDATE projects SET {', '.join(f'{_quote(n)} = ?' for n in names)} WHERE fid = ?",
                            [*(values[n] for n in names), fid])
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return EditResult(edit_id, at, op, project_id, project)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def apply_edits(gdf: gpd.GeoDataFrame, edits: list[dict[str, Any]], ds: Dataset) -> tuple[gpd.GeoDataFrame, list[int]]:
    """Apply edits in order to the registry's projects; return the frame and the ids of orphan edits.

    An orphan edit updates or deletes a project the registry no longer has: it stays in the trail and is
    reported, never silently dropped.
    """
    df = gdf.drop(columns="geometry").set_index("id", drop=False)
    df["edited"] = False
    orphans = []
    for e in edits:
        pid, fields = e["project_id"], json.loads(e["fields"])
        if e["op"] == "delete":
            if pid in df.index:
                df = df.drop(index=pid)
            else:
                orphans.append(e["edit_id"])
            continue
        if e["op"] == "update" and pid not in df.index:
            orphans.append(e["edit_id"])
            continue
        if e["op"] == "create":
            new = pd.DataFrame([{**dict.fromkeys(df.columns), "id": pid, "edited": False,
                                 "provenance_method": "user-created"}], index=[pid]).astype(df.dtypes)
            df = pd.concat([df, new])
        for name, value in fields.items():
            df.loc[pid, name] = value
        if e["op"] == "create" and "lon" not in fields:  # no coordinate given: the district's point, flagged
            district = ds.districts[fields["district_adcode"]]
            df.loc[pid, ["lon", "lat"]] = representative_point(district)
            df.loc[pid, "location_precision"] = "city" if district.level == "city" else "district"
            df.loc[pid, "location_source"] = f"representative point of {district.name_zh} ({district.adcode})"
        if "district_adcode" in fields:
            df.loc[pid, "district_name_zh"] = ds.districts[fields["district_adcode"]].name_zh
        if "lon" in fields:
            df.loc[pid, "location_precision"] = "surveyed"
            df.loc[pid, "location_source"] = f"user edit {e['edit_id']} by {e['who']} at {e['at']}"
        if e["op"] == "update":
            df.loc[pid, "provenance_method"] = "curated+user-edited"
        df.loc[pid, "edited"] = True
    df = cast_ints(df.reset_index(drop=True))
    out = gpd.GeoDataFrame(df, geometry=shapely.points(df["lon"].astype(float), df["lat"].astype(float)), crs=gdf.crs)
    return assign_districts(out, ds), orphans


def read_projects(store: Path) -> pd.DataFrame:
    """The ``projects`` layer of a store."""
    return read_table(store, "projects")


def build(data_dir: Path, store: Path) -> BuildReport:
    """Validate the data folder and (re)build the store, keeping the user's edits.

    Raises
    ------
    geo.errors.RegistryError
        If the data folder has problems; the store is left as it was.
    """
    ds = load_valid(data_dir)
    edits = read_edits(store)
    gdf, orphans = apply_edits(projects_frame(ds), edits, ds)
    _write_layers(store, ds, gdf, edits, _read_keys(store))
    return BuildReport(
        store=store, projects=len(gdf), targets=len(ds.registry.targets), districts=len(ds.districts),
        edits_applied=len(edits) - len(orphans), orphan_edits=tuple(orphans),
        precision_counts={str(k): int(v) for k, v in gdf["location_precision"].value_counts().sort_index().items()},
    )


def _write_layers(store: Path, ds: Dataset, projects: gpd.GeoDataFrame, edits: list[dict[str, Any]],
                  keys: list[dict[str, Any]]) -> None:
    def write(tmp: Path) -> None:
        pyogrio.write_dataframe(districts_frame(ds.districts), tmp, layer="districts", driver="GPKG")
        pyogrio.write_dataframe(projects, tmp, layer="projects", driver="GPKG")
        for name, frame in (("targets", targets_frame(ds)), ("plans", plans_frame(ds)), ("places", places_frame(ds))):
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute("BEGIN")
            _ensure_edits_table(con)
            con.executemany(
                "INSERT INTO edits (edit_id, project_id, op, fields, before, who, at, note) "
                "VALUES (:edit_id, :project_id, :op, :fields, :before, :who, :at, :note)",
                edits,
            )
            ensure_keys_table(con)
            con.executemany("INSERT INTO api_keys (key_id, name, scope, salt, key_hash, created, revoked) "
                            "VALUES (:key_id, :name, :scope, :salt, :key_hash, :created, :revoked)", keys)
            con.execute("COMMIT")
            con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()

    atomic_write(store, write)
    for suffix in ("-wal", "-shm"):  # the old file's WAL belongs to the replaced file
        Path(str(store) + suffix).unlink(missing_ok=True)


def read_table(store: Path, layer: str) -> pd.DataFrame:
    """Any layer of the store as a (Geo)DataFrame."""
    return pyogrio.read_dataframe(store, layer=layer)
