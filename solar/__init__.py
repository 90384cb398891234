"""PV yield with pvlib and siting of new PV (later issues)."""
