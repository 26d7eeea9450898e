"""``make demo``: a full compliant crawl of the bundled demo directory, offline.

Serves the demo world (virtual hosts behind a forward proxy on 127.0.0.1), imports the demo
Bloctel list as the register's final list (Bloctel closed on 10 August 2026, law.py), runs
``scrapy crawl directory`` under the bundled B2B phone purpose and then the B2B email
purpose (whose target professions and professional-mailbox rule show the drop reasons
``unrelated_to_offer``, ``no_profession`` and ``private_mailbox``), prints a summary from the
database, writes the HTML audit report, and stops the server. No request leaves 127.0.0.1:
every host the demo links to is played by the proxy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


@dataclass(frozen=True)
class DemoPaths:
    out: Path
    db: Path
    log: Path
    report: Path

    @classmethod
    def under(cls, out: Path) -> DemoPaths:
        return cls(out, out / "demo.db", out / "crawl.log", out / "audit.html")


def fresh_output(paths: DemoPaths) -> None:
    """Start from an empty output folder so the summary is of this run only."""
    if paths.out.exists():
        shutil.rmtree(paths.out)
    paths.out.mkdir(parents=True)
    os.chmod(paths.out, 0o700)


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
    return subprocess.run(command, env=env, timeout=CRAWL_TIMEOUT, check=False).returncode


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
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
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
    root = Path.cwd()
    policy_dir = root / "policies"
    if not (policy_dir / "purposes.toml").exists():
        print(f"Error: no policy registry at {policy_dir}: run `make demo` from the checkout")
        return 1
    paths = DemoPaths.under(out or root / "demo-output")
    fresh_output(paths)
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
        finally:
            db.close()
    if write_report(paths, policy_dir):
        print(f"Audit report (open in a browser): {paths.report}")
    print("The demo server is stopped.")
    return 0
