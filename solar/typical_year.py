"""An hourly typical year for a site from its monthly station climate (:class:`solar.stations.SiteClimate`).

1. **Days.** In each month the days take the station's distribution of daily clearness ``kt`` (GHI / extra-
   terrestrial horizontal irradiation): day ``i`` of ``n`` gets the quantile at ``(i + 0.5) / n`` of a
   piecewise-linear curve through the station's p05...p95 (tails extended along the outer segments), so the
   month has its share of overcast and of clear days. The order of the days follows a Gaussian AR(1) series
   with the station's lag-1 autocorrelation of daily clearness (ranks within each month; the best of 64
   seeded series), seeded from the site's coordinates: the same site always gets the same year.
2. **Month totals.** The days' irradiation ``kt x H0`` is scaled so each month's GHI equals the site's
   climate (mean daily GHI x days).
3. **Hours.** Each day has the shape of pvlib's Ineichen clear sky (pvlib's monthly Linke turbidity, the
   site's altitude) times the day's clear-sky index; a day brighter than clear sky is capped at clear sky and
   its excess spread over the month's other days.
4. **Diffuse.** Erbs's hourly diffuse fraction, multiplied per month by the one factor (capped at 1 per
   hour) that gives the month the station's diffuse fraction; beam from the closure ``DNI = (GHI - DHI) /
   cos(zenith)``, limited to the clear-sky beam, and all diffuse with the sun within 3 deg of the horizon.
5. **Temperature and wind.** The monthly mean temperature with a cosine daily cycle peaking at 15:00 local
   solar time, whose range is the month's mean daily max - min, larger on clear days and smaller on overcast
   ones (x kt / month's mean kt, within 0.5..1.5); the month's mean wind speed.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pvlib

from solar.stations import MONTH_DAYS, QUANTILE_LEVELS, SiteClimate, extraterrestrial_daily_kwh_m2

TIME_ZONE = "Asia/Shanghai"
#: The nominal (non-leap) year of the time stamps; each stamp marks the middle of its hour.
YEAR = 2023
#: A day is at most this times its clear-sky irradiation.
MAX_CLEAR_SKY_INDEX = 1.0
#: Clearness quantiles are kept within this range.
KT_RANGE = (0.02, 0.85)
#: Above this solar zenith [deg] the hour is all diffuse.
ALL_DIFFUSE_ZENITH_DEG = 87.0
#: The beam is at most this times the clear-sky beam.
MAX_CLEAR_BEAM = 1.05
TEMP_PEAK_SOLAR_HOUR = 15.0
DAY_RANGE_LIMITS = (0.5, 1.5)
#: Orderings of the days tried (seeded from the site); the one closest to the station's persistence is kept.
ORDER_CANDIDATES = 64
MONTH_OF_DAY = np.repeat(np.arange(12), MONTH_DAYS)  # 0..11 for the 365 days


def quantile_curve(levels: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Daily clearness at probability ``levels`` from the 7 station quantiles (linear, tails extended).

    Parameters
    ----------
    levels : numpy.ndarray
        Probabilities [0-1].
    quantiles : numpy.ndarray
        The 7 quantiles of daily clearness [-] at :data:`solar.stations.QUANTILE_LEVELS`.

    Returns
    -------
    numpy.ndarray
        Daily clearness index [-] at ``levels``.
    """
    q = np.asarray(quantiles, dtype=float)
    lo_slope = (q[1] - q[0]) / (QUANTILE_LEVELS[1] - QUANTILE_LEVELS[0])
    hi_slope = (q[-1] - q[-2]) / (QUANTILE_LEVELS[-1] - QUANTILE_LEVELS[-2])
    out = np.interp(levels, QUANTILE_LEVELS, q)
    out = np.where(levels < QUANTILE_LEVELS[0], q[0] - lo_slope * (QUANTILE_LEVELS[0] - levels), out)
    out = np.where(levels > QUANTILE_LEVELS[-1], q[-1] + hi_slope * (levels - QUANTILE_LEVELS[-1]), out)
    return np.clip(out, *KT_RANGE)


def site_seed(lat: float, lon: float) -> int:
    """A seed from the site's coordinates (to 1e-4 deg): the same site always gets the same year.

    Parameters
    ----------
    lat, lon : float
        The site [degrees].

    Returns
    -------
    int
        The seed.
    """
    return zlib.crc32(f"{lat:.4f},{lon:.4f}".encode())


