"""Batch yield engine: many sites at once, for siting scans.

It computes, for many sites, what pvlib's ``ModelChain`` computes for one (Hay-Davies transposition on
one plane, Martin-Ruiz IAM, SAPM cell temperature, PVWatts DC, losses and inverter; see
:func:`solar.site.model_chain`), as one fused kernel over (daylight hours × sites):

- the sun's position and the weather are computed once per *location* (:class:`Sky`) and shared by
  every site there; a grid scan can share one location per row of cells (``share="row"``); the weather
  year's daylight hours and the time-only ~90 % of the sun's position are computed once per weather year
  (:class:`Daylight`; :mod:`solar.sun`, bit-identical to pvlib), the rest for a few dozen locations at a
  time (:func:`skies`);
- everything that depends on the hour only is folded into a few per-hour terms (:func:`hour_terms`), so the
  (hours x sites) work is a few products, no division and no branch;
- sites differ by tilt and azimuth (terrain-following arrays, say) and capacity;
- the numpy kernel works on cache-sized blocks (a month's hours x a block of sites, ``max_bytes``) in reused
  buffers, so memory stays bounded whatever the number of sites;
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
import pandas as pd
import pvlib

from solar import sun
from solar.mounting import Mounting
from solar.weather import Weather

numba: Any
try:  # the compiled kernel is optional
    import numba
    import numba.extending
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
    passes: PassLayout  # the hours in the numba kernel's passes (one per weather year, shared)


@dataclass(frozen=True)
class Daylight:
    """A weather year's daylight hours: all of a :class:`Sky` that does not depend on the location.

    Computed once per weather year (:func:`daylight`) and shared by every sky of that weather (:func:`skies`).
    """

    terms: sun.TimeTerms  # the time-only part of the sun's position
    dni: np.ndarray
    dhi: np.ndarray
    ghi: np.ndarray
    anisotropy: np.ndarray  # dni / dni_extra (Hay-Davies)
    temp_air: np.ndarray
    wind_speed: np.ndarray
    month: np.ndarray  # 0..11, local standard time
    hours: int  # hours in the year (8760 or 8784), daylight or not
    altitude_m: float
    passes: PassLayout  # the hours in the numba kernel's passes


def daylight(weather: Weather) -> Daylight:
    """The daylight hours of a weather year and the time-only part of the sun's position there.

    Parameters
    ----------
    weather : Weather
        The weather year (GHI, DNI, DHI [W/m^2], ``temp_air`` [°C], ``wind_speed`` [m/s], hourly).

    Returns
    -------
    Daylight
        Irradiance [W/m^2], Hay-Davies anisotropy index [-], air temperature [°C], wind speed [m/s], local
        month and the SPA time terms of the hours with any irradiance (the others yield exactly 0).
    """
    data = weather.data
    ghi, dni, dhi = (data[c].to_numpy(dtype=float) for c in ("ghi", "dni", "dhi"))
    lit = (ghi > 0) | (dni > 0) | (dhi > 0)  # other hours yield exactly 0 in the model
    terms = sun.time_terms(pd.DatetimeIndex(data.index[lit]))  # the time-only ~90 % of the sun's position
    month = (weather.local_months[lit] - 1).astype(np.int64)
    return Daylight(
        terms=terms, dni=dni[lit], dhi=dhi[lit], ghi=ghi[lit], anisotropy=dni[lit] / terms.dni_extra,
        temp_air=data["temp_air"].to_numpy(dtype=float)[lit], wind_speed=data["wind_speed"].to_numpy(dtype=float)[lit],
        month=month, hours=len(data), altitude_m=weather.altitude_m, passes=pass_layout(month),
    )


def skies(day: Daylight, lat: np.ndarray, lon: np.ndarray) -> list[Sky]:
    """The skies of a weather year's daylight at several locations: the sun's position as ModelChain computes it.

    Parameters
    ----------
    day : Daylight
        The weather year's daylight hours (:func:`daylight`).
    lat : numpy.ndarray
        Latitudes of the sun's position [degrees north], shape (locations,).
    lon : numpy.ndarray
        Longitudes [degrees east], shape (locations,).

    Returns
    -------
    list of Sky
        One per location, in order; the weather arrays are shared. Work arrays are (locations x daylight
        hours): pass a few dozen locations at a time (:data:`SKY_CHUNK`).
    """
    zenith, azimuth = sun.positions(day.terms, lat, lon, day.altitude_m, day.temp_air)
    zen = np.radians(zenith)
    azi = np.radians(azimuth)
    cz, sz, ca, sa = np.cos(zen), np.sin(zen), np.cos(azi), np.sin(azi)
    return [Sky(cos_zenith=cz[i], sin_zenith=sz[i], cos_azimuth=ca[i], sin_azimuth=sa[i], dni=day.dni, dhi=day.dhi,
                ghi=day.ghi, anisotropy=day.anisotropy, temp_air=day.temp_air, wind_speed=day.wind_speed,
                month=day.month, hours=day.hours, passes=day.passes) for i in range(len(cz))]


#: Locations per :func:`skies` call in :func:`scan`: (locations x ~4,400 daylight hours) work arrays of ~1 MB.
SKY_CHUNK = 32


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
    return skies(daylight(weather), np.array([lat]), np.array([lon]))[0]


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


@dataclass(frozen=True)
class HourTerms:
    """Per-hour scalars of the fused model (one sky, one mounting), in kernel form: see :func:`hour_terms`."""

    cz: np.ndarray  # cos(zenith)
    szc: np.ndarray  # sin(zenith) cos(azimuth)
    szs: np.ndarray  # sin(zenith) sin(azimuth)
    beam_gain: np.ndarray  # dni + Hay-Davies circumsolar (>= 0) per unit cos(AOI) [W/m^2]
    sky_flat: np.ndarray  # isotropic + ground-reflected irradiance on a plane, its part independent of tilt [W/m^2]
    sky_tilt: np.ndarray  # ... and its part per unit cos(tilt) [W/m^2]
    dni_iam: np.ndarray  # dni * Martin-Ruiz normalisation [W/m^2]
    dni_iam_gain: np.ndarray  # dni * (normalisation - 1) [W/m^2]
    dc0: np.ndarray  # DC per effective irradiance at 0 W/m^2 plane-of-array [kW/kWp per W/m^2]
    dc1: np.ndarray  # its slope in plane-of-array irradiance (the cell heating) [kW/kWp per (W/m^2)^2]


def hour_terms(sky: Sky, c: Constants) -> HourTerms:
    """Everything of the model that depends on the hour only, so the (hours x sites) work is a few products.

    With ``cos`` the cosine of the angle of incidence (clipped to [0, 1]) and ``e = exp(-cos/a_r)``:
    plane-of-array global ``poa = beam_gain cos + sky_flat + sky_tilt cos(tilt)`` (Hay-Davies with pvlib's
    guards: the isotropic and circumsolar parts are each >= 0; isotropic ``iso (1 + cos(tilt)) / 2`` and
    ground ``ghi albedo (1 - cos(tilt)) / 2`` as one affine function of cos(tilt));
    effective irradiance ``poa + dni_iam_gain cos - dni_iam e cos`` (Martin-Ruiz on the beam);
    DC per kWp ``effective (dc0 + dc1 poa)`` (SAPM cell temperature, PVWatts DC with losses).
    """
    iam_norm = 1.0 / (1.0 - np.exp(-1.0 / c.a_r))
    circ = np.maximum(sky.dhi * sky.anisotropy / np.maximum(sky.cos_zenith, MIN_COS_ZENITH), 0.0)
    heat = np.exp(c.sapm_a + c.sapm_b * sky.wind_speed) + c.sapm_dt / 1000  # cell heating per W/m^2 [°C]
    k = 0.001 * c.loss_factor
    iso = np.maximum(sky.dhi * (1 - sky.anisotropy), 0.0)
    ground = sky.ghi * c.albedo
    return HourTerms(
        cz=sky.cos_zenith, szc=sky.sin_zenith * sky.cos_azimuth, szs=sky.sin_zenith * sky.sin_azimuth,
        beam_gain=sky.dni + circ, sky_flat=0.5 * (iso + ground), sky_tilt=0.5 * (iso - ground),
        dni_iam=sky.dni * iam_norm, dni_iam_gain=sky.dni * (iam_norm - 1.0),
        dc0=k * (1.0 + c.gamma * (sky.temp_air - 25.0)), dc1=k * c.gamma * heat,
    )


def site_terms(tilt: np.ndarray, azimuth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per site: the plane's unit normal (cos tilt, sin tilt cos az, sin tilt sin az) [-]."""
    t, a = np.radians(tilt), np.radians(azimuth)
    ct, st = np.cos(t), np.sin(t)
    return ct, st * np.cos(a), st * np.sin(a)


