"""Presentation: GeoJSON and folium layers (later issues)."""
