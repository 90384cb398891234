r"""What the CLI prints: tables, lines, JSON; control characters from user or registry text shown, never obeyed.

A project name edited through the service, a file name or a registry cell can hold ESC sequences that
would recolour, move or rewrite the user's terminal. The CLI prints such text through these functions:
C0 controls (U+0000-U+001F, newline and tab included), DEL (U+007F) and C1 controls (U+0080-U+009F)
become ``\xNN``; JSON keeps its meaning (``\u00NN`` escapes, which decode to the same string).
"""

import json
import re

import pandas as pd

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
                               "display.max_colwidth", 40):
            print(escape_frame(df).to_string(index=False))


def say(*parts: object) -> None:
    """Print one line of text with its control characters escaped (user and registry text is shown, not obeyed)."""
    print(escape_control(" ".join(str(p) for p in parts)))


def print_json(doc: object) -> None:
    """A JSON document, indented, Chinese as is, control characters escaped."""
    print(escape_json(json.dumps(doc, ensure_ascii=False, indent=1, default=str)))
