"""Print an HTML page to PDF (A4) with headless Chromium (Debian's ``chromium``, the browser the tests use).

Nothing is fetched: the page is a local file and Chromium runs with networking features off.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_PATHS = (Path("/usr/bin/chromium"), Path("/usr/lib/chromium/chromium"))
PRINT_TIMEOUT_S = 120


def find_chromium() -> Path:
    """The Chromium executable (``/usr/bin/chromium`` or on ``PATH``).

    Raises
    ------
    FileNotFoundError
        With what to install when none is found.
    """
    for path in CHROMIUM_PATHS:
        if path.is_file():
            return path
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise FileNotFoundError("PDF output needs Chromium (looked for /usr/bin/chromium and chromium on PATH): "
                            "install Debian's chromium (`apt-get install chromium`, or `make browser`), "
                            "or write .html and print it from a browser")


def html_to_pdf(html: str, out: Path, chromium: Path | None = None) -> Path:
    """Write ``html`` as an A4 PDF to ``out`` (atomically: a temporary file, then renamed); return ``out``.

    Raises
    ------
    FileNotFoundError
        When Chromium is not installed.
    OSError
        When Chromium fails or writes no PDF (its last output lines in the message).
    """
    exe = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="planner-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        pdf = Path(tmp) / "report.pdf"
        cmd = [str(exe), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
               f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise OSError(f"Chromium ({exe}) did not finish printing within {PRINT_TIMEOUT_S} s") from None
        if not pdf.is_file() or pdf.stat().st_size == 0 or not pdf.read_bytes().startswith(b"%PDF"):
            tail = " | ".join((done.stderr or "").strip().splitlines()[-3:])
            raise OSError(f"Chromium ({exe}) wrote no PDF (exit {done.returncode}): {tail}")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp_out = out.with_name(f".{out.name}.tmp")
        shutil.copyfile(pdf, tmp_out)
        tmp_out.replace(out)
    return out
