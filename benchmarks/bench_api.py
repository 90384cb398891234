"""Load benchmark of the service's feature pages on loopback, one uvicorn worker, in one run.

Builds a store of 10,000 synthetic projects (real registry rows drawn with replacement, new ids, points
inside the region's counties: ``bench_map.synthetic_store``), starts the real service on it exactly as
``energy-planner serve`` does (one worker, uvicorn's defaults, access log on), and measures with ``wrk``:

- a 10-feature bbox page, ``/collections/projects/items?bbox=...&limit=10`` (the box matches more than 10);
- a 1,000-feature page, ``/collections/projects/items?limit=1000``;
- one feature, ``/collections/projects/items/{id}``, and a 10-feature page filtered by ``district`` (a city);
- for comparison, the same 1,000-feature page (as a dict) from a throwaway FastAPI app under the same
  uvicorn settings: through FastAPI's default encoder (``jsonable_encoder`` + ``JSONResponse``), through
  ``orjson.dumps`` per request, and as constant bytes (the floor: what uvicorn+FastAPI cost for that body);
- with ``--variants``, the two pages again on the service started with ``--no-access-log``, and with
  ``--http h11 --loop asyncio`` (what a venv has without ``httptools``/``uvloop``).

Prints one table (requests/s, p50, p99, bytes per response, the server's CPU time per request, CPU of the
server, of the load client and of everything else on the machine during the run, and the 1-minute load
average before it) and the goals of issue 5. Numbers are noisy on a shared 2-core machine: compare ratios
within one run, and CPU per request (steadier than requests/s) where other processes were busy (marked *).

    .venv/bin/python benchmarks/bench_api.py [--duration 10] [--connections 32] [--variants] [--client wrk|python]

``wrk`` is a Debian package (``apt-get install -y wrk``). Without it the script says so and measures with
an async Python client instead (aiohttp if installed, else httpx.AsyncClient; same connections), which costs
far more CPU per request than wrk and so under-reports the server on 2 cores.
"""

import argparse
import asyncio
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
GEOJSON = "application/geo+json"
PAGE_ENV = "BENCH_API_PAGE"  # the compare app's 1,000-feature page (a file), see compare_app
CLK_TCK = os.sysconf("SC_CLK_TCK")
BUSY_OTHER = 25  # % of one core used by other processes above which a case is marked as run on a busy machine


# ---------------------------------------------------------------------------------------------- compare app


def compare_app() -> Any:
    """A throwaway FastAPI app serving one FeatureCollection (read from ``$BENCH_API_PAGE``) three ways."""
    import orjson
    from fastapi import FastAPI
    from starlette.responses import Response

    raw = Path(os.environ[PAGE_ENV]).read_bytes()
    page = orjson.loads(raw)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/default", response_model=None)
    async def default() -> Any:  # no response model: FastAPI's jsonable_encoder, then JSONResponse (json.dumps)
        return page

    @app.get("/orjson")
    async def orjson_each() -> Response:
        return Response(orjson.dumps(page), media_type=GEOJSON)

    @app.get("/bytes")
    async def constant() -> Response:
        return Response(raw, media_type=GEOJSON)

    return app


# ---------------------------------------------------------------------------------------------- store


