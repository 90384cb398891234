"""Projects from a plan's sentences: one row per named facility and per action, figures normalised.

A sentence is cut into clauses (at ，and ：) and a clause into items (at 、 and at 和/及/与 between names). An
item is a project when it ends in a facility head (…变电站, …电站, …项目; :data:`geo.ingest.patterns.HEADS`)
and says energy; the verbs before it are dropped. Short names listed before a named one share its head, its
action and its voltage ("110kV马壕、南津港和枫树坡变电站更换主变压器" is three rows). A name that is only
generic words (分布式光伏项目) is a programme and kept only when it carries a figure (capacity, count, km).
The capacity is the name's own, else, when the sentence names one project, the sentence's 装机/规模 figure.
"""

import re
from dataclasses import dataclass

from geo.capacity import CapacityParseError, parse_capacity_mw
from geo.ingest import figures, patterns
from geo.ingest.rows import ProjectRow
from geo.ingest.text import Document, Span, sentences, split

MAX_SHARED = 8  # characters of a listed name that shares the next one's head
MAX_WEAK = 12  # characters of a name with a weak head (陕煤汨罗火电)
MAX_QUOTE = 160
MAX_CAP_ITEM = 20  # characters of a listed name that ends in its own capacity ("某公司新建1.2MW、…光伏项目")
# a substation listed short after one with its voltage: "220kV中心变和滨湖变"
VOLTAGE_START = re.compile(r"\d{2,4}(?:kV|KV|千伏)")
BARE_SUBSTATION = re.compile(r"^[\u4e00-\u9fff]{2,5}?变(?![电压频化革成为得])")
# a list closed by 等, a count and a kind before the shared head: "…一期等4项风电续建项目", "…等12座小水电站"
LISTED_COUNT = re.compile(
    r"(?P<last>[^等]+?)等(?P<count>[\d一二三四五六七八九十两]+[个项座处家])?(?P<kind>[^\d等]{0,6})")
LISTED_STATUS = re.compile(r"新开工|续建|在建|前期|重点|新建")
# a new time frame between a name and a figure: the figure is a target ("…试点，到2025年，…装机达到15万千瓦")
TARGET_AHEAD = re.compile(r"[到至]20\d\d年|20\d\d年[底末前]")
# how many a list names, inside the last name: "甲、乙两个分散式风电项目"
LIST_COUNT = re.compile(r"[两二三四五六七八九十\d]个")
# a place at the start of a name, ending in its level: 羊山镇, 城南乡, 浮云街道
PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:镇|乡|街道|村|社区|苏木|嘎查)")


@dataclass(frozen=True)
class Item:
    """A candidate name in a sentence: ``start``/``end`` of the name, ``tail_end`` after its action words."""

    name: str
    start: int
    end: int
    tail_end: int
    item_end: int
    clause_start: int
    clause_end: int
    inherited: bool = False
    own_capacity: bool = False
    listed: bool = False  # one of a list closed by 等 and a count or kind: energy may be said once for all


def _strip_lead(text: str, start: int) -> int:
    m = patterns.LEAD.match(text[start:])
    while m and m.end():
        start += m.end()
        m = patterns.LEAD.match(text[start:])
    return start


def _bracketed(text: str) -> list[bool]:
    """Per character of ``text``: whether it is inside （…） or “…” (where ，、；： do not cut a clause or a list)."""
    out, depth, quoted = [], 0, False
    for c in text:
        if c == "（":
            depth += 1
        elif c == "）" and depth:
            depth -= 1
        elif c == "“":
            quoted = True
        elif c == "”":
            quoted = False
        out.append(depth > 0 or quoted)
    if depth or quoted:  # an unclosed bracket (a text cut off): nothing is bracketed
        return [False] * len(text)
    return out


def _ends_head(left: str) -> bool:
    """Whether ``left`` ends in a facility head (and its action words), a bracketed aside after it allowed."""
    left = re.sub(r"（[^（）]*）$", "", left)
    return patterns.HEAD.search(left) is not None and patterns.HEAD.search(left[-9:]) is not None


