"""Gathers what a district report shows from the store's frames and the data folder (:class:`ReportInput`)."""

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import NotFoundError
from geo.rollup import units_within
from layers.base_data import read_plants, read_townships
from layers.report import ReportInput


def read_siting(siting_dir: Path | None, adcode: str) -> dict[str, Any] | None:
    """The siting report of ``adcode`` (``<siting_dir>/<adcode>/report.json``) if ``energy-planner site`` wrote one."""
    if siting_dir is None:
        return None
    path = siting_dir / adcode / "report.json"
    if not path.is_file():
        return None
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def report_input(adcode: str, summary: dict[str, Any], projects: pd.DataFrame, districts: gpd.GeoDataFrame,
                 data_dir: Path | None, siting_dir: Path | None = None, lang_href: str | None = None) -> ReportInput:
    """The report of ``adcode`` (a city includes its counties) from ``summary`` (``district_yield``) and the frames.

    Raises
    ------
    geo.errors.NotFoundError
        For an adcode not among ``districts``.
    """
    adcodes = districts["adcode"].astype(str)
    match = districts[adcodes == adcode]
    if match.empty:
        raise NotFoundError(f"no district {adcode[:20]!r}; known: {', '.join(sorted(adcodes))}")
    parents = dict(zip(adcodes, districts["parent_adcode"].astype(str), strict=True))
    units = units_within(adcode, parents)
    counties = districts[adcodes.isin(units) & (districts["level"] != "city")]
    shown = counties if len(counties) else match
    outlines = [(str(n), g) for n, g in zip(shown["name_zh"], shown.geometry, strict=True)]
    mine = projects[projects["district_adcode"].astype(str).isin(units)]
    mine = pd.DataFrame(mine.drop(columns=[c for c in ("geometry",) if c in mine]))
    titles = {str(k): str(v) for k, v in zip(mine.get("plan_id", []), mine.get("plan_title", []), strict=True)
              if pd.notna(k) and pd.notna(v)}
    townships, plants = [], []
    if data_dir is not None:
        townships = read_townships(data_dir, [str(a) for a in shown["adcode"]])
        plants = read_plants(data_dir, tuple(shown.total_bounds))
    return ReportInput(adcode=adcode, name_zh=str(match.iloc[0]["name_zh"]), summary=summary, projects=mine,
                       outlines=outlines, plan_titles=titles, siting=read_siting(siting_dir, adcode),
                       townships=townships, plants=plants, lang_href=lang_href)
