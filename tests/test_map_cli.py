"""``energy-planner map``: one self-contained page, with the PV yield layer on request."""

import re

from api.cli import main


def test_map_command_writes_one_offline_page(tmp_path, built_store, capsys):
    out = tmp_path / "map.html"
    assert main(["--store", str(built_store), "map", "--out", str(out), "--yields"]) == 0
    assert "opens offline" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)
    assert not re.search(r"<link[^>]+href=[\"']https?:", html)
    assert "lx-pv-02" in html and "specific_yield_kwh_per_kwp" in html
    assert "非官方地图" in html


def test_map_command_refuses_an_unknown_basemap(tmp_path, built_store, capsys):
    try:
        main(["--store", str(built_store), "map", "--out", str(tmp_path / "m.html"), "--basemap", "amap"])
    except SystemExit as exc:  # argparse: invalid choice
        assert exc.code == 2
    assert "invalid choice: 'amap'" in capsys.readouterr().err
    assert not (tmp_path / "m.html").exists()