def _items(text: str, lo: int, hi: int, inside: list[bool] | None = None) -> list[tuple[int, int]]:
    """Items of the clause ``text[lo:hi]``: split at 、, and at 和/及/与 between names."""
    parts, start = [], lo
    for k in range(lo, hi):
        if text[k] == "、" and not (inside and inside[k]):
            parts.append((start, k))
            start = k + 1
    parts.append((start, hi))
    out = []
    listed = len(parts) > 1
    for a, b in parts:
        while True:
            m = next((m for m in re.finditer(r"以及|和|及|与", text[a:b])), None)
            cut = None
            for m in re.finditer(r"以及|和|及|与", text[a:b]):
                left = text[a : a + m.start()]
                right = text[a + m.end() : b]
                ends_head = _ends_head(left)
                short_name = (listed or patterns.HEAD.search(right)) and 1 < len(left) <= MAX_SHARED \
                    and not patterns.ENERGY_WORD.search(left) and patterns.HEAD.search(right) is not None
                left_short = patterns.SHORT_SUBSTATION.search(left)
                short_pair = left_short is not None and left_short.end() == len(left) \
                    and BARE_SUBSTATION.match(right) is not None
                # "…变电站扩建工程和220千伏树林召、王爱召输变电工程": a whole name, then a short one of a list
                short_next = listed and ends_head and 0 < len(right.lstrip("0123456789kKV千伏")) <= MAX_SHARED \
                    and not re.search("[的地是在]", right)
                # "1000千伏特高压和500千伏等过境输电线路": two voltages sharing the head
                volt_pair = VOLTAGE_START.match(right) is not None and VOLTAGE_START.search(left) is not None \
                    and patterns.HEAD.search(left) is None and patterns.HEAD.search(right) is not None
                if (ends_head and patterns.HEAD.search(right)) or short_name or short_pair or short_next or volt_pair:
                    cut = m
                    break
            if cut is None or m is None:
                out.append((a, b))
                break
            out.append((a, a + cut.start()))
            a = a + cut.end()
    return [(a, b) for a, b in out if b > a]


def _head(text: str, a: int, b: int) -> tuple[int, int] | None:
    """``(name_end, tail_end)`` of the item ``text[a:b]``, or None without a head."""
    seg = text[a:b]
    short = patterns.SHORT_SUBSTATION.search(seg)
    m = patterns.HEAD.search(seg)
    later = [h for h in patterns.HEAD.finditer(seg) if m and h.start() >= m.end()]
    if m and later and not patterns.ENERGY_WORD.search(seg[: m.end()]) \
            and patterns.ENERGY_WORD.search(seg[: later[0].end()]):
        m = later[0]  # "乙烯项目天然气管道": the first head ends a name of no energy
    while m and not (short and short.start() <= m.start()):  # "…水电站库区配套风电项目": one name, two heads
        nxt = next((h for h in patterns.HEAD.finditer(seg, m.end()) if h.start() > m.end()), None)
        if nxt is None or nxt.start() - m.end() > MAX_SHARED + 6 or patterns.BETWEEN_HEADS.search(
                seg[m.end() : nxt.start()]) or patterns.TAIL_ACTION.match(seg[m.end() :]):
            break
        m = nxt
    if short and (m is None or short.start() <= m.start()):
        end = a + short.end()
    elif m:
        end = a + m.end()
    elif patterns.WEAK_HEADS.search(seg.rstrip("等")) and len(seg) <= MAX_WEAK:
        end = a + len(seg.rstrip("等"))
    else:
        return None
    more = patterns.HEAD.match(text[end:b])
    while more:  # 管道工程, 电站项目: the name goes on
        end += more.end()
        more = patterns.HEAD.match(text[end:b])
    tail = patterns.TAIL_ACTION.match(text[end:b])
    tail_end = end + (tail.end() if tail else 0)
    more = patterns.HEAD.match(text[tail_end:b]) if tail else None
    if more:  # 电站二期工程
        tail_end += more.end()
    return end, tail_end


