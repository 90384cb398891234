"""Figures in normalised plan text: power, energy, voltage, length, counts, years, percentages.

Power units are those of :mod:`geo.capacity` (万千瓦, 兆瓦, MW, MWp, 千瓦, kW, GW, the cut-short "100兆"); the
raw string is kept and always parses back with :func:`geo.capacity.parse_capacity_mw`.
"""

import re
from dataclasses import dataclass

from geo.capacity import POWER_UNITS_MW

NUMBER = r"(\d+(?:\.\d+)?)"
_POWER_UNITS = "|".join(re.escape(u) for u in sorted(POWER_UNITS_MW, key=len, reverse=True))
POWER = re.compile(rf"{NUMBER}({_POWER_UNITS}|mw|Mw|gw)[pP]?(?!时|h|H|瓦时|焦|元|字节|吨|帕|伏安|VA)")
ENERGY_UNITS_MWH = {"亿千瓦时": 100000.0, "万千瓦时": 10.0, "千瓦时": 0.001, "兆瓦时": 1.0, "吉瓦时": 1000.0,
                    "GWh": 1000.0,
                    "MWh": 1.0, "kWh": 0.001, "KWh": 0.001, "万kWh": 10.0, "度": 0.001}
ENERGY = re.compile(rf"{NUMBER}({'|'.join(sorted(ENERGY_UNITS_MWH, key=len, reverse=True))})")
VOLTAGE = re.compile(r"(?:±)?(\d{2,4})(?:kV|KV|kv|Kv|千伏)")
LENGTH = re.compile(rf"{NUMBER}(公里|千米|km)")
COUNT_UNITS = {"座": "stations", "个": "units", "台": "units", "处": "sites", "条": "lines", "套": "sets",
               "户": "households",
               "根": "piles", "辆": "vehicles"}
COUNT = re.compile(rf"(\d+(?:\.\d+)?)(万)?({'|'.join(COUNT_UNITS)})")
YEAR = re.compile(r"(20\d\d)年")
PERCENT = re.compile(rf"{NUMBER}%")


@dataclass(frozen=True)
class Figure:
    """A number found in normalised text: its value in the registry's unit, the match span and its text."""

    value: float
    unit: str
    start: int
    end: int
    text: str


# units times a unit size, before a power figure: "2×3万千瓦", "4x33万千瓦"
UNITS_TIMES = re.compile(r"(\d{1,3})\s*[×xX*]\s*$")


def power_figures(text: str) -> list[Figure]:
    """Power figures in MW (``unit`` is the unit as written).

    A figure written as units times unit size ("2×3万千瓦") is the product; its ``text`` is then the product in
    MW ("60MW"), since the string as written reads back as one unit's size.
    """
    out = []
    for m in POWER.finditer(text):
        unit = {"mw": "MW", "Mw": "MW", "gw": "GW"}.get(m.group(2), m.group(2))
        value = round(float(m.group(1)) * POWER_UNITS_MW[unit], 9)
        times = UNITS_TIMES.search(text[max(0, m.start() - 6) : m.start()])
        if times:
            value = round(value * int(times.group(1)), 9)
            start = m.start() - len(times.group())
            out.append(Figure(value, "MW", start, m.end(), f"{value:g}MW"))
            continue
        out.append(Figure(value, unit, m.start(), m.end(), m.group()))
    return out


def energy_figures(text: str) -> list[Figure]:
    """Energy figures in MWh."""
    return [Figure(round(float(m.group(1)) * ENERGY_UNITS_MWH[m.group(2)], 9), m.group(2), m.start(), m.end(),
                   m.group()) for m in ENERGY.finditer(text)]


def voltage_kv(text: str) -> float | None:
    """The first voltage in ``text`` [kV]."""
    m = VOLTAGE.search(text)
    return float(m.group(1)) if m else None


def length_km(text: str) -> Figure | None:
    """The first length in ``text`` [km]."""
    m = LENGTH.search(text)
    return Figure(float(m.group(1)), "km", m.start(), m.end(), m.group()) if m else None


def count(text: str) -> Figure | None:
    """The first count in ``text`` (``unit`` is the measure word as written: 座, 个, 台, ...)."""
    m = COUNT.search(text)
    if not m:
        return None
    value = float(m.group(1)) * (10000 if m.group(2) else 1)
    return Figure(value, m.group(3), m.start(), m.end(), m.group()) if value == int(value) else None


def years(text: str) -> list[tuple[int, int]]:
    """``(year, position)`` of every ``20NN年`` in ``text``."""
    return [(int(m.group(1)), m.start()) for m in YEAR.finditer(text)]
