"""P50 and P90 of an annual yield from the year-to-year variability of its resource (PV and wind share it).

- **P50** is the yield of the typical year (PV: its months reproduce the stations' long-term mean totals;
  wind: the long-term mean wind). Annual totals are taken as normally distributed, so mean and median
  coincide.
- **P90 (one year)**: the yield exceeded in 9 years of 10, ``P50 x (1 - 1.2816 s)``, with ``s`` the
  interannual standard deviation of the annual yield [% of P50]. For PV, ``s`` is that of the annual GHI
  total at the stations (CDSRD, 1970-2017, years with at least 360 days; a yield moves about in proportion
  to GHI); for wind, it comes from :mod:`wind.site` (a stated assumption, or the file's own years).
- **P90 (ten-year mean)**: ``P50 x (1 - 1.2816 s / sqrt(10))``: years taken as independent.
- **Sums**: energies whose years move together (one weather for a technology in a district) add their
  standard deviations; energies of resources taken as independent (PV and wind) add their variances
  (:func:`combined`).

Left out for PV, as PVGIS and PVWatts document theirs: the model's own uncertainty (PVWatts-type models:
about +-10 % annual), soiling, degradation and availability beyond the stated losses, and the uncertainty of
the offline year's level itself (leave-one-out SD 5.6 % against CSWD typical years,
:data:`solar.stations.LEVEL_NEIGHBOURS`). The 1970-2017 series includes China's dimming and brightening, so
``s`` holds decadal swings as well as year-to-year noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from solar.results import CombinedEnergy, Exceedance

#: The standard normal quantile of 0.9 (scipy.stats.norm.ppf(0.9)).
Z_P90 = 1.2815515655446004
#: Years a "ten-year mean" P90 averages over.
YEARS = 10
METHOD = (
    "P50 = the typical year's yield; P90 (1 year) = P50 x (1 - 1.2816 s); P90 (10-year mean) = P50 x "
    "(1 - 1.2816 s / sqrt(10)), s = interannual SD of the annual yield, normal distribution, independent years"
)
LEAVES_OUT = (
    "leaves out model uncertainty (about +-10 % annual for PVWatts-type models), soiling, degradation and "
    "availability beyond the stated losses, and the uncertainty of the offline year's level (SD 5.6 % against "
    "CSWD typical years)"
)


def p90_factors(std_pct: float) -> tuple[float, float]:
    """P90/P50 for one year and for a ten-year mean, from the interannual SD.

    Parameters
    ----------
    std_pct : float
        Interannual SD of the annual yield [% of P50].

    Returns
    -------
    tuple of float
        P90/P50 for one year [-] and for a ten-year mean [-].
    """
    s = std_pct / 100
    return 1 - Z_P90 * s, 1 - Z_P90 * s / math.sqrt(YEARS)


def exceedance(energy_mwh: float, specific_kwh_per_kwp: float, std_pct: float | None,
               source: str, leaves_out: str = LEAVES_OUT) -> Exceedance:
    """P50/P90 of one annual yield (P90s ``None``, with the reason, when the variability is unknown).

    Parameters
    ----------
    energy_mwh : float
        The typical year's annual energy, the P50 [MWh].
    specific_kwh_per_kwp : float
        The same per kW of capacity [kWh/kWp] (wind: full-load hours [kWh/kW]).
    std_pct : float or None
        Interannual SD of the annual yield [% of P50]; None when unknown.
    source : str
        Where ``std_pct`` comes from (or why it is unknown), for the stated method.
    leaves_out : str
        What the P90 leaves out, for the stated method.

    Returns
    -------
    Exceedance
        ``energy_p50_mwh``, ``energy_p90_1y_mwh``, ``energy_p90_10y_mwh`` [MWh], the P90s per kW [kWh/kWp],
        ``interannual_std_pct`` [%] and ``p50_p90``, the method in words.
    """
    if std_pct is None:
        return Exceedance(energy_p50_mwh=energy_mwh, energy_p90_1y_mwh=None, energy_p90_10y_mwh=None,
                          specific_yield_p90_1y_kwh_per_kwp=None, specific_yield_p90_10y_kwh_per_kwp=None,
                          interannual_std_pct=None, p50_p90=f"P50 = this year's yield; no P90: {source}")
    one, ten = p90_factors(std_pct)
    return Exceedance(
        energy_p50_mwh=energy_mwh,
        energy_p90_1y_mwh=energy_mwh * one,
        energy_p90_10y_mwh=energy_mwh * ten,
        specific_yield_p90_1y_kwh_per_kwp=specific_kwh_per_kwp * one,
        specific_yield_p90_10y_kwh_per_kwp=specific_kwh_per_kwp * ten,
        interannual_std_pct=std_pct,
        p50_p90=f"{METHOD}; {source}; {leaves_out}",
    )


def combined(parts: Iterable[tuple[float, float | None]]) -> CombinedEnergy:
    """P50 and P90s of a sum of independent parts (each its own correlated sum).

    The parts' SDs add in quadrature (independent resources); a part with an unknown SD (``None``) makes the
    P90s unknown.

    Parameters
    ----------
    parts : iterable of (float, float or None)
        Each part's P50 [MWh] and interannual SD [MWh] (None when unknown).

    Returns
    -------
    CombinedEnergy
        ``energy_p50_mwh``, ``energy_p90_1y_mwh``, ``energy_p90_10y_mwh`` and ``std_mwh`` [MWh] of the sum.
    """
    items = list(parts)
    p50 = sum(e for e, _ in items)
    if any(sd is None for _, sd in items):
        return CombinedEnergy(energy_p50_mwh=p50, energy_p90_1y_mwh=None, energy_p90_10y_mwh=None, std_mwh=None)
    sd = math.sqrt(sum((s or 0.0) ** 2 for _, s in items))
    return CombinedEnergy(energy_p50_mwh=p50, energy_p90_1y_mwh=p50 - Z_P90 * sd,
                          energy_p90_10y_mwh=p50 - Z_P90 * sd / math.sqrt(YEARS), std_mwh=sd)
