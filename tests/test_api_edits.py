"""Edits through the running service: keys, audit trail, concurrent writers, kill -9, rebuilds."""

import json
import os
import signal
import sqlite3
import threading
import time

import httpx
import numpy as np
import pandas as pd
import pytest
from conftest import DATA
from live_server import copy_store, serve

from api.keys import add_key
from geo.store.build import build
from geo.store.edits import read_edits
from geo.store.file import read_table

pytestmark = pytest.mark.slow  # live servers, browsers or bursts: `make test-fast` leaves them out


@pytest.fixture
def store(built_store, tmp_path):
    return copy_store(built_store, tmp_path)


def patch(client: httpx.Client, url: str, key: str, pid: str, props: dict) -> httpx.Response:
    return client.patch(f"{url}/collections/projects/items/{pid}", json={"properties": props},
                        headers={"X-API-Key": key})


def test_edit_audit_and_rebuild_keep_the_change(store):
    key = add_key(store, "县发改局 tester", "430682")
    with serve(store) as s, httpx.Client(timeout=30) as c:
        assert c.get(f"{s.url}/collections/projects/items/lx-pv-04").status_code == 200  # reads need no key
        r = c.patch(f"{s.url}/collections/projects/items/lx-pv-04", headers={"X-API-Key": key},
                    json={"geometry": {"type": "Point", "coordinates": [113.40, 29.45]},
                          "properties": {"status": "under_construction"}, "edit_note": "surveyed 2026-11"})
        assert r.status_code == 200, r.text
        feature = r.json()
        assert feature["properties"]["location_precision"] == "surveyed"
        assert feature["geometry"]["coordinates"] == [113.4, 29.45]
        created = c.post(f"{s.url}/collections/projects/items", headers={"X-API-Key": key},
                         json={"type": "Feature", "id": "lx-pv-90", "geometry": None,
                               "properties": {"name_zh": "新光伏", "category": "pv", "district_adcode": "430682",
                                              "capacity_mw": 5}})
        assert created.status_code == 201 and created.headers["location"].endswith("/lx-pv-90")
        assert created.json()["properties"]["location_precision"] == "district"
        assert c.delete(f"{s.url}/collections/projects/items/lx-pv-06", headers={"X-API-Key": key}).status_code == 204
        served = c.get(f"{s.url}/collections/projects/items?limit=1000").json()
        assert served["numberMatched"] == 126 and "lx-pv-06" not in {f["id"] for f in served["features"]}
        trail = c.get(f"{s.url}/edits?limit=100").json()["edits"]
        assert [e["op"] for e in trail] == ["update", "create", "delete"]
        assert trail[0]["who"] == "县发改局 tester" and trail[0]["before"]["status"] == "planned"
        assert trail[0]["fields"]["status"] == "under_construction" and trail[0]["note"] == "surveyed 2026-11"
    before = read_table(store, "projects").sort_values("id", ignore_index=True)
    build(DATA, store)
    after = read_table(store, "projects").sort_values("id", ignore_index=True)
    pd.testing.assert_frame_equal(before, after, check_dtype=False)
    assert after.set_index("id").loc["lx-pv-04", "status"] == "under_construction"


def test_eight_writers_two_hundred_edits_each_lose_nothing(store):
    key = add_key(store, "load", "*")
    ids = read_table(store, "projects")["id"].tolist()[:8]
    failures: list[str] = []
    acked: list[int] = []
    lock = threading.Lock()
    with serve(store) as s:
        def writer(pid: str) -> None:
            with httpx.Client(timeout=60) as c:
                for i in range(200):
                    r = patch(c, s.url, key, pid, {"capacity_mw": float(i)})
                    with lock:
                        if r.status_code == 200:
                            acked.append(int(r.headers["x-edit-id"]))
                        else:
                            failures.append(f"{pid} {i}: {r.status_code} {r.text[:200]}")

        threads = [threading.Thread(target=writer, args=(pid,)) for pid in ids]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        served = httpx.get(f"{s.url}/collections/projects/items?limit=1000").json()["features"]
    assert failures == []
    edits = read_edits(store)
    assert len(acked) == 1600 and sorted(acked) == sorted(e["edit_id"] for e in edits)
    stored = read_table(store, "projects").set_index("id")
    assert (stored.loc[ids, "capacity_mw"] == 199.0).all()
    assert {f["id"]: f["properties"]["capacity_mw"] for f in served if f["id"] in ids} == dict.fromkeys(ids, 199.0)
    print(f"1,600 edits by 8 writers in {elapsed:.1f} s ({1600 / elapsed:.0f} edits/s)")