def _sentence_items(text: str) -> list[Item]:
    items: list[Item] = []
    clause_lo = 0
    inside = _bracketed(text)
    for k in range(len(text) + 1):
        if k < len(text) and (text[k] not in "，：；。！？" or inside[k]):
            continue
        pending: list[tuple[int, int]] = []
        loose: list[tuple[int, int]] = []  # every item without a head since the last named one
        own_cap: set[int] = set()
        voltage_short = ""
        for a, b in _items(text, clause_lo, k, inside):
            a = _strip_lead(text, a)
            if a >= b:
                continue
            head = _head(text, a, b)
            bare = BARE_SUBSTATION.match(text[a:b]) if voltage_short else None
            if bare:  # "220kV中心变和滨湖变": the second shares the first's voltage
                tail = patterns.TAIL_ACTION.match(text[a + bare.end() : b])
                tail_end = a + bare.end() + (tail.end() if tail else 0)
                items.append(Item(voltage_short + text[a:tail_end], a, a + bare.end(), tail_end, b, clause_lo, k,
                                  inherited=True))
                continue
            cap = figures.POWER.search(text[a:b])
            if head is None and cap and a + cap.end() == b and cap.start() >= 2 and b - a <= MAX_CAP_ITEM \
                    and not patterns.HEAD.search(text[a:b]):
                pending.append((a, b))  # a name and its capacity, sharing the next item's kind and head
                own_cap.add(a)
                continue
            if head is None:
                loose.append((a, b))
                if b - a <= MAX_SHARED and not re.search("[的地是在]|改造|建设|提升|利用|增设|新增", text[a:b]) \
                        and not patterns.ENERGY_WORD.search(text[a:b].lstrip("0123456789kKV千伏")):
                    pending.append((a, b))
                else:
                    pending = []
                continue
            end, tail_end = head
            name = text[a:tail_end]
            short = patterns.SHORT_SUBSTATION.search(text[a:end])
            short_kv = re.match(r"\d{2,4}(?:kV|KV|千伏)", short.group()) if short else None
            voltage_short = short_kv.group() if short_kv else ""
            if k < len(text) and text[k] == "：" and b == k:
                pending = []  # a label: "光伏发电项目：..."
                continue
            inner = text[a:end]
            m_head = patterns.HEAD.search(inner) or patterns.SHORT_SUBSTATION.search(inner)
            before_head = inner[: m_head.start()] if m_head else inner
            # "1000千伏特高压和500千伏等过境输电线路": 等 after a voltage means other voltages, not a kind
            before_head = re.sub(r"(\d(?:kV|KV|千伏))等", r"\1", before_head)
            if before_head != (inner[: m_head.start()] if m_head else inner):
                name = re.sub(r"(\d(?:kV|KV|千伏))等", r"\1", name)
            counted = _counted_kind(before_head)
            if counted is not None and m_head is not None:
                # "甲一期、乙二期等4项风电续建项目", "甲、乙等风电项目前期工作", "甲、乙等12座小水电站增效扩容改造"
                last, kind = counted
                head_word = kind + inner[m_head.start() :] + text[end:tail_end]
                listed_items = sorted({*pending, *loose, (a, a + len(last))})
                for pa, pb in listed_items:
                    if _listed_name(text[pa:pb]):
                        items.append(Item(text[pa:pb] + head_word, pa, pb, pb, pb, clause_lo, k, inherited=True,
                                          listed=True))
                pending, loose = [], []
                continue
            listed_kind = re.fullmatch(r"(.+?)等(?:重点|相关|一批)?", before_head)
            if listed_kind and not pending and is_specific(listed_kind.group(1)) \
                    and not patterns.HEAD.search(listed_kind.group(1)) and text[a + len(before_head) :].startswith(
                        inner[m_head.start() :] if m_head else ""):
                # "兰考县秸秆热电联产、兰考县垃圾焚烧发电等项目": each named item takes the list's head
                head_word = inner[m_head.start() :] if m_head else ""
                for pa, pb in [*loose, (a, a + len(listed_kind.group(1)))]:
                    if is_specific(text[pa:pb]) and not patterns.HEAD.search(text[pa:pb]):
                        items.append(Item(text[pa:pb] + head_word, pa, pb, pb, pb, clause_lo, k, inherited=True))
                pending, loose = [], []
                continue
            if "等" in before_head.rstrip("等") or ("等" in before_head and not pending):
                pending, loose = [], []  # "农光互补光伏等重点项目", "物流等电动汽车专用充电站": a kind, not a name
                continue
            if before_head.endswith("等"):
                name = name.replace("等", "", 1) if name.count("等") == 1 else name
            items.append(Item(name, a, end, tail_end, b, clause_lo, k))
            if not pending and loose and VOLTAGE_START.match(name) and m_head:
                pa, pb = loose[-1]
                if VOLTAGE_START.search(text[pa:pb]) and text[pb : pb + 1] in "和及与":
                    items.append(Item(text[pa:pb] + inner[m_head.start() :] + text[end:tail_end], pa, pb, pb, pb,
                                      clause_lo, k, inherited=True))
            loose = []
            m = patterns.HEAD.search(text[a:end]) or patterns.SHORT_SUBSTATION.search(text[a:end])
            core_len = (m.start() if m and m.start() > 0 else end - a)
            if pending and all(pa in own_cap for pa, _ in pending):
                own = figures.POWER.search(text[a:end])
                after = list(figures.POWER.finditer(text[a:end]))
                shared = text[a + after[-1].end() : tail_end] if own and after else text[a + core_len : tail_end]
                for pa, pb in pending:
                    items.append(Item(text[pa:pb] + shared, pa, pb, pb, pb, clause_lo, k, inherited=True,
                                      own_capacity=True))
            elif pending and (shared_place := _place_rest([text[pa:pb] for pa, pb in pending], text[a:end])):
                # "甲镇、乙镇采煤沉陷区光伏治理项目", "甲、乙两个分散式风电项目": places sharing what follows
                place_own, rest = shared_place
                for pa, pb in pending:
                    items.append(Item(text[pa:pb] + rest + text[end:tail_end], pa, pb, pb, pb, clause_lo, k,
                                      inherited=True))
                items[-len(pending) - 1] = Item(place_own + rest + text[end:tail_end], a, end, tail_end, b, clause_lo,
                                                k)
            elif pending and core_len <= MAX_SHARED + 6:
                voltage = re.match(r"\d{2,4}(?:kV|KV|千伏)", text[pending[0][0]:pending[0][1]])
                prefix = voltage.group() if voltage else ""
                head_word = text[a + core_len : end] if m else ""
                shared_tail = text[end:tail_end]
                own_prefix = re.match(r"\d{2,4}(?:kV|KV|千伏)", name)
                for pa, pb in pending:
                    core = text[pa:pb].rstrip("等")
                    if prefix and not core.startswith(prefix):
                        core = prefix + core
                    if head_word.endswith("变") and not head_word.endswith("站") and core.endswith("变"):
                        head_word = ""
                    items.append(Item(core + head_word + shared_tail, pa, pb, pb, pb, clause_lo, k, inherited=True))
                if prefix and not own_prefix:
                    items[-len(pending) - 1] = Item(prefix + name, a, end, tail_end, b, clause_lo, k)
            pending = []
        clause_lo = k + 1
    return items


