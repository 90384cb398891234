"""Batch yield engine: many sites at once, for siting scans.

It computes, for many sites, what pvlib's ``ModelChain`` computes for one (Hay-Davies transposition on
one plane, Martin-Ruiz IAM, SAPM cell temperature, PVWatts DC, losses and inverter; see
:func:`solar.site.model_chain`), as one fused kernel over (daylight hours × sites):

- the sun's position and the weather are computed once per *location* (:class:`Sky`) and shared by
  every site there; a grid scan can share one location per row of cells (``share="row"``);
- sites differ by tilt and azimuth (terrain-following arrays, say) and capacity;
- sites are processed in chunks so memory stays bounded (``max_bytes``);
- two interchangeable kernels: plain numpy, and a compiled numba kernel when numba is installed (the
  optional ``fast`` extra). Both agree with ``ModelChain`` to 1e-6 in annual energy (tests).

Not modelled here (the per-site model in :mod:`solar.site` has them): row-to-row shading, rear-side
irradiance, trackers. Batch yields are for *ranking and screening*, and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pvlib

from solar import sun
from solar.mounting import Mounting
from solar.weather import Weather

numba: Any
try:  # the compiled kernel is optional
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

#: pvlib's PVWatts inverter reference efficiency.
ETA_INV_REF = 0.9637
#: pvlib's guard on cos(zenith) in the Hay-Davies beam ratio (GH 432).
MIN_COS_ZENITH = 0.01745
MONTHS = 12
ENGINES = ("auto", "numpy", "numba")


@dataclass(frozen=True)
class Sky:
    """One location's daylight hours: the sun's position and the weather, shared by its sites."""

    cos_zenith: np.ndarray  # apparent zenith
    sin_zenith: np.ndarray
    cos_azimuth: np.ndarray
    sin_azimuth: np.ndarray
    dni: np.ndarray
    dhi: np.ndarray
    ghi: np.ndarray
    anisotropy: np.ndarray  # dni / dni_extra (Hay-Davies)
    temp_air: np.ndarray
    wind_speed: np.ndarray
    month: np.ndarray  # 0..11, local standard time
    hours: int  # hours in the year (8760 or 8784), daylight or not


def prepare_sky(weather: Weather, lat: float | None = None, lon: float | None = None) -> Sky:
    """Sun position at (lat, lon) (default: the weather's point) as ModelChain computes it, daylight only.

    Parameters
    ----------
    weather : Weather
        The weather year (GHI, DNI, DHI [W/m^2], ``temp_air`` [°C], ``wind_speed`` [m/s], hourly).
    lat : float, optional
        Latitude of the sun's position [degrees north]; default the weather's.
    lon : float, optional
        Longitude [degrees east]; default the weather's.

    Returns
    -------
    Sky
        The daylight hours' sun position (cosines and sines of apparent zenith and azimuth), irradiance
        [W/m^2], Hay-Davies anisotropy index [-], air temperature [°C], wind speed [m/s] and local month.
    """
    lat = weather.latitude if lat is None else lat
    lon = weather.longitude if lon is None else lon
    data = weather.data
    ghi, dni, dhi = (data[c].to_numpy(dtype=float) for c in ("ghi", "dni", "dhi"))
    lit = (ghi > 0) | (dni > 0) | (dhi > 0)  # other hours yield exactly 0 in the model
    times = data.index[lit]
    temp_air = data["temp_air"].to_numpy(dtype=float)[lit]
    terms = sun.time_terms(times)  # the time-only ~90 % of the sun's position: once per weather year
    zenith, azimuth = sun.position(terms, lat, lon, weather.altitude_m, temp_air)
    dni_extra = terms.dni_extra
    zen = np.radians(zenith)
    azi = np.radians(azimuth)
    return Sky(
        cos_zenith=np.cos(zen), sin_zenith=np.sin(zen), cos_azimuth=np.cos(azi), sin_azimuth=np.sin(azi),
        dni=dni[lit], dhi=dhi[lit], ghi=ghi[lit], anisotropy=dni[lit] / dni_extra, temp_air=temp_air,
        wind_speed=data["wind_speed"].to_numpy(dtype=float)[lit],
        month=(weather.local_months[lit] - 1).astype(np.int64), hours=len(data),
    )


@dataclass(frozen=True)
class Constants:
    """The mounting's scalars the kernel needs, per kWp of DC."""

    albedo: float
    a_r: float
    sapm_a: float
    sapm_b: float
    sapm_dt: float
    gamma: float
    loss_factor: float
    inv_pdc0: float  # inverter DC limit per kWp DC, kW
    eta_nom: float

    @classmethod
    def of(cls, m: Mounting) -> Constants:
        """Constants of a fixed, single-plane mounting.

        Parameters
        ----------
        m : Mounting
            The mounting (module temperature coefficient [1/°C], losses [%], DC/AC ratio [-], ...).

        Returns
        -------
        Constants
            The numbers the kernels use.
        """
        t = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][m.racking]
        return cls(m.albedo, m.iam_a_r, t["a"], t["b"], t["deltaT"], m.gamma_pdc, 1 - m.losses_pct / 100,
                   1.0 / m.dc_ac_ratio, m.inverter_efficiency)


