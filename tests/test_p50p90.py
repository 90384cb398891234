"""P50/P90 of one yield and of a sum of independent parts (solar.p50p90), checked by hand."""

import math

import pytest

from solar.p50p90 import combined, exceedance
from solar.results import CombinedEnergy, Exceedance, as_json


def test_a_yield_with_a_known_spread_has_its_p90s():
    # s = 10 %: P90 (1 year) = P50 x (1 - 1.28155 x 0.10) = 871.84; ten-year mean: 1 - 0.128155 / 3.1623 = 0.959474
    p = exceedance(1000.0, 950.0, 10.0, "ten per cent, stated")
    assert isinstance(p, Exceedance) and p.energy_p50_mwh == 1000.0 and p.interannual_std_pct == 10.0
    assert p.energy_p90_1y_mwh == pytest.approx(871.845, abs=1e-3)
    assert p.energy_p90_10y_mwh == pytest.approx(959.474, abs=1e-3)
    assert p.specific_yield_p90_1y_kwh_per_kwp == pytest.approx(950.0 * 0.871845, abs=1e-3)
    assert "ten per cent, stated" in p.p50_p90 and "soiling" in p.p50_p90


def test_an_unknown_spread_gives_no_p90_and_says_why():
    p = exceedance(1000.0, 950.0, None, "outside the station network")
    assert p.energy_p50_mwh == 1000.0
    assert p.energy_p90_1y_mwh is p.energy_p90_10y_mwh is p.specific_yield_p90_1y_kwh_per_kwp is None
    assert p.p50_p90 == "P50 = this year's yield; no P90: outside the station network"


def test_independent_parts_add_their_variances():
    # SDs 3 and 4 MWh add in quadrature to 5 MWh: P90 = 150 - 1.28155 x 5 = 143.592 (1 year),
    # 150 - 1.28155 x 5 / sqrt(10) = 147.974 (ten-year mean)
    c = combined([(100.0, 3.0), (50.0, 4.0)])
    assert isinstance(c, CombinedEnergy) and c.energy_p50_mwh == 150.0 and c.std_mwh == pytest.approx(5.0)
    assert c.energy_p90_1y_mwh == pytest.approx(143.592, abs=1e-3)
    assert c.energy_p90_10y_mwh == pytest.approx(150 - 1.2815516 * 5 / math.sqrt(10), abs=1e-6)
    unknown = combined([(100.0, 3.0), (50.0, None)])
    assert unknown.energy_p50_mwh == 150.0 and unknown.energy_p90_1y_mwh is None and unknown.std_mwh is None


def test_the_parts_serialise_as_their_fields_in_order():
    assert list(as_json(combined([(1.0, 0.1)]))) == ["energy_p50_mwh", "energy_p90_1y_mwh", "energy_p90_10y_mwh",
                                                     "std_mwh"]
    assert list(as_json(exceedance(1.0, 1.0, None, "x")))[-1] == "p50_p90"
