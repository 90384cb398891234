"""User edits of projects: the rules an edit must pass, the edit transaction, and the replay a build uses.

An edit is checked like a registry row (:func:`check_edit`), committed with its audit row in one
``BEGIN IMMEDIATE`` transaction under the store's lock (:func:`record_edit`), and computed by the same
function a rebuild replays (:func:`apply_edit`), so a rebuild gives the same layer. A rebuild that meets an
edit it cannot apply any more (its project gone, its id taken by the curators, its district or value no
longer valid) keeps it in the trail, skips it and reports it (:func:`apply_edits`).
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
import shapely

from geo.coords import COORD_SYSTEMS, CoordinateError, to_wgs84
from geo.districts import District, contains, representative_point
from geo.errors import NotFoundError, StoreError
from geo.registry import vocab
from geo.store import gpkg
from geo.store.file import EDIT_WAIT_S, connect, read_rows, store_lock
from geo.store.frames import assign_districts, cast_ints, plain

MAX_CAPACITY_MW = 100_000  # the largest plants are ~22,500 MW (三峡): a larger value is a typo or a unit slip
MAX_VOLTAGE_KV = 1_200  # China's highest transmission voltage is ±1,100 kV DC / 1,000 kV AC
EDITABLE_FIELDS = ("name_zh", "name_en", "category", "subtype", "capacity_mw", "voltage_kv", "action", "status",
                   "target_year", "district_adcode", "township", "village", "site", "note", "lon", "lat",
                   "location_precision")
POINT_PRECISIONS = ("surveyed", "site", "village", "township")  # what an editor's point may be (default surveyed)
PLACEHOLDER_PRECISIONS = ("district", "city")  # a representative point, not a place of the project


class EditError(ValueError):
    """An edit that would put bad data in the store (field, value and allowed values in the message)."""


class ConflictError(EditError):
    """An edit that clashes with the store's current state (creating a project id that exists)."""


class StaleEditError(EditError):
    """An update that names an edit version of the project older than the stored one (someone edited first)."""


class ScopeError(EditError):
    """An edit outside the districts the editor may change (checked against the row in the transaction)."""


@dataclass(frozen=True)
class EditResult:
    """One committed edit: its audit-trail row and the project as it now is (``None`` once deleted)."""

    edit_id: int
    at: str
    op: str
    project_id: str
    project: dict[str, Any] | None
    version: int  # the project's edit version now: how many edits the trail holds for it


@dataclass(frozen=True)
class SkippedEdit:
    """An edit a rebuild kept in the trail but could not apply, and why."""

    edit_id: int
    project_id: str
    reason: str

    def __str__(self) -> str:
        return f"edit {self.edit_id} ({self.project_id}): {self.reason}"


