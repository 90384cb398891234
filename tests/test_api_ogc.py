"""OGC API – Features behaviour, mirroring the assertions of the OGC test suite (which cannot run here)."""

from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from live_server import copy_store

from api.app import create_app
from api.features import LIMIT_MAX
from api.settings import Settings
from geo.store.file import read_table

CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    store = copy_store(built_store, tmp_path_factory.mktemp("ogc"))
    with TestClient(create_app(Settings(store=store))) as c:
        yield c


def test_landing_conformance_and_api(client):
    landing = client.get("/").json()
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= rels
    assert all("type" in link for link in landing["links"])
    assert set(client.get("/conformance").json()["conformsTo"]) == {CONF + c for c in ("core", "geojson", "html",
                                                                                       "oas30")}
    api = client.get("/api")
    assert api.headers["content-type"].startswith("application/vnd.oai.openapi+json;version=3.0")
    doc = api.json()
    assert doc["openapi"] == "3.0.3"
    assert "/collections/projects/items" in doc["paths"] and "/collections/targets/items/{featureId}" in doc["paths"]
    assert "HTTPValidationError" not in api.text  # errors are documented as problem+json, as they are sent
    assert '{"type":"null"}' not in api.text


def test_collections_describe_extent_and_items_links(client):
    colls = {c["id"]: c for c in client.get("/collections").json()["collections"]}
    assert set(colls) == {"projects", "substations", "districts", "targets"}
    bbox = colls["projects"]["extent"]["spatial"]["bbox"][0]
    assert 109 < bbox[0] < bbox[2] < 115 and 27 < bbox[1] < bbox[3] < 30.5
    for c in colls.values():
        assert any(link["rel"] == "items" and link["type"] == "application/geo+json" for link in c["links"])
    assert colls["projects"]["extent"]["temporal"]["interval"][0][0].startswith("20")


def test_items_default_json_with_paging_counts(client):
    r = client.get("/collections/projects/items")
    assert r.headers["content-type"] == "application/geo+json"
    page = r.json()
    assert page["type"] == "FeatureCollection" and page["numberReturned"] == 10 == len(page["features"])
    assert page["numberMatched"] == 126
    assert {"self", "alternate", "next"} <= {link["rel"] for link in page["links"]}
    assert "prev" not in {link["rel"] for link in page["links"]}


def _walk(client, url):
    """Follow next links; return all features and the pages' query strings."""
    features, queries = [], []
    while url:
        page = client.get(url).json()
        features += page["features"]
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        url = nxt[0].replace("http://testserver", "") if nxt else None
        if url:
            queries.append(parse_qs(urlparse(url).query))
    return features, queries


def test_next_links_keep_filters_and_reach_every_match(client, built_store):
    projects = read_table(built_store, "projects")
    expected = projects[(projects["category"] == "pv")]
    features, queries = _walk(client, "/collections/projects/items?category=pv&limit=4&bbox=100,20,120,35")
    assert sorted(f["id"] for f in features) == sorted(expected["id"])
    assert queries and all(q["category"] == ["pv"] and q["bbox"] == ["100,20,120,35"] and q["limit"] == ["4"]
                           for q in queries)


def test_limit_is_clamped_not_refused(client):
    page = client.get("/collections/projects/items?limit=100000000").json()
    assert page["numberReturned"] == 126
    self_link = next(link["href"] for link in page["links"] if link["rel"] == "self")
    assert f"limit={LIMIT_MAX}" in self_link


def test_bbox_selects_intersecting_features(client, built_store):
    box = (113.3, 29.3, 113.8, 29.9)  # around 临湘市
    projects = read_table(built_store, "projects")
    inside = projects[projects["lon"].between(box[0], box[2]) & projects["lat"].between(box[1], box[3])]
    page = client.get("/collections/projects/items", params={"bbox": ",".join(map(str, box)), "limit": 1000}).json()
    assert sorted(f["id"] for f in page["features"]) == sorted(inside["id"]) and len(inside) > 0
    districts = client.get("/collections/districts/items", params={"bbox": "113.4,29.45,113.41,29.46"}).json()
    assert "430682" in {f["id"] for f in districts["features"]} and "431202" not in {f["id"] for f in
                                                                                    districts["features"]}


