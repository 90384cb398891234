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
