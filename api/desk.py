"""The planner's desk in the service: the landing page for planners and the district reports, Chinese first.

Language: ``?lang=zh|en``, else the ``Accept-Language`` header, else Chinese (:func:`layers.i18n.negotiate`).
Pages carry a strict content security policy: no script, nothing from another origin.
"""

from typing import Annotated

import orjson
from fastapi import Depends, FastAPI, Request
from starlette.responses import HTMLResponse, Response

from api.analysis import district_yield_json
from api.deps import CurrentService, CurrentSnapshot, QueryParams
from api.params import LANG_PARAM
from api.problems import problem_docs
from api.service import Snapshot
from layers.landing import landing_html
from layers.report import report_html
from layers.report_data import report_input

PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'"
MAX_QUERY_CHARS = 100


def html_response(html: str, lang: str) -> HTMLResponse:
    """An HTML page with the strict policy and its language."""
    return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_CSP, "Content-Language": lang,
                                       "Vary": "Accept-Language"})


def landing_page(request: Request, snap: Snapshot, params: dict[str, str], lang: str) -> HTMLResponse:
    """The planners' landing page (districts, attainment bars, search; links to reports, the map, the OGC pages)."""
    query = params.get("q", "")[:MAX_QUERY_CHARS]
    state = snap.state
    base = str(request.base_url).rstrip("/")
    links = [(f"{base}/?f=html", "OGC API – Features"), (f"{base}/collections?f=html", "collections"),
             (f"{base}/api.html", "API"), (f"{base}/edits", "edits (JSON)")]
    return html_response(landing_html(state.projects, state.targets, state.districts, lang, query, links), lang)


def register(app: FastAPI) -> None:
    """Add ``/desk`` (the landing page) and ``/reports/{adcode}``."""
    desk_params, report_params = QueryParams("lang", "q"), QueryParams("lang")

    @app.get("/desk", tags=["desk"], summary="The planners' landing page (HTML; lang=zh|en, q=search)",
             response_class=HTMLResponse, responses=problem_docs(400),
             openapi_extra={"parameters": [LANG_PARAM, {"name": "q", "in": "query", "required": False,
                                                    "schema": {"type": "string"}, "description": "search words"}]})
    def desk(request: Request, snap: CurrentSnapshot, params: Annotated[dict[str, str], Depends(desk_params)],
             lang: Annotated[str, Depends(desk_params.lang)]) -> Response:
        return landing_page(request, snap, params, lang)

    @app.get("/reports/{adcode}", tags=["desk"], response_class=HTMLResponse, responses=problem_docs(400, 404, 503),
             openapi_extra={"parameters": [LANG_PARAM]},
             summary="A district's report (HTML, prints on A4): targets vs the named pipeline in MW and GWh with "
                     "P50/P90, projects with provenance, map, yields, siting, assumptions")
    async def report(request: Request, adcode: str, service: CurrentService, snap: CurrentSnapshot,
                     lang: Annotated[str, Depends(report_params.lang)]) -> Response:
        data_dir = service.settings.data_dir
        summary = orjson.loads(await district_yield_json(request, service, snap, adcode))
        other = "en" if lang == "zh" else "zh"
        data = report_input(adcode, summary, snap.state.projects, snap.state.districts, data_dir,
                            service.settings.store.parent / "siting", lang_href=f"?lang={other}")
        return html_response(report_html(data, lang), lang)
