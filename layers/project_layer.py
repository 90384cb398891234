"""The ``projects`` layer: one GeoJSON point layer per project group (PV by subtype, wind, substations by voltage, ...).

The page receives the projects as one compact table (``fields`` + ``rows``, no repeated keys, fields
with few distinct values sent as codes) and turns it into GeoJSON features: 10,000 projects stay
under 3 MB. Every text value is sent as data and put on the page with ``textContent``; the true
coordinate is each feature's geometry and its ``lon``/``lat`` properties, whatever the marker's
display position.
"""

from typing import Any

import pandas as pd

from geo.registry.vocab import ACTION_LABELS, CATEGORY_LABELS, PRECISION_LABELS, STATUS_LABELS
from layers.i18n import DEFAULT_LANG
from layers.map_data import MapData, MapLayer, int_values, number_values, text_values
from layers.styles import PRECISION_DISPLAY, PROJECT_GROUPS, UNKNOWN_PRECISION_DISPLAY, marker_radius_px, project_group

TEXT_FIELDS = ("id", "name_zh", "name_en", "capacity_raw", "quote")
# Few distinct values: sent once in ``codes``, each row holds an index into them.
CODED_FIELDS = ("category", "subtype", "action", "status", "district_name_zh", "location_precision", "plan_id",
                "group")
NUMBER_FIELDS = {"capacity_mw": 3, "voltage_kv": 1, "lon": 6, "lat": 6}  # field: decimals
INT_FIELDS = ("target_year", "radius_px")
FIELDS = (*TEXT_FIELDS, "plan_line", *CODED_FIELDS, *NUMBER_FIELDS, *INT_FIELDS)
#: Above this many projects the page draws them on one canvas, clustered at low zoom
#: (``layers/static/project_markers.js``); at or below it, one SVG symbol per project (DOM), which costs Leaflet
#: per-marker work: ~1 s to first paint at 2,000, ~10 s at 10,000 (``benchmarks/bench_map.py``).
DOM_MAX_PROJECTS = 2_000


def coded_values(values: pd.Series) -> tuple[list[int | None], list[str]]:
    """A column as indexes into its distinct values (``None`` where missing), and those values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return [None if c < 0 else c for c in codes.tolist()], [str(u) for u in uniques]


def project_table(projects: pd.DataFrame) -> dict[str, Any]:
    """The projects as a compact table: ``fields``, ``codes`` (distinct values of the coded fields), ``rows``.

    Rows hold, per field, the value (text, number, null) or, for :data:`CODED_FIELDS`, its index in
    ``codes[field]``; ``plan_line`` is a number for one line, text for a range (``"378-380"``).
    Derived: ``group`` (:func:`layers.styles.project_group`) and ``radius_px``
    (:func:`layers.styles.marker_radius_px`). Projects without a coordinate are left out (the store always
    has one). Numbers are rounded: coordinates to 6 decimals (~0.1 m, as stored).
    """
    n = len(projects)

    def col(name: str) -> pd.Series:
        return projects[name] if name in projects else pd.Series([None] * n, index=projects.index, dtype=object)

    placed = projects[pd.to_numeric(col("lon"), errors="coerce").notna()
                      & pd.to_numeric(col("lat"), errors="coerce").notna()]
    if len(placed) < n:
        projects, n = placed, len(placed)
    category, subtype = text_values(col("category")), text_values(col("subtype"))
    voltage = pd.to_numeric(col("voltage_kv"), errors="coerce").astype(float).tolist()
    capacity = pd.to_numeric(col("capacity_mw"), errors="coerce").astype(float).tolist()
    derived: dict[str, pd.Series] = {
        "group": pd.Series([project_group(c, s, v) for c, s, v in zip(category, subtype, voltage, strict=True)],
                           dtype=object),
        "radius_px": pd.Series([marker_radius_px(c) for c in capacity], dtype=object),
    }
    columns: dict[str, list[Any]] = {name: text_values(col(name)) for name in TEXT_FIELDS}
    codes: dict[str, list[str]] = {}
    for name in CODED_FIELDS:
        columns[name], codes[name] = coded_values(derived[name] if name in derived else col(name))
    columns.update({name: number_values(col(name), d) for name, d in NUMBER_FIELDS.items()})
    columns["plan_line"] = [int(v) if v is not None and v.isdigit() else v for v in text_values(col("plan_line"))]
    columns["target_year"] = int_values(col("target_year"))
    columns["radius_px"] = derived["radius_px"].tolist()
    return {"fields": list(FIELDS), "codes": codes,
            "rows": [list(r) for r in zip(*(columns[f] for f in FIELDS), strict=True)]}


def projects_layer(data: MapData, lang: str = DEFAULT_LANG) -> MapLayer:
    """Build the ``projects`` layer (``lang`` unused: the page's script writes its text from the catalogue).

    Returns
    -------
    MapLayer
        Payload: ``renderer`` (``dom`` or ``canvas``: :data:`DOM_MAX_PROJECTS`), ``table``
        (:func:`project_table`), ``groups`` (the project groups present, in layer order,
        with labels, colour and symbol), ``plans`` (title by plan id), ``precision_display`` (how each
        location precision is drawn), ``unknown_precision_display`` and ``labels`` (bilingual labels of
        categories, statuses, actions and precisions).
    """
    table = project_table(data.projects)
    present = set(table["codes"]["group"])
    groups = [{"key": g.key, "label_zh": g.label_zh, "label_en": g.label_en, "colour": g.colour, "shape": g.shape}
              for g in PROJECT_GROUPS.values() if g.key in present]
    plans = {str(k): str(v) for k, v in zip(data.plans["plan_id"], data.plans["title"], strict=True)}
    if "plan_title" in data.projects:  # a project's own copy, for plans the table lacks
        for pid, title in zip(data.projects["plan_id"], data.projects["plan_title"], strict=True):
            if pd.notna(pid) and pd.notna(title):
                plans.setdefault(str(pid), str(title))
    renderer = "dom" if len(table["rows"]) <= DOM_MAX_PROJECTS else "canvas"
    return MapLayer("projects", {
        "renderer": renderer,
        "table": table,
        "groups": groups,
        "plans": plans,
        "precision_display": PRECISION_DISPLAY,
        "unknown_precision_display": UNKNOWN_PRECISION_DISPLAY,
        "labels": {"category": CATEGORY_LABELS, "status": STATUS_LABELS, "action": ACTION_LABELS,
                   "precision": PRECISION_LABELS},
    })
