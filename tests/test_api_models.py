"""The service's dependencies (snapshot, checked query parameters) and response models against real answers."""

import shutil
from collections.abc import Mapping

import pytest
from conftest import DATA
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api import models
from api.app import create_app
from api.keys import add_key
from api.problems import Problem
from api.settings import Settings
from api.workers import clean, weather_at
from geo.store.file import read_table
from solar.portfolio import district_yield
from solar.results import DistrictYield, ProjectYield, SiteYield, as_json
from wind.portfolio import project_yield as wind_project_yield
from wind.portfolio import wind_provider
from wind.results import WindProjectYield, WindReferenceYield, WindSiteYield


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    store = tmp_path_factory.mktemp("models") / "planner.gpkg"
    shutil.copyfile(built_store, store)
    key = add_key(store, "models-test", "*")
    app = create_app(Settings(data_dir=DATA, store=store, analysis_workers=1))
    with TestClient(app) as c:
        c.headers["X-Test-Key"] = key
        yield c


def _validated(model: type[BaseModel], body: dict) -> BaseModel:
    """The body as the model, and every member the model names present in the body (no default filled in)."""
    parsed = model.model_validate(body)
    missing = [name for name in model.model_fields if name not in body]
    assert not missing, f"{model.__name__}: answer lacks {missing}"
    return parsed


@pytest.mark.parametrize(("path", "model"), [
    ("/health", models.Health), ("/?f=json", models.Landing), ("/conformance", models.Conformance),
    ("/collections", models.Collections), ("/analysis/targets", models.TargetGaps),
    ("/analysis/targets?district=430600", models.TargetGaps), ("/layers", models.MapLayers),
    ("/edits", models.Edits),
])
def test_fixed_shape_answers_match_their_models(client, path, model):
    r = client.get(path)
    assert r.status_code == 200, r.text
    _validated(model, r.json())


def test_each_json_route_documents_its_model(client):
    doc = client.get("/api").json()
    refs = {path: op["responses"]["200"]["content"]["application/json"]["schema"].get("$ref")
            for path, ops in doc["paths"].items() for method, op in ops.items()
            if method == "get" and "application/json" in op["responses"].get("200", {}).get("content", {})}
    assert refs["/health"] == "#/components/schemas/Health"
    assert refs["/collections"] == "#/components/schemas/Collections"
    assert refs["/analysis/targets"] == "#/components/schemas/TargetGaps"
    assert refs["/analysis/districts/{adcode}/yield"] == "#/components/schemas/DistrictYield"
    assert refs["/edits"] == "#/components/schemas/Edits"
    problems = [op["responses"]["400"]["content"] for ops in doc["paths"].values() for op in ops.values()
                if "400" in op["responses"]]
    assert problems and all(p == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                            for p in problems)
    assert doc["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail", "instance"]


@pytest.mark.parametrize(("path", "detail"), [
    ("/health?x=1", "unknown query parameter(s) x; allowed: none"),
    ("/collections?f=json&f=html", "query parameter(s) given more than once: f"),
    ("/collections?f=xml", "f: unknown format 'xml'; allowed: json, geojson, html"),
    ("/collections/projects/items?limit=0", "limit: 0 is below the minimum 1"),
    ("/collections/projects/items?offset=-1", "offset: '-1' is not an integer >= 0"),
    ("/collections/projects/items?bbox=1,2,3", "bbox: 3 value(s); give 4 (minlon,minlat,maxlon,maxlat) or 6 numbers"),
    ("/collections/projects/items?category=solar", "category: unknown value 'solar'; allowed: "),
    ("/collections/projects/items?district=999999", "district: no unit '999999' in the store; it holds 12: "),
    ("/desk?lang=fr", "lang: unknown language 'fr'; allowed: zh, en"),
    ("/edits?limit=x", "limit: 'x' is not an integer >= 1"),
    ("/analysis/targets?district=1", "district: unknown adcode '1'; allowed: "),
])
def test_bad_parameters_are_400_problems_from_the_dependencies(client, path, detail):
    r = client.get(path)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    problem = _validated(Problem, r.json())
    assert problem.detail.startswith(detail) and problem.instance == path.split("?")[0]


def test_parameter_errors_come_in_the_order_they_did(client):
    # the unknown parameter first, then limit before bbox, then the district, and the format last
    assert client.get("/collections/projects/items?limit=0&zz=1").json()["detail"].startswith("unknown")
    assert client.get("/collections/projects/items?bbox=1&limit=0").json()["detail"].startswith("limit")
    assert client.get("/collections/projects/items?f=xml&district=999999").json()["detail"].startswith("district")
    # an unknown feature is 404 whatever the format asked for
    assert client.get("/collections/projects/items/no-such?f=xml").status_code == 404


def test_limit_is_clamped_and_the_page_reads_one_snapshot(client):
    r = client.get("/collections/targets/items?limit=99999999999999999999999")
    body = r.json()
    assert r.status_code == 200 and body["numberReturned"] == body["numberMatched"] > 0
    assert "limit=10000" in next(link["href"] for link in body["links"] if link["rel"] == "self")


