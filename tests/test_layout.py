"""Imports point one way: geo <- grid <- solar <- wind <- layers <- api; only api knows FastAPI and the environment."""

import ast

import pytest
from conftest import REPO

ORDER = ["geo", "grid", "solar", "wind", "layers", "api"]


def imports_of(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("package", ORDER)
def test_imports_point_one_way(package):
    allowed = set(ORDER[: ORDER.index(package) + 1])
    for path in (REPO / package).rglob("*.py"):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in ORDER:
                assert top in allowed, f"{path.relative_to(REPO)} imports {name}"
            if package != "api":
                assert top not in ("fastapi", "uvicorn", "pydantic_settings"), f"{path} imports {name}"
        if package != "api":
            assert "os.environ" not in path.read_text(encoding="utf-8"), path
