import shutil
from pathlib import Path

import pytest

from geo.store.build import build

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """The shipped registry built once into a store under tmp."""
    store = tmp_path_factory.mktemp("store") / "planner.gpkg"
    build(DATA, store)
    return store


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the shipped data folder."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst, ignore=shutil.ignore_patterns("README.md"))
    for p in dst.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    return dst
