"""The station climatology (``data/solar/``) and the climate of a site blended from its nearest stations.

``data/solar/`` holds statistics of 1,042 CMA stations (CDSRD, 1970-2017: monthly mean daily GHI, diffuse
fraction, quantiles and persistence of daily clearness, interannual spread of the annual total) and the
monthly temperature and wind normals of 224 CSWD stations, with the ratio of each CSWD typical year's GHI to
the CDSRD mean at the same place (``scripts/build_climate.py`` builds them; ``data/solar/README.md`` says
what each number is).

:func:`site_climate` turns them into the monthly climate of any point in China:

- **stations**: up to :data:`MAX_BLEND` stations whose *effective distance* (great-circle distance and
  :data:`KM_PER_M_ALTITUDE` km per metre of altitude difference, when the site's altitude is given) is within
  :data:`BLEND_MARGIN_KM` of the nearest's, weighted by inverse squared effective distance;
- **radiation**: each station's monthly clearness (mean daily GHI / extraterrestrial horizontal irradiation
  at the station) is blended and applied to the site's extraterrestrial irradiation, then multiplied by the
  **level**: the CSWD/CDSRD ratio interpolated from the :data:`LEVEL_NEIGHBOURS` nearest paired CSWD
  stations (see :data:`LEVEL_NEIGHBOURS` for why and how well);
- **temperature and wind**: the CSWD normals of up to :data:`TEMP_NEIGHBOURS` nearest stations, each moved
  to the site's altitude with the standard lapse rate.

Points outside China's outline, or farther than :data:`MAX_STATION_KM` from every station, are refused.
"""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.files import not_regular_file
from solar.errors import SolarInputError

#: A point farther than this from every station is refused [km]: 95 % of China's area lies within it; beyond
#: are the empty far west (Changtang, the Taklamakan) and Taiwan, where the network has no stations.
MAX_STATION_KM = 200.0
#: Beyond this distance the result says the nearest station is far [km].
FAR_STATION_KM = 100.0
#: Altitude difference counted as distance when choosing stations: 0.1 km per m (500 m ~ 50 km).
KM_PER_M_ALTITUDE = 0.1
#: At most this many stations are blended, those within BLEND_MARGIN_KM of the nearest (effective distance).
MAX_BLEND = 4
BLEND_MARGIN_KM = 30.0
#: Distances below this count as this in the inverse-distance weights [km] (a station's own point is ~97 %).
WEIGHT_FLOOR_KM = 5.0
#: Level of the offline year: CSWD typical-year GHI / CDSRD long-term mean, inverse-distance weighted over the
#: 5 nearest of the 183 paired stations. Leave-one-out over those 183 (each predicted from the others): mean
#: error +0.3 %, SD 5.6 %, mean |error| 4.1 %; without the level CDSRD reads +4.8 % high on mean (SD 6.8 %),
#: with one national factor (0.968) the mean |error| is 4.9 %. Measured with tests/test_weather_stations.py.
LEVEL_NEIGHBOURS = 5
LEVEL_FLOOR_KM = 10.0
#: CSWD stations blended for temperature and wind (inverse squared distance), moved by the lapse rate.
TEMP_NEIGHBOURS = 3
LAPSE_RATE_K_PER_M = -0.0065
#: Solar constant [W/m^2] (Duffie & Beckman, as CDSRD's clearness index uses).
SOLAR_CONSTANT_W_M2 = 1367.0
MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
QUANTILE_LEVELS = np.array([0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95])
QUANTILE_COLUMNS = ("kt_p05", "kt_p10", "kt_p25", "kt_p50", "kt_p75", "kt_p90", "kt_p95")


@dataclass(frozen=True)
class StationTable:
    """The shipped climatology as arrays (one row per station; months on the last axis)."""

    ids: np.ndarray  # CDSRD station (WMO id), int
    lat: np.ndarray
    lon: np.ndarray
    altitude_m: np.ndarray
    full_years: np.ndarray
    ghi_annual_std_pct: np.ndarray
    ghi_kwh_m2_day: np.ndarray  # (n, 12) mean daily GHI [kWh/m^2/day]
    diffuse_fraction: np.ndarray  # (n, 12) sum DHI / sum GHI
    kt_mean: np.ndarray  # (n, 12)
    kt_lag1: np.ndarray  # (n, 12) lag-1 autocorrelation of daily clearness
    kt_quantiles: np.ndarray  # (n, 12, 7) at QUANTILE_LEVELS
    names: dict[int, str]  # CSWD city names where a CSWD station is the same (WMO id)
    cswd_ids: np.ndarray
    cswd_names: tuple[str, ...]
    cswd_lat: np.ndarray
    cswd_lon: np.ndarray
    cswd_altitude_m: np.ndarray
    cswd_level: np.ndarray  # CSWD/CDSRD annual GHI; NaN where no CDSRD station within 30 km
    temp_mean_c: np.ndarray  # (m, 12)
    temp_max_c: np.ndarray
    temp_min_c: np.ndarray
    wind_speed_m_s: np.ndarray
    outline: shapely.Geometry


