"""Siting rules: which land a new PV array may not occupy, and the report of what was checked.

A rule set names exclusion-layer kinds, land-cover classes and a slope limit. :func:`evaluate` applies it
to whatever data the user supplied and reports every criterion: ``evaluated`` with the number of cells it
excluded, or ``not evaluated`` with the reason (no layer, no raster). A criterion without data never
passes silently, and nothing stands in for missing data.

``LAND_RULE_2023`` follows 自然资办发〔2023〕12号 (自然资源部办公厅、国家林业和草原局办公室、国家能源局综合司
《关于支持光伏发电产业发展规范用地管理有关工作的通知》): new PV may not occupy permanent basic farmland,
basic grassland or Class I protected forest land; PV arrays may not occupy cultivated land; on forest land
only as 林光互补 (forest-PV complementary). Everything else in it (water, settlements, protected areas,
the ecological red line, wetlands, built-up land, the slope limit, default buffers) is an engineering
**assumption**, labelled as such in ``basis`` and in the report.
"""

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solar.siting.errors import SitingInputError
from solar.siting.exclusions import KINDS
from solar.siting.landcover import NO_DATA, class_mask, legend_classes

NOTICE_2023 = "自然资办发〔2023〕12号"
STATUSES = ("evaluated", "not evaluated")
#: Why slope is "not evaluated" when a DEM was supplied but gave no slope on any cell: a DEM that is all
#: nodata over the area is no data, not "0 cells too steep".
NO_SLOPE = ("a DEM was supplied but gives no slope on any cell of the area (nodata only, or too few valid "
            "pixels for Horn's 3x3 window)")


@dataclass(frozen=True)
class RuleSet:
    """A named set of siting criteria.

    Attributes
    ----------
    name : str
        Registry key (``RULE_SETS``).
    source : str
        The document (or "assumption") it follows.
    excluded_kinds : tuple of str
        Exclusion-layer kinds (``exclusions.KINDS``) whose areas are excluded.
    excluded_landcover : dict
        Legend name -> land-cover class names on which arrays are excluded.
    conditional_landcover : dict
        Land-cover class name (of any legend) -> the condition under which PV is allowed there; such
        cells are flagged, not excluded.
    max_slope_deg : float
        Cells steeper than this are excluded [degrees]; ``inf`` for no limit.
    default_buffers_m : dict
        Kind -> buffer [m] used when an exclusion spec gives none.
    basis : dict
        Criterion (kind, ``landcover:<class>``, ``slope``, ``buffers``) -> its basis: the rule's clause,
        or ``assumption: ...``.
    """

    name: str
    source: str
    excluded_kinds: tuple[str, ...]
    excluded_landcover: dict[str, tuple[str, ...]]
    conditional_landcover: dict[str, str]
    max_slope_deg: float
    default_buffers_m: dict[str, float]
    basis: dict[str, str] = field(default_factory=dict)


_FOREST_PV = f"only as 林光互补 (forest-PV complementary), not on Class I protected forest land ({NOTICE_2023})"
_GRASS_PV = f"not on basic grassland 基本草原 ({NOTICE_2023}); supply a basic_grassland layer to check"

