"""Where each project is drawn: its most precise known place, else its district's representative point.

Never invents a position. The places a project names (site, then village, then township) are looked up
first in the curated ``data/places.csv`` (a coordinate there always wins), then in the nationwide gazetteer
within the stated county (:mod:`geo.resolve`): a village at its point (``village``), a township at its seat
(``township``). A site is a facility (变电站, 水库, 工业园, ...) and is never placed by its name alone; only a
site that is not a facility and lies under a township the plan names is read as a village of it (临湘桃林
金盆 -> 金盆村 of 桃林镇). A doubtful village point gives way to its township's. Otherwise the district's
representative point (``district``); rows the plan places only in a city or province get ``city``
(``province``): no county is theirs.
"""

from dataclasses import dataclass

from geo.districts import District, representative_point
from geo.gazetteer import SOURCE, Entry, Gazetteer
from geo.registry.records import Location, Place, Project
from geo.resolve import Resolution, describe, is_facility, resolve

GAZETTEER_REF = "data/gazetteer/cn_places_wgs84.csv.gz"


@dataclass(frozen=True)
class Note:
    """Something a curator should know about a project's places: the field and a message (a warning)."""

    field: str
    message: str


def place_names(project: Project) -> list[tuple[str, str]]:
    """The (field, name) pairs a project names, most precise first.

    A field may list several places separated by ``;`` (a line from one village to another).
    """
    pairs = [("site", project.site), ("village", project.village), ("township", project.township)]
    return [(f, n.strip()) for f, names in pairs if names for n in names.split(";") if n.strip()]


def _entry_location(e: Entry, g: Gazetteer, how: str) -> Location | None:
    if e.lon is None or e.lat is None:
        return None
    if e.confidence == "doubtful":
        town = g.town_of(e)
        if town is None or town.confidence != "township" or town.lon is None or town.lat is None:
            return None
        return Location(town.lon, town.lat, "township",
                        f"gazetteer {GAZETTEER_REF} {town.code} {town.name} (township point; the point of village "
                        f"{e.name} is doubtful: {e.doubt}; {SOURCE})")
    return Location(e.lon, e.lat, e.level,
                    f"gazetteer {GAZETTEER_REF} {e.code} {e.name} ({e.level} point, {how} match; {SOURCE})")


def _say(r: Resolution, name: str, adcode: str, g: Gazetteer, within: Entry | None) -> str | None:
    where = f"{adcode}{' under ' + within.name if within else ''}"
    if r.status == "ambiguous":
        names = "; ".join(describe(c, g) for c in r.candidates)
        return (f"place {name!r} is ambiguous in the gazetteer ({where}): {names}; name its township or add a row "
                "to places.csv")
    if r.status == "not_found":
        return f"place {name!r} is neither in places.csv nor in the gazetteer ({where}): placed at the district point"
    if r.entry is not None and r.entry.lon is None:
        return f"place {name!r} = {describe(r.entry, g)} has no point in the gazetteer: add one to places.csv"
    return None


def locate(project: Project, places: dict[tuple[str, str], Place], districts: dict[str, District],
           gazetteer: Gazetteer) -> tuple[Location, list[Note]]:
    """Return the project's location (precision and where the coordinate came from) and notes for curators."""
    adcode = project.district_adcode
    district = districts[adcode]
    notes: list[Note] = []
    found: list[Location] = []
    if district.level == "county":
        town: Entry | None = None
        for name in (n for f, n in place_names(project) if f == "township"):
            curated = places.get((adcode, name))
            r = resolve(gazetteer, adcode, name, "township")
            town = town or r.entry
            if curated is None or curated.lon is None:
                message = _say(r, name, adcode, gazetteer, None)
                if message:
                    notes.append(Note("township", message))
        for field, name in place_names(project):
            curated = places.get((adcode, name))
            if curated is not None and curated.lon is not None and curated.lat is not None and curated.precision:
                found.append(Location(curated.lon, curated.lat, curated.precision,
                                      f"places.csv {curated.ref} ({curated.source})"))
                continue
            if field == "township":
                r = resolve(gazetteer, adcode, name, "township")
            elif field == "village":
                r = resolve(gazetteer, adcode, name, "village", town)
                message = _say(r, name, adcode, gazetteer, town)
                if message:
                    notes.append(Note(field, message))
            elif town is not None and not is_facility(name) and (curated is None or curated.kind != "site"):
                r = resolve(gazetteer, adcode, name, "village", town)  # 桃林 + 金盆 -> 金盆村 of 桃林镇
                if r.status != "found":
                    continue
            else:
                if curated is None:
                    notes.append(Note(field, f"site {name!r} has no coordinate: add it to places.csv with its "
                                             "coordinate, or leave it at the district point"))
                continue
            loc = _entry_location(r.entry, gazetteer, r.how) if r.entry is not None else None
            if loc is not None:
                found.append(loc)
    else:
        for field, name in place_names(project):
            curated = places.get((adcode, name))
            if curated is not None and curated.lon is not None and curated.lat is not None and curated.precision:
                found.append(Location(curated.lon, curated.lat, curated.precision,
                                      f"places.csv {curated.ref} ({curated.source})"))
            else:
                notes.append(Note(field, f"place {name!r} is named under {district.name_zh} ({adcode}), a "
                                         f"{district.level}: the gazetteer is searched in a county-level unit only"))
    if found:
        return found[0], notes
    lon, lat = representative_point(district)
    precision = "district" if district.level == "county" else district.level
    return Location(lon, lat, precision, f"representative point of {district.name_zh} ({district.adcode})"), notes
