"""Roll-ups per district and year, and the gap between named projects and each target.

Assumption stated with every gap: the registry holds the projects the plans *name*; capacity that already
exists or that no plan names is unknown here, so a ``stock`` target's gap is an upper bound on what is
still missing and a negative gap means the named pipeline alone exceeds the target.
"""

import pandas as pd

# which project categories count towards each capacity metric
METRIC_CATEGORIES: dict[str, tuple[str, ...]] = {
    "pv_capacity_mw": ("pv",),
    "wind_capacity_mw": ("wind",),
    "new_energy_capacity_mw": ("pv", "wind"),
    "renewable_capacity_mw": ("pv", "wind", "hydro", "biomass", "waste_to_energy"),
    "total_power_capacity_mw": ("pv", "wind", "hydro", "biomass", "waste_to_energy", "thermal", "gas", "nuclear"),
    "storage_capacity_mw": ("storage",),
    "coal_capacity_mw": ("thermal",),
}
GAP_ASSUMPTION = (
    "named plan projects only; existing and unnamed capacity unknown (baseline taken as 0); projects with "
    "no target year count towards every year"
)


def rollup(projects: pd.DataFrame) -> pd.DataFrame:
    """Count and MW of projects per district, target year, category, subtype and status.

    ``target_year`` is ``"unspecified"`` where the plan gives none; ``capacity_mw`` sums the projects that
    state one and ``with_capacity`` says how many did.
    """
    df = projects.assign(
        target_year=projects["target_year"].astype("string").fillna("unspecified"),
        subtype=projects["subtype"].fillna(""),
        status=projects["status"].fillna(""),
    )
    keys = ["district_adcode", "district_name_zh", "target_year", "category", "subtype", "status"]
    out = df.groupby(keys, dropna=False).agg(
        projects=("id", "count"),
        with_capacity=("capacity_mw", "count"),
        capacity_mw=("capacity_mw", "sum"),
    )
    return out.reset_index().sort_values(keys, kind="stable").reset_index(drop=True)


def units_within(adcode: str, parents: dict[str, str]) -> set[str]:
    """The unit and, for a city, its counties."""
    return {adcode} | {child for child, parent in parents.items() if parent == adcode}


def target_gaps(projects: pd.DataFrame, targets: pd.DataFrame, parents: dict[str, str]) -> pd.DataFrame:
    """For each capacity target, the named pipeline MW behind it and the gap.

    Parameters
    ----------
    projects : DataFrame
        Projects with ``district_adcode``, ``category``, ``capacity_mw``, ``target_year``, ``id``.
    targets : DataFrame
        Targets with ``id``, ``adcode``, ``metric``, ``value``, ``year``, ``comparator``, ``basis``.
    parents : dict
        Parent adcode of every district (a city's target counts its counties' projects too).

    Returns
    -------
    DataFrame
        One row per capacity target: ``named_mw``, ``named_projects`` (ids), ``projects_without_capacity``,
        ``gap_mw`` (target - named), ``backed`` (any named project with a capacity), ``assumption``.
    """
    rows = []
    capacity_targets = targets[targets["metric"].isin(list(METRIC_CATEGORIES))]
    for t in capacity_targets.to_dict("records"):
        units = units_within(str(t["adcode"]), parents)
        year_ok = projects["target_year"].isna()
        if pd.notna(t["year"]):
            year_ok = year_ok | (projects["target_year"] <= t["year"])
        mask = (
            projects["district_adcode"].isin(units)
            & projects["category"].isin(METRIC_CATEGORIES[t["metric"]])
            & year_ok
        )
        chosen = projects[mask]
        named = float(chosen["capacity_mw"].sum())
        rows.append({
            "target_id": t["id"], "adcode": t["adcode"], "metric": t["metric"], "year": t["year"],
            "comparator": t["comparator"], "basis": t["basis"], "target_mw": float(t["value"]),
            "named_mw": round(named, 3), "gap_mw": round(float(t["value"]) - named, 3),
            "named_projects": ",".join(chosen["id"]),
            "projects_without_capacity": int(chosen["capacity_mw"].isna().sum()),
            "backed": bool(chosen["capacity_mw"].notna().any()),
            "assumption": GAP_ASSUMPTION,
        })
    return pd.DataFrame(rows, columns=[
        "target_id", "adcode", "metric", "year", "comparator", "basis", "target_mw", "named_mw", "gap_mw",
        "named_projects", "projects_without_capacity", "backed", "assumption",
    ])
