"""Yield of one site: pvlib physics for a mounting preset on one weather year.

The chain: solar position (NREL SPA) → plane-of-array irradiance, either Hay-Davies on one plane
(``gcr=None``) or pvlib's ANTS-2D infinite-rows model (row shading, restricted sky view, rear side for
bifacial modules, light on the ground) → Martin-Ruiz angular loss on the beam → pvlib ``ModelChain`` for
SAPM cell temperature, PVWatts DC, PVWatts losses and the PVWatts inverter.

For agrivoltaic presets it also reports the crop light: photosynthetically active radiation (PAR) on the
ground between and under the rows as a share of the open field's, per month, using Spitters (1986) for the
diffuse share of PAR.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pvlib
from pvlib.bifacial import ants2d
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import Array, FixedMount, PVSystem, SingleAxisTrackerMount

from solar.errors import SolarInputError
from solar.mounting import Mounting
from solar.p50p90 import exceedance
from solar.results import CropLight, SiteYield
from solar.weather import Weather

#: PAR as a share of broadband global irradiance (a common approximation; it cancels in the ratios
#: reported, except through the direct/diffuse weighting).
PAR_SHARE = 0.5
GROUND_SEGMENTS = 10


def losses_parameters(losses_pct: float) -> dict[str, float]:
    """PVWatts loss parameters whose compound total is exactly ``losses_pct``.

    Parameters
    ----------
    losses_pct : float
        Total system losses [%].

    Returns
    -------
    dict
        Keyword arguments of :func:`pvlib.pvsystem.pvwatts_losses`, each [%].
    """
    names = ("shading", "snow", "mismatch", "wiring", "connections", "lid", "nameplate_rating", "age", "availability")
    return {"soiling": losses_pct, **dict.fromkeys(names, 0.0)}


def pv_system(m: Mounting, pdc0_w: float) -> PVSystem:
    """A pvlib PVSystem for the mounting.

    Parameters
    ----------
    m : Mounting
        The mounting (tilt, azimuth [degrees], temperature model, module, losses [%], DC/AC ratio [-]).
    pdc0_w : float
        DC capacity [W].

    Returns
    -------
    pvlib.pvsystem.PVSystem
        One array, fixed or single-axis tracking.
    """
    if m.tracking:
        mount: Any = SingleAxisTrackerMount(axis_azimuth=m.azimuth, max_angle=m.max_angle, backtrack=True,
                                            gcr=m.gcr if m.gcr is not None else 2 / 7)
    else:
        mount = FixedMount(surface_tilt=m.tilt, surface_azimuth=m.azimuth)
    array = Array(
        mount,
        albedo=m.albedo,
        module_parameters={"pdc0": pdc0_w, "gamma_pdc": m.gamma_pdc, "a_r": m.iam_a_r},
        temperature_model_parameters=pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][m.racking],
    )
    return PVSystem(
        arrays=[array],
        inverter_parameters={"pdc0": pdc0_w / m.dc_ac_ratio, "eta_inv_nom": m.inverter_efficiency},
        losses_parameters=losses_parameters(m.losses_pct),
    )


def model_chain(m: Mounting, weather: Weather, pdc0_w: float) -> ModelChain:
    """The pvlib ModelChain for the mounting: Hay-Davies, Martin-Ruiz IAM, SAPM, PVWatts DC/AC/losses.

    Parameters
    ----------
    m : Mounting
        The mounting.
    weather : Weather
        The weather year (its point sets the location: latitude, longitude [degrees], altitude [m]).
    pdc0_w : float
        DC capacity [W].

    Returns
    -------
    pvlib.modelchain.ModelChain
        Not yet run.
    """
    location = pvlib.location.Location(weather.latitude, weather.longitude, altitude=weather.altitude_m)
    return ModelChain(
        pv_system(m, pdc0_w), location, transposition_model="haydavies", aoi_model="martin_ruiz",
        spectral_model="no_loss", dc_model="pvwatts", ac_model="pvwatts", losses_model="pvwatts",
        temperature_model="sapm",
    )


#: The largest capacity a yield is computed for [MWp], the store's cap on edited capacities (the largest
#: plants are ~22,500 MW): a larger value is a typo or a unit slip (and near 1e300 MW pvlib's watts overflow
#: to inf, so the yield would silently be 0).
MAX_CAPACITY_MW = 100_000.0
#: The largest single site the CLI's ``yield --capacity-mw`` takes [MWp], as POST /analysis/yield does.
MAX_SITE_MW = 10_000.0


def check_capacity(capacity_mw: float, most_mw: float = MAX_CAPACITY_MW) -> None:
    """Refuse a capacity that is not a finite number in (0, ``most_mw``] MWp.

    Parameters
    ----------
    capacity_mw : float
        DC capacity [MWp].
    most_mw : float
        Largest accepted [MWp].

    Raises
    ------
    SolarInputError
        Not a finite number, not positive, or above ``most_mw``.
    """
    if not np.isfinite(capacity_mw) or not 0 < capacity_mw <= most_mw:
        raise SolarInputError("capacity_mw", f"{capacity_mw} is not a positive capacity in MWp (allowed: finite, > 0 "
                              f"and <= {most_mw:,.0f})")


def site_yield(weather: Weather, capacity_mw: float, m: Mounting) -> SiteYield:
    """Annual and monthly yield of ``capacity_mw`` MWp (DC) mounted as ``m`` at the weather's point.

    Parameters
    ----------
    weather : Weather
        Hourly GHI, DNI, DHI [W/m^2], ``temp_air`` [°C], ``wind_speed`` [m/s] at a point.
    capacity_mw : float
        DC capacity [MWp].
    m : Mounting
        The mounting; rows (``gcr`` set) are modelled with pvlib's ANTS-2D.

    Returns
    -------
    SiteYield
        :func:`summarise`: ``annual_energy_mwh`` [MWh], ``specific_yield_kwh_per_kwp`` [kWh/kWp],
        ``capacity_factor`` [-], ``performance_ratio`` [-], ``poa_kwh_per_m2`` [kWh/m^2],
        ``monthly_energy_mwh`` [MWh], P50/P90, crop light and the assumptions (JSON: :func:`solar.results.as_json`).
    """
    check_capacity(capacity_mw)
    pdc0_w = capacity_mw * 1e6
    mc = model_chain(m, weather, pdc0_w)
    data = weather.data
    crop: CropLight | None = None
    if m.gcr is None:
        mc.run_model(data)
        poa_front = mc.results.total_irrad["poa_global"].to_numpy()
    else:
        rows, ground = rows_irradiance(weather, m)
        poa_front = rows["poa_front"]
        mc.run_model_from_effective_irradiance(
            pd.DataFrame({"effective_irradiance": rows["effective"], "poa_global": poa_front,
                          "temp_air": data["temp_air"], "wind_speed": data["wind_speed"]}, index=data.index)
        )
        if m.name.startswith("agrivoltaic"):
            crop = crop_light(weather, ground)
    ac_w = np.nan_to_num(mc.results.ac.to_numpy(), nan=0.0)
    return summarise(weather, capacity_mw, m, ac_w, poa_front, crop)


def rows_irradiance(weather: Weather, m: Mounting) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """ANTS-2D front/rear irradiance with row shading, effective irradiance and ground irradiance.

    Parameters
    ----------
    weather : Weather
        Hourly GHI, DNI, DHI [W/m^2] at a point.
    m : Mounting
        A mounting with rows (``gcr`` [-], ``height`` [m], ``collector_width`` [m], ``albedo`` [-],
        ``bifaciality`` [-]).

    Returns
    -------
    front : dict
        ``poa_front`` and ``effective`` (front with angular loss, plus the rear times bifaciality), hourly
        [W/m^2].
    ground : dict
        pvlib's ground components per segment of the row pitch [W/m^2], and ``solar_zenith`` [degrees], the
        sun's position it was computed for.
    """
    data = weather.data
    assert m.gcr is not None
    solpos = pvlib.solarposition.get_solarposition(data.index, weather.latitude, weather.longitude,
                                                   altitude=weather.altitude_m)
    zenith, azimuth = solpos["apparent_zenith"].to_numpy(), solpos["azimuth"].to_numpy()
    if m.tracking:
        track = pvlib.tracking.singleaxis(zenith, azimuth, axis_azimuth=m.azimuth, max_angle=m.max_angle,
                                          backtrack=True, gcr=m.gcr)
        rotation = np.nan_to_num(np.asarray(track["tracker_theta"], dtype=float), nan=0.0)
        axis_azimuth = m.azimuth
        orientation = pvlib.tracking.calc_surface_orientation(rotation, 0.0, axis_azimuth)
        surface_tilt, surface_azimuth = orientation["surface_tilt"], orientation["surface_azimuth"]
    else:
        rotation = np.full(len(data), m.tilt)
        axis_azimuth = (m.azimuth - 90.0) % 360
        surface_tilt, surface_azimuth = m.tilt, m.azimuth
    out, ground = ants2d.get_irradiance(
        rotation, axis_azimuth, zenith, azimuth, m.gcr, m.height, m.collector_width / m.gcr,
        data["ghi"].to_numpy(), data["dhi"].to_numpy(), data["dni"].to_numpy(), m.albedo, model="haydavies",
        dni_extra=pvlib.irradiance.get_extra_radiation(data.index).to_numpy(),
        ground_segments=GROUND_SEGMENTS, return_ground_components=True,
    )
    aoi = pvlib.irradiance.aoi(surface_tilt, surface_azimuth, zenith, azimuth)
    iam = pvlib.iam.martin_ruiz(aoi, a_r=m.iam_a_r)
    effective = out["poa_front_direct"] * iam + out["poa_front_diffuse"] + m.bifaciality * out["poa_back"]
    front = {"poa_front": np.asarray(out["poa_front"]), "effective": np.asarray(effective)}
    on_ground = {k: np.asarray(v) for k, v in ground.items()}
    on_ground["solar_zenith"] = solpos["zenith"].to_numpy()  # crop light reuses the sun's position
    return front, on_ground


def crop_light(weather: Weather, ground: dict[str, np.ndarray]) -> CropLight:
    """PAR on the ground (mean over the pitch, and by segment) as a share of the open field's PAR.

    Parameters
    ----------
    weather : Weather
        Hourly GHI and DHI [W/m^2].
    ground : dict
        :func:`rows_irradiance`'s ground components [W/m^2] and ``solar_zenith`` [degrees].

    Returns
    -------
    CropLight
        ``fraction`` [-], ``monthly`` (12 shares [-]), ``by_segment`` (shares [-]) and ``method``.
    """
    data = weather.data
    ghi, dhi = data["ghi"].to_numpy(), data["dhi"].to_numpy()
    beam_h = np.maximum(ghi - dhi, 0.0)
    zenith = pd.Series(ground["solar_zenith"], index=data.index)
    day = pd.Series(weather.local_index.date, index=data.index)  # local days, whatever the file's zone
    up = zenith < 90
    daily_zenith = zenith.where(up).groupby(day).transform("mean").fillna(90).to_numpy()
    daily_kd = (data["dhi"].groupby(day).transform("sum") / data["ghi"].groupby(day).transform("sum")).fillna(1.0)
    par_diffuse_share = np.asarray(pvlib.irradiance.diffuse_par_spitters(daily_zenith, daily_kd.clip(0, 1)))
    par_open = PAR_SHARE * ghi
    par_diffuse, par_direct = par_open * par_diffuse_share, par_open * (1 - par_diffuse_share)
    with np.errstate(divide="ignore", invalid="ignore"):
        direct_share = np.where(beam_h > 0, ground["ground_direct"] / beam_h, 0.0)
        diffuse_share = np.where(dhi > 0, ground["ground_diffuse"] / dhi, 0.0)
    par_ground = par_direct * np.clip(direct_share, 0, None) + par_diffuse * np.clip(diffuse_share, 0, None)
    months = weather.local_months
    open_month = np.bincount(months - 1, weights=par_open, minlength=12)
    ground_month = np.bincount(months - 1, weights=par_ground.mean(axis=0), minlength=12)
    by_segment = par_ground.sum(axis=1) / par_open.sum()
    return CropLight(
        fraction=float(par_ground.mean(axis=0).sum() / par_open.sum()),
        monthly=tuple(float(v) for v in ground_month / open_month),
        by_segment=tuple(float(v) for v in by_segment),
        method=(
            f"pvlib ANTS-2D ground irradiance on {GROUND_SEGMENTS} equal segments of the row pitch (segment 0 "
            "starts under the row's centre line); PAR = 0.5 x GHI, diffuse share of PAR from Spitters (1986) "
            "with daily mean zenith and daily diffuse fraction; share of open-field PAR"
        ),
    )


def summarise(weather: Weather, capacity_mw: float, m: Mounting, ac_w: np.ndarray, poa_front: np.ndarray,
              crop: CropLight | None) -> SiteYield:
    """The per-site result with its figures and assumptions (hourly data are 1 h steps: W summed = Wh).

    Parameters
    ----------
    weather : Weather
        The weather year the yield was computed on.
    capacity_mw : float
        DC capacity [MWp].
    m : Mounting
        The mounting.
    ac_w : numpy.ndarray
        Hourly AC power [W].
    poa_front : numpy.ndarray
        Hourly front plane-of-array irradiance [W/m^2].
    crop : CropLight or None
        :func:`crop_light` (None when not agrivoltaic).

    Returns
    -------
    SiteYield
        ``annual_energy_mwh`` [MWh], ``specific_yield_kwh_per_kwp`` [kWh/kWp], ``capacity_factor`` [-] (AC
        energy over DC capacity x hours), ``performance_ratio`` [-], ``poa_kwh_per_m2`` and
        ``ghi_kwh_per_m2`` [kWh/m^2], ``monthly_energy_mwh`` [MWh], ``energy_p50_mwh``,
        ``energy_p90_1y_mwh``, ``energy_p90_10y_mwh`` [MWh] and per kWp, ``interannual_std_pct`` [%],
        ``weather_source``, ``is_estimate``, ``weather_clipped_hours``, ``assumptions``.
    """
    hours = len(ac_w)
    energy_mwh = float(ac_w.sum()) / 1e6
    poa_kwh = float(np.nansum(poa_front)) / 1000
    specific = energy_mwh * 1000 / (capacity_mw * 1000)
    monthly = np.bincount(weather.local_months - 1, weights=ac_w, minlength=12) / 1e6
    variability = weather.variability
    p = exceedance(energy_mwh, specific, variability.ghi_annual_std_pct if variability else None,
                   variability.source if variability else "the interannual variability at this point is unknown "
                   "(outside the station network)")
    return SiteYield(
        latitude=weather.latitude,
        longitude=weather.longitude,
        capacity_mw=capacity_mw,
        mounting=m.name,
        annual_energy_mwh=energy_mwh,
        specific_yield_kwh_per_kwp=specific,
        capacity_factor=energy_mwh / (capacity_mw * hours),
        performance_ratio=specific / poa_kwh if poa_kwh > 0 else 0.0,
        poa_kwh_per_m2=poa_kwh,
        ghi_kwh_per_m2=float(weather.data["ghi"].sum()) / 1000,
        monthly_energy_mwh=tuple(float(v) for v in monthly),
        weather_source=weather.source,
        is_estimate=weather.is_estimate,
        weather_clipped_hours=len(weather.clipped),
        assumptions={
            "capacity": "capacity is DC (MWp); capacity factor is AC energy over DC capacity x hours",
            "performance_ratio": "AC energy / (front plane-of-array irradiation x DC capacity at 1 kW/m2)",
            "weather": list(weather.assumptions),
            "mounting": m.assumptions(),
            "accuracy": "PVWatts-type models: about +-10 % annual, +-30 % monthly, on real weather",
            "weather_clipped": list(weather.clipped),
            "p50_p90": p.p50_p90,
        },
        energy_p50_mwh=p.energy_p50_mwh,
        energy_p90_1y_mwh=p.energy_p90_1y_mwh,
        energy_p90_10y_mwh=p.energy_p90_10y_mwh,
        specific_yield_p90_1y_kwh_per_kwp=p.specific_yield_p90_1y_kwh_per_kwp,
        specific_yield_p90_10y_kwh_per_kwp=p.specific_yield_p90_10y_kwh_per_kwp,
        interannual_std_pct=p.interannual_std_pct,
        crop_light=crop,
    )
