"""Quality and speed of ``energy-planner ingest`` on the development set (the five plans and their curated rows).

Prints recall and precision per plan and category, against the curated registry: a curated project is found
when a proposed row cites an overlapping line (±1) and names it (one name inside the other, or at least 60 %
of the shorter name's characters in common; traditional characters read as simplified); its capacity is right
when both agree to 1e-6 (or both are empty). A curated target is found when a proposed target cites an
overlapping line (±1) with the same value.
Precision is the share of proposed rows that match a curated one: rows the curators left out count as
wrong, so it is a lower bound. Then the time to ingest a synthetic 200-page plan (real lines, numbers
varied). ``--misses`` also lists every curated row not found and every proposed row that matches none.
Usage: ``python benchmarks/bench_ingest.py [--pages N] [--misses]``.
"""

import argparse
import csv
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geo.ingest.hanzi import TRADITIONAL_TO_SIMPLIFIED  # noqa: E402
from geo.ingest.propose import propose  # noqa: E402
from geo.ingest.rows import ProjectRow, TargetRow  # noqa: E402

DATA = REPO / "data"
HELD_OUT = REPO / "tests" / "fixtures" / "ingest"
CHARS_PER_PAGE = 1000  # a page of a Chinese government document: ~ 25 lines of ~ 40 characters


def _span(spec: str) -> tuple[int, int]:
    a, _, b = spec.partition("-")
    return int(a), int(b or a)


def _near(a: str, b: str) -> bool:
    (a1, a2), (b1, b2) = _span(a), _span(b)
    return a1 - 1 <= b2 and b1 - 1 <= a2


def _clean(name: str) -> str:
    """A name without spaces, quotes and brackets, traditional characters as simplified (ingest writes names
    in simplified characters, quotes as written)."""
    return re.sub(r"[\s“”\"（）()]", "", name).translate(_FOLD)


_FOLD = str.maketrans(TRADITIONAL_TO_SIMPLIFIED)