def inverter_terms(c: Constants) -> tuple[float, float, float, float]:
    """PVWatts inverter as ``ac = dc (i1 - i2 dc) - i3`` clipped to [0, ac_max] (kW per kWp DC).

    pvlib: ``eta = eta_nom / 0.9637 (-0.0162 zeta - 0.0059 / zeta + 0.9858)``, ``zeta = dc / pdc0``,
    ``ac = min(eta dc, pac0)``, ``max(ac, 0)``; ``dc / zeta = pdc0`` removes the division (and at dc = 0
    the form gives ``-i3 < 0``, clipped to 0 as pvlib's ``eta = 0`` there).
    """
    scale = c.eta_nom / ETA_INV_REF
    return scale * 0.9858, scale * 0.0162 / c.inv_pdc0, scale * 0.0059 * c.inv_pdc0, c.eta_nom * c.inv_pdc0


#: Sites per block of the numpy kernel: a month of daylight hours (~380) x this many sites x 8 bytes x the
#: few work arrays stays in the core's L2 cache (measured fastest here: benchmarks/bench_yield.py).
NUMPY_BLOCK_BYTES = 2**20
_NUMPY_WORK_ARRAYS = 3


def _numpy_kernel(sky: Sky, tilt: np.ndarray, azimuth: np.ndarray, c: Constants,
                  max_bytes: int = NUMPY_BLOCK_BYTES) -> np.ndarray:
    """Monthly AC kWh per kWp, shape (sites, 12): (month's hours x site block) arrays, reused, in place."""
    h = hour_terms(sky, c)
    ct, p1, p2 = site_terms(tilt, azimuth)
    i1, i2, i3, ac_max = inverter_terms(c)
    scale = -1.0 / c.a_r
    n = len(tilt)
    out = np.zeros((n, MONTHS))
    months = [np.flatnonzero(sky.month == k) for k in range(MONTHS)]
    longest = max((len(m) for m in months), default=0)
    if n == 0 or longest == 0:
        return out
    block = int(max(1, min(n, max_bytes // (_NUMPY_WORK_ARRAYS * 8 * longest))))
    buf = np.empty((3, longest * block))
    for k, idx in enumerate(months):
        if not len(idx):
            continue
        col = {name: getattr(h, name)[idx][:, None] for name in
               ("cz", "szc", "szs", "beam_gain", "sky_flat", "sky_tilt", "dni_iam", "dni_iam_gain", "dc0", "dc1")}
        for s0 in range(0, n, block):
            sl = slice(s0, min(n, s0 + block))
            shape = (len(idx), sl.stop - sl.start)
            cos, poa, tmp = (b[:shape[0] * shape[1]].reshape(shape) for b in buf)
            np.multiply(col["cz"], ct[None, sl], out=cos)  # cos(AOI), clipped to [0, 1] as pvlib does
            np.multiply(col["szc"], p1[None, sl], out=tmp)
            cos += tmp
            np.multiply(col["szs"], p2[None, sl], out=tmp)
            cos += tmp
            np.clip(cos, 0.0, 1.0, out=cos)
            np.multiply(col["beam_gain"], cos, out=poa)  # plane-of-array global
            np.multiply(col["sky_tilt"], ct[None, sl], out=tmp)
            tmp += col["sky_flat"]
            poa += tmp
            np.multiply(cos, scale, out=tmp)  # Martin-Ruiz: e = exp(-cos / a_r)
            np.exp(tmp, out=tmp)
            tmp *= cos
            tmp *= col["dni_iam"]
            np.subtract(poa, tmp, out=tmp)
            cos *= col["dni_iam_gain"]
            tmp += cos  # effective irradiance
            poa *= col["dc1"]
            poa += col["dc0"]
            tmp *= poa  # DC per kWp
            np.multiply(tmp, -i2, out=poa)  # PVWatts inverter
            poa += i1
            poa *= tmp
            poa -= i3
            np.clip(poa, 0.0, ac_max, out=poa)
            out[sl, k] = poa.sum(axis=0)
    return out


def _site_hour_py(cts, p1s, p2s, hour, k):  # pragma: no cover - compiled
    """AC kW per kWp of one site in one hour (:func:`hour_terms`, :func:`inverter_terms`): no division, no branch.

    ``hour`` is the hour's 10 terms (:data:`HOUR_TERMS`), ``k`` the constants ``(scale, i1, i2, i3, ac_max)``.
    exp(-cos/a_r) is (exp(y))**256 with y = -cos/a_r/256 and a degree-6 Taylor series for exp(y): |y| <= 0.08
    for a_r >= 0.05, so the relative error of the power is below 1e-9, and the loop vectorises. An hour of
    zeros yields exactly 0 (``ac = -i3``, clipped), so zero hours can pad a month.
    """
    czh, szch, szsh, bg, flat, tilt_h, di, dg, d0, d1 = hour
    scale, i1, i2, i3, ac_max = k
    cos_tt = min(max(czh * cts + szch * p1s + szsh * p2s, 0.0), 1.0)
    poa = bg * cos_tt + (flat + tilt_h * cts)
    y = cos_tt * scale
    e = 1.0 + y * (1.0 + y * (1 / 2 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y * (1 / 720))))))
    e *= e
    e *= e
    e *= e
    e *= e
    e *= e
    e *= e
    e *= e
    e *= e
    effective = poa + (dg - di * e) * cos_tt
    dc = effective * (d0 + d1 * poa)
    ac = dc * (i1 - i2 * dc) - i3
    return max(min(ac, ac_max), 0.0)


