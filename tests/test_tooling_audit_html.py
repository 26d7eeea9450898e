"""The HTML report, opened offline in headless Chromium: its charts are there.

Chromium comes from the Debian package ``chromium``, which ``make system-deps`` (part of
``make test``) installs; a test never installs anything itself. Without it the test fails,
saying what to run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.tooling import filled_env

from compliant_scraper.clock import today_utc
from compliant_scraper.tooling.audit_html import render_html
from compliant_scraper.tooling.audit_report import build_report

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _find() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


@pytest.fixture(scope="module")
def chromium() -> Iterator[str]:
    path = _find()
    assert path is not None, (
        "headless Chromium is not installed: `make system-deps` (run by `make test`) installs "
        "Debian's chromium package; tests never install anything themselves"
    )
    yield path


def _dump_dom(chromium: str, html_file: Path, profile: Path) -> str:
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", html_file.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_report_opens_offline_with_its_charts(chromium: str, tmp_path: Path) -> None:
    env = filled_env(tmp_path / "env")
    report = build_report(env.db, db_path=env.db_path, policy_dir=env.policies, today=today_utc())
    html_file = tmp_path / "report.html"
    html_file.write_text(render_html(report), encoding="utf-8")
    dom = _dump_dom(chromium, html_file, tmp_path / "profile")

    titles = re.findall(r'<text x="0" y="14" class="chart-title">([^<]+)</text>', dom)
    assert titles == [
        "Contacts by purpose",
        "Contacts by source domain (top 15)",
        "Refusals by stage",
        "Refusals by rule",
        "Drops by reason",
        "Age of the lists in force (days)",
        "Art. 14 notices",
    ]
    assert dom.count("<svg") == 7
    # One bar per value: 2 stages, 2 rules, 2 drop reasons, 1 list, 2 domains, 1 purpose.
    bars = re.findall(r'<rect x="[0-9.]+"[^>]*><title>([^<]+)</title>', dom)
    assert "policy: 2" in bars and "robots: 1" in bars
    assert "sensitive_health (R4): 1" in bars
    assert "annuaire.test (b2b_email): 3" in bars
    assert "overdue: 1" in dom and "pending, not yet due (2)" in dom
    assert "<script" not in dom
