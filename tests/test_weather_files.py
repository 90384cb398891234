"""Real files are read as real files are: isolated implausible hours are clipped and reported, broken files refused.

A CSWD year has an hour with DHI = 1,014 W/m2 (reference data_facts §4); one such hour must not cost the
whole file, but a file that is mostly wrong (wrong unit, long runs of nonsense, gaps) is still refused.
"""

from pathlib import Path

import numpy as np
import pytest

from solar.errors import SolarInputError
from solar.mounting import mounting
from solar.site import site_yield
from solar.weather import GLITCH_MAX_HOURS, read_weather_file

FIXTURES = Path(__file__).parent / "fixtures"
EPW_GHI, EPW_DNI, EPW_DHI = 13, 14, 15  # EPW field positions (0-based) of GHI, DNI, DHI [Wh/m2]


def epw_with(tmp_path: Path, changes: dict[int, dict[int, str]], name: str = "glitch.epw") -> Path:
    """The Yueyang EPW fixture with cells replaced: {data row: {field: value}} (row 0 is file line 9)."""
    lines = (FIXTURES / "yueyang.epw").read_text().splitlines()
    for row, cells in changes.items():
        parts = lines[8 + row].split(",")
        for field, value in cells.items():
            parts[field] = value
        lines[8 + row] = ",".join(parts)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def noon_rows(n: int, step: int = 24 * 7) -> list[int]:
    """Rows of ``n`` noon hours a week apart (hour-ending 13:00 local, row 12 of day 0)."""
    return [12 + step * i for i in range(n)]


def test_one_hour_of_dhi_1014_is_clipped_and_reported(tmp_path):
    clean = read_weather_file(FIXTURES / "yueyang.epw")
    row = noon_rows(1, step=0)[0] + 24 * 180  # a noon in summer
    ghi = clean.data["ghi"].iloc[row]
    w = read_weather_file(epw_with(tmp_path, {row: {EPW_DHI: "1014"}}))
    assert len(w.clipped) == 1
    assert "glitch.epw (2023-06-30T12:30:00+08:00)" in w.clipped[0]
    assert "dhi 1014" in w.clipped[0] and "clipped to" in w.clipped[0]
    assert w.data["dhi"].iloc[row] == pytest.approx(min(ghi, 1000.0))  # no more than the hour's GHI
    r = site_yield(w, 1.0, mounting("ground_fixed"))
    assert r.weather_clipped_hours == 1 and r.assumptions["weather_clipped"] == list(w.clipped)
    # the year's yield barely moves (one hour of 8,760)
    base = site_yield(clean, 1.0, mounting("ground_fixed"))
    assert r.specific_yield_kwh_per_kwp == pytest.approx(base.specific_yield_kwh_per_kwp, rel=2e-3)


def test_dhi_far_above_ghi_is_clipped_to_ghi(tmp_path):
    w = read_weather_file(epw_with(tmp_path, {4380 + 12: {EPW_DHI: "900"}}))
    assert len(w.clipped) == 1 and "dhi <= ghi" in w.clipped[0]
    assert w.data["dhi"].iloc[4392] <= w.data["ghi"].iloc[4392]


def test_small_negative_night_values_are_sensor_offset(tmp_path):
    w = read_weather_file(epw_with(tmp_path, {r: {EPW_GHI: "-3"} for r in range(0, 2000, 24)}))
    assert (w.data["ghi"] >= 0).all()
    assert len(w.clipped) == 1 and "84 hour(s) with small negative values" in w.clipped[0]


def test_many_implausible_hours_or_long_runs_are_a_broken_file(tmp_path):
    rows = noon_rows(GLITCH_MAX_HOURS + 1)
    with pytest.raises(SolarInputError, match=r"many\.epw \(.*\): dhi: 1014\.0 at hour \d+ is outside 0\.0\.\.1000\.0 "
                                              r"\(or dhi above ghi\): 25 implausible hour\(s\)"):
        read_weather_file(epw_with(tmp_path, {r: {EPW_DHI: "1014"} for r in rows}, "many.epw"))
    run = {4380 + 10 + i: {EPW_GHI: "1600"} for i in range(4)}  # 4 hours in a row
    with pytest.raises(SolarInputError, match=r"ghi: 1600\.0 .*longest run 4 h"):
        read_weather_file(epw_with(tmp_path, run, "run.epw"))
    # a missing-value code is a gap, not a glitch
    with pytest.raises(SolarInputError, match=r"ghi: 9999\.0 .*missing"):
        read_weather_file(epw_with(tmp_path, {100: {EPW_GHI: "9999"}}, "gap.epw"))


def test_unit_and_clock_checks_still_refuse(tmp_path):
    # kW/m2 stays refused (every value is in range, the peak is not)
    lines = (FIXTURES / "yueyang.epw").read_text().splitlines()
    for i in range(8, len(lines)):
        cells = lines[i].split(",")
        for j in (EPW_GHI, EPW_DNI, EPW_DHI):
            cells[j] = f"{float(cells[j]) / 1000:.4f}"
        lines[i] = ",".join(cells)
    (tmp_path / "kw.epw").write_text("\n".join(lines) + "\n")
    with pytest.raises(SolarInputError, match=r"looks like kW/m2"):
        read_weather_file(tmp_path / "kw.epw")
    # W/m2 x 1000 (every daylight hour out of range) is broken, not clipped
    for i in range(8, len(lines)):
        cells = lines[i].split(",")
        for j in (EPW_GHI, EPW_DNI, EPW_DHI):
            cells[j] = f"{float(cells[j]) * 1e6:.1f}"
        lines[i] = ",".join(cells)
    (tmp_path / "mw.epw").write_text("\n".join(lines) + "\n")
    with pytest.raises(SolarInputError, match=r"implausible hour\(s\)"):
        read_weather_file(tmp_path / "mw.epw")
    assert np.isfinite(read_weather_file(FIXTURES / "yueyang.epw").data.to_numpy()).all()
