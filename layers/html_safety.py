"""Text that goes into the map page: escaped for HTML, and JSON that is safe inside a ``<script>`` element.

Plan text and user edits reach the page in two ways, and both are made inert here:

- as HTML built in Python (district popups, the legend): every value passes through :func:`html_text`,
  which also turns ``{`` and ``}`` into character references because branca feeds a macro's output
  through Jinja a second time (a plan title holding ``{{ ... }}`` must stay text);
- as data the page's script reads (projects, yields): :func:`script_json`, inside
  ``<script type="application/json">``; the script puts it on the page with ``textContent`` only.
"""

import html
import json
from typing import Any

import pandas as pd

_JSON_IN_SCRIPT = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def html_text(value: Any) -> str:
    """Any value as HTML text: ``None`` and NaN give ``""``; ``< > & " '`` and ``{ }`` are escaped.

    Parameters
    ----------
    value : Any
        A string, number or missing value.

    Returns
    -------
    str
        Text safe inside an element or a quoted attribute, and inert for Jinja.
    """
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return html.escape(str(value), quote=True).translate(_BRACES)


def script_json(obj: Any) -> str:
    """Compact JSON for a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` are written as JSON unicode escapes, so no string can close the element
    (``</script>``) or open a comment; NaN and infinities are refused (``ValueError``) rather than
    written as invalid JSON.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _JSON_IN_SCRIPT:  # str.replace: much faster than str.translate on MBs of text
        text = text.replace(char, escaped)
    return text
