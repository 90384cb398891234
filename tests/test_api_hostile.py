"""Hostile input against the service: every bad request gets its exact 4xx as RFC 9457 problem+json.

Each refused edit is also checked to have written nothing (the store's ``edits`` table keeps its count).
One app on a throwaway copy of the store serves the whole module.
"""

import csv
import io
import json
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import prcoords
import pytest
from conftest import DATA, REPO
from fastapi.testclient import TestClient
from shapely.geometry import shape

from api.app import create_app
from api.keys import add_key, revoke_key
from api.settings import Settings
from geo.store.edits import read_edits

TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Conflict", 413: "Payload too large", 422: "Unprocessable content"}
ITEMS = "/collections/projects/items"
HOME = "430682"  # 临湘市: the projects the scoped key may NOT edit
AWAY = "431200"  # 怀化市: the scoped key's district (a city: its county 431202 too)
MAX_BODY = 4096  # a small limit, so oversized bodies are cheap to send


@dataclass
class Env:
    client: TestClient
    store: Path
    key: str  # scope *
    scoped: str  # scope AWAY
    home_ids: list[str]  # projects in HOME
    ids: dict[str, str]  # collection → one feature id
    pv_id: str  # a PV project: its yield is computed


@pytest.fixture(scope="module")
def env(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    tmp = tmp_path_factory.mktemp("hostile")
    store = tmp / "planner.gpkg"
    shutil.copyfile(built_store, store)
    key, scoped = add_key(store, "hostile-tests", "*"), add_key(store, "huaihua-editor", AWAY)
    settings = Settings(store=store, data_dir=DATA, weather_cache=tmp / "weather", max_body_bytes=MAX_BODY)
    with TestClient(create_app(settings)) as client:
        service = client.app.state.service  # type: ignore[attr-defined]
        projects = service.snapshot.state.projects
        home_ids = sorted(projects.loc[projects["district_adcode"].astype(str) == HOME, "id"])
        ids = {cid: coll.ids[0] for cid, coll in service.snapshot.collections.items()}
        pv_id = str(projects.loc[projects["category"] == "pv", "id"].iloc[0])
        assert len(home_ids) >= 3 and all(ids.values())
        yield Env(client, store, key, scoped, home_ids, ids, pv_id)


def edits_count(env: Env) -> int:
    return len(read_edits(env.store))


def assert_problem(r: Any, status: int, path: str, *, detail: str | None = None) -> dict[str, Any]:
    """``r`` is exactly the problem document for ``status`` at ``path``, with no trace of the server's insides."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) == {"type", "title", "status", "detail", "instance"}, body
    assert body["type"] == "about:blank"
    assert body["title"] == TITLES[status]
    assert body["status"] == status
    assert body["instance"] == unquote(path.split("?")[0])
    assert isinstance(body["detail"], str) and 0 < len(body["detail"]) < 600
    if detail is not None:
        assert re.search(detail, body["detail"]), body["detail"]
    for leak in ("Traceback", 'File "', str(REPO), "site-packages", "/tmp/", ".py:"):
        assert leak not in r.text, r.text
    if status == 401:
        assert "X-API-Key" in r.headers["www-authenticate"]
    return body


def refused(env: Env, method: str, url: str, status: int, *, detail: str | None = None,
            **kwargs: Any) -> dict[str, Any]:
    """Send an edit that must be refused with ``status``, and check it wrote nothing."""
    before = edits_count(env)
    served = len(env.client.app.state.service.snapshot.collections["projects"].ids)  # type: ignore[attr-defined]
    body = assert_problem(env.client.request(method, url, **kwargs), status, url, detail=detail)
    assert edits_count(env) == before, "a refused edit was written to the audit trail"
    assert len(env.client.app.state.service.snapshot.collections["projects"].ids) == served  # type: ignore[attr-defined]
    return body


def new_project(pid: str, district: str = HOME, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": pid,
            "properties": {"name_zh": "测试项目", "category": "pv", "district_adcode": district, **properties}}


def inside_point(env: Env, adcode: str) -> tuple[float, float]:
    """A WGS-84 point well inside a district (read through the API)."""
    feature = env.client.get(f"/collections/districts/items/{adcode}").json()
    p = shape(feature["geometry"]).representative_point()
    return p.x, p.y


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


# -- query parameters of the items pages -------------------------------------------------------------------


@pytest.mark.parametrize(("bbox", "detail"), [
    ("1,2,3", r"^bbox: 3 value\(s\)"),
    ("1,2,3,4,5", r"^bbox: 5 value\(s\)"),
    ("", r"^bbox: 1 value\(s\)"),
    ("a,b,c,d", r"^bbox: 'a,b,c,d' holds a value that is not a number"),
    ("1_0,0,20,30", r"not a number"),
    ("0x10,0,20,30", r"not a number"),
    ("nan,nan,nan,nan", r"^bbox: NaN and infinite"),
    ("0,0,inf,1", r"^bbox: NaN and infinite"),
    ("-Infinity,0,1,1", r"^bbox: NaN and infinite"),
    ("1e400,0,1,1", r"^bbox: NaN and infinite"),
    ("0,0,1,91", r"latitudes within -90\.\.90"),
    ("0,-91,1,1", r"latitudes within -90\.\.90"),
    ("0,0,181,1", r"longitudes must be within -180\.\.180"),
    ("-180.5,0,1,1", r"longitudes must be within -180\.\.180"),
    ("0,10,1,5", r"minimum latitude 10\.0 is above the maximum 5\.0"),
    ("170,0,-170,1", r"antimeridian"),
])
def test_bad_bbox_is_400(env: Env, bbox: str, detail: str) -> None:
    for cid in ("projects", "targets"):
        url = f"/collections/{cid}/items?bbox={bbox}"
        assert_problem(env.client.get(url), 400, url, detail=detail)


def test_a_valid_bbox_still_selects(env: Env) -> None:
    whole = env.client.get(f"{ITEMS}?limit=10000").json()
    box = env.client.get(f"{ITEMS}?bbox=108,25,115,31&limit=10000").json()
    none = env.client.get(f"{ITEMS}?bbox=0,0,1,1").json()
    assert 0 < box["numberMatched"] <= whole["numberMatched"] and none["numberMatched"] == 0
    six = env.client.get(f"{ITEMS}?bbox=108,25,-100,115,31,9000&limit=10000").json()
    assert six["numberMatched"] == box["numberMatched"]


@pytest.mark.parametrize(("query", "detail"), [
    ("limit=0", r"^limit: 0 is below the minimum 1$"),
    ("limit=-1", r"^limit: '-1' is not an integer >= 1$"),
    ("limit=abc", r"^limit: 'abc' is not an integer >= 1$"),
    ("limit=5.0", r"^limit: '5\.0' is not an integer"),
    ("limit=", r"^limit: '' is not an integer"),
    ("limit=%D9%A3", r"^limit: '٣' is not an integer"),  # an Arabic-Indic three: str.isdigit() says yes
    ("offset=-1", r"^offset: '-1' is not an integer >= 0$"),
    ("offset=1e3", r"^offset: '1e3' is not an integer"),
    ("target_year=20x5", r"^target_year: '20x5' is not an integer"),
    ("district=abc", r"^district: 'abc' is not an adcode"),
    ("category=", r"^category: give a value of 1 to 100 characters$"),
    ("status=" + "x" * 101, r"^status: give a value of 1 to 100 characters$"),
    ("f=xml", r"^f: unknown format 'xml'"),
    ("limit=1&limit=2", r"^query parameter\(s\) given more than once: limit$"),
    ("bbox=0,0,1,1&bbox=0,0,2,2", r"^query parameter\(s\) given more than once: bbox$"),
    ("levle=county", r"^unknown query parameter\(s\) levle; allowed: "),
])
def test_bad_items_parameters_are_400(env: Env, query: str, detail: str) -> None:
    url = f"{ITEMS}?{query}"
    assert_problem(env.client.get(url), 400, url, detail=detail)


def test_a_huge_limit_is_clamped_not_refused(env: Env) -> None:
    for limit in ("10001", str(10**12), "9" * 5000):  # 5,000 digits: past int()'s default limit of 4,300
        r = env.client.get(f"{ITEMS}?limit={limit}")
        assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
        body = r.json()
        assert body["numberReturned"] == min(body["numberMatched"], 10_000) and len(body["features"]) > 100
        links = {link["rel"]: link["href"] for link in body["links"]}
        assert "limit=10000" in links["self"] and "limit=10000" in links["alternate"]
    far = env.client.get(f"{ITEMS}?offset={10**30}").json()
    assert far["numberReturned"] == 0 and far["features"] == [] and far["numberMatched"] > 100


def test_the_next_link_carries_the_clamped_limit_and_the_filters(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.params.LIMIT_MAX", 7)  # a small maximum, so a clamped page has a next page
    body = env.client.get(f"{ITEMS}?limit={10**12}&bbox=108,25,115,31&category=pv").json()
    assert body["numberReturned"] == 7 < body["numberMatched"]
    nxt = next(link["href"] for link in body["links"] if link["rel"] == "next")
    assert "limit=7" in nxt and "offset=7" in nxt and "category=pv" in nxt and "bbox=108%2C25%2C115%2C31" in nxt


# -- every GET route: unknown and repeated parameters, no key needed ----------------------------------------


VALID = {"f": "json", "format": "csv", "limit": "5", "offset": "0", "district": "430682", "project_id": "x",
         "lang": "zh", "q": "x"}


def _get_urls(env: Env) -> dict[str, tuple[str, str | None]]:
    """Path → (a working URL, a query parameter it takes) for every GET route of the API definition, and for
    the definition and its HTML view."""
    fill = {"{adcode}": "430603", "{layer}": "projects", "{name}": "districts"}
    doc = env.client.get("/api").json()
    ops = {path: ops["get"] for path, ops in doc["paths"].items() if "get" in ops}
    urls = {"/api": ("/api", "f"), "/api.html": ("/api.html", None)}
    for path, op in ops.items():
        url = path
        if "{featureId}" in url:
            cid = url.split("/")[2]
            url = url.replace("{featureId}", env.pv_id if url.endswith("/yield") else env.ids[cid])
        for name, value in fill.items():
            url = url.replace(name, value)
        assert "{" not in url, f"no test value for a parameter of {path}"
        query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        assert set(query) <= set(VALID) | {"bbox", "category", "subtype", "status", "target_year", "level", "metric"}
        takes = next((name for name in VALID if name in query), None)
        urls[path] = (url + ("?format=csv" if "format" in query else ""), takes)
    return urls


def test_every_get_route_answers_without_a_key(env: Env) -> None:
    urls = _get_urls(env)
    assert len(urls) >= 25
    for url, _ in urls.values():
        assert env.client.get(url).status_code == 200, url
        assert env.client.get(url, headers={"X-API-Key": "wrong"}).status_code == 200, url  # reads ignore keys


def test_unknown_and_repeated_parameters_are_400_on_every_get_route(env: Env) -> None:
    repeated = 0
    for url, takes in _get_urls(env).values():
        sep = "&" if "?" in url else "?"
        assert_problem(env.client.get(f"{url}{sep}bogus=1"), 400, url,
                       detail=r"^unknown query parameter\(s\) bogus; allowed: ")
        assert_problem(env.client.get(f"{url}{sep}x%00y=1&__proto__=1"), 400, url,
                       detail=r"^unknown query parameter\(s\) __proto__, x\x00y; allowed: ")
        if takes is not None:
            twice = f"{takes}={VALID[takes]}&{takes}={VALID[takes]}"
            assert_problem(env.client.get(f"{url.split('?')[0]}?{twice}"), 400, url,
                           detail=rf"^query parameter\(s\) given more than once: {takes}$")
            repeated += 1
    assert repeated >= 15


def test_f_xml_is_400_where_f_is_taken(env: Env) -> None:
    for url in ("/", "/conformance", "/collections", "/collections/targets", f"{ITEMS}/{env.home_ids[0]}"):
        assert_problem(env.client.get(f"{url}?f=xml"), 400, url, detail=r"^f: unknown format 'xml'")
    assert_problem(env.client.get("/api?f=xml"), 400, "/api", detail=r"^f: the API definition is json only")


@pytest.mark.parametrize("accept", ["text/html;q=abc, application/json", "*/*;q=nan", "text/html;q=inf",
                                    ";;;,,,", "text/html;q=0, application/geo+json;q=0.1", "\x7f" * 50])
def test_odd_accept_headers_are_read_not_crashed_on(env: Env, accept: str) -> None:
    r = env.client.get(f"{ITEMS}?limit=2", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"] in ("application/geo+json", "text/html; charset=utf-8")


# -- path tricks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "detail"), [
    ("/collections/..%2F..%2Fetc%2Fpasswd/items", r"^Not Found$"),
    ("/collections/projects/items/..%2F..", r"^Not Found$"),
    ("/collections/projects/items/..%2F..%2F..%2Fetc%2Fpasswd/yield", r"^Not Found$"),
    ("/collections/projects/items/" + "a" * 5000, r"^no feature 'a{80}' in collection projects$"),
    ("/collections/districts/items/%E9%A1%B9%E7%9B%AE", r"^no feature '项目' in collection districts$"),
    ("/collections/targets/items/%00", r"^no feature '\\x00' in collection targets$"),
    ("/collections/projects/items/%F0%9F%92%A5%20%27%3B--", r"""^no feature "💥 ';--" in collection projects$"""),
    ("/collections/projects/items/nope/yield", r"^no project 'nope'$"),
    ("/exports/..%2F..%2Fetc%2Fpasswd?format=csv", r"^Not Found$"),
    ("/exports/plans?format=csv", r"^no layer 'plans'; exportable: projects, districts, targets$"),
    ("/layers/..%2Fmap", r"^Not Found$"),
    ("/layers/edits", r"^no layer 'edits'; layers: "),
    ("/analysis/districts/000000/yield", r"^no district '000000'; known: "),
    ("/collections/edits/items", r"^Not Found$"),
])
def test_path_tricks_are_404(env: Env, path: str, detail: str) -> None:
    assert_problem(env.client.get(path), 404, path, detail=detail)


@pytest.mark.parametrize(("query", "detail"), [
    ("format=xlsx", r"^format: give one of geojson, csv, gpkg$"),
    ("", r"^format: give one of geojson, csv, gpkg$"),
    ("format=csv&format=gpkg", r"given more than once: format$"),
    ("format=csv&layer=targets", r"^unknown query parameter\(s\) layer"),
])
def test_bad_export_format_is_400(env: Env, query: str, detail: str) -> None:
    url = f"/exports/projects?{query}"
    assert_problem(env.client.get(url), 400, url, detail=detail)


def test_a_wrong_method_is_405_with_allow(env: Env) -> None:
    r = env.client.put(f"{ITEMS}/{env.home_ids[0]}", json={})
    assert_problem(r, 405, f"{ITEMS}/{env.home_ids[0]}", detail=r"^Method Not Allowed$")
    assert r.headers["allow"] == "GET, PATCH, DELETE"  # every method of the path, not only the first route's
    r = env.client.delete("/collections/targets/items/x")
    assert_problem(r, 405, "/collections/targets/items/x")
    assert r.headers["allow"] == "GET"


# -- request bodies ----------------------------------------------------------------------------------------


def test_oversized_bodies_are_413_with_or_without_content_length(env: Env) -> None:
    big = json.dumps(new_project("too-big", note="x" * MAX_BODY)).encode()
    headers = {"X-API-Key": env.key, "Content-Type": "application/json"}

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(big), 1000):
            yield big[i:i + 1000]

    for method, url in (("POST", ITEMS), ("PATCH", f"{ITEMS}/{env.home_ids[0]}"), ("POST", "/analysis/yield")):
        refused(env, method, url, 413, content=big, headers=headers,
                detail=rf"^request bodies are limited to {MAX_BODY} bytes$")
        refused(env, method, url, 413, content=chunks(), headers=headers,  # streamed: no Content-Length at all
                detail=rf"^request bodies are limited to {MAX_BODY} bytes$")
    refused(env, "POST", ITEMS, 400, content=b"{}", headers={**headers, "Content-Length": "-5"},
            detail=r"^Content-Length is not a number$")


def test_a_body_just_under_the_limit_is_read(env: Env) -> None:
    body = json.dumps(new_project("just-fits")).encode()
    body += b" " * (MAX_BODY - len(body))  # exactly the limit, padded with JSON whitespace
    r = env.client.post(ITEMS, content=body, headers={"X-API-Key": env.key, "Content-Type": "application/json"})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("raw", [b"{bad json", b'{"type": "Feature",', b"", b"\xff\xfe\x00", b"[]", b"null", b"1e999"])
def test_malformed_json_is_422(env: Env, raw: bytes) -> None:
    for method, url in (("POST", ITEMS), ("PATCH", f"{ITEMS}/{env.home_ids[0]}"), ("POST", "/analysis/yield")):
        refused(env, method, url, 422, content=raw, headers={"X-API-Key": env.key, "Content-Type": "application/json"},
                detail=r"^body")


GEOMETRIES = [
    ('{"type":"Point","coordinates":[NaN,29.5]}', r"coordinates\.0: Input should be a finite number"),
    ('{"type":"Point","coordinates":[113.5,Infinity]}', r"coordinates\.1: Input should be a finite number"),
    ('{"type":"Point","coordinates":[-Infinity,29.5]}', r"coordinates\.0: Input should be a finite number"),
    ('{"type":"Point","coordinates":[1e400,29.5]}', r"coordinates\.0: Input should be a finite number"),
    ('{"type":"Point","coordinates":["113.5","29.5"]}', r"coordinates\.0: Input should be a valid number"),
    ('{"type":"Point","coordinates":[true,29.5]}', r"coordinates\.0: Input should be a valid number"),
    ('{"type":"Point","coordinates":[113.5,29.5,10]}', r"coordinates: List should have at most 2 items"),
    ('{"type":"Point","coordinates":[113.5]}', r"coordinates: List should have at least 2 items"),
    ('{"type":"Point","coordinates":null}', r"coordinates: Input should be a valid list"),
    ('{"type":"Point"}', r"coordinates: Field required"),
    ('{"type":"Polygon","coordinates":[[[113,29],[114,29],[114,30],[113,29]]]}',
     r"geometry\.type: Input should be 'Point'"),
    ('{"type":"Point","coordinates":[113.5,29.5],"crs":{"type":"name"}}', r"geometry\.crs: Extra inputs"),
    ('{"type":"Point","coordinates":[113.5,139.9]}', r"^lon/lat: lat=139\.9 is not a latitude \(allowed: finite"),
    ('{"type":"Point","coordinates":[213.5,29.5]}', r"^lon/lat: lon=213\.5 is not a longitude \(allowed: fin"),
    ('{"type":"Point","coordinates":[29.5,113.5]}', r"^lon/lat: lat=113\.5 is not a latitude"),  # lat,lon swapped
    ('{"type":"Point","coordinates":[110.0,27.5]}',  # in 怀化, not in 临湘
     rf"^lon/lat: 110\.000000,27\.500000 \(WGS-84\) is outside district {HOME}$"),
]


@pytest.mark.parametrize(("geometry", "detail"), GEOMETRIES)
def test_invalid_geometries_are_422_on_create_and_update(env: Env, geometry: str, detail: str) -> None:
    headers = {"X-API-Key": env.key, "Content-Type": "application/json"}
    props = json.dumps(new_project("x")["properties"])
    create = f'{{"type":"Feature","id":"bad-geometry","geometry":{geometry},"properties":{props}}}'
    refused(env, "POST", ITEMS, 422, content=create.encode(), headers=headers, detail=detail)
    refused(env, "PATCH", f"{ITEMS}/{env.home_ids[0]}", 422, content=f'{{"geometry":{geometry}}}'.encode(),
            headers=headers, detail=detail)


@pytest.mark.parametrize(("change", "detail"), [
    ({"bogus": 1}, r"^body\.bogus: Extra inputs are not permitted$"),
    ({"properties": {"bogus": 1}}, r"^body\.properties\.bogus: Extra inputs are not permitted$"),
    ({"properties": {"capacity_mw": -1}}, r"capacity_mw: Input should be greater than or equal to 0$"),
    ({"properties": {"capacity_mw": "5"}}, r"capacity_mw: Input should be a valid number$"),
    ({"properties": {"voltage_kv": -110}}, r"voltage_kv: Input should be greater than or equal to 0$"),
    ({"properties": {"target_year": 1800}}, r"target_year: Input should be greater than or equal to 1990$"),
    ({"properties": {"category": "warp_drive"}}, r"^category: unknown value 'warp_drive'; allowed: pv, "),
    ({"properties": {"status": "dreamt"}}, r"^status: unknown value 'dreamt'; allowed: "),
    ({"properties": {"district_adcode": "110101"}}, r"^district_adcode: unknown district '110101'"),
    ({"properties": {"district_adcode": "4306"}}, r"district_adcode: String should match pattern"),
    ({"properties": {"name_zh": None}}, r"^name_zh: may not be null$"),
    ({"properties": {"name_zh": ""}}, r"name_zh: String should have at least 1 character$"),
    ({"properties": {"note": "x" * 2001}}, r"note: String should have at most 2000 characters$"),
    ({"type": "FeatureCollection"}, r"^body\.type: Input should be 'Feature'$"),
])
def test_invalid_fields_are_422(env: Env, change: dict[str, Any], detail: str) -> None:
    headers = {"X-API-Key": env.key}
    create = new_project("bad-fields")
    for k, v in change.items():
        create[k] = {**create[k], **v} if isinstance(v, dict) else v
    refused(env, "POST", ITEMS, 422, json=create, headers=headers, detail=detail)
    patch = {k: v for k, v in change.items() if k != "type"} or {"type": "Bad", "properties": {"status": "planned"}}
    refused(env, "PATCH", f"{ITEMS}/{env.home_ids[0]}", 422, json=patch, headers=headers,
            detail=detail if "type" not in change else r"^body\.type: Input should be 'Feature'$")


@pytest.mark.parametrize(("pid", "detail"), [
    ("UPPER", r"^body\.id: String should match pattern"), ("../x", r"^body\.id: String should match pattern"),
    ("a" * 65, r"^body\.id: String should match pattern"), ("", r"^body\.id: String should match pattern"),
])
def test_bad_project_ids_are_422(env: Env, pid: str, detail: str) -> None:
    refused(env, "POST", ITEMS, 422, json=new_project(pid), headers={"X-API-Key": env.key}, detail=detail)


def test_query_errors_of_an_edit_are_400_body_errors_422(env: Env) -> None:
    headers = {"X-API-Key": env.key}
    refused(env, "POST", f"{ITEMS}?crs=gcj", 400, json=new_project("crs-typo"), headers=headers,
            detail=r"^crs: unknown 'gcj'; allowed: wgs84, gcj02, bd09$")
    refused(env, "POST", f"{ITEMS}?crs=GCJ02", 400, json=new_project("crs-case"), headers=headers, detail=r"^crs:")
    refused(env, "POST", f"{ITEMS}?dry_run=1", 400, json=new_project("dry"), headers=headers,
            detail=r"^unknown query parameter\(s\) dry_run; allowed: crs$")
    refused(env, "DELETE", f"{ITEMS}/{env.home_ids[0]}?crs=gcj02", 400, headers=headers,
            detail=r"^unknown query parameter\(s\) crs; allowed: none$")


# -- coordinates in GCJ-02 ---------------------------------------------------------------------------------


def test_gcj02_coordinates_convert_only_with_the_flag(env: Env) -> None:
    surveyed = inside_point(env, HOME)  # the true WGS-84 point
    g = prcoords.wgs_gcj((surveyed[1], surveyed[0]))
    gcj = [g.lon, g.lat]  # what Amap shows for it
    headers = {"X-API-Key": env.key}
    assert 300 < metres(surveyed, (g.lon, g.lat)) < 1000

    # Without the flag the GCJ-02 numbers are taken as WGS-84: the project lands ~600 m off the surveyed point.
    r = env.client.post(ITEMS, json={**new_project("gcj-unflagged"), "geometry": {"type": "Point", "coordinates": gcj}},
                        headers=headers)
    assert r.status_code == 201, r.text
    off = tuple(r.json()["geometry"]["coordinates"])
    assert 300 < metres(surveyed, off) < 1000

    # With ?crs=gcj02 they are converted: the stored point is the surveyed one (to the 6 decimals served).
    r = env.client.post(f"{ITEMS}?crs=gcj02", json={**new_project("gcj-flagged"),
                                                    "geometry": {"type": "Point", "coordinates": gcj}}, headers=headers)
    assert r.status_code == 201, r.text
    assert metres(surveyed, tuple(r.json()["geometry"]["coordinates"])) < 0.5
    r = env.client.patch(f"{ITEMS}/gcj-unflagged?crs=gcj02", json={"geometry": {"type": "Point", "coordinates": gcj}},
                         headers=headers)
    assert r.status_code == 200, r.text
    served = env.client.get(f"{ITEMS}/gcj-unflagged").json()
    assert metres(surveyed, tuple(served["geometry"]["coordinates"])) < 0.5
    assert served["properties"]["location_precision"] == "surveyed"
    trail = [e for e in read_edits(env.store) if e["project_id"] == "gcj-unflagged"]
    assert [e["op"] for e in trail] == ["create", "update"] and trail[-1]["who"] == "hostile-tests"


# -- keys --------------------------------------------------------------------------------------------------


def test_edits_without_a_key_are_401(env: Env) -> None:
    pid = env.home_ids[0]
    detail = r"^an API key is required to edit"
    refused(env, "POST", ITEMS, 401, json=new_project("no-key"), detail=detail)
    refused(env, "PATCH", f"{ITEMS}/{pid}", 401, json={"properties": {"status": "planned"}}, detail=detail)
    refused(env, "DELETE", f"{ITEMS}/{pid}", 401, detail=detail)
    refused(env, "DELETE", f"{ITEMS}/{pid}", 401, headers={"X-API-Key": ""}, detail=detail)
    refused(env, "DELETE", f"{ITEMS}/{pid}", 401, headers={"Authorization": f"Basic {env.key}"}, detail=detail)


def test_wrong_keys_are_401(env: Env) -> None:
    pid = env.home_ids[0]
    key_id, secret = env.key.split("_")[1], env.key.split("_")[2]
    wrong_secret = f"ep_{key_id}_{'A' * len(secret)}"
    for headers in ({"X-API-Key": "hunter2"}, {"X-API-Key": "ep_deadbeef_" + "x" * 43},
                    {"X-API-Key": wrong_secret}, {"X-API-Key": env.key + "x"}, {"X-API-Key": env.key[:-1]},
                    {"X-API-Key": f"ep_{key_id}_' OR 1=1 --"}, {"Authorization": f"Bearer {wrong_secret}"}):
        refused(env, "PATCH", f"{ITEMS}/{pid}", 401, json={"properties": {"status": "planned"}}, headers=headers,
                detail=r"^the API key is not valid \(unknown, wrong or revoked\)$")
        refused(env, "POST", ITEMS, 401, json=new_project("wrong-key"), headers=headers, detail=r"not valid")


def test_a_revoked_key_is_401(env: Env) -> None:
    key = add_key(env.store, "short-lived", "*")
    r = env.client.post(ITEMS, json=new_project("before-revocation"), headers={"X-API-Key": key})
    assert r.status_code == 201, r.text
    assert revoke_key(env.store, key.split("_")[1])
    refused(env, "DELETE", f"{ITEMS}/before-revocation", 401, headers={"X-API-Key": key},
            detail=r"^the API key is not valid")
    refused(env, "POST", ITEMS, 401, json=new_project("after-revocation"), headers={"Authorization": f"Bearer {key}"},
            detail=r"^the API key is not valid")


def test_a_key_scoped_to_another_district_is_403(env: Env) -> None:
    headers = {"X-API-Key": env.scoped}
    pid = env.home_ids[1]
    detail = rf"^district {HOME}: outside the districts this key may edit \({AWAY}, 431202\)$"
    refused(env, "PATCH", f"{ITEMS}/{pid}", 403, json={"properties": {"status": "planned"}}, headers=headers,
            detail=detail)
    refused(env, "DELETE", f"{ITEMS}/{pid}", 403, headers=headers, detail=detail)
    refused(env, "POST", ITEMS, 403, json=new_project("scoped-away"), headers=headers, detail=detail)
    # Its own district, and a county of it, are allowed; moving a project out of them is not.
    county = "431202"
    lon, lat = inside_point(env, county)
    mine = {**new_project("scoped-mine", county), "geometry": {"type": "Point", "coordinates": [lon, lat]}}
    assert env.client.post(ITEMS, json=mine, headers=headers).status_code == 201
    refused(env, "PATCH", f"{ITEMS}/scoped-mine", 403, json={"properties": {"district_adcode": HOME}},
            headers=headers, detail=rf"^district {HOME}: outside the districts")
    assert env.client.delete(f"{ITEMS}/scoped-mine", headers=headers).status_code == 204


def test_duplicates_and_missing_projects(env: Env) -> None:
    headers = {"X-API-Key": env.key}
    assert env.client.post(ITEMS, json=new_project("twice"), headers=headers).status_code == 201
    refused(env, "POST", ITEMS, 409, json=new_project("twice"), headers=headers,
            detail=r"^id: project 'twice' exists already$")
    refused(env, "POST", ITEMS, 409, json=new_project(env.home_ids[2]), headers=headers, detail=r"exists already$")
    for pid in ("no-such-project", "twice-", "项目"):
        refused(env, "PATCH", f"{ITEMS}/{pid}", 404, json={"properties": {"status": "planned"}}, headers=headers,
                detail=rf"^no project '{pid}'$")
        refused(env, "DELETE", f"{ITEMS}/{pid}", 404, headers=headers, detail=rf"^no project '{pid}'$")
    refused(env, "PATCH", f"{ITEMS}/twice", 422, json={}, headers=headers,
            detail=r"^nothing to change: give properties and/or a geometry$")
    assert env.client.delete(f"{ITEMS}/twice", headers=headers).status_code == 204
    refused(env, "DELETE", f"{ITEMS}/twice", 404, headers=headers, detail=r"^no project 'twice'$")
    assert env.client.get(f"{ITEMS}/twice").status_code == 404


# -- what edits become: HTML and CSV -----------------------------------------------------------------------


def test_html_escapes_script_injected_through_an_edit(env: Env) -> None:
    script, img = "<script>alert(1)</script>", '"><img src=x onerror=alert(2)>'
    r = env.client.post(ITEMS, json=new_project("xss", name_zh=script, name_en=img), headers={"X-API-Key": env.key})
    assert r.status_code == 201, r.text
    assert r.json()["properties"]["name_zh"] == script  # stored as given: it is data, escaping is the view's job
    pages = [env.client.get(f"{ITEMS}/xss", headers={"Accept": "text/html"}),
             env.client.get(f"{ITEMS}/xss?f=html"),
             env.client.get(f"{ITEMS}?district={HOME}&limit=10000", headers={"Accept": "text/html,*/*;q=0.8"}),
             env.client.get(f"{ITEMS}?district={HOME}&limit=10000&f=html")]
    for page in pages:
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert script not in page.text and "<img" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "&lt;img src=x onerror=alert(2)&gt;" in page.text
    assert script not in env.client.get("/map").text


def test_csv_export_neutralises_formulas_from_an_edit(env: Env) -> None:
    formula = '=HYPERLINK("http://evil.example","点我")'
    project = new_project("formula", name_zh=formula, name_en="@SUM(A1:A9)", site="+1-1", capacity_mw=5)
    r = env.client.post(ITEMS, json=project, headers={"X-API-Key": env.key})
    assert r.status_code == 201, r.text
    export = env.client.get("/exports/projects?format=csv")
    assert export.status_code == 200 and export.content.startswith(b"\xef\xbb\xbf")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))}
    row = rows["formula"]
    assert row["name_zh"] == "'" + formula and row["name_en"] == "'@SUM(A1:A9)" and row["site"] == "'+1-1"
    assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values()), row
    assert float(row["capacity_mw"]) == 5 and math.isfinite(float(row["lon"]))  # numbers stay numbers
