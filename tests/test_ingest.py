"""Ingest: plan text to proposed registry rows (issue 15).

Snippets phrased like other provinces' plans guard generality.
"""

import importlib.util
import shutil

import pytest
from conftest import DATA, REPO

from api.cli import main
from geo.ingest.errors import IngestError
from geo.ingest.projects import projects_in
from geo.ingest.propose import propose
from geo.ingest.targets import targets_in
from geo.ingest.text import decode_plan, parse_document
from geo.registry.dataset import load
from geo.registry.plans import span_text


def _doc(text: str):
    return parse_document(text)


def _projects(text: str):
    return projects_in(_doc(text))


def _quote_ok(text: str, row) -> bool:
    return row.quote in span_text(tuple(text.split("\n")), row.line)


def test_list_with_shared_suffix_is_one_row_per_substation():
    text = "主网竣工投资项目共7个，为110kV马壕、南津港和枫树坡变电站更换主变压器。"
    rows = _projects(text)
    assert sorted(r.name_zh for r in rows) == ["110kV南津港变电站更换主变压器", "110kV枫树坡变电站更换主变压器",
                                               "110kV马壕变电站更换主变压器"]
    assert all(r.category == "substation" and r.voltage_kv == 110 for r in rows)
    assert all(r.action == "transformer_replacement" for r in rows)
    assert all(_quote_ok(text, r) for r in rows)


@pytest.mark.parametrize(("text", "name", "category", "subtype", "mw"), [
    # 甘肃: 风光 bases in 万千瓦 and in MW
    ("加快建设酒泉市肃北县马鬃山100万千瓦风电项目，力争2025年建成并网。", "酒泉市肃北县马鬃山100万千瓦风电项目",
     "wind", "onshore", 1000),
    ("推进瓜州县200MW光伏发电项目和敦煌市100MW/400MWh储能电站建设。", "瓜州县200MW光伏发电项目", "pv", "", 200),
    # 云南: 兆瓦, 农光互补
    ("开工建设弥勒市东山镇300兆瓦农光互补光伏电站。", "弥勒市东山镇300兆瓦农光互补光伏电站", "pv", "agrivoltaic", 300),
    # 河北: GW, 抽水蓄能
    ("加快推进丰宁抽水蓄能电站二期工程，装机容量1.8GW。", "丰宁抽水蓄能电站二期工程", "storage", "pumped_hydro", 1800),
    # full-width digits, half-width punctuation
    ("谋划建设某某乡５万千瓦渔光互补光伏项目,计划2026年开工.", "某某乡5万千瓦渔光互补光伏项目", "pv", "fishery", 50),
])
def test_other_provinces_wording(text, name, category, subtype, mw):
    rows = _projects(text)
    row = next(r for r in rows if r.name_zh == name)
    assert (row.category, row.subtype, row.capacity_mw) == (category, subtype, mw)
    assert _quote_ok(text, row)


@pytest.mark.parametrize(("text", "names"), [
    # 四川: a list of names each with its own capacity, sharing the last one's kind and head
    ("建设甘孜州某某 100MW、阿坝州某某 200MW 光伏项目。",
     {"甘孜州某某100MW光伏项目": 100, "阿坝州某某200MW光伏项目": 200}),
    # 广东: substations written short, the second without its voltage
    ("500kV东莞变和水乡变扩建工程2025年投产。", {"500kV东莞变": None, "500kV水乡变扩建": None}),
    # 河北: a pipeline after a name that ends in 项目
    ("推进石化项目天然气管道建设。", {"石化项目天然气管道": None}),
    # 云南: piles with a rating are a programme with a count
    ("新建充电桩3000个，其中120kW以上快充桩800个。", {"新建充电桩": None, "120kW以上快充桩": None}),
])
def test_lists_shared_kinds_and_programmes(text, names):
    rows = {r.name_zh: r for r in _projects(text)}
    assert {n: rows[n].capacity_mw for n in names} == names
    assert all(_quote_ok(text, r) for r in rows.values())


@pytest.mark.parametrize("text", [
    "发展光伏组件、逆变器、箱式变电站等产品。",  # products, not facilities
    "严格控制新上燃煤项目，严禁新建燃煤自备电厂。",  # restricted
    "构建以500千伏变电站为核心的主网架。",  # a role
])
def test_not_projects(text):
    assert _projects(text) == []


