"""``energy-planner site``: where can a district put the PV its target still lacks.

Scans a district (``--district ADCODE``) or a drawn polygon (``--polygon FILE``) on a grid in the area's UTM zone,
applies a rule set and the user's exclusion layers and rasters, scores and merges the cells into candidate
sites, and writes rasters (COG), candidates (GeoJSON, GeoPackage), the supply curve (CSV), a report
(JSON, Markdown) and a map (HTML) to ``--out`` (default ``var/siting/<adcode>``).

Scheduler default: ``auto``: in-process below 200,000 cells inside the area, else a local Dask cluster of
two single-threaded worker processes (:data:`solar.siting.scan.AUTO_LOCAL_MIN_CELLS`). Measured on a 2-core
machine (``benchmarks/bench_siting.py``, 临湘市 at 250 m, 27,564 cells): in-process 2.7 s; the local cluster
needs 2.4 s to start and 3.6 s for its first scan (cold workers), 2.1 s warm. So a county never wins the
start-up back; break-even is near 200,000 cells (a city at 250 m, a county at 100 m). Two workers match
the 2-core CI machines (more workers than cores only add memory, ~0.4 GB each). ``none``, ``local`` or a
scheduler address force a choice.
"""

import argparse
import json
import time
from pathlib import Path

from api.cli.output import escape_control, escape_json
from api.settings import Settings
from api.state import command_state
from layers.siting_layer import write_siting_map
from solar.results import as_json
from solar.siting.landcover import LEGENDS
from solar.siting.report import plain
from solar.siting.rules import RULE_SETS
from solar.siting.run import SitingResult, site_district, site_polygon
from solar.siting.scan import AUTO_LOCAL_MIN_CELLS, DEFAULT_CHUNK_ROWS
from solar.siting.score import DEFAULT_WEIGHTS, parse_weights
from solar.siting.supply import DEFAULT_BLOCK_M, DEFAULT_DENSITY_MW_PER_KM2, DEFAULT_MIN_AREA_KM2

TOP = 5


def _km(value: object) -> str:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if f != f else f"{f:,.1f}"


def _say(text: str) -> None:
    """One line of the summary, control characters escaped (names and paths are user text)."""
    print(escape_control(text))


def print_summary(result: SitingResult, wall_s: float) -> None:
    """The concise text summary of a run."""
    r = result.run_report
    cells, scan = r.cells, r.scan
    _say(f"{r.area}: {cells.inside:,} cells of {r.resolution_m:g} m inside ({cells.area_km2:,.0f} km2), "
         f"{cells.excluded:,} excluded, {cells.candidate:,} candidate cells; scan {scan.seconds:.1f} s "
         f"({scan.scheduler}, {scan.chunks} chunks, {scan.cells_per_second or 0:,.0f} cells/s)")
    excluded = [c for c in result.outcomes if c.status == "evaluated" and c.cells_excluded]
    _say("excluded by criterion: " + (", ".join(f"{c.criterion} {c.cells_excluded:,}" for c in excluded) or "none"))
    used = [f"{s['criterion']} {s['weight_used']:.2f}" for s in result.score_report if s["status"] == "evaluated"]
    _say(f"score weights used: {', '.join(used) or 'none'}; scores span {r.score_spread:.3f}")
    for warning in r.warnings:  # the same list report.md and report.json carry
        _say(f"warning: {warning}")
    _say(f"{r.sites.count} candidate sites, {r.sites.capacity_mw:,.0f} MWp, "
         f"{r.sites.annual_mwh / 1000:,.0f} GWh/yr (density {r.assumptions['density'].split(' for ')[0]})")
    if len(result.sites):
        _say(f"top {min(TOP, len(result.sites))} by score:")
        cols = ("site_id", "capacity_mw", "annual_mwh", "score", "dist_substation_km", "substation_precision",
                "lon", "lat")
        _say("  " + "  ".join(f"{c:>14}" if c != "site_id" else f"{c:<14}" for c in cols))
        for s in result.sites.head(TOP).to_dict("records"):
            _say(f"  {s['site_id']:<14}  {s['capacity_mw']:>14,.1f}  {s['annual_mwh']:>14,.0f}  {s['score']:>14.3f}"
                 f"  {_km(s['dist_substation_km']):>14}  {s['substation_precision'] or 'n/a'!s:>14}"
                 f"  {s['lon']:>14.4f}  {s['lat']:>14.4f}")
    for c in result.coverage:
        _say(c["line"])
    if not result.coverage:
        _say("coverage: no PV / new-energy capacity target for this area")
    _say(f"grid distance: {r.assumptions['substations']}")
    _say(f"yield: {r.assumptions['weather']}; rows-model factor {scan.rows_factor:.4f}")
    if result.outputs:
        folder = Path(next(iter(result.outputs.values()))).parent
        _say(f"wrote to {folder}: {', '.join(Path(p).name for p in result.outputs.values())}")
    _say(f"runtime {wall_s:.1f} s")


