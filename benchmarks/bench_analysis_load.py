"""Load of concurrent PV yields on the real service: memory, and whether pages stay responsive.

Starts the service exactly as ``energy-planner serve`` does (``tests/live_server.serve``: uvicorn, one
process, loopback) on a fresh store, then for each burst size fires that many concurrent
``POST /analysis/yield`` (``agrivoltaic_tracking`` by default, the costliest preset; each at a different
point, so no two share a cached weather year) and, meanwhile, asks ``/health`` and ``/map`` every 100 ms
(each from its own thread; ``/map`` is rendered once before, so it is served from the cache). It samples
the memory of the server and all its descendants (the analysis workers and their forkserver) from /proc
every 50 ms and prints, per burst:

- peak RSS of the server alone, and of server + descendants summed (RSS counts shared pages once per
  process, so the sum over-states what the tree takes), and the peak of the summed PSS (shared pages split
  between the processes sharing them: what the tree really takes);
- RSS (sum) and PSS (sum) 3 s after the last answer;
- worst and median latency of ``/health`` and ``/map`` during the burst, and how many probes there were;
- the answers: how many 200, 503 (with Retry-After) and other, and the burst's wall time.

    .venv/bin/python benchmarks/bench_analysis_load.py [--bursts 24,48] [--mounting agrivoltaic_tracking]
                                                       [--env PLANNER_ANALYSIS_WORKERS=2 ...]

Runs against whichever checkout it lives in (copy it into an older worktree to measure that one).
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from live_server import serve  # noqa: E402

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


# -- memory from /proc ---------------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_KB / 1024
    except OSError:
        return 0.0


def pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Memory:
    """Peaks of the server's memory while sampling."""

    server_rss: float = 0.0
    tree_rss: float = 0.0
    tree_pss: float = 0.0
    processes: int = 0

    def sample(self, pid: int) -> None:
        pids = descendants(pid)
        self.server_rss = max(self.server_rss, rss_mb(pid))
        self.tree_rss = max(self.tree_rss, sum(rss_mb(p) for p in pids))
        self.tree_pss = max(self.tree_pss, sum(pss_mb(p) for p in pids))
        self.processes = max(self.processes, len(pids))


def now_memory(pid: int) -> tuple[float, float, float]:
    pids = descendants(pid)
    return rss_mb(pid), sum(rss_mb(p) for p in pids), sum(pss_mb(p) for p in pids)


# -- probes --------------------------------------------------------------------------------------------------


@dataclass
class Probe:
    """Latencies of one path asked every ``every_s`` until stopped."""

    url: str
    every_s: float = 0.1
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(timeout=300) as client:
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    ok = client.get(self.url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.latencies.append(time.perf_counter() - t0)
                self.errors += not ok
                stop.wait(max(0.0, self.every_s - (time.perf_counter() - t0)))

    def summary(self) -> str:
        if not self.latencies:
            return "no probes"
        return (f"worst {max(self.latencies) * 1000:8.0f} ms  median {statistics.median(self.latencies) * 1000:6.0f} ms"
                f"  ({len(self.latencies)} probes{f', {self.errors} failed' if self.errors else ''})")


def yield_body(i: int, mounting: str) -> dict[str, object]:
    """A site in Yueyang's area, a different point for every request (no shared weather year)."""
    return {"lat": round(29.0 + 0.011 * (i % 40), 4), "lon": round(113.0 + 0.013 * (i // 40 + i % 7), 4),
            "capacity_mw": 10.0, "mounting": mounting}


def burst(url: str, pid: int, n: int, mounting: str, offset: int) -> None:
    stop = threading.Event()
    memory = Memory()
    health, page = Probe(f"{url}/health"), Probe(f"{url}/map")

    def sampler() -> None:
        while not stop.is_set():
            memory.sample(pid)
            stop.wait(0.05)

    threads = [threading.Thread(target=t, daemon=True) for t in (sampler,)] + \
        [threading.Thread(target=p.run, args=(stop,), daemon=True) for p in (health, page)]
    for t in threads:
        t.start()
    statuses: list[tuple[int, bool]] = []

    def one(i: int) -> tuple[int, bool]:
        with httpx.Client(timeout=600) as client:
            r = client.post(f"{url}/analysis/yield", json=yield_body(offset + i, mounting))
            return r.status_code, "retry-after" in r.headers

    t0 = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        statuses = list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    stop.set()
    for t in threads:
        t.join()
    time.sleep(3)
    after = now_memory(pid)
    ok = sum(1 for s, _ in statuses if s == 200)
    busy = sum(1 for s, _ in statuses if s == 503)
    busy_ra = sum(1 for s, ra in statuses if s == 503 and ra)
    print(f"\n{n} concurrent POST /analysis/yield ({mounting}): {wall:.1f} s wall")
    print(f"  answers        200: {ok}   503: {busy} ({busy_ra} with Retry-After)   other: {n - ok - busy} "
          f"{sorted({s for s, _ in statuses if s not in (200, 503)}) or ''}")
    print(f"  peak memory    server RSS {memory.server_rss:6.0f} MB   server+descendants RSS {memory.tree_rss:6.0f} MB"
          f"   PSS {memory.tree_pss:6.0f} MB   ({memory.processes} processes)")
    print(f"  3 s after      server RSS {after[0]:6.0f} MB   server+descendants RSS {after[1]:6.0f} MB"
          f"   PSS {after[2]:6.0f} MB")
    print(f"  /health        {health.summary()}")
    print(f"  /map           {page.summary()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bursts", default="24,48", help="comma-separated burst sizes, run in order")
    ap.add_argument("--mounting", default="agrivoltaic_tracking")
    ap.add_argument("--env", nargs="*", default=[], help="NAME=VALUE for the server (e.g. PLANNER_ANALYSIS_QUEUE=8)")
    args = ap.parse_args()
    env = {"PLANNER_ACCESS_LOG": "false", **dict(e.split("=", 1) for e in args.env)}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "planner.gpkg"  # missing: the server builds it from the registry at startup
        print(f"{REPO.name}: {os.cpu_count()} cores; server env {env}")
        with serve(store, env=env, timeout_s=300) as server:
            pid = server.process.pid
            with httpx.Client(timeout=300) as client:
                assert client.get(f"{server.url}/map").status_code == 200  # rendered once: the cache serves it
            idle = now_memory(pid)
            print(f"idle             server RSS {idle[0]:6.0f} MB   server+descendants RSS {idle[1]:6.0f} MB"
                  f"   PSS {idle[2]:6.0f} MB")
            offset = 0
            for n in (int(x) for x in args.bursts.split(",")):
                burst(server.url, pid, n, args.mounting, offset)
                offset += n


if __name__ == "__main__":
    main()
