"""``make demo``: a full compliant crawl of the bundled demo directory, offline.

Serves the demo world (virtual hosts behind a forward proxy on 127.0.0.1), imports the demo
Bloctel list as the register's final list (Bloctel closed on 10 August 2026, law.py), runs
``scrapy crawl directory`` under the bundled B2B phone purpose and then the B2B email
purpose (whose target professions and professional-mailbox rule show the drop reasons
``unrelated_to_offer``, ``no_profession`` and ``private_mailbox``), prints a summary from the
database, writes the HTML audit report, and stops the server. No request leaves 127.0.0.1:
every host the demo links to is played by the proxy.

It runs from an installed package as from the checkout (issue 14 item 2), whatever the
current folder holds: its output goes to a new temporary folder (or the folder given, which
must be new, empty or an earlier demo output), its policy registry is the one bundled with
it, copied into that folder (``bundled_policies``), and the crawls run in that folder, so a
Scrapy project, a ``policies/`` or a ``compliance.db`` in the current folder plays no part.
It exits non-zero when a crawl fails or when no contact was kept: a demo that keeps nothing
shows nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from ..law import opposition_register
from ..policy.decide import decide
from ..policy.loader import load_registry
from ..policy.model import Registry
from ..store import contacts, runs, sources
from ..store.backend import Db
from ..store.database import open_database
from ..store.sqlite import SqliteDb
from ..tooling.opposition_import import import_list
from .world import DEMO_BLOCTEL, DEMO_SITE, VirtualWorld

PURPOSE: Final = "b2b_phone_prospecting"
PURPOSES: Final = (PURPOSE, "b2b_email_prospecting")
START_URL: Final = "http://annuaire-demo.test/,http://pros-demo.test/"
CRAWL_TIMEOUT: Final = 300  # seconds; the demo crawl takes a few
LINKED_ELSEWHERE: Final = (
    "https://www.linkedin.com/in/jeanne-martin",
    "http://www.facebook.com/cabinet-martin",
    "http://annuaire-inconnu.test/",
)


MARKER: Final = ".compliant-scraper-demo"  # marks a folder the demo made (and may empty)


@dataclass(frozen=True)
class DemoPaths:
    out: Path
    db: Path
    log: Path
    report: Path
    policies: Path

    @classmethod
    def under(cls, out: Path) -> DemoPaths:
        out = out.absolute()
        return cls(out, out / "demo.db", out / "crawl.log", out / "audit.html", out / "policies")


class DemoError(Exception):
    """The demo cannot run: said in one line, exit code 1."""


def bundled_policies() -> Path:
    """The demo's own registry: inside the package when installed from a wheel (the build
    force-includes the checkout's ``policies/`` there), else the checkout's ``policies/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "policies", here.parents[1] / "policies"):
        if (candidate / "purposes.toml").is_file():
            return candidate
    raise DemoError(f"the demo's policy registry is missing from {here / 'policies'}")


def fresh_output(paths: DemoPaths) -> None:
    """Start from an empty output folder so the summary is of this run only; a folder is
    emptied only if the demo made it (never a folder of the user's)."""
    if paths.out.exists():
        if not paths.out.is_dir():
            raise DemoError(f"{paths.out} exists and is not a folder")
        if any(paths.out.iterdir()) and not (paths.out / MARKER).exists():
            raise DemoError(
                f"{paths.out} is not empty and is not an earlier demo output: give a new folder"
            )
        shutil.rmtree(paths.out)
    paths.out.mkdir(parents=True)
    os.chmod(paths.out, 0o700)
    (paths.out / MARKER).write_text("written by python -m compliant_scraper.demo\n")
    shutil.copytree(bundled_policies(), paths.policies)


def import_demo_bloctel(db_path: Path) -> str:
    today = datetime.now(UTC).date()
    register = opposition_register("bloctel")
    closed_on = register.closed_on if register is not None else None
    # After the closing date the last list is dated as it was: the closing day.
    list_date = min(today, closed_on) if closed_on is not None else today
    db = open_database(db_path)
    try:
        report = import_list(
            db, DEMO_BLOCTEL, name="bloctel", jurisdiction="FR", list_date=list_date
        )
    finally:
        db.close()
    final = " (its final list: the register closed)" if list_date < today else ""
    return (
        f"imported the demo Bloctel list dated {list_date.isoformat()}{final}: "
        f"{report.info.count} numbers"
    )