def _numpy_kernel(sky: Sky, tilt: np.ndarray, azimuth: np.ndarray, c: Constants) -> np.ndarray:
    """Monthly AC kWh per kWp, shape (sites, 12): fused numpy over (hours, sites), in place where possible."""
    t, a = np.radians(tilt), np.radians(azimuth)
    ct, st = np.cos(t), np.sin(t)
    sun = np.stack([sky.cos_zenith, sky.sin_zenith * sky.cos_azimuth, sky.sin_zenith * sky.sin_azimuth], axis=1)
    plane = np.stack([ct, st * np.cos(a), st * np.sin(a)])
    cos_tt = sun @ plane  # cos(AOI), (hours, sites); clipped to [-1, 1] then to >= 0 as pvlib does
    np.clip(cos_tt, 0.0, 1.0, out=cos_tt)
    beam = sky.dni[:, None] * cos_tt
    # Hay-Davies: isotropic part, circumsolar part (beam ratio with pvlib's zenith guard), ground reflection
    diffuse = np.maximum((sky.dhi * (1 - sky.anisotropy))[:, None] * (0.5 * (1 + ct)), 0.0)
    circ = (sky.dhi * sky.anisotropy / np.maximum(sky.cos_zenith, MIN_COS_ZENITH))[:, None] * cos_tt
    diffuse += np.maximum(circ, 0.0, out=circ)
    diffuse += (sky.ghi * c.albedo)[:, None] * (0.5 * (1 - ct))
    # Martin-Ruiz IAM on the beam: 1 - exp(-cos/a_r) is 0 where the sun is behind the plane
    iam = np.multiply(cos_tt, -1.0 / c.a_r, out=cos_tt)
    np.exp(iam, out=iam)
    np.subtract(1.0, iam, out=iam)
    iam *= 1.0 / (1 - np.exp(-1 / c.a_r))
    heat = (np.exp(c.sapm_a + c.sapm_b * sky.wind_speed) + c.sapm_dt / 1000)[:, None]
    temp_cell = beam + diffuse  # plane-of-array global
    temp_cell *= heat
    temp_cell += sky.temp_air[:, None] - 25.0  # now cell temperature - 25
    beam *= iam
    beam += diffuse  # effective irradiance
    temp_cell *= c.gamma
    temp_cell += 1.0
    dc = np.multiply(beam, temp_cell, out=beam)
    dc *= c.loss_factor / 1000
    ac = _pvwatts_inverter(dc, c)
    onehot = np.zeros((len(sky.month), MONTHS))
    onehot[np.arange(len(sky.month)), sky.month] = 1.0
    return np.asarray(ac.T @ onehot)


def _pvwatts_inverter(dc: np.ndarray, c: Constants) -> np.ndarray:
    """Pvlib's PVWatts inverter (zero where there is no DC power), overwriting ``dc``."""
    zeta = dc / c.inv_pdc0
    safe = zeta + (zeta == 0)
    np.divide(-0.0059, safe, out=safe)
    safe -= 0.0162 * zeta
    safe += 0.9858
    safe *= c.eta_nom / ETA_INV_REF
    dc *= safe
    np.minimum(dc, c.eta_nom * c.inv_pdc0, out=dc)
    return np.maximum(dc, 0.0, out=dc)


