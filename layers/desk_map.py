"""The desk's part of the map page: language and messages, the base layer's data, what the controls offer.

Read by ``layers/static/desk_controls.js`` and ``desk_edit.js`` (status filter, target-year slider, downloads,
print layout, base layer, click-for-yield and editing when served).
"""

from datetime import date
from typing import Any

import pandas as pd

from geo.export import FORMULA_PREFIXES
from geo.registry import vocab
from geo.store.edits import POINT_PRECISIONS
from layers.base_data import LAKE_ATTRIBUTION, PLANT_ATTRIBUTION, RIVER_ATTRIBUTION, TOWNSHIP_ATTRIBUTION, water_near
from layers.i18n import messages, vocab_labels
from layers.map_data import MapData
from solar.mounting import PRESETS

#: The exports' rule against formulas in spreadsheets (:func:`geo.export.neutralise_text`), as data for the page's
#: CSV download: a text cell, and each line in it, at least ``min_length`` long that starts with one of
#: ``prefixes`` gets ``mark`` in front (a lone ``=`` comparator stays).
CSV_RULE: dict[str, Any] = {"prefixes": list(FORMULA_PREFIXES), "min_length": 2, "mark": "'"}


def desk_payload(data: MapData, lang: str, townships: list[dict[str, Any]], plants: list[dict[str, Any]],
                 service: bool, lakes: dict[str, Any] | None = None,
                 rivers: dict[str, Any] | None = None) -> dict[str, Any]:
    """The desk's data for the page.

    Returns
    -------
    dict
        ``lang``; ``messages`` and ``labels`` (the catalogue and vocabulary labels in ``lang``); ``statuses``
        (codes present, in vocabulary order, with ``none`` when some project has no status); ``years`` (target
        years present); ``townships``, ``plants``, ``lakes`` and ``rivers`` (GeoJSON FeatureCollections of
        :func:`layers.base_data.read_lakes` and :func:`~layers.base_data.read_rivers`, the rivers kept within ~10 km
        of the districts, :func:`layers.base_data.water_near`): the base layer;
        ``service`` (offer yield and edits); ``mountings``, ``edit_statuses``, ``edit_precisions``; ``date`` (for
        the print layout); ``attributions``; ``csv_rule`` (:data:`CSV_RULE`, for the CSV download).
    """
    statuses = [s for s in vocab.STATUSES if s in set(data.projects["status"].dropna().astype(str))]
    if data.projects["status"].isna().any():
        statuses.append("none")
    years = sorted({int(y) for y in pd.to_numeric(data.projects["target_year"], errors="coerce").dropna()})
    near = water_near(rivers or {"features": []},
                      [g for g in data.districts.geometry if g is not None and not g.is_empty])
    return {
        "lang": lang,
        "messages": messages(lang),
        "labels": vocab_labels(lang),
        "statuses": statuses,
        "years": years,
        "townships": townships,
        "plants": plants,
        "lakes": lakes or {"type": "FeatureCollection", "features": []},
        "rivers": near,
        "service": service,
        "mountings": list(PRESETS),
        "edit_statuses": list(vocab.STATUSES),
        "edit_precisions": list(POINT_PRECISIONS),
        "date": date.today().isoformat(),
        "attributions": {"plants": PLANT_ATTRIBUTION, "townships": TOWNSHIP_ATTRIBUTION, "lakes": LAKE_ATTRIBUTION,
                         "rivers": RIVER_ATTRIBUTION},
        "csv_rule": CSV_RULE,
    }
