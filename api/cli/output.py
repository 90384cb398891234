r"""What the CLI prints: tables, lines, JSON; control characters from user or registry text shown, never obeyed.

A project name edited through the service, a file name or a registry cell can hold ESC sequences that
would recolour, move or rewrite the user's terminal. The CLI prints such text through these functions:
C0 controls (U+0000-U+001F, newline and tab included), DEL (U+007F) and C1 controls (U+0080-U+009F)
become ``\xNN``; JSON keeps its meaning (``\u00NN`` escapes, which decode to the same string).

Text is Chinese first, English with ``--lang en`` (words from the catalogue, :mod:`layers.i18n`); JSON is the
same in both: codes and plain numbers.
"""

import argparse
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from layers.assumption_words import assumption_words, topic_label
from layers.i18n import DEFAULT_LANG, LANGS, mw, number, percent, t, vocab_label

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: json.dumps escapes U+0000-U+001F itself; these it leaves raw (with ensure_ascii=False).
JSON_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")


def escape_control(text: object) -> str:
    r"""``str(text)`` with every control character as ``\xNN`` (one line, nothing for a terminal to obey)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def escape_lines(text: object) -> str:
    """Like :func:`escape_control`, keeping the line breaks of multi-line messages."""
    return "\n".join(escape_control(line) for line in str(text).split("\n"))


def escape_json(text: str) -> str:
    r"""A JSON document with DEL and C1 controls escaped as ``\u00NN`` too (the same JSON value)."""
    return JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) have their control characters escaped, for a table."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: escape_control(v) if isinstance(v, str) else v)
    out.columns = [escape_control(c) for c in out.columns]
    return out


def print_frame(df: pd.DataFrame, as_json: bool) -> None:
    """A table (text cells' control characters escaped) or JSON records (DEL and C1 escaped too)."""
    if as_json:
        print(escape_json(df.to_json(orient="records", force_ascii=False, indent=1)))
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 40, "display.unicode.east_asian_width", True):
            print(escape_frame(df).to_string(index=False))


def say(*parts: object) -> None:
    """Print one line of text with its control characters escaped (user and registry text is shown, not obeyed)."""
    print(escape_control(" ".join(str(p) for p in parts)))


def print_json(doc: object) -> None:
    """A JSON document, indented, Chinese as is, control characters escaped."""
    print(escape_json(json.dumps(doc, ensure_ascii=False, indent=1, default=str)))


def add_lang(s: argparse.ArgumentParser) -> None:
    """The ``--lang`` option of a command whose text a planner reads."""
    s.add_argument("--lang", default=DEFAULT_LANG, choices=LANGS,
                   help="language of the text output: zh (default) or en; --json is the same in both")


def assumption(topic: str, text: str, lang: str) -> str:
    """An assumption's topic and text in ``lang`` (:func:`layers.assumption_words.assumption_words`)."""
    return t("cli.district.assumption", lang, topic=topic_label(topic, lang), text=assumption_words(topic, text, lang))


#: Columns whose cells are vocabulary codes (shown as their labels in Chinese), by vocabulary.
VOCAB_COLUMNS = {"category": "category", "subtype": "subtype", "status": "status", "metric": "metric",
                 "mounting": "mounting", "location_precision": "precision"}
#: Capacities [MW]: MW with 万千瓦 beside them in Chinese.
CAPACITY_COLUMNS = frozenset({"capacity_mw", "target_mw", "named_mw", "gap_mw", "missing_mw"})
#: Target years: a year, or 未注明 / unspecified.
YEAR_COLUMNS = frozenset({"target_year", "year"})
#: Figures rounded for reading: column -> decimals (energies in GWh: one decimal).
DECIMALS = {"annual_energy_mwh": 0, "energy_p90_1y_mwh": 0, "specific_yield_kwh_per_kwp": 0, "full_load_hours": 0,
            "mean_wind_hub_m_s": 2}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def cell(column: str, value: Any, lang: str) -> str:
    """How a cell of ``column`` reads in ``lang`` (the one rule for every text table of the CLI)."""
    if column in YEAR_COLUMNS:
        if _missing(value) or value == "unspecified":
            return t("cli.unspecified", lang)
        return str(int(float(value)))
    if _missing(value):
        return "—"
    if column in VOCAB_COLUMNS:
        return str(value) if lang == "en" else vocab_label(VOCAB_COLUMNS[column], value, lang)
    if isinstance(value, bool | np.bool_):
        return t("cli.yes" if value else "cli.no", lang)
    if column in CAPACITY_COLUMNS:
        return mw(value, lang) if lang != "en" else number(value, 1)
    if column == "capacity_factor":
        return percent(value)
    if column in DECIMALS or "_gwh" in column:
        return number(value, DECIMALS.get(column, 1))
    if column == "yield_status" and value == "computed":
        return t("cli.yield.computed", lang)
    return str(value)


def print_table(df: pd.DataFrame, lang: str) -> None:
    """A text table for reading: headers, vocabulary labels and rounded figures in ``lang`` (see :func:`cell`)."""
    shown = pd.DataFrame({t(f"cli.col.{col}", lang): [cell(col, v, lang) for v in df[col]] for col in df.columns},
                         index=df.index)
    print_frame(shown, False)
