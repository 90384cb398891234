"""The county, township and village a project's name gives, resolved through the gazetteer, never guessed.

A township (…镇, …乡, …街道) or village (…村, …社区) in the name is kept only when :func:`geo.resolve.resolve`
finds it in the county (a village under that township); a name the plan writes without its suffix (临湘白羊田)
is tried only right after the county's own name. In a city's plan, the short name of one of its counties in
a project's name (平江抽水蓄能电站) gives that county. Ambiguous or unknown names are left to the note.
"""

import re

from geo.districts import Unit
from geo.gazetteer import Entry, Gazetteer
from geo.ingest.county import short_name
from geo.resolve import resolve

TOWN = re.compile(r"(?:镇|乡|街道)")
VILLAGE = re.compile(r"(?:村|社区)")


def county_in_name(name: str, city: str, units: dict[str, Unit]) -> str | None:
    """The one county of ``city`` whose name or short name the project's name holds, else None."""
    hits = {u.adcode for u in units.values() if u.parent_adcode == city and u.level == "county"
            and (u.name_zh in name or short_name(u.name_zh) in name)}
    return hits.pop() if len(hits) == 1 else None


def _stems(name: str, end: int) -> list[str]:
    """Candidate names ending at ``end``, 2 to 5 characters before the suffix, shortest first."""
    return [name[end - n : end] for n in range(2, 8) if end - n >= 0]


def places_in_name(name: str, adcode: str, county_name: str, gazetteer: Gazetteer) -> tuple[str, str, list[str]]:
    """``(township, village, notes)`` as written in ``name``, each found in the gazetteer of county ``adcode``."""
    notes: list[str] = []
    town_written, town_entry = "", None
    for m in TOWN.finditer(name):
        for cand in _stems(name, m.end()):
            if len(cand) - len(m.group()) < 2 or cand in ("城乡", "乡镇"):
                continue
            r = resolve(gazetteer, adcode, cand, "township")
            if r.status == "found":
                town_written, town_entry = cand, r.entry
                break
            if r.status == "ambiguous":
                notes.append(f"township {cand!r} is ambiguous in the gazetteer; not set")
                break
        if town_written:
            break
    if not town_written:
        for short in {county_name, short_name(county_name)}:
            at = name.find(short)
            if short and at >= 0:
                rest = name[at + len(short) :]
                for n in (2, 3):
                    cand = rest[:n]
                    if len(cand) == n and re.fullmatch(r"[\u4e00-\u9fff]+", cand):
                        r = resolve(gazetteer, adcode, cand, "township")
                        if r.status == "found" and r.how != "variant":
                            town_written, town_entry = cand, r.entry
                            break
            if town_written:
                break
    village_written = ""
    for m in VILLAGE.finditer(name):
        for cand in _stems(name, m.end()):
            if len(cand) - len(m.group()) < 2 or (town_written and town_written in cand):
                continue
            r = resolve(gazetteer, adcode, cand, "village", _town(town_entry))
            if r.status == "found":
                village_written = cand
                break
        if village_written:
            break
    return town_written, village_written, notes


def _town(entry: Entry | None) -> Entry | None:
    return entry if entry is not None and entry.level == "township" else None