def test_storage_power_and_energy():
    rows = _projects("推进敦煌市100MW/400MWh储能电站建设。")
    assert [(r.capacity_mw, r.energy_mwh) for r in rows] == [(100, 400)]


def test_status_and_year_from_wording():
    rows = {r.name_zh: r for r in _projects(
        "某县50MW光伏电站已建成投产。某县风电场项目正在建设。谋划某镇抽水蓄能电站。220kV中心变计划2024年投运。")}
    assert rows["某县50MW光伏电站"].status == "completed"
    assert rows["某县风电场项目"].status == "under_construction"
    assert rows["某镇抽水蓄能电站"].status == "proposed"
    assert rows["220kV中心变"].target_year == 2024


def test_hard_wrapped_traditional_text_is_cited_at_its_lines():
    text = "（1）光伏發電項目：某縣桃林 12萬千瓦光伏發電項目、某縣白羊田 10\n\n萬千瓦農光互補光伏發電項目。"
    rows = _projects(text)
    by = {r.capacity_mw: r for r in rows}
    assert set(by) == {120, 100}
    assert by[100].line == "1-3" and by[100].subtype == "agrivoltaic"
    assert all(_quote_ok(text, r) for r in rows)


def test_targets_year_comparator_unit():
    text = ("到2025年，全县新能源装机容量不低于16.24万千瓦，非化石能源消费比重达到20%左右，"
            "单位GDP能耗较2020年下降14.5%。")
    rows = {t.metric: t for t in targets_in(_doc(text))}
    cap = rows["new_energy_capacity_mw"]
    assert (cap.value, cap.unit, cap.comparator, cap.year) == (162.4, "MW", ">=", 2025)
    assert (rows["non_fossil_share_pct"].value, rows["non_fossil_share_pct"].comparator) == (20, "~")
    assert rows["energy_intensity_reduction_pct"].basis == "reduction_vs_2020"
    assert all(_quote_ok(text, t) for t in rows.values())


@pytest.mark.parametrize(("text", "metric", "value", "year", "comparator"), [
    # 甘肃 / 河北: shares and intensity
    ("到2025年，非化石能源消费比重达到25%左右。", "non_fossil_share_pct", 25, 2025, "~"),
    ("“十四五”期间，单位GDP能耗下降13.5%。", "energy_intensity_reduction_pct", 13.5, 2025, "="),
    # 广东: piles in 万个, PUE, service radius
    ("到2025年，全市公共充电桩保有量达到1.2万个以上。", "charging_piles_count", 12000, 2025, ">="),
    ("到2025年，新建大型数据中心电能利用效率不高于1.25。", "data_centre_pue", 1.25, 2025, "<="),
    ("到2025年，城区公共充电服务半径不大于2公里。", "charging_service_radius_km", 2, 2025, "="),
    # 四川: an 'other' target about waste, kept; tonnage
    ("到2025年，农作物秸秆综合利用率达到92%以上。", "other", 92, 2025, ">="),
    ("力争到2030年，全市煤炭储备能力达到300万吨。", "coal_storage_t", 3_000_000, 2030, ">="),
    # 云南: grid counts and lengths in a five-year plan's list, no year in the sentence
    ("新建改造110千伏变电站12座、线路260公里。", "substation_count", 12, None, "="),
])
def test_targets_of_other_provinces(text, metric, value, year, comparator):
    rows = [t for t in targets_in(_doc(text)) if t.metric == metric]
    assert [(t.value, t.year, t.comparator) for t in rows] == [(value, year, comparator)]
    assert all(_quote_ok(text, t) for t in rows)


@pytest.mark.parametrize("text", [
    "到2025年，全社会研发经费投入占GDP比重达到2.5%。",  # the economy: not an energy target
    "到2025年，数字经济核心产业增加值占地区生产总值比重达到10%。",
    "到2025年，新建公共充电桩2000个，其中60kW以上快充桩1200个。",  # 60kW rates the piles
])
def test_not_energy_targets(text):
    assert not [t for t in targets_in(_doc(text)) if t.metric == "other" or t.unit == "MW"]


