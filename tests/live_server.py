"""Start the real service (uvicorn in a subprocess) on loopback for client tests."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    store: Path
    process: subprocess.Popen


def copy_store(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / "planner.gpkg"
    shutil.copyfile(src, dst)
    return dst


@contextlib.contextmanager
def serve(store: Path, *, env: dict[str, str] | None = None, timeout_s: float = 60,
          args: tuple[str, ...] = ()) -> Iterator[Server]:
    """The service on a free loopback port, on ``store`` (``args``: more of ``serve``'s); stopped afterwards."""
    port = free_port()
    environ = {**os.environ, "PLANNER_STORE": str(store), **(env or {})}
    cmd = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, cwd=REPO, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer /health in time")
            time.sleep(0.2)
        yield Server(url, store, proc)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