def test_district_filter_of_a_city_includes_its_counties(client, built_store):
    targets = read_table(built_store, "targets")
    city = client.get("/collections/targets/items?district=430600&limit=1000").json()
    county = client.get("/collections/targets/items?district=430682&limit=1000").json()
    assert county["numberMatched"] == int((targets["adcode"] == "430682").sum()) > 0
    assert city["numberMatched"] == int(targets["adcode"].astype(str).str.startswith("4306").sum())
    assert all(f["geometry"] is None for f in city["features"])  # a target has no geometry of its own


def test_feature_and_404(client):
    r = client.get("/collections/projects/items/lx-pv-01")
    assert r.headers["content-type"] == "application/geo+json"
    feature = r.json()
    assert feature["id"] == "lx-pv-01" and feature["properties"]["plan_line"]
    assert feature["geometry"]["type"] == "Point"
    assert {link["rel"] for link in feature["links"]} >= {"self", "collection"}
    missing = client.get("/collections/projects/items/nope")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_no_nan_is_served(client):
    text = client.get("/collections/projects/items?limit=1000").text
    assert "NaN" not in text and "Infinity" not in text
    page = client.get("/collections/projects/items?limit=1000").json()
    assert any(f["properties"]["capacity_mw"] is None for f in page["features"])  # missing stays null


@pytest.mark.parametrize(("headers", "query", "html"), [
    ({"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, "", True),  # a browser
    ({"Accept": "application/geo+json"}, "", False),  # GDAL
    ({"Accept": "*/*"}, "", False),  # OWSLib
    ({}, "", False),
    ({"Accept": "text/html"}, "?f=json", False),
    ({"Accept": "application/json"}, "?f=html", True),
])
def test_content_negotiation(client, headers, query, html):
    r = client.get(f"/collections/projects/items{query}", headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html" if html else "application/geo+json")


def test_html_pages_exist_for_every_resource(client):
    for url in ("/", "/conformance", "/collections", "/collections/districts", "/collections/districts/items",
                "/collections/districts/items/430682", "/api.html"):
        r = client.get(url, params={"f": "html"} if url != "/api.html" else None)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), url
        assert "Content-Security-Policy" in r.headers


def test_map_and_layers(client):
    page = client.get("/map")
    assert page.status_code == 200 and "leaflet" in page.text.lower() and "unpkg.com" not in page.text
    assert "http://" not in page.headers["content-security-policy"]
    names = [layer["name"] for layer in client.get("/layers").json()["layers"]]
    assert names == ["districts", "projects", "substations", "pv_yield"]
    projects = client.get("/layers/projects").json()
    assert len(projects["features"]) == 126
    assert client.get("/layers/nope").status_code == 404


def test_analysis_endpoints(client):
    site = client.post("/analysis/yield", json={"lat": 29.36, "lon": 113.13, "capacity_mw": 1})
    assert site.status_code == 200
    body = site.json()
    assert 900 < body["specific_yield_kwh_per_kwp"] < 1150 and body["is_estimate"] is True
    assert body["assumptions"]
    project = client.get("/collections/projects/items/lx-pv-01/yield").json()
    assert project["yield_status"] == "computed" and project["location_precision"]
    gaps = client.get("/analysis/targets?district=430682").json()
    row = next(t for t in gaps["targets"] if t["target_id"] == "lx-t-05")
    assert row["gap_mw"] == pytest.approx(56.0) and "baseline" in gaps["assumption"]


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_exports(client, fmt, tmp_path):
    r = client.get(f"/exports/projects?format={fmt}")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    if fmt == "csv":
        assert r.content.startswith("\ufeff".encode())
    if fmt == "gpkg":
        out = tmp_path / "p.gpkg"
        out.write_bytes(r.content)
        assert len(read_table(out, "projects")) == 126
    if fmt == "geojson":
        assert len(r.json()["features"]) == 126
