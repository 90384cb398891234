"""Controlled vocabularies of the registry: the allowed values of each coded field.

Each table maps a code to a short English description. Validation error messages list the codes.
The ``*_LABELS`` tables give people's words for the codes, ``(zh, en)``: pages, reports and command tables
read them (through :mod:`layers.i18n` on pages).
"""

CATEGORIES: dict[str, str] = {
    "pv": "photovoltaic generation",
    "wind": "wind generation",
    "hydro": "hydropower",
    "substation": "a named substation",
    "transmission": "a named transmission line",
    "grid_programme": "aggregate grid construction (counts of substations, km of line)",
    "storage": "energy storage (battery, pumped hydro, compressed air)",
    "charging": "EV charging (stations, piles, swap stations, programmes)",
    "thermal": "coal-fired generation",
    "gas": "natural gas power, pipelines and supply",
    "nuclear": "nuclear power",
    "biomass": "biomass power or heat",
    "waste_to_energy": "waste incineration power",
    "hydrogen": "hydrogen production, storage or refuelling",
    "heat": "heat supply (district heating, heat pumps, waste heat)",
    "other": "energy facility not covered above",
}

SUBTYPES: dict[str, tuple[str, ...]] = {
    "pv": ("rooftop", "distributed", "agrivoltaic", "fishery", "tailings", "utility", "floating", "bipv"),
    "wind": ("onshore", "distributed"),
    "storage": ("battery", "pumped_hydro", "compressed_air", "grid_side", "user_side"),
    "charging": ("station", "pile", "battery_swap", "programme"),
    "thermal": ("coal", "coal_upgrade"),
    "gas": ("power_plant", "pipeline", "lng", "distribution"),
    "transmission": ("ac_line", "uhv"),
}

ACTIONS: dict[str, str] = {
    "new": "new build",
    "expansion": "extension of an existing facility",
    "upgrade": "capacity or technology upgrade",
    "transformer_replacement": "main transformer replacement",
    "relocation": "relocation",
    "renovation": "renovation or retrofit",
    "conversion": "change of use or fuel",
    "continued": "continued construction of a started project",
    "decommission": "retirement",
}

STATUSES: dict[str, str] = {
    "proposed": "under study or sought (谋划, 争取, 研究)",
    "planned": "to be built, no sign of progress (推进, 建设, 实施)",
    "under_construction": "being built (在建, 开工, 续建)",
    "completed": "built, as a past fact (建成, 投产, 并网)",
    "operating": "in operation",
}

LOCATION_PRECISIONS: dict[str, str] = {
    "surveyed": "coordinate surveyed for this facility",
    "site": "coordinate of the named site",
    "village": "coordinate of the village the plan names",
    "township": "coordinate of the township the plan names",
    "district": "no known coordinate: the district's representative point",
    "city": "no county stated, only a city: the city's representative point (belongs to no county)",
    "province": "no city or county stated, only a province: its representative point (belongs to no county)",
}

TARGET_METRICS: dict[str, str] = {
    "pv_capacity_mw": "installed PV capacity [MW]",
    "wind_capacity_mw": "installed wind capacity [MW]",
    "new_energy_capacity_mw": "installed new-energy (wind + solar) capacity [MW]",
    "renewable_capacity_mw": "installed renewable capacity [MW]",
    "total_power_capacity_mw": "total installed generation capacity [MW]",
    "storage_capacity_mw": "installed storage power [MW]",
    "non_fossil_share_pct": "non-fossil share of energy consumption [%]",
    "renewable_power_share_pct": "renewable share of electricity [%]",
    "coal_share_pct": "coal share of energy consumption [%]",
    "energy_intensity_reduction_pct": "cut in energy use per unit GDP [%]",
    "carbon_intensity_reduction_pct": "cut in CO2 per unit GDP [%]",
    "energy_consumption_tce": "total energy consumption [tce]",
    "charging_piles_count": "charging piles [count]",
    "charging_stations_count": "charging stations [count]",
    "battery_swap_stations_count": "battery-swap stations [count]",
    "substation_count": "substations [count]",
    "transformer_capacity_mva": "transformer capacity [MVA]",
    "line_km": "power lines [km]",
    "grid_reliability_pct": "power supply reliability [%]",
    "voltage_qualification_pct": "voltage qualification rate [%]",
    "forest_cover_pct": "forest cover [%]",
    "forest_stock_m3": "forest growing stock [m^3]",
    "green_building_share_pct": "green buildings among new urban buildings [%]",
    "new_energy_vehicle_share_pct": "new-energy share of new or replaced vehicles [%]",
    "public_transport_share_pct": "public-transport / green-travel share [%]",
    "rooftop_pv_coverage_pct": "share of roofs with PV [%]",
    "electricity_share_pct": "electricity in final energy consumption [%]",
    "coal_capacity_mw": "coal-fired generation capacity [MW]",
    "gas_share_pct": "natural gas share of energy consumption [%]",
    "carbon_peak_year": "year by which CO2 emissions peak [year]",
    "transport_oil_peak_year": "year by which transport oil use peaks [year]",
    "distribution_transformers_count": "distribution transformers [count]",
    "data_centre_pue": "data-centre power usage effectiveness [ratio]",
    "charging_service_radius_km": "public charging service radius [km]",
    "shore_power_usage_pct": "shore-power usage at ports [%]",
    "coal_storage_t": "coal storage capacity [t]",
    "demand_response_pct": "peak-load demand response capability [% of peak load]",
    "building_renewable_substitution_pct": "renewable substitution in urban buildings [%]",
    "other": "anything else: say what in the note",
}

