"""Load and check the whole data folder: plans, boundaries, gazetteer and registry together.

``energy-planner validate`` prints the problems found here, one ``file:line: field: message`` each, and the
warnings (places that do not resolve, ambiguous names) the same way; only problems make it fail.

The districts of a data folder are the units of China it names (plans, projects, targets, places), their
cities, and every county of a city it names: any adcode of ``data/boundaries/units.csv`` can be used.
"""

from dataclasses import dataclass, field, replace
from pathlib import Path

from geo.districts import Boundaries, District, contains, read_boundaries
from geo.errors import Problem, RegistryError
from geo.gazetteer import read_gazetteer
from geo.locate import locate
from geo.registry.places import read_places
from geo.registry.plans import read_plans
from geo.registry.read import Registry, read_registry
from geo.registry.records import Location, Place, Plan, data_ref


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
        """Admin units of China and county outlines (WGS-84)."""
        return self.root / "boundaries"

    @property
    def gazetteer(self) -> Path:
        """The nationwide township and village points (WGS-84)."""
        return self.root / "gazetteer"

    @property
    def places(self) -> Path:
        """The curated places CSV (surveyed points and sites; takes precedence over the gazetteer)."""
        return self.root / "places.csv"


@dataclass(frozen=True)
class Dataset:
    """Everything the registry is built from, checked, with each project's resolved location."""

    plans: dict[str, Plan]
    districts: dict[str, District]
    places: dict[tuple[str, str], Place]
    registry: Registry
    locations: dict[str, Location]
    warnings: tuple[Problem, ...] = field(default=())


def districts_in_use(adcodes: set[str], boundaries: Boundaries) -> list[str]:
    """The units a data folder works on.

    Those it names, their parents below province level, and the county-level units of every city it
    names (a city's plan covers its counties).
    """
    units = boundaries.units
    out = {a for a in adcodes if a in units}
    for a in list(out):
        parent = units[a].parent_adcode
        if units[a].level == "county" and parent in units and units[parent].level == "city":
            out.add(parent)
        if units[a].level == "city":
            out.update(boundaries.leaves(a))
    return sorted(out)


def load(data_dir: Path) -> tuple[Dataset, list[Problem]]:
    """Read and cross-check the data folder; return what could be read and every problem found.

    Warnings (places that resolve to nothing, or to more than one gazetteer entry) are in
    ``Dataset.warnings``; they do not make the data invalid.
    """
    paths = DataPaths(data_dir)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    try:
        plans = read_plans(paths.plans)
    except RegistryError as exc:
        problems.extend(exc.problems)
        plans = {}
    boundaries = read_boundaries(paths.boundaries)
    places = read_places(paths.places, problems)
    registry = read_registry(paths.registry, paths.plans, problems)
    named = ({p.adcode for p in plans.values()} | {p.district_adcode for p in registry.projects}
             | {t.adcode for t in registry.targets} | {p.district_adcode for p in places.values()})
    districts = {a: boundaries.district(a) for a in districts_in_use(named, boundaries)}
    gazetteer = read_gazetteer(paths.gazetteer, [a for a, d in districts.items() if d.level == "county"])
    units_file = paths.boundaries / "units.csv"

    def unknown(adcode: str) -> str:
        return f"unknown district {adcode!r}: not an adcode of China in {units_file}"

    for plan in plans.values():
        if plan.adcode not in districts:
            problems.append(Problem(str(paths.plans / "plans.csv"), None, "adcode", unknown(plan.adcode)))
    for place in places.values():
        _check_place(place, districts, boundaries, problems, unknown)
    places = {key: _relative(place, paths.root) for key, place in places.items()}  # refs leave the server
    for row_id, where in registry.refs.items():
        for path, line in where[1:]:
            first = f"{where[0][0]}:{where[0][1]}"
            problems.append(Problem(path, line, "id", f"duplicate id {row_id!r} (first at {first})"))

    locations: dict[str, Location] = {}
    for project in registry.projects:
        path, line = registry.refs[project.id][0]
        if project.district_adcode not in districts:
            problems.append(Problem(path, line, "district_adcode", unknown(project.district_adcode)))
            continue
        loc, notes = locate(project, places, districts, gazetteer)
        warnings.extend(Problem(path, line, n.field, n.message) for n in notes)
        if not contains(districts[project.district_adcode], loc.lon, loc.lat):
            message = (f"point {loc.lon},{loc.lat} from {loc.source} lies outside its stated district "
                       f"{project.district_adcode}")
            problems.append(Problem(path, line, "district_adcode", message))
        locations[project.id] = loc
    for target in registry.targets:
        if target.adcode not in districts:
            path, line = registry.refs[target.id][0]
            problems.append(Problem(path, line, "adcode", unknown(target.adcode)))
    return Dataset(plans, districts, places, registry, locations, tuple(warnings)), problems


def _relative(place: Place, root: Path) -> Place:
    """``place`` with its ref relative to the data folder (``places.csv:12``), as records carry it."""
    path, _, line = place.ref.rpartition(":")
    return replace(place, ref=data_ref(path, root, line))


def _check_place(place: Place, districts: dict[str, District], boundaries: Boundaries, problems: list[Problem],
                 unknown) -> None:
    path, _, line = place.ref.rpartition(":")
    if place.district_adcode not in districts:
        problems.append(Problem(path, int(line), "district_adcode", unknown(place.district_adcode)))
        return
    if place.lon is None or place.lat is None:
        return
    if not contains(districts[place.district_adcode], place.lon, place.lat):
        inside = boundaries.county_containing(place.lon, place.lat)
        where = (f"it lies in {inside} {boundaries.units[inside].name_zh}" if inside
                 else "it lies outside every county of China")
        message = (f"{place.name_zh} at {place.lon},{place.lat} (WGS-84) is outside its stated district "
                   f"{place.district_adcode}: {where}")
        problems.append(Problem(path, int(line), "lon/lat", message))


def load_valid(data_dir: Path) -> Dataset:
    """Load the data folder, raising RegistryError (with every problem) unless it is clean."""
    dataset, problems = load(data_dir)
    if problems:
        raise RegistryError(problems)
    return dataset
