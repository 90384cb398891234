"""Hourly weather for a yield run: the offline typical year, user files, and the optional PVGIS fetch.

Every source gives a :class:`Weather`: an hourly frame with ``ghi``, ``dni``, ``dhi`` (W/m²), ``temp_air``
(°C) and ``wind_speed`` (m/s) on a tz-aware index that marks the **middle** of each hourly interval (where
the sun's position is taken), plus where it came from and whether it is an estimate.

Sources, by name (:data:`WEATHER_SOURCES`), or a file path:

- ``offline`` (default): a typical year from the statistics of the nearest CMA stations (``data/solar/``;
  :mod:`solar.stations` blends them, :mod:`solar.typical_year` builds the hours). A planning estimate:
  every result from it says so, with its stations.
- ``pvgis``: the PVGIS TMY for the point, fetched only when asked for, cached on disk.
- a file: PVGIS TMY (``.json``, ``.csv``), EPW (``.epw``: PVGIS's or any other; the header's time zone is
  honoured), or an hourly CSV (``time`` with a UTC offset, ``ghi`` [, ``dni``, ``dhi``], ``temp_air``,
  ``wind_speed``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pvlib

from geo.coords import coordinate_problem
from geo.files import not_regular_file
from solar.errors import SolarInputError
from solar.stations import great_circle_km, site_climate
from solar.typical_year import describe, hourly_year

COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")
#: Plausible ranges per column; a value outside is a glitch (clipped when isolated) or a broken file.
RANGES = {
    "ghi": (0.0, 1500.0),
    "dni": (0.0, 1400.0),
    "dhi": (0.0, 1000.0),
    "temp_air": (-60.0, 65.0),
    "wind_speed": (0.0, 75.0),
}
#: Isolated implausible hours (outside RANGES, or DHI above GHI by more than DHI_OVER_GHI_W_M2) are clipped
#: and reported when there are at most GLITCH_MAX_HOURS per column in runs of at most GLITCH_MAX_RUN_H hours
#: (a CSWD year has one hour with DHI 1,014 W/m2); more is a broken file. Irradiance down to
#: NEGATIVE_NOISE_W_M2 is sensor offset, set to 0.
GLITCH_MAX_HOURS = 24
GLITCH_MAX_RUN_H = 3
DHI_OVER_GHI_W_M2 = 50.0
NEGATIVE_NOISE_W_M2 = -10.0
#: EPW's codes for a missing value: a gap, not a glitch.
MISSING_CODES = (9999.0, 99999.0, 999999.0)
#: Checks of units and clock on every weather file, after reading it (the figures on the shipped inputs:
#: tests/fixtures/pvgis_tmy_yueyang.json and yueyang.epw hold the Yueyang offline year; offline years for
#: Yueyang and Huaihua):
#: - a year whose highest hourly GHI (or DNI, DHI when the file gives them and they are not all 0) is
#:   below this is in kW/m²
#:   (real years peak at 900-1100 W/m² GHI; fixtures: GHI 952, DNI 817, DHI 346; offline years Yueyang
#:   851, 661, 361 and Huaihua 877, 691, 378, so the margin is >= 2.4x on DHI and >= 8.5x on GHI);
PEAK_MIN_W_M2 = 100.0
#: - annual GHI outside this range [kWh/m²] is not a year of weather (Earth's range is about 600-2700;
#:   fixtures 1250, offline Yueyang 1135, Huaihua 1068: margins >= 3.5x below, 2.4x above);
GHI_ANNUAL_KWH_M2 = (300.0, 3000.0)
#: - more than NIGHT_SHARE_MAX of the year's GHI in hours whose middle has the sun more than
#:   NIGHT_ELEVATION_DEG below the horizon (pvlib solar position at the file's point) means the time
#:   zone or time labels are wrong. Fixtures and offline years: 0.0 % (no GHI at all in such hours);
#:   labels off by 1 h: 0.1 %, 2 h: 2.5 % (accepted), 3 h: 8.3 %, 8 h (UTC read as local): 69 % (refused).
#:   At -5 deg the whole hour is below ~+2 deg elevation, so real twilight cannot reach 5 %.
NIGHT_ELEVATION_DEG = -5.0
NIGHT_SHARE_MAX = 0.05
#: Expected time labels per file kind, for the night-time message.
TIME_CONVENTIONS = {
    "PVGIS TMY": "PVGIS TMY times in UTC",
    "EPW": "EPW times in the header's time zone, hour-ending",
    "hourly CSV": "hourly CSV times with their UTC offset, each starting its hour",
}
WEATHER_SOURCES = {
    "offline": "typical year from the nearest CMA stations' statistics (CDSRD, CSWD; planning estimate)",
    "pvgis": "PVGIS TMY fetched online for the point (only when asked for; cached on disk)",
}
HALF_HOUR = pd.Timedelta(minutes=30)


@dataclasses.dataclass(frozen=True)
class Variability:
    """Year-to-year spread of the weather at a point: the SD of annual GHI [% of the mean] and its source."""

    ghi_annual_std_pct: float
    source: str


@dataclasses.dataclass(frozen=True)
class Weather:
    """Hourly weather for one point, with its provenance."""

    data: pd.DataFrame
    latitude: float
    longitude: float
    altitude_m: float
    source: str
    is_estimate: bool
    assumptions: tuple[str, ...] = ()
    variability: Variability | None = None
    #: Hours of a file changed by the reader (isolated implausible values clipped), one line each.
    clipped: tuple[str, ...] = ()

    @property
    def local_index(self) -> pd.DatetimeIndex:
        """The time stamps in the point's local standard time (UTC offset from its longitude).

        Returns
        -------
        pandas.DatetimeIndex
            One per row.
        """
        offset = dt.timezone(dt.timedelta(hours=round(self.longitude / 15)))
        return pd.DatetimeIndex(self.data.index).tz_convert(offset)

    @property
    def local_months(self) -> np.ndarray:
        """Month of each row in local standard time.

        Returns
        -------
        numpy.ndarray
            1..12, one per row.
        """
        return np.asarray(self.local_index.month)


def check_lat_lon(lat: float, lon: float, where: str = "") -> None:
    """Refuse a latitude or longitude that is not a finite WGS-84 coordinate.

    Parameters
    ----------
    lat : float
        Latitude [degrees north], -90..90.
    lon : float
        Longitude [degrees east], -180..180.
    where : str
        The file (and line) it came from, for the message.

    Raises
    ------
    SolarInputError
        Not finite or out of range.
    """
    problem = coordinate_problem(float(lon), float(lat))
    if problem:
        raise SolarInputError(*problem, where)


#: Allowed site altitude [m]: the Dead Sea shore (-430 m) to above Everest's summit (8,849 m).
ALTITUDE_RANGE_M = (-500.0, 9000.0)


def check_altitude(altitude_m: float, where: str = "") -> None:
    """Refuse an altitude that is not a finite number of metres within :data:`ALTITUDE_RANGE_M`.

    Parameters
    ----------
    altitude_m : float
        Altitude [m].
    where : str
        The file (and line) it came from, for the message.

    Raises
    ------
    SolarInputError
        Not finite or out of range.
    """
    lo, hi = ALTITUDE_RANGE_M
    if not np.isfinite(altitude_m) or not lo <= altitude_m <= hi:
        raise SolarInputError("altitude", f"{altitude_m:g} m is not a site altitude (allowed: finite, "
                              f"{lo:g}..{hi:g} m)", where)


# -- offline typical year -------------------------------------------------------------------------------


def typical_year(data_dir: Path, lat: float, lon: float, altitude_m: float | None = None) -> Weather:
    """The offline typical year at (lat, lon) from its nearest CMA stations (an estimate).

    :func:`solar.stations.site_climate` blends the stations' monthly climate; :func:`solar.typical_year.hourly_year`
    builds the hours. Points outside China or beyond the station network are refused.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder (``solar/`` holds the climatology).
    lat, lon : float
        The site [degrees, WGS-84].
    altitude_m : float, optional
        The site's altitude [m].

    Returns
    -------
    Weather
        Hourly GHI, DNI, DHI [W/m^2], ``temp_air`` [°C], ``wind_speed`` [m/s], an estimate, with its stations
        and interannual variability.
    """
    check_lat_lon(lat, lon)
    if altitude_m is not None:
        check_altitude(altitude_m)
    climate = site_climate(data_dir, lat, lon, altitude_m)
    frame, _ = hourly_year(climate)
    source, assumptions = describe(climate)
    variability = Variability(
        climate.ghi_annual_std_pct,
        f"interannual SD of annual GHI {climate.ghi_annual_std_pct:.1f} % over >= {climate.full_years} full years "
        f"1970-2017 at the radiation stations (CDSRD), weighted as above",
    )
    return Weather(frame, lat, lon, climate.altitude_m, source, True, assumptions, variability)


def station_variability(data_dir: Path, lat: float, lon: float) -> Variability | None:
    """The interannual spread of annual GHI at a point from the station network, or None outside it.

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder.
    lat, lon : float
        The point [degrees, WGS-84].

    Returns
    -------
    Variability or None
        Standard deviation of annual GHI [%] and its source.
    """
    try:
        climate = site_climate(data_dir, lat, lon)
    except SolarInputError:
        return None
    names = ", ".join(f"{u.station} ({u.km:.0f} km)" for u in climate.stations)
    return Variability(climate.ghi_annual_std_pct,
                       f"interannual SD of annual GHI {climate.ghi_annual_std_pct:.1f} % at the CMA stations "
                       f"{names} (CDSRD 1970-2017), not from the file")


# -- files ----------------------------------------------------------------------------------------------


def read_weather_file(path: Path) -> Weather:
    """Read a PVGIS TMY (json/csv), an EPW or an hourly CSV; refuse gaps, wrong columns and bad values.

    Irradiance in the wrong unit (:func:`_check_frame`) and times that put the sun's energy at night
    (:func:`check_clock`) are refused too.

    Parameters
    ----------
    path : pathlib.Path
        The file (``.json``, ``.csv``, ``.epw``).

    Returns
    -------
    Weather
        Hourly GHI, DNI, DHI [W/m^2], ``temp_air`` [°C], ``wind_speed`` [m/s], the point [degrees] and
        altitude [m], isolated implausible hours clipped and listed.

    Raises
    ------
    SolarInputError
        With the file, line and field.
    """
    problem = not_regular_file(path)
    if problem:
        raise SolarInputError("weather", problem, str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".epw":
            data, meta = pvlib.iotools.read_epw(str(path))
            weather = _from_pvlib(path, data, meta, "EPW", shift=HALF_HOUR)
        elif suffix == ".json" or (suffix == ".csv" and _is_pvgis_csv(path)):
            data, meta = pvlib.iotools.read_pvgis_tmy(str(path), map_variables=True)
            weather = _from_pvlib(path, data, meta, "PVGIS TMY", shift=pd.Timedelta(0))
        elif suffix == ".csv":
            weather = _read_hourly_csv(path)
        else:
            raise SolarInputError("weather", f"unknown file type {suffix!r} (allowed: .epw, .json, .csv)", str(path))
    except SolarInputError:
        raise
    except RecursionError:
        raise SolarInputError("weather", "nested too deeply to be weather data (refused)", str(path)) from None
    except (ValueError, KeyError, IndexError, TypeError, json.JSONDecodeError, pd.errors.ParserError) as exc:
        raise SolarInputError("weather", f"cannot read as {suffix[1:]} weather: {exc}", str(path)) from exc
    check_lat_lon(weather.latitude, weather.longitude, str(path))
    check_altitude(weather.altitude_m, str(path))
    check_clock(weather, path)
    return weather


def check_clock(weather: Weather, path: Path) -> None:
    """Refuse a year whose GHI falls when the sun is down: wrong time zone or time labels.

    Thresholds and their margins: :data:`NIGHT_ELEVATION_DEG`, :data:`NIGHT_SHARE_MAX`. The sun's position
    is taken at each row's time stamp, which marks the middle of its hour (the :class:`Weather` convention).

    Parameters
    ----------
    weather : Weather
        The year (GHI [W/m^2]).
    path : pathlib.Path
        Its file, for the message.

    Raises
    ------
    SolarInputError
        Naming the shift [h] that fits.
    """
    data = weather.data
    ghi = data["ghi"].to_numpy()
    # one sun computation for the labels and for labels moved by -12..+12 h (to say which shift fits)
    index = pd.DatetimeIndex(data.index)
    wide = pd.date_range(index[0] - pd.Timedelta(hours=12), periods=len(index) + 24, freq="h")
    elevation = pvlib.solarposition.get_solarposition(wide, weather.latitude, weather.longitude,
                                                      altitude=weather.altitude_m)["elevation"].to_numpy()
    night = elevation[12: 12 + len(index)] < NIGHT_ELEVATION_DEG
    share = float(ghi[night].sum() / ghi.sum())
    if share > NIGHT_SHARE_MAX:
        worst = int(np.argmax(np.where(night, ghi, -1.0)))
        # the shift whose sun best matches the irradiance: GHI weighted by the sine of the sun's elevation
        lift = np.maximum(np.sin(np.radians(elevation)), 0.0)
        best = max(range(-12, 13), key=lambda k: float(ghi @ lift[12 + k: 12 + k + len(index)]))
        best_share = float(ghi[elevation[12 + best: 12 + best + len(index)] < NIGHT_ELEVATION_DEG].sum() / ghi.sum())
        kind = next((k for k in TIME_CONVENTIONS if weather.source.startswith(k)), "hourly CSV")
        raise SolarInputError(
            "time", f"irradiance at night: {share:.0%} of the year's GHI falls in hours when the sun is more than "
            f"{-NIGHT_ELEVATION_DEG:g} deg below the horizon at ({weather.latitude}, {weather.longitude}) (limit "
            f"{NIGHT_SHARE_MAX:.0%}; e.g. {ghi[worst]:g} W/m2 at {index[worst].isoformat()}, mid-hour); the time zone "
            f"or time labels are wrong (expected {TIME_CONVENTIONS[kind]}; moving them by {best:+d} h would fit the "
            f"sun best and leave {best_share:.1%} at night)", str(path),
        )


def _is_pvgis_csv(path: Path) -> bool:
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.readline().lower().startswith("latitude")


#: How deep :func:`_meta_value` looks into nested metadata (PVGIS nests its location 2 levels down).
META_DEPTH = 4


def _meta_value(meta: Any, *keys: str, depth: int = META_DEPTH) -> float:
    """Find a number under any of ``keys`` in pvlib's metadata (a dict, nested at most ``depth`` levels)."""
    if isinstance(meta, dict) and depth > 0:
        for key in keys:
            if key in meta and not isinstance(meta[key], dict | list):
                return float(meta[key])
        for value in meta.values():
            try:
                return _meta_value(value, *keys, depth=depth - 1)
            except KeyError:
                continue
    raise KeyError(f"metadata has none of {keys}")


