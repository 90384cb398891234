"""Siting of new PV: candidate grids, criteria, scoring, supply curves (issue 6)."""
