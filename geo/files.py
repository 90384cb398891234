"""Files in and out: an input must be a regular file; an output is written atomically, never over a special file.

Opening a named pipe (FIFO) blocks until something writes to it, and a device or a socket is no data
file either; readers ask :func:`not_regular_file` first and report its answer as a problem instead.
"""

import os
import re
import stat
import tempfile
from collections.abc import Callable
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


GDAL_SIDE_FILES = ("-journal", "-wal", "-shm")  # SQLite's files beside a GeoPackage being written
FILE_KINDS = ((stat.S_ISLNK, "a symlink"), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
              (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class OutputPathError(OSError):
    """The output path exists and is not a regular file, so writing would replace something else."""


def check_output_path(out: Path) -> None:
    """Raise OutputPathError unless ``out`` is missing or a regular file (a symlink is not followed)."""
    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in FILE_KINDS if test(mode)), "not a regular file")
        raise OutputPathError(f"{out}: is {kind}, not a regular file; refusing to replace it (give a file path)")


def _temp_pattern(out: Path) -> re.Pattern[str]:
    """Names of ``out``'s temporary files, ``.<name>.<pid>.<random><suffix>``, and GDAL's side files of them."""
    side = "|".join(GDAL_SIDE_FILES)
    return re.compile(rf"\.{re.escape(out.name)}\.(\d+)\.\w+{re.escape(out.suffix)}(?:{side})?")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a pid: leave its files alone
    return True


def remove_stale_temp_files(out: Path) -> None:
    """Remove temporary files of ``out`` left by writers that were killed (their pid is no longer alive)."""
    pattern = _temp_pattern(out)
    for entry in os.scandir(out.parent):
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file(follow_symlinks=False) and not _alive(int(match.group(1))):
            Path(entry.path).unlink(missing_ok=True)


def atomic_write(out: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary path beside ``out``, then rename it over ``out``.

    Raises
    ------
    OutputPathError
        When ``out`` exists and is not a regular file (symlink, FIFO, device, directory, socket).
    """
    check_output_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(out)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.{os.getpid()}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # GDAL drivers want to create the file themselves
    try:
        write(tmp)
        check_output_path(out)  # again: it may have been swapped while writing
        os.replace(tmp, out)
    finally:
        for path in (tmp, *(Path(f"{tmp}{side}") for side in GDAL_SIDE_FILES)):
            path.unlink(missing_ok=True)
