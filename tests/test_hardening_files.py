"""Hostile files: output paths that are not regular files, writers killed mid-write, registry cells (ids, control
characters, huge cells) and server paths in records."""

import csv
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from geo.files import OutputPathError, atomic_write
from geo.registry.dataset import load, load_valid
from geo.registry.records import ID_PATTERN, ID_RULE, is_id
from geo.store.frames import places_frame, plans_frame, projects_frame, targets_frame


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
from geo.files import atomic_write

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


# --- the registry: ids, control characters, huge cells, no server paths in records ---------------------

LX = "430682_linxiang_carbon_peak"


def _append_project(data: Path, **changes: str) -> int:
    """Append a copy of the first Linxiang project with ``changes``; return its line in the file."""
    path = data / "registry" / f"{LX}.projects.csv"
    with path.open(encoding="utf-8", newline="") as f:
        first = next(csv.DictReader(f))
    with path.open(encoding="utf-8", newline="") as f:
        lines = sum(1 for _ in f)  # the shipped rows hold no line breaks
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=list(first), lineterminator="\r\n").writerow({**first, **changes})
    return lines + 1


def _problems(data: Path) -> list[str]:
    _, problems = load(data)
    return [str(p) for p in problems]


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "Upper-1", "a" * 65, ".hidden", "x/y", "a b", "中文"])
def test_registry_refuses_ids_that_are_not_ids(data_copy, bad_id):
    line = _append_project(data_copy, id=bad_id)
    dataset, problems = load(data_copy)
    assert [str(p) for p in problems] == [
        f"{data_copy}/registry/{LX}.projects.csv:{line}: id: {bad_id!r} is not an id: {ID_RULE}"]
    assert bad_id not in {p.id for p in dataset.registry.projects} and bad_id not in dataset.registry.refs


def test_id_pattern_is_the_apis():
    assert ID_PATTERN == r"^[a-z0-9][a-z0-9._-]{0,63}$"
    assert is_id("yy-pv-01") and is_id("a" * 64) and not is_id("a\n") and not is_id("")


@pytest.mark.parametrize(("field", "value", "where"), [
    ("name_zh", "临湘\x00光伏", "U+0000 at character 3"),
    ("note", "ok\x1b[31mred", "U+001B at character 3"),
    ("site", "\x7f\x0c", "U+000C at character 2"),
])
def test_registry_refuses_control_characters(data_copy, field, value, where):
    line = _append_project(data_copy, id="lx-new-1", **{field: value})
    assert _problems(data_copy) == [f"{data_copy}/registry/{LX}.projects.csv:{line}: {field}: control character "
                                    f"{where}; none allowed but tab and newline"]


def test_registry_refuses_a_carriage_return(data_copy):
    _append_project(data_copy, id="lx-new-1", site="a\rb")  # quoted: the writer's rows end in CRLF
    problems = _problems(data_copy)
    assert len(problems) == 1
    assert problems[0].endswith(": site: control character U+000D at character 2; none allowed but tab and newline")


def test_registry_keeps_tab_and_newline(data_copy):
    _append_project(data_copy, id="lx-new-1", note="line one\n\tline two")
    dataset, problems = load(data_copy)
    assert problems == [] and "lx-new-1" in {p.id for p in dataset.registry.projects}


def test_registry_bounds_cell_length_and_survives_a_huge_cell(data_copy, capsys):
    long_line = _append_project(data_copy, id="lx-long-1", note="长" * 5000)
    huge_line = _append_project(data_copy, id="lx-huge-1", note="x" * 3_000_000)
    _append_project(data_copy, id="lx-after-1")
    path = f"{data_copy}/registry/{LX}.projects.csv"
    assert _problems(data_copy) == [
        f"{path}:{long_line}: note: 5,000 characters; a cell holds at most 2,000",
        f"{path}:{huge_line}: cannot read this row or any after it: field larger than field limit (131072) "
        "(a cell holds at most 2,000 characters)",
    ]
    from api.cli import main

    assert main(["--data-dir", str(data_copy), "validate"]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and f"{path}:{huge_line}: cannot read" in out.out + out.err


def test_records_say_where_they_came_from_without_the_server_path(data_copy):
    dataset = load_valid(data_copy)
    projects, targets = projects_frame(dataset), targets_frame(dataset)
    assert projects["registry_ref"].str.fullmatch(r"registry/[0-9a-z_]+\.projects\.csv:\d+").all()
    assert targets["registry_ref"].str.fullmatch(r"registry/[0-9a-z_]+\.targets\.csv:\d+").all()
    first = dataset.registry.projects[0]
    assert first.provenance[0].ref == f"registry/{sorted((data_copy / 'registry').glob('*.projects.csv'))[0].name}:2"
    gazetteer = projects.loc[projects["location_source"].str.startswith("gazetteer"), "location_source"]
    assert len(gazetteer) and gazetteer.str.match(r"gazetteer data/gazetteer/cn_places_wgs84\.csv\.gz \d{12} ").all()
    for frame in (projects.drop(columns="geometry"), targets, places_frame(dataset), plans_frame(dataset)):
        cells = [v for col in frame.columns for v in frame[col] if isinstance(v, str)]
        assert not [v for v in cells if str(data_copy) in v or "/tmp" in v or v.startswith("/")]
