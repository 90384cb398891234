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
from dataclasses import dataclass, field, replace

import numpy as np

from solar.siting.errors import SitingInputError
from solar.siting.exclusions import KINDS, ExclusionLayer, layer_names, masks_by_kind
from solar.siting.landcover import NO_DATA, class_mask, legend_classes
from solar.siting.results import CriterionOutcome

NOTICE_2023 = "自然资办发〔2023〕12号"
STATUSES = ("evaluated", "not evaluated")
#: Why slope is "not evaluated" when a DEM was supplied but gave no slope on any cell: a DEM that is all
#: nodata over the area is no data, not "0 cells too steep".
EXCLUSION_NODATA = 255
#: Codes of ``exclusion.tif`` (the first reason that applies, in this order; :func:`exclusion_code`).
EXCLUSION_CODES = {0: "candidate (not excluded)", 1: "excluded by an exclusion layer (with its buffer)",
                   2: "excluded by land cover", 3: "excluded by slope", 4: "allowed only under a condition (e.g. "
                   "forest land: 林光互补 only)"}
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
_MOSAIC_PV = ("arrays only on its non-cultivated part: a 5 km cell of cropland mixed with natural vegetation; "
              f"PV arrays may not occupy cultivated land ({NOTICE_2023})")
_GRASS_PV = f"not on basic grassland 基本草原 ({NOTICE_2023}); supply a basic_grassland layer to check"