def _counted_kind(before_head: str) -> tuple[str, str] | None:
    """``(last listed name, kind)`` where the words before a head close a list with 等 and a count or a kind.

    "…一期等4项风电续建", "…等风电", "…等12座小": the kind without words of status; else None.
    """
    m = LISTED_COUNT.fullmatch(before_head)
    if m is None or not (m.group("count") or patterns.ENERGY_WORD.search(m.group("kind"))):
        return None
    if not _listed_name(m.group("last")):
        return None
    return m.group("last"), LISTED_STATUS.sub("", m.group("kind"))


def _listed_name(text: str) -> bool:
    """Whether a listed item is a name (甲石河一期, 泉上坑源), not a technology (太阳能、风能等新能源发电项目)."""
    return is_specific(text) and not patterns.HEAD.search(text) \
        and len(patterns.ENERGY_WORD.sub("", text)) >= patterns.MIN_SPECIFIC


def _place_rest(pending: list[str], name: str) -> tuple[str, str] | None:
    """``(the named item's own place, the words it shares)`` when the names listed before it share its words.

    They do when all are places sharing what follows the last one's place ("甲镇、乙镇采煤沉陷区光伏治理项目"), or
    when a count says they are a list ("甲、乙两个分散式风电项目"); else None.
    """
    counted = LIST_COUNT.search(name[: MAX_SHARED + 2])
    if counted and counted.start() >= 2:
        own, rest = name[: counted.start()], name[counted.end() :]
    else:
        place = PLACE_PREFIX.match(name)
        if place is None or not all(PLACE_PREFIX.fullmatch(p) for p in pending):
            return None
        own, rest = place.group(), name[place.end() :]
    if not patterns.ENERGY_WORD.search(rest) or not patterns.HEAD.search(rest):
        return None
    return own, rest