def _hour_py(t, p, j):  # pragma: no cover - compiled
    """The 10 terms of hour ``j`` of pass ``p``, as values (so the site loop needs no load from ``t``)."""
    return t[0, p, j], t[1, p, j], t[2, p, j], t[3, p, j], t[4, p, j], t[5, p, j], t[6, p, j], t[7, p, j], \
        t[8, p, j], t[9, p, j]


def _numba_kernel_py(passes, pass_month, ct, p1, p2, a_r, i1, i2, i3, ac_max, out_t):  # pragma: no cover - compiled
    """Add monthly AC kWh per kWp into ``out_t`` (12, sites): passes of 8 hours outside, sites inside (SIMD).

    ``passes`` (10, passes, 8): 8 hours of one month each (:func:`hour_passes`), ``pass_month`` their month.
    Each site's plane and monthly sum are loaded once per 8 hours; the 80 hour terms are values for the
    whole site loop.
    """
    _prefer_wide_vectors()
    k = (-1.0 / a_r / 256.0, i1, i2, i3, ac_max)
    n = ct.shape[0]
    for p in range(passes.shape[1]):
        h0, h1, h2, h3 = _hour(passes, p, 0), _hour(passes, p, 1), _hour(passes, p, 2), _hour(passes, p, 3)
        h4, h5, h6, h7 = _hour(passes, p, 4), _hour(passes, p, 5), _hour(passes, p, 6), _hour(passes, p, 7)
        row = out_t[pass_month[p]]
        for s in range(n):
            cts, p1s, p2s = ct[s], p1[s], p2[s]
            row[s] += (((_site_hour(cts, p1s, p2s, h0, k) + _site_hour(cts, p1s, p2s, h1, k))
                        + (_site_hour(cts, p1s, p2s, h2, k) + _site_hour(cts, p1s, p2s, h3, k)))
                       + ((_site_hour(cts, p1s, p2s, h4, k) + _site_hour(cts, p1s, p2s, h5, k))
                          + (_site_hour(cts, p1s, p2s, h6, k) + _site_hour(cts, p1s, p2s, h7, k))))