def _numba_kernel_py(cz, sz, caz, saz, dni, dhi, ghi, ai, temp, heat, month,  # pragma: no cover - compiled
                     ct, p1, p2, iso_f, gnd_f, a_r, gamma, loss, inv_pdc0, eta_nom, out_t):
    """Add monthly AC kWh per kWp into ``out_t`` (12, sites): hours outside, sites inside (SIMD over sites).

    exp(-cos/a_r) is computed as (exp(y))**128 with y = -cos/a_r/128 and a degree-9 Taylor series for
    exp(y): |y| <= 0.16 for a_r >= 0.05, so its relative error is ~1e-13, and the loop vectorises.
    """
    scale = -1.0 / a_r / 128.0
    iam_norm = 1.0 / (1.0 - np.exp(-1.0 / a_r))
    eta_scale = eta_nom / ETA_INV_REF
    ac_max = eta_nom * inv_pdc0
    inv_inv = 1.0 / inv_pdc0
    for h in range(cz.shape[0]):
        czh, szc, szs = cz[h], sz[h] * caz[h], sz[h] * saz[h]
        dnih, gh, heath, temph = dni[h], ghi[h], heat[h], temp[h]
        iso_h = dhi[h] * (1 - ai[h])
        circ_h = dhi[h] * ai[h] / max(czh, MIN_COS_ZENITH)
        row = out_t[month[h]]
        for s in range(ct.shape[0]):
            cos_tt = min(max(czh * ct[s] + szc * p1[s] + szs * p2[s], 0.0), 1.0)
            beam = dnih * cos_tt
            diffuse = max(iso_h * iso_f[s], 0.0) + max(circ_h * cos_tt, 0.0) + gh * gnd_f[s]
            y = cos_tt * scale
            e = 1.0 + y * (1.0 + y * (1 / 2 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y * (
                1 / 720 + y * (1 / 5040 + y * (1 / 40320 + y / 362880))))))))
            e *= e
            e *= e
            e *= e
            e *= e
            e *= e
            e *= e
            e *= e
            effective = beam * (1.0 - e) * iam_norm + diffuse
            temp_cell = (beam + diffuse) * heath + temph
            dc = effective * 0.001 * (1.0 + gamma * (temp_cell - 25.0)) * loss
            zeta = dc * inv_inv
            safe = zeta if zeta != 0.0 else 1.0
            ac = eta_scale * (-0.0162 * zeta - 0.0059 / safe + 0.9858) * dc
            row[s] += max(min(ac, ac_max), 0.0)


_numba_kernel = (
    numba.njit(cache=True, nogil=True, error_model="numpy", fastmath={"nsz", "arcp", "contract", "afn", "reassoc"})(
        _numba_kernel_py)
    if numba is not None else None
)


def _run_numba(sky: Sky, tilt: np.ndarray, azimuth: np.ndarray, c: Constants) -> np.ndarray:
    assert _numba_kernel is not None
    t, a = np.radians(tilt), np.radians(azimuth)
    ct, st = np.cos(t), np.sin(t)
    out_t = np.zeros((MONTHS, len(tilt)))
    heat = np.exp(c.sapm_a + c.sapm_b * sky.wind_speed) + c.sapm_dt / 1000
    _numba_kernel(sky.cos_zenith, sky.sin_zenith, sky.cos_azimuth, sky.sin_azimuth, sky.dni, sky.dhi, sky.ghi,
                  sky.anisotropy, sky.temp_air, heat, sky.month, ct, st * np.cos(a), st * np.sin(a),
                  0.5 * (1 + ct), 0.5 * (1 - ct) * c.albedo, c.a_r, c.gamma, c.loss_factor, c.inv_pdc0, c.eta_nom,
                  out_t)
    return out_t.T.copy()


