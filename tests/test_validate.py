import csv
import re
from pathlib import Path

import pytest
from conftest import DATA

from api.cli import main
from geo.registry.dataset import load

LX = "430682_linxiang_carbon_peak"
GOOD = {  # a valid row: 临湘市忠防镇10万千瓦农光互补 at plan line 366
    "id": "lx-pv-99", "name_zh": "测试项目", "name_en": "test project", "category": "pv", "subtype": "agrivoltaic",
    "capacity_raw": "10万千瓦", "capacity_mw": "100", "district_adcode": "430682", "township": "忠防镇",
}


def plan_line_of(text: str, plan: str = LX) -> int:
    lines = (DATA / "plans" / f"{plan}.txt").read_text(encoding="utf-8").split("\n")
    return next(i for i, s in enumerate(lines, 1) if text in s)


def append_row(path: Path, row: dict) -> int:
    """Append a row; return its line number in the file."""
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
        n = 1 + sum(1 for _ in f)
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=header, lineterminator="\n").writerow(row)
    return n + 1


def project_row(**changes) -> dict:
    line = plan_line_of("忠防镇 10万千瓦")
    row = {**GOOD, "line": str(line), "quote": "忠防镇 10万千瓦农光互补光伏发电项目"}
    row.update(changes)
    return row


def test_shipped_data_is_clean(capsys):
    ds, problems = load(DATA)
    assert problems == []
    assert len(ds.registry.projects) >= 100 and len(ds.registry.targets) >= 100
    assert main(["validate", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("ok: 5 plans")
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("检查通过：规划 5 份") and "乡镇位置 5" in out


def test_a_good_extra_row_passes(data_copy):
    append_row(data_copy / "registry" / f"{LX}.projects.csv", project_row())
    assert load(data_copy)[1] == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"quote": "忠防镇 20万千瓦农光互补"}, "quote", "not found at 430682_linxiang_carbon_peak.txt:"),
    ({"line": "1"}, "quote", "not found at"),
    ({"line": "99999"}, "line", "past the end of the plan"),
    ({"district_adcode": "430699"}, "district_adcode", "unknown district '430699': not an adcode of China"),
    ({"capacity_raw": "若干", "capacity_mw": "100"}, "capacity_raw", "unparsable capacity"),
    ({"capacity_mw": "10"}, "capacity_mw", "disagrees with capacity_raw '10万千瓦' = 100 MW"),
    ({"capacity_mw": "-5"}, "capacity_mw", "must be >= 0"),
    ({"capacity_mw": "nan"}, "capacity_mw", "must be finite"),
    ({"id": "lx-pv-01"}, "id", "duplicate id 'lx-pv-01' (first at"),
    ({"category": "solar"}, "category", "unknown value 'solar'; allowed: pv, wind"),
    ({"status": "done"}, "status", "allowed: proposed, planned"),
    ({"target_year": "25"}, "target_year", "must be within 2000..2100"),
])
def test_each_bad_row_is_reported_at_its_file_and_line(data_copy, capsys, changes, field, message):
    path = data_copy / "registry" / f"{LX}.projects.csv"
    line = append_row(path, project_row(**changes))
    _, problems = load(data_copy)
    assert problems, "the bad row must be reported"
    where = [p for p in problems if p.path == str(path) and p.line == line]
    assert [p.field for p in where] == [field] or field in [p.field for p in where], problems
    assert any(message in p.message for p in where), [str(p) for p in where]
    # the CLI prints the same as file:line: field: message and fails
    assert main(["--data-dir", str(data_copy), "validate"]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"{re.escape(str(path))}:{line}: {field}: .*{re.escape(message)}", out), out


ZF_ROW = "忠防镇,township,430682,{lon},{lat},{crs},{precision},test,\n"


