"""The ``pv_yield`` layer: estimated PV yield per project, from a frame the solar package computes.

The frame has one row per project: ``id``, ``specific_yield_kwh_per_kwp``, ``annual_energy_mwh`` (other
columns, such as the weather source, are ignored here). Rows whose id is not a project are dropped and
counted. A yield computed at a district's representative point is only as good as that point: the popup
says so.
"""

import pandas as pd

from layers.i18n import DEFAULT_LANG
from layers.map_data import YIELD_COLUMNS, MapData, MapLayer, number_values, text_values
from layers.styles import PRECISION_DISPLAY, UNKNOWN_PRECISION_DISPLAY, YIELD_COLOURS, yield_scale

FIELDS = ("id", "name_zh", "name_en", "location_precision", "district_name_zh", "specific_yield_kwh_per_kwp",
          "annual_energy_mwh", "capacity_mw", "lon", "lat", "colour")


def pv_yield_layer(data: MapData, lang: str = DEFAULT_LANG) -> MapLayer:
    """Build the ``pv_yield`` layer from ``data.yields`` (``lang`` unused: the page's script writes its text).

    Raises
    ------
    ValueError
        If ``data.yields`` is None or lacks one of ``id``, ``specific_yield_kwh_per_kwp``,
        ``annual_energy_mwh``.

    Returns
    -------
    MapLayer
        Payload: ``table`` (``fields`` + ``rows``: project id, names, precision, the two yield figures,
        capacity, true lon/lat and the colour), ``scale`` (``low``, ``high``, ``colours``), ``unmatched``
        (yield rows with no project), ``precision_display``.
    """
    if data.yields is None:
        raise ValueError("pv_yield: no yields frame given")
    missing = [c for c in YIELD_COLUMNS if c not in data.yields]
    if missing:
        raise ValueError(f"pv_yield: yields frame lacks column(s) {', '.join(missing)}; "
                         f"needs {', '.join(YIELD_COLUMNS)}")
    yields = data.yields[list(YIELD_COLUMNS)].assign(id=data.yields["id"].astype(str))
    projects = data.projects.assign(id=data.projects["id"].astype(str)).drop(
        columns=[c for c in YIELD_COLUMNS[1:] if c in data.projects])
    joined = projects.merge(yields, on="id", how="inner", validate="one_to_one")
    specific = pd.to_numeric(joined["specific_yield_kwh_per_kwp"], errors="coerce").astype(float)
    low = float(specific.min()) if specific.notna().any() else 0.0
    high = float(specific.max()) if specific.notna().any() else 0.0
    scale = yield_scale(round(low), round(high))
    columns = {
        "id": text_values(joined["id"]),
        "name_zh": text_values(joined["name_zh"]),
        "name_en": text_values(joined["name_en"]),
        "location_precision": text_values(joined["location_precision"]),
        "district_name_zh": text_values(joined["district_name_zh"]) if "district_name_zh" in joined
        else [None] * len(joined),
        "specific_yield_kwh_per_kwp": number_values(specific, 1),
        "annual_energy_mwh": number_values(joined["annual_energy_mwh"], 1),
        "capacity_mw": number_values(joined["capacity_mw"], 3),
        "lon": number_values(joined["lon"], 6),
        "lat": number_values(joined["lat"], 6),
        "colour": ["#9e9e9e" if pd.isna(v) else str(scale.rgb_hex_str(v)) for v in specific.tolist()],
    }
    return MapLayer("pv_yield", {
        "table": {"fields": list(FIELDS), "rows": [list(r) for r in zip(*(columns[f] for f in FIELDS), strict=True)]},
        "scale": {"low": scale.vmin, "high": scale.vmax, "colours": list(YIELD_COLOURS)},
        "unmatched": int((~yields["id"].isin(projects["id"])).sum()),
        "precision_display": PRECISION_DISPLAY,
        "unknown_precision_display": UNKNOWN_PRECISION_DISPLAY,
    })
