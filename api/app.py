"""The planner service: an app factory; state is built once at startup, nothing runs at import."""

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI
from starlette.responses import Response

from api import analysis, desk, edits, ogc, problems
from api.deps import CurrentSnapshot, QueryParams
from api.errors import BadRequest
from api.html_pages import page, table_html
from api.limits import BodyLimit, TrustedHost
from api.models import Health
from api.openapi30 import downgrade
from api.service import start
from api.settings import Settings

DESCRIPTION = (
    "OGC API – Features feeds of the energy projects, substations, districts and targets named in Chinese "
    "county and city plans, the planner map, PV yield and target-gap analysis, exports, and audited edits "
    "behind API keys. Every project cites its plan line; locations carry their precision. Not an official map."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI app on the store named in ``settings`` (built from the registry if missing)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = start(settings)
        app.state.service = service
        watcher = threading.Thread(target=service.watch_store, name="store-watch", daemon=True)
        watcher.start()
        setattr(app.state, analysis.POOL, analysis.start_pool(settings))  # PV yields run in worker processes
        yield
        getattr(app.state, analysis.POOL).close()
        service.stopping.set()
        watcher.join(timeout=5)

    app = FastAPI(title="Energy-infrastructure planner", version="0.2.0", description=DESCRIPTION,
                  lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)
    problems.install(app)
    ogc.register(app)
    edits.register(app)
    analysis.register(app)
    desk.register(app)

    openapi_cache: dict[str, Any] = {}

    def openapi30() -> dict[str, Any]:
        if "doc" not in openapi_cache:
            openapi_cache["doc"] = downgrade(problems.document_problems(app.openapi()))
        return openapi_cache["doc"]

    api_params, no_params = QueryParams("f"), QueryParams()

    @app.get("/api", include_in_schema=False)
    async def api_definition(params: Annotated[dict[str, str], Depends(api_params)]) -> Response:
        f = params.get("f", "json")
        if f != "json":
            raise BadRequest(f"f: the API definition is json only, not {f[:40]!r}; its HTML view is /api.html")
        return Response(orjson.dumps(openapi30()), media_type=ogc.OPENAPI_30)

    @app.get("/api.html", include_in_schema=False, dependencies=[Depends(no_params)])
    async def api_doc() -> Response:
        rows = [{"method": method.upper(), "path": path, "summary": op.get("summary", "")}
                for path, ops in openapi30()["paths"].items() for method, op in ops.items()]
        return page("API", "<p>The OpenAPI 3.0 definition is at <a href=\"api\">/api</a>.</p>" + table_html(rows))

    @app.get("/health", summary="Liveness and what the store holds", tags=["service"], response_model=Health,
             dependencies=[Depends(no_params)])
    async def health(snap: CurrentSnapshot) -> Response:
        return Response(orjson.dumps({
            "status": "ok", "store": snap.state.store.name, "projects": len(snap.state.projects),
            "targets": len(snap.state.targets), "districts": len(snap.state.districts),
            "version": snap.version, "generation": snap.marks[0],
        }), media_type="application/json")

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(TrustedHost, allowed=settings.allowed_hosts)
    return app
