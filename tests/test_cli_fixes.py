"""What a new user hit at the command line and in the feeds (issue 17, point 7); each fails on the code before."""

import csv
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import DATA
from fastapi.testclient import TestClient
from live_server import copy_store

from api.app import create_app
from api.cli import main
from api.settings import Settings
from geo.registry.dataset import load_valid
from geo.store.edits import record_edit
from geo.store.file import read_table


@pytest.fixture
def store(built_store: Path, tmp_path: Path) -> Path:
    return copy_store(built_store, tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rollup_of_a_city_counts_its_counties_as_the_feeds_do(store, capsys):
    code, out, _ = run(capsys, "--store", str(store), "rollup", "--adcode", "431200", "--json")
    assert code == 0
    districts = {row["district_adcode"] for row in json.loads(out)}
    assert "431202" in districts  # 鹤城区's projects, as /collections/projects/items?district=431200 returns them


def test_an_empty_rollup_says_so(store, capsys):
    ds = load_valid(DATA)
    projects = read_table(store, "projects")
    for pid in projects.loc[projects["district_adcode"] == "430603", "id"]:  # 云溪区's projects, deleted
        record_edit(store, ds.districts, str(pid), "delete", {}, who="t")
    code, out, _ = run(capsys, "--store", str(store), "rollup", "--adcode", "430603", "--lang", "en")
    assert code == 0 and out.strip() == "No projects in 430603 in the store" and "Empty DataFrame" not in out
    code, out, _ = run(capsys, "--store", str(store), "rollup", "--adcode", "430603")
    assert code == 0 and out.strip() == "存储中没有 430603 的项目"


@pytest.mark.parametrize("option", [["--mounting", "rooftop"], ["--tilt", "30"]])
def test_site_options_are_refused_for_a_project_not_ignored(store, capsys, option):
    code, _, err = run(capsys, "--store", str(store), "yield", "--project", "lx-pv-04", *option)
    assert code == 2 and f"{option[0]} apply to a site" in err


def test_a_mistyped_store_is_an_error_not_a_new_store(tmp_path, capsys):
    typo = tmp_path / "planer.gpkg"
    code, _, err = run(capsys, "--store", str(typo), "rollup")
    assert code == 2 and "no such file" in err and not typo.exists()


def test_a_lone_comparator_is_exported_as_written(store, tmp_path, capsys):
    out = tmp_path / "targets.csv"
    argv = ("--store", str(store), "export", "--format", "csv", "--layer", "targets", "--out", str(out))
    assert run(capsys, *argv)[0] == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        comparators = {row["comparator"] for row in csv.DictReader(f)}
    assert "=" in comparators and "'=" not in comparators


def test_filters_with_unknown_values_are_400_with_the_allowed_ones(store):
    with TestClient(create_app(Settings(store=store, data_dir=DATA))) as client:
        r = client.get("/collections/projects/items?status=planed")
        assert r.status_code == 400 and "allowed: proposed" in r.json()["detail"]
        assert client.get("/collections/projects/items?category=solar").status_code == 400
        assert client.get("/collections/targets/items?metric=capacity").status_code == 400
        r = client.get("/collections/projects/items?district=999999")
        assert r.status_code == 400 and "no unit '999999' in the store" in r.json()["detail"]
        assert client.get("/collections/projects/items?status=planned").status_code == 200
        params = {p["name"]: p["schema"] for p in
                  client.get("/api").json()["paths"]["/collections/projects/items"]["get"]["parameters"]}
        assert "planned" in params["status"]["enum"]


def test_a_reader_that_stops_early_ends_the_command_quietly(store, capsys, monkeypatch):
    # `energy-planner rollup | head -1`: the pipe closes while the command writes; no "error: Broken pipe".
    read_end, write_end = os.pipe()
    os.close(read_end)
    with capsys.disabled(), open(write_end, "w", encoding="utf-8") as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        code = main(["--store", str(store), "rollup"])
        monkeypatch.undo()
    assert code == 141  # 128 + SIGPIPE, as a shell reports a Unix tool stopped by its pipe


def test_keys_list_of_a_store_without_keys_says_so(store, capsys):
    code, out, _ = run(capsys, "--store", str(store), "keys", "list")
    assert code == 0 and "no API keys yet" in out and "Empty DataFrame" not in out
    code, out, _ = run(capsys, "--store", str(store), "keys", "list", "--json")
    assert code == 0 and json.loads(out) == []
