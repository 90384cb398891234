"""Exports of the store's layers: GeoJSON (RFC 7946), CSV (UTF-8 with BOM, formulas neutralised), GPKG.

Every export is written to a temporary file beside the destination and renamed over it, so an interrupted
export leaves the old file or a complete new one. Only regular files are replaced: a symlink, FIFO, device,
directory or socket at the destination is refused (:class:`OutputPathError`).
"""

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import NotFoundError
from geo.files import atomic_write

FORMATS = ("geojson", "csv", "gpkg")
LAYERS = ("projects", "districts", "targets")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LINE_BREAK = re.compile(r"(\r\n|\r|\n)")  # captured, so re.split keeps the breaks


def neutralise_text(text: str) -> str:
    """Prefix with ``'`` the cell and every line in it that starts like a formula (= + - @ tab CR).

    Lines count because a reader that breaks rows at any CR or LF, even inside quotes, starts a new
    row, and so a new first cell, with each of them.
    """
    if _formula_like(text):
        text = "'" + text
    pieces = LINE_BREAK.split(text)  # line, break, line, ...
    return "".join("'" + p if i % 2 == 0 and _formula_like(p) else p for i, p in enumerate(pieces))


def _formula_like(line: str) -> bool:
    """Whether a line starts like a formula and has something after it.

    A lone ``=`` (a target's comparator) or ``-`` computes nothing and stays as written.
    """
    return len(line) > 1 and line.startswith(FORMULA_PREFIXES)


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text cell with :func:`neutralise_text`; numbers (a negative gap, say) stay numbers."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise_text(v) if isinstance(v, str) else v)
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as CSV for spreadsheets: UTF-8 with BOM, formulas neutralised, RFC 4180 CRLF rows.

    With CRLF as the row end, every cell holding a CR or LF is quoted; with pandas' default LF, a bare
    CR went unquoted and split the row for readers that end rows at CR.
    """
    neutralise_formulas(df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    if isinstance(frame, gpd.GeoDataFrame):
        geom = frame.geometry
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        if (geom.geom_type == "Point").all():
            frame = frame.assign(lon=geom.x.round(6), lat=geom.y.round(6)) if "lon" not in frame else frame
        else:
            frame = frame.assign(wkt=geom.to_wkt(rounding_precision=6))
    return frame


def export(layers: dict[str, pd.DataFrame], fmt: str, out: Path, layer: str | None = None) -> list[str]:
    """Write ``layer`` (or, for gpkg with no layer, all of them) to ``out`` in ``fmt``; return what was written.

    Raises
    ------
    NotFoundError
        For an unknown format or layer; the message lists the allowed values.
    """
    if fmt not in FORMATS:
        raise NotFoundError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if layer is not None and layer not in layers:
        raise NotFoundError(f"unknown layer {layer!r}; allowed: {', '.join(layers)}")
    chosen = [layer] if layer else (list(layers) if fmt == "gpkg" else ["projects"])

    def write(tmp: Path) -> None:
        for name in chosen:
            frame = layers[name]
            if fmt == "csv":
                write_csv(_csv_frame(frame), tmp)
            elif fmt == "geojson":
                if not isinstance(frame, gpd.GeoDataFrame):  # attributes only: null geometry, as RFC 7946 allows
                    frame = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs="EPSG:4326")
                pyogrio.write_dataframe(frame, tmp, driver="GeoJSON", layer=name,
                                        RFC7946="YES", COORDINATE_PRECISION=6, WRITE_NAME="NO")
            else:
                pyogrio.write_dataframe(frame, tmp, driver="GPKG", layer=name)

    atomic_write(out, write)
    return chosen
