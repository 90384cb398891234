"""Targets from a plan's sentences: capacity, share, intensity, count and length, with year and comparator.

A figure is a target when its sentence looks forward (到2025年, 2030年前, 力争, 目标, 不低于, 十四五末 ...)
and the words before it say what it measures (:data:`METRICS`). The year is the nearest 20NN年 before the
figure in its sentence (not a base year: 较2020年), else the paragraph's; the comparator comes from the
wording around the figure (不低于 / 以上 -> >=, 控制在 / 以内 -> <=, 左右 / 约 -> ~, else =).
"""

import re

from geo.capacity import POWER_UNITS_MW
from geo.ingest.patterns import HEAD, SIZE_CLAUSE
from geo.ingest.rows import TargetRow
from geo.ingest.text import Document, Span, sentences

FORWARD = re.compile(r"(?<!截)至20\d\d|到20\d\d|20\d\d年(?:前|底|末)?(?:，|,)?(?:全[市县区]|力争|基本|实现|达到)|"
                     r"力争|目标|不低于|不少于|"
                     r"以上|以内|控制在|提高到|提升到|提升至|达到|十[四五]五|末|确保|降低|下降|"
                     r"新建|新增|建成|计划|完成(?!了)")
PAST = re.compile(r"截至|截止|同比|比上年|已[经]?|完成了|实现了|达到了|年末全|现状|基期")
_UNITS = "|".join(re.escape(u) for u in sorted(POWER_UNITS_MW, key=len, reverse=True))
FIGURE = re.compile(
    rf"(\d+(?:\.\d+)?)(?:(%)|({_UNITS})(?!时|h|伏安)|(万吨标准煤|吨标准煤|万吨标煤)|(万立方米|立方米)|(公里|千米)|(万)?(个|座|台|辆|处|家|条)|"
    r"(万吨|吨)(?!标|二氧化碳|CO)|(万公顷|公顷)|(万亩|亩)|(万千伏安|千伏安|兆伏安|MVA|kVA))")
MVA_UNITS = {"万千伏安": 10.0, "千伏安": 0.001, "kVA": 0.001, "兆伏安": 1.0, "MVA": 1.0}
# a figure that is a project's own size or throughput, not a target: "…工程（全长23.6公里）", "建成后年消纳秸秆25万吨",
# "日处理垃圾600吨"
THROUGHPUT = re.compile(r"(?:建成|投产|投运)后|年(?:消纳|处理|消耗|发电|产|减排|节约|供)|日处理")
BRACKET_AFTER_HEAD = re.compile(r"(?:项目|电站|电厂|风电场|工程|改造|线路|站)（[^（）]*$")
# a power figure that rates equipment (60kW以上快充桩, 1MW以上的用户), not an installed capacity
RATING = re.compile(r"^(?:及?以上|以下)?的?(?:快充|慢充|充电|直流|交流|桩|用户|企业|机组|锅炉|工商业)")
# an ``other`` target is kept only when what it measures is about energy, carbon, transport, buildings, waste or
# forests (what a carbon-peak plan's curators keep), and not about the economy, research or services
RELEVANT = re.compile(
    r"能源|能耗|能效|节能|碳|电能|电力|用电|电动|充电|发电|电网|配网|台区|村网|煤|石油|燃油|成品油|原油|柴油|汽油|燃气|天然气|"
    r"供热|热电|余热|地热|热泵|光伏|风电|氢|新能源|汽车|车辆|公交|出租车|出行|建筑|装配式|垃圾|废|回收|资源化|秸秆|粪污|"
    r"森林|林地|公益林|蓄积|造林|抚育|湿地|绿色|清洁|排放|锅炉|岸电|储备能力|周转能力|输送能力|生产能力")
IRRELEVANT = re.compile(r"研发|R&D|金融|数字|增加值|投资|服务业|营业收入|失业|就业|养老|床位|端口|千兆|入园|货运|物流|"
                        r"科技|专利|人口|收入|消费品|旅游|税收|教育|医疗|地区生产总值|GDP|年产|产业|审核|宣讲|宣传|粮")
