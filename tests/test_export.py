import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from api.cli import main
from geo.errors import NotFoundError
from geo.export import export, neutralise_formulas


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
