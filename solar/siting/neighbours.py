"""What a cell's distances are measured to: substations and the registry's PV/wind projects.

Most registry points have no known site and sit at their district's representative point (precision
``district`` or ``city``): a distance to such a point is a distance to the district's point, not to a
facility, so they are left out unless the user asks for them (then the distances are indicative and the
notes say so). A user file of surveyed substations is used in full.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from grid.substations import read_substations, substations_frame
from solar.siting.report import osm_substation_note, project_note, substation_note

#: Registry project categories whose distance is the ``projects`` criterion.
PROJECT_CATEGORIES = ("pv", "wind")
#: Precisions that place a point no better than its district (a distance to it is a distance to the district).
COARSE_PRECISIONS = ("district", "city")


def _precision_counts(frame: pd.DataFrame) -> dict[str, int]:
    if frame.empty or "location_precision" not in frame:
        return {}
    return {str(k): int(v) for k, v in frame["location_precision"].value_counts().items()}


def distance_targets(projects: pd.DataFrame, substations_file: Path | None, *, include_district_points: bool = False,
                     area: BaseGeometry | None = None, osm_substations: gpd.GeoDataFrame | None = None,
                     osm_name: str = "") -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, str]]:
    """Substations and PV/wind projects to measure distances to, and notes on what they are.

    Parameters
    ----------
    projects : DataFrame
        The store's projects (``id``, ``category``, ``lon``, ``lat`` [degrees, WGS-84],
        ``location_precision``, ...).
    substations_file : pathlib.Path, optional
        A user file of surveyed substations (:func:`grid.substations.read_substations`).
    include_district_points : bool
        Also use registry points at their district's representative point (distances then indicative).
    area : shapely geometry, optional
        The area (EPSG:4326): the registry substations at its district point are named in the note.
    osm_substations : GeoDataFrame, optional
        Substations of an OpenStreetMap extract (:func:`grid.osm.osm_substations`), used in full.
    osm_name : str
        The extract's file name, for the note.

    Returns
    -------
    substations, projects : GeoDataFrame
        EPSG:4326 points with ``id``, ``location_precision`` (and ``voltage_kv`` [kV], ``category``).
    notes : dict
        ``grid`` and ``projects``: what was used and what was left out, for the report.
    """
    registry = substations_frame(projects)
    coarse = registry["location_precision"].isin(COARSE_PRECISIONS)
    kept = registry if include_district_points else registry[~coarse]
    parts = []
    n_user = 0
    if substations_file is not None:
        user = read_substations(Path(substations_file))
        parts.append(user)
        n_user = len(user)
    if osm_substations is not None and len(osm_substations):
        parts.append(osm_substations)
    parts.append(kept)
    subs = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    left = registry[coarse]
    here = left[left.geometry.within(area)] if area is not None else left
    grid_note = substation_note(None if substations_file is None else Path(substations_file).name, n_user, len(kept),
                                int(coarse.sum()), [str(v) for v in here["id"]], include_district_points)
    if osm_substations is not None:
        grid_note = osm_substation_note(osm_name, osm_substations) + "; " + grid_note

    pts = projects[projects["category"].isin(PROJECT_CATEGORIES)]
    pts = pts[pd.to_numeric(pts["lon"], errors="coerce").notna() & pd.to_numeric(pts["lat"], errors="coerce").notna()]
    pts_coarse = pts["location_precision"].isin(COARSE_PRECISIONS)
    used = pts if include_district_points else pts[~pts_coarse]
    proj = gpd.GeoDataFrame(
        pd.DataFrame({"id": used["id"].astype(str).to_numpy(), "category": used["category"].astype(str).to_numpy(),
                      "location_precision": used["location_precision"].astype(str).to_numpy()}),
        geometry=gpd.points_from_xy(used["lon"].astype(float), used["lat"].astype(float)), crs="EPSG:4326")
    notes = {"grid": grid_note,
             "projects": project_note(len(used), _precision_counts(used), int(pts_coarse.sum()),
                                      include_district_points)}
    return subs, proj, notes