def test_indicator_table_rows():
    text = ("类别\t序号\t指标名称\t2025年 (基期值)\t2030年 (目标值)\t属性\n"
            "绿色低碳\t15\t非化石能源占能源消费总量比重 (%)\t17.1\t25\t约束性\n"
            "\t19\t森林覆盖率 (%)\t36.1\t保持稳定\t约束性\n"
            "\t20\t粮食综合生产能力 (万吨)\t300\t305\t约束性\n"
            "安全保障\t21\t能源综合生产能力 (万吨标准煤)\t95\t160\t约束性")
    rows = {t.metric: t for t in targets_in(_doc(text))}
    assert (rows["non_fossil_share_pct"].value, rows["non_fossil_share_pct"].year) == (25, 2030)
    assert (rows["forest_cover_pct"].value, rows["forest_cover_pct"].comparator) == (36.1, "~")
    assert (rows["other"].value, rows["other"].unit) == (1_600_000, "tce")
    assert len(rows) == 3  # grain is not an energy indicator
    assert all(_quote_ok(text, t) for t in rows.values())


def test_gb18030_and_binary(tmp_path):
    text, enc = decode_plan("到2030年，全市光伏装机达到100万千瓦以上。".encode("gb18030"))
    assert enc == "gb18030" and "光伏" in text
    with pytest.raises(IngestError, match="not a text file"):
        decode_plan(b"abc\n\x00\x01")


@pytest.mark.parametrize("content", ["", "今天天气很好。\n网页导航 首页 | 新闻\n", "到2025年", "光伏" * 3000,
                                     "（一）\n、、、，，。\n20万千瓦\n"])
def test_no_traceback_and_empty_proposal(tmp_path, content):
    path = tmp_path / "x.txt"
    path.write_text(content, encoding="utf-8")
    proposal = propose(path, DATA, None)
    if not proposal.projects and not proposal.targets:
        assert proposal.messages


def test_county_inferred_and_rows_placed():
    proposal = propose(DATA / "plans" / "430682_linxiang_carbon_peak.txt", DATA, None)
    assert proposal.adcode == "430682"
    zhongfang = next(r for r in proposal.projects if "忠防镇" in r.name_zh)
    assert (zhongfang.capacity_mw, zhongfang.township, zhongfang.subtype) == (100, "忠防镇", "agrivoltaic")


def test_cli_ingest_validates_and_accepts(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("plans", "registry"):
        shutil.copytree(DATA / name, data / name)
    shutil.copy(DATA / "places.csv", data / "places.csv")
    for name in ("boundaries", "gazetteer"):
        (data / name).symlink_to(DATA / name, target_is_directory=True)
    plan = tmp_path / "new_county_plan.txt"
    plan.write_bytes((DATA / "plans" / "431202_hecheng_carbon_peak.txt").read_text(encoding="utf-8").encode("gb18030"))
    out = tmp_path / "proposal"
    assert main(["--data-dir", str(data), "ingest", str(plan), "--out", str(out)]) == 0
    assert "validate: ok" in capsys.readouterr().out
    header = (out / "new_county_plan.projects.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",curation")
    assert main(["--data-dir", str(data), "ingest", "new_county_plan", "--accept", str(out)]) == 0
    assert (data / "plans" / "new_county_plan.txt").is_file()
    assert main(["--data-dir", str(data), "validate"]) == 0
    accepted = [p for p in load(data)[0].registry.projects if p.provenance[0].plan_id == "new_county_plan"]
    assert accepted and {p.provenance[0].method for p in accepted} == {"parsed"}  # curation=proposed
    assert main(["--data-dir", str(data), "ingest", "new_county_plan", "--accept", str(out)]) == 2  # already there
    assert main(["--data-dir", str(data), "ingest", str(plan), "--adcode", "999999", "--out", str(out)]) == 2


def _bench():
    spec = importlib.util.spec_from_file_location("bench_ingest", REPO / "benchmarks" / "bench_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quality_on_the_development_set(capsys):
    """Floors a few points under what was measured (projects: recall 82 %, precision 92 %, capacity right on 101 of
    103 found; targets: recall 88 %, precision 94 %).

    Three to four points of slack: one row of 126 curated projects is 0.8 point, so a floor this close still lets a
    rule trade one dubious row for a general gain, and catches any real regression. The benchmark prints the table
    per plan and category.
    """
    results = _bench().quality()
    cur, found, cap_ok, prop, right = results["ALL"]["PROJECTS"]
    assert found / cur >= 0.79 and right / prop >= 0.88 and cap_ok / found >= 0.94
    cur, found, _, prop, right = results["ALL"]["TARGETS"]
    assert found / cur >= 0.85 and right / prop >= 0.90
    pv = results["430682_linxiang_carbon_peak"]["pv"]
    assert pv[1] == pv[0] == pv[2]  # every named PV project of the 专栏, with its capacity

