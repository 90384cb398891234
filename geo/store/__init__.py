"""The embedded store: one GeoPackage (SQLite) that QGIS opens, rebuilt from the registry.

Layers ``districts`` (polygons) and ``projects`` (points); attribute tables ``targets``, ``plans``,
``places``, ``planner_meta`` and the user's tables ``edits`` (every create/update/delete of a project with
who, when, before and after) and ``api_keys`` (the service's keys, hashed), which a rebuild carries over.

- :mod:`geo.store.file`: opening, checking and locking the file, reading its tables, swapping in a new build.
- :mod:`geo.store.edits`: the edit rules, the edit transaction, and the replay a build uses.
- :mod:`geo.store.build`: ``build``: the registry plus the replayed edits, written and swapped in under the lock.

Builds, edits and key changes hold one lock (``<store>.lock``), so a build never interleaves with an edit:
an acknowledged edit is in the store and in every later build. A build replaces the store's *contents*
(SQLite's backup API, one transaction) rather than the file, so running services and QGIS keep a valid
file and see the new generation.
"""
