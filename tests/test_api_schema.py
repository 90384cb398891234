"""Schemathesis against the service's own OpenAPI 3.0 definition, as served at ``/api``.

Every operation gets at least :data:`CASES` generated requests (positive and negative, Hypothesis-derandomised,
so CI sees the same cases), sent in-process to the ASGI app on a throwaway copy of the store, and each answer
must pass :data:`CHECKS`: no 5xx, a documented status and content type, a body matching its schema, and
schema-invalid requests refused with a 4xx. Edits run with a real API key, so creates, updates and deletes are
really written. Random values rarely name a project, a district or a valid vocabulary term, so three in four
of the positive cases are steered to known ids and vocabularies (and yield requests to this region), and
every case carries an Accept header drawn from real and odd ones: operations without parameters vary too.
"""

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from conftest import DATA
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.core.parameters import ParameterLocation

from api.app import create_app
from api.keys import add_key
from api.settings import Settings
from geo.export import LAYERS
from geo.registry import vocab
from geo.store.edits import read_edits
from geo.store.file import read_table

pytestmark = pytest.mark.slow  # live servers, browsers or bursts: `make test-fast` leaves them out

CASES = 200  # generated cases per operation, at least (the acceptance)
MIN_SUCCESSES = 5  # 2xx answers per operation, at least: an operation that refuses everything is not tested
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance, checks.negative_data_rejection]
MAP_LAYERS = ("districts", "projects", "substations", "pv_yield")
ACCEPTS = ("application/geo+json", "application/json", "text/html", "*/*", "application/xhtml+xml,*/*;q=0.8",
           "text/html;q=0.1, application/json;q=0.9", "text/html;q=abc", "application/*;q=nan", ";,;", "image/png")
YIELD_OVERRIDES = ("tilt", "azimuth", "gcr", "height", "dc_ac", "losses", "bifaciality", "albedo", "altitude_m")


def _operation_labels() -> list[str]:
    """``METHOD /path`` of every operation in the served definition (no store is read to serve it)."""
    app = create_app(Settings(store=Path("/nonexistent/planner.gpkg")))
    doc = TestClient(app).get("/api").json()  # no ``with``: the lifespan (and so the store) is not started
    return [f"{method.upper()} {path}" for path, ops in doc["paths"].items() for method in ops]


OPERATIONS = _operation_labels()


@dataclass
class Env:
    schema: Any
    store: Path
    key: str
    ids: dict[str, list[str]]  # collection → feature ids
    pv_ids: list[str]
    points: dict[str, tuple[float, float]]  # adcode → a point inside the district
    created: list[str] = field(default_factory=list)  # projects the generated creates made (deletes aim at them)