LAND_RULE_2023 = RuleSet(
    name="land-2023",
    source=f"{NOTICE_2023}, 关于支持光伏发电产业发展规范用地管理有关工作的通知 (2023), plus labelled engineering "
           "assumptions",
    excluded_kinds=("permanent_basic_farmland", "basic_grassland", "class1_forest", "ecological_red_line",
                    "protected_area", "water", "settlement"),
    excluded_landcover={
        "worldcover": ("cropland", "water", "wetland", "mangroves", "built_up"),
        "clcd": ("cropland", "water", "wetland", "impervious"),
    },
    conditional_landcover={
        "tree_cover": _FOREST_PV, "shrubland": _FOREST_PV, "forest": _FOREST_PV, "shrub": _FOREST_PV,
        "grassland": _GRASS_PV,
    },
    max_slope_deg=25.0,
    default_buffers_m={"water": 50.0, "settlement": 100.0},
    basis={
        "permanent_basic_farmland": f"{NOTICE_2023}: no new PV on permanent basic farmland 永久基本农田",
        "basic_grassland": f"{NOTICE_2023}: no new PV on basic grassland 基本草原",
        "class1_forest": f"{NOTICE_2023}: no new PV on Class I protected forest land Ⅰ级保护林地",
        "ecological_red_line": "assumption: the ecological protection red line 生态保护红线 is kept free of PV "
                               "(not a clause of the 2023 notice)",
        "protected_area": "assumption: nature reserves and other protected areas are kept free of PV "
                          "(not a clause of the 2023 notice)",
        "water": "assumption: no ground-mounted arrays on water (floating and fishery PV are assessed separately)",
        "settlement": "assumption: no ground-mounted arrays on settlements",
        "landcover:cropland": f"{NOTICE_2023}: PV arrays may not occupy cultivated land 耕地 (remote-sensing "
                              "cropland is a proxy for the land survey's 耕地)",
        "landcover:water": "assumption: no ground-mounted arrays on water",
        "landcover:wetland": "assumption: wetlands are kept free of PV (not a clause of the 2023 notice)",
        "landcover:mangroves": "assumption: mangroves are kept free of PV",
        "landcover:built_up": "assumption: ground-mounted siting skips built-up land (rooftop PV is separate)",
        "landcover:impervious": "assumption: ground-mounted siting skips built-up land (rooftop PV is separate)",
        "landcover:tree_cover": f"{NOTICE_2023}: on forest land only as 林光互补",
        "landcover:forest": f"{NOTICE_2023}: on forest land only as 林光互补",
        "landcover:shrubland": f"{NOTICE_2023}: on forest land (shrub forest land included) only as 林光互补",
        "landcover:shrub": f"{NOTICE_2023}: on forest land (shrub forest land included) only as 林光互补",
        "landcover:grassland": f"{NOTICE_2023}: no new PV on basic grassland 基本草原",
        "slope": "assumption: 25° upper limit for mountain PV in Hunan (an engineering default, not a legal limit)",
        "buffers": "assumption: default buffers water 50 m, settlement 100 m (set-backs for access and "
                   "construction; override per layer)",
    },
)

NO_RULE = RuleSet(
    name="none",
    source="no land rule: only the exclusion layers the user supplies",
    excluded_kinds=(),
    excluded_landcover={},
    conditional_landcover={},
    max_slope_deg=math.inf,
    default_buffers_m={},
)

#: Rule sets by name.
RULE_SETS: dict[str, RuleSet] = {"land-2023": LAND_RULE_2023, "none": NO_RULE}


def get_rule(name: str) -> RuleSet:
    """The rule set called ``name``; SitingInputError listing the names when unknown."""
    if name not in RULE_SETS:
        raise SitingInputError("rule", f"unknown rule set {name!r}; allowed: {', '.join(RULE_SETS)}")
    return RULE_SETS[name]


def _criterion(criterion: str, status: str, reason: str, basis: str, cells_excluded: int | None = None,
               cells_conditional: int | None = None, cells_without_data: int | None = None) -> dict[str, Any]:
    return {"criterion": criterion, "status": status, "reason": reason, "cells_excluded": cells_excluded,
            "cells_conditional": cells_conditional, "cells_without_data": cells_without_data, "basis": basis}


