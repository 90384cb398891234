"""Plain HTML views of the service's JSON (OGC API – Features ``conf/html``): every value escaped, no scripts."""

from html import escape
from typing import Any

from starlette.responses import HTMLResponse

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
_STYLE = ("body{font-family:sans-serif;margin:1.5em;max-width:80em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top;font-size:90%}"
          ".note{color:#a00}")
NOT_OFFICIAL = "非官方地图 · Not an official map"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return escape(str(value))[:300]
    return escape(str(value))


def links_html(links: list[dict[str, Any]]) -> str:
    """A list of links (only same-service hrefs are emitted as anchors by construction of the links)."""
    items = "".join(
        f'<li><a href="{escape(str(link["href"]), quote=True)}">{escape(str(link.get("title") or link["rel"]))}</a>'
        f" <small>({escape(str(link['rel']))}, {escape(str(link.get('type', '')))})</small></li>" for link in links)
    return f"<ul>{items}</ul>"


def table_html(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows as an escaped table."""
    if not rows:
        return "<p>No rows.</p>"
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    """A complete page with a strict content security policy."""
    html = (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>"
            f'<p class="note">{NOT_OFFICIAL}</p>{body}</body></html>')
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})
