"""The map's layers, registered by name: each name maps to the function that builds it from :class:`MapData`.

Add a layer by writing ``def my_layer(data: MapData, lang: str) -> MapLayer`` (``lang`` for any text it
renders in Python; :mod:`layers.i18n`) and registering it in :data:`LAYERS`; the page draws a layer with the
function of the same name in ``layers/static/planner_map.js``.
"""

from collections.abc import Callable

from layers.district_layer import districts_layer
from layers.i18n import DEFAULT_LANG
from layers.map_data import MapData, MapLayer
from layers.project_layer import projects_layer
from layers.yield_layer import pv_yield_layer

LayerBuilder = Callable[[MapData, str], MapLayer]

LAYERS: dict[str, LayerBuilder] = {
    "districts": districts_layer,
    "projects": projects_layer,
    "pv_yield": pv_yield_layer,
}


def build_layer(name: str, data: MapData, lang: str = DEFAULT_LANG) -> MapLayer:
    """Build the layer registered as ``name``, its text in ``lang``.

    Raises
    ------
    KeyError
        If no layer has that name; the message lists the registered names.
    """
    try:
        builder = LAYERS[name]
    except KeyError:
        raise KeyError(f"unknown layer {name!r}; registered: {', '.join(LAYERS)}") from None
    return builder(data, lang)


def layer_names(data: MapData) -> list[str]:
    """The layers a map of ``data`` shows: districts and projects, and ``pv_yield`` when yields are given."""
    return ["districts", "projects", *(["pv_yield"] if data.yields is not None else [])]
