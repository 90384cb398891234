"""One check before any input file is opened: it must be a regular file.

Opening a named pipe (FIFO) blocks until something writes to it, and a device or a socket is no data
file either; readers ask :func:`not_regular_file` first and report its answer as a problem instead.
"""

import stat
from pathlib import Path

KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
         (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def not_regular_file(path: Path) -> str | None:
    """Why ``path`` must not be opened as a data file, or None when it is a regular file (links followed)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in KINDS if test(mode)), "a special file")
    return f"not a regular file: {kind}; refused"