def test_an_edit_shows_in_the_next_snapshot_and_the_audit_model(client):
    before = client.get("/health").json()["version"]
    feature = client.get("/collections/projects/items?limit=1").json()["features"][0]
    r = client.patch(f"/collections/projects/items/{feature['id']}", json={"properties": {"status": "planned"}},
                     headers={"X-API-Key": client.headers["X-Test-Key"]})
    assert r.status_code == 200, r.text
    assert client.get("/health").json()["version"] == before + 1
    edits = _validated(models.Edits, client.get(f"/edits?project_id={feature['id']}").json())
    assert edits.numberReturned == 1 and edits.edits[0].fields == {"status": "planned"}


def test_yield_answers_match_their_models(client):
    site = client.post("/analysis/yield", json={"lat": 29.37, "lon": 113.1, "capacity_mw": 2.0})
    assert site.status_code == 200, site.text
    parsed = _validated(models.PostedSiteYield, site.json())
    assert len(parsed.monthly_energy_mwh) == 12 and parsed.lat == 29.37
    district = client.get("/analysis/districts/430682/yield")
    assert district.status_code == 200, district.text
    summary = _validated(models.DistrictYield, district.json())
    for row in summary.pv_projects + summary.wind_projects:
        _validated(models.ProjectYield, row.model_dump())
    for t in district.json()["targets"]:
        _validated(models.TargetEnergy, t)
    _validated(models.ReferenceYield, district.json()["reference_yield"])
    pid = next(r.id for r in summary.pv_projects if r.yield_status == "computed")
    _validated(models.ProjectYield, client.get(f"/collections/projects/items/{pid}/yield").json())


def test_the_service_sends_the_typed_results_as_json(client):
    """The district yield the service sends is :func:`solar.results.as_json` of the typed result, member for member."""
    store = client.app.state.service.settings.store
    projects, targets, districts = (read_table(store, n) for n in ("projects", "targets", "districts"))
    result = district_yield("430682", projects, targets, districts, weather_at(DATA), (wind_provider(DATA),))
    assert isinstance(result, DistrictYield) and all(isinstance(r, ProjectYield) for r in result.pv_projects)
    assert isinstance(result.other("wind").reference, WindReferenceYield)
    served = client.get("/analysis/districts/430682/yield").json()
    assert clean(as_json(result)) == served
    assert list(served) == ["adcode", "name_zh", "pv_projects", "wind_projects", "total", "reference_yield",
                            "wind_reference_yield", "targets", "assumptions"]
    row = next(r for r in result.pv_projects if r.site is not None)
    assert isinstance(row.site, SiteYield) and as_json(row)["annual_energy_mwh"] == row.site.annual_energy_mwh
    members = list(as_json(row))  # the project's identity, the site's figures, then status, note and technology
    assert members[:9] == ["id", "name_zh", "subtype", "district_adcode", "capacity_mw", "mounting", "lon", "lat",
                           "location_precision"]
    assert members[-3:] == ["yield_status", "location_note", "category"]
    assert members.index("crop_light_fraction") == members.index("monthly_energy_mwh") + 1


def test_a_wind_farm_is_sent_as_the_json_of_its_typed_result(client):
    """A wind farm's yield is :func:`solar.results.as_json` of its typed result: identity, figures, status."""
    store = client.app.state.service.settings.store
    projects = read_table(store, "projects")
    row = projects[projects["id"] == "hc-wind-01"].iloc[0]
    result = wind_project_yield(row, DATA)
    assert isinstance(result, WindProjectYield) and isinstance(result.site, WindSiteYield)
    assert not isinstance(result, Mapping) and not isinstance(result.site, Mapping)  # read by attribute only
    served = client.get("/collections/projects/items/hc-wind-01/yield").json()
    assert clean(as_json(result)) == served
    members = list(served)
    assert members[:10] == ["id", "name_zh", "category", "subtype", "district_adcode", "capacity_mw", "lon", "lat",
                            "location_precision", "latitude"]
    assert members[-2:] == ["yield_status", "location_note"]
    assert members.index("interannual_std_pct") > members.index("assumptions") > members.index("is_estimate")
    site = as_json(result.site)
    assert next(iter(site)) == "category" and site["category"] == "wind"
    assert site["monthly_energy_mwh"] == list(result.site.monthly_energy_mwh)
    assert served["capacity_mw"] == result.capacity_mw == result.site.capacity_mw == 62.4


def test_agrivoltaic_crop_light_is_last_in_the_json(client):
    body = client.post("/analysis/yield", json={"lat": 29.37, "lon": 113.1, "capacity_mw": 1.0,
                                                "mounting": "agrivoltaic_fixed"}).json()
    assert list(body)[-3:] == ["crop_light_monthly", "crop_light_by_segment", "crop_light_method"]
    assert 0 < body["crop_light_fraction"] < 1 and len(body["crop_light_monthly"]) == 12
