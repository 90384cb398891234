"""Wind farms of the registry, a district's PV + wind against its targets, through the CLI and the service."""

import json
import math

import pytest
from conftest import DATA
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings

Z = 1.2815515655446004


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_wind_project_yield_from_the_cli(capsys, built_store):
    r = run_json(capsys, "--store", str(built_store), "yield", "--project", "hc-wind-02", "--json")
    assert r["category"] == "wind" and r["capacity_mw"] == 100 and r["yield_status"] == "computed"
    assert r["location_precision"] == "township" and "not the site's" in r["location_note"]
    assert 1900 <= r["full_load_hours"] <= 2250 and r["is_estimate"]
    assert r["energy_p90_1y_mwh"] < r["energy_p90_10y_mwh"] < r["energy_p50_mwh"]
    assert len(r["monthly_energy_mwh"]) == 12
    text_rc = main(["--store", str(built_store), "yield", "--project", "hc-wind-01", "--lang", "en"])
    out = capsys.readouterr().out
    assert text_rc == 0 and "full-load hours" in out and "assumption" in out and "62.4 MW wind" in out
    assert main(["--store", str(built_store), "yield", "--project", "hc-wind-01"]) == 0
    out = capsys.readouterr().out
    assert "风电 62.4 MW（6.24 万千瓦）" in out and "等效满发小时数：" in out and "  假设：" in out
    assert "  full-load hours    " not in out  # the label; the model's assumption texts stay as written
    # another turbine and a given mean wind change the figure, in the right direction
    more = run_json(capsys, "--store", str(built_store), "yield", "--project", "hc-wind-02", "--mean-speed", "6",
                    "--json")
    assert more["annual_energy_mwh"] > 1.2 * r["annual_energy_mwh"] and "as given" in more["assumptions"]["wind"][0]


