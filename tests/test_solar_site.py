"""Per-site yield: pinned, reasoned values on the offline default; directions; crop light; hand check."""

import dataclasses
import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solar.errors import SolarInputError
from solar.mounting import PRESETS, mounting
from solar.site import site_yield
from solar.weather import read_weather_file, typical_year

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def yueyang():
    return typical_year(DATA, 29.3564, 113.1289)


@pytest.fixture(scope="module")
def ground(yueyang):
    return site_yield(yueyang, 1.0, mounting("ground_fixed"))


def sy(weather, name="ground_fixed", **overrides):
    return site_yield(weather, 1.0, mounting(name, **overrides)).specific_yield_kwh_per_kwp


def test_ground_fixed_near_yueyang_lands_where_the_station_data_put_it(ground):
    # GHI is the blend of the 4 nearest CDSRD stations at the CSWD level, inside the ground-based range
    # 1,116-1,203 kWh/m2 (data_facts §4). A 20 deg south plane in a diffuse-rich sky gains 0-10 % over GHI;
    # PVWatts-type PR with 14 % losses is 0.75-0.85. So:
    assert 1116 <= ground.ghi_kwh_per_m2 <= 1203
    assert 1.00 <= ground.poa_kwh_per_m2 / ground.ghi_kwh_per_m2 <= 1.10
    assert 0.75 <= ground.performance_ratio <= 0.85
    # the best estimate from real station years (data_facts §4: ~920 kWh/kWp for ground-fixed 20 deg)
    assert ground.specific_yield_kwh_per_kwp == pytest.approx(920, rel=0.03)
    # consistency of the figures
    assert ground.annual_energy_mwh == pytest.approx(ground.specific_yield_kwh_per_kwp)  # 1 MWp
    assert ground.capacity_factor == pytest.approx(ground.annual_energy_mwh / 8760)
    assert sum(ground.monthly_energy_mwh) == pytest.approx(ground.annual_energy_mwh)
    assert len(ground.monthly_energy_mwh) == 12 and np.argmax(ground.monthly_energy_mwh) in (6, 7)
    assert ground.is_estimate and "offline typical year" in ground.weather_source
    assert ground.crop_light is None
    assert ground.assumptions["mounting"]["losses_pct"] == pytest.approx(14.08, abs=0.01)
    assert ground.energy_p90_1y_mwh < ground.energy_p90_10y_mwh < ground.energy_p50_mwh


def test_huaihua_yields_less_than_yueyang(ground):
    huaihua = site_yield(typical_year(DATA, 27.56337, 110.00404), 1.0, mounting("ground_fixed"))
    # best estimate from real station years at 鹤城: 840-850 kWh/kWp (data_facts §4)
    assert huaihua.specific_yield_kwh_per_kwp == pytest.approx(845, rel=0.03)
    assert huaihua.specific_yield_kwh_per_kwp < ground.specific_yield_kwh_per_kwp


def test_rooftop_yields_less_than_ground(yueyang, ground):
    roof = site_yield(yueyang, 1.0, mounting("rooftop"))
    # flatter (10 deg) and hotter (close-mounted): below ground-mounted, but not by much
    assert 0.9 * ground.specific_yield_kwh_per_kwp < roof.specific_yield_kwh_per_kwp
    assert roof.specific_yield_kwh_per_kwp < ground.specific_yield_kwh_per_kwp


def test_numbers_move_the_right_way_with_tilt(yueyang):
    by_tilt = {t: sy(yueyang, tilt=t) for t in (0, 10, 20, 30, 45)}
    assert by_tilt[20] > by_tilt[0] and by_tilt[20] > by_tilt[45]
    assert by_tilt[45] < by_tilt[30]
    assert by_tilt[20] >= 0.99 * max(by_tilt.values())  # the preset's tilt is near-optimal here


def test_numbers_move_the_right_way_with_gcr_and_losses(yueyang):
    by_gcr = [sy(yueyang, gcr=g) for g in (0.2, 0.4, 0.6, 0.8)]
    assert all(a > b for a, b in itertools.pairwise(by_gcr))  # denser rows shade more
    by_loss = [sy(yueyang, losses_pct=loss) for loss in (0.0, 14.08, 25.0)]
    assert by_loss[0] > by_loss[1] > by_loss[2]
    assert by_loss[2] / by_loss[0] == pytest.approx(0.75, rel=0.02)  # losses act on DC, about proportionally


def test_bifacial_and_tracking_gain(yueyang):
    mono = sy(yueyang, "agrivoltaic_fixed")
    assert sy(yueyang, "agrivoltaic_fixed", bifaciality=0.7) > 1.03 * mono
    assert sy(yueyang, "agrivoltaic_tracking") > mono


def test_agrivoltaic_crop_light(yueyang):
    r = site_yield(yueyang, 1.0, mounting("agrivoltaic_fixed"))
    assert 0.5 < r.crop_light.fraction < 0.95
    assert len(r.crop_light.monthly) == 12 and all(0 < v < 1 for v in r.crop_light.monthly)
    segments = r.crop_light.by_segment
    assert len(segments) == 10 and min(segments) < r.crop_light.fraction < max(segments)
    assert np.mean(segments) == pytest.approx(r.crop_light.fraction, rel=1e-9)
    assert "Spitters" in r.crop_light.method
    denser = site_yield(yueyang, 1.0, mounting("agrivoltaic_fixed", gcr=0.5))
    assert denser.crop_light.fraction < r.crop_light.fraction - 0.1
    tracking = site_yield(yueyang, 1.0, mounting("agrivoltaic_tracking"))
    assert 0.4 < tracking.crop_light.fraction < 0.95


