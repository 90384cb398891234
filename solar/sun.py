"""The sun's position as pvlib computes it (NREL SPA, ``nrel_numpy``), split into a time part and a place part.

pvlib's :func:`pvlib.solarposition.spa_python` recomputes, for every location, the heliocentric and
geocentric terms (the Earth's orbit, nutation, the sun's right ascension and declination, sidereal
time): ~90 % of its work, and it depends only on the times. Here that part is computed once per set of
times (:func:`time_terms`, cached) and the per-location part (hour angle, parallax, topocentric
elevation with refraction, azimuth) by :func:`position`, with the same pvlib functions in the same order
on the same arrays, so the result is bit-identical to ``Location(lat, lon, altitude).get_solarposition(
times, temperature=temp_air)`` (tested).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib
from pvlib import spa
from pvlib.solarposition import _datetime_to_unixtime

#: pvlib's default difference between terrestrial time and UT1 in ``spa_python`` [s].
DELTA_T_S = 67.0
#: pvlib's default refraction at sunrise/sunset in ``spa_python`` [degrees].
ATMOS_REFRACT_DEG = 0.5667
_CACHE_SIZE = 8


@dataclass(frozen=True)
class TimeTerms:
    """The location-independent SPA terms of a set of times.

    Attributes
    ----------
    sidereal_deg : numpy.ndarray
        Apparent sidereal time at Greenwich [degrees].
    right_ascension_deg : numpy.ndarray
        Geocentric sun right ascension [degrees].
    declination_deg : numpy.ndarray
        Geocentric sun declination [degrees].
    parallax_deg : numpy.ndarray
        Equatorial horizontal parallax of the sun [degrees].
    dni_extra : numpy.ndarray
        Extraterrestrial normal irradiance, pvlib's ``get_extra_radiation`` (Spencer) [W/m^2].
    """

    sidereal_deg: np.ndarray
    right_ascension_deg: np.ndarray
    declination_deg: np.ndarray
    parallax_deg: np.ndarray
    dni_extra: np.ndarray


def _compute_time_terms(times: pd.DatetimeIndex, delta_t: float) -> TimeTerms:
    if spa.USE_NUMBA:  # pragma: no cover - pvlib's numba-compiled spa takes scalars; we need its numpy form
        raise RuntimeError("solar.sun needs pvlib.spa in numpy form (PVLIB_USE_NUMBA unset)")
    unixtime = np.asarray(_datetime_to_unixtime(times), dtype=float)
    # as pvlib.spa.solar_position_numpy, up to the sun's geocentric position and sidereal time
    jd = spa.julian_day(unixtime)
    jde = spa.julian_ephemeris_day(jd, delta_t)
    jc = spa.julian_century(jd)
    jce = spa.julian_ephemeris_century(jde)
    jme = spa.julian_ephemeris_millennium(jce)
    r = spa.heliocentric_radius_vector(jme)
    lon_helio = spa.heliocentric_longitude(jme)
    lat_helio = spa.heliocentric_latitude(jme)
    theta = spa.geocentric_longitude(lon_helio)
    beta = spa.geocentric_latitude(lat_helio)
    x0 = spa.mean_elongation(jce)
    x1 = spa.mean_anomaly_sun(jce)
    x2 = spa.mean_anomaly_moon(jce)
    x3 = spa.moon_argument_latitude(jce)
    x4 = spa.moon_ascending_longitude(jce)
    l_o_nutation = np.empty((2, len(x0)))
    spa.longitude_obliquity_nutation(jce, x0, x1, x2, x3, x4, l_o_nutation)
    delta_psi = l_o_nutation[0]
    delta_epsilon = l_o_nutation[1]
    epsilon0 = spa.mean_ecliptic_obliquity(jme)
    epsilon = spa.true_ecliptic_obliquity(epsilon0, delta_epsilon)
    delta_tau = spa.aberration_correction(r)
    lamd = spa.apparent_sun_longitude(theta, delta_psi, delta_tau)
    v0 = spa.mean_sidereal_time(jd, jc)
    v = spa.apparent_sidereal_time(v0, delta_psi, epsilon)
    alpha = spa.geocentric_sun_right_ascension(lamd, epsilon, beta)
    delta = spa.geocentric_sun_declination(lamd, epsilon, beta)
    xi = spa.equatorial_horizontal_parallax(r)
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(times), dtype=float)
    return TimeTerms(v, alpha, delta, xi, dni_extra)


_cache: dict[tuple[str, str, float], TimeTerms] = {}


def time_terms(times: pd.DatetimeIndex, delta_t: float = DELTA_T_S) -> TimeTerms:
    """The location-independent SPA terms of ``times``, computed once and cached (a few recent sets).

    Parameters
    ----------
    times : pandas.DatetimeIndex
        The times (timezone-aware or UTC-naive, as pvlib takes them).
    delta_t : float
        Terrestrial time minus UT1 [s]; pvlib's ``spa_python`` default.

    Returns
    -------
    TimeTerms
        Sidereal time, the sun's right ascension, declination and parallax [degrees], and the
        extraterrestrial normal irradiance [W/m^2], one per time.
    """
    key = (hashlib.blake2b(np.ascontiguousarray(times.asi8).tobytes(), digest_size=16).hexdigest(),
           f"{times.tz}|{times.dtype}", float(delta_t))
    hit = _cache.get(key)
    if hit is None:
        hit = _compute_time_terms(times, delta_t)
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = hit
    return hit


def position(terms: TimeTerms, latitude: float, longitude: float, altitude_m: float,
             temperature: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Apparent zenith and azimuth at a location, bit-identical to pvlib's ``Location.get_solarposition``.

    Parameters
    ----------
    terms : TimeTerms
        The times' location-independent terms (:func:`time_terms`).
    latitude : float
        [degrees north].
    longitude : float
        [degrees east].
    altitude_m : float
        Site altitude [m]; the pressure is pvlib's ``alt2pres`` of it, as ``Location`` does.
    temperature : numpy.ndarray or float
        Air temperature for refraction [°C], one per time or one for all.

    Returns
    -------
    tuple of numpy.ndarray
        ``(apparent_zenith, azimuth)`` [degrees]; azimuth clockwise from north.
    """
    zenith, azimuth = positions(terms, np.array([latitude]), np.array([longitude]), altitude_m, temperature)
    return zenith[0], azimuth[0]


