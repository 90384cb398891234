"""The registry: records, vocabularies, row reading, plans, places, reading the CSVs and the dataset loader."""
