"""Charts of the district report as inline SVG (no script, no external asset): grouped bars with P90 whiskers.

Every text is escaped (:func:`layers.html_safety.html_text`); numbers are rounded for reading.
"""

from dataclasses import dataclass

from layers.html_safety import html_text
from layers.i18n import number

TARGET_COLOUR = "#90a4ae"
NAMED_COLOUR = "#1565c0"
WHISKER_COLOUR = "#263238"


@dataclass(frozen=True)
class Bar:
    """One bar: its value, an optional lower whisker (P90) and its colour."""

    value: float
    colour: str
    low: float | None = None


@dataclass(frozen=True)
class BarGroup:
    """Bars side by side under one label (a target: its year and metric)."""

    label: str
    bars: tuple[Bar, ...]


def _nice_max(value: float) -> float:
    """The smallest 1/2/2.5/5 x 10^k at or above ``value`` (an axis' top)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10 if value >= 1 else 1.0
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart(groups: list[BarGroup], legend: list[tuple[str, str]], unit: str, title: str,
              width: int = 640, height: int = 240) -> str:
    """An SVG grouped bar chart.

    Parameters
    ----------
    groups : list of BarGroup
        One group per label, drawn left to right.
    legend : list of (colour, text)
        What the colours mean.
    unit : str
        The value axis' unit (e.g. ``MW``).
    title : str
        Accessible title (``<title>``) and caption.

    Returns
    -------
    str
        An ``<svg>`` element; empty string when there are no groups.
    """
    if not groups:
        return ""
    left, right, top, bottom = 64, 12, 26, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((b.value for g in groups for b in g.bars), default=0.0))
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{html_text(title)}</title>',
             '<style>text{font:11px sans-serif;fill:#263238}</style>']
    for i in range(5):
        v = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eceff1"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{html_text(number(v))}</text>')
    parts.append(f'<text x="{left - 6}" y="{top - 10}" text-anchor="end">{html_text(unit)}</text>')
    slot = plot_w / len(groups)
    for gi, g in enumerate(groups):
        n = max(len(g.bars), 1)
        bar_w = min(slot * 0.8 / n, 48)
        x0 = left + slot * gi + (slot - bar_w * n) / 2
        for bi, b in enumerate(g.bars):
            h = plot_h * max(b.value, 0) / top_value
            x, y = x0 + bar_w * bi, top + plot_h - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                         f'fill="{html_text(b.colour)}"><title>{html_text(number(b.value, 1))} '
                         f'{html_text(unit)}</title></rect>')
            parts.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
                         f'{html_text(number(b.value))}</text>')
            if b.low is not None:
                ly = top + plot_h - plot_h * max(b.low, 0) / top_value
                cx = x + (bar_w - 2) / 2
                parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y:.1f}" y2="{ly:.1f}" '
                             f'stroke="{WHISKER_COLOUR}" stroke-width="1.5"/>'
                             f'<line x1="{cx - 5:.1f}" x2="{cx + 5:.1f}" y1="{ly:.1f}" y2="{ly:.1f}" '
                             f'stroke="{WHISKER_COLOUR}" stroke-width="1.5"/>')
        parts.append(f'<text x="{left + slot * gi + slot / 2:.1f}" y="{top + plot_h + 15}" text-anchor="middle">'
                     f'{html_text(g.label)}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#546e7a"/>')
    lx = left
    for colour, text in legend:
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="12" height="10" fill="{html_text(colour)}"/>'
                     f'<text x="{lx + 16}" y="{height - 5}">{html_text(text)}</text>')
        lx += 24 + 12 * len(text)
    parts.append("</svg>")
    return "".join(parts)
