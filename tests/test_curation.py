"""The registry's optional ``curation`` column: ``proposed`` rows (from ``energy-planner ingest``) vs confirmed ones."""

import csv

import pytest

from geo.registry.dataset import load
from geo.store.frames import projects_frame, targets_frame

LX = "430682_linxiang_carbon_peak"


def _add_curation(path, values: dict[int, str]) -> None:
    """Give the CSV at ``path`` a ``curation`` column; data row k (1-based) gets ``values.get(k, '')``."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    out = [[*rows[0], "curation"]] + [[*r, values.get(k, "")] for k, r in enumerate(rows[1:], 1)]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)


def test_shipped_registry_is_confirmed(data_copy):
    dataset, problems = load(data_copy)
    assert problems == []
    assert {p.provenance[0].method for p in dataset.registry.projects} == {"curated"}
    assert set(projects_frame(dataset)["curation"]) == {"confirmed"}
    targets = targets_frame(dataset)
    assert set(targets["curation"]) == {"confirmed"} and set(targets["provenance_method"]) == {"curated"}


def test_proposed_rows_are_parsed_and_confirmed_ones_curated(data_copy):
    _add_curation(data_copy / "registry" / f"{LX}.projects.csv", {1: "proposed", 2: "confirmed"})
    _add_curation(data_copy / "registry" / f"{LX}.targets.csv", {1: "proposed"})
    dataset, problems = load(data_copy)
    assert problems == []
    lx = [p for p in dataset.registry.projects if p.provenance[0].plan_id == LX]
    assert [p.provenance[0].method for p in lx[:3]] == ["parsed", "curated", "curated"]  # empty: confirmed
    frame = projects_frame(dataset).set_index("id")
    assert frame.at[lx[0].id, "curation"] == "proposed" and frame.at[lx[1].id, "curation"] == "confirmed"
    assert (frame["curation"] == "proposed").sum() == 1
    targets = targets_frame(dataset)
    assert targets.loc[targets["curation"] == "proposed", "plan_id"].tolist() == [LX]
    assert targets.loc[targets["curation"] == "proposed", "provenance_method"].tolist() == ["parsed"]


@pytest.mark.parametrize("bad", ["Proposed", "checked", "yes"])
def test_unknown_curation_is_refused_at_its_line(data_copy, bad):
    path = data_copy / "registry" / f"{LX}.projects.csv"
    _add_curation(path, {3: bad})
    dataset, problems = load(data_copy)
    assert [str(p) for p in problems] == [
        f"{path}:4: curation: unknown value {bad!r}; allowed: proposed, confirmed"]
    with path.open(encoding="utf-8", newline="") as f:
        third = list(csv.DictReader(f))[2]["id"]
    assert third not in {p.id for p in dataset.registry.projects}