def check_edit(fields: dict[str, Any], current: dict[str, Any] | None, districts: dict[str, District]
               ) -> dict[str, Any]:
    """Validate edited fields like registry rows; return them with lon/lat in WGS-84.

    ``fields`` may carry ``crs`` (``wgs84``, ``gcj02``, ``bd09``) for the coordinate. ``current`` is the
    project as stored (``None`` for a create). The point must lie inside the project's district: a change
    of district without a new point keeps a real point only if it lies inside the new district (a
    district's placeholder point moves to the new district's point).

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
    for name, value in out.items():
        if isinstance(value, str) and any(c == "\x00" for c in value):
            raise EditError(f"{name}: NUL characters are not text")
    for name, table in (("category", vocab.CATEGORIES), ("status", vocab.STATUSES), ("action", vocab.ACTIONS)):
        if name in out and out[name] is not None and out[name] not in table:
            raise EditError(f"{name}: unknown value {out[name]!r}; allowed: {', '.join(table)}")
    for name, most in (("capacity_mw", MAX_CAPACITY_MW), ("voltage_kv", MAX_VOLTAGE_KV)):
        value = out.get(name)
        if value is not None and (not isinstance(value, int | float) or not math.isfinite(value) or value < 0):
            raise EditError(f"{name}: must be a finite number >= 0, got {value!r}")
        if value is not None and value > most:
            raise EditError(f"{name}: {value!r} is above {most:,}, more than any plant or line")
    adcode = out.get("district_adcode", (current or {}).get("district_adcode"))
    if adcode not in districts:
        raise EditError(f"district_adcode: unknown district {adcode!r}; allowed: {', '.join(sorted(districts))}")
    if ("lon" in out) != ("lat" in out):
        raise EditError("lon/lat: give both")
    if "location_precision" in out:
        if "lon" not in out:
            raise EditError("location_precision: only with a point (lon/lat): it says what the point is")
        if out["location_precision"] not in POINT_PRECISIONS:
            raise EditError(f"location_precision: unknown value {out['location_precision']!r}; allowed: "
                            f"{', '.join(POINT_PRECISIONS)}")
    if "lon" in out:
        if crs not in COORD_SYSTEMS:
            raise EditError(f"crs: unknown {crs!r}; allowed: {', '.join(COORD_SYSTEMS)}")
        try:
            lon, lat = to_wgs84(float(out["lon"]), float(out["lat"]), crs)
        except (CoordinateError, TypeError, ValueError) as exc:
            raise EditError(f"lon/lat: {exc}") from None
        if not contains(districts[adcode], lon, lat):
            raise EditError(f"lon/lat: {lon:.6f},{lat:.6f} (WGS-84) is outside district {adcode}")
        out["lon"], out["lat"] = round(lon, 6), round(lat, 6)
    elif current is not None and "district_adcode" in out and \
            current.get("location_precision") not in PLACEHOLDER_PRECISIONS and \
            not contains(districts[adcode], float(current["lon"]), float(current["lat"])):
        raise EditError(f"district_adcode: the project's point {float(current['lon']):.6f},"
                        f"{float(current['lat']):.6f} ({current.get('location_precision')}) is outside district "
                        f"{adcode}; send a geometry inside it with the change")
    return out


def apply_edit(df: pd.DataFrame, edit: dict[str, Any], districts: dict[str, District]) -> pd.DataFrame:
    """``df`` (projects indexed by id, no geometry) with one checked edit applied; the edit's own rules.

    Raises
    ------
    EditError, KeyError, ValueError
        When the edit cannot be applied to ``df`` (a rebuild reports it and goes on).
    """
    pid, op, fields = edit["project_id"], edit["op"], json.loads(edit["fields"])
    if op == "delete":
        if pid not in df.index:
            raise NotFoundError("the project is not in the registry any more")
        return df.drop(index=pid)
    if op == "update" and pid not in df.index:
        raise NotFoundError("the project is not in the registry any more")
    if op == "create":
        if pid in df.index:
            raise ConflictError("the curators' registry now has a project with this id; the curated row is kept")
        row = {**dict.fromkeys(df.columns), "id": pid, "edited": False, "provenance_method": "user-created"}
        if "curation" in df.columns:
            row["curation"] = "confirmed"  # a person entered it
        new = pd.DataFrame([row], index=[pid]).astype(df.dtypes)
        df = pd.concat([df, new])
    old_precision = df.at[pid, "location_precision"]
    for name, value in fields.items():
        df.loc[pid, name] = value
    district = districts[str(df.at[pid, "district_adcode"])]
    placeholder = op == "create" or (old_precision in PLACEHOLDER_PRECISIONS and "district_adcode" in fields)
    if placeholder and "lon" not in fields:  # no coordinate known: the district's point, flagged
        df.loc[pid, ["lon", "lat"]] = representative_point(district)
        df.loc[pid, "location_precision"] = "city" if district.level == "city" else "district"
        df.loc[pid, "location_source"] = f"representative point of {district.name_zh} ({district.adcode})"
    if "district_adcode" in fields:
        df.loc[pid, "district_name_zh"] = district.name_zh
    if "lon" in fields:
        df.loc[pid, "location_precision"] = fields.get("location_precision", "surveyed")
        df.loc[pid, "location_source"] = f"user edit {edit['edit_id']} by {edit['who']} at {edit['at']}"
    if op == "update":
        df.loc[pid, "provenance_method"] = "curated+user-edited"
    df.loc[pid, "edited"] = True
    return df


def apply_edits(gdf: gpd.GeoDataFrame, edits: list[dict[str, Any]], districts: dict[str, District]
                ) -> tuple[gpd.GeoDataFrame, list[SkippedEdit]]:
    """Apply edits in order to the registry's projects; return the frame and the edits skipped, with why.

    An edit is skipped, never silently dropped, when its project is gone, when the curators have since
    added a project with the id a user created (then the user's later edits of that id are skipped too:
    they were edits of another project), or when it is no longer valid (its district unknown, say).
    """
    df = gdf.drop(columns="geometry").set_index("id", drop=False)
    df["edited"] = False
    skipped: list[SkippedEdit] = []
    collided: set[str] = set()
    for e in edits:
        pid = e["project_id"]
        if pid in collided:
            skipped.append(SkippedEdit(e["edit_id"], pid, "an edit of a user-created project whose id the "
                                       "curators' registry now uses"))
            continue
        try:
            fields = json.loads(e["fields"])
            if e["op"] != "delete":
                current = df.loc[pid].to_dict() if pid in df.index and e["op"] == "update" else None
                check_edit(fields, current, districts)
            df = apply_edit(df, e, districts)
        except ConflictError as exc:
            collided.add(pid)
            skipped.append(SkippedEdit(e["edit_id"], pid, str(exc)))
        except (EditError, NotFoundError, KeyError, ValueError, TypeError) as exc:
            skipped.append(SkippedEdit(e["edit_id"], pid, str(exc) or type(exc).__name__))
    df = cast_ints(df.reset_index(drop=True))
    out = gpd.GeoDataFrame(df, geometry=shapely.points(df["lon"].astype(float), df["lat"].astype(float)), crs=gdf.crs)
    return assign_districts(out, districts), skipped


def read_edits(store: Path, project_id: str | None = None, limit: int | None = None, offset: int = 0
               ) -> list[dict[str, Any]]:
    """The edits recorded in a store, oldest first: all, or one project's, one page at a time in SQL."""
    where, params = ("WHERE project_id = ?", (project_id,)) if project_id is not None else ("", ())
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return read_rows(store, "SELECT edit_id, project_id, op, fields, before, who, at, note FROM edits "
                            f"{where} ORDER BY edit_id{page}", params)