def test_point_outside_its_stated_district(data_copy):
    places = data_copy / "places.csv"
    # 忠防镇 is in 临湘市; put it at the Hecheng seat (鹤城区): both the place and its project are reported
    with places.open("a", encoding="utf-8") as f:
        f.write(ZF_ROW.format(lon=109.9611, lat=27.5553, crs="wgs84", precision="township"))
    _, problems = load(data_copy)
    messages = [str(p) for p in problems]
    assert any("places.csv:" in m and "outside its stated district 430682: it lies in 431202" in m for m in messages)
    assert any(f"{LX}.projects.csv:" in m and "lies outside its stated district 430682" in m for m in messages)


def test_gcj02_place_is_converted_and_bad_crs_rejected(data_copy):
    places = data_copy / "places.csv"
    text = places.read_text(encoding="utf-8")
    # the Linxiang seat as an Amap (GCJ-02) app would show it; a curated row beats the gazetteer
    places.write_text(text + ZF_ROW.format(lon=113.45601, lat=29.47424, crs="gcj02", precision="surveyed"),
                      encoding="utf-8")
    ds, problems = load(data_copy)
    assert problems == []
    place = ds.places[("430682", "忠防镇")]
    assert place.lon == pytest.approx(113.4504, abs=1e-3) and place.lat == pytest.approx(29.4768, abs=1e-3)
    loc = ds.locations["lx-pv-04"]
    assert (loc.precision, loc.lon) == ("surveyed", place.lon)
    assert loc.source.startswith("places.csv places.csv:")
    places.write_text(text + ZF_ROW.format(lon=113.45, lat=29.47, crs="amap", precision="surveyed"), encoding="utf-8")
    assert any("crs: unknown value 'amap'; allowed: wgs84, gcj02, bd09" in str(p) for p in load(data_copy)[1])


def test_unresolved_place_is_a_warning_at_its_file_and_line(data_copy, capsys):
    path = data_copy / "registry" / f"{LX}.projects.csv"
    line = append_row(path, project_row(township="不存在镇"))
    ds, problems = load(data_copy)
    assert problems == []
    assert ds.locations["lx-pv-99"].precision == "district"  # not guessed
    assert main(["--data-dir", str(data_copy), "validate"]) == 0
    out = capsys.readouterr().err
    assert re.search(rf"warning: {re.escape(str(path))}:{line}: township: place '不存在镇' is neither in places.csv "
                     "nor in the gazetteer", out), out


def test_ambiguous_village_is_reported_not_guessed(data_copy):
    path = data_copy / "registry" / f"{LX}.projects.csv"
    line = append_row(path, project_row(district_adcode="431202", township="", village="杨村"))
    ds, problems = load(data_copy)
    assert problems == []
    assert ds.locations["lx-pv-99"].precision == "district"
    [w] = [w for w in ds.warnings if w.line == line]
    assert w.field == "village" and "ambiguous" in w.message
    assert "杨村社区 (红星街道" in w.message and "杨村村 (城南街道" in w.message


def test_any_county_of_china_can_be_used(data_copy, tmp_path):
    from geo.store.build import build
    from geo.store.file import read_table

    # a row for 东城区 of Beijing (110101): its outline, its city and its township come with it
    path = data_copy / "registry" / f"{LX}.projects.csv"
    append_row(path, project_row(district_adcode="110101", township="东华门街道"))
    ds, problems = load(data_copy)
    assert problems == []
    assert {"110101", "110100"} <= set(ds.districts)
    assert ds.districts["110101"].name_zh == "东城区" and ds.districts["110101"].parent_adcode == "110100"
    loc = ds.locations["lx-pv-99"]
    assert loc.precision == "township"
    # 东华门街道 lies between the Forbidden City and Wangfujing (39.91-39.93 N, 116.39-116.42 E)
    assert 116.38 < loc.lon < 116.43 and 39.90 < loc.lat < 39.94
    store = tmp_path / "store.gpkg"
    build(data_copy, store)
    districts = read_table(store, "districts")
    assert {"110101", "110100"} <= set(districts["adcode"])


def test_missing_column_is_reported(data_copy):
    path = data_copy / "registry" / f"{LX}.targets.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace("metric", "measure")
    path.write_text("\n".join(lines), encoding="utf-8")
    assert any(p.line == 1 and "missing column(s): metric" in p.message for p in load(data_copy)[1])
