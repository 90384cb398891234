"""Wind yield of one site: windpowerlib's physics on the site's wind, then the stated farm losses.

The chain (windpowerlib ``ModelChain``; it never holds the physics itself): wind at the measurement height
→ hub height by the Hellman shear law (``wind_speed.hellman``); temperature at hub height by the linear
gradient (``temperature.linear_gradient``); air density at hub height by the barometric equation
(``density.barometric``) from the pressure at the site's altitude; power from the turbine's curve
corrected for density (``power_output.power_curve_density_correction``: IEC 61400-12-1's speed scaling).

- A **Weibull resource** (a long-term mean and shape, per month): the energy is the integral of the power
  curve over the distribution, taken as the mean power over :data:`QUANTILES` equal-probability speeds per
  month (the midpoint rule in probability; exact to well under 0.1 %), run through the same ModelChain.
- An **hourly file**: every hour through the ModelChain; several complete years give their own spread.

Farm losses after the gross energy (:data:`LOSSES`, stated, overridable): wake, availability, electrical,
icing and other environmental. Published full-load hours are net of all of these (and of curtailment, here
taken as 0: Hunan's grid takes its wind).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from windpowerlib import ModelChain

from solar.p50p90 import exceedance
from solar.stations import MONTH_DAYS
from wind.errors import WindInputError
from wind.resource import SPEED_INTERANNUAL_STD_PCT, WindResource, local_months, year_labels
from wind.results import WindSiteYield
from wind.turbines import Turbine

QUANTILES = 400
#: Farm losses [% of the gross energy], compounded: stated assumptions for a hill-top farm of a few rows.
LOSSES = {
    "wake": 5.0,  # single and double rows along ridges (arrays on plains: 7-10 %)
    "availability": 3.0,  # turbine and balance-of-plant downtime (97 % availability)
    "electrical": 2.0,  # collector lines and step-up transformer to the metering point
    "icing_environmental": 2.0,  # rime ice on Hunan's ridges in cold waves, high-wind hysteresis, degradation
}
#: The largest farm a wind yield is computed for [MW] (the store's cap on capacities, as for PV).
MAX_CAPACITY_MW = 100_000.0
#: Sea-level standard pressure [Pa] and the standard atmosphere's constants, for pressure at an altitude.
P0_PA, T0_K, LAPSE_K_PER_M, G_M_OVER_R = 101_325.0, 288.15, 0.0065, 0.0341632


def pressure_at(altitude_m: float) -> float:
    """Standard-atmosphere pressure at an altitude (ICAO: 101,325 Pa, 288.15 K, -6.5 K/km).

    Parameters
    ----------
    altitude_m : float
        Altitude above sea level [m].

    Returns
    -------
    float
        Pressure [Pa].
    """
    return P0_PA * (1 - LAPSE_K_PER_M * altitude_m / T0_K) ** (G_M_OVER_R / LAPSE_K_PER_M)


def check_capacity(capacity_mw: float) -> None:
    """Refuse a capacity that is not a finite number in (0, :data:`MAX_CAPACITY_MW`] MW.

    Parameters
    ----------
    capacity_mw : float
        The farm's rated power [MW].

    Raises
    ------
    wind.errors.WindInputError
        When it is not finite, not positive or too large.
    """
    if not np.isfinite(capacity_mw) or not 0 < capacity_mw <= MAX_CAPACITY_MW:
        raise WindInputError("capacity_mw", f"{capacity_mw} is not a positive capacity in MW (allowed: finite, > 0 "
                             f"and <= {MAX_CAPACITY_MW:,.0f})")


def check_losses(losses: dict[str, float]) -> dict[str, float]:
    """The loss table with overrides checked: known names, each 0..50 %.

    Parameters
    ----------
    losses : dict of str to float
        Overrides of :data:`LOSSES` by name [% of the gross energy].

    Returns
    -------
    dict of str to float
        :data:`LOSSES` with the overrides [%], in :data:`LOSSES`' order.

    Raises
    ------
    wind.errors.WindInputError
        For an unknown name (the message lists them) or a value outside 0..50 %.
    """
    out = dict(LOSSES)
    for name, value in losses.items():
        if name not in LOSSES:
            raise WindInputError("losses", f"unknown loss {name!r} (allowed: {', '.join(LOSSES)})")
        if not np.isfinite(value) or not 0 <= value <= 50:
            raise WindInputError(f"losses.{name}", f"{value:g} % is outside 0..50 %")
        out[name] = float(value)
    return out


def weibull_speeds(mean_m_s: float, k: float, n: int = QUANTILES) -> np.ndarray:
    """``n`` equal-probability speeds of a Weibull distribution with this mean and shape (midpoints).

    Parameters
    ----------
    mean_m_s : float
        The distribution's mean [m/s].
    k : float
        Weibull shape [-].
    n : int
        Number of speeds.

    Returns
    -------
    numpy.ndarray
        ``n`` speeds [m/s], rising, at probabilities (i + 0.5) / n.
    """
    scale = mean_m_s / math.gamma(1 + 1 / k)
    u = (np.arange(n) + 0.5) / n
    return np.asarray(scale * (-np.log1p(-u)) ** (1 / k))


def weather_frame(speed: np.ndarray, height_m: float, temp_c: np.ndarray, pressure_pa: np.ndarray) -> pd.DataFrame:
    """The weather frame windpowerlib takes: speed at ``height_m``, temperature at 2 m, ground pressure.

    Parameters
    ----------
    speed : numpy.ndarray
        Wind speeds [m/s] at ``height_m``.
    height_m : float
        Height of the speeds above ground [m].
    temp_c : numpy.ndarray
        Air temperature at 2 m [°C], one per speed.
    pressure_pa : numpy.ndarray
        Pressure at the ground [Pa], one per speed.

    Returns
    -------
    pandas.DataFrame
        windpowerlib's two-level columns: ``wind_speed`` [m/s], ``temperature`` [K], ``pressure`` [Pa],
        ``roughness_length`` [m] (0.1, unused by the Hellman law).
    """
    columns = pd.MultiIndex.from_tuples([("wind_speed", height_m), ("temperature", 2.0), ("pressure", 0.0),
                                         ("roughness_length", 0.0)])
    values = np.column_stack([speed, np.asarray(temp_c) + 273.15, pressure_pa, np.full(len(speed), 0.1)])
    return pd.DataFrame(values, columns=columns)


def turbine_power_w(turbine: Turbine, frame: pd.DataFrame, hellman_exponent: float) -> np.ndarray:
    """One turbine's electrical power for each row of a windpowerlib weather frame (ModelChain).

    Parameters
    ----------
    turbine : Turbine
        The turbine (curve [m/s], [kW]; hub height [m]).
    frame : pandas.DataFrame
        :func:`weather_frame`'s frame.
    hellman_exponent : float
        The shear exponent [-] from the frame's height to the hub.

    Returns
    -------
    numpy.ndarray
        Power [W] per row (0 where windpowerlib gives NaN).
    """
    mc = ModelChain(turbine.to_windpowerlib(), wind_speed_model="hellman", temperature_model="linear_gradient",
                    density_model="barometric", power_output_model="power_curve", density_correction=True,
                    hellman_exp=hellman_exponent).run_model(frame)
    return np.nan_to_num(np.asarray(mc.power_output, dtype=float), nan=0.0)


def gross_monthly_mwh(resource: WindResource, turbine: Turbine, capacity_mw: float,
                      speed_factor: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Gross energy per month of a typical year, and per year for a multi-year file.

    Parameters
    ----------
    resource : WindResource
        The site's wind (a Weibull resource by month, or an hourly file).
    turbine : Turbine
        The turbine.
    capacity_mw : float
        The farm's rated power [MW]; turbines = capacity / the turbine's rating.
    speed_factor : float
        Scales every speed [-] (the sensitivity of the energy to the mean wind).

    Returns
    -------
    tuple of numpy.ndarray
        Gross energy per month of the typical year [MWh] (12), and per year of a multi-year file [MWh] (empty
        otherwise).
    """
    turbines = capacity_mw * 1000 / turbine.rated_kw
    pressure = pressure_at(resource.altitude_m)
    if resource.frame is None:
        assert resource.monthly_mean_m_s is not None and resource.weibull_k is not None
        speeds = np.concatenate([weibull_speeds(m * speed_factor, resource.weibull_k)
                                 for m in resource.monthly_mean_m_s])
        temps = np.repeat(np.array(resource.temp_c_monthly), QUANTILES)
        power = turbine_power_w(turbine, weather_frame(speeds, resource.height_m, temps,
                                                       np.full(len(speeds), pressure)), resource.hellman_exponent)
        mean_w = power.reshape(12, QUANTILES).mean(axis=1)
        return mean_w * MONTH_DAYS * 24 * turbines / 1e6, np.array([])
    frame = resource.frame
    months = local_months(frame, resource.longitude)
    temp = frame["temp_air"].to_numpy() if "temp_air" in frame else np.array(resource.temp_c_monthly)[months - 1]
    pres = frame["pressure"].to_numpy() if "pressure" in frame else np.full(len(frame), pressure)
    power = turbine_power_w(turbine, weather_frame(frame["wind_speed"].to_numpy() * speed_factor,
                                                   resource.height_m, temp, pres), resource.hellman_exponent)
    mwh = power * turbines / 1e6  # hourly W summed = Wh
    years = year_labels(frame)
    n_years = len(np.unique(years))
    monthly = np.bincount(months - 1, weights=mwh, minlength=12) / n_years
    annual = np.array([mwh[years == y].sum() for y in np.unique(years)]) if n_years > 1 else np.array([])
    return monthly, annual


