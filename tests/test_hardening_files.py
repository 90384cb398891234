"""Hostile files around the planner: output paths that are not regular files, writers killed mid-write."""

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from geo.export import OutputPathError, atomic_write


def _write(text: str):
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
    return write


def test_atomic_write_replaces_a_regular_file(tmp_path):
    out = tmp_path / "x.csv"
    out.write_text("old", encoding="utf-8")
    seen: list[str] = []

    def write(tmp: Path) -> None:
        seen.append(tmp.name)
        tmp.write_text("new", encoding="utf-8")

    atomic_write(out, write)
    assert out.read_text(encoding="utf-8") == "new"
    assert seen[0].startswith(f".x.csv.{os.getpid()}.") and seen[0].endswith(".csv")  # the writer's pid
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_atomic_write_refuses_symlink_fifo_directory_and_socket(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere")
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    sock_path = tmp_path / "s.csv"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        for out, kind in ((link, "a symlink"), (dangling, "a symlink"), (fifo, "a FIFO"),
                          (folder, "a directory"), (sock_path, "a socket")):
            with pytest.raises(OutputPathError, match=f"{out.name}: is {kind}, not a regular file") as exc:
                atomic_write(out, _write("new"))
            assert isinstance(exc.value, OSError) and "\n" not in str(exc.value)
    finally:
        sock.close()
    assert link.is_symlink() and os.readlink(link) == str(target) and dangling.is_symlink()
    assert target.read_text(encoding="utf-8") == "keep"
    assert fifo.is_fifo() and folder.is_dir() and not any(folder.iterdir()) and sock_path.is_socket()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp files left


def _device(tmp_path: Path) -> Path:
    """A character device like /dev/null but in tmp_path, so a writer that replaced it harms nothing."""
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root")
    node = tmp_path / "null.csv"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


def test_atomic_write_refuses_a_device(tmp_path):
    node = _device(tmp_path)
    with pytest.raises(OutputPathError, match=r"null\.csv: is a character device"):
        atomic_write(node, _write("new"))
    assert node.is_char_device()


def test_atomic_write_refuses_a_symlink_swapped_in_while_writing(tmp_path):
    out, target = tmp_path / "x.csv", tmp_path / "target"
    target.write_text("keep", encoding="utf-8")

    def write(tmp: Path) -> None:
        tmp.write_text("new", encoding="utf-8")
        out.symlink_to(target)

    with pytest.raises(OutputPathError, match="a symlink"):
        atomic_write(out, write)
    assert out.is_symlink() and target.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target", "x.csv"]


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from geo.export import atomic_write

def write(tmp):
    tmp.write_text("partial", encoding="utf-8")
    Path(f"{tmp}-journal").write_text("j", encoding="utf-8")
    os.kill(os.getpid(), signal.SIGKILL)

atomic_write(Path(sys.argv[1]), write)
"""


def test_temp_files_of_a_killed_writer_are_removed_by_the_next_write(tmp_path):
    out = tmp_path / "store.gpkg"
    out.write_text("old", encoding="utf-8")
    repo = Path(__file__).resolve().parents[1]
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(out)], cwd=repo, stderr=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(repo)})
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == -9, stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "store.gpkg")
    assert len(left) == 2 and all(name.startswith(f".store.gpkg.{child.pid}.") for name in left), left
    assert left[1].endswith(".gpkg-journal") and out.read_text(encoding="utf-8") == "old"
    # a live writer's temp file (this process) and files of other names are not touched
    live = tmp_path / f".store.gpkg.{os.getpid()}.abc123.gpkg"
    live.write_text("busy", encoding="utf-8")
    other = tmp_path / ".other.gpkg.1.abc.gpkg"
    other.write_text("x", encoding="utf-8")

    atomic_write(out, _write("new"))
    assert out.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, live.name, other.name])


def test_cli_export_to_a_device_or_symlink_is_a_one_line_error(built_store, tmp_path, capsys):
    from api.cli import main

    node = _device(tmp_path)  # stands in for /dev/full: on unfixed code, as root, the test replaced it
    target = tmp_path / "precious.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    for out, kind in ((node, "a character device"), (link, "a symlink")):
        assert main(["--store", str(built_store), "export", "--format", "csv", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err == f"error: {out}: is {kind}, not a regular file; refusing to replace it (give a file path)\n"
    assert node.is_char_device() and link.is_symlink()
    assert target.read_text(encoding="utf-8") == "keep"