#: Hours per pass of the numba kernel over its sites (:func:`hour_passes`).
PASS_HOURS = 8
#: The per-hour terms of :class:`HourTerms` in the kernel's order.
HOUR_TERMS = ("cz", "szc", "szs", "beam_gain", "sky_flat", "sky_tilt", "dni_iam", "dni_iam_gain", "dc0", "dc1")


@dataclass(frozen=True)
class PassLayout:
    """Where each daylight hour goes in the numba kernel's passes of :data:`PASS_HOURS` hours of one month."""

    slot: np.ndarray  # row of each hour in the (passes x PASS_HOURS) table
    pass_month: np.ndarray  # month of each pass, 0..11
    rows: int  # passes x PASS_HOURS: the hours and the zero hours that pad each month


def pass_layout(month: np.ndarray) -> PassLayout:
    """Passes of :data:`PASS_HOURS` hours of one month, each month padded with zero hours (computed once per year).

    Parameters
    ----------
    month : numpy.ndarray
        Local month of each daylight hour, 0..11 (not necessarily sorted: the year's last UTC hours are
        January's in China).

    Returns
    -------
    PassLayout
        Each hour's row in the table of passes (its month's hours in order), and each pass's month.
    """
    order = np.argsort(month, kind="stable")
    per_month = np.bincount(month, minlength=MONTHS)
    padded = -(-per_month // PASS_HOURS) * PASS_HOURS
    first = np.concatenate([[0], np.cumsum(per_month)[:-1]])
    padded_first = np.concatenate([[0], np.cumsum(padded)[:-1]])
    slot = np.empty(len(month), dtype=np.int64)
    slot[order] = padded_first[month[order]] + np.arange(len(order)) - first[month[order]]
    return PassLayout(slot, np.repeat(np.arange(MONTHS), padded // PASS_HOURS), int(padded.sum()))


def hour_passes(h: HourTerms, layout: PassLayout) -> np.ndarray:
    """The hour terms laid out for the numba kernel: passes of 8 hours of one month, months padded with zeros.

    Parameters
    ----------
    h : HourTerms
        The per-hour terms (:func:`hour_terms`), one per daylight hour.
    layout : PassLayout
        Where each hour goes (:func:`pass_layout`).

    Returns
    -------
    numpy.ndarray
        Shape (10, passes, 8), terms in :data:`HOUR_TERMS` order; an hour of zeros yields exactly 0, so the
        padding adds nothing.
    """
    table = np.zeros((len(HOUR_TERMS), layout.rows))
    for i, name in enumerate(HOUR_TERMS):
        table[i, layout.slot] = getattr(h, name)
    return table.reshape(len(HOUR_TERMS), -1, PASS_HOURS)


_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
#: What clang's ``-mprefer-vector-width=512`` sets: LLVM tunes AVX-512 CPUs (Skylake-SP to Emerald Rapids) to
#: prefer 256-bit vectors, and this kernel (arithmetic on data in L1/L2) runs ~1.9x faster with 512.
_WIDE_VECTORS = '"prefer-vector-width"="512"'


def _prefer_wide_vectors_py(typingctx):  # pragma: no cover - runs inside numba's compiler
    """Numba intrinsic: the calling function gets LLVM's ``prefer-vector-width`` of 512 bits.

    A hint for the vectoriser, not an instruction set: where the CPU has no 512-bit vectors (or is not x86)
    LLVM uses what it has. llvmlite's attribute set has no API for string attributes, so the attribute is
    added to the set directly; if that ever fails, the kernel compiles with LLVM's default width.
    """
    def codegen(context, builder, signature, args):
        try:
            set.add(builder.function.attributes, _WIDE_VECTORS)
        except Exception:  # a hint only: never fail a compilation over it
            pass
        return context.get_dummy_value()

    return numba.types.none(), codegen


_prefer_wide_vectors: Any = (numba.extending.intrinsic(_prefer_wide_vectors_py) if numba is not None else None)
_site_hour: Any = numba.njit(inline="always", fastmath=_FASTMATH)(_site_hour_py) if numba is not None else None
_hour: Any = numba.njit(inline="always")(_hour_py) if numba is not None else None
_numba_kernel = (
    numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FASTMATH)(_numba_kernel_py)
    if numba is not None else None
)
#: Sites per call of the numba kernel: its per-site arrays (3 inputs, 12 monthly sums) stay in L2 while it
#: runs over the hours.
NUMBA_BLOCK_SITES = 4096


def _run_numba(sky: Sky, tilt: np.ndarray, azimuth: np.ndarray, c: Constants) -> np.ndarray:
    assert _numba_kernel is not None
    passes = hour_passes(hour_terms(sky, c), sky.passes)
    ct, p1, p2 = site_terms(tilt, azimuth)
    inv = inverter_terms(c)
    out = np.empty((len(tilt), MONTHS))
    for s0 in range(0, len(tilt), NUMBA_BLOCK_SITES):
        sl = slice(s0, s0 + NUMBA_BLOCK_SITES)
        out_t = np.zeros((MONTHS, len(ct[sl])))
        _numba_kernel(passes, sky.passes.pass_month, ct[sl], p1[sl], p2[sl], c.a_r, *inv, out_t)
        out[sl] = out_t.T
    return out


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
                        max_bytes: int = NUMPY_BLOCK_BYTES) -> np.ndarray:
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
        Size of the numpy kernel's work arrays (a month's hours x a block of sites) [bytes]: cache-sized by
        default; memory stays at this plus the (sites, 12) result whatever the number of sites.

    Returns
    -------
    numpy.ndarray
        Shape (sites, 12): monthly AC energy [kWh/kWp].
    """
    if m.tracking:
        raise ValueError("mounting: the batch engine models fixed planes only (use solar.site for trackers)")
    tilt, azimuth = np.broadcast_arrays(np.asarray(tilt, dtype=float), np.asarray(azimuth, dtype=float))
    c = Constants.of(m)
    if resolve_engine(engine) == "numba":
        return _run_numba(sky, tilt, azimuth, c)
    return _numpy_kernel(sky, tilt, azimuth, c, max_bytes)


def scan(lat: np.ndarray, lon: np.ndarray, m: Mounting, weather_at: Callable[[float, float], Weather], *,
         tilt: np.ndarray | None = None, azimuth: np.ndarray | None = None, share: str = "site",
         engine: str = "auto", row_decimals: int = 6) -> np.ndarray:
    """Monthly AC energy per kWp of fixed-plane sites, the sun and weather shared per location or per grid row.

    ``share="site"``: one sky per distinct (lat, lon). ``share="row"``: one sky per distinct latitude (a
    grid row), at the row's mean longitude: the sun's position and weather are shared along the row.
    Consecutive skies (by latitude, then longitude) that ``weather_at`` gives the same :class:`Weather`
    object share its :class:`Daylight`, computed once; memory stays at :data:`SKY_CHUNK` skies and one
    weather year's daylight, plus the result.

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
    if share == "site":  # (lat, lon) as one complex number: numpy sorts them by lat, then lon
        keys = np.round(lat, row_decimals) + 1j * np.round(lon, row_decimals)
    elif share == "row":
        keys = np.round(lat, row_decimals)
    else:
        raise ValueError(f"share: unknown {share!r} (allowed: site, row)")
    _, group = np.unique(keys, return_inverse=True)
    group = group.ravel()
    out = np.zeros((len(lat), MONTHS))
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange((group.max() + 1 if len(group) else 0) + 1))
    pending: list[tuple[np.ndarray, float, float]] = []  # groups waiting for their skies, all of one weather
    day: tuple[Weather, Daylight] | None = None

    def flush() -> None:
        assert day is not None
        centres = np.array([(glat, glon) for _, glat, glon in pending])
        for (members, _, _), sky in zip(pending, skies(day[1], centres[:, 0], centres[:, 1]), strict=True):
            out[members] = monthly_kwh_per_kwp(sky, tilt[members], azimuth[members], m, engine=engine)
        pending.clear()

    for g in range(len(bounds) - 1):
        members = order[bounds[g]:bounds[g + 1]]
        glat, glon = float(lat[members].mean()), float(lon[members].mean())
        weather = weather_at(glat, glon)
        if day is None or day[0] is not weather:  # the weather year's part once, reused while it is the same
            if pending:
                flush()
            day = (weather, daylight(weather))
        pending.append((members, glat, glon))
        if len(pending) == SKY_CHUNK:
            flush()
    if pending:
        flush()
    return out