def count_edits(store: Path, project_id: str | None = None) -> int:
    """How many edits the trail holds (of one project)."""
    where, params = ("WHERE project_id = ?", (project_id,)) if project_id is not None else ("", ())
    return int(read_rows(store, f"SELECT count(*) FROM edits {where}", params, as_dicts=False)[0][0])


def _row(con: sqlite3.Connection, project_id: str) -> tuple[int | None, dict[str, Any] | None, list[str]]:
    cur = con.execute("SELECT * FROM projects WHERE id = ?", (project_id,))
    columns = [c[0] for c in cur.description]
    found = cur.fetchone()
    if found is None:
        return None, None, columns
    row = dict(zip(columns, found, strict=True))
    return row.pop("fid"), row, columns


def _frame(row: dict[str, Any] | None, columns: list[str]) -> pd.DataFrame:
    """The projects layer's row (or no row) as the frame :func:`apply_edit` works on."""
    names = [c for c in columns if c not in ("fid", "geom")]
    df = cast_ints(pd.DataFrame([row] if row else [], columns=names))
    df["edited"] = df["edited"].astype(bool)  # SQLite keeps booleans as 0/1
    return df.set_index("id", drop=False)


def _check_scope(allowed: frozenset[str] | None, *adcodes: str | None) -> None:
    if allowed is None:
        return
    for adcode in adcodes:
        if adcode is not None and adcode not in allowed:
            raise ScopeError(f"district {adcode}: outside the districts this key may edit "
                             f"({', '.join(sorted(allowed))})")


