"""Weather sources: the offline typical year, PVGIS/EPW/CSV files, and their errors."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solar.errors import SolarInputError
from solar.weather import fetch_pvgis, load_weather, read_weather_file, typical_year

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = Path(__file__).parent / "fixtures"
YUEYANG = (29.3564, 113.1289)
HUAIHUA = (27.56337, 110.00404)


@pytest.fixture(scope="module")
def yueyang():
    return typical_year(DATA, *YUEYANG)


def monthly(weather, column):
    return np.bincount(weather.local_months - 1, weights=weather.data[column].to_numpy(), minlength=12) / 1000


def test_offline_year_is_a_full_consistent_year(yueyang):
    # its figures against the station data: tests/test_weather_typical_year.py
    d = yueyang.data
    assert len(d) == 8760 and d.index.tz is not None
    m = monthly(yueyang, "ghi")
    assert m.argmax() in (6, 7) and m[:2].max() < m[6] * 0.6  # July/August the sunniest, Jan/Feb dull
    # 70-76 % of annual radiation falls in Apr-Oct (China Daily, cited in the reference): 2 points of slack
    assert 0.68 <= m[3:10].sum() / m.sum() <= 0.78
    assert np.isfinite(d.to_numpy()).all() and (d[["ghi", "dni", "dhi"]] >= 0).all().all()
    assert yueyang.is_estimate and "CMA station" in yueyang.source and "planning estimate" in yueyang.source


def test_offline_year_uses_the_nearest_station():
    huaihua = typical_year(DATA, *HUAIHUA)
    assert "57745" in huaihua.source and "34 km" in huaihua.source  # 芷江, the nearest CDSRD station
    assert huaihua.altitude_m == pytest.approx(273.2)  # the station's, as none was given


@pytest.mark.parametrize("name", ["pvgis_tmy_yueyang.json", "yueyang.epw"])
def test_pvgis_and_epw_files_are_read_in_their_own_time_zones(name):
    w = read_weather_file(FIXTURES / name)
    assert (w.latitude, w.longitude) == YUEYANG and not w.is_estimate and w.clipped == ()
    # the fixtures hold one year (the earlier offline year, rounded to 3 decimals), PVGIS in UTC, EPW in
    # UTC+8 hour-ending. Read right, every value sits at the same instant of the year in both.
    other = read_weather_file(FIXTURES / ("yueyang.epw" if name.endswith(".json") else "pvgis_tmy_yueyang.json"))

    def by_instant(frame):
        return frame.set_axis(frame.index.tz_convert("UTC").strftime("%m-%d %H:%M"))

    same = by_instant(w.data).reindex(by_instant(other.data).index)
    assert same.notna().all().all()
    np.testing.assert_allclose(same.to_numpy(), other.data.to_numpy(), atol=1.2e-3)
    # the sun is up when the light is: noon local (04:30 UTC) is bright, midnight dark
    assert same.loc["06-21 04:30", "ghi"] > 300 and same.loc["06-21 16:30", "ghi"] == 0


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def hourly_frame(n=8760):
    # diffuse light from 08:00 to 16:59 local, dark otherwise (constant light would be light at night)
    times = pd.date_range("2023-01-01 00:00", periods=n, freq="h", tz="+08:00")
    lit = np.where((times.hour >= 8) & (times.hour <= 16), 400.0, 0.0)
    return pd.DataFrame({"time": [t.isoformat() for t in times], "latitude": 29.36, "longitude": 113.13,
                         "ghi": lit, "dni": 0.0, "dhi": lit, "temp_air": 20.0, "wind_speed": 1.0})


def test_hourly_csv_with_and_without_the_split(tmp_path):
    w = read_weather_file(write_csv(tmp_path / "h.csv", hourly_frame()))
    assert w.data["dhi"].sum() == 400 * 9 * 365 and w.source == "hourly CSV h.csv"
    frame = hourly_frame().drop(columns=["dni", "dhi"])
    split = read_weather_file(write_csv(tmp_path / "ghi.csv", frame))
    assert any("Erbs" in a for a in split.assumptions)
    assert np.isfinite(split.data.to_numpy()).all()


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        (lambda f: f.drop(index=100), r"h\.csv:102: time: not hourly after 2023-01-05T03:30"),
        (lambda f: f.drop(columns=["temp_air"]), r"h\.csv:1: temp_air: missing column"),
        (lambda f: f.drop(columns=["dhi"]), r"dni/dhi: give both"),
        (lambda f: f.assign(ghi=["x" if i == 5 else 1.0 for i in range(len(f))]),
         r"h\.csv:7: ghi: missing or not a number: 'x'"),
        (lambda f: f.assign(ghi=[-50.0 if i % 100 == 9 else v for i, v in enumerate(f["ghi"])]),
         r"h\.csv:11: ghi: -50.0 at hour 9 is outside 0.0..1500.0: 88 implausible hour\(s\)"),
        (lambda f: f.assign(time=[t[:16] for t in f["time"]]), r"time: times need a UTC offset"),
        (lambda f: f.iloc[:100], r"time: 100 rows; an hourly year has 8760"),
        (lambda f: f.drop(columns=["latitude"]), r"latitude: missing column"),
    ],
)
def test_bad_hourly_csv_names_the_field_and_line(tmp_path, change, pattern):
    path = write_csv(tmp_path / "h.csv", change(hourly_frame()))
    with pytest.raises(SolarInputError, match=pattern):
        read_weather_file(path)


def test_bad_pvgis_file_is_a_clear_error(tmp_path):
    doc = json.loads((FIXTURES / "pvgis_tmy_yueyang.json").read_text())
    for row in doc["outputs"]["tmy_hourly"]:
        del row["T2m"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SolarInputError, match=r"temp_air: missing from the PVGIS TMY file"):
        read_weather_file(path)
    (tmp_path / "junk.epw").write_text("not an epw\n")
    with pytest.raises(SolarInputError, match=r"junk\.epw: weather: cannot read"):
        read_weather_file(tmp_path / "junk.epw")


def test_sources_by_name_or_file(tmp_path):
    with pytest.raises(SolarInputError, match=r"neither a source .*offline, pvgis.* nor an existing file"):
        load_weather("nowhere.csv", *YUEYANG, data_dir=DATA, cache_dir=tmp_path)
    w = load_weather(str(FIXTURES / "yueyang.epw"), *YUEYANG, data_dir=DATA, cache_dir=tmp_path)
    assert w.source == "EPW file yueyang.epw"


def test_pvgis_fetch_reads_its_cache_without_the_network(tmp_path):
    # the online fetch never runs in tests: a cached answer is used as it is
    cached = tmp_path / f"pvgis_tmy_{YUEYANG[0]:.4f}_{YUEYANG[1]:.4f}.json"
    cached.write_bytes((FIXTURES / "pvgis_tmy_yueyang.json").read_bytes())
    w = fetch_pvgis(*YUEYANG, tmp_path)
    assert w.source.startswith("PVGIS TMY (online, cached at") and len(w.data) == 8760