@pytest.fixture(scope="module")
def env(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    store = tmp / "planner.gpkg"
    shutil.copyfile(built_store, store)
    key = add_key(store, "schemathesis", "*")
    app = create_app(Settings(store=store, data_dir=DATA, weather_cache=tmp / "weather"))
    schema = schemathesis.openapi.from_asgi("/api", app)  # Schemathesis runs the app's lifespan itself
    projects, districts = read_table(store, "projects"), read_table(store, "districts")
    targets, substations = read_table(store, "targets"), projects[projects["category"] == "substation"]
    ids = {"projects": list(projects["id"]), "substations": list(substations["id"]),
           "districts": [str(a) for a in districts["adcode"]], "targets": list(targets["id"])}
    points = {str(a): (p.x, p.y) for a, p in zip(districts["adcode"], districts.geometry.representative_point(),
                                                     strict=True)}
    yield Env(schema, store, key, ids, list(projects.loc[projects["category"] == "pv", "id"]), points)


def _known(env: Env, method: str, path: str, name: str) -> list[str]:
    """Values of a path parameter that name something that exists."""
    if name == "adcode":
        return list(env.points)
    if name == "layer":
        return list(LAYERS)
    if name == "name":
        return list(MAP_LAYERS)
    if path.endswith("/yield"):
        return env.pv_ids
    if method == "DELETE":  # the generated projects and the registry's, but not the PV ones (yields come next)
        return [*env.created, *(i for i in env.ids["projects"] if i not in env.pv_ids)]
    return env.ids[path.split("/")[2]]


def _steer_project(body: dict[str, Any], draw: Any, env: Env, create: bool) -> None:
    """Make a generated create or patch pass the store's checks: vocabularies, district, a point inside it."""
    props = body.get("properties")
    if not isinstance(props, dict):
        if create:
            return
        props = body["properties"] = {}
    adcode = draw(st.sampled_from(sorted(env.points)))
    if create or "district_adcode" in props or body.get("geometry"):
        props["district_adcode"] = adcode
    if create or props.get("category") is not None:
        props["category"] = draw(st.sampled_from(sorted(vocab.CATEGORIES)))
    if create and not props.get("name_zh"):
        props["name_zh"] = "生成的项目"
    if create and draw(st.booleans()):  # generated ids repeat a lot (409 is tested too): half get a fresh tail
        body["id"] = f"{body['id'][:40]}-{draw(st.integers(0, 10**9))}"
    for name, table in (("status", vocab.STATUSES), ("action", vocab.ACTIONS)):
        if props.get(name) is not None:
            props[name] = draw(st.sampled_from(sorted(table)))
    for name in ("name_zh", "category", "district_adcode"):
        if name in props and props[name] is None:
            del props[name]
    if body.get("geometry"):
        lon, lat = env.points[adcode]
        body["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    elif not create and not props:  # an empty patch is refused (422): change the status
        props["status"] = draw(st.sampled_from(sorted(vocab.STATUSES)))


def _steer(case: Any, draw: Any, env: Env) -> None:
    """Point three in four positive cases at things that exist (ids, vocabularies, this region)."""
    method, path = case.operation.method.upper(), case.operation.path
    if case.path_parameters and draw(st.integers(0, 3)):  # three in four
        case.path_parameters = {name: draw(st.sampled_from(_known(env, method, path, name)))
                                for name in case.path_parameters}
    if not isinstance(case.body, dict) or not draw(st.integers(0, 3)):  # three in four again
        return
    body = dict(case.body)
    if path in ("/analysis/yield", "/analysis/wind-yield"):
        if draw(st.booleans()):  # pvlib takes ~0.3 s a case: steer only 3 in 8 of the positive ones
            return
        lon, lat = env.points[draw(st.sampled_from(sorted(env.points)))]
        drop = YIELD_OVERRIDES if path == "/analysis/yield" else ("hub_height_m",)  # a tall enough tower
        body = {**{k: v for k, v in body.items() if k not in drop}, "lat": lat, "lon": lon}
    elif path.startswith("/collections/projects/items"):
        body["properties"] = dict(body["properties"]) if isinstance(body.get("properties"), dict) else None
        _steer_project(body, draw, env, create=method == "POST")
    case.body = body


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms(env: Env, label: str) -> None:
    operations = {op.label: op for op in (r.ok() for r in env.schema.get_all_operations())}
    operation = operations[label]
    cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                      operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    accepts = st.sampled_from(ACCEPTS) | st.from_regex(r"[!-~][ -~]{0,39}", fullmatch=True)  # no leading space
    statuses: Counter[int] = Counter()
    edits_before = len(read_edits(env.store))

    @settings(max_examples=CASES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(case=cases, accept=accepts, data=st.data())
    def run(case: Any, accept: str, data: st.DataObject) -> None:
        meta = case.meta
        headers = {"Accept": accept}
        if case.operation.get_parameter("X-API-Key", "header") is not None and not meta.is_negative_at(
                ParameterLocation.HEADER) and data.draw(st.integers(0, 9), label="with key") < 8:
            headers["X-API-Key"] = env.key
        if meta.generation.mode is GenerationMode.POSITIVE:
            _steer(case, data.draw, env)
        response = case.call(headers=headers, timeout=120)  # a cold yield layer on a loaded machine takes > 10 s
        statuses[response.status_code] += 1
        if case.method.upper() == "POST" and response.status_code == 201:
            env.created.append(response.json()["id"])
        case.validate_response(response, checks=CHECKS)

    run()
    ran = sum(statuses.values())
    print(f"{label}: {ran} cases, statuses {dict(sorted(statuses.items()))}")
    assert ran >= CASES, f"{label}: only {ran} cases ran"
    assert not [s for s in statuses if s >= 500]
    ok = sum(n for s, n in statuses.items() if 200 <= s < 300)
    assert ok >= MIN_SUCCESSES, f"{label}: {ok} successful cases; the operation was hardly exercised"
    if label.split()[0] in ("POST", "PATCH", "DELETE") and "/collections/projects/items" in label:
        assert len(read_edits(env.store)) - edits_before == ok  # each acknowledged edit, and only those, audited