@dataclass(frozen=True)
class StationUse:
    """One station behind a site's climate: how far, how much higher, and its weight."""

    station: int
    name: str
    latitude: float
    longitude: float
    altitude_m: float
    km: float
    altitude_diff_m: float  # station minus site
    weight: float

    def describe(self) -> str:
        """One line on the station.

        Returns
        -------
        str
            E.g. ``57687 Changsha (28.2167 N, 112.9167 E, 69 m): 12 km, -3 m, weight 0.91``.
        """
        name = f" {self.name}" if self.name else ""
        return (f"{self.station}{name} ({self.latitude:.4f} N, {self.longitude:.4f} E, {self.altitude_m:.0f} m): "
                f"{self.km:.0f} km, {self.altitude_diff_m:+.0f} m, weight {self.weight:.2f}")


@dataclass(frozen=True)
class SiteClimate:
    """The monthly climate of one site, blended from stations; radiation at the site's latitude."""

    latitude: float
    longitude: float
    altitude_m: float
    altitude_given: bool
    stations: tuple[StationUse, ...]
    temp_stations: tuple[StationUse, ...]
    level: float  # multiplies the CDSRD radiation (CSWD/CDSRD ratio)
    ghi_kwh_m2_day: np.ndarray  # (12,) at the site, level applied
    diffuse_fraction: np.ndarray  # (12,)
    kt_quantiles: np.ndarray  # (12, 7), level applied
    kt_lag1: np.ndarray  # (12,)
    ghi_annual_std_pct: float  # interannual SD of the annual GHI total
    full_years: int  # the fewest full years among the blended stations
    temp_mean_c: np.ndarray
    temp_max_c: np.ndarray
    temp_min_c: np.ndarray
    wind_speed_m_s: np.ndarray

    @property
    def ghi_monthly_kwh_m2(self) -> np.ndarray:
        """Monthly GHI totals of the 365-day year.

        Returns
        -------
        numpy.ndarray
            (12,) [kWh/m^2].
        """
        return self.ghi_kwh_m2_day * MONTH_DAYS

    @property
    def dhi_monthly_kwh_m2(self) -> np.ndarray:
        """Monthly DHI totals.

        Returns
        -------
        numpy.ndarray
            (12,) [kWh/m^2].
        """
        return self.ghi_monthly_kwh_m2 * self.diffuse_fraction


def _read_csv(path: Path) -> list[dict[str, str]]:
    problem = not_regular_file(path)
    if problem:
        raise SolarInputError("climate data", problem, str(path))
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_stations(data_dir: Path) -> StationTable:
    """Read the climatology under ``data_dir / "solar"`` (cached per folder and file times).

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.

    Returns
    -------
    StationTable
        The CDSRD stations (positions [degrees], altitude [m], monthly clearness [-], diffuse fraction [-],
        interannual GHI spread [%]), the CSWD normals (temperature [°C], wind speed [m/s]) and China's outline.

    Raises
    ------
    SolarInputError
        A file missing or unreadable, with its path and line.
    """
    folder = Path(data_dir) / "solar"
    names = ("stations.csv", "station_months.csv", "cswd_stations.csv", "cswd_months.csv", "china_outline.geojson")
    stamps = []
    for name in names:
        problem = not_regular_file(folder / name)
        if problem:
            raise SolarInputError("climate data", problem, str(folder / name))
        stamps.append((folder / name).stat().st_mtime_ns)
    return _read_stations(folder, tuple(stamps))


