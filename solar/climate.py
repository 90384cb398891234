"""Cited climate figures (``data/solar/``) behind the offline typical year.

Two stations cover the planner's region: 岳阳 (the Dongting basin) and 怀化 (west Hunan). Each has an
annual GHI assumption, a monthly sunshine-fraction shape, monthly temperatures and a wind assumption,
every figure with its source and basis (cited, proxy, assumption) in ``climate_normals.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.files import not_regular_file
from solar.errors import SolarInputError

MONTHS = [f"m{m:02d}" for m in range(1, 13)]
#: Beyond this distance from the nearest station the offline default refuses to estimate.
MAX_STATION_DISTANCE_KM = 300.0


@dataclass(frozen=True)
class Station:
    """Monthly climate figures for one station; temperatures in °C, GHI in kWh/m²."""

    station: str
    name_zh: str
    latitude: float
    longitude: float
    altitude_m: float
    ghi_annual_kwh_m2: float
    sunshine_fraction: tuple[float, ...]  # 12 values, 0..1
    temp_mean_c: tuple[float, ...]
    temp_range_c: tuple[float, ...]  # mean daily max - mean daily min
    wind_speed_m_s: float
    sources: tuple[str, ...]  # "quantity (basis): source" lines


def _monthly(row: dict[str, str]) -> tuple[float, ...]:
    return tuple(float(row[m]) for m in MONTHS)


def read_stations(data_dir: Path) -> dict[str, Station]:
    """Read ``solar/stations.csv`` and ``solar/climate_normals.csv`` under ``data_dir``."""
    folder = data_dir / "solar"
    for name in ("climate_normals.csv", "stations.csv"):
        problem = not_regular_file(folder / name)
        if problem:
            raise SolarInputError("climate data", problem, str(folder / name))
    with open(folder / "climate_normals.csv", encoding="utf-8", newline="") as f:
        normals: dict[tuple[str, str], dict[str, str]] = {(r["station"], r["quantity"]): r for r in csv.DictReader(f)}
    with open(folder / "stations.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    stations = {}
    for row in rows:
        sid = row["station"]
        get = normals.__getitem__
        ranging = row["diurnal_range_from"]
        high, low = _monthly(get((ranging, "temp_high"))), _monthly(get((ranging, "temp_low")))
        cited = [f"{q} ({r['basis']}): {r['source']}" for (s, q), r in normals.items() if s == sid]
        sources = (*cited, f"altitude {row['altitude_m']} m: {row['altitude_source']}")
        stations[sid] = Station(
            station=sid,
            name_zh=row["name_zh"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            altitude_m=float(row["altitude_m"]),
            ghi_annual_kwh_m2=float(get((sid, "ghi_annual"))["annual"]),
            sunshine_fraction=tuple(v / 100 for v in _monthly(get((sid, "sunshine_fraction")))),
            temp_mean_c=_monthly(get((sid, "temp_mean"))),
            temp_range_c=tuple(h - lo for h, lo in zip(high, low, strict=True)),
            wind_speed_m_s=float(get((sid, "wind_speed"))["annual"]),
            sources=sources,
        )
    return stations


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km on a 6,371 km sphere (ample for choosing a station)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * 6371.0 * np.arcsin(np.sqrt(a)))


def nearest_station(stations: dict[str, Station], lat: float, lon: float) -> tuple[Station, float]:
    """The station nearest to (lat, lon) and its distance in km; refuses points too far from any station."""
    best = min(stations.values(), key=lambda s: great_circle_km(lat, lon, s.latitude, s.longitude))
    km = great_circle_km(lat, lon, best.latitude, best.longitude)
    if km > MAX_STATION_DISTANCE_KM:
        names = ", ".join(f"{s.station} ({s.latitude}, {s.longitude})" for s in stations.values())
        raise SolarInputError(
            "lat/lon",
            f"({lat}, {lon}) is {km:.0f} km from the nearest climate station of the offline default "
            f"(limit {MAX_STATION_DISTANCE_KM:.0f} km; stations: {names}); give a weather file with --weather",
        )
    return best, km