def _from_pvlib(path: Path, data: pd.DataFrame, meta: Any, kind: str, shift: pd.Timedelta) -> Weather:
    lat = _meta_value(meta, "latitude")
    lon = _meta_value(meta, "longitude")
    alt = _meta_value(meta, "altitude", "elevation")
    missing = [c for c in COLUMNS if c not in data.columns]
    if missing:
        raise SolarInputError(", ".join(missing), f"missing from the {kind} file (found: {', '.join(data.columns)})",
                              str(path))
    frame = data[list(COLUMNS)].astype(float)
    frame.index = _nominal_year(pd.DatetimeIndex(frame.index)) + shift
    frame = frame.sort_index()
    clipped = _check_frame(frame, path, first_line=None)
    label = "hour-ending values, sun taken mid-hour" if shift else "sun taken at the time stamp"
    return Weather(frame, lat, lon, alt, f"{kind} file {path.name}", False, (f"{kind}: {label}",), clipped=clipped)


def _nominal_year(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Put a typical year's months (taken from different years) into one year, keeping the time zone."""
    leap = bool(((index.month == 2) & (index.day == 29)).any())
    year = 2024 if leap else 2023
    naive = index.tz_localize(None)
    moved = pd.to_datetime(
        {"year": year, "month": naive.month, "day": naive.day, "hour": naive.hour, "minute": naive.minute}
    )
    return pd.DatetimeIndex(moved).tz_localize(index.tz)


def offset_times(values: pd.Series, path: Path, error: Callable[[str, str, str], Exception]) -> pd.DatetimeIndex:
    """The ``time`` column of an hourly CSV (solar or wind): ISO 8601 times, each with its UTC offset.

    Parameters
    ----------
    values : pandas.Series
        The column's text.
    path : pathlib.Path
        The file, for the message.
    error : callable
        The reader's error class, called ``error(field, message, where)`` (``SolarInputError``, ``WindInputError``).

    Raises
    ------
    error
        A time that does not parse, or times without a UTC offset.
    """
    try:
        times = pd.DatetimeIndex(pd.to_datetime(values, format="ISO8601"))
    except (ValueError, TypeError) as exc:
        raise error("time", f"not ISO 8601 times with a UTC offset: {exc}", str(path)) from None
    if times.tz is None:
        raise error("time", "times need a UTC offset, e.g. 2023-01-01T00:00+08:00", f"{path}:2")
    return times


def _read_hourly_csv(path: Path) -> Weather:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    required = ("time", "ghi", "temp_air", "wind_speed")
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise SolarInputError(
            ", ".join(missing),
            f"missing column (found: {', '.join(raw.columns)}; required: time, ghi, temp_air, wind_speed; "
            "optional: dni and dhi together)",
            f"{path}:1",
        )
    if ("dni" in raw.columns) != ("dhi" in raw.columns):
        raise SolarInputError("dni/dhi", "give both dni and dhi or neither (then Erbs splits ghi)", f"{path}:1")
    times = offset_times(raw["time"], path, SolarInputError)
    columns = [c for c in COLUMNS if c in raw.columns]
    frame = pd.DataFrame(index=times + HALF_HOUR)
    for col in columns:
        values = pd.to_numeric(raw[col], errors="coerce").to_numpy()
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise SolarInputError(col, f"missing or not a number: {raw[col].iloc[bad[0]]!r}", f"{path}:{bad[0] + 2}")
        frame[col] = values
    lat, lon, alt = _csv_location(path, raw)
    assumptions = ["hourly CSV: each time stamp starts its hour; sun taken mid-hour"]
    clipped = _check_frame(frame, path, first_line=2)
    if "dni" not in frame.columns:
        zenith = pvlib.solarposition.get_solarposition(frame.index, lat, lon, altitude=alt)["zenith"]
        split = pvlib.irradiance.erbs(frame["ghi"], zenith, frame.index)
        frame["dni"], frame["dhi"] = split["dni"], split["dhi"]
        assumptions.append("beam and diffuse split from ghi with Erbs")
    return Weather(frame[list(COLUMNS)], lat, lon, alt, f"hourly CSV {path.name}", False, tuple(assumptions),
                   clipped=clipped)


def _csv_location(path: Path, raw: pd.DataFrame) -> tuple[float, float, float]:
    """Latitude, longitude and altitude from the columns of the same names (constant over the file)."""
    values = []
    for col, default in (("latitude", None), ("longitude", None), ("altitude", 0.0)):
        if col not in raw.columns:
            if default is None:
                raise SolarInputError(col, "missing column: the hourly CSV must say where it is (latitude, "
                                      "longitude; altitude optional)", f"{path}:1")
            values.append(default)
            continue
        numbers = pd.to_numeric(raw[col], errors="coerce")
        if numbers.isna().any() or numbers.nunique() != 1:
            raise SolarInputError(col, "must be one number repeated on every row", f"{path}:2")
        values.append(float(numbers.iloc[0]))
    check_lat_lon(values[0], values[1], f"{path}:2")
    check_altitude(values[2], f"{path}:2")
    return values[0], values[1], values[2]


def _check_frame(frame: pd.DataFrame, path: Path, first_line: int | None) -> tuple[str, ...]:
    """A full hourly year with no gaps, duplicates or NaN, irradiance in W/m²; isolated glitches clipped.

    ``first_line`` is the file line of the first data row; ``None`` when rows have no lines (JSON, or a
    typical year re-sorted into one calendar year): then the place is given by its time stamp.

    Values outside :data:`RANGES`, and DHI above GHI by more than :data:`DHI_OVER_GHI_W_M2`, are clipped (to
    the bound; DHI to the hour's GHI) in place when they are isolated glitches: runs of at most
    :data:`GLITCH_MAX_RUN_H` hours, at most :data:`GLITCH_MAX_HOURS` hours per column. More is a broken file,
    refused. Small negative irradiance (sensor offsets at night, down to :data:`NEGATIVE_NOISE_W_M2`) is set
    to 0. Returns one line per change, for the result.
    """

    def where(i: int) -> str:
        return f"{path}:{i + first_line}" if first_line is not None else f"{path} ({frame.index[i].isoformat()})"

    n = len(frame)
    step = np.diff(pd.DatetimeIndex(frame.index).as_unit("ns").asi8)
    bad = np.flatnonzero(step != 3_600_000_000_000)
    if bad.size:
        at = frame.index[bad[0]]
        raise SolarInputError(
            "time", f"not hourly after {at.isoformat()}: next stamp {frame.index[bad[0] + 1].isoformat()} "
            "(gap or duplicate)", where(int(bad[0]) + 1),
        )
    if n not in (8760, 8784):
        raise SolarInputError("time", f"{n} rows; an hourly year has 8760 (or 8784) rows", str(path))
    changes: list[str] = []
    for col in COLUMNS:
        if col not in frame.columns:
            continue
        values = frame[col].to_numpy(dtype=float, copy=True)
        lo, hi = RANGES[col]
        missing = np.flatnonzero(~np.isfinite(values) | np.isin(values, MISSING_CODES))
        if missing.size:
            i = missing[0]
            raise SolarInputError(col, f"{values[i]} at {frame.index[i].isoformat()}: missing ({missing.size} "
                                  "hour(s); a gap is a broken file)", where(i))
        if col in ("ghi", "dni", "dhi"):
            noise = (values < lo) & (values >= NEGATIVE_NOISE_W_M2)
            if noise.any():
                values[noise] = 0.0
                changes.append(f"{path}: {col}: {int(noise.sum())} hour(s) with small negative values "
                               f"(>= {NEGATIVE_NOISE_W_M2:g} W/m2, sensor offset) set to 0")
        wrong = (values < lo) | (values > hi)
        if col == "dhi" and "ghi" in frame.columns:
            ghi = frame["ghi"].to_numpy(dtype=float)
            wrong |= values > np.clip(ghi, lo, RANGES["ghi"][1]) + DHI_OVER_GHI_W_M2
        _refuse_unless_isolated(col, values, wrong, (lo, hi), where)
        for i in np.flatnonzero(wrong)[:GLITCH_MAX_HOURS]:
            fixed = float(np.clip(values[i], lo, hi))
            if col == "dhi" and "ghi" in frame.columns:
                fixed = min(fixed, float(np.clip(frame["ghi"].iloc[i], *RANGES["ghi"])))
            changes.append(f"{where(int(i))}: {col} {values[i]:g} at {frame.index[i].isoformat()} is implausible "
                           f"(allowed {lo:g}..{hi:g}{', and dhi <= ghi' if col == 'dhi' else ''}): clipped to "
                           f"{fixed:g}")
            values[i] = fixed
        frame[col] = values
    for col in ("ghi", "dni", "dhi"):  # dni or dhi all 0 is a (synthetic) year, not a unit
        peak = float(frame[col].max()) if col in frame.columns else PEAK_MIN_W_M2
        if peak < PEAK_MIN_W_M2 and (col == "ghi" or peak > 0):
            raise SolarInputError(col, f"the year's highest value is {peak:g}, below {PEAK_MIN_W_M2:g}: looks like "
                                  "kW/m2, expected W/m2", str(path))
    annual = float(frame["ghi"].sum()) / 1000  # hourly W/m2 summed = Wh/m2
    lo, hi = GHI_ANNUAL_KWH_M2
    if not lo <= annual <= hi:
        raise SolarInputError("ghi", f"annual sum {annual:,.0f} kWh/m2 is outside {lo:g}..{hi:g} kWh/m2: wrong unit "
                              "or not a year of weather (expected hourly W/m2)", str(path))
    return tuple(changes)


def _refuse_unless_isolated(col: str, values: np.ndarray, wrong: np.ndarray, bounds: tuple[float, float],
                            where: Any) -> None:
    """Refuse a column whose implausible hours are not isolated glitches (see :func:`_check_frame`)."""
    if not wrong.any():
        return
    first = int(np.flatnonzero(wrong)[0])
    edges = np.diff(np.concatenate(([0], wrong.astype(np.int8), [0])))
    runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    count = int(wrong.sum())
    if count > GLITCH_MAX_HOURS or runs.max() > GLITCH_MAX_RUN_H:
        lo, hi = bounds
        raise SolarInputError(
            col, f"{values[first]} at hour {first} is outside {lo}..{hi}{' (or dhi above ghi)' if col == 'dhi' else ''}"
            f": {count} implausible hour(s), longest run {int(runs.max())} h (isolated glitches, at most "
            f"{GLITCH_MAX_HOURS} h in runs of at most {GLITCH_MAX_RUN_H} h, are clipped; more is a broken file)",
            where(first))


# -- online PVGIS (only when asked) ------------------------------------------------------------------------


def fetch_pvgis(lat: float, lon: float, cache_dir: Path) -> Weather:
    """PVGIS TMY for the point: read from ``cache_dir`` if fetched before, else fetched online and cached.

    Parameters
    ----------
    lat, lon : float
        The site [degrees, WGS-84].
    cache_dir : pathlib.Path
        Where fetched years are kept.

    Returns
    -------
    Weather
        The PVGIS typical year (irradiance [W/m^2], UTC).

    Raises
    ------
    SolarInputError
        When the fetch fails.
    """
    check_lat_lon(lat, lon)
    cached = cache_dir / f"pvgis_tmy_{lat:.4f}_{lon:.4f}.json"
    if not cached.exists():
        import requests  # a pvlib dependency; imported here because only this path touches the network

        url = "https://re.jrc.ec.europa.eu/api/tmy"
        try:
            response = requests.get(url, params={"lat": str(lat), "lon": str(lon), "outputformat": "json"}, timeout=30)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise SolarInputError("weather", f"PVGIS fetch failed (no network? use --weather offline or a file): "
                                  f"{exc}") from exc
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".part")
        tmp.write_bytes(response.content)
        tmp.replace(cached)
    weather = read_weather_file(cached)
    return dataclasses.replace(weather, source=f"PVGIS TMY (online, cached at {cached})")