@functools.lru_cache(maxsize=4)
def _read_stations(folder: Path, _stamps: tuple[int, ...]) -> StationTable:
    def where(name: str, i: int) -> str:
        return f"{folder / name}:{i + 2}"

    rows = _read_csv(folder / "stations.csv")
    index = {}
    for i, r in enumerate(rows):
        try:
            index[int(r["station"])] = i
        except (KeyError, ValueError) as exc:
            raise SolarInputError("station", f"not a station id: {exc}", where("stations.csv", i)) from exc

    def floats(table: list[dict[str, str]], key: str, name: str) -> np.ndarray:
        try:
            return np.array([float(r[key]) for r in table])
        except (KeyError, ValueError) as exc:
            raise SolarInputError(key, f"missing or not a number ({exc})", str(folder / name)) from exc

    n = len(rows)
    monthly = {k: np.full((n, 12), np.nan) for k in ("ghi", "df", "kt", "lag1")}
    quantiles = np.full((n, 12, 7), np.nan)
    for j, r in enumerate(_read_csv(folder / "station_months.csv")):
        try:
            i, m = index[int(r["station"])], int(r["month"]) - 1
            monthly["ghi"][i, m] = float(r["ghi_kwh_m2_day"])
            monthly["df"][i, m] = float(r["diffuse_fraction"])
            monthly["kt"][i, m] = float(r["kt_mean"])
            monthly["lag1"][i, m] = float(r["kt_lag1"])
            quantiles[i, m] = [float(r[q]) for q in QUANTILE_COLUMNS]
        except (KeyError, ValueError, IndexError) as exc:
            raise SolarInputError("station month", f"unreadable row ({exc})", where("station_months.csv", j)) from exc
    if np.isnan(monthly["ghi"]).any() or np.isnan(quantiles).any():
        raise SolarInputError("station month", "a station lacks a month", str(folder / "station_months.csv"))

    cswd = _read_csv(folder / "cswd_stations.csv")
    cswd_index = {int(r["wmo"]): i for i, r in enumerate(cswd)}
    normals = {k: np.full((len(cswd), 12), np.nan) for k in ("temp_mean_c", "temp_max_c", "temp_min_c",
                                                               "wind_speed_m_s")}
    for j, r in enumerate(_read_csv(folder / "cswd_months.csv")):
        try:
            i, m = cswd_index[int(r["wmo"])], int(r["month"]) - 1
            for k, v in normals.items():
                v[i, m] = float(r[k])
        except (KeyError, ValueError, IndexError) as exc:
            raise SolarInputError("normals", f"unreadable row ({exc})", where("cswd_months.csv", j)) from exc
    level = np.array([float(r["level"]) if r["level"] else np.nan for r in cswd])
    same = {int(r["wmo"]) // 10: r["city"] for r in cswd if r["cdsrd_station"] == str(int(r["wmo"]) // 10)}
    outline_path = folder / "china_outline.geojson"
    try:
        outline = shape(json.loads(outline_path.read_text(encoding="utf-8"))["features"][0]["geometry"])
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise SolarInputError("outline", f"not China's outline as GeoJSON ({exc})", str(outline_path)) from exc
    shapely.prepare(outline)
    return StationTable(
        ids=np.array(list(index)), lat=floats(rows, "lat", "stations.csv"), lon=floats(rows, "lon", "stations.csv"),
        altitude_m=floats(rows, "altitude_m", "stations.csv"), full_years=floats(rows, "full_years", "stations.csv"),
        ghi_annual_std_pct=floats(rows, "ghi_annual_std_pct", "stations.csv"),
        ghi_kwh_m2_day=monthly["ghi"], diffuse_fraction=monthly["df"], kt_mean=monthly["kt"],
        kt_lag1=monthly["lag1"], kt_quantiles=quantiles, names=same,
        cswd_ids=np.array([int(r["wmo"]) for r in cswd]), cswd_names=tuple(r["city"] for r in cswd),
        cswd_lat=floats(cswd, "lat", "cswd_stations.csv"), cswd_lon=floats(cswd, "lon", "cswd_stations.csv"),
        cswd_altitude_m=floats(cswd, "altitude_m", "cswd_stations.csv"), cswd_level=level,
        outline=outline, **normals,
    )


def great_circle_km(lat1: float, lon1: float, lat2: np.ndarray | float, lon2: np.ndarray | float) -> np.ndarray:
    """Haversine distance on a 6,371 km sphere (ample for choosing stations).

    Parameters
    ----------
    lat1, lon1 : float
        From [degrees].
    lat2, lon2 : numpy.ndarray or float
        To [degrees].

    Returns
    -------
    numpy.ndarray
        Distance [km].
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def extraterrestrial_daily_kwh_m2(lat: float) -> np.ndarray:
    """Extraterrestrial irradiation on a horizontal plane for days 1..365 (Duffie & Beckman 1.10.3).

    Parameters
    ----------
    lat : float
        Latitude [degrees north].

    Returns
    -------
    numpy.ndarray
        (365,) [kWh/m^2/day].
    """
    day = np.arange(1, 366)
    decl = np.radians(23.45) * np.sin(2 * np.pi * (284 + day) / 365)
    phi = np.radians(lat)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(decl), -1.0, 1.0))
    e0 = 1 + 0.033 * np.cos(2 * np.pi * day / 365)
    h0_wh = 24 / np.pi * SOLAR_CONSTANT_W_M2 * e0 * (np.cos(phi) * np.cos(decl) * np.sin(ws)
                                                     + ws * np.sin(phi) * np.sin(decl))
    return np.maximum(h0_wh, 0.0) / 1000


def monthly_extraterrestrial_kwh_m2_day(lat: float) -> np.ndarray:
    """Monthly mean of :func:`extraterrestrial_daily_kwh_m2`.

    Parameters
    ----------
    lat : float
        Latitude [degrees north].

    Returns
    -------
    numpy.ndarray
        (12,) [kWh/m^2/day].
    """
    month = np.repeat(np.arange(12), MONTH_DAYS)
    return np.bincount(month, weights=extraterrestrial_daily_kwh_m2(lat), minlength=12) / MONTH_DAYS


def check_in_network(table: StationTable, lat: float, lon: float) -> np.ndarray:
    """Distances from (lat, lon) to every station; refuses points outside China or beyond the network.

    Parameters
    ----------
    table : StationTable
        The stations.
    lat, lon : float
        The site [degrees, WGS-84].

    Returns
    -------
    numpy.ndarray
        Distance to each CDSRD station [km].

    Raises
    ------
    SolarInputError
        Outside China's outline, or farther than :data:`MAX_STATION_KM` from every station.
    """
    if not table.outline.contains(shapely.Point(lon, lat)):
        raise SolarInputError(
            "lat/lon", f"({lat}, {lon}) is outside China (the offline weather covers mainland China and Hainan from "
            "1,042 CMA stations; outline buffered 5 km); give a weather file with --weather")
    km = great_circle_km(lat, lon, table.lat, table.lon)
    nearest = int(np.argmin(km))
    if km[nearest] > MAX_STATION_KM:
        raise SolarInputError(
            "lat/lon", f"({lat}, {lon}) is {km[nearest]:.0f} km from the nearest climate station of the offline "
            f"weather ({table.ids[nearest]} at {table.lat[nearest]:.2f} N, {table.lon[nearest]:.2f} E; limit "
            f"{MAX_STATION_KM:.0f} km: the network has no station near here); give a weather file with --weather")
    return km


def choose_stations(table: StationTable, lat: float, lon: float, altitude_m: float | None) -> tuple[StationUse, ...]:
    """The stations blended for a site and their weights (see the module docstring).

    Parameters
    ----------
    table : StationTable
        The stations.
    lat, lon : float
        The site [degrees, WGS-84].
    altitude_m : float or None
        The site's altitude [m]; None chooses by distance alone.

    Returns
    -------
    tuple of StationUse
        Each with distance [km], altitude difference [m] and weight [-] (weights sum to 1).
    """
    km = check_in_network(table, lat, lon)
    if altitude_m is None:
        effective = km
    else:
        effective = np.hypot(km, KM_PER_M_ALTITUDE * (table.altitude_m - altitude_m))
    order = np.argsort(effective)[:MAX_BLEND]
    order = order[effective[order] <= effective[order[0]] + BLEND_MARGIN_KM]
    weights = 1 / np.maximum(effective[order], WEIGHT_FLOOR_KM) ** 2
    weights /= weights.sum()
    site_alt = float(np.sum(weights * table.altitude_m[order])) if altitude_m is None else altitude_m
    return tuple(
        StationUse(int(table.ids[i]), table.names.get(int(table.ids[i]), ""), float(table.lat[i]),
                   float(table.lon[i]), float(table.altitude_m[i]), float(km[i]),
                   float(table.altitude_m[i] - site_alt), float(w))
        for i, w in zip(order, weights, strict=True)
    )


def level_at(table: StationTable, lat: float, lon: float, exclude: int | None = None) -> float:
    """The CSWD/CDSRD level at a point (:data:`LEVEL_NEIGHBOURS`); ``exclude`` leaves one CSWD station out.

    Parameters
    ----------
    table : StationTable
        The stations.
    lat, lon : float
        The point [degrees, WGS-84].
    exclude : int, optional
        WMO id of a CSWD station to leave out (leave-one-out tests).

    Returns
    -------
    float
        Ratio of CSWD to CDSRD annual GHI [-].
    """
    ok = np.isfinite(table.cswd_level)
    if exclude is not None:
        ok &= table.cswd_ids != exclude
    km = great_circle_km(lat, lon, table.cswd_lat[ok], table.cswd_lon[ok])
    near = np.argsort(km)[:LEVEL_NEIGHBOURS]
    w = 1 / np.maximum(km[near], LEVEL_FLOOR_KM)
    return float(np.sum(w * table.cswd_level[ok][near]) / w.sum())


def _temperature(table: StationTable, lat: float, lon: float, altitude_m: float
                 ) -> tuple[tuple[StationUse, ...], dict[str, np.ndarray]]:
    km = great_circle_km(lat, lon, table.cswd_lat, table.cswd_lon)
    near = np.argsort(km)[:TEMP_NEIGHBOURS]
    w = 1 / np.maximum(km[near], WEIGHT_FLOOR_KM) ** 2
    w /= w.sum()
    shift = LAPSE_RATE_K_PER_M * (altitude_m - table.cswd_altitude_m[near])  # per station [K]
    out = {}
    for key in ("temp_mean_c", "temp_max_c", "temp_min_c"):
        out[key] = np.sum(w[:, None] * (getattr(table, key)[near] + shift[:, None]), axis=0)
    out["wind_speed_m_s"] = np.sum(w[:, None] * table.wind_speed_m_s[near], axis=0)
    uses = tuple(
        StationUse(int(table.cswd_ids[i]), table.cswd_names[i], float(table.cswd_lat[i]), float(table.cswd_lon[i]),
                   float(table.cswd_altitude_m[i]), float(km[i]), float(table.cswd_altitude_m[i] - altitude_m),
                   float(wi))
        for i, wi in zip(near, w, strict=True)
    )
    return uses, out


def site_climate(data_dir: Path, lat: float, lon: float, altitude_m: float | None = None) -> SiteClimate:
    """The monthly climate of (lat, lon) from its nearest stations (see the module docstring).

    Parameters
    ----------
    data_dir : Path
        The data folder (``solar/`` under it holds the climatology).
    lat, lon : float
        The site [degrees, WGS-84].
    altitude_m : float, optional
        The site's altitude [m]; without it, the blended stations' altitude is used and stations are chosen
        by distance alone.

    Returns
    -------
    SiteClimate
        Monthly clearness [-] and diffuse fraction [-], temperature [°C], wind speed [m/s], the level [-]
        and the stations used.
    """
    table = read_stations(data_dir)
    uses = choose_stations(table, lat, lon, altitude_m)
    rows = np.array([int(np.flatnonzero(table.ids == u.station)[0]) for u in uses])
    w = np.array([u.weight for u in uses])
    site_alt = altitude_m if altitude_m is not None else float(np.sum(w * table.altitude_m[rows]))
    # clearness of each station-month, blended, at the site's extraterrestrial irradiation
    h0_site = monthly_extraterrestrial_kwh_m2_day(lat)
    kt_month = np.array([table.ghi_kwh_m2_day[i] / monthly_extraterrestrial_kwh_m2_day(float(table.lat[i]))
                         for i in rows])
    level = level_at(table, lat, lon)
    ghi = level * h0_site * np.sum(w[:, None] * kt_month, axis=0)
    # the stations' daily-clearness quantiles, blended, at the same level
    quantiles = level * np.sum(w[:, None, None] * table.kt_quantiles[rows], axis=0)
    temp_uses, normals = _temperature(table, lat, lon, site_alt)
    return SiteClimate(
        latitude=lat, longitude=lon, altitude_m=site_alt, altitude_given=altitude_m is not None, stations=uses,
        temp_stations=temp_uses, level=level, ghi_kwh_m2_day=ghi,
        diffuse_fraction=np.sum(w[:, None] * table.diffuse_fraction[rows], axis=0),
        kt_quantiles=quantiles, kt_lag1=np.sum(w[:, None] * table.kt_lag1[rows], axis=0),
        ghi_annual_std_pct=float(np.sum(w * table.ghi_annual_std_pct[rows])),
        full_years=int(table.full_years[rows].min()), **normals,
    )
