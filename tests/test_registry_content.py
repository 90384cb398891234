"""The registry holds what the plans say: spot checks against the plan text."""

import pandas as pd
import pytest
from conftest import DATA

from geo.registry.dataset import load_valid


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    ds = load_valid(DATA)
    return pd.DataFrame([vars(p) for p in ds.registry.projects]).set_index("id")


def named(projects, text):
    return projects[projects["name_zh"].str.contains(text, regex=False)]


def test_one_row_per_named_substation_and_action(projects):
    for name in ("马壕", "南津港", "枫树坡"):
        rows = named(projects, name)
        assert (rows["action"] == "transformer_replacement").sum() == 1, name
        assert rows["voltage_kv"].eq(110).all()


def test_capacities_normalised_with_the_raw_string_kept(projects):
    row = named(projects, "忠防镇").iloc[0]
    assert (row["capacity_mw"], row["capacity_raw"], row["subtype"]) == (100.0, "10万千瓦", "agrivoltaic")
    assert named(projects, "四十湾").iloc[0]["capacity_mw"] == pytest.approx(62.4)
    shen = projects.loc["hc-wind-02"]
    assert shen["capacity_mw"] == 100 and shen["township"] == "黄金坳镇"
    storage = named(projects, "100兆化学储能").iloc[0]
    assert (storage["capacity_raw"], storage["capacity_mw"]) == ("100兆", 100.0)


def test_every_project_cites_a_plan_line(projects):
    assert projects["provenance"].map(len).eq(1).all()
    assert len(projects) >= 100
    assert set(projects["district_adcode"]) >= {"430602", "430621", "430682", "431202"}


def test_every_code_has_words_for_people():
    # a code added to a vocabulary without its (zh, en) label would show as a bare code on pages and tables
    from geo.registry import vocab

    pairs = [(vocab.CATEGORIES, vocab.CATEGORY_LABELS), (vocab.STATUSES, vocab.STATUS_LABELS),
             (vocab.ACTIONS, vocab.ACTION_LABELS), (vocab.LOCATION_PRECISIONS, vocab.PRECISION_LABELS),
             ({s: "" for subs in vocab.SUBTYPES.values() for s in subs}, vocab.SUBTYPE_LABELS)]
    for codes, labels in pairs:
        assert set(codes) == set(labels)
        assert all(zh and en and zh != en for zh, en in labels.values())