def crawl(world: VirtualWorld, paths: DemoPaths, policy_dir: Path, purpose: str = PURPOSE) -> int:
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "directory",
        "-a",
        f"start_url={START_URL}",
        "-s",
        f"COMPLIANCE_PURPOSE={purpose}",
        "-s",
        f"COMPLIANCE_DB={paths.db}",
        "-s",
        f"COMPLIANCE_POLICY_DIR={policy_dir}",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "LOG_LEVEL=INFO",
        "-s",
        f"LOG_FILE={paths.log}",
        "-s",
        "LOG_FILE_APPEND=True",
    ]
    env = {**os.environ, **world.env(), "SCRAPY_SETTINGS_MODULE": "compliant_scraper.settings"}
    # In the output folder: a scrapy.cfg, policies/ or compliance.db where the user stands
    # plays no part.
    return subprocess.run(
        command, env=env, cwd=paths.out, timeout=CRAWL_TIMEOUT, check=False
    ).returncode


def write_report(paths: DemoPaths, policy_dir: Path) -> bool:
    command = [
        sys.executable,
        "-m",
        "compliant_scraper",
        "audit",
        "--db",
        str(paths.db),
        "--policies",
        str(policy_dir),
        "--html",
        str(paths.report),
    ]
    result = subprocess.run(
        command, cwd=paths.out, capture_output=True, text=True, timeout=120, check=False
    )
    return result.returncode == 0 and paths.report.exists()


def summary(db: Db, world: VirtualWorld, paths: DemoPaths, registry: Registry) -> str:
    lines = []

    def table(title: str, rows: Sequence[Sequence[object]]) -> None:
        lines.append(title)
        lines.extend(f"    {' | '.join(str(v) for v in row)}" for row in rows)
        if not rows:
            lines.append("    (none)")

    kept, held = contacts.count(db), sources.count(db)
    lines.append(f"Contacts kept: {kept} (from {held} source rows, each with its provenance)")
    table(
        "  purpose | name | job title | organization | phone | email | sources",
        contacts.summary(db),
    )
    table(
        "Refusals by stage and rule (requests never sent or never used):",
        runs.refusals_by_stage_and_rule(db),
    )
    table(
        "Drops by reason (values never stored; the values themselves are not recorded):",
        runs.drops_by_reason(db),
    )
    contacted = sorted(world.hosts())
    lines.append(f"Hosts the crawl contacted (via the local proxy): {', '.join(contacted)}")
    lines.append("Linked from the demo pages (the spider stays on its start hosts; the gate's")
    lines.append("verdict if a spider followed them anyway):")
    today = datetime.now(UTC).date()
    for url in LINKED_ELSEWHERE:
        host = urlsplit(url).hostname or ""
        state = "CONTACTED" if host in contacted else "never contacted"
        decision = decide(registry, url, purpose=PURPOSE, today=today)
        verdict = "allowed" if decision.allowed else f"refused ({decision.rule}): {decision.reason}"
        lines.append(f"    {host}: {state}; {verdict[:100]}")
    lines.append(f"Database: {paths.db}")
    lines.append(f"Crawl log: {paths.log}")
    return "\n".join(lines)


def main(out: Path | None = None) -> int:
    try:
        return _run(out)
    except DemoError as exc:
        print(f"Error: {exc}")
        return 1


def _run(out: Path | None) -> int:
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="compliant-scraper-demo-"))
    paths = DemoPaths.under(out)
    fresh_output(paths)
    policy_dir = paths.policies
    print(f"compliant-scraper demo: output in {paths.out}")
    print(f"- {import_demo_bloctel(paths.db)}")
    with VirtualWorld(DEMO_SITE) as world:
        print(
            f"- serving the demo world on {world.proxy_url} (hosts: "
            f"{', '.join(sorted(world.hosts_served))})"
        )
        for purpose in PURPOSES:
            print(
                f"- scrapy crawl directory -a start_url={START_URL} "
                f"-s COMPLIANCE_PURPOSE={purpose} ..."
            )
            code = crawl(world, paths, policy_dir, purpose)
            if code != 0:
                print(f"Error: the crawl exited with code {code}; see {paths.log}")
                return code
        db = SqliteDb(paths.db)
        try:
            print()
            print(summary(db, world, paths, load_registry(policy_dir)))
            kept = contacts.count(db)
        finally:
            db.close()
    if write_report(paths, policy_dir):
        print(f"Audit report (open in a browser): {paths.report}")
    print("The demo server is stopped.")
    if kept == 0:
        print(f"Error: the demo kept no contact; see {paths.log}")
        return 1
    return 0