# (pattern on the words before the figure, metric, figure kind); first match wins
METRICS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple((re.compile(p), m, k) for p, m, k in (
    (r"非化石能源.{0,14}(?:比重|占比|比例)|非化石能源消费", "non_fossil_share_pct", "%"),
    (r"(?:单位|万元)(?:地区生产总值|GDP|国内生产总值|生产总值).{0,6}(?:二氧化碳|碳排放)|碳排放强度|二氧化碳排放.{0,4}下降",
     "carbon_intensity_reduction_pct", "%"),
    (r"(?:单位|万元)(?:地区生产总值|GDP|国内生产总值|生产总值).{0,6}(?:能耗|能源消耗)|能耗强度|能源消耗.{0,10}下降",
     "energy_intensity_reduction_pct", "%"),
    (r"煤炭.{0,10}(?:比重|占比|比例)", "coal_share_pct", "%"),
    (r"天然气.{0,10}(?:比重|占比|比例)", "gas_share_pct", "%"),
    (r"电能.{0,10}终端能源|终端能源.{0,10}电", "electricity_share_pct", "%"),
    (r"可再生能源.{0,8}(?:电力|发电量|消纳).{0,10}(?:比重|占比|比例)", "renewable_power_share_pct", "%"),
    (r"森林覆盖率", "forest_cover_pct", "%"),
    (r"绿色建筑", "green_building_share_pct", "%"),
    (r"新能源.{0,8}(?:汽车|车辆|公交|出租|车).{0,24}(?:比例|占比|比重|销售总量|销量)|(?:比例|占比|比重).{0,6}新能源",
     "new_energy_vehicle_share_pct", "%"),
    (r"公共交通|绿色出行", "public_transport_share_pct", "%"),
    (r"屋顶.{0,16}(?:覆盖率|比例)", "rooftop_pv_coverage_pct", "%"),
    (r"供电可靠率", "grid_reliability_pct", "%"),
    (r"电压合格率", "voltage_qualification_pct", "%"),
    (r"尖峰负荷|需求响应|负荷响应", "demand_response_pct", "%"),
    (r"岸电", "shore_power_usage_pct", "%"),
    (r"可再生能源替代", "building_renewable_substitution_pct", "%"),
    (r"光伏", "pv_capacity_mw", "MW"),
    (r"风电|风力", "wind_capacity_mw", "MW"),
    (r"储能", "storage_capacity_mw", "MW"),
    (r"新能源(?!汽车|车)", "new_energy_capacity_mw", "MW"),
    (r"可再生能源|清洁能源", "renewable_capacity_mw", "MW"),
    (r"火电|煤电|燃煤", "coal_capacity_mw", "MW"),
    (r"总装机|电力装机|电源装机|装机", "total_power_capacity_mw", "MW"),
    (r"变电容量|主变容量|变压器容量", "transformer_capacity_mva", "MVA"),
    (r"能源消费总量|能耗总量", "energy_consumption_tce", "tce"),
    (r"森林蓄积", "forest_stock_m3", "m3"),
    (r"充电桩|快充桩|慢充桩|充电设施|充电基础设施|充电终端", "charging_piles_count", "count"),
    (r"换电站", "battery_swap_stations_count", "count"),
    (r"煤炭.{0,8}储备|储煤", "coal_storage_t", "t"),
    (r"充电站", "charging_stations_count", "count"),
    (r"配变(?!台区)|配电变压器", "distribution_transformers_count", "count"),
    (r"变电站", "substation_count", "count"),
    (r"充电.{0,8}服务半径", "charging_service_radius_km", "km"),
    (r"线路|输电线", "line_km", "km"),
))
BEFORE_GE = re.compile(r"(?:不低于|不少于|至少|超过|突破|达到|达|提高到|提高至|提升到|提升至|增加到|增长到|力争|"
                       r"保持在|稳定在|≥)$")
BEFORE_LE = re.compile(r"(?:不高于|不超过|控制在|(?<!不)低于|降至|降到|下降到|≤)$")
BEFORE_ABOUT = re.compile(r"(?:约|大约|左右)$")
AFTER_GE = re.compile(r"^(?:以上|及以上|或以上)")
AFTER_LE = re.compile(r"^(?:以内|以下|之内)")
AFTER_ABOUT = re.compile(r"^左右")
# a data centre's power usage effectiveness, a bare ratio: "数据中心电能利用效率(PUE)不高于1.3"
PUE = re.compile(r"(?:PUE|电能利用效率)[^，；。\d]{0,8}?(不高于|不超过|低于|控制在|降到|降至|达到)?"
                 r"(\d\.\d{1,2})(?![\d%])")