def _capacity(doc: Document, sent: Span, lo: int, hi: int) -> tuple[str, float] | None:
    """The first power figure in ``sent.text[lo:hi]``: raw (original if it parses, else normalised) and MW."""
    found = figures.power_figures(sent.text[lo:hi])
    if not found:
        return None
    f = found[0]
    if re.match(r"及?以[上下]", sent.text[lo + f.end : lo + f.end + 3]):
        return None  # a size class ("60kW以上快充桩", "5万千瓦以上风电项目"), not a facility's capacity
    _, raw = doc.cite(sent[lo + f.start : lo + f.end])
    try:
        if abs(parse_capacity_mw(raw) - f.value) > 1e-6 * max(1.0, f.value):
            raw = f.text
    except CapacityParseError:
        raw = f.text
    return raw, f.value


def _first(rules: tuple[tuple[re.Pattern[str], str], ...], text: str, default: str) -> str:
    return next((value for pattern, value in rules if pattern.search(text)), default)


def classify(name: str) -> tuple[str, str]:
    """``(category, subtype)`` of a facility name by :data:`geo.ingest.patterns.CATEGORY_RULES`."""
    for pattern, category, subtype in patterns.CATEGORY_RULES:
        if pattern.search(name):
            return category, subtype
    return "other", ""


def is_specific(name: str, place_words: tuple[str, ...] = ()) -> bool:
    """Whether a name says more than generic words (a facility, not a programme)."""
    rest = patterns.GENERIC.sub("", name)
    return len(rest) >= patterns.MIN_SPECIFIC or any(w and w in name for w in place_words)


PROGRAMME_NOTE = "a programme the plan puts forward (generic name, no figure), not a single facility"


def is_programme(name: str, before: str, after: str) -> bool:
    """Whether a generic name is a programme the plan puts forward: "加快推进110千伏输变电工程建设".

    The name ends in a programme's head (工程, 项目, 基地, 系统, 试点) and is built: a verb of building ends the words
    before it in its clause, or 建设 follows it.
    """
    return patterns.PROGRAMME_HEAD.search(name) is not None and len(patterns.GENERIC.sub("", name)) < len(name) \
        and (patterns.BUILD_BEFORE.search(before) is not None or re.fullmatch(r"建设(?:工作)?", after) is not None)


def _year(text: str) -> int | None:
    m = re.search(r"(20\d\d)年(?:底|前|内|上半年|年底)?(?:全面|正式|实现|计划|力争|确保)?"
                  r"(?:建成|投产|投运|并网|完成|开工|竣工)", text) or re.search(r"(?:到|至|于)(20\d\d)年", text)
    return int(m.group(1)) if m else None


def _status(text: str) -> str:
    return _first(patterns.STATUS_RULES, text, "planned")


def projects_in(doc: Document) -> list[ProjectRow]:
    """Every project row the rules find in ``doc``, in text order, without ids, districts and places."""
    rows: list[ProjectRow] = []
    for paragraph in doc.paragraphs:
        found = [(sent, _sentence_rows(doc, sent)) for sent in sentences(paragraph)]
        _table_capacity(doc, paragraph, found)
        rows.extend(row for _, sent_rows in found for row in sent_rows)
    return rows


def _table_capacity(doc: Document, paragraph: Span, found: list[tuple[Span, list[ProjectRow]]]) -> None:
    """A table row's capacity written in a cell of its own ("北四家子风电场<tab>20万千瓦<tab>新建").

    The one project of the row, without a capacity, takes the one cell that is only a power figure; its quote
    runs from the name's cell to that cell.
    """
    raw_line = doc.lines[doc.line_of(paragraph.index[0]) - 1] if paragraph.index else ""
    if "\t" not in raw_line and not re.search(r"\S[ \u3000]{2,}\S", raw_line.strip()):
        return
    cells = [s for s, _ in found if (figs := figures.power_figures(s.text.rstrip("；。"))) and len(figs) == 1
             and figs[0].start == 0 and figs[0].end == len(s.text.rstrip("；。"))]
    named = [(s, r) for s, rows in found for r in rows]
    if len(cells) != 1 or len(named) != 1 or named[0][1].capacity_mw is not None:
        return
    (name_cell, row), cell = named[0], cells[0]
    cell_len = len(cell.text.rstrip("；。"))
    cap = _capacity(doc, cell, 0, cell_len)
    if cap is None:
        return
    row.capacity_raw, row.capacity_mw = cap
    lo, hi = paragraph.index.index(name_cell.index[0]), paragraph.index.index(cell.index[0]) + cell_len
    if lo < hi:
        quote_span = paragraph[lo:hi]
        row.line, row.quote = doc.cite(quote_span)


