"""Where each project is drawn: its most precise known place, else its district's representative point.

Never invents a position: site, then village, then township are looked up in the gazetteer; the first
with a coordinate wins and lends its precision; otherwise the district (or, for city-wide rows, the city)
representative point with ``location_precision`` ``district`` (``city``).
"""

from geo.districts import District, representative_point
from geo.records import Location, Place, Project


def place_names(project: Project) -> list[tuple[str, str]]:
    """The (field, name) pairs a project names, most precise first.

    A field may list several places separated by ``;`` (a line from one village to another).
    """
    pairs = [("site", project.site), ("village", project.village), ("township", project.township)]
    return [(f, n.strip()) for f, names in pairs if names for n in names.split(";") if n.strip()]


def locate(project: Project, places: dict[tuple[str, str], Place], districts: dict[str, District]) -> Location:
    """Return the project's location with its precision and where the coordinate came from."""
    for _field, name in place_names(project):
        place = places.get((project.district_adcode, name))
        if place is not None and place.lon is not None and place.lat is not None and place.precision:
            return Location(place.lon, place.lat, place.precision, f"gazetteer {place.ref} ({place.source})")
    district = districts[project.district_adcode]
    lon, lat = representative_point(district)
    precision = "city" if district.level == "city" else "district"
    return Location(lon, lat, precision, f"representative point of {district.name_zh} ({district.adcode})")
