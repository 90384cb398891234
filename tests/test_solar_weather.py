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


def test_offline_year_matches_the_cited_figures(yueyang):
    d = yueyang.data
    assert len(d) == 8760 and d.index.tz is not None
    assert d["ghi"].sum() / 1000 == pytest.approx(1250, abs=0.01)  # the stated annual assumption
    # monthly shape: Angstrom-Prescott on the Changde sunshine fractions: July the sunniest, Jan/Feb dull
    m = monthly(yueyang, "ghi")
    assert m.argmax() == 6 and m[:2].max() < m[6] / 2
    # 70-76 % of annual radiation falls in Apr-Oct (China Daily, cited in the reference)
    assert 0.68 <= m[3:10].sum() / m.sum() <= 0.78
    # monthly mean temperatures are the cited CMA normals
    t = pd.Series(d["temp_air"].to_numpy()).groupby(yueyang.local_months).mean().to_numpy()
    cited = [5.0, 7.3, 11.2, 17.5, 22.5, 25.9, 29.1, 28.3, 24.1, 18.7, 13.0, 7.5]
    np.testing.assert_allclose(t, cited, atol=0.05)
    # components are consistent: ghi = dhi + dni cos(z) within Erbs' construction, all finite and >= 0
    assert np.isfinite(d.to_numpy()).all() and (d[["ghi", "dni", "dhi"]] >= 0).all().all()
    assert 0.4 < d["dhi"].sum() / d["ghi"].sum() < 0.7
    assert yueyang.is_estimate and "1250" in yueyang.source
    assert any("assumption" in a for a in yueyang.assumptions)


def test_offline_year_uses_the_nearest_station():
    huaihua = typical_year(DATA, *HUAIHUA)
    assert huaihua.data["ghi"].sum() / 1000 == pytest.approx(1100, abs=0.01)
    assert "huaihua" in huaihua.source and huaihua.altitude_m == 260


def test_offline_year_refuses_points_far_from_any_station():
    with pytest.raises(SolarInputError, match=r"km from the nearest climate station"):
        typical_year(DATA, 39.9, 116.4)  # Beijing
    with pytest.raises(SolarInputError, match=r"^lat: 95"):
        typical_year(DATA, 95, 113)
    with pytest.raises(SolarInputError, match=r"^lon: nan"):
        typical_year(DATA, 29, float("nan"))


@pytest.mark.parametrize("name", ["pvgis_tmy_yueyang.json", "yueyang.epw"])
def test_pvgis_and_epw_files_are_read_in_their_own_time_zones(name, yueyang):
    w = read_weather_file(FIXTURES / name)
    assert (w.latitude, w.longitude) == YUEYANG and not w.is_estimate
    # the fixtures hold the offline year (rounded to 3 decimals): PVGIS in UTC, EPW in UTC+8 hour-ending.
    # Read right, every value sits at the same instant of the (typical) year as in the offline year.
    def by_instant(frame):
        return frame.set_axis(frame.index.tz_convert("UTC").strftime("%m-%d %H:%M"))

    same = by_instant(w.data).reindex(by_instant(yueyang.data).index)
    assert same.notna().all().all()
    np.testing.assert_allclose(same.to_numpy(), yueyang.data.to_numpy(), atol=6e-4)


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
        (lambda f: f.assign(ghi=[-5.0 if i == 9 else 1.0 for i in range(len(f))]), r"h\.csv:11: ghi: -5.0 .* outside"),
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
