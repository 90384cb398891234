"""The map's legend (a branca element), the "not an official map" banner and the attributions, in the page's language.

The legend lists what the built layers hold: project symbols, how each location precision is drawn,
marker sizes, the attainment colours, the yield scale when present, and the sources. Every word comes from
the catalogue (:mod:`layers.i18n`).
"""

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from layers.html_safety import html_text
from layers.i18n import DEFAULT_LANG, MESSAGES, mw, number, t
from layers.map_data import MapLayer
from layers.styles import MAX_RADIUS_PX, NO_CAPACITY_RADIUS_PX, attainment_step_labels, marker_radius_px

NOT_OFFICIAL_ZH, NOT_OFFICIAL_EN = MESSAGES["map.not_official_short"]
LEGEND_CAPACITIES_MW = (1.0, 50.0, 200.0)


def attribution(lang: str = DEFAULT_LANG) -> str:
    """The map's attribution line (plain text: the page escapes it)."""
    return t("map.attribution", lang, not_official=t("map.not_official_short", lang))


def banner_html(lang: str = DEFAULT_LANG) -> str:
    """The banner at the top of the map: not an official map, and what the map shows."""
    return (f"<div class=\"planner-banner\"><span class=\"official\">{html_text(t('map.not_official_short', lang))}"
            f"</span> — {html_text(t('map.banner', lang))}</div>")


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


def _heading(key: str, lang: str) -> str:
    return f"<h4>{html_text(t(key, lang))}</h4>"


def legend_html(layers: list[MapLayer], plans: pd.DataFrame, lang: str = DEFAULT_LANG) -> str:
    """The legend's content for the built layers, in ``lang``; every value escaped.

    Parameters
    ----------
    layers : list of MapLayer
        The built layers (``projects``, ``districts``, ``pv_yield`` sections appear when present).
    plans : DataFrame
        The plans cited (``title``).
    lang : {"zh", "en"}
        The page's language.
    """
    by_name = {layer.name: layer.payload for layer in layers}
    label = "label_en" if lang == "en" else "label_zh"
    parts = [f"<details open><summary>{html_text(t('legend.title', lang))}</summary>"]
    if "projects" in by_name:
        parts.append(_heading("legend.projects", lang))
        for g in by_name["projects"]["groups"]:
            parts.append(_row(_symbol(g["shape"], 6, g["colour"], "exact"), html_text(g[label])))
        parts.append(_heading("legend.location", lang))
        for display in ("exact", "approximate", "district_point", "city_point"):
            parts.append(_row(_symbol("circle", 6, "#607d8b", display), html_text(t(f"legend.{display}", lang))))
        parts.append(_row("<span class=\"lg-ring\"></span>", html_text(t("legend.ring", lang))))
        parts.append(_heading("legend.capacity", lang))
        for capacity in LEGEND_CAPACITIES_MW:
            r = marker_radius_px(capacity)
            parts.append(_row(_symbol("circle", r, "#90a4ae", "exact"),
                              html_text(mw(capacity, lang, 0) + (" +" if r == MAX_RADIUS_PX else ""))))
        parts.append(_row(_symbol("circle", NO_CAPACITY_RADIUS_PX, "#90a4ae", "exact"),
                          html_text(t("legend.no_capacity", lang))))
    if "districts" in by_name:
        parts.append(_heading("legend.attainment", lang))
        for colour, text in attainment_step_labels():
            parts.append(_row(f"<span class=\"lg-swatch\" style=\"background:{html_text(colour)}\"></span>",
                              html_text(text)))
        parts.append(_row("<span class=\"lg-swatch\" style=\"background:#fff\"></span>",
                          html_text(t("map.no_target", lang))))
        stop = "." if lang == "en" else "。"
        parts.append(f"<div class=\"lg-note\">{html_text(t('legend.attainment_note', lang))} "
                     f"{html_text(t('legend.gap_assumption', lang))}{stop}</div>")
    if "pv_yield" in by_name:
        scale = by_name["pv_yield"]["scale"]
        stops = ", ".join(html_text(c) for c in scale["colours"])
        parts.append(_heading("legend.pv_yield", lang))
        parts.append(_row(f"<span class=\"lg-swatch\" style=\"width:60px;background:linear-gradient(90deg,{stops})\">"
                          "</span>", f"{number(scale['low'])} – {number(scale['high'])} kWh/kWp"))
    parts.append(f"<h4>{html_text(t('app.sources', lang))}</h4>")
    parts.append(f"<div class=\"lg-official\">{html_text(t('legend.not_official', lang))}</div>")
    parts.append(f"<div class=\"lg-note\">{html_text(t('legend.boundaries', lang))}</div>")
    titles = [str(x) for x in plans["title"].dropna().astype(str)] if "title" in plans else []
    cited = t("legend.plans", lang, titles="；".join(f"《{x}》" for x in titles))
    parts.append(f"<div class=\"lg-note\">{html_text(cited)}</div>")
    parts.append("</details>")
    return "".join(parts)
