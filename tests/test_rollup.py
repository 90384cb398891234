import json

import pandas as pd
import pytest
from conftest import DATA

from api.cli import main
from api.state import load_state
from geo.rollup import rollup, target_gaps


@pytest.fixture(scope="module")
def state(built_store):
    return load_state(DATA, built_store)


def gaps_by_id(state):
    return target_gaps(state.projects, state.targets, state.parents).set_index("target_id")


def test_linxiang_new_energy_targets_against_its_named_pv(state):
    g = gaps_by_id(state)
    lx_pv = state.projects[(state.projects["district_adcode"] == "430682") & (state.projects["category"] == "pv")]
    named = lx_pv["capacity_mw"].sum()
    assert named == pytest.approx(120 + 100 + 20 + 100 + 200 + 4)  # the six PV projects of 专栏2
    rows = g[(g["adcode"] == "430682") & (g["metric"] == "new_energy_capacity_mw")].set_index("year")
    assert rows.loc[2025, "target_mw"] == 300 and rows.loc[2030, "target_mw"] == 600
    assert rows.loc[2025, "gap_mw"] == pytest.approx(300 - named)
    assert rows.loc[2030, "gap_mw"] == pytest.approx(600 - named)


def test_hecheng_wind_farms_back_its_new_energy_target(state):
    g = gaps_by_id(state)
    row = g[(g["adcode"] == "431202") & (g["metric"] == "new_energy_capacity_mw")].iloc[0]
    assert row["target_mw"] == pytest.approx(162.4) and row["year"] == 2025
    assert {"hc-wind-01", "hc-wind-02"} <= set(row["named_projects"].split(","))
    assert row["named_mw"] >= 162.4 and row["backed"]


def test_targets_no_named_project_backs(state):
    g = gaps_by_id(state)
    ylq = g[(g["adcode"] == "430602") & (g["metric"] == "pv_capacity_mw")].set_index("year")
    assert list(ylq.loc[[2025, 2030], "target_mw"]) == [20, 50]
    assert not ylq["backed"].any() and (ylq["gap_mw"] == ylq["target_mw"]).all()
    yyx = g[(g["adcode"] == "430621") & (g["metric"] == "new_energy_capacity_mw")].iloc[0]
    assert yyx["target_mw"] == 1355 and not yyx["backed"]


def test_city_target_counts_its_counties():
    projects = pd.DataFrame({"id": ["a", "b", "c"], "district_adcode": ["430682", "430602", "431202"],
                             "category": ["pv", "wind", "pv"], "capacity_mw": [10.0, 5.0, 7.0],
                             "target_year": pd.array([2025, None, 2025], dtype="Int64")})
    targets = pd.DataFrame({"id": ["t"], "adcode": ["430600"], "metric": ["new_energy_capacity_mw"],
                            "value": [100.0], "year": pd.array([2025], dtype="Int64"), "comparator": [">="],
                            "basis": ["stock"]})
    parents = {"430682": "430600", "430602": "430600", "431202": "431200"}
    g = target_gaps(projects, targets, parents).iloc[0]
    assert (g["named_mw"], g["gap_mw"], g["named_projects"]) == (15.0, 85.0, "a,b")


def test_rollup_counts_and_mw(state):
    r = rollup(state.projects)
    lx = r[(r["district_adcode"] == "430682") & (r["category"] == "pv")]
    assert lx["projects"].sum() == 7 and lx["capacity_mw"].sum() == pytest.approx(544)
    assert r["projects"].sum() == len(state.projects)


def test_targets_cli(built_store, capsys):
    assert main(["--store", str(built_store), "targets", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "baseline taken as 0" in out["assumption"]
    assert main(["--store", str(built_store), "targets", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Not backed by any named project" in text and "ylq-t-02" in text


def test_targets_text_is_chinese_by_default(built_store, capsys):
    assert main(["--store", str(built_store), "targets", "--adcode", "431202"]) == 0
    text = capsys.readouterr().out
    header = text.splitlines()[1].split()
    assert header[:5] == ["目标编号", "单位", "指标", "目标年", "比较"]
    assert "新能源装机" in text and "new_energy_capacity_mw" not in text  # the metric's label, not its code
    assert "162.4 MW（16.24 万千瓦）" in text and " 是" in text and "True" not in text
    assert "没有任何注明容量的列名项目支撑的目标：无" in text and "基数按 0 计" in text


def test_rollup_text_is_chinese_by_default_and_english_on_request(built_store, capsys):
    assert main(["--store", str(built_store), "rollup", "--adcode", "430682"]) == 0
    zh = capsys.readouterr().out
    assert zh.split()[:3] == ["区划代码", "区县", "目标年"]
    assert "农光互补" in zh and "规划建设" in zh and "未注明" in zh and "400 MW（40 万千瓦）" in zh
    assert "agrivoltaic" not in zh and "unspecified" not in zh
    assert main(["--store", str(built_store), "rollup", "--adcode", "430682", "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert en.split()[:3] == ["district_adcode", "district_name_zh", "target_year"]
    assert "agrivoltaic" in en and "unspecified" in en and "万千瓦" not in en


@pytest.mark.parametrize("command", [["rollup"], ["targets"], ["targets", "--adcode", "430603"]])
def test_json_is_the_same_in_every_language(built_store, capsys, command):
    outputs = []
    for lang in ([], ["--lang", "zh"], ["--lang", "en"]):
        assert main(["--store", str(built_store), *command, "--json", *lang]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2] and json.loads(outputs[0]) is not None
