"""Controlled vocabularies of the registry: the allowed values of each coded field.

Each table maps a code to a short English description. Validation error messages list the codes.
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
