"""The power grid: substations, lines, grid-connection distance, charging (later issues)."""