# People's words for the codes, (zh, en).

PRECISION_LABELS: dict[str, tuple[str, str]] = {
    "surveyed": ("实测坐标", "surveyed coordinate"),
    "site": ("场址坐标", "coordinate of the named site"),
    "village": ("村庄位置", "the village's point"),
    "township": ("乡镇位置", "the township's point"),
    "district": ("区县代表点", "the district's representative point"),
    "city": ("市代表点（规划未注明区县，不属任何区县）",
             "the city's representative point (no county stated; in no county)"),
    "province": ("省代表点（规划未注明市县）", "the province's representative point (no city or county stated)"),
}

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "pv": ("光伏", "PV"),
    "wind": ("风电", "wind"),
    "hydro": ("水电", "hydropower"),
    "substation": ("变电站", "substation"),
    "transmission": ("输电线路", "power line"),
    "grid_programme": ("电网工程", "grid programme"),
    "storage": ("储能", "storage"),
    "charging": ("充电设施", "EV charging"),
    "thermal": ("火电", "coal power"),
    "gas": ("燃气", "gas"),
    "nuclear": ("核电", "nuclear"),
    "biomass": ("生物质", "biomass"),
    "waste_to_energy": ("垃圾发电", "waste to energy"),
    "hydrogen": ("氢能", "hydrogen"),
    "heat": ("供热", "heat"),
    "other": ("其他", "other"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "proposed": ("谋划/争取", "proposed"),
    "planned": ("规划建设", "planned"),
    "under_construction": ("在建", "under construction"),
    "completed": ("已建成", "completed"),
    "operating": ("运行中", "operating"),
}

ACTION_LABELS: dict[str, tuple[str, str]] = {
    "new": ("新建", "new build"),
    "expansion": ("扩建", "expansion"),
    "upgrade": ("升级改造", "upgrade"),
    "transformer_replacement": ("主变更换", "transformer replacement"),
    "relocation": ("迁建", "relocation"),
    "renovation": ("改造", "renovation"),
    "conversion": ("转换", "conversion"),
    "continued": ("续建", "continued construction"),
    "decommission": ("退役", "decommissioning"),
}

METRIC_LABELS: dict[str, tuple[str, str]] = {
    "pv_capacity_mw": ("光伏装机", "PV capacity"),
    "wind_capacity_mw": ("风电装机", "wind capacity"),
    "new_energy_capacity_mw": ("新能源装机", "new-energy capacity"),
    "renewable_capacity_mw": ("可再生能源装机", "renewable capacity"),
    "total_power_capacity_mw": ("电力总装机", "total generation capacity"),
    "storage_capacity_mw": ("储能装机", "storage capacity"),
    "coal_capacity_mw": ("煤电装机", "coal-fired capacity"),
}

SUBTYPE_LABELS: dict[str, tuple[str, str]] = {
    "rooftop": ("屋顶", "rooftop"),
    "distributed": ("分布式", "distributed"),
    "agrivoltaic": ("农光互补", "agrivoltaic"),
    "fishery": ("渔光互补", "fishery"),
    "tailings": ("尾矿/废弃地", "tailings / brownfield"),
    "utility": ("集中式", "utility-scale"),
    "floating": ("漂浮式", "floating"),
    "bipv": ("建筑一体化", "building-integrated"),
    "onshore": ("陆上", "onshore"),
    "battery": ("电化学", "battery"),
    "pumped_hydro": ("抽水蓄能", "pumped hydro"),
    "compressed_air": ("压缩空气", "compressed air"),
    "grid_side": ("电网侧", "grid side"),
    "user_side": ("用户侧", "user side"),
    "station": ("充电站", "station"),
    "pile": ("充电桩", "pile"),
    "battery_swap": ("换电站", "battery swap"),
    "programme": ("建设计划", "programme"),
    "coal": ("燃煤", "coal"),
    "coal_upgrade": ("煤电改造", "coal upgrade"),
    "power_plant": ("燃气电厂", "power plant"),
    "pipeline": ("管道", "pipeline"),
    "lng": ("液化天然气", "LNG"),
    "distribution": ("城镇燃气", "distribution"),
    "ac_line": ("交流线路", "AC line"),
    "uhv": ("特高压", "UHV"),
}