def check_near(weather: Weather, lat: float, lon: float, max_km: float = 50.0) -> None:
    """Refuse weather recorded far from the site it is asked to drive.

    Parameters
    ----------
    weather : Weather
        The weather (its point [degrees]).
    lat, lon : float
        The site [degrees, WGS-84].
    max_km : float
        Largest accepted distance [km].

    Raises
    ------
    SolarInputError
        Farther than ``max_km``.
    """
    km = float(great_circle_km(lat, lon, weather.latitude, weather.longitude))
    if km > max_km:
        raise SolarInputError(
            "weather", f"{weather.source} is for ({weather.latitude}, {weather.longitude}), {km:.0f} km from the "
            f"site ({lat}, {lon}); limit {max_km:.0f} km",
        )


def load_weather(spec: str | None, lat: float, lon: float, *, data_dir: Path, cache_dir: Path,
                 altitude_m: float | None = None) -> Weather:
    """Weather by source name (:data:`WEATHER_SOURCES`) or file path; ``None`` means ``offline``.

    A file's (or PVGIS's) year gets the station network's interannual spread at its point, for P90.

    Parameters
    ----------
    spec : str or None
        ``offline``, ``pvgis`` or a file path.
    lat, lon : float
        The site [degrees, WGS-84].
    data_dir : pathlib.Path
        The data folder (climatology).
    cache_dir : pathlib.Path
        PVGIS cache.
    altitude_m : float, optional
        The site's altitude [m] (offline weather).

    Returns
    -------
    Weather
        Hourly GHI, DNI, DHI [W/m^2], ``temp_air`` [°C], ``wind_speed`` [m/s].
    """
    if spec in (None, "offline"):
        return typical_year(data_dir, lat, lon, altitude_m)
    if spec == "pvgis":
        weather = fetch_pvgis(lat, lon, cache_dir)
    else:
        path = Path(spec)
        if not path.exists():
            names = ", ".join(WEATHER_SOURCES)
            raise SolarInputError("weather", f"{spec!r} is neither a source ({names}) nor an existing file")
        weather = read_weather_file(path)
    return dataclasses.replace(weather, variability=station_variability(data_dir, weather.latitude,
                                                                        weather.longitude))
