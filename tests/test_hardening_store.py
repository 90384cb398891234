"""Attacks on the store and the service: builds beside a live service, hostile requests, bad stores.

Each test was written against a fault the attack found (issue 11) and fails on the code before the fix.
Loopback only; bounded in time and count.
"""

import concurrent.futures as cf
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import DATA, REPO
from fastapi.testclient import TestClient
from live_server import copy_store, serve

from api.app import create_app
from api.keys import add_key
from api.settings import Settings
from geo.errors import StoreError
from geo.registry.dataset import load_valid
from geo.store.build import build
from geo.store.edits import StaleEditError, apply_edits, read_edits, record_edit
from geo.store.file import read_table, store_lock
from geo.store.frames import projects_frame

ITEMS = "/collections/projects/items"


@pytest.fixture
def store(built_store: Path, tmp_path: Path) -> Path:
    return copy_store(built_store, tmp_path)


def cli(*args: str, store: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "api.cli", "--store", str(store), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, check=False)


# --- 1. builds beside a live service never lose an acknowledged edit -------------------------------------

@pytest.mark.slow
def test_builds_during_a_write_burst_lose_no_acknowledged_edit(store):
    key = add_key(store, "burst", "*")
    ids = sorted(read_table(store, "projects")["id"])[:40]
    acknowledged: dict[int, tuple[str, str, str]] = {}  # edit id → (op, project, note)
    lock = threading.Lock()
    stop = threading.Event()
    busy = []

    def writer(n: int) -> None:
        with httpx.Client(timeout=60, headers={"X-API-Key": key}) as c:
            i = 0
            while not stop.is_set() and i < 60:
                i += 1
                note = f"w{n}-{i}"
                if i % 5 == 0:
                    pid = f"burst-{n}-{i}"
                    r = c.post(f"{s.url}{ITEMS}", json={"type": "Feature", "id": pid, "properties": {
                        "name_zh": "新光伏", "category": "pv", "district_adcode": "430682"}, "edit_note": note})
                    op = "create"
                else:
                    pid = ids[(n * 7 + i) % len(ids)]
                    r = c.patch(f"{s.url}{ITEMS}/{pid}", json={"properties": {"note": note}, "edit_note": note})
                    op = "update"
                if r.status_code in (200, 201):
                    with lock:
                        acknowledged[int(r.headers["X-Edit-Id"])] = (op, pid, note)
                elif r.status_code == 503:
                    assert r.headers["Retry-After"]
                    busy.append(1)
                else:
                    raise AssertionError(r.text)

    with serve(store) as s:
        with cf.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(writer, n) for n in range(4)]
            generations = []
            for _ in range(3):  # builds in another process, as `make run` beside a live service did
                done = cli("build", store=store)
                assert done.returncode == 0, done.stderr
                generations.append(done.stdout)
            stop.set()
            for f in futures:
                f.result()
        assert len(acknowledged) >= 40
        trail = {e["edit_id"]: e for e in read_edits(store)}
        missing = [i for i in acknowledged if i not in trail]
        assert not missing, f"{len(missing)} acknowledged edits lost"
        for edit_id, (op, pid, note) in acknowledged.items():
            assert (trail[edit_id]["op"], trail[edit_id]["project_id"], trail[edit_id]["note"]) == (op, pid, note)
        projects = read_table(store, "projects").set_index("id")
        last_note: dict[str, str] = {}
        for edit_id in sorted(acknowledged):
            op, pid, note = acknowledged[edit_id]
            if op == "update":
                last_note[pid] = note
            else:
                assert pid in projects.index
        for pid, note in last_note.items():
            assert projects.loc[pid, "note"] == note
        # the service serves the store as it is now: every acknowledged create, the last build's generation
        meta = dict(sqlite3.connect(store).execute("SELECT key, value FROM planner_meta").fetchall())
        deadline = time.monotonic() + 10
        while True:
            health = httpx.get(f"{s.url}/health").json()
            if health["generation"] == meta["generation"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert health["generation"] == meta["generation"] and health["projects"] == len(projects)


def test_edit_ids_are_never_reused_across_builds(store):
    ds = load_valid(DATA)
    first = record_edit(store, ds.districts, "lx-pv-04", "update", {"status": "planned"}, who="t").edit_id
    con = sqlite3.connect(store)
    con.execute("UPDATE sqlite_sequence SET seq = seq + 50 WHERE name = 'edits'")  # ids given, then rolled back
    con.commit()
    con.close()
    build(DATA, store)
    second = record_edit(store, ds.districts, "lx-pv-04", "update", {"status": "planned"}, who="t").edit_id
    assert second == first + 51


def test_an_edit_waits_for_a_build_then_answers_busy(store):
    ds = load_valid(DATA)
    with store_lock(store), pytest.raises(StoreError, match="being rebuilt or written"):
        record_edit(store, ds.districts, "lx-pv-04", "update", {"status": "planned"}, who="t", wait_s=0.2)
    settings = Settings(store=store, data_dir=DATA, edit_wait_s=0.2)
    key = add_key(store, "t", "*")
    with TestClient(create_app(settings)) as client, store_lock(store):
        r = client.patch(f"{ITEMS}/lx-pv-04", json={"properties": {"status": "planned"}}, headers={"X-API-Key": key})
        assert r.status_code == 503 and r.headers["Retry-After"] and "rebuilt" in r.json()["detail"]
        assert str(store.parent) not in r.text  # the store's name, not where the server keeps it


@pytest.mark.slow
def test_make_run_builds_a_new_store_and_serves_it(tmp_path):
    # `make run` is `energy-planner serve --build`: on a machine with no store yet it builds one, then serves it
    store = tmp_path / "var" / "planner.gpkg"
    with serve(store, args=("--build",), timeout_s=180) as s, httpx.Client(timeout=30) as c:
        assert c.get(f"{s.url}/health").json()["status"] == "ok"
        assert c.get(f"{s.url}{ITEMS}?limit=1").json()["numberMatched"] == len(read_table(store, "projects")) > 100
        page = c.get(f"{s.url}/", headers={"Accept": "text/html", "Accept-Language": "zh-CN"})
        assert page.status_code == 200 and "规划" in page.text


@pytest.mark.slow
def test_make_run_beside_a_live_service_stops_before_it_builds(store):
    with serve(store) as s:
        port = s.url.rsplit(":", 1)[1]
        before = store.stat().st_mtime_ns
        done = cli("serve", "--build", "--port", port, store=store, timeout=60)
        assert done.returncode == 2 and "already running" in done.stderr and "Traceback" not in done.stderr
        assert store.stat().st_mtime_ns == before


# --- 2. hostile requests are answered at once and stall nothing ------------------------------------------

@pytest.mark.slow
def test_hostile_queries_are_answered_in_milliseconds_and_health_stays_fast(store):
    hostile = ["bbox=0,0,1," + "1" * 7000 + "a", "bbox=" + "1" * 7000 + "a",
               "bbox=" + ",".join(["1" * 30] * 6) + "x", "bbox=" + "1," * 3000,
               "limit=" + "9" * 7000, "category=" + "a" * 7000]
    with serve(store) as s, httpx.Client(timeout=30) as c:
        worst_health = 0.0
        for q in hostile:
            t = time.perf_counter()
            r = c.get(f"{s.url}{ITEMS}?{q}")
            took = time.perf_counter() - t
            if q.startswith("limit"):  # OGC: a huge limit is clamped, not refused
                assert r.status_code == 200 and r.json()["numberReturned"] == 126
            else:
                assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json", r.text[:99]
            assert took < 1.0, f"{q[:20]}... took {took:.2f} s"  # the regular expression took 15.7 s
            t = time.perf_counter()
            assert c.get(f"{s.url}/health").status_code == 200
            worst_health = max(worst_health, time.perf_counter() - t)
        assert worst_health < 1.0


def _raw(url: str, data: bytes, wait: float = 10) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.settimeout(wait)
        try:
            sock.sendall(data)
        except OSError:  # the server may close while we still send: read what it answered
            pass
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


@pytest.mark.slow
def test_request_heads_are_bounded_and_slow_clients_timed_out(store):
    with serve(store, env={"PLANNER_REQUEST_TIMEOUT_S": "1"}) as s:
        big = _raw(s.url, b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-A: " + b"a" * 1_000_000 + b"\r\n\r\n")
        assert big.startswith(b"HTTP/1.1 431 ")
        many = _raw(s.url, b"GET /health HTTP/1.1\r\nHost: localhost\r\n"
                    + b"".join(b"X-%d: a\r\n" % i for i in range(20_000)) + b"\r\n")
        assert many.startswith(b"HTTP/1.1 431 ")
        long_url = _raw(s.url, b"GET /health?" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert long_url.startswith(b"HTTP/1.1 414 ")
        t = time.monotonic()
        slow = _raw(s.url, b"GET /health HTTP/1.1\r\nHost: loc")  # and then nothing
        assert slow.startswith(b"HTTP/1.1 408 ") and time.monotonic() - t < 5
        assert httpx.get(f"{s.url}/health").status_code == 200


@pytest.mark.slow
def test_a_forged_host_is_refused_not_echoed(store):
    with serve(store) as s:
        r = httpx.get(f"{s.url}{ITEMS}?limit=1", headers={"Host": "evil.example"})
        assert r.status_code == 400 and "evil.example" not in r.headers.get("location", "")
        assert r.headers["content-type"] == "application/problem+json"
        ok = httpx.get(f"{s.url}{ITEMS}?limit=1", headers={"Host": f"localhost:{s.url.rsplit(':', 1)[1]}"})
        assert ok.status_code == 200 and all(link["href"].startswith("http://localhost:")
                                             for link in ok.json()["links"])
    with serve(store, env={"PLANNER_ALLOWED_HOSTS": '["planner.example.cn"]'}) as s:
        r = httpx.get(f"{s.url}{ITEMS}?limit=1", headers={"Host": "planner.example.cn"})
        assert r.status_code == 200 and r.json()["links"][0]["href"].startswith("http://planner.example.cn/")


def test_empty_filters_and_categories_are_refused_as_the_api_definition_says(store):
    settings = Settings(store=store, data_dir=DATA)
    with TestClient(create_app(settings)) as client:
        doc = client.get("/api").json()
        params = {p["name"]: p["schema"] for p in doc["paths"]["/collections/projects/items"]["get"]["parameters"]}
        assert "pv" in params["category"]["enum"] and params["subtype"]["minLength"] == 1
        assert params["district"]["pattern"] == "^[0-9]+$"
        assert client.get(f"{ITEMS}?category=").status_code == 400
        schemas = json.dumps(doc["components"]["schemas"])
        assert '"enum": ["pv"' in schemas.replace("'", '"') or '"pv"' in schemas


# --- 3. edits checked against the row as it is, in the transaction ---------------------------------------

def test_a_scoped_key_cannot_edit_a_project_another_server_moved_out_of_its_district(store):
    ds = load_valid(DATA)
    scoped = add_key(store, "临湘市", "430682")
    pid = "lx-pv-03"  # in 临湘市 (430682), at its district's point (the plan names only a site)
    settings = Settings(store=store, data_dir=DATA, refresh_s=3600)  # this server never polls
    with TestClient(create_app(settings)) as client:
        record_edit(store, ds.districts, pid, "update", {"district_adcode": "430602"}, who="another server")
        r = client.patch(f"{ITEMS}/{pid}", json={"properties": {"status": "cancelled"}},
                         headers={"X-API-Key": scoped})
        assert r.status_code == 403, r.text
        assert read_table(store, "projects").set_index("id").loc[pid, "status"] != "cancelled"
        # and the server now serves the row as the store has it
        assert client.get(f"{ITEMS}/{pid}").json()["properties"]["district_adcode"] == "430602"


def test_changing_only_the_district_keeps_the_point_inside_it(store):
    settings = Settings(store=store, data_dir=DATA)
    key = add_key(store, "t", "*")
    h = {"X-API-Key": key}
    with TestClient(create_app(settings)) as client:
        # a placeholder point (the district's) moves to the new district's point, still flagged
        r = client.patch(f"{ITEMS}/lx-pv-03", json={"properties": {"district_adcode": "430602"}}, headers=h)
        assert r.status_code == 200, r.text
        props = r.json()["properties"]
        assert props["location_precision"] == "district" and props["district_check"] == "match"
        assert props["mapped_adcode"] == "430602"
        # a surveyed point is not dragged along: the change needs a point inside the new district
        r = client.patch(f"{ITEMS}/lx-pv-05", headers=h, json={
            "geometry": {"type": "Point", "coordinates": [113.40, 29.45]}})
        assert r.status_code == 200 and r.json()["properties"]["location_precision"] == "surveyed"
        r = client.patch(f"{ITEMS}/lx-pv-05", json={"properties": {"district_adcode": "431202"}}, headers=h)
        assert r.status_code == 422 and "outside district 431202" in r.json()["detail"]


def test_deleting_the_last_project_is_answered_and_served(store):
    settings = Settings(store=store, data_dir=DATA)
    key = add_key(store, "t", "*")
    with TestClient(create_app(settings)) as client:
        ids = list(client.app.state.service.snapshot.collections["projects"].ids)  # type: ignore[attr-defined]
        for pid in ids:
            r = client.delete(f"{ITEMS}/{pid}", headers={"X-API-Key": key})
            assert r.status_code == 204, (pid, r.text)
        page = client.get(ITEMS).json()
        assert page["numberMatched"] == 0 and page["features"] == []
        assert client.get(f"{ITEMS}/{ids[-1]}").status_code == 404


def test_nul_characters_are_refused(store):
    settings = Settings(store=store, data_dir=DATA)
    key = add_key(store, "t", "*")
    with TestClient(create_app(settings)) as client:
        before = len(read_edits(store))
        r = client.patch(f"{ITEMS}/lx-pv-04", json={"properties": {"name_zh": "光伏\u0000项目"}},
                         headers={"X-API-Key": key})
        assert r.status_code == 422 and "NUL" in r.json()["detail"]
        assert len(read_edits(store)) == before


@pytest.mark.slow
def test_the_audit_trail_is_paged_in_sql(store):
    con = sqlite3.connect(store)
    con.executemany("INSERT INTO edits (project_id, op, fields, before, who, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (("lx-pv-04" if i % 2 else "lx-pv-05", "update", "{}", None, "bulk", "2026-01-01", str(i))
                     for i in range(200_000)))
    con.commit()
    con.close()
    settings = Settings(store=store, data_dir=DATA)
    with TestClient(create_app(settings)) as client:
        t = time.perf_counter()
        page = client.get("/edits?project_id=lx-pv-05&limit=3&offset=2").json()
        took = time.perf_counter() - t
        assert page["numberMatched"] == 100_000 and [e["note"] for e in page["edits"]] == ["4", "6", "8"]
        assert took < 0.5  # reading the whole table took 1 s (and 2.9 GB)


# --- 4. a build never overwrites what is not this planner's store, never drops user data -----------------

@pytest.mark.slow
@pytest.mark.parametrize("damage", ["drop edits", "drop api_keys", "not sqlite", "other sqlite"])
def test_build_refuses_a_file_that_is_not_a_complete_planner_store(store, damage):
    if damage == "not sqlite":
        store.write_text("root:x:0:0:root:/root:/bin/bash\n")
    elif damage == "other sqlite":
        store.unlink()
        sqlite3.connect(store).execute("CREATE TABLE t (x)").connection.commit()
    else:
        con = sqlite3.connect(store)
        con.execute(f"DROP TABLE {damage.split()[1]}")
        con.commit()
        con.close()
    before = store.read_bytes()
    done = cli("build", store=store)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert str(store) in done.stderr
    assert store.read_bytes() == before


@pytest.mark.slow
def test_commands_on_a_corrupt_or_readonly_store_say_so(store, tmp_path):
    for command in (["rollup"], ["targets"], ["keys", "list"], ["export", "--format", "csv", "--out",
                                                                 str(tmp_path / "x.csv")]):
        done = cli(*command, store=Path("/etc/passwd"))
        assert done.returncode == 2 and "not a SQLite" in done.stderr and "Traceback" not in done.stderr, done.stderr
    corrupt = tmp_path / "corrupt.gpkg"
    data = bytearray(store.read_bytes())
    data[100:40_000] = b"\xff" * (40_000 - 100)
    corrupt.write_bytes(bytes(data))
    done = cli("rollup", store=corrupt)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr


def test_an_edit_on_a_readonly_store_is_503_not_500(store):
    settings = Settings(store=store, data_dir=DATA)
    key = add_key(store, "t", "*")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        os.chmod(store, 0o444)
        try:
            wal = Path(f"{store}-wal")
            for side in (wal, Path(f"{store}-shm")):
                if side.exists():
                    side.chmod(0o444)
            r = client.patch(f"{ITEMS}/lx-pv-04", json={"properties": {"status": "planned"}},
                             headers={"X-API-Key": key})
        finally:
            os.chmod(store, 0o644)
        if os.geteuid() == 0:  # root writes read-only files: nothing to check beyond "not a 500"
            assert r.status_code in (200, 503)
        else:
            assert r.status_code == 503 and "not written" in r.json()["detail"]


# --- 5. a rebuild reports what it cannot replay, and rebuilds the rest -----------------------------------

@pytest.mark.slow
def test_a_bad_or_orphaned_edit_row_is_reported_and_the_rest_rebuilt(store):
    ds = load_valid(DATA)
    good = record_edit(store, ds.districts, "lx-pv-04", "update", {"status": "under_construction"}, who="t").edit_id
    con = sqlite3.connect(store)
    rows = [("lx-pv-05", "update", "{not json", None, "x", "2026-01-01", None),
            ("gone-1", "delete", "{}", None, "x", "2026-01-01", None),
            ("lx-pv-06", "update", json.dumps({"district_adcode": "999999"}), None, "x", "2026-01-01", None)]
    con.executemany("INSERT INTO edits (project_id, op, fields, before, who, at, note) VALUES (?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()
    report = build(DATA, store)
    assert report.edits_applied == 1 and len(report.skipped_edits) == 3
    reasons = {s.project_id: s.reason for s in report.skipped_edits}
    assert "not in the registry" in reasons["gone-1"] and "999999" in reasons["lx-pv-06"]
    assert read_table(store, "projects").set_index("id").loc["lx-pv-04", "status"] == "under_construction"
    assert good in {e["edit_id"] for e in read_edits(store)} and len(read_edits(store)) == 4  # all kept
    done = cli("build", store=store)
    assert done.returncode == 0 and done.stderr.count("warning: edit") == 3


def test_a_user_project_whose_id_the_curators_add_later_is_reported_not_merged():
    ds = load_valid(DATA)
    frame = projects_frame(ds)
    curated = str(frame["id"].iloc[0])
    edits = [
        {"edit_id": 1, "project_id": curated, "op": "create", "who": "u", "at": "2026-01-01",
         "fields": json.dumps({"name_zh": "用户项目", "category": "pv", "district_adcode": "430682"})},
        {"edit_id": 2, "project_id": curated, "op": "update", "who": "u", "at": "2026-01-02",
         "fields": json.dumps({"status": "cancelled"})},
    ]
    out, skipped = apply_edits(frame, edits, ds.districts)
    assert [s.edit_id for s in skipped] == [1, 2] and "curated row is kept" in skipped[0].reason
    row = out.set_index("id").loc[curated]
    assert row["name_zh"] != "用户项目" and row["status"] != "cancelled" and not row["edited"]


def test_a_killed_build_leaves_no_temporary_file_behind(store):
    stale = store.with_name(f".{store.name}.999999.build.gpkg")
    stale.write_bytes(b"half a build")
    Path(f"{stale}-journal").write_bytes(b"x")
    build(DATA, store)
    assert not list(store.parent.glob(f".{store.name}.*"))


def test_two_editors_on_the_same_version_one_wins_the_other_is_told(store):
    """The If-Match version is checked inside the edit transaction: no window between check and write."""
    ds = load_valid(DATA)
    results: list[object] = []

    def edit(status: str) -> None:
        try:
            results.append(record_edit(store, ds.districts, "lx-pv-04", "update", {"status": status}, who=status,
                                       expected_version=0))
        except StaleEditError as exc:
            results.append(exc)

    threads = [threading.Thread(target=edit, args=(s,)) for s in ("planned", "under_construction")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results if not isinstance(r, StaleEditError)]
    lost = [r for r in results if isinstance(r, StaleEditError)]
    assert len(won) == 1 and len(lost) == 1 and "edited by someone else" in str(lost[0])
    assert won[0].version == 1  # type: ignore[attr-defined]
    assert len(read_edits(store, "lx-pv-04")) == 1
