"""Resolve a place as a plan writes it to a gazetteer entry, within the stated county.

Tried in order, and the first tier that finds anything decides: the name exactly; the name with its
suffix dropped or added (桃林 = 桃林镇, 凉亭坳 = 凉亭坳乡, 金盆 = 金盆村, 大塘村 = 大塘村委会); a known variant
(家 left out: 韩家桥村 = 韩桥村). A tier that finds more than one entry is *ambiguous* and is reported with
its candidates, never guessed; a village is looked for under the named township when there is one.
"""

import re
from dataclasses import dataclass

from geo.gazetteer import Entry, Gazetteer

TOWN_SUFFIXES = ("民族乡", "民族苏木", "街道办事处", "街道", "镇", "乡", "苏木")
# village names of the statistics code as plans write them: committees to their village or community
VILLAGE_NORMAL = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("村民委员会", "村"), ("居民委员会", "社区"),
                  ("村委会", "村"), ("居委会", "社区"))
VILLAGE_SUFFIXES = ("社区", "村")
# a site name with one of these words names a facility or a zone, never a township or village
FACILITY = re.compile(r"变|站|厂|园|区|库|场|闸|码头|港|路|工程|基地|中心|公司|项目|矿|坝|线|管|桥$")


@dataclass(frozen=True)
class Resolution:
    """How a name resolved: ``found`` (``entry``), ``ambiguous`` (``candidates``) or ``not_found``."""

    status: str
    entry: Entry | None = None
    candidates: tuple[Entry, ...] = ()
    how: str = ""  # exact, suffix, variant


def _village_name(name: str) -> str:
    for long, short in VILLAGE_NORMAL:
        if name.endswith(long):
            return name[: -len(long)] + short
    return name


def forms(name: str, level: str) -> set[str]:
    """The name and its stem (suffix dropped), as compared between a plan and the gazetteer."""
    name = _village_name(name) if level == "village" else name
    out = {name}
    for suffix in TOWN_SUFFIXES if level == "township" else VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + (1 if level == "village" else 0):
            out.add(name[: -len(suffix)])
            break
    return out


def _variants(names: set[str]) -> set[str]:
    return {n.replace("家", "") for n in names if "家" in n}


def resolve(gazetteer: Gazetteer, adcode: str, name: str, level: str, town: Entry | None = None) -> Resolution:
    """Resolve ``name`` (a ``township`` or ``village`` as written) among the entries of county ``adcode``.

    Parameters
    ----------
    town : Entry, optional
        The township the plan names: a village is then looked for under it only.
    """
    pool = [e for e in gazetteer.county(adcode) if e.level == level]
    if town is not None and level == "village":
        pool = [e for e in pool if e.town_code == town.code[:9]]
    query = forms(name, level)
    tiers = (
        ("exact", lambda e: (_village_name(e.name) if level == "village" else e.name) == _canon(name, level)),
        ("suffix", lambda e: bool(query & forms(e.name, level))),
        ("variant", lambda e: bool(_variants(query) & ({n.replace("家", "") for n in forms(e.name, level)}))),
    )
    for how, match in tiers:
        hits = list({e.code: e for e in pool if match(e)}.values())
        if len(hits) == 1:
            return Resolution("found", hits[0], (), how)
        if len(hits) > 1:
            return Resolution("ambiguous", None, tuple(sorted(hits, key=lambda e: e.code)), how)
    return Resolution("not_found")


def _canon(name: str, level: str) -> str:
    return _village_name(name) if level == "village" else name


def is_facility(name: str) -> bool:
    """Whether a site name names a facility or zone (变电站, 水库, 工业园, ...), which no gazetteer place stands for."""
    return bool(FACILITY.search(name))


def describe(e: Entry, gazetteer: Gazetteer) -> str:
    """``name (township, code)`` for messages."""
    town = gazetteer.town_of(e)
    return f"{e.name} ({town.name + ', ' if town else ''}{e.code})"