def make_store(tmp: Path, n: int) -> tuple[Path, str, int]:
    """A store with ``n`` synthetic projects; a bbox (text) matching > 10 of them and its match count."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_map import synthetic_store  # type: ignore[import-not-found]

    from geo.store.build import build
    from geo.store.file import read_table

    real = tmp / "real.gpkg"
    build(REPO / "data", real)
    store = tmp / "synthetic.gpkg"
    synthetic_store(real, store, n)
    projects = read_table(store, "projects")
    x, y = projects["lon"].to_numpy(float), projects["lat"].to_numpy(float)
    cx, cy = float(np.median(x)), float(np.median(y))
    w = 0.01
    while True:  # the smallest box around the median point with at least 50 projects: a real first page of 10
        inside = int(((x >= cx - w) & (x <= cx + w) & (y >= cy - w) & (y <= cy + w)).sum())
        if inside >= 50:
            break
        w *= 1.25
    bbox = f"{cx - w:.4f},{cy - w:.4f},{cx + w:.4f},{cy + w:.4f}"
    return store, bbox, inside


# ---------------------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen


@contextmanager
def server(args: list[str], env: dict[str, str], health: str, log: Path, *, timeout_s: float = 120) -> Iterator[Server]:
    """A server process (``args`` end with ``--port``'s value appended) on loopback; always stopped afterwards."""
    port = free_port()
    cmd = [sys.executable, *args, "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "ab") as err:
        # stdout (uvicorn's access log) to /dev/null: the cheapest sink a deployment could give it
        proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server {' '.join(args)} exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(url + health, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server {' '.join(args)} did not answer {health} in {timeout_s} s")
            time.sleep(0.2)
        yield Server(url, proc)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def service_cmd(store: Path, variant: str) -> tuple[list[str], dict[str, str]]:
    """How to start the service: as ``energy-planner serve`` does, or under the uvicorn CLI with options."""
    env = {"PLANNER_STORE": str(store)}
    if variant == "shipped":
        return ["-m", "api.cli", "--store", str(store), "serve"], env
    options = {"no-access-log": ["--no-access-log"], "h11+asyncio": ["--http", "h11", "--loop", "asyncio"]}[variant]
    return ["-m", "uvicorn", "--factory", "api.app:create_app", "--workers", "1", *options], env


# ---------------------------------------------------------------------------------------------- measuring


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def machine_busy_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs; busy counts user, nice, system and steal time, not (soft)irq time,
    which no process is charged with (loopback TCP does much of its work there)."""
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
    return user + nice + system + steal, user + nice + system + idle + iowait + irq + softirq + steal


def client_cpu_s(client: str) -> float:
    """CPU seconds of the load client so far: wrk runs as a (waited) child, the Python client in this process."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN if client == "wrk" else resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    if not m:
        raise ValueError(f"wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def run_wrk(url: str, seconds: float, connections: int, threads: int) -> dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "20s", "--latency",
           url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    lat = dict(re.findall(r"^\s*(50|99)%\s+([0-9.]+[a-z]+)\s*$", out, re.M))
    if rps is None or len(lat) != 2:
        raise RuntimeError(f"unexpected wrk output for {' '.join(cmd)}:\n{out}")
    errors = sum(int(v) for v in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    n = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": float(rps.group(1)), "p50": _ms(lat["50"]), "p99": _ms(lat["99"]), "errors": errors, "n": n}


async def _python_load(url: str, seconds: float, connections: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    try:
        import aiohttp
    except ImportError:
        aiohttp = None
    if aiohttp is not None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:
            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    t = time.perf_counter()
                    async with session.get(url) as r:
                        await r.read()
                        ok = r.status == 200
                    if ok:
                        latencies.append(time.perf_counter() - t)
                    else:
                        errors += 1
            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
    else:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    t = time.perf_counter()
                    r = await client.get(url)
                    if r.status_code == 200:
                        latencies.append(time.perf_counter() - t)
                    else:
                        errors += 1
            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    lat = np.array(latencies) * 1e3
    return {"rps": len(lat) / elapsed, "p50": float(np.percentile(lat, 50)), "p99": float(np.percentile(lat, 99)),
            "errors": errors, "n": len(lat) + errors}


def measure(client: str, url: str, seconds: float, connections: int, threads: int) -> dict[str, Any]:
    if client == "wrk":
        return run_wrk(url, seconds, connections, threads)
    return asyncio.run(_python_load(url, seconds, connections))


@dataclass
class Row:
    case: str
    rps: float
    p50: float
    p99: float
    nbytes: int
    server_ms: float  # server CPU time per request: robust to other load, 1000 / server_ms = one core's ceiling
    server_cpu: float  # % of one core
    client_cpu: float
    other_cpu: float  # machine busy (out of 200 % on 2 cores) minus server and client
    load1: float
    errors: int


def bench(case: str, srv: Server, path: str, args: argparse.Namespace, seconds: float,
          check: Any = None) -> Row:
    url = srv.url + path
    r = httpx.get(url, timeout=60)
    if r.status_code != 200:
        raise RuntimeError(f"{case}: {url} answered {r.status_code}: {r.text[:300]}")
    if check is not None:
        check(r)
    warm = time.perf_counter() + 1
    while time.perf_counter() < warm:  # warm-up, one request at a time: no backlog left in the server
        httpx.get(url, timeout=60)
    load1 = os.getloadavg()[0]
    pid = srv.process.pid
    s0, (b0, t0), c0, w0 = cpu_ticks(pid), machine_busy_ticks(), client_cpu_s(args.client), time.perf_counter()
    res = measure(args.client, url, seconds, args.connections, args.threads)
    s1, (b1, t1), c1, w1 = cpu_ticks(pid), machine_busy_ticks(), client_cpu_s(args.client), time.perf_counter()
    httpx.get(url, timeout=120)  # drain: requests wrk left queued in the server finish before the next case
    wall = w1 - w0
    server = (s1 - s0) / CLK_TCK / wall * 100
    client = (c1 - c0) / wall * 100
    machine = (b1 - b0) / max(t1 - t0, 1) * 100 * os.cpu_count()  # type: ignore[operator]
    other = machine - server - client
    server_ms = (s1 - s0) / CLK_TCK / max(res["n"], 1) * 1e3
    row = Row(case, res["rps"], res["p50"], res["p99"], len(r.content), server_ms, server, client, other, load1,
              res["errors"])
    print(f"  {case:<44} {row.rps:>8,.0f} req/s  p99 {row.p99:>8.1f} ms  server {server_ms:.3f} ms CPU/req  "
          f"(load {load1:.2f})", flush=True)
    return row


def returned(n: int, at_least: int | None = None) -> Any:
    def check(r: httpx.Response) -> None:
        doc = r.json()
        assert doc["numberReturned"] == n, (doc["numberReturned"], n)
        if at_least is not None:
            assert doc["numberMatched"] >= at_least, doc["numberMatched"]
    return check


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    head = (f"{'case':<46}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bytes/resp':>12}{'srv ms/req':>11}{'1-core/s':>9}"
            f"{'srv CPU%':>9}{'cli CPU%':>9}{'other%':>8}{'load1':>7}{'errors':>7}")
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        case = r.case + (" *" if r.other_cpu > BUSY_OTHER else "")
        print(f"{case:<46}{r.rps:>9,.0f}{r.p50:>9.1f}{r.p99:>9.1f}{r.nbytes:>12,}{r.server_ms:>11.3f}"
              f"{1e3 / r.server_ms if r.server_ms else float('nan'):>9,.0f}{r.server_cpu:>9.0f}"
              f"{r.client_cpu:>9.0f}{r.other_cpu:>8.0f}{r.load1:>7.2f}{r.errors:>7}")
    print(f"({args.client}, {args.connections} connections" + (f", {args.threads} threads" if args.client == "wrk"
                                                               else "") +
          f"; srv ms/req = server CPU time per request, 1-core/s = 1000 / that: the rate one worker would reach "
          f"with a core of its own; CPU% of one core, {os.cpu_count()} cores; 'other' = machine busy minus server "
          "and client; load1 = 1-min load average before the case)")
    if any(r.other_cpu > BUSY_OTHER for r in rows):
        print(f"* other processes used more than {BUSY_OTHER} % of a core during the case: its req/s is low, "
              "compare srv ms/req")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=10_000)
    ap.add_argument("--duration", type=float, default=10, help="seconds per service case (comparisons: half)")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--client", choices=("wrk", "python"), help="default: wrk if installed, else python")
    ap.add_argument("--variants", action="store_true", help="also: --no-access-log, and h11 + asyncio")
    args = ap.parse_args()
    if args.client is None:
        args.client = "wrk" if shutil.which("wrk") else "python"
        if args.client == "python":
            print("wrk not found: install it with `apt-get install -y wrk` (Debian package) for trustworthy "
                  "numbers.\nFalling back to an async Python client, which competes with the server for the CPU.\n")
    elif args.client == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk not found: install it with `apt-get install -y wrk`, or use --client python")
    with open("/proc/loadavg") as f:
        print(f"start: load average {' '.join(f.read().split()[:3])}; {os.cpu_count()} cores")

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        log = tmp / "server.log"
        t = time.perf_counter()
        store, bbox, inside = make_store(tmp, args.projects)
        print(f"store: {args.projects:,} synthetic projects in {time.perf_counter() - t:.1f} s; bbox {bbox} "
              f"holds {inside} of them")
        items = "/collections/projects/items"
        bbox_path = f"{items}?bbox={bbox}&limit=10"
        big_path = f"{items}?limit=1000"
        cmd, env = service_cmd(store, "shipped")
        with server(cmd, env, "/health", log) as srv:
            first = httpx.get(srv.url + f"{items}?limit=1", timeout=30).json()["features"][0]
            fid, district = first["id"], first["properties"]["district_adcode"][:4] + "00"  # its city: all counties
            page = httpx.get(srv.url + big_path, timeout=60).content
            print("service: energy-planner serve (one worker, uvicorn defaults)")
            rows.append(bench("service: 10-feature bbox page", srv, bbox_path, args, args.duration,
                              returned(10, 11)))
            rows.append(bench("service: 1,000-feature page", srv, big_path, args, args.duration, returned(1000)))
            rows.append(bench("service: one feature /items/{id}", srv, f"{items}/{fid}", args, args.duration))
            rows.append(bench("service: 10-feature district page", srv, f"{items}?district={district}&limit=10", args,
                              args.duration / 2, returned(10, 11)))
        (tmp / "page.json").write_bytes(page)
        compare = ["-m", "uvicorn", "--app-dir", str(Path(__file__).resolve().parent), "--factory",
                   "bench_api:compare_app", "--workers", "1"]
        with server(compare, {PAGE_ENV: str(tmp / "page.json")}, "/bytes", log) as srv:
            print("compare app: the same 1,000 features, same uvicorn settings")
            for path, case in (("/default", "compare: FastAPI default encoder, 1,000"),
                               ("/orjson", "compare: orjson.dumps per request, 1,000"),
                               ("/bytes", "compare: constant bytes, 1,000")):
                rows.append(bench(case, srv, path, args, args.duration / 2, returned(1000)))
        if args.variants:
            for variant in ("no-access-log", "h11+asyncio"):
                cmd, env = service_cmd(store, variant)
                with server(cmd, env, "/health", log) as srv:
                    print(f"service with uvicorn {variant}")
                    rows.append(bench(f"{variant}: 10-feature bbox page", srv, bbox_path, args, args.duration / 2,
                                      returned(10, 11)))
                    rows.append(bench(f"{variant}: 1,000-feature page", srv, big_path, args, args.duration / 2,
                                      returned(1000)))

    print_table(rows, args)
    by = {r.case: r for r in rows}
    small, big = by["service: 10-feature bbox page"], by["service: 1,000-feature page"]
    default, orj = by["compare: FastAPI default encoder, 1,000"], by["compare: orjson.dumps per request, 1,000"]
    floor = by["compare: constant bytes, 1,000"]
    print(f"\n1,000-feature page, service against the same features: {big.rps / default.rps:.0f}x the default "
          f"encoder's req/s ({default.server_ms / big.server_ms:.0f}x less server CPU per request), "
          f"{big.rps / orj.rps:.1f}x orjson per request ({orj.server_ms / big.server_ms:.1f}x), "
          f"{big.rps / floor.rps:.2f}x constant bytes ({floor.server_ms / big.server_ms:.2f}x)")
    print(f"goal 10-feature page >= 2,000 req/s and p99 < 50 ms: {small.rps:,.0f} req/s, p99 {small.p99:.1f} ms -> "
          f"{'met' if small.rps >= 2000 and small.p99 < 50 else 'NOT met'} (one core's ceiling "
          f"{1e3 / small.server_ms:,.0f} req/s)")
    print(f"goal 1,000-feature page >= 1,000 req/s: {big.rps:,.0f} req/s -> {'met' if big.rps >= 1000 else 'NOT met'} "
          f"(one core's ceiling {1e3 / big.server_ms:,.0f} req/s; constant bytes {floor.rps:,.0f} req/s, ceiling "
          f"{1e3 / floor.server_ms:,.0f})")
    with open("/proc/loadavg") as f:
        print(f"end: load average {' '.join(f.read().split()[:3])}")


if __name__ == "__main__":
    main()
