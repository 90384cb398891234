"""The store file: open it, check it is this planner's, lock it, read its tables, swap a new build in.

One exclusive lock, ``<store>.lock`` (``flock``), is held by a build from reading the user's tables to
swapping the new contents in, by every edit transaction and by key changes: the three never interleave.
Other processes wait for it up to a bound, then get :class:`~geo.errors.StoreBusyError`.
"""

import contextlib
import fcntl
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio

from geo.errors import StoreBusyError, StoreError

FORMAT = "energy-infra-planner"
LAYERS = ("projects", "districts")
USER_TABLES = ("edits", "api_keys")  # the user's data: carried across builds, never dropped
META_DDL = "CREATE TABLE IF NOT EXISTS planner_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"
EDIT_WAIT_S = 10.0  # an edit waits this long for a running build before it is answered "busy"
BUILD_WAIT_S = 120.0
_SQLITE_MAGIC = b"SQLite format 3\x00"


def connect(store: Path) -> sqlite3.Connection:
    """Open the store for writing: WAL, a busy timeout, full sync, explicit transactions (``BEGIN IMMEDIATE``)."""
    con = sqlite3.connect(store, timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout=30000")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")  # an acknowledged edit is on disk, not only in the OS cache
    except sqlite3.Error as exc:
        con.close()
        raise StoreError(f"store {store}: cannot open for writing: {exc}") from None
    return con


@contextlib.contextmanager
def store_lock(store: Path, wait_s: float = EDIT_WAIT_S) -> Iterator[None]:
    """Hold the store's exclusive lock (``<store>.lock``), waiting at most ``wait_s`` seconds for it.

    Raises
    ------
    geo.errors.StoreBusyError
        When another build or edit holds it longer than ``wait_s``.
    geo.errors.StoreError
        When the lock file cannot be created (a read-only folder, say).
    """
    path = store.with_name(store.name + ".lock")
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise StoreError(f"store {store}: cannot create its lock file {path.name}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusyError(f"store {store.name} is being rebuilt or written by another process; "
                                         "try again in a few seconds") from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def check_store(store: Path) -> None:
    """Refuse a path that is not this planner's complete store (it would be overwritten or lose user data).

    A store is a regular SQLite/GeoPackage file with the layers ``projects`` and ``districts`` and the user
    tables ``edits`` and ``api_keys``; stores from before ``planner_meta`` existed are accepted.

    Raises
    ------
    geo.errors.StoreError
        Naming the path and what is wrong with it.
    """
    try:
        mode = os.stat(store).st_mode
    except FileNotFoundError:
        dangling = " (a symlink to nothing)" if os.path.islink(store) else ""
        raise StoreError(f"store {store}: no such file{dangling}; run `energy-planner build`") from None
    except OSError as exc:
        raise StoreError(f"store {store}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise StoreError(f"store {store}: not a regular file; refusing to use it as the store")
    try:
        with open(store, "rb") as f:
            magic = f.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"store {store}: cannot read: {exc.strerror}") from None
    if magic != _SQLITE_MAGIC:
        raise StoreError(f"store {store}: not a SQLite/GeoPackage file; refusing to build over or read it "
                         "(give another --store)")
    names = table_names(store)
    missing = [t for t in (*LAYERS, *USER_TABLES) if t not in names]
    if missing:
        raise StoreError(f"store {store}: not a complete planner store, table(s) {', '.join(missing)} missing; "
                         "a build would drop the user's edits or keys. Restore it from a backup, or move it "
                         "away to build a new store")
    if "planner_meta" in names:
        kind = dict(read_rows(store, "SELECT key, value FROM planner_meta", as_dicts=False)).get("format")
        if kind != FORMAT:
            raise StoreError(f"store {store}: planner_meta says format {kind!r}, not {FORMAT!r}")


def table_names(store: Path) -> set[str]:
    """The tables of a SQLite file (empty when it has none)."""
    return {row[0] for row in read_rows(store, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')",
                                        as_dicts=False)}


def read_rows(store: Path, query: str, params: tuple[Any, ...] = (), *, as_dicts: bool = True) -> list[Any]:
    """The rows of a query on the store, read-only (dicts by column name, or tuples).

    Raises
    ------
    geo.errors.StoreError
        When the file cannot be read as SQLite (corrupt, not a database, unreadable).
    """
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"store {store}: cannot open: {exc}") from None
    try:
        cur = con.execute(query, params)
        rows = cur.fetchall()
        if not as_dicts:
            return rows
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in rows]
    except sqlite3.Error as exc:
        raise StoreError(f"store {store}: cannot read: {exc}") from None
    finally:
        con.close()


def read_marks(store: Path) -> tuple[str | None, int]:
    """The store's build generation (None before generations were kept) and its highest edit id, in one read.

    One fresh read-only connection per call: a watcher calls this every half second, and a long-lived
    connection in a process that also reads layers through GDAL stops seeing other processes' commits once
    GDAL's own SQLite closes the file (POSIX locks are per process).

    Raises
    ------
    geo.errors.StoreError
        When the file cannot be read as SQLite.
    """
    query = ("SELECT (SELECT max(edit_id) FROM edits), "
             "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'planner_meta')")
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"store {store}: cannot open: {exc}") from None
    try:
        last_edit, has_meta = con.execute(query).fetchone()
        row = con.execute("SELECT value FROM planner_meta WHERE key = 'generation'").fetchone() if has_meta else None
    except sqlite3.Error as exc:
        raise StoreError(f"store {store}: cannot read: {exc}") from None
    finally:
        con.close()
    return (row[0] if row else None, int(last_edit or 0))


def read_table(store: Path, layer: str) -> pd.DataFrame:
    """Any layer of the store as a (Geo)DataFrame.

    Raises
    ------
    geo.errors.StoreError
        When the store or the layer cannot be read.
    """
    try:
        return pyogrio.read_dataframe(store, layer=layer)
    except Exception as exc:  # pyogrio raises its own DataSourceError/DataLayerError and GDAL's errors
        raise StoreError(f"store {store}: cannot read layer {layer!r}: {str(exc)[:200]}") from None


def swap_in(new: Path, store: Path) -> None:
    """Make the complete file ``new`` the store's contents, then remove ``new``. Hold :func:`store_lock`.

    An existing store gets ``new``'s pages through SQLite's backup API in one write transaction: open
    connections (a running service, QGIS) stay valid and see the new generation on their next read, and
    a crash leaves the old contents or the new. A missing store is created by renaming ``new``.
    """
    if not store.exists():
        os.replace(new, store)
        return
    src = sqlite3.connect(new)
    dst = connect(store)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        raise StoreError(f"store {store}: cannot write the new build into it: {exc}") from None
    finally:
        src.close()
        dst.close()
    new.unlink()
