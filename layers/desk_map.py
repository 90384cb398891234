"""The desk's part of the map page: language and messages, the base layer's data, what the controls offer.

Read by ``layers/static/desk_controls.js`` and ``desk_edit.js`` (status filter, target-year slider, downloads,
print layout, base layer, click-for-yield and editing when served).
"""

from datetime import date
from typing import Any

import pandas as pd

from geo import vocab
from geo.store.edits import POINT_PRECISIONS
from layers.base_data import PLANT_ATTRIBUTION, TOWNSHIP_ATTRIBUTION
from layers.i18n import messages, vocab_labels
from layers.map_data import MapData
from solar.mounting import PRESETS

#: The precisions an editor may give a moved point (a representative point is never chosen by hand).


def desk_payload(data: MapData, lang: str, townships: list[dict[str, Any]], plants: list[dict[str, Any]],
                 service: bool) -> dict[str, Any]:
    """The desk's data for the page.

    Returns
    -------
    dict
        ``lang``; ``messages`` and ``labels`` (the catalogue and vocabulary labels in ``lang``); ``statuses``
        (codes present, in vocabulary order, with ``none`` when some project has no status); ``years`` (target
        years present); ``townships`` and ``plants`` (the base layer); ``service`` (offer yield and edits);
        ``mountings``, ``edit_statuses``, ``edit_precisions``; ``date`` (for the print layout);
        ``attributions``.
    """
    statuses = [s for s in vocab.STATUSES if s in set(data.projects["status"].dropna().astype(str))]
    if data.projects["status"].isna().any():
        statuses.append("none")
    years = sorted({int(y) for y in pd.to_numeric(data.projects["target_year"], errors="coerce").dropna()})
    return {
        "lang": lang,
        "messages": messages(lang),
        "labels": vocab_labels(lang),
        "statuses": statuses,
        "years": years,
        "townships": townships,
        "plants": plants,
        "service": service,
        "mountings": list(PRESETS),
        "edit_statuses": list(vocab.STATUSES),
        "edit_precisions": list(POINT_PRECISIONS),
        "date": date.today().isoformat(),
        "attributions": {"plants": PLANT_ATTRIBUTION, "townships": TOWNSHIP_ATTRIBUTION},
    }
