import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import DATA, REPO
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

pytestmark = pytest.mark.slow  # live servers, browsers or bursts: `make test-fast` leaves them out


def test_health_reports_the_store(built_store):
    with TestClient(create_app(Settings(data_dir=DATA, store=built_store))) as client:
        body = client.get("/health").json()
    assert body["status"] == "ok" and body["projects"] >= 100 and body["districts"] == 12


def test_service_builds_its_store_and_serves_on_loopback(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PLANNER_STORE": str(tmp_path / "planner.gpkg")}
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    assert r.status == 200 and b'"status":"ok"' in r.read()
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "service did not answer within 60 s"
                time.sleep(0.3)
        assert (tmp_path / "planner.gpkg").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
