"""Ingest a plan's text: propose registry rows (projects and targets) with provenance, by rules, offline.

One direction of steps: :mod:`geo.ingest.text` decodes and normalises the text into paragraphs, sentences
and clauses that keep their place in the original lines; :mod:`geo.ingest.county` finds whose plan it is;
:mod:`geo.ingest.projects` and :mod:`geo.ingest.targets` read rows from the clauses (vocabulary in
:mod:`geo.ingest.patterns`, figures in :mod:`geo.ingest.figures`); :mod:`geo.ingest.write` writes them in the
registry's own columns, marked ``curation=proposed``; :mod:`geo.ingest.propose` wires the steps and
:mod:`geo.ingest.accept` moves a reviewed proposal into the data folder.
"""