def _sentence_rows(doc: Document, sent: Span) -> list[ProjectRow]:
    text = sent.text
    if not patterns.ENERGY_WORD.search(text):
        return []
    out: list[tuple[Item, ProjectRow]] = []
    items_all = _sentence_items(text)
    for item in items_all:
        name = item.name.rstrip("等")
        says_energy = patterns.ENERGY_WORD.search(name) or (
            item.listed and patterns.ENERGY_WORD.search(text[item.clause_start : item.clause_end]))
        if not says_energy or patterns.NOT_FACILITY.search(name) or patterns.NOT_A_NAME.search(name):
            continue
        clause = text[item.clause_start : item.clause_end]
        if patterns.PRODUCT_LIST.search(clause) or patterns.RESTRICTED.search(text[item.clause_start : item.end]):
            continue
        if text[item.tail_end : item.tail_end + 1] == "为" and "以" in text[item.clause_start : item.end]:
            continue  # "以220千伏变电站为支撑": a role, not a project
        if "的" in name[:-1]:  # "在黄金坳镇拟建设容量10万千瓦的风力发电厂": the name is after 的
            name = name[name.rindex("的") + 1 :]
        verb = patterns.PLACE_THEN_VERB.match(name)
        if verb and not patterns.HEAD.search(verb.group()) and not patterns.ENERGY_WORD.search(verb.group()) \
                and patterns.HEAD.search(name[verb.end() :]):
            name = name[verb.end() :]  # "县城建设换电站": a place and a verb, then the name
        written = text[item.clause_start : item.end]
        if patterns.CONNECTED_TO.search(written[: max(written.rfind(name[:4]), item.start - item.clause_start)]):
            continue
        category, subtype = classify(name)
        row = ProjectRow(name_zh=name, category=category, subtype=subtype)
        cap = _capacity(doc, sent, item.start, item.tail_end) if not item.inherited or item.own_capacity else None
        tail = text[item.tail_end : item.item_end]
        count_fig = figures.count(tail) if not item.inherited else None
        length_fig = figures.length_km(tail) if not item.inherited else None
        if cap is None and not item.inherited and not count_fig and not length_fig:
            cap = _capacity(doc, sent, item.tail_end, item.item_end)
        if cap:
            row.capacity_raw, row.capacity_mw = cap
        energy = figures.energy_figures(text[item.start : item.item_end])
        if energy and category == "storage":
            row.energy_mwh = energy[0].value
        row.voltage_kv = figures.voltage_kv(name)
        if count_fig:
            row.count, row.count_unit = int(count_fig.value), count_fig.unit
        if length_fig:
            row.length_km = length_fig.value
        has_figure = bool(cap or count_fig or length_fig)
        programme = not has_figure and is_programme(name, text[item.clause_start : item.start],
                                                    text[item.tail_end : item.clause_end])
        if not is_specific(name) and (not (has_figure or programme)
                                      or patterns.STOCK.search(text[item.clause_start : item.start])):
            continue
        if not is_specific(name) and not cap and TARGET_AHEAD.search(text[: item.start]) \
                and re.match(r"\d+(?:\.\d+)?(?:万)?[个座台条处]?(?:公里|千米)?(?:以上|左右)", tail):
            continue  # "到2025年，全县建成公共充电桩600个以上": a target, not works
        if not is_specific(name):
            row.category, row.subtype = ("grid_programme", "") if category in ("substation", "transmission") \
                else (category, subtype)
            if category == "charging" and not subtype:
                row.subtype = {"座": "station", "个": "pile", "根": "pile"}.get(row.count_unit, "programme")
            row.notes.append(PROGRAMME_NOTE if programme else
                             "a programme (generic name with a figure), not a single facility")
        if row.count_unit:
            row.count_unit = _count_unit(row.category, name, row.count_unit)
        context = text[: item.item_end]
        row.action = _first(patterns.ACTION_RULES, name, "new")
        row.status = _status(context)
        row.target_year = _year(text[item.clause_start :]) or _year(context)
        out.append((item, row))
    for n, (item, row) in enumerate(out):  # "…抽水蓄能电站，站点初拟装机容量120万kW": the next clause sizes it
        size = patterns.SIZE_CLAUSE.match(text[item.clause_end + 1 :]) if item.clause_end < len(text) else None
        later = any(i.start > item.clause_end for i, _ in out)
        if size and row.capacity_mw is None and row.count is None and not later:
            cap = _capacity(doc, sent, item.clause_end + 1 + size.start(1), len(text))
            if cap:
                row.capacity_raw, row.capacity_mw = cap
                out[n] = (Item(item.name, item.start, item.end, item.tail_end, item.clause_end + 1 + size.end(),
                               item.clause_start, item.clause_end, item.inherited), row)
    if len(out) == 1 and out[0][1].capacity_mw is None and out[0][1].count is None:
        item, row = out[0]
        m = re.search(r"(?:装机|规模|容量|总装机)[^，。；]{0,8}?(\d)", text[item.tail_end :])
        if m and not TARGET_AHEAD.search(text[item.tail_end : item.tail_end + m.start()]):
            cap = _capacity(doc, sent, item.tail_end + m.start(1), len(text))
            if cap:
                row.capacity_raw, row.capacity_mw = cap
                item = Item(item.name, item.start, item.end, item.tail_end,
                            max(item.item_end, text.index(m.group(), item.tail_end) + len(m.group()) + 12),
                            item.clause_start, item.clause_end, item.inherited)
                out = [(item, row)]
    specific_open = [(i, r) for i, r in out if is_specific(r.name_zh) and r.capacity_mw is None]
    for item, row in list(out):  # a generic row's capacity belongs to the one named facility of its kind
        same = [(i, r) for i, r in specific_open if r.category == row.category]
        if not is_specific(row.name_zh) and row.capacity_mw is not None and len(same) == 1:
            same[0][1].capacity_raw, same[0][1].capacity_mw = row.capacity_raw, row.capacity_mw
            out.remove((item, row))
            s_item = same[0][0]
            out[out.index(same[0])] = (Item(s_item.name, s_item.start, s_item.end, s_item.tail_end, item.tail_end,
                                            s_item.clause_start, item.clause_end), same[0][1])
    per_clause: dict[int, int] = {}
    for item in {i.clause_start: i for i, _ in out}.values():
        per_clause[item.clause_start] = sum(1 for i in items_all if i.clause_start == item.clause_start)
    rows = []
    for item, row in out:
        shared = per_clause.get(item.clause_start, 1) > 1
        lo = item.start if shared and not item.inherited else item.clause_start
        hi = max(item.tail_end, item.item_end if not shared else item.tail_end)
        if item.inherited:  # the listed name and the head it shares: the clause from the name to the head
            lo, hi = item.start, item.clause_end
        if row.capacity_raw:
            at = text.find(row.capacity_raw.replace(" ", ""), item.start)
            if at >= 0:
                hi = max(hi, at + len(row.capacity_raw.replace(" ", "")))
        if hi - lo > MAX_QUOTE:
            lo = max(lo, min(item.start, hi - MAX_QUOTE))
        hi = min(hi, len(text))
        quote_span = sent[lo:hi]
        while quote_span.text and quote_span.text[-1] in "，：；。、":
            quote_span = quote_span[: len(quote_span) - 1]
        row.line, row.quote = doc.cite(quote_span)
        rows.append(row)
    return rows


def _count_unit(category: str, name: str, measure: str) -> str:
    if "桩" in name:
        return "piles"
    if "变电" in name or name.endswith("变"):
        return "substations"
    if "配变" in name or "变压器" in name:
        return "distribution transformers"
    if category == "charging" and measure == "座":
        return "stations"
    return figures.COUNT_UNITS.get(measure, measure)


__all__ = ["classify", "is_specific", "projects_in", "split"]