def test_kill_9_during_a_write_burst_loses_no_acknowledged_edit(store):
    key = add_key(store, "crash", "*")
    ids = read_table(store, "projects")["id"].tolist()[:8]
    acked: dict[int, tuple[str, float]] = {}
    lock = threading.Lock()
    stop = threading.Event()
    with serve(store) as s:
        def writer(pid: str) -> None:
            with httpx.Client(timeout=10) as c:
                i = 0
                while not stop.is_set():
                    i += 1
                    try:
                        r = patch(c, s.url, key, pid, {"capacity_mw": float(i)})
                    except httpx.HTTPError:
                        return  # the server died: this edit was never acknowledged
                    if r.status_code == 200:
                        with lock:
                            acked[int(r.headers["x-edit-id"])] = (pid, float(i))

        threads = [threading.Thread(target=writer, args=(pid,)) for pid in ids]
        for t in threads:
            t.start()
        while len(acked) < 100:
            time.sleep(0.05)
        os.kill(s.process.pid, signal.SIGKILL)
        s.process.wait()
        stop.set()
        for t in threads:
            t.join()
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    edits = {e["edit_id"]: e for e in read_edits(store)}
    assert set(acked) <= set(edits), f"lost: {sorted(set(acked) - set(edits))[:10]}"
    stored = read_table(store, "projects").set_index("id")
    for pid in ids:  # the layer agrees with the last edit of each project in the trail
        last = max((e for e in edits.values() if e["project_id"] == pid), key=lambda e: e["edit_id"])
        assert stored.loc[pid, "capacity_mw"] == pytest.approx(float(eval_fields(last)["capacity_mw"]))
    build(DATA, store)  # and a rebuild after the crash keeps them
    rebuilt = read_table(store, "projects").set_index("id")
    assert (rebuilt.loc[ids, "capacity_mw"] == stored.loc[ids, "capacity_mw"]).all()


def eval_fields(edit: dict) -> dict:
    return json.loads(edit["fields"])


def test_served_collections_after_edits_equal_a_fresh_read(store):
    """The service updates one feature in place for an update; the result must equal serialising anew."""
    from api.features import build_collections
    from api.service import start
    from api.settings import Settings

    service = start(Settings(store=store))
    service.edit("lx-pv-04", "update", {"capacity_mw": 7.5, "status": "under_construction", "lon": 113.4,
                                        "lat": 29.45}, "t", None)
    service.edit("ylq-substation-01", "update", {"category": "grid_programme"}, "t", None)
    service.edit("lx-pv-91", "create", {"name_zh": "新", "category": "substation", "district_adcode": "430682"},
                 "t", None)
    service.edit("lx-pv-06", "delete", {}, "t", None)
    fresh = build_collections(start(Settings(store=store)).snapshot.state)
    for name in ("projects", "substations"):
        a, b = service.snapshot.collections[name], fresh[name]
        assert a.ids == b.ids and a.features == b.features, name
        # city-wide rows have no geometry (NaN bounds), so NaN compares equal here
        assert np.array_equal(a.bounds, b.bounds, equal_nan=True) and a.extent == b.extent and a.years == b.years
        assert all((a.columns[p] == b.columns[p]).all() for p in a.columns)
    assert "ylq-substation-01" not in service.snapshot.collections["substations"].index
    assert "lx-pv-91" in service.snapshot.collections["substations"].index
