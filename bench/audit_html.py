"""The HTML audit report on a large store (issue 14 item 6): time and file size.

    python -m bench.audit_html [CONTACTS]    (default 100,000)

Builds the store with ``tests/support/big_store.py`` (contacts with sources and snapshots,
refusals, drops), runs ``compliant-scraper audit --html`` in a subprocess and, when Debian's
``chromium`` is installed, times a headless render to a PNG screenshot. Results go to
docs/performance.md by hand (this is not part of ``bench.run``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.big_store import build  # noqa: E402


def main(contacts: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        db = build(base / "big.db", contacts)
        built = time.perf_counter() - started
        out = base / "audit.html"
        command = [sys.executable, "-m", "compliant_scraper", "audit", "--db", str(db)]
        command += ["--policies", str(ROOT / "policies"), "--html", str(out)]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        report_s = time.perf_counter() - started
        print(f"store: {contacts} contacts, built in {built:.1f} s, {db.stat().st_size:,} bytes")
        print(f"audit --html: {report_s:.1f} s, {out.stat().st_size:,} bytes")
        chromium = shutil.which("chromium")
        if chromium:
            shot = base / "x.png"
            started = time.perf_counter()
            subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={base / 'profile'}",
                 f"--screenshot={shot}", "--window-size=1400,2000", out.as_uri()],
                check=True, capture_output=True,
            )  # fmt: skip
            print(f"chromium screenshot: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