OIL_PEAK = re.compile(r"(20\d\d)年前.{0,12}(?:交通|运输).{0,6}石油消费.{0,4}(?:达到)?峰值")
PEAK = re.compile(r"(20\d\d)年前(?:实现)?(?:全[市县区])?碳达峰|碳达峰.{0,6}(20\d\d)年前|(20\d\d)年前.{0,6}达峰")
# a power figure that is a named project's own size, not a target: "…基地三期200万千瓦项目", "…电站（装机120万千瓦）"
PROJECT_SIZE_AFTER = re.compile(r"^[^，。；、：（）“”\d]{0,16}?(?:项目|电站|电厂|风电场|工程)")
PROJECT_SIZE_BEFORE = re.compile(r"(?:项目|电站|电厂|风电场|工程)（[^（）]{0,12}$")
# what a figure measures, written after it: "具备5%以上的尖峰负荷响应能力"
MEASURED_AFTER = re.compile(r"^(?:及?以上|以下|左右)?的([^，。；]{2,16})")
# a forward word that makes a clause a target without a year: "力争农作物秸秆综合利用率达到95%以上"
ASPIRATION = re.compile(r"力争|确保|目标")
LINE_AFTER = re.compile(r"\d{2,4}(?:kV|KV|千伏)(?:及以下)?(?:线路|线)")
SHORT_PARAGRAPH = 40  # characters: a shorter paragraph is a title or a headline
PERIOD_END = {"十四五": 2025, "十五五": 2030, "十三五": 2020}


def _kind(m: re.Match[str]) -> tuple[str, float]:
    """``(kind, value)`` of a FIGURE match, value in the metric's unit."""
    n = float(m.group(1))
    if m.group(2):
        return "%", n
    if m.group(3):
        return "MW", round(n * POWER_UNITS_MW[m.group(3)], 9)
    if m.group(4):
        return "tce", n * (10000 if m.group(4).startswith("万") else 1)
    if m.group(5):
        return "m3", n * (10000 if m.group(5).startswith("万") else 1)
    if m.group(6):
        return "km", n
    if m.group(9):
        return "t", n * (10000 if m.group(9).startswith("万") else 1)
    if m.group(10):
        return "ha", n * (10000 if m.group(10).startswith("万") else 1)
    if m.group(11):
        return "mu", n * (10000 if m.group(11).startswith("万") else 1)
    if m.group(12):
        return "MVA", n * MVA_UNITS[m.group(12)]
    return "count", n * (10000 if m.group(7) else 1)


def _year(before: str, context_year: int | None) -> int | None:
    found = [(int(y), k) for k, y in ((m.start(), m.group(1)) for m in re.finditer(r"(20\d\d)年", before))
             if not re.search(r"(?:较|比|相比|以|基于)$", before[max(0, k - 3) : k])]
    if found:
        return found[-1][0]
    for word, year in PERIOD_END.items():
        if word in before:
            return year
    return context_year


def _comparator(before: str, after: str, metric: str) -> str:
    if AFTER_ABOUT.match(after) or BEFORE_ABOUT.search(before[-3:]):
        return "~"
    if AFTER_GE.match(after):
        return ">="
    if AFTER_LE.match(after) or BEFORE_LE.search(before[-4:]):
        return "<="
    if BEFORE_GE.search(before[-4:]):
        return ">="
    return "="


# a row of a plan's indicator table (主要指标): name (unit), base value, target value, ... in cells split by tabs
TABLE_CELL = re.compile(r"[^\t]+?(?=\t|  |\u3000\u3000|$)")
TABLE_INDICATOR = re.compile(
    r"^(?P<name>[^\d\t（(]{2,40}?)\s*[（(](?P<unit>%|万吨标准煤|吨标准煤|万千瓦|兆瓦|万吨|立方米|万立方米)[）)]$")
