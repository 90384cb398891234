"""The nationwide gazetteer (data/gazetteer/): township and village points of all of China, WGS-84.

Built by ``scripts/build_gazetteer.py`` from Vonng/adcode (CC BY 4.0; NBS names of 2016, Amap points of
2018, converted from GCJ-02). Each entry has a ``confidence``: ``township`` (about the seat), ``village``,
``doubtful`` (``doubt`` says why), or empty where the source has no point.
"""

import csv
import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.files import not_regular_file

COLUMNS = ("code", "name", "level", "county_code", "town_code", "lon", "lat", "confidence", "doubt", "in_adcode",
           "town_km")
FILE_NAME = "cn_places_wgs84.csv.gz"
SOURCE = "Vonng/adcode (CC BY 4.0), 2016 names, Amap points of 2018 (GCJ-02 converted)"


@dataclass(frozen=True)
class Entry:
    """A township or village of the gazetteer; ``lon``/``lat`` WGS-84, None where the source has no point."""

    code: str
    name: str
    level: str  # township or village
    county_code: str  # the county of its (2016) statistics code
    town_code: str  # a village's township (9-digit code prefix); empty for a township
    lon: float | None
    lat: float | None
    confidence: str  # township, village, doubtful; empty without a point
    doubt: str
    in_adcode: str  # today's county-level unit its point lies in (empty: none or no point)


@dataclass(frozen=True)
class Gazetteer:
    """Entries by county: those whose code names the county or whose point lies in it today."""

    by_county: dict[str, tuple[Entry, ...]]
    by_code: dict[str, Entry]

    def county(self, adcode: str) -> tuple[Entry, ...]:
        """The entries of a county-level unit (empty if the gazetteer has none)."""
        return self.by_county.get(adcode, ())

    def town_of(self, entry: Entry) -> Entry | None:
        """A village's township entry."""
        return self.by_code.get(entry.town_code.ljust(12, "0")) if entry.town_code else None


def read_gazetteer(folder: Path, counties: Iterable[str] | None = None) -> Gazetteer:
    """Read the gazetteer, keeping the entries of ``counties`` (all when None).

    Raises
    ------
    ValueError
        If the file is missing, not a regular file, not gzip'd CSV or lacks a column.
        A bad coordinate raises ValueError too: the file is built by a script, not edited by hand.
    """
    path = folder / FILE_NAME
    not_regular = not_regular_file(path)
    if not_regular:
        raise ValueError(f"{path}: {not_regular}")
    wanted = set(counties) if counties is not None else None
    by_county: dict[str, list[Entry]] = {}
    by_code: dict[str, Entry] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise ValueError(f"{path}: missing column(s): {', '.join(missing)}")
            col = [header.index(c) for c in COLUMNS]
            for row in reader:
                code, name, level, county, town, lon, lat, confidence, doubt, in_adcode, _km = (row[i] for i in col)
                if wanted is not None and county not in wanted and in_adcode not in wanted:
                    continue
                e = Entry(code, name, level, county, town, float(lon) if lon else None, float(lat) if lat else None,
                          confidence, doubt, in_adcode)
                by_code[code] = e
                for c in {county, in_adcode} - {""}:
                    by_county.setdefault(c, []).append(e)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error, IndexError) as exc:
        raise ValueError(f"{path}: not a gzip'd gazetteer CSV ({exc})") from None
    return Gazetteer({k: tuple(v) for k, v in by_county.items()}, by_code)
