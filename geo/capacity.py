"""Capacity strings as the plans write them ("10万千瓦", "62.4MW", "100兆") to megawatts."""

import re

# unit as written -> MW per unit; longest spellings first so "万千瓦" wins over "千瓦"
POWER_UNITS_MW: dict[str, float] = {
    "万千瓦": 10.0,
    "万kW": 10.0,
    "万KW": 10.0,
    "千瓦": 0.001,
    "兆瓦": 1.0,
    "吉瓦": 1000.0,
    "GW": 1000.0,
    "MW": 1.0,
    "kW": 0.001,
    "KW": 0.001,
    "兆": 1.0,  # "100兆" (unit cut short in the source) read as MW; the registry row notes it
}
_NUMBER = r"(\d+(?:\.\d+)?)"
_UNIT = "|".join(re.escape(u) for u in POWER_UNITS_MW)
# a power figure: number, optional space, a power unit not followed by 时/h (energy, not power)
_POWER = re.compile(rf"{_NUMBER}\s*({_UNIT})(?!\s*(?:时|h|H|瓦时))")


class CapacityParseError(ValueError):
    """A capacity string with no recognisable power figure."""


def parse_capacity_mw(raw: str) -> float:
    """Return the first power figure in ``raw`` in MW.

    Parameters
    ----------
    raw : str
        Capacity as written, e.g. ``"10万千瓦"``, ``"62.4MW"``, ``"100兆"``, ``"5万千瓦/10万千瓦时"``
        (storage: the power part is taken).

    Returns
    -------
    float
        Capacity [MW].

    Raises
    ------
    CapacityParseError
        If no number followed by a power unit is found; the message lists the units understood.
    """
    match = _POWER.search(raw.replace(",", "").replace("，", ""))
    if match is None:
        raise CapacityParseError(
            f"no power figure in {raw!r}; expected a number with one of: {', '.join(POWER_UNITS_MW)}"
        )
    return round(float(match.group(1)) * POWER_UNITS_MW[match.group(2)], 9)