def same_name(a: str, b: str) -> bool:
    """One name inside the other, or >= 60 % of the shorter one's characters in the other."""
    a, b = _clean(a), _clean(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    short, long_ = sorted((a, b), key=len)
    return sum(1 for c in short if c in long_) >= 0.6 * len(short)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def score_projects(curated: list[dict[str, str]], proposed: list[ProjectRow]) -> dict[str, list[int]]:
    """Per category: [curated, found, found with the right capacity, proposed, proposed that match]."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for c in curated:
        t = table[c["category"]]
        t[0] += 1
        hits = [p for p in proposed if _near(c["line"], p.line) and same_name(c["name_zh"], p.name_zh)]
        if hits:
            t[1] += 1
            want = float(c["capacity_mw"]) if c["capacity_mw"] else None
            if any((p.capacity_mw is None and want is None) or (p.capacity_mw is not None and want is not None
                                                                  and abs(p.capacity_mw - want) < 1e-6) for p in hits):
                t[2] += 1
    for p in proposed:
        t = table[p.category]
        t[3] += 1
        if any(_near(c["line"], p.line) and same_name(c["name_zh"], p.name_zh) for c in curated):
            t[4] += 1
    return table


def score_targets(curated: list[dict[str, str]], proposed: list[TargetRow]) -> list[int]:
    """[curated, found, proposed, proposed that match]."""
    def match(c: dict[str, str], t: TargetRow) -> bool:
        return _near(c["line"], t.line) and abs(float(c["value"]) - t.value) < 1e-6

    found = sum(1 for c in curated if any(match(c, t) for t in proposed))
    right = sum(1 for t in proposed if any(match(c, t) for c in curated))
    return [len(curated), found, len(proposed), right]


def misses(curated: list[dict[str, str]], proposed: list[ProjectRow], curated_targets: list[dict[str, str]],
           proposed_targets: list[TargetRow]) -> list[str]:
    """Lines naming every curated row not found (MISS) and every proposed row matching none (WRONG)."""
    out = []
    for c in curated:
        if not any(_near(c["line"], p.line) and same_name(c["name_zh"], p.name_zh) for p in proposed):
            out.append(f"  MISS   {c['category']:14} {c['line']:>7} {c['name_zh']} | {c.get('quote', '')[:60]}")
    for p in proposed:
        if not any(_near(c["line"], p.line) and same_name(c["name_zh"], p.name_zh) for c in curated):
            out.append(f"  WRONG  {p.category:14} {p.line:>7} {p.name_zh} ({p.capacity_mw} MW) | {p.quote[:60]}")
    for c in curated_targets:
        if not any(_near(c["line"], t.line) and abs(float(c["value"]) - t.value) < 1e-6 for t in proposed_targets):
            out.append(f"  TMISS  {c['metric']:14} {c['line']:>7} {c['value']} | {c.get('quote', '')[:60]}")
    for t in proposed_targets:
        if not any(_near(c["line"], t.line) and abs(float(c["value"]) - t.value) < 1e-6 for c in curated_targets):
            out.append(f"  TWRONG {t.metric:14} {t.line:>7} {t.value} | {t.quote[:60]}")
    return out


Plan = tuple[Path, str | None, Path, Path]  # plan text, adcode (None: inferred), expected projects, targets


def development_set() -> list[Plan]:
    """The five plans and their curated registry files (the county is inferred from each text)."""
    return [(p, None, DATA / "registry" / f"{p.stem}.projects.csv", DATA / "registry" / f"{p.stem}.targets.csv")
            for p in sorted(DATA.glob("plans/*.txt"))]


def held_out_set() -> list[Plan]:
    """Passages in the wording of other provinces' plans, rows written by hand beside them (``ADCODE_name.txt``).

    Written before the rules were tuned on them, to measure how the rules carry to plans nobody curated here.
    """
    return [(p, p.name.split("_")[0], p.with_suffix(".projects.csv"), p.with_suffix(".targets.csv"))
            for p in sorted(HELD_OUT.glob("*.txt")) if not p.name.startswith("blind_")]


def blind_set() -> list[Plan]:
    """A second held-out set (``blind_ADCODE_name.txt``): passages keeping the sentence shapes, list shapes, units
    and figure formats of real texts from other provinces (news pages, 专栏 tables, traditional characters,
    GB18030), rows written by hand before the ingest rules were read. Not to be tuned on pattern by pattern.
    """
    return [(p, p.name.split("_")[1], p.with_suffix(".projects.csv"), p.with_suffix(".targets.csv"))
            for p in sorted(HELD_OUT.glob("blind_*.txt"))]


def quality(show_misses: bool = False, plans: list[Plan] | None = None) -> dict[str, dict[str, list[int]]]:
    """Score every plan of a set (the development set by default); print the tables (and misses); return them."""
    results: dict[str, dict[str, list[int]]] = {}
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    target_total = [0, 0, 0, 0]
    print(f"{'plan':36} {'category':15} {'curated':>7} {'found':>5} {'recall':>6} {'cap ok':>6} "
          f"{'proposed':>8} {'right':>5} {'precision':>9}")
    for plan, adcode, projects_csv, targets_csv in development_set() if plans is None else plans:
        pid = plan.stem
        proposal = propose(plan, DATA, adcode)
        curated = _read(projects_csv)
        curated_targets = _read(targets_csv)
        table = score_projects(curated, proposal.projects)
        targets = score_targets(curated_targets, proposal.targets)
        if show_misses:
            print("\n".join([pid, *misses(curated, proposal.projects, curated_targets, proposal.targets)]))
        table["TARGETS"] = [targets[0], targets[1], targets[1], targets[2], targets[3]]
        results[pid] = dict(table)
        for cat, row in sorted(table.items()):
            _print(pid, cat, row)
            if cat == "TARGETS":
                target_total = [a + b for a, b in zip(target_total, targets, strict=True)]
            else:
                total[cat] = [a + b for a, b in zip(total[cat], row, strict=True)]
    print()
    for cat, row in sorted(total.items()):
        _print("ALL PLANS", cat, row)
    all_projects = [sum(r[i] for r in total.values()) for i in range(5)]
    _print("ALL PLANS", "PROJECTS", all_projects)
    all_targets = [target_total[0], target_total[1], target_total[1], target_total[2], target_total[3]]
    _print("ALL PLANS", "TARGETS", all_targets)
    results["ALL"] = {"PROJECTS": all_projects, "TARGETS": all_targets}
    return results


def _print(pid: str, cat: str, row: list[int]) -> None:
    cur, found, cap, prop, right = row
    rec = f"{found / cur:.0%}" if cur else "-"
    prec = f"{right / prop:.0%}" if prop else "-"
    print(f"{pid:36} {cat:15} {cur:7d} {found:5d} {rec:>6} {cap:6d} {prop:8d} {right:5d} {prec:>9}")


def synthetic_plan(pages: int, seed: int = 1) -> str:
    """A long plan: the five plans' lines, repeated with every number varied, ``pages`` x 1,000 characters."""
    rng = random.Random(seed)
    lines = [s for p in sorted(DATA.glob("plans/*.txt")) for s in p.read_text(encoding="utf-8").split("\n")]
    out, size = ["临湘市碳达峰实施方案", ""], 0
    while size < pages * CHARS_PER_PAGE:
        for s in lines:
            varied = re.sub(r"\d+(?:\.\d+)?", lambda m: f"{float(m.group()) * rng.uniform(0.5, 2):.1f}", s)
            out.append(varied)
            size += len(varied)
    return "\n".join(out)


def speed(pages: int) -> float:
    """Seconds to ingest a synthetic plan of ``pages`` pages (gazetteer and units read included)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long_plan.txt"
        path.write_text(synthetic_plan(pages), encoding="utf-8")
        t0 = time.perf_counter()
        proposal = propose(path, DATA, None)
        seconds = time.perf_counter() - t0
        print(f"\n{pages}-page synthetic plan ({path.stat().st_size / 1e6:.2f} MB, {len(proposal.text):,} characters): "
              f"{seconds:.2f} s, {len(proposal.projects)} projects, {len(proposal.targets)} targets proposed")
    return seconds


def main() -> None:
    """Print the quality tables and the speed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--misses", action="store_true", help="list missed curated rows and unmatched proposals")
    args = ap.parse_args()
    print("development set (data/plans, curated registry)")
    quality(args.misses)
    print("\nheld-out set (tests/fixtures/ingest: other provinces' wording, rows written by hand)")
    quality(args.misses, held_out_set())
    print("\nblind held-out set (tests/fixtures/ingest/blind_*: real texts' wording, rows written before the rules"
          " were read)")
    quality(args.misses, blind_set())
    speed(args.pages)


if __name__ == "__main__":
    main()