def resolve_engine(engine: str) -> str:
    """The kernel to run: ``auto`` is numba when installed, else numpy.

    Parameters
    ----------
    engine : str
        ``auto``, ``numpy`` or ``numba`` (:data:`ENGINES`).

    Returns
    -------
    str
        ``numpy`` or ``numba``.

    Raises
    ------
    ValueError
        An unknown engine, or ``numba`` when it is not installed.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine: unknown {engine!r} (allowed: {', '.join(ENGINES)})")
    if engine == "auto":
        return "numba" if _numba_kernel is not None else "numpy"
    if engine == "numba" and _numba_kernel is None:
        raise ValueError("engine: numba is not installed (pip install '.[fast]'), use engine='numpy'")
    return engine


def monthly_kwh_per_kwp(sky: Sky, tilt: np.ndarray, azimuth: np.ndarray, m: Mounting, *, engine: str = "auto",
                        max_bytes: int = 256 * 2**20) -> np.ndarray:
    """Monthly AC energy per kWp of sites sharing one sky.

    Parameters
    ----------
    sky : Sky
        The shared sun and weather (:func:`prepare_sky`).
    tilt : numpy.ndarray
        Surface tilt per site [degrees from horizontal], shape (sites,).
    azimuth : numpy.ndarray
        Surface azimuth per site [degrees clockwise from north], shape (sites,).
    m : Mounting
        The fixed, single-plane mounting (module, losses, DC/AC ratio).
    engine : str
        ``auto``, ``numpy`` or ``numba`` (:func:`resolve_engine`).
    max_bytes : int
        Memory budget of one chunk of (hours x sites) arrays [bytes].

    Returns
    -------
    numpy.ndarray
        Shape (sites, 12): monthly AC energy [kWh/kWp].
    """
    if m.tracking:
        raise ValueError("mounting: the batch engine models fixed planes only (use solar.site for trackers)")
    tilt, azimuth = np.broadcast_arrays(np.asarray(tilt, dtype=float), np.asarray(azimuth, dtype=float))
    c = Constants.of(m)
    kernel: Callable[[Sky, np.ndarray, np.ndarray, Constants], np.ndarray]
    kernel = _run_numba if resolve_engine(engine) == "numba" else _numpy_kernel
    # the numpy kernel holds ~6 float64 (hours x chunk) temporaries at its peak; numba needs no chunks
    chunk = max(1, max_bytes // (6 * 8 * max(1, len(sky.dni)))) if kernel is _numpy_kernel else max(1, len(tilt))
    parts = [kernel(sky, tilt[i:i + chunk], azimuth[i:i + chunk], c) for i in range(0, len(tilt), chunk)]
    return np.concatenate(parts) if parts else np.zeros((0, MONTHS))


def scan(lat: np.ndarray, lon: np.ndarray, m: Mounting, weather_at: Callable[[float, float], Weather], *,
         tilt: np.ndarray | None = None, azimuth: np.ndarray | None = None, share: str = "site",
         engine: str = "auto", row_decimals: int = 6) -> np.ndarray:
    """Monthly AC energy per kWp of fixed-plane sites, the sun and weather shared per location or per grid row.

    ``share="site"``: one sky per distinct (lat, lon). ``share="row"``: one sky per distinct latitude (a
    grid row), at the row's mean longitude: the sun's position and weather are shared along the row.

    Parameters
    ----------
    lat : numpy.ndarray
        Site latitudes [degrees north], shape (sites,).
    lon : numpy.ndarray
        Site longitudes [degrees east], shape (sites,).
    m : Mounting
        The fixed, single-plane mounting.
    weather_at : callable
        ``weather_at(lat, lon)`` gives the :class:`solar.weather.Weather` of a location [degrees].
    tilt : numpy.ndarray, optional
        Surface tilt per site [degrees]; default the mounting's.
    azimuth : numpy.ndarray, optional
        Surface azimuth per site [degrees clockwise from north]; default the mounting's.
    share : str
        ``site`` or ``row``.
    engine : str
        ``auto``, ``numpy`` or ``numba``.
    row_decimals : int
        Latitudes rounded to this many decimals [-] to find a row's sites (``share="row"``).

    Returns
    -------
    numpy.ndarray
        Shape (sites, 12): monthly AC energy [kWh/kWp].
    """
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    tilt = np.full(lat.shape, m.tilt) if tilt is None else np.asarray(tilt, dtype=float)
    azimuth = np.full(lat.shape, m.azimuth) if azimuth is None else np.asarray(azimuth, dtype=float)
    if share == "site":
        keys = np.stack([np.round(lat, row_decimals), np.round(lon, row_decimals)], axis=1)
    elif share == "row":
        keys = np.round(lat, row_decimals)[:, None]
    else:
        raise ValueError(f"share: unknown {share!r} (allowed: site, row)")
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    out = np.zeros((len(lat), MONTHS))
    for g in range(group.max() + 1 if len(group) else 0):
        members = np.flatnonzero(group == g)
        glat, glon = float(lat[members].mean()), float(lon[members].mean())
        sky = prepare_sky(weather_at(glat, glon), glat, glon)
        out[members] = monthly_kwh_per_kwp(sky, tilt[members], azimuth[members], m, engine=engine)
    return out
