"""Write proposed rows as registry files: ``<stem>.projects.csv`` and ``<stem>.targets.csv``, atomically.

The columns are the registry's own (``geo.registry.read.PROJECT_COLUMNS``, ``TARGET_COLUMNS``) followed by
``curation`` (``proposed`` on every row: a person changes it to ``confirmed``), UTF-8, one header row.
"""

import csv
import io
import os
from pathlib import Path

from geo.ingest.rows import ProjectRow, TargetRow
from geo.registry.read import PROJECT_COLUMNS, TARGET_COLUMNS


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=[*columns, "curation"], lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({c: _cell(row.get(c)) for c in (*columns, "curation")})
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, path)


def write_proposal(out_dir: Path, stem: str, projects: list[ProjectRow], targets: list[TargetRow]) -> list[Path]:
    """Write the two files into ``out_dir`` (created); return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    p_path, t_path = out_dir / f"{stem}.projects.csv", out_dir / f"{stem}.targets.csv"
    _write(p_path, PROJECT_COLUMNS, [{**vars(p), "note": p.notes, "curation": "proposed"} for p in projects])
    _write(t_path, TARGET_COLUMNS, [{**vars(t), "note": t.notes, "curation": "proposed"} for t in targets])
    return [p_path, t_path]