LAND_RULE_2023 = RuleSet(
    name="land-2023",
    source=f"{NOTICE_2023}, 关于支持光伏发电产业发展规范用地管理有关工作的通知 (2023), plus labelled engineering "
           "assumptions",
    excluded_kinds=("permanent_basic_farmland", "basic_grassland", "class1_forest", "ecological_red_line",
                    "protected_area", "water", "settlement", "road", "power_line"),
    excluded_landcover={
        "worldcover": ("cropland", "water", "wetland", "mangroves", "built_up"),
        "clcd": ("cropland", "water", "wetland", "impervious"),
        "modis_igbp": ("cropland", "water", "wetland", "built_up"),
    },
    conditional_landcover={
        "tree_cover": _FOREST_PV, "shrubland": _FOREST_PV, "forest": _FOREST_PV, "shrub": _FOREST_PV,
        "grassland": _GRASS_PV, "evergreen_needleleaf_forest": _FOREST_PV, "evergreen_broadleaf_forest": _FOREST_PV,
        "deciduous_needleleaf_forest": _FOREST_PV, "deciduous_broadleaf_forest": _FOREST_PV, "mixed_forest": _FOREST_PV,
        "closed_shrubland": _FOREST_PV, "open_shrubland": _FOREST_PV, "woody_savanna": _FOREST_PV,
        "cropland_mosaic": _MOSAIC_PV,
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
        "road": "公路安全保护条例 (2011) art. 11: building control zone 建筑控制区 beside roads (国道 >= 20 m, "
                "省道 >= 15 m, 县道 >= 10 m, 乡道 >= 5 m); a corridor excludes a cell when it covers half of it",
        "power_line": "电力设施保护条例实施细则 art. 5: overhead-line protection zone (35-110 kV 10 m, "
                      "154-330 kV 15 m, 500 kV 20 m beyond the outer conductor); a corridor excludes a cell when it "
                      "covers half of it",
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
        "landcover:woody_savanna": f"{NOTICE_2023}: on forest land only as 林光互补 (IGBP woody savanna: 30-60 % tree "
                                   "cover, forest land in China's sense)",
        "landcover:cropland_mosaic": f"{NOTICE_2023}: PV arrays may not occupy cultivated land",
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
    """The rule set called ``name``.

    Parameters
    ----------
    name : str
        A name of :data:`RULE_SETS`.

    Returns
    -------
    RuleSet
        The rule set.

    Raises
    ------
    SitingInputError
        An unknown name (the names are listed).
    """
    if name not in RULE_SETS:
        raise SitingInputError("rule", f"unknown rule set {name!r}; allowed: {', '.join(RULE_SETS)}")
    return RULE_SETS[name]


def _criterion(criterion: str, status: str, reason: str, basis: str, cells_excluded: int | None = None,
               cells_conditional: int | None = None, cells_without_data: int | None = None) -> CriterionOutcome:
    return CriterionOutcome(criterion=criterion, status=status, reason=reason, cells_excluded=cells_excluded,
                            cells_conditional=cells_conditional, cells_without_data=cells_without_data, basis=basis)


def _check_shape(name: str, arr: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.asarray(arr)
    if out.shape != tuple(shape):
        raise SitingInputError(name, f"shape {out.shape} differs from the grid's {tuple(shape)}")
    return out


def evaluate(rule: RuleSet, *, masks: dict[str, np.ndarray], landcover: np.ndarray | None, legend: str,
             slope_deg: np.ndarray | None, shape: tuple[int, int]
             ) -> tuple[np.ndarray, list[CriterionOutcome], np.ndarray]:
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
    report : list of CriterionOutcome
        One per criterion, in order (exclusion kinds, land-cover classes, conditional classes, slope),
        with ``criterion``, ``status`` (``evaluated`` | ``not evaluated``), ``reason``,
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
    by_kind, report = _kind_criteria(rule, masks, shape)
    lc = None if landcover is None else _check_landcover(landcover, legend, classes, shape)
    by_class, rows = _landcover_criteria(rule, lc, legend, shape)
    report += rows
    conditional, rows = _conditional_criteria(rule, lc, legend, classes, shape)
    report += rows
    by_slope, rows = _slope_criterion(rule, slope_deg, shape)
    report += rows
    excluded = by_kind | by_class | by_slope
    return excluded, report, conditional & ~excluded


def _kind_criteria(rule: RuleSet, masks: dict[str, np.ndarray], shape: tuple[int, int]
                   ) -> tuple[np.ndarray, list[CriterionOutcome]]:
    """Cells excluded by the exclusion layers, and a row per kind (the rule's kinds, then the user's others)."""
    unknown = sorted(set(masks) - set(KINDS))
    if unknown:
        raise SitingInputError("masks", f"unknown kind(s) {', '.join(unknown)}; allowed: {', '.join(KINDS)}")
    excluded = np.zeros(shape, dtype=bool)
    report = []
    for kind in list(rule.excluded_kinds) + [k for k in KINDS if k in masks and k not in rule.excluded_kinds]:
        basis = rule.basis.get(kind, "user-supplied exclusion layer")
        if kind not in masks:
            report.append(_criterion(kind, "not evaluated", f"no {kind} layer supplied", basis))
            continue
        mask = _check_shape(f"masks[{kind!r}]", masks[kind], shape).astype(bool)
        excluded |= mask
        report.append(_criterion(kind, "evaluated", f"{kind} layer(s) supplied: excluded on every cell the area "
                                                    "plus its buffer touches", basis, int(mask.sum())))
    return excluded, report


def _check_landcover(landcover: np.ndarray, legend: str, classes: dict[int, str], shape: tuple[int, int]
                     ) -> np.ndarray:
    """The land-cover codes, refused when of the wrong shape, not integers, or outside the legend."""
    lc = _check_shape("landcover", landcover, shape)
    if not np.issubdtype(lc.dtype, np.integer):
        raise SitingInputError("landcover", f"must hold integer codes, got {lc.dtype}")
    bad = sorted(set(np.unique(lc).tolist()) - set(classes) - {NO_DATA})
    if bad:
        raise SitingInputError("landcover", f"code(s) {bad} not in legend {legend!r}; codes: {sorted(classes)}")
    return lc


def _landcover_criteria(rule: RuleSet, lc: np.ndarray | None, legend: str, shape: tuple[int, int]
                        ) -> tuple[np.ndarray, list[CriterionOutcome]]:
    """Cells excluded by their land-cover class, and a row per excluded class of the legend."""
    excluded = np.zeros(shape, dtype=bool)
    report = []
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
    return excluded, report


def _conditional_criteria(rule: RuleSet, lc: np.ndarray | None, legend: str, classes: dict[int, str],
                          shape: tuple[int, int]) -> tuple[np.ndarray, list[CriterionOutcome]]:
    """Cells allowed only under a condition (by land-cover class), and a row per such class of the legend."""
    conditional = np.zeros(shape, dtype=bool)
    report = []
    no_data = None if lc is None else int((lc == NO_DATA).sum())
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
    return conditional, report


def _slope_criterion(rule: RuleSet, slope_deg: np.ndarray | None, shape: tuple[int, int]
                     ) -> tuple[np.ndarray, list[CriterionOutcome]]:
    """Cells steeper than the rule's limit [degrees], and the slope row (none when the rule has no limit)."""
    excluded = np.zeros(shape, dtype=bool)
    if not math.isfinite(rule.max_slope_deg):
        return excluded, []
    criterion = "slope"
    basis = rule.basis.get(criterion, "rule")
    if slope_deg is None:
        return excluded, [_criterion(criterion, "not evaluated", "no DEM supplied", basis)]
    slope = _check_shape("slope_deg", slope_deg, shape).astype(float)
    if not np.isfinite(slope).any():
        return excluded, [_criterion(criterion, "not evaluated", NO_SLOPE, basis)]
    with np.errstate(invalid="ignore"):
        excluded = slope > rule.max_slope_deg
    return excluded, [_criterion(criterion, "evaluated", f"slope > {rule.max_slope_deg:g}° excluded", basis,
                                 int(excluded.sum()), cells_without_data=int(np.isnan(slope).sum()))]


# -- the rules step of a siting run ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RuleOutcome:
    """Which cells the rules leave, and the report of every criterion.

    Attributes
    ----------
    excluded : numpy.ndarray of bool
        Cells inside the area that an evaluated criterion excludes.
    conditional : numpy.ndarray of bool
        Cells inside, not excluded, allowed only under a condition (e.g. forest land: 林光互补 only).
    candidate : numpy.ndarray of bool
        Cells inside and not excluded.
    criteria : tuple of CriterionOutcome
        The rule set's rows (:func:`evaluate`, counts of cells inside the area), then one row per
        exclusion layer (``layer:<name>``).
    """

    excluded: np.ndarray
    conditional: np.ndarray
    candidate: np.ndarray
    criteria: tuple[CriterionOutcome, ...]


def _layer_rows(layers: list[ExclusionLayer], masks: dict[str, np.ndarray]) -> list[CriterionOutcome]:
    """One evaluated row per exclusion layer, with the cells it excludes."""
    reasons = {name: f"{layer.path} (kind {layer.kind}, buffer {layer.buffer_m:g} m)"
               for name, layer in zip(layer_names(layers), layers, strict=True)}
    return [_criterion(f"layer:{name}", "evaluated", reasons[name], "user-supplied exclusion layer", int(mask.sum()))
            for name, mask in masks.items()]


def apply_rules(rule: RuleSet, layers: list[ExclusionLayer], masks: dict[str, np.ndarray],
                arrays: dict[str, np.ndarray | None], legend: str, inside: np.ndarray) -> RuleOutcome:
    """Apply a rule set to a scan: exclusions by kind, land cover, slope, within the area.

    Parameters
    ----------
    rule : RuleSet
        The rule set.
    layers : list of ExclusionLayer
        The exclusion layers the scan rasterised.
    masks : dict
        Layer name -> bool mask (:attr:`solar.siting.scan.ScanResult.masks`).
    arrays : dict
        The scan's arrays: ``landcover`` (codes of ``legend``, -1 = no data) and ``slope_deg`` [degrees];
        None when no raster was given.
    legend : str
        The land-cover legend.
    inside : numpy.ndarray of bool
        Cells inside the area.

    Returns
    -------
    RuleOutcome
        ``cells_without_data`` of the slope and land-cover rows counts cells inside the area only.
    """
    lc, slope = arrays["landcover"], arrays["slope_deg"]
    excluded, criteria, conditional = evaluate(rule, masks=masks_by_kind(layers, masks), landcover=lc, legend=legend,
                                               slope_deg=slope, shape=inside.shape)
    inside_only = []
    for row in criteria:  # count only cells inside the area
        if row.cells_without_data is not None:
            if row.criterion == "slope" and slope is not None:
                row = replace(row, cells_without_data=int((np.isnan(slope) & inside).sum()))
            elif row.criterion.startswith("landcover") and lc is not None:
                row = replace(row, cells_without_data=int(((lc == NO_DATA) & inside).sum()))
        inside_only.append(row)
    excluded = excluded & inside
    return RuleOutcome(excluded=excluded, conditional=conditional & inside & ~excluded, candidate=inside & ~excluded,
                       criteria=tuple(inside_only + _layer_rows(layers, masks)))


def exclusion_code(rule: RuleSet, masks: dict[str, np.ndarray], arrays: dict[str, np.ndarray | None], legend: str,
                   inside: np.ndarray, conditional: np.ndarray) -> np.ndarray:
    """The first reason each cell is excluded, as the codes of :data:`EXCLUSION_CODES`.

    Parameters
    ----------
    rule : RuleSet
        The rule set.
    masks : dict
        Exclusion layer name -> bool mask.
    arrays : dict
        The scan's ``landcover`` codes and ``slope_deg`` [degrees] (None when not given).
    legend : str
        The land-cover legend.
    inside : numpy.ndarray of bool
        Cells inside the area.
    conditional : numpy.ndarray of bool
        Cells allowed only under a condition.

    Returns
    -------
    numpy.ndarray of uint8
        Codes 0-4; :data:`EXCLUSION_NODATA` (255) outside the area.
    """
    shape = inside.shape
    code = np.zeros(shape, dtype=np.uint8)
    by_layer = np.zeros(shape, dtype=bool)
    for mask in masks.values():
        by_layer |= mask
    lc = arrays.get("landcover")
    names = rule.excluded_landcover.get(legend, ())
    by_lc = class_mask(lc, legend, names) if lc is not None and names else np.zeros(shape, dtype=bool)
    slope = arrays.get("slope_deg")
    with np.errstate(invalid="ignore"):
        by_slope = (slope > rule.max_slope_deg) if slope is not None else np.zeros(shape, dtype=bool)
    code[conditional] = 4
    code[by_slope] = 3
    code[by_lc] = 2
    code[by_layer] = 1
    code[~inside] = EXCLUSION_NODATA
    return code
