"""Check a proposal as a registry of its plan, and accept a reviewed one into the data folder in one step.

``ingest`` writes, beside the two proposed files, the plan text as UTF-8 (``<plan_id>.txt``: the line
numbers the quotes cite) and its metadata (``<plan_id>.plan.csv``, the columns of ``plans.csv``). A proposal
is checked by :func:`geo.registry.dataset.load` on a scratch data folder holding just that plan and its rows (the
data folder's boundaries, gazetteer and places linked in); accepting copies the text, appends the metadata
to ``plans/plans.csv`` and copies the rows to ``registry/``, then validates the whole data folder, and undoes
all of it when that fails.
"""

import csv
import shutil
import tempfile
from pathlib import Path

from geo.errors import Problem
from geo.ingest.errors import IngestError
from geo.registry.dataset import load


def proposal_files(out_dir: Path, plan_id: str) -> dict[str, Path]:
    """The four files of a proposal, by role."""
    return {"text": out_dir / f"{plan_id}.txt", "plan": out_dir / f"{plan_id}.plan.csv",
            "projects": out_dir / f"{plan_id}.projects.csv", "targets": out_dir / f"{plan_id}.targets.csv"}


def check_proposal(out_dir: Path, plan_id: str, data_dir: Path) -> list[Problem]:
    """Validate the proposal on its own (as the registry of its plan); return the problems (file:line)."""
    files = proposal_files(out_dir, plan_id)
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise IngestError(f"not a proposal: missing {', '.join(missing)}; write one with energy-planner ingest")
    with tempfile.TemporaryDirectory(prefix="ingest-check-") as tmp:
        root = Path(tmp)
        (root / "plans").mkdir()
        (root / "registry").mkdir()
        shutil.copy(files["text"], root / "plans" / f"{plan_id}.txt")
        shutil.copy(files["plan"], root / "plans" / "plans.csv")
        for role in ("projects", "targets"):
            shutil.copy(files[role], root / "registry" / files[role].name)
        for name in ("boundaries", "gazetteer"):
            (root / name).symlink_to((data_dir / name).resolve(), target_is_directory=True)
        places = data_dir / "places.csv"
        if places.is_file():
            shutil.copy(places, root / "places.csv")
        _, problems = load(root)
    return [Problem(p.path.replace(str(root), str(out_dir)), p.line, p.field, p.message) for p in problems]


def accept_proposal(out_dir: Path, plan_id: str, data_dir: Path) -> list[Path]:
    """Move a reviewed proposal into ``data_dir`` (plan text, plans.csv row, registry rows); return what was written.

    Raises
    ------
    IngestError
        If the proposal does not validate, the plan is already in the data folder, or the data folder does not
        validate with it (then nothing is left changed).
    """
    problems = check_proposal(out_dir, plan_id, data_dir)
    if problems:
        raise IngestError(f"the proposal does not validate ({len(problems)} problem(s)):\n"
                          + "\n".join(str(p) for p in problems[:20]))
    files = proposal_files(out_dir, plan_id)
    targets = {"text": data_dir / "plans" / f"{plan_id}.txt",
               "projects": data_dir / "registry" / files["projects"].name,
               "targets": data_dir / "registry" / files["targets"].name}
    clash = [str(p) for p in targets.values() if p.exists()]
    plans_csv = data_dir / "plans" / "plans.csv"
    with plans_csv.open(encoding="utf-8", newline="") as f:
        known = {r.get("plan_id") for r in csv.DictReader(f)}
    if clash or plan_id in known:
        raise IngestError(f"plan {plan_id!r} is already in {data_dir}: {', '.join(clash) or plans_csv}; "
                          "rename the plan file or remove the old one first")
    before = plans_csv.read_bytes()
    with files["plan"].open(encoding="utf-8", newline="") as f:
        row = next(csv.reader(f.read().splitlines()[1:]))
    written: list[Path] = []
    try:
        for role, dest in targets.items():
            shutil.copy(files[role], dest)
            written.append(dest)
        text = before.decode("utf-8")
        with plans_csv.open("a", encoding="utf-8", newline="") as f:
            if text and not text.endswith("\n"):
                f.write("\n")
            csv.writer(f, lineterminator="\n").writerow(row)
        _, problems = load(data_dir)
        if problems:
            raise IngestError(f"{data_dir} does not validate with plan {plan_id} ({len(problems)} problem(s)); "
                              "nothing accepted:\n" + "\n".join(str(p) for p in problems[:20]))
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        plans_csv.write_bytes(before)
        raise
    return [*written, plans_csv]
