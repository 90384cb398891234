"""Wind yield physics: the Weibull integral against windpowerlib's ModelChain and an independent integral,
the sensitivity to the mean wind, full-load hours against the cited provincial band, files, bad input."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from conftest import DATA
from scipy import integrate
from windpowerlib import ModelChain

from wind import resource as wr
from wind.errors import WindInputError
from wind.resource import CHECK_BAND_HOURS, default_resource, read_wind_file
from wind.site import LOSSES, pressure_at, site_yield
from wind.turbines import GENERIC_PARAMETERS, generic, library, read_power_curve, turbine

HECHENG = (27.6533, 109.9492)  # 黄金坳镇 (hc-wind-02's township)
YUEYANG = (29.36, 113.13)


def flat(mean, height=100.0, k=2.0, alt=500.0, temp=15.0, alpha=1 / 7):
    """A Weibull resource with the same mean every month (no seasonal shape)."""
    base = default_resource(DATA, *HECHENG, mean_speed_m_s=mean, height_m=height, weibull_k=k, altitude_m=alt)
    return wr.WindResource(base.latitude, base.longitude, alt, height, alpha, (temp,) * 12, "test", True, (),
                           monthly_mean_m_s=(mean,) * 12, weibull_k=k)


def test_weibull_integral_matches_windpowerlib_modelchain_on_a_sampled_year():
    # the same wind (mean 5.5 m/s at 10 m, k 2, shear 1/7 to 100 m, 500 m altitude, 15 degC) as many random
    # hours run through windpowerlib's own ModelChain: the mean power must agree with the quantile integral
    res = flat(5.5, height=10.0, alt=500.0, temp=15.0)
    t = generic()
    ours = site_yield(res, t, 3.0, {k: 0.0 for k in LOSSES}).annual_energy_mwh
    rng = np.random.default_rng(16)
    scale = 5.5 / math.gamma(1.5)
    speeds = scale * rng.weibull(2.0, 400_000)
    weather = pd.DataFrame({("wind_speed", 10.0): speeds, ("temperature", 2.0): 288.15,
                            ("pressure", 0.0): pressure_at(500.0), ("roughness_length", 0.0): 0.1})
    weather.columns = pd.MultiIndex.from_tuples(weather.columns)
    mc = ModelChain(t.to_windpowerlib(), wind_speed_model="hellman", density_model="barometric",
                    temperature_model="linear_gradient", density_correction=True, hellman_exp=1 / 7).run_model(weather)
    sampled = float(mc.power_output.mean()) * 8760 / 1e6  # one 3 MW turbine, MWh
    assert ours == pytest.approx(sampled, rel=0.01)  # sampling noise ~0.2 %


def test_weibull_integral_against_an_independent_quadrature():
    # hub-height wind (no shear), density from the barometric formula and the IEC density scaling written out
    # here, the power curve integrated over the Weibull pdf with scipy's adaptive quadrature
    mean, k, alt, temp_c = 5.0, 2.0, 300.0, 12.0
    t = generic()
    ours = site_yield(flat(mean, height=t.hub_height_m, k=k, alt=alt, temp=temp_c), t, 3.0,
                      {k2: 0.0 for k2 in LOSSES}).annual_energy_mwh
    t_hub = temp_c + 273.15 - 0.0065 * (t.hub_height_m - 2.0)
    p = 101325 * (1 - 0.0065 * alt / 288.15) ** 5.2559
    rho = (p / 100 - t.hub_height_m / 8) * 1.225 * 288.15 * 100 / (101330 * t_hub)
    v_std = np.array(t.wind_speed_m_s)
    expo = np.interp(v_std, [7.5, 12.5], [1 / 3, 2 / 3])
    v_site = v_std * (1.225 / rho) ** expo
    power_kw = np.array(t.power_kw)
    lam = mean / math.gamma(1 + 1 / k)

    def f(v):
        pdf = k / lam * (v / lam) ** (k - 1) * math.exp(-((v / lam) ** k))
        return float(np.interp(v, v_site, power_kw, left=0, right=0)) * pdf

    edges = np.concatenate(([0.0], v_site, [40.0]))
    mean_kw = sum(integrate.quad(f, a, b, limit=200)[0] for a, b in itertools.pairwise(edges))
    assert ours == pytest.approx(mean_kw * 8760 / 1000, rel=0.003)


def test_generic_curve_is_a_class_iii_low_wind_curve():
    t = generic()
    p = GENERIC_PARAMETERS
    v, kw = np.array(t.wind_speed_m_s), np.array(t.power_kw)
    assert kw.max() == pytest.approx(3000) and kw[v < 3].max() == 0 and kw[v == 20][0] == pytest.approx(3000)
    area = math.pi * 70**2
    cubic = 0.5 * 1.225 * area * p["cp"] * 6.0**3 / 1000
    assert 0.9 < kw[v == 6.0][0] / cubic < 1.05  # the cubic part, only the knee rounded
    assert 180 < t.specific_power_w_m2 < 260  # low-wind (IEC III) rotors: ~180-260 W/m2
    assert np.all(np.diff(kw[(v >= 3) & (v <= 13)]) >= 0)


@pytest.mark.parametrize("point", [HECHENG, YUEYANG])
def test_default_ridge_wind_gives_full_load_hours_in_the_cited_band(point):
    r = site_yield(default_resource(DATA, *point), generic(), 100.0)
    lo, hi = CHECK_BAND_HOURS  # Hunan's fleet ~1,900-2,200 h, national ~2,100-2,250 h (README, wind/resource.py)
    assert lo <= r.full_load_hours <= hi
    assert 0.21 < r.capacity_factor < 0.26 and r.is_estimate
    assert r.annual_energy_mwh == pytest.approx(sum(r.monthly_energy_mwh))
    assert r.full_load_hours == pytest.approx(r.annual_energy_mwh / 100.0)
    assert any("not from the climate stations" in a for a in r.assumptions["wind"])


def test_half_a_metre_per_second_moves_the_energy_about_twice_as_much_in_percent():
    t = generic()
    e = {v: site_yield(flat(v), t, 100.0).annual_energy_mwh for v in (4.5, 5.0, 5.5)}
    up, down = e[5.5] / e[5.0] - 1, 1 - e[4.5] / e[5.0]
    assert up > 0 and down > 0  # more wind, more energy
    # +-0.5 m/s is +-10 % of the mean: the energy moves 1.5-2.5x that in %
    assert 0.15 < up < 0.25 and 0.15 < down < 0.27
    r = site_yield(flat(5.0), t, 100.0)
    assert 1.5 < r.energy_sensitivity_to_speed < 2.5
    # the stated interannual spread: 6 % of the speed x that sensitivity
    assert r.interannual_std_pct == pytest.approx(6.0 * r.energy_sensitivity_to_speed)
    assert r.energy_p90_1y_mwh == pytest.approx(r.energy_p50_mwh * (1 - 1.2816 * r.interannual_std_pct / 100),
                                                   rel=1e-4)


def test_losses_capacity_and_shear():
    t = generic()
    res = flat(5.0)
    r = site_yield(res, t, 50.0)
    kept = math.prod(1 - v / 100 for v in LOSSES.values())
    assert r.annual_energy_mwh == pytest.approx(r.gross_energy_mwh * kept)
    assert site_yield(res, t, 100.0).annual_energy_mwh == pytest.approx(2 * r.annual_energy_mwh)
    # the same 5 m/s given at 10 m is ~5 x 10^(1/7) = 6.9 m/s at a 100 m hub
    low = site_yield(flat(5.0, height=10.0), t, 50.0)
    assert low.mean_wind_hub_m_s == pytest.approx(5.0 * 10 ** (1 / 7))
    assert low.annual_energy_mwh > 1.4 * r.annual_energy_mwh
    # thinner air at altitude gives less
    assert site_yield(flat(5.0, alt=1500.0), t, 50.0).annual_energy_mwh < r.annual_energy_mwh


def test_library_turbine_loads_offline(monkeypatch):
    import requests

    monkeypatch.setattr(requests, "get", lambda *a, **k: (_ for _ in ()).throw(AssertionError("network")))
    t = library("N131/3000")
    assert t.rated_kw == pytest.approx(3000) and t.rotor_m == 131 and t.hub_height_m == 99
    r = site_yield(flat(5.5), t, 30.0)
    assert 1800 < r.full_load_hours < 3200


def _csv(path, hours, speed, extra=""):
    times = pd.date_range("2021-01-01T00:00+08:00", periods=hours, freq="h")
    lines = ["time,wind_speed,temp_air,latitude,longitude,height_m" + extra]
    lines += [f"{t.isoformat()},{s:.3f},15,{HECHENG[0]},{HECHENG[1]},100" for t, s in zip(times, speed, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_hourly_file_takes_precedence_and_gives_its_own_spread(tmp_path):
    rng = np.random.default_rng(1)
    base = 5.0 / math.gamma(1.5) * rng.weibull(2.0, 8760)
    two = np.concatenate([base, 1.1 * base[:8760]])  # 2021 and 2022 (10 % windier)
    res = read_wind_file(_csv(tmp_path / "mast.csv", 2 * 8760, two), DATA, lat=HECHENG[0], lon=HECHENG[1])
    assert not res.is_estimate and "2 year(s)" in res.source
    r = site_yield(res, generic(), 10.0)
    one = site_yield(read_wind_file(_csv(tmp_path / "y1.csv", 8760, base), DATA), generic(), 10.0)
    # P50 = the mean of the years; the spread is the years' own (SD of two values)
    assert r.annual_energy_mwh > one.annual_energy_mwh
    assert "over the file's 2 years" in r.assumptions["p50_p90"]
    assert r.interannual_std_pct > 5


@pytest.mark.parametrize(("content", "message"), [
    ("time,wind_speed\n2021-01-01T00:00+08:00,5\n2021-01-01T02:00+08:00,5\n", "not hourly after"),
    ("time,speed\n2021-01-01T00:00+08:00,5\n", "wind_speed: missing column"),
    ("time,wind_speed\n2021-01-01T00:00,5\n", "times need a UTC offset"),
    ("time,wind_speed\n2021-01-01T00:00+08:00,abc\n", "not a number"),
])
def test_bad_wind_files_are_refused_with_file_line_and_field(tmp_path, content, message):
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(WindInputError, match=message) as e:
        read_wind_file(p, DATA, lat=HECHENG[0], lon=HECHENG[1], height_m=10)
    assert str(p) in str(e.value)


def test_wind_file_refusals_negative_short_and_far(tmp_path):
    speeds = np.full(8760, 5.0)
    speeds[100] = -3
    with pytest.raises(WindInputError, match=r"bad.csv:102: wind_speed: -3 at"):
        read_wind_file(_csv(tmp_path / "bad.csv", 8760, speeds), DATA)
    with pytest.raises(WindInputError, match="give one year"):
        read_wind_file(_csv(tmp_path / "short.csv", 100, np.full(100, 5.0)), DATA)
    with pytest.raises(WindInputError, match="km from the site"):
        read_wind_file(_csv(tmp_path / "ok.csv", 8760, np.full(8760, 5.0)), DATA, lat=29.36, lon=113.13)


def test_bad_turbines_and_parameters(tmp_path):
    with pytest.raises(WindInputError, match=r"unknown turbine 'X1'.*allowed: generic_iec3.*N131/3000"):
        turbine("X1")
    with pytest.raises(WindInputError, match=r"hub_height: 500 m is not a hub height \(allowed: 10..200 m\)"):
        turbine(None, 500)
    with pytest.raises(WindInputError, match=r"hub_height: 60 m is too low for generic_iec3's 140 m rotor"):
        turbine(None, 60)
    with pytest.raises(WindInputError, match=r"mean_speed: 30 m/s is outside 2..15 m/s"):
        default_resource(DATA, *HECHENG, mean_speed_m_s=30)
    with pytest.raises(WindInputError, match=r"unknown site type 'hill' \(allowed: ridge, plain\)"):
        default_resource(DATA, *HECHENG, kind="hill")
    with pytest.raises(WindInputError, match="outside China"):
        default_resource(DATA, 48.85, 2.35)
    curve = tmp_path / "curve.csv"
    curve.write_text("wind_speed,power_kw\n3,10\n4,100\n4,200\n5,300\n6,500\n", encoding="utf-8")
    with pytest.raises(WindInputError, match=r"curve.csv:4: wind_speed: 4 after 4: speeds must rise strictly"):
        read_power_curve(curve)
    curve.write_text("wind_speed,power_kw\n3,10000\n4,100000\n5,3000000\n6,3000000\n25,3000000\n", encoding="utf-8")
    with pytest.raises(WindInputError, match="not a turbine's rating"):
        read_power_curve(curve)
    curve.write_text("wind_speed,power_kw\n3,10\n5,300\n8,1500\n11,2000\n20,2000\n", encoding="utf-8")
    assert read_power_curve(curve, 90).rated_kw == 2000


def test_every_library_turbine_loads_or_is_refused_clearly():
    """The library's hub heights come as "120", "75;85" or "75/85": every type loads, none is a 500."""
    from wind.turbines import library_names

    for name in library_names():
        try:
            t = turbine(name)
        except WindInputError as exc:  # e.g. a hub too low for the rotor: said, not crashed
            assert "hub" in str(exc) or "rotor" in str(exc), (name, exc)
        else:
            assert t.hub_height_m > 0 and t.rated_kw > 0 and max(t.power_kw) <= 1.05 * t.rated_kw, name