def test_hecheng_new_energy_target_in_mw_and_gwh_with_p50_p90(capsys, built_store):
    d = run_json(capsys, "--store", str(built_store), "yield", "--district", "431202", "--json")
    wind = {w["id"]: w for w in d["wind_projects"]}
    assert set(wind) == {"hc-wind-01", "hc-wind-02"} and all(w["yield_status"] == "computed" for w in wind.values())
    pv = [p for p in d["pv_projects"] if p["yield_status"] == "computed"]
    by = d["total"]["by_category"]
    assert by["wind"]["capacity_mw"] == pytest.approx(162.4)
    assert by["wind"]["annual_energy_mwh"] == pytest.approx(sum(w["annual_energy_mwh"] for w in wind.values()))
    # totals: one weather per technology (SDs add), PV and wind independent (variances add)
    sd = {c: sum(r["annual_energy_mwh"] * r["interannual_std_pct"] / 100 for r in rows)
          for c, rows in (("pv", pv), ("wind", list(wind.values())))}
    e = sum(r["annual_energy_mwh"] for r in pv) + by["wind"]["annual_energy_mwh"]
    assert d["total"]["annual_energy_mwh"] == pytest.approx(e)
    assert d["total"]["annual_energy_mwh_p90_1y"] == pytest.approx(e - Z * math.hypot(sd["pv"], sd["wind"]))
    (t,) = [t for t in d["targets"] if t["target_id"] == "hc-t-07"]
    assert t["target_mw"] == pytest.approx(162.4) and t["missing_mw"] == 0
    assert t["named_energy_gwh"] == pytest.approx(e / 1000)
    assert t["target_energy_gwh_p90_1y"] < t["target_energy_gwh_p90_10y"] < t["target_energy_gwh"]
    # the named pipeline (162.4 MW wind + 5.7 MW PV) exceeds 162.4 MW: the target's share of its energy
    assert t["target_energy_gwh"] == pytest.approx(t["named_energy_gwh"] * 162.4 / t["named_mw_with_yield"])
    assert "independent" in d["assumptions"]["p50_p90"] and "6 %" in d["assumptions"]["wind_p50_p90"]
    assert main(["--store", str(built_store), "yield", "--district", "431202", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "hc-wind-02" in out and "wind: 2 of 2 projects" in out and "hc-t-07" in out
    assert main(["--store", str(built_store), "yield", "--district", "431202"]) == 0
    out = capsys.readouterr().out
    assert "风电：2 个项目中 2 个注明容量：162.4 MW（16.24 万千瓦）" in out and "乡镇位置" in out
    assert "新能源装机" in out and "township" not in out.split("风电参考")[1].split("风电：")[0]


def test_a_wind_target_without_named_wind_is_valued_at_the_wind_reference(capsys, built_store):
    d = run_json(capsys, "--store", str(built_store), "yield", "--district", "430682", "--json")
    ref = d["wind_reference_yield"]
    assert 1900 <= ref["full_load_hours"] <= 2250 and d["wind_projects"] == []
    (t,) = [t for t in d["targets"] if t["target_id"] == "lx-t-05"]
    assert t["missing_valued_as"] == "pv" and t["missing_energy_gwh"] == pytest.approx(
        56.0 * d["reference_yield"]["specific_yield_kwh_per_kwp"] / 1000)


@pytest.mark.parametrize(("argv", "message"), [
    (["--project", "hc-wind-02", "--turbine", "X1"], "error: turbine: unknown turbine 'X1' (allowed: generic_iec3"),
    (["--project", "hc-wind-02", "--hub-height", "5"], "error: hub_height: 5 m is not a hub height"),
    (["--project", "hc-wind-02", "--mean-speed", "40"], "error: mean_speed: 40 m/s is outside 2..15 m/s"),
    (["--project", "hc-wind-02", "--site-type", "moon"], "error: site_type: unknown site type 'moon'"),
    (["--project", "hc-wind-02", "--wind-loss", "wake=90"], "error: losses.wake: 90 % is outside 0..50 %"),
    (["--project", "hc-wind-02", "--wind-loss", "fog=1"], "error: losses: unknown loss 'fog' (allowed: wake"),
    (["--project", "hc-wind-02", "--wind-file", "nope.csv"], "error: wind: file 'nope.csv' does not exist"),
    (["--lat", "48.85", "--lon", "2.35", "--capacity-mw", "10", "--kind", "wind"], "error: lat/lon:"),
])
def test_bad_wind_input_is_one_clear_line(capsys, built_store, argv, message):
    assert main(["--store", str(built_store), "yield", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and "Traceback" not in err and err.count("\n") == 1


def test_wind_in_the_service(built_store):
    with TestClient(create_app(Settings(data_dir=DATA, store=built_store))) as client:
        r = client.get("/collections/projects/items/hc-wind-01/yield")
        assert r.status_code == 200 and r.json()["category"] == "wind" and r.json()["full_load_hours"] > 1500
        d = client.get("/analysis/districts/431202/yield").json()
        assert {w["id"] for w in d["wind_projects"]} == {"hc-wind-01", "hc-wind-02"}
        site = {"lat": 27.6533, "lon": 109.9492, "capacity_mw": 50.0}
        w = client.post("/analysis/wind-yield", json=site)
        assert w.status_code == 200 and w.json()["capacity_mw"] == 50 and w.json()["turbine"] == "generic_iec3"
        faster = client.post("/analysis/wind-yield", json={**site, "mean_speed_m_s": 6.0, "turbine": "N131/3000"})
        assert faster.json()["annual_energy_mwh"] > w.json()["annual_energy_mwh"]
        bad = client.post("/analysis/wind-yield", json={**site, "lat": 48.85, "lon": 2.35})
        assert bad.status_code == 422 and "outside China" in bad.json()["detail"]
        assert client.post("/analysis/wind-yield", json={**site, "mean_speed_m_s": 40.0}).status_code == 422
        layer = client.get("/layers/pv_yield").json()
        assert {"hc-wind-01", "hc-wind-02"} <= {f["id"] for f in layer["features"]}
        spec = client.get("/api", headers={"Accept": "application/vnd.oai.openapi+json;version=3.0"}).json()
        assert "/analysis/wind-yield" in spec["paths"]


def test_wind_site_text_in_chinese_by_default_english_on_request_json_the_same(capsys):
    site = ["yield", "--lat", "27.6", "--lon", "109.9", "--capacity-mw", "50", "--kind", "wind"]
    assert main(site) == 0
    zh = capsys.readouterr().out
    assert zh.startswith("风电 50 MW（5 万千瓦），16.7 台 generic_iec3，轮毂高度 100 m")
    for words in ("年发电量：", "毛发电量", "等效满发小时数：", "容量系数：", "轮毂高度平均风速：", "P50 / P90：",
                  "逐月发电量 MWh：", "风资源：", "  假设：", "风机：", "损失："):
        assert words in zh, words
    assert main([*site, "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert en.startswith("50 MW wind, 16.7 x generic_iec3 at 100 m hub") and "  full-load hours    " in en
    outputs = []
    for lang in ([], ["--lang", "zh"], ["--lang", "en"]):
        assert main([*site, "--json", *lang]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2] and json.loads(outputs[0])["capacity_mw"] == 50
