"""Load and check the whole data folder: plans, boundaries, gazetteer and registry together.

``energy-planner validate`` prints the problems found here, one ``file:line: field: message`` each.
"""

from dataclasses import dataclass, replace
from pathlib import Path

from geo.districts import District, contains, county_containing, read_districts
from geo.errors import Problem, RegistryError
from geo.locate import locate, place_names
from geo.places import read_places
from geo.plans import read_plans
from geo.records import Location, Place, Plan, data_ref
from geo.registry import Registry, read_registry


@dataclass(frozen=True)
class DataPaths:
    """Where the inputs live inside a data folder."""

    root: Path

    @property
    def plans(self) -> Path:
        """Plan texts and plans.csv."""
        return self.root / "plans"

    @property
    def registry(self) -> Path:
        """Curated projects and targets CSV files."""
        return self.root / "registry"

    @property
    def boundaries(self) -> Path:
        """District polygons (GeoJSON, WGS-84)."""
        return self.root / "boundaries" / "districts.geojson"

    @property
    def places(self) -> Path:
        """The gazetteer CSV."""
        return self.root / "places.csv"


@dataclass(frozen=True)
class Dataset:
    """Everything the registry is built from, checked, with each project's resolved location."""

    plans: dict[str, Plan]
    districts: dict[str, District]
    places: dict[tuple[str, str], Place]
    registry: Registry
    locations: dict[str, Location]


def load(data_dir: Path) -> tuple[Dataset, list[Problem]]:
    """Read and cross-check the data folder; return what could be read and every problem found."""
    paths = DataPaths(data_dir)
    problems: list[Problem] = []
    try:
        plans = read_plans(paths.plans)
    except RegistryError as exc:
        problems.extend(exc.problems)
        plans = {}
    districts = read_districts(paths.boundaries)
    places = read_places(paths.places, problems)
    registry = read_registry(paths.registry, paths.plans, problems)

    for plan in plans.values():
        if plan.adcode not in districts:
            path = str(paths.plans / "plans.csv")
            problems.append(Problem(path, None, "adcode", f"unknown district {plan.adcode}"))
    for place in places.values():
        _check_place(place, districts, problems)
    places = {key: _relative(place, paths.root) for key, place in places.items()}  # refs leave the server
    for row_id, where in registry.refs.items():
        for path, line in where[1:]:
            first = f"{where[0][0]}:{where[0][1]}"
            problems.append(Problem(path, line, "id", f"duplicate id {row_id!r} (first at {first})"))

    known = ", ".join(sorted(districts))
    locations: dict[str, Location] = {}
    for project in registry.projects:
        path, line = registry.refs[project.id][0]
        if project.district_adcode not in districts:
            message = f"unknown district {project.district_adcode!r}; allowed: {known}"
            problems.append(Problem(path, line, "district_adcode", message))
            continue
        for field, name in place_names(project):
            if (project.district_adcode, name) not in places:
                message = f"place {name!r} ({project.district_adcode}) is not in the gazetteer {paths.places}"
                problems.append(Problem(path, line, field, message))
        loc = locate(project, places, districts)
        if not contains(districts[project.district_adcode], loc.lon, loc.lat):
            message = (f"point {loc.lon},{loc.lat} from {loc.source} lies outside its stated district "
                       f"{project.district_adcode}")
            problems.append(Problem(path, line, "district_adcode", message))
        locations[project.id] = loc
    for target in registry.targets:
        if target.adcode not in districts:
            path, line = registry.refs[target.id][0]
            problems.append(Problem(path, line, "adcode", f"unknown district {target.adcode!r}; allowed: {known}"))
    return Dataset(plans, districts, places, registry, locations), problems


def _relative(place: Place, root: Path) -> Place:
    """``place`` with its ref relative to the data folder (``places.csv:12``), as records carry it."""
    path, _, line = place.ref.rpartition(":")
    return replace(place, ref=data_ref(path, root, line))


def _check_place(place: Place, districts: dict[str, District], problems: list[Problem]) -> None:
    path, _, line = place.ref.rpartition(":")
    if place.district_adcode not in districts:
        problems.append(Problem(path, int(line), "district_adcode", f"unknown district {place.district_adcode!r}"))
        return
    if place.lon is None or place.lat is None:
        return
    if not contains(districts[place.district_adcode], place.lon, place.lat):
        inside = county_containing(districts, place.lon, place.lat)
        where = f"it lies in {inside}" if inside else "it lies outside every known district"
        message = (f"{place.name_zh} at {place.lon},{place.lat} (WGS-84) is outside its stated district "
                   f"{place.district_adcode}: {where}")
        problems.append(Problem(path, int(line), "lon/lat", message))


def load_valid(data_dir: Path) -> Dataset:
    """Load the data folder, raising RegistryError (with every problem) unless it is clean."""
    dataset, problems = load(data_dir)
    if problems:
        raise RegistryError(problems)
    return dataset