def daily_clearness(climate: SiteClimate, seed: int) -> np.ndarray:
    """365 daily clearness indices: each month's quantiles, ordered with its lag-1 persistence.

    Of :data:`ORDER_CANDIDATES` seeded AR(1) orderings, the one whose months' lag-1 autocorrelation is
    closest to the station's is kept (a single 30-day sample is too noisy: its lag-1 scatters by ~0.2).

    Parameters
    ----------
    climate : SiteClimate
        The site's monthly climate.
    seed : int
        :func:`site_seed`.

    Returns
    -------
    numpy.ndarray
        (365,) daily clearness index [-].
    """
    rng = np.random.default_rng(seed)
    rho = np.clip(climate.kt_lag1, 0.0, 0.95)[MONTH_OF_DAY]
    noise = rng.standard_normal((ORDER_CANDIDATES, 365))
    z = np.empty_like(noise)
    z[:, 0] = noise[:, 0]
    for t in range(1, 365):
        z[:, t] = rho[t] * z[:, t - 1] + np.sqrt(1 - rho[t] ** 2) * noise[:, t]
    kt = np.empty_like(z)
    start = 0
    for m, n in enumerate(MONTH_DAYS):
        values = quantile_curve((np.arange(n) + 0.5) / n, climate.kt_quantiles[m])  # ascending
        ranks = np.argsort(np.argsort(z[:, start:start + n], axis=1), axis=1)
        kt[:, start:start + n] = values[ranks]
        start += n
    error = ((lag1_by_month(kt) - climate.kt_lag1) ** 2).sum(axis=1)
    return kt[int(np.argmin(error))]


def lag1_by_month(kt: np.ndarray) -> np.ndarray:
    """Lag-1 autocorrelation of daily clearness within each month.

    Parameters
    ----------
    kt : numpy.ndarray
        (..., 365) daily clearness index [-].

    Returns
    -------
    numpy.ndarray
        (..., 12) autocorrelation [-].
    """
    out = []
    start = 0
    for n in MONTH_DAYS:
        a, b = kt[..., start:start + n - 1], kt[..., start + 1:start + n]
        a, b = a - a.mean(axis=-1, keepdims=True), b - b.mean(axis=-1, keepdims=True)
        den = np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))
        out.append(np.divide((a * b).sum(axis=-1), den, out=np.zeros(den.shape), where=den > 0))
        start += n
    return np.stack(out, axis=-1)


def _monthly(values: np.ndarray, month: np.ndarray) -> np.ndarray:
    return np.bincount(month, weights=values, minlength=12)


def daily_irradiation(climate: SiteClimate, kt: np.ndarray, clear_kwh: np.ndarray) -> np.ndarray:
    """Daily GHI: ``kt x H0`` scaled to the month totals, capped at clear sky (excess moved).

    Parameters
    ----------
    climate : SiteClimate
        The site's monthly climate (GHI totals [kWh/m^2]).
    kt : numpy.ndarray
        (365,) daily clearness index [-].
    clear_kwh : numpy.ndarray
        (365,) clear-sky daily GHI [kWh/m^2].

    Returns
    -------
    numpy.ndarray
        (365,) daily GHI [kWh/m^2].
    """
    target = climate.ghi_monthly_kwh_m2
    days = kt * extraterrestrial_daily_kwh_m2(climate.latitude)
    days *= (target / _monthly(days, MONTH_OF_DAY))[MONTH_OF_DAY]
    cap = MAX_CLEAR_SKY_INDEX * clear_kwh
    for _ in range(10):
        over = days > cap
        if not over.any():
            break
        excess = _monthly(np.where(over, days - cap, 0.0), MONTH_OF_DAY)
        days = np.minimum(days, cap)
        room = _monthly(np.where(days < cap, days, 0.0), MONTH_OF_DAY)
        days = np.where(days < cap, days * (1 + np.divide(excess, room, out=np.zeros(12), where=room > 0)
                                            [MONTH_OF_DAY]), days)
    return days


