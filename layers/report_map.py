"""The district report's map as inline SVG: outlines, township names, existing plants and the plan's projects.

An equirectangular projection scaled by cos(latitude) (true shape at county scale), a scale bar and a north
arrow; no tiles, no script. Projects without a site coordinate are drawn hollow, as on the planner map.
"""

import math
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry

from layers.html_safety import html_text
from layers.styles import PRECISION_DISPLAY, PROJECT_GROUPS, project_group

WIDTH, HEIGHT, PAD = 640, 420, 18


def _scale_bar_km(span_km: float) -> float:
    for km in (1, 2, 5, 10, 20, 50, 100, 200):
        if km >= span_km / 5:
            return float(km)
    return 500.0


def report_map_svg(outlines: list[tuple[str, BaseGeometry]], projects: pd.DataFrame,
                   townships: list[dict[str, Any]] | None = None, plants: list[dict[str, Any]] | None = None,
                   north: str = "N", title: str = "") -> str:
    """An SVG map of ``outlines`` (name, geometry in WGS-84) with the projects on it.

    Parameters
    ----------
    outlines : list of (str, geometry)
        The district(s) to draw, with their names (labelled at their centroid).
    projects : DataFrame
        ``lon``, ``lat``, ``category``, ``subtype``, ``voltage_kv``, ``location_precision``, ``name_zh``.
    townships : list of dict, optional
        ``name``, ``lon``, ``lat``: grey dots with names.
    plants : list of dict, optional
        ``name_local``/``name``, ``kind``, ``lon``, ``lat``: existing plants (grey squares).
    north : str
        The north arrow's letter.
    title : str
        The SVG's accessible title.
    """
    if not outlines:
        return ""
    minx, miny, maxx, maxy = (min(g.bounds[0] for _, g in outlines), min(g.bounds[1] for _, g in outlines),
                              max(g.bounds[2] for _, g in outlines), max(g.bounds[3] for _, g in outlines))
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = min((WIDTH - 2 * PAD) / max((maxx - minx) * kx, 1e-6), (HEIGHT - 2 * PAD) / max(maxy - miny, 1e-6))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon - minx) * kx * scale, HEIGHT - PAD - (lat - miny) * scale

    def inside(lon: float, lat: float) -> bool:
        return minx <= lon <= maxx and miny <= lat <= maxy

    parts = [f'<svg class="report-map" xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"><title>{html_text(title)}</title>',
             '<style>text{font:10px sans-serif;fill:#37474f}.dn{font:bold 13px sans-serif;fill:#263238}</style>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f9fa"/>']
    for _, geom in outlines:
        for poly in getattr(geom, "geoms", [geom]):
            rings = [poly.exterior, *poly.interiors]
            d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (xy(*c[:2]) for c in ring.coords)) + "Z"
                         for ring in rings)
            parts.append(f'<path d="{d}" fill="#ffffff" fill-rule="evenodd" stroke="#546e7a" stroke-width="1.2"/>')
    for t in townships or []:
        if not inside(t["lon"], t["lat"]):
            continue
        x, y = xy(t["lon"], t["lat"])
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="#90a4ae"/>'
                     f'<text x="{x + 3:.1f}" y="{y - 2:.1f}" fill="#78909c">{html_text(t["name"])}</text>')
    for p in plants or []:
        if not inside(p["lon"], p["lat"]):
            continue
        x, y = xy(p["lon"], p["lat"])
        shape = (f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6"' if p["kind"] == "coal"
                 else f'<polygon points="{x:.1f},{y - 4:.1f} {x - 3.5:.1f},{y + 2.5:.1f} {x + 3.5:.1f},{y + 2.5:.1f}"')
        parts.append(f'{shape} fill="#bdbdbd" stroke="#616161"><title>{html_text(p.get("name_local") or p["name"])}'
                     "</title></" + ("rect>" if p["kind"] == "coal" else "polygon>"))
    for name, geom in outlines:
        c = geom.representative_point()
        x, y = xy(c.x, c.y)
        parts.append(f'<text class="dn" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{html_text(name)}</text>')
    seen: dict[tuple[float, float], int] = {}
    for r in projects.to_dict("records"):
        lon, lat = r.get("lon"), r.get("lat")
        if lon is None or lat is None or pd.isna(lon) or pd.isna(lat):
            continue
        group = PROJECT_GROUPS[project_group(r.get("category"), r.get("subtype"), r.get("voltage_kv"))]
        display = PRECISION_DISPLAY.get(str(r.get("location_precision")), "district_point")
        x, y = xy(float(lon), float(lat))
        key = (round(x), round(y))
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n:  # points that share a place (a district's point) on a small spiral, as the map's ring does
            a = n * 2.4
            rad = 7 + 2.2 * math.sqrt(n)
            x, y = x + rad * math.cos(a), y + rad * math.sin(a)
        hollow = display in ("district_point", "city_point")
        fill = "#ffffff" if hollow else group.colour
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{fill}" '
                     f'fill-opacity="{0.45 if display == "approximate" else 0.95}" stroke="{group.colour}" '
                     f'stroke-width="{2 if hollow else 1}"><title>{html_text(r.get("name_zh"))}</title></circle>')
    span_km = (maxx - minx) * kx * 111.32
    km = _scale_bar_km(span_km)
    px = km / 111.32 * scale
    parts.append(f'<g transform="translate({PAD},{HEIGHT - 8})"><rect width="{px:.1f}" height="4" y="-6" '
                 f'fill="#263238"/><text x="{px + 4:.1f}" y="-1">{km:g} km</text></g>')
    parts.append(f'<g transform="translate({WIDTH - 24},30)"><polygon points="0,-16 6,4 0,0 -6,4" fill="#263238"/>'
                 f'<text y="16" text-anchor="middle" style="font:bold 11px sans-serif">{html_text(north)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
