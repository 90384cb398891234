"""P50 and P90 of an annual yield from the year-to-year variability of the weather at the site.

- **P50** is the yield of the typical year: its months reproduce the stations' long-term mean totals, and the
  annual totals of Chinese stations are close to normally distributed, so mean and median coincide.
- **P90 (one year)**: the yield exceeded in 9 years of 10, ``P50 x (1 - 1.2816 s)``, with ``s`` the
  interannual standard deviation of the annual GHI total at the stations (CDSRD, 1970-2017, years with at
  least 360 days), taken as the relative spread of the yield (a yield moves about in proportion to GHI).
- **P90 (ten-year mean)**: ``P50 x (1 - 1.2816 s / sqrt(10))``: years taken as independent.

Left out, as PVGIS and PVWatts document theirs: the model's own uncertainty (PVWatts-type models: about
+-10 % annual), soiling, degradation and availability beyond the stated losses, and the uncertainty of the
offline year's level itself (leave-one-out SD 5.6 % against CSWD typical years, :data:`solar.stations.
LEVEL_NEIGHBOURS`). The 1970-2017 series includes China's dimming and brightening, so ``s`` holds decadal
swings as well as year-to-year noise.
"""

from __future__ import annotations

import math
from typing import Any

#: The standard normal quantile of 0.9 (scipy.stats.norm.ppf(0.9)).
Z_P90 = 1.2815515655446004
METHOD = (
    "P50 = the typical year's yield; P90 (1 year) = P50 x (1 - 1.2816 s); P90 (10-year mean) = P50 x "
    "(1 - 1.2816 s / sqrt(10)), s = interannual SD of annual GHI, normal distribution, independent years"
)
LEAVES_OUT = (
    "leaves out model uncertainty (about +-10 % annual for PVWatts-type models), soiling, degradation and "
    "availability beyond the stated losses, and the uncertainty of the offline year's level (SD 5.6 % against "
    "CSWD typical years)"
)


def p90_factors(std_pct: float) -> tuple[float, float]:
    """P90/P50 for one year and for a ten-year mean, from the interannual SD [% of the mean]."""
    s = std_pct / 100
    return 1 - Z_P90 * s, 1 - Z_P90 * s / math.sqrt(10)


def exceedance(energy_mwh: float, specific_kwh_per_kwp: float, std_pct: float | None,
               source: str) -> dict[str, Any]:
    """P50/P90 fields of a result (``None`` with the reason when the variability is unknown)."""
    if std_pct is None:
        return {"energy_p50_mwh": energy_mwh, "energy_p90_1y_mwh": None, "energy_p90_10y_mwh": None,
                "specific_yield_p90_1y_kwh_per_kwp": None, "specific_yield_p90_10y_kwh_per_kwp": None,
                "interannual_std_pct": None,
                "p50_p90": f"P50 = this year's yield; no P90: {source}"}
    one, ten = p90_factors(std_pct)
    return {
        "energy_p50_mwh": energy_mwh,
        "energy_p90_1y_mwh": energy_mwh * one,
        "energy_p90_10y_mwh": energy_mwh * ten,
        "specific_yield_p90_1y_kwh_per_kwp": specific_kwh_per_kwp * one,
        "specific_yield_p90_10y_kwh_per_kwp": specific_kwh_per_kwp * ten,
        "interannual_std_pct": std_pct,
        "p50_p90": f"{METHOD}; {source}; {LEAVES_OUT}",
    }
