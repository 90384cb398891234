"""The batch engine agrees with pvlib's ModelChain, site by site and with a sky shared along a grid row."""

import dataclasses
from pathlib import Path

import numpy as np
import pvlib
import pytest

from solar import batch, sun
from solar.batch import monthly_kwh_per_kwp, prepare_sky, resolve_engine, scan
from solar.mounting import mounting
from solar.site import model_chain
from solar.weather import read_weather_file, typical_year

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = Path(__file__).parent / "fixtures"
ENGINES = ["numpy", "numba"]


@pytest.fixture(scope="module")
def weathers():
    return {"yueyang": typical_year(DATA, 29.3564, 113.1289), "huaihua": typical_year(DATA, 27.56337, 110.00404)}


def modelchain_kwh_per_kwp(weather, m):
    mc = model_chain(m, weather, 1000.0)
    mc.run_model(weather.data)
    return mc.results.ac.to_numpy().sum() / 1000


ORIENTATIONS = [(0.0, 180.0), (20.0, 180.0), (35.0, 135.0), (15.0, 250.0), (60.0, 90.0), (90.0, 0.0)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("place", ["yueyang", "huaihua"])
@pytest.mark.parametrize("preset", ["ground_fixed", "rooftop"])
def test_agrees_with_modelchain_to_1e6(weathers, engine, place, preset):
    weather = weathers[place]
    m = mounting(preset, module="standard", albedo=0.25)
    tilt = np.array([t for t, _ in ORIENTATIONS])
    azimuth = np.array([a for _, a in ORIENTATIONS])
    got = monthly_kwh_per_kwp(prepare_sky(weather), tilt, azimuth, m, engine=engine)
    want = np.array([modelchain_kwh_per_kwp(weather, dataclasses.replace(m, tilt=t, azimuth=a))
                     for t, a in ORIENTATIONS])
    np.testing.assert_allclose(got.sum(axis=1), want, rtol=1e-6)
    assert got.shape == (len(ORIENTATIONS), 12) and (got >= 0).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_chunking_does_not_change_the_answer(weathers, engine):
    sky = prepare_sky(weathers["yueyang"])
    rng = np.random.default_rng(3)
    tilt, azimuth = rng.uniform(0, 60, 257), rng.uniform(90, 270, 257)
    m = mounting("ground_fixed")
    whole = monthly_kwh_per_kwp(sky, tilt, azimuth, m, engine=engine, max_bytes=2**30)  # one block
    chunked = monthly_kwh_per_kwp(sky, tilt, azimuth, m, engine=engine, max_bytes=2**14)  # one or a few sites
    np.testing.assert_allclose(chunked, whole, rtol=1e-12)


def test_grid_scan_sharing_the_sun_along_a_row_is_within_half_a_percent():
    # a 4 x 12 grid of cells over 0.6 deg of longitude and 0.3 deg of latitude around 临湘, one weather year
    weather = read_weather_file(FIXTURES / "yueyang.epw")
    lats, lons = np.meshgrid(np.linspace(29.3, 29.6, 4), np.linspace(113.2, 113.8, 12), indexing="ij")
    lats, lons = lats.ravel(), lons.ravel()
    m = mounting("ground_fixed")
    rows = scan(lats, lons, m, lambda lat, lon: weather, share="row").sum(axis=1)
    sites = scan(lats, lons, m, lambda lat, lon: weather, share="site").sum(axis=1)
    # the per-site answer is ModelChain's at each cell's own position
    for i in (0, 17, 47):
        here = dataclasses.replace(weather, latitude=float(lats[i]), longitude=float(lons[i]))
        assert sites[i] == pytest.approx(modelchain_kwh_per_kwp(here, m), rel=1e-6)
    rel = np.abs(rows / sites - 1)
    assert rel.max() < 0.005
    assert rel.max() > 0  # the sharing is real: cells away from the row's centre differ a little


def test_engine_choice():
    assert resolve_engine("numpy") == "numpy"
    assert resolve_engine("auto") == ("numba" if batch.numba is not None else "numpy")
    with pytest.raises(ValueError, match="engine: unknown 'gpu'"):
        resolve_engine("gpu")
    with pytest.raises(ValueError, match="fixed planes only"):
        monthly_kwh_per_kwp(None, np.array([0.0]), np.array([180.0]), mounting("agrivoltaic_tracking"))


@pytest.mark.parametrize(("lat", "lon", "altitude_m"), [(29.3564, 113.1289, 52.0), (27.56337, 110.00404, 230.0),
                                                        (43.8, 87.6, 1500.0), (-33.9, -70.6, 0.0)])
def test_split_sun_position_is_bit_identical_to_pvlib(weathers, lat, lon, altitude_m):
    weather = weathers["yueyang"]
    data = weather.data
    times = data.index[data["ghi"].to_numpy() > 0]
    temp = data["temp_air"].to_numpy(dtype=float)[data["ghi"].to_numpy() > 0]
    want = pvlib.location.Location(lat, lon, altitude=altitude_m).get_solarposition(times, temperature=temp)
    zenith, azimuth = sun.position(sun.time_terms(times), lat, lon, altitude_m, temp)
    assert np.array_equal(zenith, want["apparent_zenith"].to_numpy())
    assert np.array_equal(azimuth, want["azimuth"].to_numpy())
    assert np.array_equal(sun.time_terms(times).dni_extra, pvlib.irradiance.get_extra_radiation(times).to_numpy())


def test_sun_positions_of_many_locations_at_once_are_each_bit_identical_to_pvlib(weathers):
    # one call for locations all over the world and a grid's rows 0.005 deg apart: each row is pvlib's own answer
    data = weathers["huaihua"].data
    lit = data["ghi"].to_numpy() > 0
    times, temp = data.index[lit], data["temp_air"].to_numpy(dtype=float)[lit]
    rng = np.random.default_rng(11)
    lats = np.r_[rng.uniform(-66, 66, 12), 27.5 + 0.005 * np.arange(6)]
    lons = np.r_[rng.uniform(-180, 180, 12), np.full(6, 110.0)]
    zenith, azimuth = sun.positions(sun.time_terms(times), lats, lons, 230.0, temp)
    assert zenith.shape == azimuth.shape == (len(lats), len(times))
    for i in range(len(lats)):
        want = pvlib.location.Location(lats[i], lons[i], altitude=230.0).get_solarposition(times, temperature=temp)
        assert np.array_equal(zenith[i], want["apparent_zenith"].to_numpy()), i
        assert np.array_equal(azimuth[i], want["azimuth"].to_numpy()), i
    with pytest.raises(ValueError, match="one per location"):
        sun.positions(sun.time_terms(times), lats, lons[:3], 230.0, temp)


def test_skies_of_one_weather_year_are_the_skies_of_each_location(weathers):
    weather = weathers["yueyang"]
    lats, lons = np.array([29.1, 29.35, 29.6]), np.array([113.0, 113.2, 112.9])
    many = batch.skies(batch.daylight(weather), lats, lons)
    assert len(many) == 3
    for sky, lat, lon in zip(many, lats, lons, strict=True):
        one = prepare_sky(weather, float(lat), float(lon))
        for field in dataclasses.fields(one):
            if field.name == "passes":
                assert sky.passes is many[0].passes  # one per weather year
                assert np.array_equal(sky.passes.slot, one.passes.slot) and sky.passes.rows == one.passes.rows
                continue
            np.testing.assert_allclose(getattr(sky, field.name), getattr(one, field.name), rtol=1e-15, atol=0)
    assert not np.array_equal(many[0].cos_zenith, many[2].cos_zenith)


def test_scan_groups_skies_by_weather_and_chunk_without_changing_the_answer(weathers, monkeypatch):
    # two weather years (west and east of 112 deg), sites at distinct places in an order that switches weather
    rng = np.random.default_rng(5)
    lat, lon = rng.uniform(27.0, 29.8, 23), rng.choice([110.5, 111.0, 112.5, 113.5], 23)
    tilt, azimuth = rng.uniform(5, 40, 23), rng.uniform(120, 240, 23)
    m = mounting("ground_fixed")
    calls = []

    def weather_at(la, lo):
        calls.append((la, lo))
        return weathers["huaihua"] if lo < 112 else weathers["yueyang"]

    want = np.array([monthly_kwh_per_kwp(prepare_sky(weather_at(la, lo), la, lo), [t], [a], m, engine="numpy")[0]
                     for la, lo, t, a in zip(lat, lon, tilt, azimuth, strict=True)])
    calls.clear()
    got = scan(lat, lon, m, weather_at, tilt=tilt, azimuth=azimuth, engine="numpy")
    assert len(calls) == len(set(zip(lat, lon, strict=True)))  # one sky (and one weather look-up) per place
    np.testing.assert_allclose(got, want, rtol=1e-13)
    monkeypatch.setattr(batch, "SKY_CHUNK", 2)
    np.testing.assert_allclose(scan(lat, lon, m, weather_at, tilt=tilt, azimuth=azimuth, engine="numpy"), got,
                               rtol=1e-13)


def test_split_sun_time_terms_are_cached_per_set_of_times(weathers):
    times = weathers["yueyang"].data.index
    assert sun.time_terms(times) is sun.time_terms(times.copy())
    assert sun.time_terms(times[:100]) is not sun.time_terms(times)


@pytest.mark.skipif(batch.numba is None, reason="numba not installed")
def test_numba_kernel_asks_llvm_for_wide_vectors():
    # the hint reaches LLVM as the function attribute clang's -mprefer-vector-width=512 sets
    @batch.numba.njit
    def add_one(x):
        batch._prefer_wide_vectors()
        for i in range(x.shape[0]):
            x[i] += 1.0

    x = np.zeros(3)
    add_one(x)
    assert (x == 1.0).all()
    assert '"prefer-vector-width"="512"' in add_one.inspect_llvm(add_one.signatures[0])


def test_hour_passes_keep_every_hour_once_in_its_month_and_pad_with_zero_hours(weathers):
    sky = prepare_sky(weathers["yueyang"])
    h = batch.hour_terms(sky, batch.Constants.of(mounting("ground_fixed")))
    month = sky.month.copy()
    month[:3] = 11  # months need not be sorted (the year's last UTC hours are January's in China)
    layout = batch.pass_layout(month)
    passes = batch.hour_passes(h, layout)
    assert passes.shape == (len(batch.HOUR_TERMS), len(layout.pass_month), batch.PASS_HOURS)
    for k in range(12):
        rows = passes[:, layout.pass_month == k].reshape(len(batch.HOUR_TERMS), -1)
        want = np.stack([getattr(h, name)[month == k] for name in batch.HOUR_TERMS])
        assert np.array_equal(rows[:, :want.shape[1]], want)  # the month's hours, in order
        assert not rows[:, want.shape[1]:].any() and rows.shape[1] - want.shape[1] < batch.PASS_HOURS  # <8 zeros


@pytest.mark.skipif(batch.numba is None, reason="numba not installed")
def test_numba_kernel_a_zero_hour_yields_exactly_nothing():
    m = batch.Constants.of(mounting("ground_fixed"))
    out = np.zeros((12, 5))
    ct, p1, p2 = batch.site_terms(np.linspace(0, 90, 5), np.linspace(90, 270, 5))
    batch._numba_kernel(np.zeros((len(batch.HOUR_TERMS), 2, batch.PASS_HOURS)), np.array([0, 11]), ct, p1, p2,
                        m.a_r, *batch.inverter_terms(m), out)
    assert not out.any()
