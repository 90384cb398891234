"""Where things are: records, plans, districts, places, the registry, its store and roll-ups."""
