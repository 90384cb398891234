"""The planner map: one self-contained HTML page (Leaflet, styles, script and data inlined) that works offline.

Entry points: :func:`render_map` (store -> HTML), :func:`write_map` (store -> file, atomically) and
:func:`render_map_html` (frames -> HTML, for callers that hold the frames already).

The page loads nothing from the network unless ``basemap="osm"`` asks for OpenStreetMap's online
tiles (WGS-84 overlays on Web-Mercator tiles; never GCJ-02 tiles such as Amap's, which would shift every
overlay by ~0.6 km here).
"""

from importlib import resources
from pathlib import Path
from typing import Any

import offlinefolium
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement

from geo.files import atomic_write
from layers.base_data import WATER_MARGIN_DEG, read_lakes, read_plants, read_rivers, read_townships
from layers.desk_map import desk_payload
from layers.html_safety import html_text, script_json
from layers.i18n import DEFAULT_LANG, HTML_LANG, t
from layers.layer_registry import build_layer, layer_names
from layers.legend import Legend, attribution, banner_html, legend_html
from layers.map_data import MapData, MapLayer, read_map_data

DATA_ELEMENT_ID = "planner-map-data"
BASEMAPS: dict[str, dict[str, Any] | None] = {
    "none": None,
    "osm": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "max_zoom": 19,
            "attribution": "© OpenStreetMap contributors (online tiles)"},
}
FIT_PADDING_TOP_LEFT = (390, 50)  # [px] the region opens clear of the legend (bottom left) and the banner
FIT_PADDING_BOTTOM_RIGHT = (20, 30)
PLANT_MARGIN_DEG = 0.05  # existing plants drawn within ~5 km of the districts shown
LEAFLET_ASSETS = ("leaflet", "leaflet_css")  # the only inlined assets the page needs (no jQuery, Bootstrap, fonts)


def static_text(name: str) -> str:
    """A file of ``layers/static`` as text."""
    return resources.files("layers").joinpath("static", name).read_text(encoding="utf-8")


class RawHtml(Element):
    """An element rendered verbatim (branca's ``Element`` would read its text as a Jinja template)."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawHtml"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text as it is."""
        return self.text


