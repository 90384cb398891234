"""Typed reading of one CSV row, collecting a Problem (file:line, field, allowed values) per bad cell."""

import csv
import math
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo.errors import Problem
from geo.files import not_regular_file


class RowReader:
    """Reads the cells of one row; every bad cell adds a Problem instead of raising."""

    def __init__(self, path: str, line: int, row: dict[str, str | None], problems: list[Problem]):
        self.path, self.line, self.row, self.problems = path, line, row, problems

    def problem(self, field: str | None, message: str) -> None:
        """Record a problem at this row."""
        self.problems.append(Problem(self.path, self.line, field, message))

    def text(self, name: str, required: bool = False) -> str | None:
        """The cell stripped, or None when empty (a Problem when required)."""
        value = (self.row.get(name) or "").strip()
        if not value and required:
            self.problem(name, "required, but empty")
        return value or None

    def number(self, name: str, required: bool = False, minimum: float | None = 0.0) -> float | None:
        """The cell as a finite float (>= minimum), or None when empty."""
        raw = self.text(name, required)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.problem(name, f"not a number: {raw!r}")
            return None
        if not math.isfinite(value):
            self.problem(name, f"must be finite, got {raw!r}")
            return None
        if minimum is not None and value < minimum:
            self.problem(name, f"must be >= {minimum:g}, got {raw!r}")
            return None
        return value

    def integer(self, name: str, required: bool = False, lo: int = 0, hi: int | None = None) -> int | None:
        """The cell as an int in [lo, hi], or None when empty."""
        raw = self.text(name, required)
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            self.problem(name, f"not a whole number: {raw!r}")
            return None
        if value < lo or (hi is not None and value > hi):
            self.problem(name, f"must be within {lo}..{hi if hi is not None else ''}, got {value}")
            return None
        return value

    def code(self, name: str, allowed: Iterable[str], required: bool = False) -> str | None:
        """The cell, which must be one of ``allowed`` (the message lists them)."""
        value = self.text(name, required)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            self.problem(name, f"unknown value {value!r}; allowed: {', '.join(allowed)}")
            return None
        return value


def read_csv_rows(path: Path, columns: tuple[str, ...], problems: list[Problem]) -> Iterator[RowReader]:
    """Yield a RowReader per data row of a UTF-8 CSV file (BOM tolerated), checking its header.

    A missing column is one Problem at line 1 and no rows are read from that file; so is a path that is
    not a regular file (a FIFO would block the reader forever).
    """
    not_regular = not_regular_file(path)
    if not_regular:
        problems.append(Problem(str(path), None, None, not_regular))
        return
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = tuple(reader.fieldnames or ())
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(Problem(str(path), 1, None, f"missing column(s): {', '.join(missing)}"))
            return
        for row in reader:
            if None in row:  # more cells than header columns
                problems.append(Problem(str(path), reader.line_num, None, "more cells than header columns"))
                continue
            yield RowReader(str(path), reader.line_num, row, problems)
