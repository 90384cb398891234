"""Quick self-check for curators: every quote is found at its line(s), ids unique, codes known.

Usage: python scripts/check_registry_quotes.py data/registry/<plan_id>.projects.csv [...]
(`energy-planner validate` does the full check.)
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from geo import vocab  # noqa: E402


def span_text(lines: list[str], spec: str) -> str:
    a, _, b = spec.partition("-")
    lo, hi = int(a), int(b or a)
    return "".join(s.strip() for s in lines[lo - 1 : hi])


bad = 0
for name in sys.argv[1:]:
    path = Path(name)
    plan_id = path.name.split(".")[0]
    plan = (ROOT / "data" / "plans" / f"{plan_id}.txt").read_text(encoding="utf-8").split("\n")
    with path.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            text = span_text(plan, row["line"])
            if row["quote"] not in text:
                bad += 1
                print(f"{path}:{i}: quote not found at line {row['line']}: {row['quote']!r}")
            cat = row.get("category")
            if cat is not None and cat not in vocab.CATEGORIES:
                bad += 1
                print(f"{path}:{i}: unknown category {cat!r}")
            metric = row.get("metric")
            if metric is not None and metric not in vocab.TARGET_METRICS:
                bad += 1
                print(f"{path}:{i}: unknown metric {metric!r}")
print("problems:", bad)