def record_edit(store: Path, districts: dict[str, District], project_id: str, op: str, fields: dict[str, Any], who: str,
                note: str | None = None, *, allowed: frozenset[str] | None = None, expected_version: int | None = None,
                wait_s: float = EDIT_WAIT_S) -> EditResult:
    """Check one edit, append it to the audit trail and apply it to the ``projects`` layer, in place.

    Under the store's lock (a build waits, or this waits up to ``wait_s`` for a build), one
    ``BEGIN IMMEDIATE`` transaction (WAL, ``synchronous=FULL``) reads the project, checks the editor's
    districts ``allowed`` (``None``: all) and the edit version the editor read (``expected_version``, the
    project's number of edits; ``None``: not checked) against the row as it is now, records the edit and
    updates the row and its spatial index; an acknowledged edit survives the process being killed and every
    rebuild.

    Raises
    ------
    EditError
        For a bad field, value or op (``ConflictError`` for creating an existing id, ``ScopeError`` for
        a district the editor may not change, ``StaleEditError`` when someone edited first); nothing is written.
    geo.errors.NotFoundError
        For updating or deleting a project the store does not have; nothing is written.
    geo.errors.StoreError
        When the store cannot be written (``StoreBusyError`` when a build holds it too long).
    """
    if op not in ("create", "update", "delete"):
        raise EditError(f"op: unknown {op!r}; allowed: create, update, delete")
    with store_lock(store, wait_s):
        con = connect(store)
        gpkg.register_functions(con)
        try:
            con.execute("BEGIN IMMEDIATE")
            result = _edit_in_transaction(con, districts, project_id, op, fields, who, note, allowed, expected_version)
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise StoreError(f"store {store.name}: the edit was not written: {exc}") from None
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()
    return result


def _edit_in_transaction(con: sqlite3.Connection, districts: dict[str, District], project_id: str, op: str,
                         fields: dict[str, Any], who: str, note: str | None, allowed: frozenset[str] | None,
                         expected_version: int | None) -> EditResult:
    fid, current, columns = _row(con, project_id)
    if op in ("update", "delete") and current is None:
        raise NotFoundError(f"no project {project_id[:80]!r}")
    if op == "create" and current is not None:
        raise ConflictError(f"id: project {project_id!r} exists already")
    if op == "create":
        for name in ("name_zh", "category", "district_adcode"):
            if not fields.get(name):
                raise EditError(f"{name}: required to create a project")
    _check_scope(allowed, (current or {}).get("district_adcode"), fields.get("district_adcode"))
    version = int(con.execute("SELECT count(*) FROM edits WHERE project_id = ?", (project_id,)).fetchone()[0])
    if expected_version is not None and expected_version != version:
        raise StaleEditError(f"project {project_id[:80]!r} was edited by someone else since you read it (your "
                             f"version {expected_version}, now {version}): reload it and edit again")
    checked = check_edit(fields, current, districts) if op != "delete" else {}
    before = None if current is None else json.dumps(
        {k: plain(v) for k, v in current.items() if k != "geom"}, ensure_ascii=False, separators=(",", ":"))
    at = datetime.now(UTC).isoformat(timespec="seconds")
    cur = con.execute(
        "INSERT INTO edits (project_id, op, fields, before, who, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (project_id, op, json.dumps(checked, ensure_ascii=False), before, who, at, note),
    )
    edit_id = int(cur.lastrowid or 0)
    edit = {"edit_id": edit_id, "project_id": project_id, "op": op, "fields": json.dumps(checked), "who": who,
            "at": at}
    if op == "delete":
        con.execute("DELETE FROM projects WHERE fid = ?", (fid,))
        return EditResult(edit_id, at, op, project_id, None, version + 1)
    after = apply_edit(_frame(current, columns), edit, districts)
    frame = gpd.GeoDataFrame(after.reset_index(drop=True), geometry=shapely.points(
        after["lon"].astype(float), after["lat"].astype(float)), crs="EPSG:4326")
    frame = assign_districts(frame, districts)
    project = {k: plain(v) for k, v in frame.drop(columns="geometry").iloc[0].items()}
    values = {**project, "geom": gpkg.encode(frame.geometry.iloc[0])}
    names = [c for c in columns if c != "fid"]
    if op == "create":
        con.execute(f"INSERT INTO projects ({', '.join(map(_quote, names))}) "
                    f"VALUES ({', '.join('?' * len(names))})", [values[n] for n in names])
    else:
        con.execute(f"UPDATE projects SET {', '.join(f'{_quote(n)} = ?' for n in names)} WHERE fid = ?",
                    [*(values[n] for n in names), fid])
    return EditResult(edit_id, at, op, project_id, project, version + 1)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
