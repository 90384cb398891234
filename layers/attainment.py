"""Target attainment for the choropleth: named pipeline MW / target MW, per district, metric and year.

The figures are those of ``geo.rollup.target_gaps`` (same projects, same year rule, same assumption:
only projects the plans name, baseline 0); this module only adds the ratio and picks one target per
(district, metric, year).
"""

from typing import Any

import pandas as pd

from geo.registry.vocab import METRIC_LABELS
from geo.rollup import METRIC_CATEGORIES, target_gaps
from layers.styles import attainment_colour

NO_YEAR = "any"  # key part for a target with no year


def target_year(year: Any) -> int | None:
    """A target's year as an int, ``None`` where the plan gives none."""
    return None if pd.isna(year) else int(year)


def option_key(metric: str, year: Any) -> str:
    """The key of a choropleth option, e.g. ``new_energy_capacity_mw|2025`` (``|any`` without a year)."""
    y = target_year(year)
    return f"{metric}|{NO_YEAR if y is None else y}"


def attainment_table(projects: pd.DataFrame, targets: pd.DataFrame, parents: dict[str, str]) -> pd.DataFrame:
    """One row per capacity target with its attainment ratio.

    Parameters
    ----------
    projects, targets : DataFrame
        As ``geo.rollup.target_gaps`` takes them.
    parents : dict
        Parent adcode by adcode.

    Returns
    -------
    DataFrame
        The columns of ``target_gaps`` plus ``ratio`` (``named_mw / target_mw``; NaN when the target is
        not positive), ``key`` (:func:`option_key`) and ``fill`` (the choropleth colour, ``""`` without a
        ratio).
    """
    counted = sorted({c for cats in METRIC_CATEGORIES.values() for c in cats})
    used = projects.loc[projects["category"].isin(counted), ["id", "district_adcode", "category", "capacity_mw",
                                                            "target_year"]]
    gaps = target_gaps(used, targets, parents)  # only these rows and columns can count: same result, faster
    target = gaps["target_mw"].astype(float)
    ratio = (gaps["named_mw"].astype(float) / target).where(target > 0)
    return gaps.assign(
        ratio=ratio,
        key=[option_key(m, y) for m, y in zip(gaps["metric"], gaps["year"], strict=True)],
        fill=[attainment_colour(r) if pd.notna(r) else "" for r in ratio],
    )


def district_attainment(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (district, option): where a district has several targets for one metric and year, the largest.

    Returns
    -------
    DataFrame
        Rows of :func:`attainment_table`, unique on (``adcode``, ``key``).
    """
    ordered = table.sort_values(["adcode", "key", "target_mw"], ascending=[True, True, False], kind="stable")
    return ordered.drop_duplicates(["adcode", "key"]).reset_index(drop=True)


def choropleth_options(table: pd.DataFrame) -> list[dict[str, object]]:
    """The (metric, year) combinations present, in metric order then year, with bilingual labels."""
    order = list(METRIC_LABELS)
    combos = table[["key", "metric", "year"]].drop_duplicates("key")
    combos = combos.assign(
        _m=[order.index(m) if m in order else len(order) for m in combos["metric"]],
        _y=[target_year(y) or 9999 for y in combos["year"]],
    ).sort_values(["_m", "_y"], kind="stable")
    out: list[dict[str, object]] = []
    for key, metric, year in zip(combos["key"], combos["metric"], combos["year"], strict=True):
        zh, en = METRIC_LABELS.get(metric, (metric, metric))
        y = target_year(year)
        year_zh, year_en = ("无年份", "no year") if y is None else (f"{y}年", str(y))
        out.append({"key": key, "metric": metric, "year": y,
                    "label_zh": f"{zh} {year_zh}", "label_en": f"{en} {year_en}"})
    return out