def cmd_site(args: argparse.Namespace, settings: Settings) -> int:
    """Site new PV in a district or a drawn polygon; print a summary (or JSON) and write the files."""
    start = time.perf_counter()
    if (args.district is None) == (args.polygon is None):
        raise ValueError("site: give exactly one of --district ADCODE or --polygon FILE")
    weights = parse_weights(args.weights)
    state = command_state(settings)
    out = Path(args.out) if args.out else settings.store.parent / "siting" / (
        args.district if args.district else Path(args.polygon).stem)
    options = {
        "data_dir": settings.data_dir, "projects": state.projects, "targets": state.targets, "out_dir": out,
        "resolution_m": args.resolution, "exclude": tuple(args.exclude or ()),
        "dem": tuple(args.dem) if args.dem else None, "landcover": tuple(args.landcover) if args.landcover else None,
        "legend": args.legend, "osm": args.osm, "coarse": not args.no_coarse, "substations": args.substations,
        "rules": args.rules,
        "weights": weights, "density_mw_per_km2": args.density_mw_per_km2, "mounting": args.mounting,
        "weather": args.weather, "scheduler": args.scheduler, "chunk_rows": args.chunk_rows,
        "min_score": args.min_score, "min_area_km2": args.min_area_km2, "block_m": args.block_m,
        "include_district_points": args.include_district_points, "progress": not args.no_progress,
    }
    if args.district is not None:
        result = site_district(args.district, districts=state.districts, **options)
    else:
        result = site_polygon(Path(args.polygon), districts=state.districts, **options)
    grid = result.grid
    if not args.no_map:
        result.outputs["map"] = write_siting_map(result.sites, grid.polygon, grid.name, out / "map.html",
                                                 overlays=result.overlays, warnings=list(result.run_report.warnings))
    wall = time.perf_counter() - start
    if args.json:
        report = dict(as_json(result.run_report))
        report["outputs"] = {k: str(v) for k, v in result.outputs.items()}
        report["wall_s"] = wall
        print(escape_json(json.dumps(plain(report), ensure_ascii=False, indent=1)))
    else:
        print_summary(result, wall)
    return 0


def add_arguments(name: str, s: argparse.ArgumentParser) -> None:
    """The arguments of ``site``."""
    s.description = __doc__
    s.formatter_class = argparse.RawDescriptionHelpFormatter
    where = s.add_mutually_exclusive_group()
    where.add_argument("--district", help="adcode of a district in the store (e.g. 430682)")
    where.add_argument("--polygon", help="a vector file (GeoJSON/GeoPackage/Shapefile) with the area to scan")
    s.add_argument("--resolution", type=float, default=250.0, help="cell size, m (100-5000; default 250)")
    s.add_argument("--exclude", action="append", metavar="FILE[:kind][:buffer_m]",
                   help="an exclusion layer (repeatable); kinds: water, protected_area, permanent_basic_farmland, "
                   "ecological_red_line, settlement, basic_grassland, class1_forest, other")
    s.add_argument("--dem", type=Path, nargs="+", action="extend", metavar="FILE_OR_FOLDER",
                   help="DEM [m] for slope and aspect: a GeoTIFF, or tiles (SRTM .hgt, Copernicus GeoTIFF) and folders "
                   "of them, mosaicked for the area")
    s.add_argument("--landcover", type=Path, nargs="+", action="extend", metavar="FILE_OR_FOLDER",
                   help="classified land cover: a GeoTIFF, or tiles and folders (ESA WorldCover), mosaicked")
    s.add_argument("--osm", type=Path, metavar="FILE",
                   help="an OpenStreetMap extract (.osm.pbf or .osm): roads, power lines, substations with voltage, "
                   "water, built-up land, protected areas (ODbL: outputs say so)")
    s.add_argument("--no-coarse", action="store_true",
                   help="do not use the coarse layers that ship (MODIS 0.05 deg land cover, Natural Earth lakes, "
                   "gazetteer settlements)")
    s.add_argument("--legend", default="worldcover", choices=list(LEGENDS),
                   help="legend of --landcover (the shipped coarse land cover is modis_igbp)")
    s.add_argument("--substations", type=Path, help="surveyed substations (CSV name,voltage_kv,lon,lat or GeoJSON)")
    s.add_argument("--include-district-points", action="store_true",
                   help="also measure distances to registry substations/projects placed at their district's point "
                   "(indicative only)")
    s.add_argument("--rules", default="land-2023", choices=list(RULE_SETS), help="rule set (default land-2023)")
    s.add_argument("--weights", help="score weights, e.g. " + ",".join(f"{k}={v:g}" for k, v in DEFAULT_WEIGHTS.items())
                   + " (default; criteria left out weigh 0)")
    s.add_argument("--density-mw-per-km2", type=float, default=DEFAULT_DENSITY_MW_PER_KM2,
                   help=f"land-use density, MWp/km2 (default {DEFAULT_DENSITY_MW_PER_KM2:g}, an assumption)")
    s.add_argument("--mounting", default="ground_fixed", help="fixed mounting preset of the yields")
    s.add_argument("--weather", help="offline (default: the area's typical year) or a weather file (PVGIS/EPW/CSV)")
    s.add_argument("--scheduler", default="auto",
                   help=f"auto (default: in-process below {AUTO_LOCAL_MIN_CELLS:,} cells, else local), none, local "
                   "(2 worker processes), or a Dask scheduler address tcp://host:port")
    s.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, help="grid rows per chunk")
    s.add_argument("--min-score", type=float, default=0.0, help="leave cells scoring below this out of sites")
    s.add_argument("--min-area-km2", type=float, default=DEFAULT_MIN_AREA_KM2, help="drop smaller sites")
    s.add_argument("--block-m", type=float, default=DEFAULT_BLOCK_M, help="aggregation block side, m")
    s.add_argument("--out", help="output folder (default var/siting/<adcode>)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--no-map", action="store_true", help="do not write map.html")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.set_defaults(func=cmd_site)

