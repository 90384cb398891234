"""Just enough of the GeoPackage binary format to edit a layer in place with plain ``sqlite3``.

GDAL's GeoPackage layers keep their R-tree index with triggers that call ``ST_MinX``, ``ST_IsEmpty`` and
friends, SQL functions GDAL provides and plain SQLite does not. :func:`register_functions` adds them to a
connection, so inserts, updates and deletes keep the spatial index right.
"""

import sqlite3
import struct
from collections.abc import Callable

import shapely
from shapely.geometry.base import BaseGeometry

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}  # by the envelope indicator in the flags byte


def encode(geom: BaseGeometry | None, srs_id: int = 4326) -> bytes | None:
    """A GeoPackage geometry blob: ``GP`` header (version 0, little endian, no envelope), then WKB.

    ``None`` (a row with no geometry, e.g. a city-wide project) is ``None`` (SQL ``NULL``).
    """
    if geom is None:
        return None
    flags = 0b0000_0001 | (0b0001_0000 if geom.is_empty else 0)
    return b"GP" + struct.pack("<BBi", 0, flags, srs_id) + shapely.to_wkb(geom, byte_order=1)


def decode(blob: bytes | None) -> BaseGeometry | None:
    """The geometry in a GeoPackage blob (``None`` for ``NULL``)."""
    if blob is None:
        return None
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob (no 'GP' magic)")
    flags = blob[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError(f"GeoPackage blob: invalid envelope indicator {(flags >> 1) & 0b111}")
    return shapely.from_wkb(bytes(blob[8 + envelope:]))


def _bound(i: int) -> Callable[[bytes | None], float | None]:
    def f(blob: bytes | None) -> float | None:
        geom = decode(blob)
        return None if geom is None or geom.is_empty else float(geom.bounds[i])
    return f


def _is_empty(blob: bytes | None) -> int | None:
    geom = decode(blob)
    return None if geom is None else int(geom.is_empty)


def register_functions(con: sqlite3.Connection) -> None:
    """Add the ``ST_*`` functions GDAL's R-tree triggers call to ``con``."""
    con.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        con.create_function(name, 1, _bound(i), deterministic=True)