def calibrate_diffuse(ghi: np.ndarray, kd: np.ndarray, month: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Hourly DHI: ``min(f_m kd, 1) ghi`` with ``f_m`` giving each month its diffuse fraction ``target``.

    Parameters
    ----------
    ghi : numpy.ndarray
        Hourly GHI [W/m^2].
    kd : numpy.ndarray
        Hourly diffuse fraction of a decomposition model [-].
    month : numpy.ndarray
        Month of each hour (0..11).
    target : numpy.ndarray
        (12,) monthly diffuse fraction to reach [-].

    Returns
    -------
    numpy.ndarray
        Hourly DHI [W/m^2].
    """
    lo, hi = np.full(12, 0.05), np.full(12, 20.0)
    ghi_month = _monthly(ghi, month)
    for _ in range(40):  # bisection, all months at once (the share is monotone in f)
        f = (lo + hi) / 2
        share = _monthly(np.minimum(f[month] * kd, 1.0) * ghi, month) / ghi_month
        low = share < target
        lo, hi = np.where(low, f, lo), np.where(low, hi, f)
    return np.minimum(((lo + hi) / 2)[month] * kd, 1.0) * ghi


def hourly_year(climate: SiteClimate) -> tuple[pd.DataFrame, np.ndarray]:
    """The hourly year (``ghi``, ``dni``, ``dhi`` [W/m^2], ``temp_air`` [C], ``wind_speed`` [m/s]) and its daily kt.

    Time stamps are the middle of each hour in China's standard time (UTC+8).

    Parameters
    ----------
    climate : SiteClimate
        The site's monthly climate.

    Returns
    -------
    frame : pandas.DataFrame
        ``ghi``, ``dni``, ``dhi`` [W/m^2], ``temp_air`` [°C], ``wind_speed`` [m/s], hourly.
    kt : numpy.ndarray
        (365,) daily clearness index [-].
    """
    lat, lon = climate.latitude, climate.longitude
    times = pd.date_range(f"{YEAR}-01-01 00:30", periods=8760, freq="h", tz=TIME_ZONE)
    location = pvlib.location.Location(lat, lon, tz=TIME_ZONE, altitude=climate.altitude_m)
    solpos = location.get_solarposition(times)
    turbidity = pvlib.clearsky.lookup_linke_turbidity(times, lat, lon)
    clear = location.get_clearsky(times, model="ineichen", solar_position=solpos, linke_turbidity=turbidity)
    clear_ghi = clear["ghi"].to_numpy()
    day = np.repeat(np.arange(365), 24)
    month = MONTH_OF_DAY[day]
    clear_kwh = np.bincount(day, weights=clear_ghi, minlength=365) / 1000

    kt = daily_clearness(climate, site_seed(lat, lon))
    days_kwh = daily_irradiation(climate, kt, clear_kwh)
    ghi = clear_ghi * np.divide(days_kwh, clear_kwh, out=np.zeros(365), where=clear_kwh > 0)[day]

    zenith = solpos["zenith"].to_numpy()
    erbs = pvlib.irradiance.erbs(ghi, zenith, times)
    kd = np.divide(np.asarray(erbs["dhi"]), ghi, out=np.ones_like(ghi), where=ghi > 0)
    dhi = calibrate_diffuse(ghi, kd, month, climate.diffuse_fraction)
    cos_z = np.cos(np.radians(zenith))
    low_sun = zenith >= ALL_DIFFUSE_ZENITH_DEG
    dni = np.where(low_sun, 0.0, (ghi - dhi) / np.where(low_sun, 1.0, cos_z))
    dni = np.clip(dni, 0.0, MAX_CLEAR_BEAM * clear["dni"].to_numpy())
    dhi = np.where(low_sun, ghi, ghi - dni * np.maximum(cos_z, 0.0))

    kt_month = _monthly(kt, MONTH_OF_DAY) / MONTH_DAYS
    day_range = (climate.temp_max_c - climate.temp_min_c)[month] * np.clip(
        (kt / kt_month[MONTH_OF_DAY])[day], *DAY_RANGE_LIMITS)
    solar_hour = times.hour.to_numpy() + times.minute.to_numpy() / 60 + (lon - 120.0) / 15
    temp = climate.temp_mean_c[month] + day_range / 2 * np.cos(2 * np.pi * (solar_hour - TEMP_PEAK_SOLAR_HOUR) / 24)
    frame = pd.DataFrame({"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp,
                          "wind_speed": climate.wind_speed_m_s[month]}, index=times)
    return frame, kt


def describe(climate: SiteClimate) -> tuple[str, tuple[str, ...]]:
    """The source line and the assumptions of a typical year built from ``climate``.

    Parameters
    ----------
    climate : SiteClimate
        The site's monthly climate and its stations.

    Returns
    -------
    source : str
        One line naming the stations (distance [km]) and the level.
    assumptions : tuple of str
        The assumptions, one sentence each.
    """
    near = climate.stations[0]
    far = near.km > 100.0
    names = "; ".join(u.describe() for u in climate.stations)
    source = (f"offline typical year from {len(climate.stations)} CMA station(s), nearest {near.station}"
              f"{' ' + near.name if near.name else ''} {near.km:.0f} km away (CDSRD 1970-2017 statistics, CSWD "
              f"level x{climate.level:.3f}): a planning estimate")
    altitude = (f"site altitude {climate.altitude_m:.0f} m (given)" if climate.altitude_given else
                f"site altitude {climate.altitude_m:.0f} m (the stations', weighted: give --altitude for a "
                "site much higher or lower)")
    ghi = climate.ghi_monthly_kwh_m2
    assumptions = (
        f"radiation stations (WMO id, distance, station minus site altitude, weight): {names}",
        f"annual GHI {ghi.sum():,.0f} kWh/m2, diffuse {climate.dhi_monthly_kwh_m2.sum() / ghi.sum():.0%}: the "
        "stations' mean daily clearness 1970-2017 (CDSRD, modelled from CMA sunshine records) at the site's "
        f"extraterrestrial irradiation, times the level {climate.level:.3f} (CSWD typical years / CDSRD means "
        "at the 5 nearest paired stations); an estimate, not a measured year",
        "days: each month's distribution of daily clearness (p05-p95) and its day-to-day persistence; hours: "
        "pvlib Ineichen clear-sky shape; diffuse: Erbs calibrated to the stations' monthly diffuse fraction",
        "temperature and wind: CSWD monthly normals of " + "; ".join(u.describe() for u in climate.temp_stations)
        + " moved to the site's altitude at -6.5 K/km; cosine daily cycle peaking 15:00 solar time",
        altitude,
        *(["the nearest station is more than 100 km away: the estimate is weaker here"] if far else []),
    )
    return source, assumptions