TABLE_COMPARATORS = {"≥": ">=", ">": ">=", "≤": "<=", "<": "<=", "＜": "<=", "约": "~"}
TABLE_VALUE = re.compile(r"^(?P<cmp>[≥≤>＜<约])?\s*(?P<value>\d+(?:\.\d+)?)\*?$")
TABLE_STEADY = re.compile(r"^(?:保持稳定|稳定|持平)$")
TABLE_UNITS = {"%": ("%", 1.0), "万吨标准煤": ("tce", 10000.0), "吨标准煤": ("tce", 1.0), "万千瓦": ("MW", 10.0),
               "兆瓦": ("MW", 1.0), "万吨": ("t", 10000.0), "立方米": ("m3", 1.0), "万立方米": ("m3", 10000.0)}


def _table_targets(doc: Document) -> list[TargetRow]:
    """Targets in the rows of indicator tables: the value after the base value, the year from the header."""
    out: list[TargetRow] = []
    header_year: int | None = None
    since_header = 99
    for k, raw in enumerate(doc.lines, 1):
        line = raw.strip()
        if "\t" not in line and not re.search(r"\S {2,}\S", line):
            since_header += 1
            continue
        found_years = [int(y) for y in re.findall(r"(20\d\d)\s*年", line)]
        if found_years and not re.search(r"\d\s*[（(]", line):
            header_year = max(found_years) if since_header > 3 or header_year is None else max(header_year,
                                                                                              *found_years)
            since_header = 0
            continue
        since_header += 1
        cells = [(m.start(), m.group().strip()) for m in TABLE_CELL.finditer(line) if m.group().strip()]
        for i, (at, cell) in enumerate(cells):
            ind = TABLE_INDICATOR.match(cell)
            if not ind or len(cells) < i + 3:
                continue
            (_, base), (t_at, target) = cells[i + 1], cells[i + 2]
            kind, scale = TABLE_UNITS[ind.group("unit")]
            base_m, target_m = TABLE_VALUE.match(base), TABLE_VALUE.match(target)
            if target_m:
                value = float(target_m.group("value"))
                comparator = TABLE_COMPARATORS.get(target_m.group("cmp") or "", "=")
            elif base_m and TABLE_STEADY.match(target):
                value, comparator = float(base_m.group("value")), "~"
            else:
                break
            name = ind.group("name")
            metric = next((n for p, n, kk in METRICS if kk == kind and p.search(name)), None)
            if metric is None:
                if not RELEVANT.search(name) or IRRELEVANT.search(name):
                    break
                metric = "other"
            quote = line[at : t_at + len(target)]
            row = TargetRow(metric, round(value * scale, 9), target, kind, comparator, header_year,
                            "share" if kind == "%" else "stock", str(k), quote)
            row.notes.append(f"indicator table row: {name} ({ind.group('unit')}), base value {base}")
            if metric == "other":
                row.notes.append(f"what it measures, as written: {name}")
            out.append(row)
            break
    return out


def targets_in(doc: Document) -> list[TargetRow]:
    """Every target row the rules find in ``doc``, in text order, without ids and adcodes."""
    rows: list[TargetRow] = []
    seen: dict[tuple[str, float, int | None, str], tuple[int, int]] = {}  # key -> (row index, paragraph length)
    for paragraph in doc.paragraphs:
        context_year: int | None = None
        for sent in sentences(paragraph):
            text = sent.text
            lead = re.match(r"(?:到|至|在)?(20\d\d)年", text)
            if lead:
                context_year = int(lead.group(1))
            for row in _sentence_targets(doc, sent, context_year):
                key = (row.metric, row.value, row.year, row.quote if row.metric == "other" else "")
                if key not in seen:
                    seen[key] = (len(rows), len(paragraph))
                    rows.append(row)
                elif seen[key][1] < SHORT_PARAGRAPH <= len(paragraph):  # a headline, then the body that says it
                    rows[seen[key][0]] = row
                    seen[key] = (seen[key][0], len(paragraph))
    for row in _table_targets(doc):
        if not any(r.line == row.line and r.value == row.value for r in rows):
            rows.append(row)
    return rows


