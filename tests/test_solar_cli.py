"""``energy-planner yield``: site, project and district; bad input is one clear line, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SITE_KEYS = {"annual_energy_mwh", "specific_yield_kwh_per_kwp", "capacity_factor", "performance_ratio",
             "poa_kwh_per_m2", "monthly_energy_mwh", "crop_light_fraction", "weather_source", "is_estimate"}


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_site_json(capsys):
    r = run_json(capsys, "yield", "--lat", "29.36", "--lon", "113.13", "--capacity-mw", "2",
                 "--mounting", "agrivoltaic_fixed", "--json")
    assert SITE_KEYS <= set(r)
    assert len(r["monthly_energy_mwh"]) == 12 and r["is_estimate"] is True
    assert r["annual_energy_mwh"] == pytest.approx(2 * r["specific_yield_kwh_per_kwp"])
    assert 0 < r["crop_light_fraction"] < 1 and len(r["crop_light_monthly"]) == 12


def test_site_with_a_weather_file_and_overrides(capsys):
    r = run_json(capsys, "yield", "--lat", "29.36", "--lon", "113.13", "--capacity-mw", "1", "--weather",
                 str(FIXTURES / "yueyang.epw"), "--tilt", "30", "--losses", "10", "--json")
    assert r["is_estimate"] is False and r["weather_source"] == "EPW file yueyang.epw"
    assert r["assumptions"]["mounting"]["tilt"] == 30 and r["assumptions"]["mounting"]["losses_pct"] == 10


def test_project_and_district(capsys, built_store):
    r = run_json(capsys, "--store", str(built_store), "yield", "--project", "lx-pv-02", "--json")
    assert r["mounting"] == "agrivoltaic_fixed" and r["capacity_mw"] == 100
    # at 白羊田镇, the township its plan line names (no site: still an area's point, and it says so)
    assert r["location_precision"] == "township" and "names no site" in r["location_note"]
    assert r["annual_energy_mwh"] == pytest.approx(100 * r["specific_yield_kwh_per_kwp"])
    none = run_json(capsys, "--store", str(built_store), "yield", "--project", "lx-pv-07", "--json")
    assert none["yield_status"].startswith("no capacity") and "annual_energy_mwh" not in none

    d = run_json(capsys, "--store", str(built_store), "yield", "--district", "430682", "--json")
    computed = [p for p in d["pv_projects"] if p["yield_status"] == "computed"]
    assert d["total"]["capacity_mw"] == pytest.approx(544.0)
    assert d["total"]["annual_energy_mwh"] == pytest.approx(sum(p["annual_energy_mwh"] for p in computed))
    targets = {t["target_id"]: t for t in d["targets"]}
    ref = d["reference_yield"]["specific_yield_kwh_per_kwp"]
    assert targets["lx-t-05"]["target_mw"] == 600 and targets["lx-t-05"]["missing_mw"] == pytest.approx(56.0)
    assert targets["lx-t-05"]["missing_energy_gwh"] == pytest.approx(56.0 * ref / 1000)
    assert targets["lx-t-03"]["missing_mw"] == 0  # the named pipeline already exceeds the 2025 target
    assert "baseline" in d["assumptions"]["gap"]

    assert main(["--store", str(built_store), "yield", "--district", "431202", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "431202 鹤城区" in out and "hc-pv-04" in out and "assumption (energy)" in out
    assert main(["--store", str(built_store), "yield", "--district", "431202"]) == 0
    out = capsys.readouterr().out
    assert "431202 鹤城区：参考等效利用小时数" in out and "假设（发电量）：" in out
    assert "规划未注明容量，无发电量" in out and "屋顶光伏（平铺）" in out
    assert "假设（缺口）：仅计规划列名项目" in out  # the gap assumption in the catalogue's Chinese


def test_site_text_is_chinese_by_default_english_on_request_json_the_same(capsys):
    site = ["yield", "--lat", "29.36", "--lon", "113.13", "--capacity-mw", "1", "--mounting", "agrivoltaic_fixed"]
    assert main(site) == 0
    zh = capsys.readouterr().out
    assert zh.startswith("光伏 1 MW（0.1 万千瓦），农光互补（固定支架），北纬 29.3600°，东经 113.1300°")
    for words in ("年发电量：", "（规划估算）", "等效利用小时数：", "P50 / P90：", "（十年平均）", "容量系数：",
                  "系统效率（PR）：", "组件面辐照：", "逐月发电量 MWh：", "作物光照：", "气象数据："):
        assert words in zh, words
    assert main([*site, "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert en.startswith("1 MWp agrivoltaic_fixed at 29.3600 N, 113.1300 E")
    assert "  specific yield     " in en and "  performance ratio  " in en and "万千瓦" not in en
    outputs = []
    for lang in ([], ["--lang", "zh"], ["--lang", "en"]):
        assert main([*site, "--json", *lang]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2] and json.loads(outputs[0])["capacity_mw"] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lat", "95", "--lon", "113", "--capacity-mw", "1"], "error: lat: 95.0 is not a latitude"),
        (["--lat", "29", "--lon", "113", "--capacity-mw", "-1"],
         "error: capacity_mw: -1.0 is not a positive capacity in MWp"),
        (["--lat", "29", "--lon", "113", "--capacity-mw", "1", "--mounting", "roof"],
         "error: mounting: unknown preset 'roof' (allowed: rooftop, ground_fixed"),
        (["--lat", "29", "--lon", "113", "--capacity-mw", "1", "--weather", "missing.epw"],
         "error: weather: 'missing.epw' is neither a source"),
        (["--lat", "29", "--lon", "113"], "error: yield: a site needs --lat, --lon and --capacity-mw"),
        (["--project", "nope"], "error: project: no project with id 'nope'"),
        (["--project", "lx-pv-01", "--district", "430682"], "error: yield: give exactly one of"),
        (["--district", "999999"], "error: district: unknown adcode '999999' (allowed: "),
        (["--project", "hc-substation-01"], "error: project hc-substation-01: category 'substation' is not PV"),
    ],
)
def test_bad_input_is_one_clear_line(capsys, built_store, argv, message):
    assert main(["--store", str(built_store), "yield", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_weather_file_with_a_gap_through_the_real_command(tmp_path):
    lines = (FIXTURES / "yueyang.epw").read_text().splitlines()
    del lines[500]
    (tmp_path / "gap.epw").write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "yield", "--lat", "29.36", "--lon", "113.13", "--capacity-mw", "1",
         "--weather", str(tmp_path / "gap.epw")], capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "gap.epw" in proc.stderr and "time: not hourly after" in proc.stderr


def test_weather_file_far_from_the_site_is_refused(capsys):
    assert main(["yield", "--lat", "27.55", "--lon", "109.96", "--capacity-mw", "1", "--weather",
                 str(FIXTURES / "yueyang.epw")]) == 2
    assert "km from the site" in capsys.readouterr().err
