import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from api.cli import main
from geo.errors import NotFoundError
from geo.export import export, neutralise_formulas, neutralise_text


@pytest.mark.parametrize("layer", ["projects", "districts", "targets"])
def test_geojson_opens_with_wgs84(built_store, tmp_path, layer):
    out = tmp_path / f"{layer}.geojson"
    args = ["--store", str(built_store), "export", "--format", "geojson", "--layer", layer, "--out", str(out)]
    assert main(args) == 0
    gdf = gpd.read_file(out)
    assert gdf.crs.to_epsg() == 4326 and len(gdf) > 5
    if layer == "projects":
        assert gdf["name_zh"].str.contains("临湘").any()
        assert gdf.total_bounds[0] > 109 and gdf.total_bounds[2] < 115


def test_csv_has_bom_chinese_and_no_live_formulas(built_store, tmp_path):
    out = tmp_path / "projects.csv"
    assert main(["--store", str(built_store), "export", "--format", "csv", "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert any("忠防镇" in r["name_zh"] for r in rows)
    assert all(not r[k].startswith(("=", "+", "-", "@")) for r in rows for k in r if r[k])
    assert {"lon", "lat", "quote", "plan_id", "location_precision"} <= set(rows[0])


def test_formula_cells_are_neutralised_numbers_kept():
    df = pd.DataFrame({"name": ['=HYPERLINK("http://x","y")', "+1", "@a", "-b", "ok"], "gap": [-1.0, 2, 3, 4, 5]})
    out = neutralise_formulas(df)
    assert list(out["name"]) == ["'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'@a", "'-b", "ok"]
    assert out["gap"].tolist() == [-1.0, 2, 3, 4, 5]


def test_gpkg_holds_all_layers(built_store, tmp_path):
    out = tmp_path / "export.gpkg"
    assert main(["--store", str(built_store), "export", "--format", "gpkg", "--out", str(out)]) == 0
    layers = dict(pyogrio.list_layers(out))
    assert set(layers) == {"projects", "districts", "targets"}
    assert pyogrio.read_info(out, layer="projects")["crs"] == "EPSG:4326"


def test_export_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "x.geojson"
    out.write_text("old", encoding="utf-8")
    bad = gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([113.0], [29.0]), crs=4326)

    class Boom(Exception):
        pass

    def explode(self, path, **kwargs):
        Path(path).write_text("partial", encoding="utf-8")
        raise Boom

    with pytest.raises(NotFoundError, match="allowed: geojson, csv, gpkg"):
        export({"projects": bad}, "xlsx", out)
    with pytest.raises(NotFoundError, match="allowed: projects"):
        export({"projects": bad}, "csv", out, layer="nope")
    monkeypatch.setattr(pd.DataFrame, "to_csv", explode)  # a writer that dies half-way
    with pytest.raises(Boom):
        export({"projects": bad}, "csv", out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.geojson"]


def test_cli_errors_are_messages_not_tracebacks(built_store, tmp_path, capsys):
    assert main(["--store", str(built_store), "export", "--format", "csv", "--out", str(tmp_path / "no" / "\0x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


HOSTILE_TEXT = [
    "x\r@SUM(1+1)", "a\n=1+1", "b\r\n+cmd|' /C calc'!A0", "\r-1", "\n@x", "c\r\r\t=x", "=a\rb", "d\n\n-2",
    '"q"\r=HYPERLINK("http://evil.example")', "ok", "临湘市\r忠防镇", "",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _hostile_frame() -> gpd.GeoDataFrame:
    n = len(HOSTILE_TEXT)
    return gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(n)], "name_zh": HOSTILE_TEXT, "note": list(reversed(HOSTILE_TEXT)),
         "gap_mw": [-1.5 * i for i in range(n)]},
        geometry=gpd.points_from_xy([113.0] * n, [29.0] * n), crs=4326)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _split_outside_quotes(text: str) -> list[list[str]]:
    """A spreadsheet-style reader: quotes respected, but any CR or LF outside them ends a row."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell, quoted, i = "", False, 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text[i + 1:i + 2] == '"':
                cell, i = cell + '"', i + 1
            elif c == '"':
                quoted = False
            else:
                cell += c
        elif c == '"':
            quoted = True
        elif c == ",":
            row, cell = [*row, cell], ""
        elif c in "\r\n":
            if row or cell:
                rows.append([*row, cell])
            row, cell = [], ""
        else:
            cell += c
        i += 1
    if row or cell:
        rows.append([*row, cell])
    return rows


def _split_everywhere(text: str) -> list[list[str]]:
    """The worst case: every CR or LF ends a row, even inside quotes; each piece parsed as one CSV line."""
    return [next(csv.reader([line])) for line in re.split(r"[\r\n]+", text) if line]


def test_csv_line_breaks_in_cells_do_not_split_rows_or_run_formulas(tmp_path):
    frame = _hostile_frame()
    out = tmp_path / "projects.csv"
    export({"projects": frame}, "csv", out)
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(frame) + 1  # header + one row per project, whatever the names hold
    header, body = rows[0], rows[1:]
    assert header[:4] == ["id", "name_zh", "note", "gap_mw"]
    for row, (_, want) in zip(body, frame.iterrows(), strict=True):
        cells = dict(zip(header, row, strict=True))
        assert cells["id"] == want["id"]
        assert cells["name_zh"] == neutralise_text(want["name_zh"])
        assert cells["note"] == neutralise_text(want["note"])
        assert float(cells["gap_mw"]) == want["gap_mw"]  # numbers stay numbers
    for reader in (_split_outside_quotes, _split_everywhere):
        cells = [c for row in reader(text) for c in row]
        assert cells and not [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)], reader.__name__
    assert len(_split_outside_quotes(text)) == len(frame) + 1


def test_neutralise_text_prefixes_the_cell_and_each_line():
    assert neutralise_text("x\r@SUM(1+1)") == "x\r'@SUM(1+1)"
    assert neutralise_text("\r@SUM(1+1)") == "'\r'@SUM(1+1)"
    assert neutralise_text("a\r\n=1\n+2\r\tb") == "a\r\n'=1\n'+2\r'\tb"
    assert neutralise_text("plain\ntext") == "plain\ntext"
