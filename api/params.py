"""Query parameters checked the way OGC API – Features expects: unknown or invalid → 400, ``limit`` clamped."""

import math
import re

from starlette.requests import Request

from api.errors import BadRequest
from api.features import DISTRICT_FILTER, LIMIT_DEFAULT, LIMIT_MAX, Query, Spec
from geo.districts import LEVELS
from geo.registry import vocab
from layers.i18n import LANGS, negotiate

FORMATS = ("json", "geojson", "html")
_INT = re.compile(r"[0-9]+")
BIG_INT = 10**18  # a larger integer parameter reads as this: limit clamps, offset lies past the end
MAX_VALUE_CHARS = 100
MAX_NUMBER_CHARS = 32  # a coordinate needs far fewer; a longer "number" is refused before it is parsed
# a decimal number, ASCII only; unambiguous, so matching takes linear time whatever the text (no backtracking
# blow-up: the former pattern took 15.7 s on 16,000 digits and a letter)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
ITEMS_PARAMS = ("f", "limit", "offset", "bbox")
# filters whose values are a closed vocabulary: a value outside it is a typo (400), not an empty page
VOCABULARIES: dict[str, tuple[str, ...]] = {"category": tuple(vocab.CATEGORIES), "status": tuple(vocab.STATUSES),
                                            "metric": tuple(vocab.TARGET_METRICS), "level": LEVELS}


def check_params(request: Request, allowed: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The query parameters as a dict; 400 for one not in ``allowed`` or given twice."""
    params = request.query_params
    unknown = sorted(set(params.keys()) - set(allowed))
    if unknown:
        raise BadRequest(f"unknown query parameter(s) {', '.join(unknown)}; allowed: {', '.join(allowed) or 'none'}")
    repeated = sorted(k for k in set(params.keys()) if len(params.getlist(k)) > 1)
    if repeated:
        raise BadRequest(f"query parameter(s) given more than once: {', '.join(repeated)}")
    return dict(params)


def _int(name: str, text: str, minimum: int) -> int:
    if not _INT.fullmatch(text):
        raise BadRequest(f"{name}: {text[:40]!r} is not an integer >= {minimum}")
    digits = text.lstrip("0") or "0"
    value = int(digits) if len(digits) <= 18 else BIG_INT  # never an error for a huge limit (OGC: clamp)
    if value < minimum:
        raise BadRequest(f"{name}: {value} is below the minimum {minimum}")
    return value


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (or the 6-number form with heights) in CRS84; 400 when not a valid box."""
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BadRequest(f"bbox: {len(parts)} value(s); give 4 (minlon,minlat,maxlon,maxlat) or 6 numbers")
    parts = [p.strip() for p in parts]
    if any(p.lower().lstrip("+-") in ("nan", "inf", "infinity") for p in parts):
        raise BadRequest("bbox: NaN and infinite values are not coordinates")
    if not all(len(p) <= MAX_NUMBER_CHARS and _NUMBER.fullmatch(p) for p in parts):
        raise BadRequest(f"bbox: {text[:80]!r} holds a value that is not a number (decimal, at most "
                         f"{MAX_NUMBER_CHARS} characters)")
    nums = [float(p) for p in parts]
    if not all(math.isfinite(v) for v in nums):
        raise BadRequest("bbox: NaN and infinite values are not coordinates")
    x1, y1, x2, y2 = (nums[0], nums[1], nums[3], nums[4]) if len(nums) == 6 else nums
    if not (-180 <= x1 <= 180 and -180 <= x2 <= 180 and -90 <= y1 <= 90 and -90 <= y2 <= 90):
        raise BadRequest("bbox: longitudes must be within -180..180 and latitudes within -90..90 (CRS84)")
    if y1 > y2:
        raise BadRequest(f"bbox: minimum latitude {y1} is above the maximum {y2}")
    if x1 > x2:
        raise BadRequest("bbox: a box crossing the antimeridian (minlon > maxlon) is not supported")
    return x1, y1, x2, y2


def paging(params: dict[str, str]) -> tuple[int, int]:
    """``(limit, offset)`` of checked parameters: ``limit`` clamped to :data:`LIMIT_MAX` (OGC), 400 when invalid."""
    limit = min(_int("limit", params["limit"], 1), LIMIT_MAX) if "limit" in params else LIMIT_DEFAULT
    offset = _int("offset", params["offset"], 0) if "offset" in params else 0
    return limit, offset


def filters_of(params: dict[str, str], spec: Spec) -> dict[str, str]:
    """The values of ``spec``'s filters among checked parameters; 400 for an empty, overlong or unknown value."""
    filters = {}
    for name in spec.filters:
        if name not in params:
            continue
        value = params[name].strip()
        if not value or len(value) > MAX_VALUE_CHARS:
            raise BadRequest(f"{name}: give a value of 1 to {MAX_VALUE_CHARS} characters")
        if name == "target_year":
            value = str(_int(name, value, 0))
        if name == DISTRICT_FILTER and not value.isdigit():
            raise BadRequest(f"{name}: {value[:40]!r} is not an adcode (six digits, e.g. 430682)")
        if name in VOCABULARIES and value not in VOCABULARIES[name]:
            raise BadRequest(f"{name}: unknown value {value[:40]!r}; allowed: {', '.join(VOCABULARIES[name])}")
        filters[name] = value
    return filters


def items_query(params: dict[str, str], spec: Spec) -> Query:
    """The checked items query of ``spec``'s collection (parameters already checked by :func:`check_params`)."""
    limit, offset = paging(params)
    bbox = parse_bbox(params["bbox"]) if "bbox" in params else None
    return Query(limit, offset, bbox, filters_of(params, spec))


def wants_html(request: Request, params: dict[str, str]) -> bool:
    """HTML when ``f=html`` or when the client asks for ``text/html`` ahead of JSON; JSON otherwise."""
    f = params.get("f")
    if f is not None:
        if f not in FORMATS:
            raise BadRequest(f"f: unknown format {f[:40]!r}; allowed: {', '.join(FORMATS)}")
        return f == "html"
    best: tuple[float, str] = (-1.0, "json")
    for i, part in enumerate(request.headers.get("accept", "").split(",")):
        media, _, rest = part.strip().partition(";")
        q = 1.0
        for p in rest.split(";"):
            key, _, val = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        kind = {"text/html": "html", "application/xhtml+xml": "html", "application/json": "json",
                "application/geo+json": "json", "*/*": "json", "application/*": "json"}.get(media.strip().lower())
        if kind and q - i * 1e-6 > best[0]:
            best = (q - i * 1e-6, kind)
    return best[1] == "html"


LANG_PARAM = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LANGS)},
              "description": "language of the page (default: the Accept-Language header, else zh)"}


def page_lang(request: Request, params: dict[str, str]) -> str:
    """The language of a page: ``lang`` parameter, else ``Accept-Language``, else Chinese (400 for another ``lang``)."""
    if "lang" in params and params["lang"] not in LANGS:
        raise BadRequest(f"lang: unknown language {params['lang'][:20]!r}; allowed: {', '.join(LANGS)}")
    return negotiate(params.get("lang"), request.headers.get("accept-language"))