class PlannerPage(MacroElement):
    """Puts the page's styles, data and script into the figure, after the map's own script.

    Parameters
    ----------
    data_json : str
        The layers' payloads (:func:`layers.html_safety.script_json`).
    lang : {"zh", "en"}
        The page's language (the banner's).
    """

    def __init__(self, data_json: str, lang: str = DEFAULT_LANG):
        super().__init__()
        self._name = "PlannerPage"
        self.data_json = data_json
        self.lang = lang

    def render(self, **kwargs: Any) -> str:
        """Add the styles to the header, the banner and data to the body, the script to the end."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("PlannerPage must be added to a map inside a figure")
        figure.header.add_child(RawHtml('<link rel="icon" href="data:,">'), name="planner_icon")
        figure.header.add_child(RawHtml(f"<style>{static_text('planner_map.css')}</style>"), name="planner_css")
        figure.html.add_child(RawHtml(banner_html(self.lang)), name="planner_banner")
        figure.html.add_child(RawHtml(f'<script type="application/json" id="{DATA_ELEMENT_ID}">{self.data_json}'
                                      "</script>"), name="planner_data")
        parent = self._parent
        map_name = parent.get_name() if parent is not None else "map"
        figure.header.add_child(RawHtml(f"<style>{static_text('desk.css')}</style>"), name="desk_css")
        figure.script.add_child(RawHtml(f"{static_text('project_markers.js')}\n"
                                        f"{static_text('planner_map.js')}\n{static_text('desk_controls.js')}\n"
                                        f"{static_text('desk_edit.js')}\n"
                                        f"PlannerDesk.init(PlannerMap.build({map_name}, {DATA_ELEMENT_ID!r}), "
                                        f"{DATA_ELEMENT_ID!r});\n"), name="planner_js")
        return ""


def page_data(layers: list[MapLayer], basemap: str, desk: dict[str, Any] | None = None,
              lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """What the page's script reads: layers in drawing order, basemap (or None), attribution and the desk's part.

    The desk's part is :func:`layers.desk_map.desk_payload` (language, messages, base layer, controls).
    """
    return {
        "layers": [{"name": layer.name, "payload": layer.payload} for layer in layers],
        "basemap": BASEMAPS[basemap],
        "attribution": attribution(lang),
        "desk": desk or {},
    }


def render_map_html(data: MapData, *, basemap: str = "none", lang: str = DEFAULT_LANG,
                    data_dir: Path | None = None, service: bool = False) -> str:
    """The full HTML page of the map of ``data``.

    Parameters
    ----------
    data : MapData
        Projects, districts, targets, plans and optional yields.
    basemap : {"none", "osm"}
        ``"none"`` (default): vector only, nothing from the network. ``"osm"``: OpenStreetMap's online tiles
        beneath (needs the internet when viewed).
    lang : {"zh", "en"}
        The page's language (Chinese by default).
    data_dir : Path, optional
        The data folder: its township points, lakes and existing plants make the base layer (none without it).
    service : bool
        Served by the planner service: click-for-yield and editing are offered (they need its endpoints).

    Raises
    ------
    ValueError
        For an unknown basemap; the message lists the allowed ones.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; allowed: {', '.join(BASEMAPS)}")
    layers = [build_layer(name, data, lang) for name in layer_names(data)]
    bounds = next(layer.payload["bounds"] for layer in layers if layer.name == "districts")
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = offlinefolium.Map(location=centre, zoom_start=8, tiles=None, control_scale=True, zoom_snap=0.25, zoom_delta=0.5)
    m.default_js = [(n, u) for n, u in m.default_js if n in LEAFLET_ASSETS]
    m.default_css = [(n, u) for n, u in m.default_css if n in LEAFLET_ASSETS]
    m.fit_bounds(bounds, padding_top_left=FIT_PADDING_TOP_LEFT, padding_bottom_right=FIT_PADDING_BOTTOM_RIGHT)
    figure = m.get_root()
    if isinstance(figure, Figure):
        figure.title = html_text(t("map.title", lang))
    townships, plants, lakes, rivers = [], [], None, None
    if data_dir is not None:
        counties = data.districts.loc[data.districts["level"] != "city", "adcode"].astype(str).tolist()
        townships = read_townships(data_dir, counties)
        area = shapely.union_all(data.districts.geometry.to_numpy())
        near = area.buffer(PLANT_MARGIN_DEG)
        plants = [p for p in read_plants(data_dir, near.bounds) if near.contains(shapely.Point(p["lon"], p["lat"]))]
        x0, y0, x1, y1 = area.bounds
        m_deg = WATER_MARGIN_DEG
        around = (x0 - m_deg, y0 - m_deg, x1 + m_deg, y1 + m_deg)
        lakes, rivers = read_lakes(data_dir, around), read_rivers(data_dir, around)
    desk = desk_payload(data, lang, townships, plants, service, lakes, rivers)
    Legend(legend_html(layers, data.plans, lang)).add_to(m)
    PlannerPage(script_json(page_data(layers, basemap, desk, lang)), lang).add_to(m)
    html = str(figure.render())
    return html.replace("<html>", f'<html lang="{HTML_LANG.get(lang, "zh-CN")}">', 1)


def render_map(store: Path, *, yields: pd.DataFrame | None = None, basemap: str = "none", lang: str = DEFAULT_LANG,
               data_dir: Path | None = None, service: bool = False) -> str:
    """The map of a store as one self-contained HTML page.

    Parameters
    ----------
    store : Path
        A store written by ``energy-planner build``.
    yields : DataFrame, optional
        PV yield per project (``id``, ``specific_yield_kwh_per_kwp``, ``annual_energy_mwh``): adds the
        ``pv_yield`` layer.
    basemap : {"none", "osm"}
        See :func:`render_map_html`.
    lang, data_dir, service
        See :func:`render_map_html`.
    """
    return render_map_html(read_map_data(store, yields), basemap=basemap, lang=lang, data_dir=data_dir,
                           service=service)


def write_map(store: Path, out: Path, *, yields: pd.DataFrame | None = None, basemap: str = "none",
              lang: str = DEFAULT_LANG, data_dir: Path | None = None) -> Path:
    """Write the map of a store to ``out`` (UTF-8), atomically; return ``out``."""
    page = render_map(store, yields=yields, basemap=basemap, lang=lang, data_dir=data_dir)

    def write(tmp: Path) -> None:
        tmp.write_text(page, encoding="utf-8")

    atomic_write(out, write)
    return out