def test_pvgis_and_epw_fixtures_drive_the_yield():
    # both fixtures hold the same year (1,250 kWh/m2, 3 decimals) in two formats and time conventions (PVGIS in UTC,
    # EPW in local standard time, hour-ending): read right they give the same yield; an 8 h slip would put the sun
    # in the night and differ by far more than the formats' rounding
    pvgis, epw = (site_yield(read_weather_file(FIXTURES / name), 1.0, mounting("ground_fixed"))
                  for name in ("pvgis_tmy_yueyang.json", "yueyang.epw"))
    for r, name in ((pvgis, "pvgis_tmy_yueyang.json"), (epw, "yueyang.epw")):
        assert not r.is_estimate and name in r.weather_source
        assert r.ghi_kwh_per_m2 == pytest.approx(1250, abs=0.5)
        # a fixed south-facing array at ~29 N turns 0.75-0.85 kWh per kWp for each kWh/m2 of GHI into AC energy
        assert 0.75 < r.specific_yield_kwh_per_kwp / r.ghi_kwh_per_m2 < 0.85
    assert epw.specific_yield_kwh_per_kwp == pytest.approx(pvgis.specific_yield_kwh_per_kwp, rel=0.002)
    assert epw.monthly_energy_mwh == pytest.approx(pvgis.monthly_energy_mwh, rel=0.01)


def test_hand_checkable_synthetic_file(tmp_path):
    # 500 W/m2 diffuse-only from 08:00 to 16:59 local every day, 25 C, 1 m/s; horizontal rooftop modules.
    times = pd.date_range("2023-01-01", periods=8760, freq="h", tz="+08:00")
    lit = (times.hour >= 8) & (times.hour <= 16)
    irr = np.where(lit, 500.0, 0.0)
    pd.DataFrame({"time": [t.isoformat() for t in times], "latitude": 29.36, "longitude": 113.13,
                  "ghi": irr, "dni": 0.0, "dhi": irr, "temp_air": 25.0, "wind_speed": 1.0}).to_csv(
        tmp_path / "flat.csv", index=False)
    m = mounting("rooftop", tilt=0.0)
    r = site_yield(read_weather_file(tmp_path / "flat.csv"), 1.0, m)
    # By hand: tilt 0 -> plane irradiance = DHI = 500 W/m2 (no beam, no ground view, no angular loss on
    # diffuse). SAPM close-mount glass/glass (a=-2.98, b=-0.0471, dT=1): cell = 500 e^(a+b) + 25 + 0.5*1.
    cell = 500 * math.exp(-2.98 - 0.0471 * 1.0) + 25 + 0.5
    # PVWatts losses: soiling 2, shading 3, mismatch 2, wiring 2, connections 0.5, LID 1.5, nameplate 1,
    # availability 3 % compounded (= 14.08 %)
    kept = 0.98 * 0.97 * 0.98 * 0.98 * 0.995 * 0.985 * 0.99 * 0.97
    dc = 0.5 * (1 - 0.0035 * (cell - 25)) * kept  # kW per kWp, premium module
    zeta = dc / (1 / 1.2)  # inverter sized at DC/AC 1.2
    ac = 0.96 / 0.9637 * (-0.0162 * zeta - 0.0059 / zeta + 0.9858) * dc  # PVWatts inverter
    hours = 9 * 365
    assert r.specific_yield_kwh_per_kwp == pytest.approx(ac * hours, rel=1e-9)
    assert r.monthly_energy_mwh[0] == pytest.approx(ac * 9 * 31, rel=1e-9)  # kW/kWp x h = MWh per MWp
    assert r.poa_kwh_per_m2 == pytest.approx(0.5 * hours, rel=1e-9)


def test_bad_input_names_the_field(yueyang):
    with pytest.raises(SolarInputError, match=r"^capacity_mw: -1"):
        site_yield(yueyang, -1.0, mounting("ground_fixed"))
    with pytest.raises(SolarInputError, match=r"^capacity_mw: nan"):
        site_yield(yueyang, float("nan"), mounting("ground_fixed"))
    with pytest.raises(SolarInputError, match=r"^mounting: unknown preset 'roof' \(allowed: rooftop"):
        mounting("roof")
    with pytest.raises(SolarInputError, match=r"^tilt: 120 is outside 0.0..90.0"):
        mounting("ground_fixed", tilt=120)
    with pytest.raises(SolarInputError, match=r"^module: unknown module type 'perc'"):
        mounting("ground_fixed", module="perc")
    with pytest.raises(SolarInputError, match=r"^colour: not a mounting parameter"):
        mounting("ground_fixed", colour="blue")


def test_presets_are_what_they_say():
    assert set(PRESETS) == {"rooftop", "ground_fixed", "agrivoltaic_fixed", "agrivoltaic_tracking"}
    assert PRESETS["rooftop"].gcr is None and PRESETS["rooftop"].racking.startswith("close_mount")
    assert PRESETS["agrivoltaic_fixed"].gcr < PRESETS["ground_fixed"].gcr
    assert PRESETS["agrivoltaic_fixed"].height > PRESETS["ground_fixed"].height
    assert PRESETS["agrivoltaic_tracking"].tracking
    assert dataclasses.replace(PRESETS["ground_fixed"], tilt=5).tilt == 5