def _sentence_targets(doc: Document, sent: Span, context_year: int | None) -> list[TargetRow]:
    text = sent.text
    out: list[TargetRow] = []
    for m in PEAK.finditer(text):
        peak = int(next(g for g in m.groups() if g))
        line, quote = doc.cite(sent[m.start() : m.end()])
        out.append(TargetRow("carbon_peak_year", peak, f"{peak}年前", "year", "<=", peak, "", line, quote))
    for m in OIL_PEAK.finditer(text):
        peak = int(m.group(1))
        line, quote = doc.cite(sent[m.start() : m.end()])
        out.append(TargetRow("transport_oil_peak_year", peak, f"{peak}年前", "year", "<=", peak, "", line, quote))
    if not FORWARD.search(text) or PAST.search(text):
        return out
    for m in PUE.finditer(text):
        line, quote = doc.cite(sent[m.start() : m.end()])
        comparator = "<=" if m.group(1) and m.group(1) != "达到" else "="
        out.append(TargetRow("data_centre_pue", float(m.group(2)), m.group(2), "ratio", comparator,
                             _year(text[: m.start()], context_year), "stock", line, quote))
    clause_starts = [0] + [k + 1 for k, c in enumerate(text) if c in "，：；"]
    for m in FIGURE.finditer(text):
        kind, value = _kind(m)
        k0 = max(s for s in clause_starts if s <= m.start())
        prev = max([s for s in clause_starts if s < k0] or [k0])
        before = text[k0 : m.start()]
        metric = next((name for p, name, k in METRICS if k == kind and p.search(before)), None)
        lo = k0
        if metric is None and len(before) <= 6:  # "比重达到20%": what it measures is in the clause before
            metric = next((name for p, name, k in METRICS if k == kind and p.search(text[prev : m.start()])), None)
            lo = prev
        if (kind == "MW" and RATING.match(text[m.end() :])) or text[m.start() - 1 : m.start()] == "“":
            continue
        if m.group(8) == "条" and "线" not in before[-12:] and not LINE_AFTER.match(text[m.end() :]):
            continue  # 条 counts lines (线路24条, 25条10千伏线路), not streets or rules
        if kind == "count" and before.endswith("项目"):
            continue  # "规划风电项目9个": how many projects a plan lists, not a target
        if THROUGHPUT.search(text[k0 : m.start()]) or BRACKET_AFTER_HEAD.search(text[: m.start()]):
            continue
        if kind == "MW" and SIZE_CLAUSE.match(text[k0:]) and HEAD.search(text[max(0, k0 - 12) : k0]):
            continue  # "…抽水蓄能电站，规划装机容量4×30万千瓦": the facility's size
        if kind == "MW" and (PROJECT_SIZE_AFTER.match(text[m.end() :]) or PROJECT_SIZE_BEFORE.search(before)):
            continue
        measured_after = MEASURED_AFTER.match(text[m.end() :])
        quote_end = m.end()
        if metric is None and measured_after:  # "5%以上的尖峰负荷响应能力"
            metric = next((name for p, name, k in METRICS if k == kind and p.search(measured_after.group(1))), None)
            quote_end = m.end() + measured_after.end() if metric else quote_end
        if metric is None:
            if not re.search(r"到20\d\d|20\d\d年", text[: m.start()]) and context_year is None and kind == "%" \
                    and not ASPIRATION.search(text[: m.start()]):
                continue
            if kind == "%" and not re.search(r"率|比重|比例|占比|下降|降低|提高|提升|增长", before):
                continue
            if kind not in ("%", "count", "t", "ha", "mu", "tce") or len(before) < 2:
                continue
            measured = text[prev : m.start()] if len(before) <= 6 else before
            if not RELEVANT.search(measured) or IRRELEVANT.search(measured):
                continue
            metric = "other"
        after = text[m.end() : m.end() + 4]
        suffix = re.match(r"以上|及以上|以内|以下|左右", after)
        end = m.end() + (suffix.end() if suffix else 0)
        unit = kind
        year = _year(text[: m.start()], context_year)
        comparator = _comparator(text[: m.start()], after, metric)
        base = re.search(r"(?:较|比)(20\d\d)年", text[lo : m.start()])
        if metric.endswith("reduction_pct") or (metric == "other" and re.search(r"下降|降低", before)):
            basis = f"reduction_vs_{base.group(1)}" if base else "reduction"
        elif kind == "%":
            basis = "share"
        else:
            basis = "additional" if re.search(r"新增|新建|新上", text[lo : m.start()]) else "stock"
        line, quote = doc.cite(sent[lo : max(end, quote_end)])
        _, raw = doc.cite(sent[m.start() : end])
        row = TargetRow(metric, value, raw, unit, comparator, year, basis, line, quote)
        if metric == "other":
            row.notes.append(f"what it measures, as written: {before[-30:]}")
        out.append(row)
    return out
