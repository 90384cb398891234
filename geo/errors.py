"""Domain errors: each says what was wrong and where (file:line, field, allowed values)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding of validation, printed as ``path:line: field: message``."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RegistryError(ValueError):
    """The registry (or a file it reads) has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s):\n{head}{more}")


class NotFoundError(KeyError):
    """A named thing (project id, district, format) does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class StoreError(Exception):
    """The store file cannot be used: not this planner's store, incomplete, corrupt, read-only or full."""


class StoreBusyError(StoreError):
    """Another process holds the store's lock (a build or an edit) for longer than the caller waits."""