def _check_shape(name: str, arr: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.asarray(arr)
    if out.shape != tuple(shape):
        raise SitingInputError(name, f"shape {out.shape} differs from the grid's {tuple(shape)}")
    return out


def evaluate(rule: RuleSet, *, masks: dict[str, np.ndarray], landcover: np.ndarray | None, legend: str,
             slope_deg: np.ndarray | None, shape: tuple[int, int]
             ) -> tuple[np.ndarray, list[dict[str, Any]], np.ndarray]:
    """Apply a rule set to the data supplied; report every criterion.

    Parameters
    ----------
    rule : RuleSet
        The rule set.
    masks : dict
        Exclusion kind -> bool mask of ``shape`` (True = excluded), e.g.
        ``exclusions.masks_by_kind(layers, exclusion_masks(...))``. A kind the rule does not name still
        excludes (the user asked for it).
    landcover : numpy.ndarray or None
        int codes of ``legend`` on the grid, -1 = no data (``landcover.sample_landcover``); None when no
        raster was supplied.
    legend : str
        The land-cover legend (``landcover.LEGENDS``).
    slope_deg : numpy.ndarray or None
        Slope [degrees] on the grid, NaN = no data; None when no DEM was supplied.
    shape : tuple of int
        The grid's (rows, cols).

    Returns
    -------
    excluded : numpy.ndarray
        bool, ``shape``: True where an evaluated criterion excludes the cell.
    report : list of dict
        One per criterion, in order (exclusion kinds, land-cover classes, conditional classes, slope),
        with keys ``criterion``, ``status`` (``evaluated`` | ``not evaluated``), ``reason``,
        ``cells_excluded`` (int, None when not evaluated; a cell can count under several criteria),
        ``cells_conditional`` (int for conditional criteria, else None), ``cells_without_data`` (cells
        where the raster had no data, so the criterion could not be checked there; else None) and
        ``basis`` (rule clause or ``assumption: ...``).
    conditional : numpy.ndarray
        bool, ``shape``: cells not excluded but allowed only under a condition (e.g. forest: 林光互补
        only); their conditions are in the report (whose ``cells_conditional`` counts the class before
        other exclusions).

    Raises
    ------
    SitingInputError
        A mask of an unknown kind, an array of the wrong shape, an unknown legend, or land-cover codes
        outside the legend.
    """
    shape = (int(shape[0]), int(shape[1]))
    classes = legend_classes(legend)
    excluded = np.zeros(shape, dtype=bool)
    conditional = np.zeros(shape, dtype=bool)
    report: list[dict[str, Any]] = []

    unknown = sorted(set(masks) - set(KINDS))
    if unknown:
        raise SitingInputError("masks", f"unknown kind(s) {', '.join(unknown)}; allowed: {', '.join(KINDS)}")
    for kind in list(rule.excluded_kinds) + [k for k in KINDS if k in masks and k not in rule.excluded_kinds]:
        basis = rule.basis.get(kind, "user-supplied exclusion layer")
        if kind not in masks:
            report.append(_criterion(kind, "not evaluated", f"no {kind} layer supplied", basis))
            continue
        mask = _check_shape(f"masks[{kind!r}]", masks[kind], shape).astype(bool)
        excluded |= mask
        report.append(_criterion(kind, "evaluated", f"{kind} layer(s) supplied: excluded on every cell the area "
                                                    "plus its buffer touches", basis, int(mask.sum())))

    lc = None
    if landcover is not None:
        lc = _check_shape("landcover", landcover, shape)
        if not np.issubdtype(lc.dtype, np.integer):
            raise SitingInputError("landcover", f"must hold integer codes, got {lc.dtype}")
        bad = sorted(set(np.unique(lc).tolist()) - set(classes) - {NO_DATA})
        if bad:
            raise SitingInputError("landcover", f"code(s) {bad} not in legend {legend!r}; codes: {sorted(classes)}")
    no_data = None if lc is None else int((lc == NO_DATA).sum())
    lc_names = rule.excluded_landcover.get(legend, ())
    if rule.excluded_landcover and not lc_names:
        report.append(_criterion("landcover", "not evaluated", f"the rule names no classes of legend {legend!r} "
                                 f"(it has: {', '.join(rule.excluded_landcover)})", "rule"))
    for name in lc_names:
        criterion = f"landcover:{name}"
        basis = rule.basis.get(criterion, "rule")
        if lc is None:
            report.append(_criterion(criterion, "not evaluated", "no land-cover raster supplied", basis))
            continue
        mask = class_mask(lc, legend, (name,))
        excluded |= mask
        report.append(_criterion(criterion, "evaluated", f"land-cover class {name} ({legend}) excluded", basis,
                                 int(mask.sum()), cells_without_data=no_data))
    for name, condition in rule.conditional_landcover.items():
        if name not in classes.values():
            continue  # a class of another legend
        criterion = f"landcover:{name}"
        basis = rule.basis.get(criterion, "rule")
        if lc is None:
            report.append(_criterion(criterion, "not evaluated", f"no land-cover raster supplied (condition: "
                                     f"{condition})", basis))
            continue
        mask = class_mask(lc, legend, (name,))
        conditional |= mask
        report.append(_criterion(criterion, "evaluated", f"conditional, not excluded: {condition}", basis, 0,
                                 int(mask.sum()), no_data))

    if math.isfinite(rule.max_slope_deg):
        criterion = "slope"
        basis = rule.basis.get(criterion, "rule")
        if slope_deg is None:
            report.append(_criterion(criterion, "not evaluated", "no DEM supplied", basis))
        elif not np.isfinite(_check_shape("slope_deg", slope_deg, shape).astype(float)).any():
            report.append(_criterion(criterion, "not evaluated", NO_SLOPE, basis))
        else:
            slope = _check_shape("slope_deg", slope_deg, shape).astype(float)
            with np.errstate(invalid="ignore"):
                mask = slope > rule.max_slope_deg
            excluded |= mask
            report.append(_criterion(criterion, "evaluated", f"slope > {rule.max_slope_deg:g}° excluded", basis,
                                     int(mask.sum()), cells_without_data=int(np.isnan(slope).sum())))
    return excluded, report, conditional & ~excluded