def hub_mean_m_s(resource: WindResource, turbine: Turbine) -> float:
    """The long-term mean speed at the turbine's hub (shear law from the resource's height).

    Parameters
    ----------
    resource : WindResource
        The site's wind (mean at ``height_m`` [m], Hellman exponent [-]).
    turbine : Turbine
        The turbine (hub height [m]).

    Returns
    -------
    float
        Mean wind speed at hub height [m/s].
    """
    return resource.annual_mean_m_s * (turbine.hub_height_m / resource.height_m) ** resource.hellman_exponent


def site_yield(resource: WindResource, turbine: Turbine, capacity_mw: float,
               losses: dict[str, float] | None = None) -> WindSiteYield:
    """Annual and monthly energy of a ``capacity_mw`` MW farm of ``turbine`` on ``resource``, net of farm losses.

    Parameters
    ----------
    resource : WindResource
        The site's wind: the stated default (Weibull by month) or an hourly file.
    turbine : Turbine
        The turbine (curve [m/s], [kW]; hub height [m]).
    capacity_mw : float
        The farm's rated power [MW].
    losses : dict of str to float or None
        Overrides of :data:`LOSSES` [% of the gross energy].

    Returns
    -------
    WindSiteYield
        ``annual_energy_mwh`` and ``gross_energy_mwh`` [MWh], ``full_load_hours`` [h], ``capacity_factor`` [-],
        ``monthly_energy_mwh`` [MWh], ``mean_wind_hub_m_s`` [m/s], ``losses_pct`` [%], P50/P90 ([MWh],
        ``interannual_std_pct`` [%]) and the assumptions (JSON: :func:`solar.results.as_json`).

    Raises
    ------
    wind.errors.WindInputError
        For a capacity or a loss out of range.
    """
    check_capacity(capacity_mw)
    table = check_losses(losses or {})
    factor = math.prod(1 - v / 100 for v in table.values())
    gross_monthly, annual_years = gross_monthly_mwh(resource, turbine, capacity_mw)
    gross = float(gross_monthly.sum())
    monthly = gross_monthly * factor
    energy = gross * factor
    hours = 8760.0
    flh = energy / capacity_mw
    # the energy's sensitivity to the mean wind, and its interannual spread
    up = float(gross_monthly_mwh(resource, turbine, capacity_mw, 1.05)[0].sum())
    down = float(gross_monthly_mwh(resource, turbine, capacity_mw, 0.95)[0].sum())
    sensitivity = (up - down) / (0.10 * gross) if gross > 0 else float("nan")
    if annual_years.size > 1:
        std_pct = float(np.std(annual_years, ddof=1) / np.mean(annual_years) * 100)
        spread = (f"interannual SD of the annual energy {std_pct:.1f} % over the file's {annual_years.size} years "
                  "(few years: a rough estimate)")
    else:
        std_pct = SPEED_INTERANNUAL_STD_PCT * sensitivity
        spread = (f"interannual SD of the annual energy {std_pct:.1f} % = {SPEED_INTERANNUAL_STD_PCT:g} % SD of the "
                  f"annual mean wind speed (an assumption: no multi-year data given; 4-6 % is typical, Brower 2012) x "
                  f"the energy's sensitivity to the mean wind here ({sensitivity:.2f} % per %)")
    p = exceedance(energy, flh, std_pct, spread,
                   leaves_out="leaves out the uncertainty of the mean wind itself (the dominant one when it is "
                   "assumed), of the power curve and of the losses")
    return WindSiteYield(
        latitude=resource.latitude,
        longitude=resource.longitude,
        capacity_mw=capacity_mw,
        turbine=turbine.name,
        hub_height_m=turbine.hub_height_m,
        turbines=capacity_mw * 1000 / turbine.rated_kw,
        mean_wind_hub_m_s=hub_mean_m_s(resource, turbine),
        annual_energy_mwh=energy,
        gross_energy_mwh=gross,
        full_load_hours=flh,
        specific_yield_kwh_per_kwp=flh,  # kWh per kW: the same figure, for tables shared with PV
        capacity_factor=energy / (capacity_mw * hours),
        gross_capacity_factor=gross / (capacity_mw * hours),
        monthly_energy_mwh=tuple(float(v) for v in monthly),
        losses_pct=table,
        total_loss_pct=(1 - factor) * 100,
        energy_sensitivity_to_speed=sensitivity,
        weather_source=resource.source,
        is_estimate=resource.is_estimate,
        assumptions={
            "wind": list(resource.assumptions),
            "turbine": turbine.describe(),
            "physics": ("windpowerlib ModelChain: Hellman shear (exponent "
                        f"{resource.hellman_exponent:.3g}) from {resource.height_m:g} m to the "
                        f"{turbine.hub_height_m:g} m hub, linear temperature gradient, barometric air density at "
                        f"{resource.altitude_m:,.0f} m altitude, density-corrected power curve"),
            "losses": "farm losses compounded on the gross energy: " + ", ".join(
                f"{k} {v:g} %" for k, v in table.items()) + f" (total {(1 - factor) * 100:.1f} %); curtailment 0",
            "capacity": "capacity is the farm's rated power (MW); turbines = capacity / the turbine's rating "
                        "(fractional: a planning figure, not a layout)",
            "accuracy": ("with an assumed mean wind the energy is an order-of-magnitude planning figure: +-0.5 m/s "
                         f"moves it by about +-{sensitivity * 0.5 / max(resource.annual_mean_m_s, 0.1) * 100:.0f} %; "
                         "a year of mast or lidar data at hub height is what a bankable figure needs"),
            "p50_p90": p.p50_p90,
        },
        energy_p50_mwh=p.energy_p50_mwh,
        energy_p90_1y_mwh=p.energy_p90_1y_mwh,
        energy_p90_10y_mwh=p.energy_p90_10y_mwh,
        specific_yield_p90_1y_kwh_per_kwp=p.specific_yield_p90_1y_kwh_per_kwp,
        specific_yield_p90_10y_kwh_per_kwp=p.specific_yield_p90_10y_kwh_per_kwp,
        interannual_std_pct=p.interannual_std_pct,
    )