def positions(terms: TimeTerms, latitudes: np.ndarray, longitudes: np.ndarray, altitude_m: float,
              temperature: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Apparent zenith and azimuth at many locations at once, each row bit-identical to pvlib's.

    The same pvlib functions as ``spa_python`` on (locations, times) arrays: a location's values are a
    column, broadcast along its row, so every element goes through the same floating-point operations as
    in pvlib's one-location call, and the time-only factors inside them (the sine of the parallax, the
    cosine of the declination) are computed once for all locations.

    Parameters
    ----------
    terms : TimeTerms
        The times' location-independent terms (:func:`time_terms`).
    latitudes : numpy.ndarray
        [degrees north], shape (locations,).
    longitudes : numpy.ndarray
        [degrees east], shape (locations,).
    altitude_m : float
        Altitude of every location [m]; the pressure is pvlib's ``alt2pres`` of it, as ``Location`` does.
    temperature : numpy.ndarray or float
        Air temperature for refraction [°C], one per time or one for all.

    Returns
    -------
    tuple of numpy.ndarray
        ``(apparent_zenith, azimuth)`` [degrees], shape (locations, times); azimuth clockwise from north.
    """
    pressure = pvlib.atmosphere.alt2pres(altitude_m) / 100  # [mbar], as spa_python takes it
    lat = np.asarray(latitudes, dtype=float).reshape(-1, 1)
    lon = np.asarray(longitudes, dtype=float).reshape(-1, 1)
    if lat.shape != lon.shape:
        raise ValueError(f"latitudes and longitudes: {lat.size} and {lon.size} values, one per location")
    elev = altitude_m
    v, alpha, delta, xi = terms.sidereal_deg, terms.right_ascension_deg, terms.declination_deg, terms.parallax_deg
    # as pvlib.spa.solar_position_numpy from the local hour angle on
    h = spa.local_hour_angle(v, lon, alpha)
    u = spa.uterm(lat)
    x = spa.xterm(u, lat, elev)
    y = spa.yterm(u, lat, elev)
    delta_alpha = spa.parallax_sun_right_ascension(x, xi, h, delta)
    delta_prime = spa.topocentric_sun_declination(delta, x, y, xi, delta_alpha, h)
    h_prime = spa.topocentric_local_hour_angle(h, delta_alpha)
    e0 = spa.topocentric_elevation_angle_without_atmosphere(lat, delta_prime, h_prime)
    delta_e = spa.atmospheric_refraction_correction(pressure, temperature, e0, ATMOS_REFRACT_DEG)
    e = spa.topocentric_elevation_angle(e0, delta_e)
    theta = spa.topocentric_zenith_angle(e)
    gamma = spa.topocentric_astronomers_azimuth(h_prime, delta_prime, lat)
    phi = spa.topocentric_azimuth_angle(gamma)
    shape = (lat.size, len(v))
    return np.broadcast_to(theta, shape).astype(float), np.broadcast_to(phi, shape).astype(float)
