"""Wind at a site: a user's hourly file, or the stated default for the site type (mean speed + Weibull).

**A file takes precedence** (:func:`read_wind_file`): an EPW (its ``wind_speed`` at the station's 10 m, its
temperature and pressure), or an hourly CSV (``time`` with a UTC offset, ``wind_speed`` [m/s], optional
``temp_air`` [degC] and ``pressure`` [Pa]; optional ``latitude``, ``longitude``, ``height_m``), such as a
met-mast series. One year of hours (8,760 or 8,784 in a row) is one year; a series of complete calendar
years gives its own interannual spread. Gaps, duplicates and impossible values are refused with file,
line and field: a mast series with gaps has to be filled (and the filling said) by whoever owns it.

**Without a file the mean wind is an assumption** (:data:`SITE_TYPES`), never a measurement:

- There is no wind climatology offline. The CSWD station normals (``data/solar/cswd_months.csv``, from
  ``../shared/data/climate``) are 10 m winds at valley and town stations (the three nearest 鹤城, 吉首, 武冈
  and 三穗, average 1.3 m/s): the air in a sheltered valley is not the air 100 m above a ridge crest a few
  hundred metres higher, where farms are built for its speed-up. Scaling station winds up with a shear law
  gives ~2 m/s at hub height, where no farm is built; they are **not used for the level** of the wind.
- So the level is the site type's stated mean at hub height (:data:`SITE_TYPES`), chosen so that the
  default turbine's full-load hours sit inside the published provincial figures (:data:`PROVINCIAL_HOURS`);
  ``--mean-speed`` overrides it (a mast or a developer's figure).
- Only the stations' **seasonal shape** (each month's mean over the year's, inverse-distance blended over
  the 3 nearest CSWD stations) and their **temperature** (moved to the site's altitude with the lapse
  rate, for air density) are taken from them, and the result says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from geo.files import not_regular_file
from solar.errors import SolarInputError
from solar.stations import MONTH_DAYS, SiteClimate, great_circle_km, site_climate
from solar.weather import offset_times
from wind.errors import WindInputError


@dataclasses.dataclass(frozen=True)
class SiteType:
    """The stated default wind of a kind of site (an assumption, not a measurement)."""

    name: str
    mean_speed_m_s: float  # long-term mean at height_m
    height_m: float
    weibull_k: float
    hellman_exponent: float  # shear law to other hub heights
    rise_above_stations_m: float  # the site's altitude above the nearest stations', when not given
    why: str


SITE_TYPES: dict[str, SiteType] = {
    "ridge": SiteType(
        "ridge", 5.0, 100.0, 2.0, 1 / 7, 300.0,
        "hill and ridge-top farms of central and southern China (Hunan's farms are almost all on ridges): mean "
        "5.0 m/s at 100 m, Weibull k 2.0, shear exponent 1/7 (open terrain); chosen so that the default turbine's "
        "net full-load hours (~2,000 h) fall inside the published Hunan fleet figures (PROVINCIAL_HOURS), i.e. "
        "the province's typical farm, not this site's measured wind; the site assumed 300 m above the nearest "
        "climate stations (crests over valley towns) for its air density",
    ),
    "plain": SiteType(
        "plain", 4.5, 100.0, 2.0, 0.20, 0.0,
        "lowland, lake-shore and plain farms (e.g. around 洞庭湖): mean 4.5 m/s at 100 m, Weibull k 2.0, shear "
        "exponent 0.20 (villages, trees, crops); low confidence, below ridge because plains lack the crests' "
        "speed-up: few such farms run in Hunan and no published figure checks it",
    ),
}
DEFAULT_SITE_TYPE = "ridge"
#: Published full-load (utilisation) hours the default is checked against: grid-fed energy / capacity of the
#: whole fleet, net of curtailment, availability and wake, including older turbines with higher specific
#: power and lower hubs.
PROVINCIAL_HOURS = {
    "national_2015": (1728, "NEA, 2015 wind grid operation (全国风电平均利用小时数 1,728 h), as reported by Xinhua / "
                            "chinaenergyportal.org"),
    "national_2018": (2095, "NEA, 2018年风电并网运行情况: national average 2,095 h (Yunnan 2,654, Fujian 2,587 the "
                            "highest)"),
    "national_2019_2023": ((2082, 2246), "NEA annual wind grid operation bulletins 2019-2023: national average "
                                         "about 2,080-2,250 h (approximate, from memory of the bulletins, not "
                                         "re-checked offline)"),
    "hunan_2018_2022": ((1900, 2200), "Hunan's wind fleet in the same NEA/CEC provincial tables: roughly "
                                      "1,900-2,200 h a year (approximate: the provincial rows were not re-checked "
                                      "offline; treat as a band, not a figure)"),
}
#: The band the ridge default's net full-load hours must fall in (tests/test_wind_site.py): Hunan's fleet band
#: up to the national average of recent years.
CHECK_BAND_HOURS = (1900.0, 2250.0)
#: Interannual SD of the annual mean wind speed when no multi-year data is given [% of the mean]: typical of
#: mid-latitude sites, 4-6 % (Brower, Wind Resource Assessment, 2012; approximate); the upper end is taken.
SPEED_INTERANNUAL_STD_PCT = 6.0
#: Plausible ranges of a wind file's columns.
RANGES = {"wind_speed": (0.0, 60.0), "temp_air": (-60.0, 60.0), "pressure": (40_000.0, 110_000.0)}
MEAN_SPEED_RANGE = (2.0, 15.0)
WEIBULL_K_RANGE = (1.0, 4.0)
HEIGHT_RANGE_M = (2.0, 250.0)
EPW_HEIGHT_M = 10.0
EPW_MISSING = (999.0, 9999.0, 99999.0, 999999.0)
#: A file more than this far from the site is refused [km]: ridge wind is local.
MAX_FILE_KM = 50.0


@dataclasses.dataclass(frozen=True)
class WindResource:
    """The wind at one site: a Weibull description (``frame is None``) or an hourly frame."""

    latitude: float
    longitude: float
    altitude_m: float
    height_m: float  # where the speeds are given
    hellman_exponent: float
    temp_c_monthly: tuple[float, ...]  # at the site's altitude (2 m), for density when the file has none
    source: str
    is_estimate: bool
    assumptions: tuple[str, ...]
    monthly_mean_m_s: tuple[float, ...] | None = None  # Weibull: each month's mean at height_m
    weibull_k: float | None = None
    frame: pd.DataFrame | None = None  # hourly: wind_speed [, temp_air, pressure] on a tz-aware index

    @property
    def annual_mean_m_s(self) -> float:
        """The long-term mean speed at ``height_m`` (hours-weighted).

        Returns
        -------
        float
            Mean wind speed [m/s].
        """
        if self.monthly_mean_m_s is not None:
            return float(np.sum(np.array(self.monthly_mean_m_s) * MONTH_DAYS) / MONTH_DAYS.sum())
        assert self.frame is not None
        return float(self.frame["wind_speed"].mean())


def _check_range(name: str, value: float, bounds: tuple[float, float], unit: str, where: str = "") -> None:
    lo, hi = bounds
    if not np.isfinite(value) or not lo <= value <= hi:
        raise WindInputError(name, f"{value:g} {unit} is outside {lo:g}..{hi:g} {unit}", where)


def site_type(name: str | None) -> SiteType:
    """A site type by name.

    Parameters
    ----------
    name : str or None
        One of :data:`SITE_TYPES`; None: :data:`DEFAULT_SITE_TYPE`.

    Returns
    -------
    SiteType
        The type's stated default wind: mean [m/s] at its height [m], Weibull shape [-], Hellman exponent [-],
        rise above the stations [m].

    Raises
    ------
    wind.errors.WindInputError
        For an unknown name (the message lists the valid names).
    """
    key = DEFAULT_SITE_TYPE if name is None else name
    if key not in SITE_TYPES:
        raise WindInputError("site_type", f"unknown site type {key!r} (allowed: {', '.join(SITE_TYPES)})")
    return SITE_TYPES[key]


def _stations(data_dir: Path, lat: float, lon: float, altitude_m: float | None) -> tuple[SiteClimate, float]:
    try:
        climate = site_climate(data_dir, lat, lon, altitude_m)
    except SolarInputError as exc:  # outside China or the station network: the same refusal, as a wind error
        raise WindInputError("lat/lon", str(exc).split(": ", 1)[-1]) from None
    return climate, climate.altitude_m


def default_resource(data_dir: Path, lat: float, lon: float, *, kind: str | None = None,
                     mean_speed_m_s: float | None = None, height_m: float | None = None,
                     weibull_k: float | None = None, altitude_m: float | None = None) -> WindResource:
    """The stated default wind at a point for a site type, or a given long-term mean (module docstring).

    Parameters
    ----------
    data_dir : pathlib.Path
        The data folder (the climate stations' temperatures and altitudes).
    lat, lon : float
        The point [degrees, WGS-84].
    kind : str or None
        Site type (:data:`SITE_TYPES`); None: the default.
    mean_speed_m_s : float or None
        A given long-term mean [m/s] at ``height_m``, instead of the site type's.
    height_m : float or None
        Height of the mean [m]; None: the site type's.
    weibull_k : float or None
        Weibull shape [-]; None: the site type's.
    altitude_m : float or None
        Site altitude [m]; None: the stations' plus the site type's rise.

    Returns
    -------
    WindResource
        Monthly means [m/s] and shape, temperatures [°C], altitude [m], with the assumptions stated.

    Raises
    ------
    wind.errors.WindInputError
        For a value out of range or a point outside the station network.
    """
    st = site_type(kind)
    if mean_speed_m_s is not None:
        _check_range("mean_speed", mean_speed_m_s, MEAN_SPEED_RANGE, "m/s")
    if weibull_k is not None:
        _check_range("weibull_k", weibull_k, WEIBULL_K_RANGE, "")
    if height_m is not None:
        _check_range("height", height_m, HEIGHT_RANGE_M, "m")
    if altitude_m is not None:
        _check_range("altitude", altitude_m, (-500.0, 9000.0), "m")
    climate, stations_alt = _stations(data_dir, lat, lon, None)
    site_alt = altitude_m if altitude_m is not None else stations_alt + st.rise_above_stations_m
    if altitude_m is not None or st.rise_above_stations_m:
        climate, _ = _stations(data_dir, lat, lon, site_alt)
    station_wind = np.asarray(climate.wind_speed_m_s, dtype=float)
    station_mean = float(np.sum(station_wind * MONTH_DAYS) / MONTH_DAYS.sum())
    shape = station_wind / station_mean
    mean = st.mean_speed_m_s if mean_speed_m_s is None else mean_speed_m_s
    height = st.height_m if height_m is None else height_m
    k = st.weibull_k if weibull_k is None else weibull_k
    names = ", ".join(f"{u.station} {u.name}".strip() + f" ({u.km:.0f} km)"
                      for u in climate.temp_stations)
    given = mean_speed_m_s is not None
    level = (f"long-term mean {mean:g} m/s at {height:g} m as given" if given else
             f"long-term mean {mean:g} m/s at {height:g} m: the stated default for a {st.name} site ({st.why})")
    assumptions = (
        f"wind level: {level}",
        "not from the climate stations: their winds are 10 m valley and town measurements "
        f"({station_mean:.1f} m/s mean at the nearest), which say little about ridge-top farms",
        f"seasonal shape only from the CSWD stations {names}: monthly mean / annual mean "
        + " ".join(f"{v:.2f}" for v in shape),
        f"speeds in each month Weibull-distributed, k = {k:g}" + ("" if weibull_k is not None else " (assumption)"),
        f"site altitude {site_alt:,.0f} m" + (" as given" if altitude_m is not None else
                                              f" (stations' {stations_alt:,.0f} m + {st.rise_above_stations_m:g} m "
                                              f"for a {st.name} site: an assumption; give --altitude)"),
        f"air temperature from the same stations' normals moved to {site_alt:,.0f} m (lapse rate -6.5 K/km); "
        "pressure from the standard atmosphere at that altitude",
    )
    return WindResource(
        latitude=lat, longitude=lon, altitude_m=float(site_alt), height_m=float(height),
        hellman_exponent=st.hellman_exponent, temp_c_monthly=tuple(float(t) for t in climate.temp_mean_c),
        source=(f"{'given' if given else 'assumed'} mean wind {mean:g} m/s at {height:g} m ({st.name} site), Weibull "
                f"k {k:g}; seasonal shape and temperature from CSWD stations: a planning estimate"),
        is_estimate=True, assumptions=assumptions,
        monthly_mean_m_s=tuple(float(mean * s) for s in shape), weibull_k=float(k),
    )


# -- files ------------------------------------------------------------------------------------------------


def read_wind_file(path: Path, data_dir: Path, *, height_m: float | None = None, kind: str | None = None,
                   altitude_m: float | None = None, lat: float | None = None,
                   lon: float | None = None) -> WindResource:
    """Read an hourly wind file (EPW or CSV; module docstring); refuse what is not hourly wind data.

    Parameters
    ----------
    path : pathlib.Path
        The file (a regular file): EPW, or CSV with ``time``, ``wind_speed`` [m/s] and optionally ``temp_air``
        [°C], ``pressure`` [Pa], ``latitude``, ``longitude`` [degrees], ``height_m`` [m].
    data_dir : pathlib.Path
        The data folder (the stations, for what the file lacks).
    height_m : float or None
        Height of the file's speeds [m], when the file does not say.
    kind : str or None
        Site type, for the shear exponent.
    altitude_m : float or None
        Site altitude [m].
    lat, lon : float or None
        The point the wind is wanted at [degrees]; the file must be near it.

    Returns
    -------
    WindResource
        The hourly wind with its point, height [m], altitude [m] and stated assumptions.

    Raises
    ------
    wind.errors.WindInputError
        For a file that is not hourly wind data, or is far from ``lat``, ``lon`` (the message says where).
    """
    problem = not_regular_file(path)
    if problem:
        raise WindInputError("wind file", problem, str(path))
    suffix = path.suffix.lower()
    f_lat: float | None
    f_lon: float | None
    f_alt: float | None
    default_height: float | None
    try:
        if suffix == ".epw":
            data, meta = pvlib.iotools.read_epw(str(path))
            frame = pd.DataFrame({"wind_speed": data["wind_speed"], "temp_air": data["temp_air"],
                                  "pressure": data["atmospheric_pressure"]}).astype(float)
            frame.index = pd.DatetimeIndex(data.index)
            f_lat, f_lon, f_alt = float(meta["latitude"]), float(meta["longitude"]), float(meta["altitude"])
            default_height, first_line, label = EPW_HEIGHT_M, 9, "EPW"
        elif suffix == ".csv":
            frame, (f_lat, f_lon, f_alt, f_height) = _read_csv(path)
            default_height, first_line, label = f_height, 2, "hourly CSV"
        else:
            raise WindInputError("wind file", f"unknown file type {suffix!r} (allowed: .epw, .csv)", str(path))
    except WindInputError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, pd.errors.ParserError) as exc:
        raise WindInputError("wind file", f"cannot read as {suffix[1:]} wind data: {exc}", str(path)) from None
    height = height_m if height_m is not None else default_height
    if height is None:
        raise WindInputError("height", "the CSV does not say at what height its wind was measured: give a height_m "
                             "column or --wind-height", str(path))
    _check_range("height", height, HEIGHT_RANGE_M, "m", str(path))
    _check_frame(frame, path, first_line)
    site_lat: float | None = lat if lat is not None else f_lat
    site_lon: float | None = lon if lon is not None else f_lon
    if f_lat is not None and f_lon is not None and lat is not None and lon is not None:
        km = float(great_circle_km(lat, lon, f_lat, f_lon))
        if km > MAX_FILE_KM:
            raise WindInputError("wind file", f"is for ({f_lat}, {f_lon}), {km:.0f} km from the site ({lat}, {lon}); "
                                 f"limit {MAX_FILE_KM:.0f} km (ridge wind is local)", str(path))
    if site_lat is None or site_lon is None:
        raise WindInputError("latitude", "the CSV does not say where it is: give latitude and longitude columns, or "
                             "use it for a site or project", str(path))
    st = site_type(kind)
    site_alt = altitude_m if altitude_m is not None else f_alt
    climate, stations_alt = _stations(data_dir, site_lat, site_lon, site_alt)
    if site_alt is None:
        site_alt = stations_alt
    years = _years(frame)
    notes = [f"{label} {path.name}: {len(frame):,} hours, {len(years)} year(s), wind measured at {height:g} m"
             + ("" if height_m is None and suffix == ".csv" else " (given)" if height_m is not None else
                " (EPW: the station's 10 m)"),
             f"shear to hub height: Hellman exponent {st.hellman_exponent:.3g} for a {st.name} site (an assumption)",
             "temperature " + ("from the file" if "temp_air" in frame else "from the CSWD stations' normals")
             + ", pressure " + ("from the file" if "pressure" in frame else
                                f"from the standard atmosphere at {site_alt:,.0f} m")]
    return WindResource(
        latitude=float(site_lat), longitude=float(site_lon), altitude_m=float(site_alt), height_m=float(height),
        hellman_exponent=st.hellman_exponent, temp_c_monthly=tuple(float(t) for t in climate.temp_mean_c),
        source=f"{label} file {path.name} ({len(years)} year(s) of hourly wind at {height:g} m)", is_estimate=False,
        assumptions=tuple(notes), frame=frame,
    )


def _read_csv(path: Path) -> tuple[pd.DataFrame, tuple[float | None, float | None, float | None, float | None]]:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("time", "wind_speed") if c not in raw.columns]
    if missing:
        raise WindInputError(", ".join(missing), f"missing column (found: {', '.join(map(str, raw.columns))}; "
                             "required: time, wind_speed; optional: temp_air, pressure, latitude, longitude, "
                             "altitude, height_m)", f"{path}:1")
    times = offset_times(raw["time"], path, WindInputError)
    frame = pd.DataFrame(index=times)
    for col in ("wind_speed", "temp_air", "pressure"):
        if col not in raw.columns:
            continue
        values = pd.to_numeric(raw[col], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise WindInputError(col, f"missing or not a number: {raw[col].iloc[bad[0]]!r}", f"{path}:{bad[0] + 2}")
        frame[col] = values
    constants: list[float | None] = []
    for col in ("latitude", "longitude", "altitude", "height_m"):
        if col not in raw.columns:
            constants.append(None)
            continue
        numbers = pd.to_numeric(raw[col], errors="coerce")
        if numbers.isna().any() or numbers.nunique() != 1:
            raise WindInputError(col, "must be one number repeated on every row", f"{path}:2")
        constants.append(float(numbers.iloc[0]))
    lat, lon = constants[0], constants[1]
    if lat is not None:
        _check_range("latitude", lat, (-90.0, 90.0), "deg", f"{path}:2")
    if lon is not None:
        _check_range("longitude", lon, (-180.0, 180.0), "deg", f"{path}:2")
    return frame, (lat, lon, constants[2], constants[3])


def _check_frame(frame: pd.DataFrame, path: Path, first_line: int) -> None:
    """Hourly, no gaps or duplicates, values in :data:`RANGES`, whole years (see :func:`_years`)."""
    step = np.diff(pd.DatetimeIndex(frame.index).as_unit("ns").asi8)
    bad = np.flatnonzero(step != 3_600_000_000_000)
    if bad.size:
        i = int(bad[0])
        raise WindInputError("time", f"not hourly after {frame.index[i].isoformat()}: next stamp "
                             f"{frame.index[i + 1].isoformat()} (gap or duplicate; fill gaps before use and say how)",
                             f"{path}:{i + 1 + first_line}")
    for col, (lo, hi) in RANGES.items():
        if col not in frame:
            continue
        values = frame[col].to_numpy(dtype=float)
        wrong = np.flatnonzero(~np.isfinite(values) | (values < lo) | (values > hi) | np.isin(values, EPW_MISSING))
        if wrong.size:
            i = int(wrong[0])
            raise WindInputError(col, f"{values[i]:g} at {frame.index[i].isoformat()} is outside {lo:g}..{hi:g} "
                                 f"({wrong.size} such hour(s); missing values are gaps)", f"{path}:{i + first_line}")
    if frame["wind_speed"].mean() < 0.5:
        raise WindInputError("wind_speed", f"mean {frame['wind_speed'].mean():.2f} m/s: not wind in m/s (calm all "
                             "year, or km/h divided wrongly?)", str(path))
    _years(frame, path)


def _years(frame: pd.DataFrame, path: Path | None = None) -> list[int]:
    """Whole years of the series: one run of 8,760/8,784 hours (label 0), or complete calendar years."""
    n = len(frame)
    if n in (8760, 8784):
        return [0]
    local = pd.DatetimeIndex(frame.index)
    counts = pd.Series(1, index=local.year).groupby(level=0).sum()
    full = {int(str(y)): int(c) for y, c in counts.items() if c in (8760, 8784)}
    if n < 8760 or len(full) != len(counts):
        where = str(path) if path is not None else ""
        raise WindInputError("time", f"{n:,} hours: give one year (8,760 or 8,784 hours in a row) or complete calendar "
                             f"years (found {', '.join(f'{y}: {c} h' for y, c in counts.items())})", where)
    return sorted(full)


def year_labels(frame: pd.DataFrame) -> np.ndarray:
    """The year each row belongs to.

    Parameters
    ----------
    frame : pandas.DataFrame
        Hourly rows on a time index.

    Returns
    -------
    numpy.ndarray
        The calendar year of each row (all 0 for a single-year file of 8,760 or 8,784 hours).
    """
    if len(frame) in (8760, 8784):
        return np.zeros(len(frame), dtype=int)
    return np.asarray(pd.DatetimeIndex(frame.index).year)


def local_months(frame: pd.DataFrame, longitude: float) -> np.ndarray:
    """Month 1..12 of each row in the site's local standard time.

    Parameters
    ----------
    frame : pandas.DataFrame
        Hourly rows on a time-zone-aware index.
    longitude : float
        The site's longitude [degrees]; local standard time is UTC + round(longitude / 15) h.

    Returns
    -------
    numpy.ndarray
        Month 1..12 of each row.
    """
    offset = dt.timezone(dt.timedelta(hours=round(longitude / 15)))
    return np.asarray(pd.DatetimeIndex(frame.index).tz_convert(offset).month)
