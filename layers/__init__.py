"""Presentation: the planner map, one self-contained offline HTML page.

``layers.planner_map.render_map`` / ``write_map`` compose the layers registered in
``layers.layer_registry.LAYERS`` (districts with the attainment choropleth, projects by group, PV yield)
with a legend, a search box and a target-year filter.
"""
