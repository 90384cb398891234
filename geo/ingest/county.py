"""Whose plan is it: the admin unit named in the title and issuer, found among the units of China.

The head of the text (its first lines, and any line with 人民政府, 方案, 规划, 印发) is searched for the full
names of the units of ``data/boundaries/units.csv`` (临湘市, 岳阳县, 怀化市鹤城区). A county named after its
city (岳阳市岳阳楼区) or once with a name shared across China (鼓楼区) is told apart by the city or province
named with it; a city without any of its counties is the city. Short names (临湘) are not used to find the
unit: they are too often parts of other words; they are used to place a city plan's rows in its counties.
"""

import re
from dataclasses import dataclass

from geo.districts import Unit
from geo.ingest.errors import IngestError
from geo.ingest.patterns import COUNTY_SUFFIXES

HEAD_LINES = 40
TITLE_LINE = re.compile(r"人民政府|方案|规划|计划|纲要|印发|意见|通知")


@dataclass(frozen=True)
class Inferred:
    """The unit found (``adcode``) and how (a sentence for the user)."""

    adcode: str
    how: str


def short_name(name: str) -> str:
    """The name without its level suffix (临湘市 -> 临湘), or the name when that would leave one character."""
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def infer_unit(lines: tuple[str, ...], units: dict[str, Unit]) -> Inferred | None:
    """The county or city whose plan this is, or None when the head of the text names none.

    Raises
    ------
    IngestError
        If the head names several units equally (the message lists them: pass ``--adcode``).
    """
    head = [s.strip() for s in lines if s.strip()]
    # a title in 《》, but not one the plan follows ("根据《湖南省碳达峰实施方案》")
    titles = re.findall(r"(?<!根据)(?<!按照)(?<!依据)(?<!贯彻)(?<!落实)(?<!》)《([^》]{4,60})》",
                        "".join(head[:HEAD_LINES]))
    titles += [s for s in head[:HEAD_LINES]
               if TITLE_LINE.search(s) and len(s) < 60 and not re.search("[。，]|根据|按照", s)]
    for title in titles:  # the first title that names a unit decides
        try:
            got = _infer(re.sub(r"\s", "", title), "".join(head[:HEAD_LINES]), units, "title")
        except IngestError:
            got = None
        if got is not None:
            return got
    text = re.sub(r"\s", "", "".join(head))
    return _infer(text, text, units, "text (most often named; no title names a unit)")


def _infer(text: str, context: str, units: dict[str, Unit], where: str) -> Inferred | None:
    by_name: dict[str, list[Unit]] = {}
    for u in units.values():
        if u.level in ("county", "city") and len(u.name_zh) >= 2:
            by_name.setdefault(u.name_zh, []).append(u)
    found: dict[str, int] = {}
    for name, candidates in by_name.items():
        n = text.count(name)
        if n:
            for u in candidates:
                found[u.adcode] = found.get(u.adcode, 0) + n
    if not found:
        return None
    counties = {a: n for a, n in found.items() if units[a].level == "county"}
    cities = {a: n for a, n in found.items() if units[a].level == "city"}
    provinces = {u.adcode for u in units.values() if u.level == "province" and u.name_zh in context}
    cities_near = {u.adcode for u in units.values() if u.level == "city" and u.name_zh in context}
    top = [*sorted(counties.values(), reverse=True), 0, 0]
    one_county = top[0] >= 5 and top[0] >= 3 * top[1]  # a city's plan names many counties, none far more often
    if counties and (not cities or where == "title" or one_county or top[0] >= max(cities.values())):
        # a county whose city (or province) is named too counts double: 怀化市鹤城区, 鼓楼区 of 福州市
        def score(a: str) -> tuple[int, int]:
            parent = units[a].parent_adcode
            grand = units[parent].parent_adcode if parent in units else ""
            return (counties[a] + 2 * (parent in cities_near) + (grand in provinces), -int(a))

        ranked = sorted(counties, key=score, reverse=True)
        best = ranked[0]
        tie = len(ranked) > 1 and score(ranked[1])[0] == score(best)[0]
        if tie and units[ranked[1]].name_zh == units[best].name_zh:
            names = ", ".join(f"{a} {units[a].name_zh} ({units.get(units[a].parent_adcode, units[a]).name_zh})"
                              for a in ranked if units[a].name_zh == units[best].name_zh)
            raise IngestError(f"the text names {units[best].name_zh}, which is several units of China: {names}; "
                              "pass --adcode")
        return Inferred(best, f"{units[best].name_zh} ({best}), named in the {where}")
    best = max(cities, key=lambda a: (cities[a], -int(a)))
    return Inferred(best, f"{units[best].name_zh} ({best}), a city, named in the {where} "
                          "(no county named there)")
