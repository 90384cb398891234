"""The models' sources and assumptions (district, wind farm, siting run) in Chinese: same facts and figures."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATA, REPO

from api.cli import main
from api.settings import Settings
from api.state import command_state
from layers.assumption_words import TOPICS, assumption_words, farm_words, siting_words, source_words, topic_label
from layers.i18n import MESSAGES, t, vocab_label
from solar.mounting import SUBTYPE_PRESETS
from solar.results import as_json
from solar.weather import load_weather, read_weather_file
from wind import portfolio as wind_portfolio
from wind.resource import default_resource, read_wind_file

FIXTURES = REPO / "tests" / "fixtures"
UNTRANSLATED = t("words.as_written", "zh", text="")
CJK = re.compile(r"[\u4e00-\u9fff]")


def figures(text: str) -> Counter[str]:
    """Every number written in ``text`` (ids, distances, factors, years), as written."""
    return Counter(re.findall(r"\d+(?:\.\d+)?", text))


def offline(lat: float, lon: float, tmp_path: Path) -> str:
    return load_weather(None, lat, lon, data_dir=DATA, cache_dir=tmp_path).source


@pytest.mark.parametrize("lat, lon", [(29.36, 113.13), (27.55, 109.96), (39.9, 116.4)])
def test_offline_weather_line_keeps_station_distance_years_and_level(lat, lon, tmp_path):
    en = offline(lat, lon, tmp_path)
    zh = source_words(en, "zh")
    assert UNTRANSLATED not in zh and CJK.search(zh) and "规划估算" in zh
    assert figures(zh) == figures(en)  # nothing added, nothing dropped
    n, station, km, first, last, level = re.search(
        r"from (\d+) CMA station\(s\), nearest (\d+).*? (\d+) km away \(CDSRD (\d{4})-(\d{4}) .*level x([\d.]+)",
        en).groups()
    assert re.search(rf"取自 {n} 个.*最近为 {station}.*站，相距 {km} km（CDSRD {first}-{last} 年.*×{level}）", zh)
    assert source_words(en, "en") == en


def test_a_named_nearest_station_keeps_its_name():
    en = ("offline typical year from 3 CMA station(s), nearest 57679 Changsha 12 km away (CDSRD 1970-2017 "
          "statistics, CSWD level x0.931): a planning estimate")
    assert "最近为 57679 Changsha 站，相距 12 km" in source_words(en, "zh")


def test_wind_lines_keep_speed_height_site_type_and_weibull_k():
    assumed = default_resource(DATA, 27.65, 109.95).source
    zh = source_words(assumed, "zh")
    assert zh.startswith("假定") and "山脊场址" in zh and figures(zh) == figures(assumed)
    given = default_resource(DATA, 29.3, 112.9, kind="plain", mean_speed_m_s=6.25, height_m=80, weibull_k=2.3).source
    zh = source_words(given, "zh")
    assert zh.startswith("给定（用户输入）") and "假定" not in zh and "平原场址" in zh
    assert "6.25 m/s（80 m 高度" in zh and "k = 2.3" in zh and figures(zh) == figures(given)


def test_file_lines_name_their_file_and_years():
    for path in (FIXTURES / "yueyang.epw", FIXTURES / "pvgis_tmy_yueyang.json"):
        en = read_weather_file(path).source
        zh = source_words(en, "zh")
        assert f"文件 {path.name}" in zh and UNTRANSLATED not in zh
    en = read_wind_file(FIXTURES / "yueyang.epw", DATA).source
    zh = source_words(en, "zh")
    assert zh.startswith("EPW 文件 yueyang.epw（") and "年逐时风速" in zh and figures(zh) == figures(en)


@pytest.mark.parametrize("text", [
    "a weather line of a form no one translated yet",
    # a known form with something more in it: the Chinese form would leave it out, so the line stays as written
    "offline typical year from 2 CMA station(s), nearest 57581 33 km away (CDSRD 1970-2017 statistics, CSWD "
    "level x0.915): a planning estimate, shifted by 3 %",
])
def test_an_unknown_line_is_shown_as_written_and_marked(text):
    assert source_words(text, "zh") == t("words.as_written", "zh", text=text)
    assert source_words(text, "en") == text


@pytest.fixture(scope="module")
def summary(built_store, tmp_path_factory):
    """The JSON of a district with wind farms and PV (鹤城区), as the report and the service get it."""
    state = command_state(Settings(store=built_store))
    cache = tmp_path_factory.mktemp("weather")
    return as_json(wind_portfolio.district_yield(
        "431202", state.projects, state.targets, state.districts,
        lambda lat, lon: load_weather(None, lat, lon, data_dir=DATA, cache_dir=cache), DATA))


def test_every_assumption_topic_the_models_write_has_its_chinese_sentence(summary):
    assumptions = summary["assumptions"]
    assert set(assumptions) == set(TOPICS)  # a new topic needs its words
    for topic, en in assumptions.items():
        zh = assumption_words(topic, en, "zh")
        # the catalogue's English is exactly the model's (else the Chinese may say something else)
        assert UNTRANSLATED not in zh, topic
        assert CJK.search(zh) and f"cli.topic.{topic}" in MESSAGES, topic
        assert topic_label(topic, "zh") == t(f"cli.topic.{topic}", "zh"), topic
        assert set(figures(zh)) == set(figures(en)), topic
        assert assumption_words(topic, en, "en") == en and topic_label(topic, "en") == topic


def test_presets_in_vocabulary_words(summary):
    zh = assumption_words("projects", summary["assumptions"]["projects"], "zh")
    for subtype, preset in SUBTYPE_PRESETS.items():
        assert f"{vocab_label('subtype', subtype)}→{vocab_label('mounting', preset)}" in zh


def test_a_changed_english_assumption_is_not_covered_by_a_stale_chinese_one(summary):
    changed = summary["assumptions"]["wind_p50_p90"].replace("6 %", "4 %")
    assert assumption_words("wind_p50_p90", changed, "zh") == t("words.as_written", "zh", text=changed)


def test_every_wind_farm_assumption_has_its_chinese_sentence_with_the_same_figures(summary):
    farms = [w for w in summary["wind_projects"] if w["yield_status"] == "computed"]
    assert farms
    for farm in farms:
        lines = [farm["location_note"], *(v for value in farm["assumptions"].values()
                                          for v in (value if isinstance(value, list) else [value]))]
        for en in lines:
            zh = farm_words(en, "zh")
            assert UNTRANSLATED not in zh and CJK.search(zh), en
            assert figures(zh.replace("m²", "m2")) == figures(en), en  # nothing added, nothing dropped
            assert farm_words(en, "en") == en
    zh = farm_words(farms[0]["assumptions"]["losses"], "zh")
    assert "尾流 5 %" in zh and "覆冰与环境 2 %" in zh


@pytest.mark.parametrize("text", [
    # a known form with a changed figure written in the catalogue's literal text: the Chinese would say 300 m
    "site altitude 573 m (stations' 273 m + 300 m for a ridge site: an assumption; give --altitude)".replace(
        "a ridge", "a plain"),
    # a loss list of another form (the Chinese names each loss): as written
    "farm losses compounded on the gross energy: wake 5 % and more (total 5.0 %); curtailment 0",
    "capacity is the farm's rated power (MW); turbines = capacity / the turbine's rating",
])
def test_a_farm_line_of_another_form_is_shown_as_written(text):
    assert farm_words(text, "zh") == t("words.as_written", "zh", text=text)
    assert farm_words(text, "en") == text


@pytest.fixture(scope="module")
def siting_report(built_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("siting") / "430682"
    assert main(["--store", str(built_store), "site", "--district", "430682", "--resolution", "1000",
                 "--no-progress", "--out", str(out)]) == 0
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_every_siting_warning_and_assumption_has_its_chinese_sentence(siting_report):
    texts = [*siting_report["warnings"], *siting_report["assumptions"].values()]
    assert len(siting_report["warnings"]) >= 2 and len(texts) > 10
    for en in texts:
        zh = siting_words(en, "zh")
        assert UNTRANSLATED not in zh and CJK.search(zh), en
        assert figures(zh.replace("km²", "km2")) == figures(en), en
        assert siting_words(en, "en") == en
    coarse = next(w for w in siting_report["warnings"] if w.startswith("COARSE"))
    assert "仅供筛选，须现场核实" in siting_words(coarse, "zh")


def test_a_siting_line_with_an_unknown_part_is_shown_as_written(siting_report):
    coarse = next(w for w in siting_report["warnings"] if w.startswith("COARSE"))
    changed = coarse.replace("lakes: ", "wetlands: ")  # a coarse source the catalogue does not know
    assert siting_words(changed, "zh") == t("words.as_written", "zh", text=changed)
    weights = siting_report["assumptions"]["weights"].replace("normalised", "not normalised")
    assert siting_words(weights, "zh") == t("words.as_written", "zh", text=weights)
